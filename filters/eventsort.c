/* eventsort - sort an events stream by time (a window in memory, sort(1) for
 * what does not fit) and nest its spans */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/digits.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/model.h"
#include "../common/order.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "../common/store.h"
#include "cmds.h"
#include "eventsort/window.h"

/* the reordering window (docs/ordering.md §2.1); FLAMEPIPE_EVENTSORT_WINDOW
 * sets it for the tests (0: every timed record through sort(1)) */
#define WINDOW (16u << 20)

/* out_write() for spans that may be empty (and then NULL). */
static void wr(const char *p, size_t n)
{
	if (n)
		out_write(p, n);
}

static const struct cli_info info = {
	"eventsort",
	"eventsort [-cq] [-d DEPTH] [-S SIZE] [-T DIR] [--strict] [FILE ...]",
	"Sort a flamepipe events stream (events(5)) by time in bounded memory: in a\n"
	"reordering window of up to 16 MiB, with sort(1) on disk for the records that\n"
	"come too late for it. Unnested spans (D records, from\n"
	"trace2events) become O/C pairs whose stacks are nested by time within their\n"
	"thread. At equal times closes come first (inner first), then opens (outer\n"
	"first), then everything else in input order. Header lines come first.\n"
	"FILE - or no FILE reads stdin. See docs/ordering.md.\n"
	"\n"
	"  -c, --check        do not sort: check that the input is sorted, exit 1\n"
	"                     at the first record out of order\n"
	"  -d, --max-depth=DEPTH  spans nested deeper than DEPTH levels (default\n"
	"                     2000; 0: no limit) are folded into one marker frame\n"
	"                     at level DEPTH+1, which keeps their time\n"
	"  -S, --buffer-size=SIZE  main memory of sort(1) (default 32M)\n"
	"  -T, --temporary-directory=DIR  where sort(1) keeps its temporary files\n"
	"      --strict       stop at the first malformed record\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

/* An open span of a thread. */
struct span {
	int64_t start;
	uint64_t seq;
	size_t stack_off;	/* length of the thread's stack text before this frame */
	size_t off, head_len, frame_len;	/* "cpu\tcomm\tevent" and frame in arena */
};

struct thread {
	struct span *s;
	size_t n, cap;
	size_t pid_len;		/* of its key PID TAB TID in the intern table */
	struct buf stack;	/* the full stack of the top span */
	struct buf arena;
};

struct es {
	int check;
	const char *size, *tmpdir;
	struct model md;	/* the reader (skips, file, line) */
	struct win win;		/* the timed records */
	struct store headers, untimed;	/* in input order, written first */
	struct intern threads;	/* PID TAB TID: its index in th */
	struct thread *th;	/* in the order met */
	size_t nth, thcap;
	uint64_t split, unmatched;
	long long max_depth;	/* 0: no limit */
	struct buf marker;	/* the marker frame's text */
	uint64_t folded;	/* spans folded into markers */
	size_t deepest;		/* the deepest level met */
	struct order order;	/* --check */
	struct pend *pq;	/* the closes of the spans opened: a heap, */
	size_t npq, pqcap;
	struct pend *pa;	/* and an array, the least last (pend_add()) */
	size_t npa, pacap;
	uint64_t pseq;		/* closes made, in the order their opens came */
	int64_t tt;		/* the last time written: its text */
	char ttxt[24];
	size_t ttn;
};

/* The close of a span opened (nest()), due at its key: the key of the
 * close record it stands for, (ord(end), '0', ~ord(start), ~ORDER, 2 words). */
struct pend {
	uint64_t t, w0, w1, seq;
	size_t th;		/* its thread's index */
};

/* ---- fields of a D record ---- */

struct drec {
	int64_t time, dur;
	uint64_t seq;
	struct slice pid, tid, head, stack;	/* head: cpu \t comm \t event */
};

/* Up to nf tab-separated fields of [p, p+n), the last one ending at the
 * next tab or the end; the number found. One pass, eight bytes at a time:
 * a mask of the tabs among them (exact: no carry crosses a byte). */
static int split(const char *p, size_t n, struct slice *f, int nf)
{
	const char *s = p, *q = p, *end = p + n;
	int i = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101u, low7 = 0x7f7f7f7f7f7f7f7fu;

	for (; end - q >= 8; q += 8) {
		uint64_t v, m;

		memcpy(&v, q, 8);
		v ^= ones * '\t';
		m = ~(((v & low7) + low7) | v) & ~low7;	/* 0x80 where a byte was a tab */
		for (; m; m &= m - 1) {
			const char *tab = q + (__builtin_ctzll(m) >> 3);

			f[i].p = s;
			f[i].n = (size_t)(tab - s);
			if (++i == nf)
				return i;
			s = tab + 1;
		}
	}
#endif
	for (; q < end; q++)
		if (*q == '\t') {
			f[i].p = s;
			f[i].n = (size_t)(q - s);
			if (++i == nf)
				return i;
			s = q + 1;
		}
	f[i].p = s;
	f[i].n = (size_t)(end - s);
	return i + 1;
}

/* ev_parse_i64() and ev_parse_time(), with a short way for plain digits */
static inline int parse_int(const char *p, size_t n, int64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 18)
		return ev_parse_i64(p, n, v);
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9)
			return ev_parse_i64(p, n, v);
		x = x * 10 + d;
	}
	*v = (int64_t)x;
	return 0;
}

static int parse_time(const char *p, size_t n, int64_t *v)
{
	uint64_t s = 0, f = 0;
	size_t i = 0, k;

	for (; i < n && i < 10; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9)
			break;
		s = s * 10 + d;
	}
	if (i == 0 || i == 10 || (i < n && p[i] != '.') || i + 1 == n || n - i > 10)
		return ev_parse_time(p, n, v);
	for (k = i + 1; k < n; k++) {
		unsigned d = (unsigned char)p[k] - '0';

		if (d > 9)
			return ev_parse_time(p, n, v);
		f = f * 10 + d;
	}
	for (k = i < n ? n - i - 1 : 0; k < 9; k++)
		f *= 10;
	*v = (int64_t)(s * 1000000000 + f);
	return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
#define ES_WORDS 1
static inline uint64_t load8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* 0x80 in each byte of v that is a tab (exact: no carry crosses a byte) */
static inline uint64_t tab_mask(uint64_t v)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fu;

	v ^= 0x0909090909090909u;
	return ~(((v & low7) + low7) | v) & ~low7;
}

/* The value of 8 digits, the first in the lowest byte; -1: not digits. */
static inline int64_t eight_digits(uint64_t v)
{
	const uint64_t mask = 0x000000ff000000ffu;

	if (((v & 0xf0f0f0f0f0f0f0f0u) | (((v + 0x0606060606060606u) & 0xf0f0f0f0f0f0f0f0u) >> 4)) !=
	    0x3333333333333333u)
		return -1;
	v -= 0x3030303030303030u;
	v = v * 10 + (v >> 8);
	v = ((v & mask) * 0x000f424000000064u + ((v >> 16) & mask) * 0x0000271000000001u) >> 32;
	return (int64_t)(uint32_t)v;
}

/* The bytes of m with 0x80 set, m having no other bits set (tab_mask()) */
static inline int bytes_set(uint64_t m)
{
	return (int)(((m >> 7) * 0x0101010101010101u) >> 56);
}

/* The tabs in [a, b), which lies in [lo, ...). */
static inline int count_tabs(const char *lo, const char *a, const char *b)
{
	int c = 0;

	if (b - lo < 8) {
		for (; a < b; a++)
			c += *a == '\t';
		return c;
	}
	for (; b - a >= 8; a += 8)
		c += bytes_set(tab_mask(load8(a)));
	if (a < b)	/* the last bytes, at the top of the word ending at b */
		c += bytes_set(tab_mask(load8(b - 8)) >> (8 * (8 - (b - a))));
	return c;
}
#endif

#ifdef ES_WORDS
/* Just after the last tab in [lo, end), or NULL: none */
static inline const char *last_tab(const char *lo, const char *end)
{
	while (end - lo >= 8) {
		uint64_t m = tab_mask(load8(end - 8));

		if (m)
			return end - 8 + ((63 - __builtin_clzll(m)) >> 3) + 1;
		end -= 8;
	}
	for (; end > lo; end--)
		if (end[-1] == '\t')
			return end;
	return NULL;
}
#endif

/* A field of 1 to 18 digits ending at end, read backwards, after a tab
 * not before lo: its start (the tab + 1), or NULL (not that form). */
static inline const char *back_digits(const char *lo, const char *end, int64_t *v)
{
	const char *q = end;
#ifdef ES_WORDS
	if (end - lo >= 8) {	/* 1 to 7 digits after a tab: one word */
		uint64_t w = load8(end - 8), m = tab_mask(w);

		if (m) {
			int top = 63 - __builtin_clzll(m), r = 7 - (top >> 3);	/* digits after the tab */
			int64_t x;

			if (r == 0)
				return NULL;
			w = (w & ~(((uint64_t)1 << (8 * (8 - r))) - 1)) | (0x3030303030303030u >> (8 * r));
			if ((x = eight_digits(w)) < 0)
				return NULL;
			*v = x;
			return end - r;
		}
	}
#endif
	uint64_t x = 0, m = 1;

	while (q > lo) {
		unsigned d = (unsigned char)q[-1] - '0';

		if (d > 9)
			break;
		x += d * m;
		m *= 10;
		q--;
	}
	if (q == end || end - q > 18 || q <= lo || q[-1] != '\t')
		return NULL;
	*v = (int64_t)x;
	return q;
}

/* parse_d() for the usual form, without a pass over every field: TIME
 * read from the front (parse_time()'s short way), ORDER, FRAMES and
 * DURATION from the back, and exactly four tabs between PID and
 * DURATION: the fields split() would find. 0, or -1: not that form
 * (parse_d() decides). */
static inline int parse_d_fast(const char *p, size_t n, struct drec *d)
{
	const char *q = p + 2, *end = p + n, *t, *ord, *fr, *du, *pid;
	uint64_t s = 0, f = 0;
	int64_t seq, dur;
	int k, tabs = 0;

	if (n < 21 || p[1] != '\t')
		return -1;
	for (k = 0; k < 9; k++, q++) {	/* 1 to 9 digits, '.', 1 to 9 digits, tab */
		unsigned c = (unsigned char)*q - '0';

		if (c > 9)
			break;
		s = s * 10 + c;
	}
	if (k == 0 || *q != '.')
		return -1;
	q++;
#ifdef ES_WORDS
	if (end - q > 9 && q[9] == '\t' && (unsigned)(q[8] - '0') <= 9) {	/* 9 decimals */
		int64_t x = eight_digits(load8(q));

		if (x >= 0) {
			f = (uint64_t)x * 10 + (uint64_t)(q[8] - '0');
			q += 9;
			k = 9;
			goto decimals;
		}
	}
#endif
	for (k = 0; k < 9 && q < end; k++, q++) {
		unsigned c = (unsigned char)*q - '0';

		if (c > 9)
			break;
		f = f * 10 + c;
	}
	if (k == 0 || q >= end || *q != '\t')
		return -1;
	for (; k < 9; k++)
		f *= 10;
#ifdef ES_WORDS
decimals:
#endif
	pid = q + 1;
	if (!(ord = back_digits(pid, end, &seq)))
		return -1;
	for (fr = ord - 1; fr > pid && fr[-1] != '\t'; fr--)
		;
	if (fr <= pid || !(du = back_digits(pid, fr - 1, &dur)))
		return -1;
#ifdef ES_WORDS
	tabs = count_tabs(p, pid, du - 1);
	(void)t;
#else
	for (t = pid; t < du - 1; t++)
		tabs += *t == '\t';
#endif
	if (tabs != 4)
		return -1;
	d->time = (int64_t)(s * 1000000000 + f);
	d->dur = dur;
	d->seq = (uint64_t)seq;
	d->pid.p = pid;
	d->stack.p = fr;
	d->stack.n = (size_t)(ord - 1 - fr);
	return d->time > INT64_MAX - d->dur ? -1 : 0;
}

static int parse_d(const char *p, size_t n, struct drec *d)
{
	struct slice f[10];
	int64_t seq;

	if (split(p, n, f, 10) < 10)
		return -1;
	if (parse_time(f[1].p, f[1].n, &d->time) < 0 || parse_int(f[7].p, f[7].n, &d->dur) < 0 ||
	    d->dur < 0 || parse_int(f[9].p, f[9].n, &seq) < 0 || d->time > INT64_MAX - d->dur)
		return -1;
	d->seq = (uint64_t)seq;
	d->pid = f[2];
	d->tid = f[3];
	d->head.p = f[4].p;
	d->head.n = (size_t)(f[6].p + f[6].n - f[4].p);
	d->stack = f[8];
	return 0;
}

/* ---- the sort keys ---- */

/* int64 to an order-preserving unsigned value */
static uint64_t ord(int64_t v)
{
	return (uint64_t)v ^ ((uint64_t)1 << 63);
}

static void add(struct es *g, uint64_t t, int sub, int nw, uint64_t w0, uint64_t w1, char tag,
		const char *line, size_t len)
{
	struct skey k = { t, { w0, w1 }, (unsigned char)sub, (unsigned char)nw };

	win_add(&g->win, &k, tag, line, len);
}

static void keep(struct store *s, const char *line, size_t len)
{
	store_add(s, line, len);
	store_add(s, "\n", 1);
}

static size_t depth(struct slice stack)
{
	size_t n = stack.n ? 1 : 0, i;

	for (i = 0; i < stack.n; i++)
		n += stack.p[i] == ';';
	return n;
}

static void decorate(struct es *g, const struct ev_rec *r)
{
	const char *p = r->line.p;
	size_t n = r->line.n, body;
	struct drec d;

	if (r->type == 'D') {
		if (parse_d_fast(p, n, &d) < 0 && parse_d(p, n, &d) < 0) {
			skip_record(&g->md.skips, g->md.file, g->md.lineno, "bad D record");
			return;
		}
		/* the key holds the times and the ORDER, the text PID to
		 * STACK */
		body = (size_t)(d.stack.p + d.stack.n - d.pid.p);
		if (d.dur == 0) {	/* zero length: an instant, after the opens */
			add(g, ord(d.time), '2', 0, 0, 0, 'z', d.pid.p, body);
			return;
		}
		/* open: longer first, then input order */
		add(g, ord(d.time), '1', 2, ~ord(d.time + d.dur), d.seq, 'o', d.pid.p, body);
		return;	/* its close: when the open comes out (nest()) */
	}
	if (r->time == EV_NONE || !strchr("SOCIDTPE", r->type))
		keep(&g->untimed, p, n);	/* untimed and unknown records: after the headers */
	else if (r->type == 'C')
		add(g, ord(r->time), '0', 1, ~(uint64_t)depth(r->stack), 0, '-', p, n);
	else if (r->type == 'O')
		add(g, ord(r->time), '1', 1, (uint64_t)depth(r->stack), 0, '-', p, n);
	else
		add(g, ord(r->time), '2', 0, 0, 0, '-', p, n);
}

/* ---- nesting the sorted stream ---- */

/* The index of a thread's open spans, by the bytes PID TAB TID. */
static size_t thread_of(struct es *g, struct slice pid, struct slice tid)
{
	int added;
	size_t i = intern_get(&g->threads, pid.p, (size_t)(tid.p + tid.n - pid.p), &added);

	if (added) {
		fp_grow(&g->th, &g->thcap, g->nth + 1, sizeof *g->th);
		memset(&g->th[g->nth], 0, sizeof *g->th);
		g->th[g->nth++].pid_len = pid.n;
	}
	return i;
}

/* The text of a time (ev_put_time()), the last one kept: records at
 * equal times come together. */
static const char *time_text(struct es *g, int64_t t, size_t *n)
{
	if (t != g->tt || !g->ttn) {
		char *end = g->ttxt + sizeof g->ttxt, *p = digits_time(end, t);

		g->tt = t;
		g->ttn = (size_t)(end - p);
		memmove(g->ttxt, p, g->ttn);
	}
	*n = g->ttn;
	return g->ttxt;
}

/* "TYPE TIME PID TID CPU COMM EVENT - STACK": the fields as read (escaped),
 * head being CPU TAB COMM TAB EVENT. */
static void put_rec(struct es *g, char type, int64_t t, struct slice pid, struct slice tid,
		    const char *head, size_t head_len, const char *stack, size_t stack_len)
{
	size_t tn, n = pid.n + tid.n + head_len + stack_len;
	const char *tx = time_text(g, t, &tn);
	char *p = n < ((size_t)1 << 20) ? out_reserve(n + tn + 9) : NULL;

	if (!p) {
		struct slice h = { head, head_len };

		ev_put_head_escaped(type, t, pid, tid, h, EV_NONE);
		wr(stack, stack_len);
		out_putc('\n');
		return;
	}
	*p++ = type;
	*p++ = '\t';
	p = bytes_put(p, tx, tn);
	*p++ = '\t';
	p = bytes_put(p, pid.p, pid.n);
	*p++ = '\t';
	p = bytes_put(p, tid.p, tid.n);
	*p++ = '\t';
	p = bytes_put(p, head, head_len);
	memcpy(p, "\t-\t", 3);
	p = bytes_put(p + 3, stack, stack_len);
	*p++ = '\n';
	out_commit(p);
}

/* Open a span on th. Below the depth limit its frame is added to the
 * thread's stack and an O record written; the first level over the limit
 * gets the marker frame instead, and the levels under that write nothing:
 * their time stays inside the marker's span. */
static void push(struct es *g, struct thread *th, const struct drec *d, const char *head, size_t head_len,
		 const char *frame, size_t frame_len, uint64_t seq, int64_t start)
{
	struct span *s;
	size_t depth;

	fp_grow(&th->s, &th->cap, th->n + 1, sizeof *th->s);
	s = &th->s[th->n++];
	depth = th->n;
	s->start = start;
	s->seq = seq;
	s->stack_off = th->stack.len;
	s->off = th->arena.len;
	s->head_len = head_len;
	s->frame_len = frame_len;
	buf_add(&th->arena, head, head_len);
	buf_add(&th->arena, frame, frame_len);
	if (depth > g->deepest)
		g->deepest = depth;
	if (g->max_depth && depth > (size_t)g->max_depth) {
		g->folded++;
		if (depth > (size_t)g->max_depth + 1)
			return;
		frame = g->marker.p;
		frame_len = g->marker.len;
	}
	if (th->stack.len)
		buf_addc(&th->stack, ';');
	buf_add(&th->stack, frame, frame_len);
	put_rec(g, 'O', d->time, d->pid, d->tid, head, head_len, th->stack.p, th->stack.len);
}

/* Close span i of th at time t. Spans above it (they outlive it: the input
 * did not nest) are closed too and opened again at t without it. */
static void close_span(struct es *g, struct thread *th, size_t i, const struct drec *d)
{
	size_t k, above = th->n - i - 1;
	struct buf keep = { 0 };
	struct span *moved = NULL;

	for (k = th->n; k-- > i;) {
		struct span *s = &th->s[k];

		if (!g->max_depth || k < (size_t)g->max_depth + 1)	/* level k + 1 was written */
			put_rec(g, 'C', d->time, d->pid, d->tid, th->arena.p + s->off, s->head_len,
				th->stack.p, th->stack.len);
		th->stack.len = s->stack_off;
	}
	if (above == 0) {
		th->arena.len = th->s[i].off;
		th->n--;
		return;
	}
	g->split += above;
	moved = fp_malloc(above * sizeof *moved);
	memcpy(moved, &th->s[i + 1], above * sizeof *moved);
	buf_add(&keep, th->arena.p + moved[0].off, th->arena.len - moved[0].off);
	th->arena.len = th->s[i].off;
	th->n = i;
	for (k = 0; k < above; k++) {
		const char *h = keep.p + (moved[k].off - moved[0].off);

		push(g, th, d, h, moved[k].head_len, h + moved[k].head_len, moved[k].frame_len,
		     moved[k].seq, moved[k].start);
	}
	free(moved);
	buf_free(&keep);
}

/* ---- the closes of the spans opened ----
 *
 * A D record's close is not sorted with the records: nest() makes it when
 * the open comes out, with the key a close record would have had, and
 * deliver() writes it before the first record whose key is above it.
 * Only closes have the key's sub '0' with two words, so no record's key
 * equals a close's; closes with equal keys (the same span twice) keep the
 * order their opens came in, that of the input. */

static int pend_lt(const struct pend *a, const struct pend *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	if (a->w0 != b->w0)
		return a->w0 < b->w0;
	if (a->w1 != b->w1)
		return a->w1 < b->w1;
	return a->seq < b->seq;
}

/* the close p before the record of key k */
static int pend_before(const struct pend *p, const struct skey *k)
{
	struct skey c = { p->t, { p->w0, p->w1 }, '0', 2 };

	return skey_cmp(&c, k) < 0;
}

static void pend_push(struct es *g, const struct pend *e)
{
	size_t i;

	fp_grow(&g->pq, &g->pqcap, g->npq + 1, sizeof *g->pq);
	for (i = g->npq++; i > 0 && pend_lt(e, &g->pq[(i - 1) / 2]); i = (i - 1) / 2)
		g->pq[i] = g->pq[(i - 1) / 2];
	g->pq[i] = *e;
}

static struct pend pend_pop(struct es *g)
{
	struct pend top = g->pq[0], e = g->pq[--g->npq];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < g->npq) {
		c += c + 1 < g->npq && pend_lt(&g->pq[c + 1], &g->pq[c]);
		g->pq[i] = g->pq[c];
		i = c;
	}
	for (; i > 0 && pend_lt(&e, &g->pq[(i - 1) / 2]); i = (i - 1) / 2)
		g->pq[i] = g->pq[(i - 1) / 2];
	if (g->npq)
		g->pq[i] = e;
	return top;
}

static int64_t unord(uint64_t v)
{
	return (int64_t)(v ^ ((uint64_t)1 << 63));
}

/* The close p: the span of its thread with its start and ORDER, the
 * latest opened, is closed at its end. */
static void close_pend(struct es *g, const struct pend *p)
{
	struct thread *th = &g->th[p->th];
	const struct ient *e = &g->threads.ents[p->th];
	struct drec d;
	size_t i;
	int64_t start = unord(~p->w0);
	uint64_t seq = ~p->w1;

	for (i = th->n; i-- > 0;)
		if (th->s[i].seq == seq && th->s[i].start == start)
			break;
	if (i == (size_t)-1) {
		g->unmatched++;	/* the same span twice in the input */
		return;
	}
	d.pid.p = e->key;
	d.pid.n = th->pid_len;
	d.tid.p = e->key + th->pid_len + 1;
	d.tid.n = e->len - th->pid_len - 1;
	d.time = unord(p->t);
	close_span(g, th, i, &d);
}

/* The least close pending, or NULL. */
static inline const struct pend *pend_min(const struct es *g)
{
	const struct pend *a = g->npa ? &g->pa[g->npa - 1] : NULL;

	if (!g->npq)
		return a;
	return a && pend_lt(a, &g->pq[0]) ? a : &g->pq[0];
}

/* A close pending: into the array when its place is among the last
 * PEND_NEAR, else into the heap. The closes of a thread's nested spans
 * come least last (the inner span ends first), so they are nearly always
 * added at the end of the array and taken from there; the heap keeps the
 * cost bounded when they do not. The two are one set: the least of the
 * two least is the least close, so they are taken in the heap's order. */
#define PEND_NEAR 16

static void pend_add(struct es *g, const struct pend *e)
{
	size_t n = g->npa, i;

	if (n && !pend_lt(e, &g->pa[n - 1])) {
		if (n > PEND_NEAR && pend_lt(&g->pa[n - PEND_NEAR], e)) {
			pend_push(g, e);
			return;
		}
		for (i = n - 1; i > 0 && pend_lt(&g->pa[i - 1], e); i--)
			;	/* stops by n - PEND_NEAR: that one is above e */
	} else {
		i = n;
	}
	if (n == g->pacap)
		fp_grow(&g->pa, &g->pacap, n + 1, sizeof *g->pa);
	if (i < n)
		memmove(&g->pa[i + 1], &g->pa[i], (n - i) * sizeof *g->pa);
	g->pa[i] = *e;
	g->npa++;
}

/* The closes due before the record of key k (NULL: all). */
static void close_due(struct es *g, const struct skey *k)
{
	const struct pend *m;

	while ((m = pend_min(g)) && (!k || pend_before(m, k))) {
		struct pend p;

		if (g->npa && m == &g->pa[g->npa - 1])
			p = g->pa[--g->npa];
		else
			p = pend_pop(g);
		close_pend(g, &p);
	}
}

/* A span record of the sorted stream: its times and ORDER from the key k,
 * the fields from the text (decorate()). */
static void nest(struct es *g, const struct skey *k, char tag, const char *line, size_t len)
{
	struct drec d;
	struct thread *th;
	struct pend p;
	const char *end = line + len, *t1, *t2, *l1, *l2;

	/* PID TID CPU COMM EVENT DURATION FRAMES, no tab in a field: PID and
	 * TID from the front, FRAMES and DURATION from the back */
#ifdef ES_WORDS
	if (len >= 16) {	/* the first two tabs, the last two, a word at a time */
		uint64_t m = tab_mask(load8(line));

		if (m && (m & (m - 1))) {
			t1 = line + (__builtin_ctzll(m) >> 3);
			m &= m - 1;
			t2 = line + (__builtin_ctzll(m) >> 3);
			l1 = last_tab(t2 + 1, end);
			l2 = l1 ? last_tab(t2 + 1, l1 - 1) : NULL;
			if (l2)
				goto found;
		}
	}
#endif
	for (t1 = line; t1 < end && *t1 != '\t'; t1++)
		;
	for (t2 = t1 + (t1 < end); t2 < end && *t2 != '\t'; t2++)
		;
	for (l1 = end; l1 > t2 && l1[-1] != '\t'; l1--)
		;
	for (l2 = l1 - (l1 > t2); l2 > t2 && l2[-1] != '\t'; l2--)
		;
#ifdef ES_WORDS
found:
#endif
	if (l2 <= t2 + 1 || (tag != 'o' && tag != 'z'))
		fp_die("sort returned a damaged line");
	d.pid.p = line;
	d.pid.n = (size_t)(t1 - line);
	d.tid.p = t1 + 1;
	d.tid.n = (size_t)(t2 - t1 - 1);
	d.time = unord(k->t);
	d.seq = k->w[1];
	d.head.p = t2 + 1;
	d.head.n = (size_t)(l2 - 1 - d.head.p);
	d.stack.p = l1;
	d.stack.n = (size_t)(end - l1);
	p.th = thread_of(g, d.pid, d.tid);
	th = &g->th[p.th];
	if (tag == 'o') {
		push(g, th, &d, d.head.p, d.head.n, d.stack.p, d.stack.n, d.seq, d.time);
		p.t = ~k->w[0];	/* ord(end) */
		p.w0 = ~k->t;
		p.w1 = ~d.seq;
		p.seq = g->pseq++;
		pend_add(g, &p);
		return;
	}
	{
		size_t base = th->stack.len;
		int folded = g->max_depth && th->n > (size_t)g->max_depth;

		if (base && !folded)	/* an instant under the marker is the marker's */
			buf_addc(&th->stack, ';');
		if (!folded)
			buf_add(&th->stack, d.stack.p, d.stack.n);
		put_rec(g, 'I', d.time, d.pid, d.tid, d.head.p, d.head.n, th->stack.p, th->stack.len);
		th->stack.len = base;
	}
}

/* The model reads (magic, headers, skips); every record goes to sort(1)
 * as it is: want() takes S O C I records before the model looks at them,
 * other() the rest (D records kept, E records not checked: no_units). */
static int on_record(void *ctx, const struct ev_rec *r)
{
	decorate(ctx, r);
	return 0;
}

static void on_other(void *ctx, const struct ev_rec *r)
{
	decorate(ctx, r);
}

static void on_header(void *ctx, struct slice line)
{
	struct es *g = ctx;

	/* one magic line and our own #order header are written first */
	if ((line.n >= 18 && strncmp(line.p, "#flamepipe-events ", 18) == 0) ||
	    (line.n >= 7 && strncmp(line.p, "#order ", 7) == 0))
		return;
	keep(&g->headers, line.p, line.n);
}

/* a record of the sorted stream (win_each) to stdout, nested if a span */
static void deliver(void *ctx, const struct skey *k, char tag, const char *line, size_t len)
{
	struct es *g = ctx;

	const struct pend *m = pend_min(g);

	if (m && pend_before(m, k))
		close_due(g, k);
	if (tag != '-') {
		nest(ctx, k, tag, line, len);
		return;
	}
	wr(line, len);
	out_putc('\n');
}

static void copy_out(struct store *s)
{
	struct store_rd rd;
	uint64_t left = s->len;

	store_rd_init(&rd, s, 0, s->len);
	while (left) {
		size_t k = left < sizeof rd.buf ? (size_t)left : sizeof rd.buf;
		char chunk[sizeof rd.buf];

		if (!store_get(&rd, chunk, k))
			fp_die("temporary file: cut short");
		out_write(chunk, k);
		left -= k;
	}
}

static int sort_all(struct es *g, int argc, char **argv)
{
	int status = cli_each_input(argc, argv, model_read, &g->md);

	ev_put_magic();
	out_puts("#order sorted\n");
	copy_out(&g->headers);
	copy_out(&g->untimed);
	win_each(&g->win, deliver, g);
	close_due(g, NULL);
	if (g->split)
		fp_warn("%" PRIu64 " spans outlived their enclosing span: continued after it at "
			"its level (split)", g->split);
	if (g->folded)
		fp_warn("%" PRIu64 " spans nested deeper than %lld levels (down to level %zu) were "
			"folded into the marker frame '%.*s' (change with --max-depth)", g->folded,
			g->max_depth, g->deepest, (int)g->marker.len, g->marker.p);
	return status;
}

/* --check: the first record out of order is an error. */
/* --check: the first record out of order is an error. Its own reader
 * loop: it stops at that record and goes on with the next input, which
 * the model's reader (one stop for the run) does not do. */
static int check_input(const char *path, void *ctx)
{
	struct es *g = ctx;
	struct ev_reader rd;
	struct ev_rec r;
	const char *why;
	int k;

	if (ev_reader_open(&rd, path, &g->md.skips) < 0)
		return 1;
	while ((k = ev_reader_next(&rd, &r)) != EV_EOF && k != EV_ERROR) {
		if (k == EV_HEADER) {
			order_header(&g->order, r.line.p, r.line.n);
		} else if (order_check(&g->order, &r, &why) < 0) {
			fp_warn("%s:%" PRIu64 ": %s", rd.in.name, rd.in.lineno, why);
			ev_reader_close(&rd);
			return 1;
		}
	}
	ev_reader_close(&rd);
	return k == EV_ERROR;
}

static void parse_options(struct es *g, int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "buffer-size", required_argument, NULL, 'S' },
		{ "temporary-directory", required_argument, NULL, 'T' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "cd:S:T:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': g->check = 1; break;
		case 'd': g->max_depth = cli_number(&info, "--max-depth", optarg, 0, 1000000000); break;
		case 'S': g->size = optarg; break;
		case 'T': g->tmpdir = optarg; break;
		case OPT_STRICT: g->md.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
}

/* The window and the stores of headers and untimed records. */
static void start(struct es *g)
{
	const char *e = getenv("FLAMEPIPE_EVENTSORT_WINDOW");
	size_t window = e && *e ? (size_t)strtoull(e, NULL, 10) : WINDOW;

	win_init(&g->win, window, g->size, g->tmpdir);
	store_init(&g->headers, "eventsort", g->tmpdir, window / 16);
	store_init(&g->untimed, "eventsort", g->tmpdir, window / 16);
}

static void es_free(struct es *g)
{
	size_t i;

	for (i = 0; i < g->nth; i++) {
		free(g->th[i].s);
		buf_free(&g->th[i].stack);
		buf_free(&g->th[i].arena);
	}
	free(g->th);
	free(g->pq);
	free(g->pa);
	intern_free(&g->threads);
	win_free(&g->win);
	store_free(&g->headers);
	store_free(&g->untimed);
	buf_free(&g->marker);
	order_free(&g->order);
	model_free(&g->md);
}

int cmd_eventsort(int argc, char **argv)
{
	static const struct model_opts opts = { .keep_unnested = 1, .no_units = 1 };
	struct es g = { .max_depth = 2000 };
	const struct md_sink sink = { .ctx = &g, .want = on_record, .header = on_header,
				      .other = on_other };
	int status;

	cli_init(&info);
	model_init(&g.md, &sink, &opts);
	parse_options(&g, argc, argv);
	start(&g);
	if (g.check) {
		status = cli_each_input(argc - optind, argv + optind, check_input, &g);
		es_free(&g);
		return status;
	}
	{
		char name[64];

		snprintf(name, sizeof name, "[spans deeper than %lld levels]", g.max_depth);
		buf_adds(&g.marker, name);
	}
	status = sort_all(&g, argc - optind, argv + optind);
	out_close();
	es_free(&g);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_eventsort(argc, argv); }
#endif
