/* window.c - eventsort's sorting of timed records (window.h): a window of
 * at most budget bytes, sorted in cuts, lets records out in key order into
 * a run (a store);
 * a record whose key is below the last one let out goes to sort(1)
 * instead; at the end the run and sort(1)'s output are merged.
 *
 * Every record has a sequence number, the order it was added in. The run
 * is in (key, seq) order; sort -s keeps the order added within equal keys,
 * so its output is in (key, seq) order too; the merge by (key, seq) is
 * therefore the order `sort -s` gives the whole stream, whatever the
 * window's size (docs/ordering.md §2.1). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/input.h"
#include "window.h"

/* A record as the window and the run keep it: the header, then len bytes. */
struct rec {
	struct skey k;
	uint64_t seq;
	uint32_t len;
	char tag;
};

/* A record of the window, flat for the comparisons (rec's fields), its
 * text apart or, up to 8 bytes, in place. */
struct ent {
	uint64_t t, w0, w1, seq;
	union {
		char *p;
		char c[8];
	} line;
	uint32_t len;
	unsigned char sub, nw;
	char tag;
};

#define INLINE(e) ((e)->len <= sizeof (e)->line.c)
#define TEXT(e) (INLINE(e) ? (e)->line.c : (e)->line.p)

/* The window starts small (a small one is fast to sort) and doubles up to its
 * maximum each time a record comes too late for it. */
#define WIN_START (64u << 10)

/* Texts longer than BIG are malloc'd one by one; the others are cut from
 * chunks of CHUNK bytes, each after 4 bytes: its distance from the start of
 * its chunk; a chunk is freed when the last of its texts is. The window's
 * bytes count its slots, its chunks and the malloc'd texts with malloc's
 * header. */
#define CHUNK 4096u
#define BIG (CHUNK / 8)
#define CHUNK_HEAD 16	/* struct chunk, rounded up */

struct chunk {
	size_t live;	/* texts in it not freed */
};

static char *text_alloc(struct win *w, size_t len)
{
	struct chunk *c;
	char *p;
	uint32_t back;

	if (len > BIG) {
		w->bytes += len + 16;
		return fp_malloc(len);
	}
	if (!w->chunk || CHUNK - w->chunk_used < 4 + len) {
		c = (struct chunk *)w->chunk;
		if (c && c->live == 0) {
			free(c);
			w->bytes -= CHUNK;
		}
		c = fp_malloc(CHUNK);
		c->live = 0;
		w->chunk = (char *)c;
		w->chunk_used = CHUNK_HEAD;
		w->bytes += CHUNK;
	}
	back = (uint32_t)(w->chunk_used + 4);
	p = w->chunk + w->chunk_used;
	memcpy(p, &back, 4);
	w->chunk_used += 4 + len;
	((struct chunk *)w->chunk)->live++;
	return p + 4;
}

static void text_free(struct win *w, char *p, size_t len)
{
	struct chunk *c;
	uint32_t back;

	if (len > BIG) {
		free(p);
		w->bytes -= len + 16;
		return;
	}
	memcpy(&back, p - 4, 4);
	c = (struct chunk *)(p - back);
	if (--c->live)
		return;
	if ((char *)c == w->chunk) {
		w->chunk_used = CHUNK_HEAD;	/* empty: used again */
		return;
	}
	free(c);
	w->bytes -= CHUNK;
}

static inline int rcmp(const struct rec *a, const struct rec *b)
{
	int c = skey_cmp(&a->k, &b->k);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* a before b in (key, seq) order */
static inline int elt(const struct ent *a, const struct ent *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	if (a->sub != b->sub)
		return a->sub < b->sub;
	if (a->w0 != b->w0)
		return a->w0 < b->w0;
	if (a->w1 != b->w1)
		return a->w1 < b->w1;
	if (a->nw != b->nw)
		return a->nw < b->nw;
	return a->seq < b->seq;
}

/* ---- sorting the window ----
 *
 * The window is an array: a sorted part (what the last cut kept), then
 * the records added since, unsorted. When it holds more than its budget
 * it is cut: the new part is sorted (by time with a radix sort, stable,
 * then each group of equal times by the rest of (key, seq)), merged with
 * the sorted part, and the least records go to the run until half the
 * budget is left. The new part's sort and the merge use a scratch array
 * as long as the new part. */

static int ent_cmp(const void *a, const void *b)
{
	return elt(a, b) ? -1 : elt(b, a);
}

/* e[0..m) sorted by (key, seq): for the records of a trace, nearly
 * sorted, with many equal times. tmp: room for m entries; the result is
 * in e or tmp: the return value. */
static struct ent *sort_new(struct ent *e, struct ent *tmp, size_t m)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t i, j, cnt[8][256];
	int pass, npass = 0;

	for (i = 0; i < m; i++) {
		lo = e[i].t < lo ? e[i].t : lo;
		hi = e[i].t > hi ? e[i].t : hi;
	}
	if (m < 32) {
		qsort(e, m, sizeof *e, ent_cmp);
		return e;
	}
	while (npass < 8 && (hi - lo) >> (8 * npass))
		npass++;
	memset(cnt, 0, (size_t)npass * sizeof cnt[0]);
	for (i = 0; i < m; i++) {
		uint64_t d = e[i].t - lo;

		for (pass = 0; pass < npass; pass++)
			cnt[pass][(d >> (8 * pass)) & 255]++;
	}
	for (pass = 0; pass < npass; pass++) {
		size_t sum = 0, *c = cnt[pass];
		struct ent *x;

		for (i = 0; i < 256; i++) {
			size_t k = c[i];

			c[i] = sum;
			sum += k;
		}
		for (i = 0; i < m; i++)
			tmp[c[((e[i].t - lo) >> (8 * pass)) & 255]++] = e[i];
		x = e;
		e = tmp;
		tmp = x;
	}
	/* equal times: in the order added, to be put in (key, seq) order */
	for (i = 0; i < m; i = j) {
		int sorted = 1;

		for (j = i + 1; j < m && e[j].t == e[i].t; j++)
			sorted &= elt(&e[j - 1], &e[j]);
		if (sorted)
			continue;
		if (j - i > 16) {
			qsort(e + i, j - i, sizeof *e, ent_cmp);
			continue;
		}
		for (size_t k = i + 1; k < j; k++) {
			struct ent x = e[k];
			size_t h = k;

			for (; h > i && elt(&x, &e[h - 1]); h--)
				e[h] = e[h - 1];
			e[h] = x;
		}
	}
	return e;
}

static void ent_free(struct win *w, struct ent *e)
{
	if (!INLINE(e))
		text_free(w, e->line.p, e->len);
	w->bytes -= sizeof *e;
}

/* ---- the run's records: a compact header, then the text ----
 *
 * A byte: the header's length; the tag; varints of the text's length, of
 * the time since the previous record of the run (never negative), of the
 * sequence's change (zigzag); sub, nw; a varint per word: for a span's
 * open ('o') the end - start, for its close ('c') the start's distance
 * back, then the ORDER (complemented for 'c'), other words zigzagged by
 * their complement. Nearly all of a D record's key is small numbers. */

static char *put_var(char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (char)v;
	return p;
}

static const unsigned char *get_var_long(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	int sh = 0;

	while (p < end && sh < 64) {
		x |= (uint64_t)(*p & 0x7f) << sh;
		if (!(*p++ & 0x80)) {
			*v = x;
			return p;
		}
		sh += 7;
	}
	return NULL;
}

static inline const unsigned char *get_var(const unsigned char *p, const unsigned char *end,
					   uint64_t *v)
{
	if (p < end && *p < 0x80) {	/* one byte: the usual case */
		*v = *p;
		return p + 1;
	}
	return get_var_long(p, end, v);
}

static uint64_t word_code(const struct rec *r, int i)
{
	uint64_t v = r->k.w[i];

	if (r->tag == 'o')
		return i ? v : ~v - r->k.t;
	if (r->tag == 'c')
		return i ? ~v : r->k.t - ~v;
	return v >> 63 ? ~v << 1 | 1 : v << 1;
}

static uint64_t word_decode(const struct rec *r, int i, uint64_t c)
{
	if (r->tag == 'o')
		return i ? c : ~(c + r->k.t);
	if (r->tag == 'c')
		return i ? ~c : ~(r->k.t - c);
	return c & 1 ? ~(c >> 1) : c >> 1;
}

#define RUN_HEAD 64
#define RUN_TEXT 192	/* texts up to this long are copied after the header */

static void run_put(struct win *w, const struct rec *r, const char *line)
{
	char h[RUN_HEAD], *p = h + 1;
	uint64_t ds = r->seq - w->run_seq;
	int i;

	*p++ = r->tag;
	p = put_var(p, r->len);
	p = put_var(p, r->k.t - w->run_t);
	p = put_var(p, ds >> 63 ? ~ds << 1 | 1 : ds << 1);
	*p++ = (char)r->k.sub;
	*p++ = (char)r->k.nw;
	for (i = 0; i < r->k.nw; i++)
		p = put_var(p, word_code(r, i));
	h[0] = (char)(p - h - 1);
	w->run_t = r->k.t;
	w->run_seq = r->seq;
	if (r->len <= RUN_TEXT) {	/* one call for both */
		char b[RUN_HEAD + RUN_TEXT];
		size_t hn = (size_t)(p - h);

		memcpy(b, h, hn);
		memcpy(b + hn, line, r->len);
		store_add(&w->run, b, hn + r->len);
		return;
	}
	store_add(&w->run, h, (size_t)(p - h));
	store_add(&w->run, line, r->len);
}

struct run_rd {
	struct store_rd rd;
	uint64_t t, seq;
};

/* The next record of the run into r and *text (in the reader's buffer
 * or in b, good until the next call); 0 at the end. */
static int run_get(struct run_rd *q, struct rec *r, struct buf *b, const char **text)
{
	struct store_rd *rd = &q->rd;
	unsigned char hb[RUN_HEAD];
	const unsigned char *p, *end;
	uint64_t len, dt, ds, c;
	int i;

	if (rd->pos < rd->len && rd->len - rd->pos > (unsigned char)rd->buf[rd->pos]) {
		p = (const unsigned char *)rd->buf + rd->pos;
		rd->pos += 1 + (size_t)p[0];
	} else {
		if (!store_get(rd, hb, 1))
			return 0;
		if (!store_get(rd, hb + 1, hb[0]))
			fp_die("temporary file: cut short");
		p = hb;
	}
	end = p + 1 + p[0];
	p++;
	if (end - p < 5)
		fp_die("temporary file: damaged");
	memset(r, 0, sizeof *r);
	r->tag = (char)*p++;
	if (!(p = get_var(p, end, &len)) || !(p = get_var(p, end, &dt)) || !(p = get_var(p, end, &ds)) ||
	    end - p < 2)
		fp_die("temporary file: damaged");
	q->t += dt;
	q->seq += ds & 1 ? ~(ds >> 1) : ds >> 1;
	r->k.t = q->t;
	r->seq = q->seq;
	r->len = (uint32_t)len;
	r->k.sub = *p++;
	r->k.nw = *p++;
	if (r->k.nw > 2)
		fp_die("temporary file: damaged");
	for (i = 0; i < r->k.nw; i++) {
		if (!(p = get_var(p, end, &c)))
			fp_die("temporary file: damaged");
		r->k.w[i] = word_decode(r, i, c);
	}
	if (rd->len - rd->pos >= r->len) {
		*text = rd->buf + rd->pos;
		rd->pos += r->len;
		return 1;
	}
	b->len = 0;
	buf_reserve(b, r->len + 1);
	if (r->len && !store_get(rd, b->p, r->len))
		fp_die("temporary file: cut short");
	b->len = r->len;
	*text = b->p;
	return 1;
}

/* A record of the window to the run. */
static void take(struct win *w, struct ent *e)
{
	struct rec r;

	memset(&r, 0, sizeof r);
	r.k.t = e->t;
	r.k.w[0] = e->w0;
	r.k.w[1] = e->w1;
	r.k.sub = e->sub;
	r.k.nw = e->nw;
	r.seq = e->seq;
	r.len = e->len;
	r.tag = e->tag;
	w->last = r.k;
	w->taken = 1;
	run_put(w, &r, TEXT(e));
	ent_free(w, e);
}

/* Sort the window and let out its least records until it holds at most
 * keep bytes (docs/ordering.md §2.1). */
static void cut(struct win *w, size_t keep)
{
	size_t ns = w->nsorted, m = w->n - ns, i, a, b, k;
	struct ent *e = w->h, *nb;

	if (m) {
		fp_grow(&w->tmp, &w->tmpcap, m, sizeof *w->tmp);
		nb = sort_new(e + ns, w->tmp, m);
		if (nb != w->tmp)
			memcpy(w->tmp, nb, m * sizeof *nb);
		/* merge from the back: the sorted part, the new part in tmp */
		a = ns;
		b = m;
		for (k = w->n; b > 0; ) {
			if (a > 0 && elt(&w->tmp[b - 1], &e[a - 1]))
				e[--k] = e[--a];
			else
				e[--k] = w->tmp[--b];
		}
	}
	for (i = 0; i < w->n && w->bytes > keep; i++)
		take(w, &e[i]);
	if (i > 0 && i < w->n)
		memmove(e, e + i, (w->n - i) * sizeof *e);
	w->n -= i;
	w->nsorted = w->n;
}

void win_init(struct win *w, size_t budget, const char *size, const char *tmpdir)
{
	memset(w, 0, sizeof *w);
	w->max = budget;
	w->budget = budget < WIN_START ? budget : WIN_START;
	w->size = size;
	w->tmpdir = tmpdir;
	w->from = -1;
	store_init(&w->run, "eventsort", tmpdir, budget / 16);
}

/* ---- sort(1) ---- */

static void start_sort(struct win *w)
{
	int in[2], outp[2];
	const char *argv[8];
	int n = 0;
	char *S = NULL, *T = NULL;

	if (pipe(in) < 0 || pipe(outp) < 0)
		fp_die("pipe:");
	argv[n++] = "sort";
	argv[n++] = "-s";
	argv[n++] = "-t\t";
	argv[n++] = "-k1,1";
	if (asprintf(&S, "-S%s", w->size ? w->size : "32M") < 0)
		fp_die("out of memory");
	argv[n++] = S;
	if (w->tmpdir) {
		if (asprintf(&T, "-T%s", w->tmpdir) < 0)
			fp_die("out of memory");
		argv[n++] = T;
	}
	argv[n] = NULL;
	w->pid = fork();
	if (w->pid < 0)
		fp_die("fork:");
	if (w->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		dup2(in[0], 0);
		dup2(outp[1], 1);
		close(in[0]);
		close(in[1]);
		close(outp[0]);
		close(outp[1]);
		setenv("LC_ALL", "C", 1);
		execvp("sort", (char *const *)argv);
		fprintf(stderr, "%s: cannot run sort: %s\n", fp_progname, strerror(errno));
		_exit(127);
	}
	free(S);
	free(T);
	close(in[0]);
	close(outp[1]);
	w->from = outp[0];
	w->to_sort = fdopen(in[1], "w");
	if (!w->to_sort)
		fp_die("fdopen:");
	setvbuf(w->to_sort, NULL, _IOFBF, 1 << 16);
}

static void hex16(char *t, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		t[i] = hex[v & 15];
}

/* "2 T SUB W... \t SEQ \t TAG \t LINE \n": the key as the records before
 * the timed ones had it ('0' headers, '1' untimed), now kept apart. */
static void to_sort(struct win *w, const struct rec *r, const char *line)
{
	char t[2 + 16 + 1 + 32 + 1 + 16 + 3], *p = t;
	int i;

	*p++ = '2';
	hex16(p, r->k.t);
	p += 16;
	*p++ = (char)r->k.sub;
	for (i = 0; i < r->k.nw; i++, p += 16)
		hex16(p, r->k.w[i]);
	*p++ = '\t';
	hex16(p, r->seq);
	p += 16;
	*p++ = '\t';
	*p++ = r->tag;
	*p++ = '\t';
	if (!w->to_sort)
		start_sort(w);
	w->late++;
	if (fwrite(t, 1, (size_t)(p - t), w->to_sort) != (size_t)(p - t) ||
	    fwrite(line, 1, r->len, w->to_sort) != r->len || putc('\n', w->to_sort) == EOF)
		fp_die("writing to sort:");
}

void win_add(struct win *w, const struct skey *key, char tag, const char *line, size_t len)
{
	struct skey kk = *key, *k = &kk;
	struct ent e;

	if (kk.nw < 2)	/* words past nw are zero (skey_cmp()) */
		kk.w[1] = 0;
	if (kk.nw < 1)
		kk.w[0] = 0;

	if (len > UINT32_MAX)
		fp_die("a record of %zu bytes: too long", len);
	if (!w->budget || (w->taken && skey_cmp(k, &w->last) < 0)) {
		struct rec r;

		memset(&r, 0, sizeof r);
		r.k = *k;
		r.seq = w->seq++;
		r.len = (uint32_t)len;
		r.tag = tag;
		to_sort(w, &r, line);
		/* a larger window might have held it */
		w->budget = w->budget > w->max / 2 ? w->max : w->budget * 2;
		return;
	}
	e.t = k->t;
	e.w0 = k->nw > 0 ? k->w[0] : 0;
	e.w1 = k->nw > 1 ? k->w[1] : 0;
	e.sub = k->sub;
	e.nw = k->nw;
	e.seq = w->seq++;
	e.len = (uint32_t)len;
	e.tag = tag;
	if (INLINE(&e)) {
		memset(e.line.c, 0, sizeof e.line.c);
		if (len)
			memcpy(e.line.c, line, len);
	} else {
		e.line.p = text_alloc(w, len);
		memcpy(e.line.p, line, len);
	}
	fp_grow(&w->h, &w->cap, w->n + 1, sizeof *w->h);
	w->h[w->n++] = e;
	w->bytes += sizeof e;
	if (w->bytes > w->budget)
		cut(w, w->budget / 2);
}

/* ---- the merge ---- */

static int unhex16(const char *p, uint64_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 16; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			*v = *v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

/* A line of sort(1)'s output (to_sort()) back into r and *text. */
static int parse_sorted(const char *p, size_t n, struct rec *r, const char **text)
{
	const char *tab = memchr(p, '\t', n);
	size_t kl = tab ? (size_t)(tab - p) : 0;
	int i;

	memset(r, 0, sizeof *r);
	if (kl < 18 || p[0] != '2' || (kl - 18) % 16 || kl > 18 + 32 || n < kl + 20 ||
	    p[kl + 17] != '\t' || p[kl + 19] != '\t' || unhex16(p + 1, &r->k.t) < 0 ||
	    unhex16(p + kl + 1, &r->seq) < 0)
		return -1;
	r->k.sub = (unsigned char)p[17];
	r->k.nw = (unsigned char)((kl - 18) / 16);
	for (i = 0; i < r->k.nw; i++)
		if (unhex16(p + 18 + 16 * i, &r->k.w[i]) < 0)
			return -1;
	r->tag = p[kl + 18];
	*text = p + kl + 20;
	r->len = (uint32_t)(n - kl - 20);
	return 0;
}

static int next_sorted(struct input *in, struct rec *r, const char **text)
{
	char *line;
	size_t len;
	int k;

	if (!in)
		return 0;
	k = input_getline(in, &line, &len);
	if (k < 0)
		fp_die("cannot read the output of sort");
	if (k > 0 && parse_sorted(line, len, r, text) < 0)
		fp_die("sort returned a damaged line");
	return k;
}

static struct input *open_sorted(struct win *w, struct input *in)
{
	char path[32];

	if (!w->to_sort)
		return NULL;
	if (fclose(w->to_sort) != 0)
		fp_die("writing to sort:");
	w->to_sort = NULL;
	snprintf(path, sizeof path, "/dev/fd/%d", w->from);
	if (input_open(in, path) < 0)
		fp_die("cannot read the output of sort");
	close(w->from);
	w->from = -1;
	return in;
}

void win_each(struct win *w, win_fn *fn, void *ctx)
{
	struct run_rd rd = { .t = 0 };
	struct input sorted, *in;
	struct rec ra, rb;
	struct buf b = { 0 };
	const char *text = NULL, *ta = NULL;
	int a, s, st;
	pid_t r;

	cut(w, 0);
	in = open_sorted(w, &sorted);
	store_rd_init(&rd.rd, &w->run, 0, w->run.len);
	a = run_get(&rd, &ra, &b, &ta);
	s = next_sorted(in, &rb, &text);
	while (a || s) {
		if (a && (!s || rcmp(&ra, &rb) < 0)) {
			fn(ctx, &ra.k, ra.tag, ta, ra.len);
			a = run_get(&rd, &ra, &b, &ta);
		} else {
			fn(ctx, &rb.k, rb.tag, text, rb.len);
			s = next_sorted(in, &rb, &text);
		}
	}
	buf_free(&b);
	if (!in)
		return;
	input_close(in);
	while ((r = waitpid(w->pid, &st, 0)) < 0 && errno == EINTR)
		;	/* a signal with a handler (a timer) came first */
	if (r < 0)
		fp_die("waiting for sort:");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fp_die("sort failed (%s %d)", WIFEXITED(st) ? "exit status" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	w->pid = 0;
}

void win_free(struct win *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		ent_free(w, &w->h[i]);
	free(w->chunk);	/* the others went with their last text */
	free(w->h);
	free(w->tmp);
	store_free(&w->run);
	if (w->to_sort)
		fclose(w->to_sort);
	if (w->from >= 0)
		close(w->from);
}
