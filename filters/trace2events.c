/* trace2events - convert Trace Event Format JSON (Chrome, Perfetto, Node) to events */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/json.h"
#include "../common/out.h"
#include "../common/skip.h"

/*
 * The JSON is walked as a stream (common/json.h); an event is collected
 * field by field (keys come in any order) and handled when its object
 * ends. What stays in memory: per thread, the B events waiting for their
 * E; per sample stream, the one sample waiting for the next one's time
 * (its weight); per V8 profile, its node table; the stackFrames table;
 * samples that wait for a stackFrames table further on. Spans are written
 * as D records at once, unnested (docs/ordering.md): nothing waits for a
 * parent, so X events in completion order cost nothing.
 */

/* out_write() for spans that may be empty (and then NULL). */
static void wr(const char *p, size_t n)
{
	if (n)
		out_write(p, n);
}

static const struct cli_info info = {
	"trace2events",
	"trace2events [-aq] [-e EVENT] [--strict] [FILE ...]",
	"Convert Trace Event Format JSON (Chrome about:tracing and DevTools, Perfetto's\n"
	"legacy JSON, Node --trace-events) to a flamepipe events stream (events(5)).\n"
	"Spans (B/E, X) and instants come out as unsorted D records: pipe the output\n"
	"through eventsort(1), which nests them into O/C records with full stacks.\n"
	"Samples (P, samples + stackFrames, V8 Profile/ProfileChunk/CpuProfile) come\n"
	"out as S records weighted by nanoseconds. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -a, --args         append ' ' and the event's args as compact JSON to span\n"
	"                     names, as speedscope does\n"
	"  -e, --event=EVENT  EVENT field of spans (default: the event's category)\n"
	"      --strict       stop at the first malformed event\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

/* A B event waiting for its E. */
struct bopen {
	int64_t ts;
	uint64_t seq;
	size_t off;		/* name, frame text, event in th->text */
	size_t name_len, frame_len, event_len;
};

struct thread {
	char *pid, *tid;
	size_t pid_len, tid_len;
	struct bopen *b;
	size_t nb, cap;
	struct buf text;
	int64_t last;		/* the largest time seen on the thread */
	int has_last;
};

/* One profile of samples: per-thread pending sample, so each sample
 * weighs the time to the next one. */
struct pending {
	int have;
	int64_t t;
	struct buf head;	/* "pid\ttid\tcpu\tcomm\tevent" fields, escaped */
	struct buf stack;	/* escaped stack text */
};

/* A V8 CPU profile (Profile + ProfileChunks joined on pid and id, or one
 * CpuProfile event). */
struct prof {
	struct intern nodes;	/* node id text -> aux: index */
	int64_t *parent;	/* index of the parent, -1 root, -2 unknown */
	size_t *off, *len;	/* frame text in text */
	size_t n, cap;
	struct buf text;
	struct buf parent_ids;	/* parent id per node as text, resolved lazily */
	size_t *pid_off, *pid_len;
	int64_t t;		/* time of the last sample */
	int started;
	struct buf held_samples, held_deltas;	/* chunks before the Profile event */
	int64_t nheld;
	struct buf pidtid;	/* escaped "pid\ttid" of the sampled thread */
	struct pending pend;
};

/* The args keys of a Hermes (React Native) frame event. */
static const char *const hermes_keys[] = {
	"line", "column", "name", "category", "url", "params", "allocatedCategory", "allocatedName",
};
#define HERMES_ALL 0xffu

/* The event being read. */
struct tev {
	int level;		/* json level of the event's map */
	char ph;
	uint64_t seq;
	struct buf name, cat, pid, tid, args, argname, id, sfid, stack, sname, cpu;
	int has_ph, has_name, has_pid, has_tid, has_args, has_ts, has_dur, has_tdur, has_sf;
	int has_argname, bad_ts, bad_dur, is_stack, has_start;
	int64_t ts, dur, tdur, start;
	unsigned hermes;	/* Hermes frame keys seen in args (HERMES_ALL: all) */
	struct buf hurl;
	int64_t hline, hcol;
	/* profile data: per node id, parent id ("" none), frame; \0-separated */
	struct buf node_ids, node_parents, node_frames, children;
	struct buf nid, nparent, fname, furl;
	int64_t fline, fcol;
	size_t nnodes;
	struct buf samples, deltas;	/* \0-separated number texts */
	int64_t nsamples, ndeltas;
};

struct sframe {
	size_t off, len;	/* escaped frame text in g.sf_text */
	size_t poff, plen;	/* parent id in g.sf_text, plen 0: root */
	int has_parent;
};

/* A sample waiting for stackFrames. */
struct held {
	int64_t ts;
	uint64_t line;
	size_t off;		/* head, sf id in g.held_text */
	size_t head_len, id_len;
};

static struct {
	struct json j;
	int active;		/* an event or sample is being read */
	int kind;		/* 'e' trace event, 's' samples entry, 'f' stackFrames entry */
	int args;
	const char *event;
	struct skips skips;
	const char *file;
	int form;		/* '[' or '{' */
	struct tev e;
	uint64_t seq;
	struct intern threads;	/* pid \0 tid -> aux: index */
	struct thread *th;
	size_t nth, thcap;
	struct intern profs;	/* pid \0 id -> aux: index */
	struct prof *pr;
	size_t npr, prcap;
	struct intern pends;	/* pid \0 tid \0 event -> aux: index */
	struct pending *pe;
	size_t npe, pecap;
	struct intern declared;	/* events with an E record */
	struct intern ignored;	/* phase -> count */
	struct intern sfid;	/* stackFrames id -> aux: index */
	struct sframe *sf;
	size_t nsf, sfcap;
	struct buf sf_text;
	int sf_level;		/* json level of the current stackFrames entry, or -1 */
	struct sframe cur_sf;
	struct buf cur_sf_name, cur_sf_parent;
	int sf_done;
	struct held *held;
	size_t nheld, heldcap;
	struct buf held_text;
	uint64_t unmatched, unclosed, nodur;
	struct buf tmp, tmp2, key;
} g;

static void put_buf(const struct buf *b)
{
	wr(b->p, b->len);
}

/* ---- small helpers ---- */

static void sset(struct buf *b, const char *p, size_t n)
{
	b->len = 0;
	buf_add(b, p, n);
}

static int beq(const struct buf *b, const char *s)
{
	size_t n = strlen(s);

	return b->len == n && memcmp(b->p, s, n) == 0;
}

/* A pid or tid: numbers as integers, strings as they are. */
static void set_id(struct buf *b, enum json_type t, const char *p, size_t n)
{
	int64_t v;

	b->len = 0;
	if (t == JSON_NUMBER && n > 0 && n < 19 && p[0] != '-' && p[0] != '0' &&
	    strspn(p, "0123456789") == n) {
		buf_add(b, p, n);	/* the common case: a plain integer */
	} else if (t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0) {
		char tmp[24];

		buf_add(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "%" PRId64, v));
	} else if (t == JSON_NUMBER || t == JSON_STRING) {
		buf_add(b, p, n);
	}
}

/* A time in µs (number or numeric string) to ns. */
static int set_time(enum json_type t, const char *p, size_t n, int64_t *ns)
{
	if (t != JSON_NUMBER && t != JSON_STRING)
		return -1;
	return json_decimal(p, n, 3, ns);
}

static uint64_t skip_line;	/* when not 0: the line to report instead of the parser's */

static void skip(const char *why)
{
	skip_record(&g.skips, g.file, skip_line ? skip_line : json_line(&g.j), why);
}

static void declare(const char *event, size_t n, const char *unit)
{
	int added;

	intern_get(&g.declared, event, n, &added);
	if (!added)
		return;
	out_puts("E\t-\t");
	ev_put_field(event, n);
	out_putc('\t');
	out_puts(unit);
	out_putc('\n');
}

/* ---- threads and spans ---- */

static struct thread *thread(const struct buf *pid, const struct buf *tid)
{
	int added;
	size_t i;
	struct thread *t;

	g.key.len = 0;
	buf_add(&g.key, pid->p, pid->len);
	buf_addc(&g.key, 0);
	buf_add(&g.key, tid->p, tid->len);
	i = intern_get(&g.threads, g.key.p, g.key.len, &added);
	if (!added)
		return &g.th[g.threads.ents[i].aux];
	fp_grow(&g.th, &g.thcap, g.nth + 1, sizeof *g.th);
	t = &g.th[g.nth];
	memset(t, 0, sizeof *t);
	t->pid = fp_strndup(pid->p, pid->len);
	t->pid_len = pid->len;
	t->tid = fp_strndup(tid->p, tid->len);
	t->tid_len = tid->len;
	g.threads.ents[i].aux = (int64_t)g.nth++;
	return t;
}

static void saw_time(struct thread *t, int64_t ts)
{
	if (!t->has_last || ts > t->last) {
		t->last = ts;
		t->has_last = 1;
	}
}

/* D TIME PID TID - - EVENT DUR FRAME SEQ */
static void put_span(const struct thread *t, int64_t ts, int64_t dur, const char *ev, size_t evn,
		     const char *frame, size_t framen, uint64_t seq)
{
	out_puts("D\t");
	ev_put_time(ts);
	out_putc('\t');
	ev_put_field(t->pid, t->pid_len);
	out_putc('\t');
	ev_put_field(t->tid, t->tid_len);
	out_puts("\t-\t-\t");
	wr(ev, evn);
	out_putc('\t');
	out_i64(dur);
	out_putc('\t');
	wr(frame, framen);
	out_putc('\t');
	out_u64(seq);
	out_putc('\n');
}

/* The frame text of the current event (escaped), and its EVENT field. */
static void span_texts(struct buf *frame, struct buf *ev)
{
	frame->len = 0;
	if (g.e.has_name && g.e.name.len > 0) {
		ev_buf_escaped(frame, g.e.name.p, g.e.name.len);
		if (frame->len == 1 && frame->p[0] == '-')
			sset(frame, "\\x2d", 4);
	} else {
		buf_adds(frame, "(unnamed)");
	}
	if (g.e.hermes == HERMES_ALL) {
		/* a Hermes frame: args are its location, not part of its name */
		char tmp[64];

		if (g.e.hurl.len) {
			buf_adds(frame, "`file=");
			ev_buf_escaped(frame, g.e.hurl.p, g.e.hurl.len);
		}
		if (g.e.hline > 0)
			buf_add(frame, tmp, (size_t)snprintf(tmp, sizeof tmp, "`line=%" PRId64, g.e.hline));
		if (g.e.hcol > 0)
			buf_add(frame, tmp, (size_t)snprintf(tmp, sizeof tmp, "`col=%" PRId64, g.e.hcol));
	} else if (g.args && g.e.has_args) {
		ev_buf_escaped(frame, " ", 1);
		ev_buf_escaped(frame, g.e.args.p, g.e.args.len);
	}
	ev->len = 0;
	if (g.event)
		ev_buf_field(ev, g.event, strlen(g.event));
	else
		ev_buf_field(ev, g.e.cat.p, g.e.cat.len);
}

static void ev_begin(struct thread *t)
{
	struct bopen *b;

	span_texts(&g.tmp, &g.tmp2);
	fp_grow(&t->b, &t->cap, t->nb + 1, sizeof *t->b);
	b = &t->b[t->nb++];
	b->ts = g.e.ts;
	b->seq = g.e.seq;
	b->off = t->text.len;
	b->name_len = g.e.has_name ? g.e.name.len : 0;
	buf_add(&t->text, g.e.name.p, b->name_len);
	b->frame_len = g.tmp.len;
	buf_add(&t->text, g.tmp.p, g.tmp.len);
	b->event_len = g.tmp2.len;
	buf_add(&t->text, g.tmp2.p, g.tmp2.len);
}

/* end - start if end is later, else 0; INT64_MAX if that does not fit
 * (times of broken input). */
static int64_t ns_until(int64_t start, int64_t end)
{
	int64_t d;

	if (end <= start)
		return 0;
	return __builtin_sub_overflow(end, start, &d) ? INT64_MAX : d;
}

static void close_b(struct thread *t, size_t i, int64_t end)
{
	struct bopen *b = &t->b[i];
	const char *s = t->text.p + b->off;

	put_span(t, b->ts, ns_until(b->ts, end), s + b->name_len + b->frame_len,
		 b->event_len, s + b->name_len, b->frame_len, b->seq);
	memmove(&t->b[i], &t->b[i + 1], (t->nb - i - 1) * sizeof *t->b);
	t->nb--;
	if (t->nb == 0 || i == t->nb)
		t->text.len = t->nb ? t->b[t->nb - 1].off + t->b[t->nb - 1].name_len +
				      t->b[t->nb - 1].frame_len + t->b[t->nb - 1].event_len : 0;
}

/* E closes the innermost open B of its thread with the same name (any B
 * when E has no name). Nesting is decided later by time (eventsort). */
static void ev_end(struct thread *t)
{
	size_t i;

	for (i = t->nb; i-- > 0;) {
		const struct bopen *b = &t->b[i];

		if (!g.e.has_name || (b->name_len == g.e.name.len &&
				      (b->name_len == 0 ||
				       memcmp(t->text.p + b->off, g.e.name.p, b->name_len) == 0)))
			break;
	}
	if (i == (size_t)-1) {
		g.unmatched++;
		skip("E event that matches no open B event; ignored");
		return;
	}
	close_b(t, i, g.e.ts);
}

static void ev_complete(struct thread *t)
{
	int64_t dur = g.e.has_dur ? g.e.dur : g.e.has_tdur ? g.e.tdur : 0;

	if (!g.e.has_dur && !g.e.has_tdur)
		g.nodur++;
	if (dur < 0) {
		skip("X event with a negative dur");
		return;
	}
	if (g.e.ts > INT64_MAX - dur) {
		skip("X event ends after the largest time");
		return;
	}
	span_texts(&g.tmp, &g.tmp2);
	saw_time(t, g.e.ts + dur);
	put_span(t, g.e.ts, dur, g.tmp2.p, g.tmp2.len, g.tmp.p, g.tmp.len, g.e.seq);
}

/* ---- samples ---- */

/* The sample stream of head ("pid\ttid\tcpu\tcomm\tevent"): one per
 * thread and event, whatever the cpu. */
static struct pending *pending_of(const struct buf *head)
{
	int added;
	size_t i;
	const char *p = head->p, *end = head->p + head->len;
	const char *t1 = memchr(p, '\t', head->len);
	const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
	const char *t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(end - t2 - 1)) : NULL;

	g.key.len = 0;
	if (t3) {
		buf_add(&g.key, p, (size_t)(t2 - p));
		buf_add(&g.key, t3, (size_t)(end - t3));
	} else {
		buf_add(&g.key, p, head->len);
	}
	i = intern_get(&g.pends, g.key.p, g.key.len, &added);

	if (added) {
		fp_grow(&g.pe, &g.pecap, g.npe + 1, sizeof *g.pe);
		memset(&g.pe[g.npe], 0, sizeof *g.pe);
		g.pends.ents[i].aux = (int64_t)g.npe++;
	}
	return &g.pe[g.pends.ents[i].aux];
}

static void flush_pending(struct pending *p, int64_t next)
{
	if (!p->have)
		return;
	out_puts("S\t");
	ev_put_time(p->t);
	out_putc('\t');
	put_buf(&p->head);
	out_putc('\t');
	out_i64(ns_until(p->t, next));
	out_putc('\t');
	put_buf(&p->stack);
	out_putc('\n');
	p->have = 0;
}

/* A sample of head ("pid\ttid\tcpu\tcomm\tevent", escaped) at t with the
 * escaped stack in g.tmp: it weighs the time to the next sample of head. */
static void sample(struct pending *p, const struct buf *head, int64_t t, const struct buf *stack)
{
	/* A sample earlier than the previous one (negative timeDeltas) is
	 * moved to the previous one's time, as speedscope does: weights stay
	 * disjoint intervals and add up to the elapsed time. */
	if (p->have && t < p->t)
		t = p->t;
	flush_pending(p, t);
	sset(&p->head, head->p, head->len);
	sset(&p->stack, stack->p, stack->len);
	p->t = t;
	p->have = 1;
}

/* "pid\ttid\tcpu\t-\tevent" for the current event. */
static void sample_head(struct buf *h, const char *event, const char *cpu, size_t cpun)
{
	h->len = 0;
	ev_buf_field(h, g.e.pid.p, g.e.pid.len);
	buf_addc(h, '\t');
	if (g.e.has_tid)
		ev_buf_field(h, g.e.tid.p, g.e.tid.len);
	else
		ev_buf_field(h, g.e.pid.p, g.e.pid.len);
	buf_addc(h, '\t');
	ev_buf_field(h, cpu, cpun);
	buf_adds(h, "\t-\t");
	ev_buf_field(h, event, strlen(event));
	declare(event, strlen(event), "nanoseconds");
}

/* Append the stack of stackFrames id to b, root first. */
static int sf_stack(struct buf *b, const char *id, size_t n)
{
	size_t chain[4096], depth = 0, i;

	while (depth < sizeof chain / sizeof *chain) {
		size_t k = intern_find(&g.sfid, id, n);
		const struct sframe *f;

		if (k == (size_t)-1)
			return depth > 0 ? 0 : -1;
		k = (size_t)g.sfid.ents[k].aux;
		chain[depth++] = k;
		f = &g.sf[k];
		if (!f->has_parent)
			break;
		id = g.sf_text.p + f->poff;
		n = f->plen;
	}
	b->len = 0;
	for (i = depth; i-- > 0;) {
		buf_add(b, g.sf_text.p + g.sf[chain[i]].off, g.sf[chain[i]].len);
		if (i > 0)
			buf_addc(b, ';');
	}
	return 0;
}

static void sf_sample(const struct buf *head, int64_t ts, const char *id, size_t n)
{
	if (sf_stack(&g.tmp, id, n) < 0) {
		skip("sample with an unknown stack frame id (sf)");
		return;
	}
	sample(pending_of(head), head, ts, &g.tmp);
}

static void hold(const struct buf *head, int64_t ts, const struct buf *id)
{
	struct held *h;

	fp_grow(&g.held, &g.heldcap, g.nheld + 1, sizeof *g.held);
	h = &g.held[g.nheld++];
	h->ts = ts;
	h->line = json_line(&g.j);
	h->off = g.held_text.len;
	h->head_len = head->len;
	h->id_len = id->len;
	buf_add(&g.held_text, head->p, head->len);
	buf_add(&g.held_text, id->p, id->len);
}

static void release_held(void)
{
	size_t i;

	for (i = 0; i < g.nheld; i++) {
		const struct held *h = &g.held[i];

		sset(&g.tmp2, g.held_text.p + h->off, h->head_len);
		skip_line = h->line;
		sf_sample(&g.tmp2, h->ts, g.held_text.p + h->off + h->head_len, h->id_len);
	}
	skip_line = 0;
	g.nheld = 0;
	g.held_text.len = 0;
}

/* A P event or an entry of the samples array. */
static void ev_sample(void)
{
	const char *event = g.e.sname.len ? NULL : "samples";
	struct buf h = { 0 };

	if (!event) {
		sset(&g.tmp2, g.e.sname.p, g.e.sname.len);
		buf_addc(&g.tmp2, 0);
		event = g.tmp2.p;
	}
	sample_head(&h, event, g.e.cpu.p, g.e.cpu.len);
	if (g.e.has_sf) {
		if (g.sf_done)
			sf_sample(&h, g.e.ts, g.e.sfid.p, g.e.sfid.len);
		else
			hold(&h, g.e.ts, &g.e.sfid);
	} else {
		sample(pending_of(&h), &h, g.e.ts, &g.e.stack);
	}
	buf_free(&h);
}

/* ---- V8 profiles ---- */

static struct prof *profile(const struct buf *idkey)
{
	int added;
	size_t i = intern_get(&g.profs, idkey->p, idkey->len, &added);

	if (added) {
		fp_grow(&g.pr, &g.prcap, g.npr + 1, sizeof *g.pr);
		memset(&g.pr[g.npr], 0, sizeof *g.pr);
		g.profs.ents[i].aux = (int64_t)g.npr++;
	}
	return &g.pr[g.profs.ents[i].aux];
}

/* Nodes of the current event: ids, parents ("" none), frames; \0-separated. */
static const char *next0(const char **p)
{
	const char *s = *p;

	*p += strlen(s) + 1;
	return s;
}

static void prof_add_nodes(struct prof *pr)
{
	const char *ids = g.e.node_ids.p, *par = g.e.node_parents.p, *fr = g.e.node_frames.p;
	size_t k;

	for (k = 0; k < g.e.nnodes; k++) {
		const char *id = next0(&ids), *pa = next0(&par), *f = next0(&fr);
		int added;
		size_t i = intern_get(&pr->nodes, id, strlen(id), &added);
		size_t n;

		if (!added)
			continue;
		n = pr->n++;
		if (pr->n > pr->cap) {
			size_t c = pr->cap;

			fp_grow(&pr->parent, &c, pr->n, sizeof *pr->parent);
			c = pr->cap;
			fp_grow(&pr->off, &c, pr->n, sizeof *pr->off);
			c = pr->cap;
			fp_grow(&pr->len, &c, pr->n, sizeof *pr->len);
			c = pr->cap;
			fp_grow(&pr->pid_off, &c, pr->n, sizeof *pr->pid_off);
			c = pr->cap;
			fp_grow(&pr->pid_len, &c, pr->n, sizeof *pr->pid_len);
			pr->cap = c;
		}
		pr->nodes.ents[i].aux = (int64_t)n;
		pr->parent[n] = -2;
		pr->off[n] = pr->text.len;
		pr->len[n] = strlen(f);
		buf_add(&pr->text, f, pr->len[n]);
		pr->pid_off[n] = pr->parent_ids.len;
		pr->pid_len[n] = strlen(pa);
		buf_add(&pr->parent_ids, pa, pr->pid_len[n]);
	}
	/* children lists (CpuProfile, newer chunks): "parent\0child\0..." */
	for (par = g.e.children.p; par && par < g.e.children.p + g.e.children.len;) {
		const char *pa = next0(&par), *ch = next0(&par);
		size_t c = intern_find(&pr->nodes, ch, strlen(ch));

		if (c != (size_t)-1 && pr->pid_len[pr->nodes.ents[c].aux] == 0) {
			size_t n = (size_t)pr->nodes.ents[c].aux;

			pr->pid_off[n] = pr->parent_ids.len;
			pr->pid_len[n] = strlen(pa);
			buf_add(&pr->parent_ids, pa, pr->pid_len[n]);
		}
	}
}

static int64_t prof_parent(struct prof *pr, size_t n)
{
	if (pr->parent[n] == -2) {
		size_t k = pr->pid_len[n] ? intern_find(&pr->nodes, pr->parent_ids.p + pr->pid_off[n],
							pr->pid_len[n]) : (size_t)-1;

		pr->parent[n] = k == (size_t)-1 ? -1 : pr->nodes.ents[k].aux;
	}
	return pr->parent[n];
}

static void prof_stack(struct prof *pr, size_t n, struct buf *b)
{
	size_t chain[4096], depth = 0, i;
	int64_t k = (int64_t)n;

	while (k >= 0 && depth < sizeof chain / sizeof *chain) {
		chain[depth++] = (size_t)k;
		k = prof_parent(pr, (size_t)k);
	}
	b->len = 0;
	for (i = depth; i-- > 0;) {
		size_t len = pr->len[chain[i]];

		if (len == 0)	/* (root) and the like; pr->text may be empty (NULL) */
			continue;
		if (b->len)
			buf_addc(b, ';');
		buf_add(b, pr->text.p + pr->off[chain[i]], len);
	}
}

/* Samples (node ids) with their time deltas (µs), \0-separated lists. */
static void prof_samples(struct prof *pr, const char *s, int64_t ns, const char *d, int64_t nd)
{
	int64_t i;

	for (i = 0; i < ns; i++) {
		const char *sid = next0(&s);
		int64_t delta = 0, t;
		size_t k;

		if (i < nd && json_decimal(d, strlen(d), 3, &delta) < 0)
			delta = 0;
		if (i < nd)
			next0(&d);
		if (__builtin_add_overflow(pr->t, delta, &t)) {
			skip("profile sample time beyond the int64 nanosecond range");
			continue;
		}
		pr->t = t;
		k = intern_find(&pr->nodes, sid, strlen(sid));
		if (k == (size_t)-1) {
			skip("profile sample of an unknown node");
			continue;
		}
		prof_stack(pr, (size_t)pr->nodes.ents[k].aux, &g.tmp);
		sample(&pr->pend, &pr->pidtid, pr->t, &g.tmp);
	}
}

static void ev_profile(void)
{
	struct prof *pr;
	const char *s, *d;
	int64_t i;

	g.key.len = 0;
	buf_add(&g.key, g.e.pid.p, g.e.pid.len);
	buf_addc(&g.key, 0);
	if (g.e.id.len && !beq(&g.e.name, "CpuProfile")) {
		buf_add(&g.key, g.e.id.p, g.e.id.len);
	} else {
		char tmp[24];

		buf_add(&g.key, tmp, (size_t)snprintf(tmp, sizeof tmp, "#%" PRIu64, g.e.seq));
	}
	pr = profile(&g.key);
	if (beq(&g.e.name, "Profile") || pr->pidtid.len == 0 || beq(&g.e.name, "CpuProfile")) {
		/* the sampled thread: Profile's (chunks come from the profiler thread) */
		pr->pidtid.len = 0;
		sample_head(&pr->pidtid, "cpu-profile", NULL, 0);
	}
	if (g.e.has_start) {
		pr->t = g.e.start;
		pr->started = 1;
	}
	prof_add_nodes(pr);
	if (!pr->started) {
		/* chunks can come before their Profile event: keep their samples */
		s = g.e.samples.p;
		d = g.e.deltas.p;
		for (i = 0; i < g.e.nsamples; i++) {
			const char *sid = next0(&s);

			buf_add(&pr->held_samples, sid, strlen(sid) + 1);
			if (i < g.e.ndeltas)
			{
				const char *x = next0(&d);

				buf_add(&pr->held_deltas, x, strlen(x) + 1);
			}
			else
				buf_add(&pr->held_deltas, "0", 2);
		}
		pr->nheld += g.e.nsamples;
		return;
	}
	if (pr->nheld) {
		prof_samples(pr, pr->held_samples.p, pr->nheld, pr->held_deltas.p, pr->nheld);
		pr->nheld = 0;
		buf_free(&pr->held_samples);
		buf_free(&pr->held_deltas);
	}
	prof_samples(pr, g.e.samples.p, g.e.nsamples, g.e.deltas.p, g.e.ndeltas);
}

/* ---- metadata ---- */

static void ev_meta(void)
{
	if (!g.e.has_argname)
		return;
	if (beq(&g.e.name, "process_name")) {
		out_puts("P\t-\t");
		ev_put_field(g.e.pid.p, g.e.pid.len);
		out_putc('\t');
		ev_put_field(g.e.argname.p, g.e.argname.len);
		out_putc('\n');
	} else if (beq(&g.e.name, "thread_name")) {
		out_puts("T\t-\t");
		ev_put_field(g.e.pid.p, g.e.pid.len);
		out_putc('\t');
		if (g.e.has_tid)
			ev_put_field(g.e.tid.p, g.e.tid.len);
		else
			ev_put_field(g.e.pid.p, g.e.pid.len);
		out_putc('\t');
		ev_put_field(g.e.argname.p, g.e.argname.len);
		out_putc('\n');
	}
}

/* ---- one event ---- */

static void event_done(void)
{
	struct thread *t;
	char ph = g.e.ph;

	if (!g.e.has_ph) {
		skip("event without ph");
		return;
	}
	if (ph == 'M') {
		ev_meta();
		return;
	}
	if (g.e.has_args && (beq(&g.e.name, "Profile") || beq(&g.e.name, "ProfileChunk") ||
			     beq(&g.e.name, "CpuProfile"))) {
		if (g.e.bad_ts || g.e.has_start || g.e.nnodes || g.e.nsamples || beq(&g.e.name, "Profile"))
			ev_profile();
		return;
	}
	if (!strchr("BEXiIP", ph) || ph == 0) {
		char k[2] = { ph, 0 };

		intern_add(&g.ignored, k, 1)->value++;
		return;
	}
	if (!g.e.has_ts || g.e.bad_ts) {
		skip(g.e.bad_ts ? "bad ts" : "event without ts");
		return;
	}
	if (g.e.bad_dur) {
		skip("bad dur");
		return;
	}
	if (!g.e.has_pid)
		sset(&g.e.pid, "", 0);
	if (!g.e.has_tid)
		sset(&g.e.tid, g.e.pid.p, g.e.pid.len);
	t = thread(&g.e.pid, &g.e.tid);
	saw_time(t, g.e.ts);
	switch (ph) {
	case 'B': ev_begin(t); break;
	case 'E': ev_end(t); break;
	case 'X': ev_complete(t); break;
	case 'i':
	case 'I':
		g.e.has_dur = 1;
		g.e.dur = 0;
		ev_complete(t);
		break;
	case 'P':
		if (!g.e.has_sf && !g.e.is_stack) {
			skip("sample (P) without sf or stack");
			return;
		}
		g.e.sname.len = 0;
		if (g.e.has_name)
			sset(&g.e.sname, g.e.name.p, g.e.name.len);
		g.e.cpu.len = 0;
		ev_sample();
		break;
	}
}

static void event_start(int level)
{
	struct buf *bufs[] = { &g.e.name, &g.e.cat, &g.e.pid, &g.e.tid, &g.e.args, &g.e.argname,
			       &g.e.id, &g.e.sfid, &g.e.stack, &g.e.sname, &g.e.cpu, &g.e.node_ids,
			       &g.e.node_parents, &g.e.node_frames, &g.e.children, &g.e.samples,
			       &g.e.deltas };
	size_t i;

	for (i = 0; i < sizeof bufs / sizeof *bufs; i++)
		bufs[i]->len = 0;
	g.e.level = level;
	g.e.ph = 0;
	g.e.has_ph = g.e.has_name = g.e.has_pid = g.e.has_tid = g.e.has_args = g.e.has_ts = 0;
	g.e.has_dur = g.e.has_tdur = g.e.has_sf = g.e.has_argname = g.e.bad_ts = g.e.bad_dur = 0;
	g.e.is_stack = g.e.has_start = 0;
	g.e.nnodes = 0;
	g.e.hermes = 0;
	g.e.hurl.len = 0;
	g.e.hline = g.e.hcol = -1;
	g.e.nsamples = g.e.ndeltas = 0;
	g.e.seq = g.seq++;
}

/* An entry of the top-level samples array. */
static void sample_entry_done(void)
{
	if (!g.e.has_ts || g.e.bad_ts) {
		skip(g.e.bad_ts ? "sample with a bad ts" : "sample without ts");
		return;
	}
	if (!g.e.has_sf && !g.e.is_stack) {
		skip("sample without sf or stack");
		return;
	}
	if (!g.e.has_pid)
		sset(&g.e.pid, "", 0);
	g.e.sname.len = 0;
	if (g.e.has_name)
		sset(&g.e.sname, g.e.name.p, g.e.name.len);
	if (g.e.cpu.len == 2 && memcmp(g.e.cpu.p, "-1", 2) == 0)
		g.e.cpu.len = 0;
	ev_sample();
}

/* ---- the JSON walk ---- */

/* Is the current key at level d the literal k? (length known at compile time) */
static inline int key_n(size_t d, const char *k, size_t n)
{
	struct slice s = json_key(&g.j, d);

	return s.n == n && memcmp(s.p, k, n) == 0;
}
#define key(d, lit) key_n((d), "" lit, sizeof(lit) - 1)

static void text_value(struct buf *b, enum json_type t, const char *p, size_t n)
{
	if (t == JSON_STRING || t == JSON_NUMBER)
		sset(b, p, n);
}

/* Append p[0..n) and a \0 to a \0-separated list: one entry, so cut at a
 * \0 inside (a JSON string may hold one) that would make two. */
static void add0(struct buf *b, const char *p, size_t n)
{
	const char *z = n ? memchr(p, 0, n) : NULL;

	buf_add(b, p, z ? (size_t)(z - p) : n);
	buf_addc(b, 0);
}

/* The frame text of a V8 profile node being read. */
static void node_done(void)
{
	struct buf *f = &g.e.node_frames;

	add0(&g.e.node_ids, g.e.nid.p, g.e.nid.len);
	add0(&g.e.node_parents, g.e.nparent.p, g.e.nparent.len);
	if (beq(&g.e.fname, "(root)") || beq(&g.e.furl, "native dummy.js")) {
		/* not frames: the tree's root, and V8's placeholder DevTools hides */
		buf_addc(f, 0);
		g.e.nnodes++;
		return;
	}
	if (g.e.fname.len)
		ev_buf_escaped(f, g.e.fname.p, g.e.fname.len);
	else
		buf_adds(f, "(anonymous)");
	if (beq(&g.e.fname, "(idle)"))
		buf_adds(f, "`idle");
	if (g.e.furl.len) {
		buf_adds(f, "`file=");
		ev_buf_escaped(f, g.e.furl.p, g.e.furl.len);
	}
	if (g.e.fline >= 0) {
		char tmp[32];

		buf_add(f, tmp, (size_t)snprintf(tmp, sizeof tmp, "`line=%" PRIu64,
						 (uint64_t)g.e.fline + 1));
		if (g.e.fcol >= 0)
			buf_add(f, tmp, (size_t)snprintf(tmp, sizeof tmp, "`col=%" PRIu64,
							 (uint64_t)g.e.fcol + 1));
	}
	buf_addc(f, 0);
	g.e.nnodes++;
}

static void list_add(struct buf *b, int64_t *count, enum json_type t, const char *p, size_t n)
{
	if (t != JSON_NUMBER && t != JSON_STRING)
		return;
	add0(b, p, n);
	(*count)++;
}

/* A value inside args.data (profiles); d = depth - E. */
static void data_value(size_t E, size_t d, enum json_type t, const char *p, size_t n)
{
	int64_t v;
	int64_t dummy = 0;

	if (d == 3 && (key(E + 2, "startTime"))) {
		if (set_time(t, p, n, &g.e.start) == 0)
			g.e.has_start = 1;
	} else if (d == 4 && key(E + 2, "timeDeltas")) {
		list_add(&g.e.deltas, &g.e.ndeltas, t, p, n);
	} else if (!key(E + 2, "cpuProfile")) {
		return;
	} else if (d == 4 && key(E + 3, "startTime")) {
		if (set_time(t, p, n, &g.e.start) == 0)
			g.e.has_start = 1;
	} else if (d == 5 && key(E + 3, "timeDeltas")) {
		list_add(&g.e.deltas, &g.e.ndeltas, t, p, n);
	} else if (d == 5 && key(E + 3, "samples")) {
		list_add(&g.e.samples, &g.e.nsamples, t, p, n);
	} else if (key(E + 3, "nodes")) {
		if (d == 5 && t == JSON_MAP) {
			g.e.nid.len = g.e.nparent.len = g.e.fname.len = g.e.furl.len = 0;
			g.e.fline = g.e.fcol = -1;
		} else if (d == 6 && key(E + 5, "id")) {
			text_value(&g.e.nid, t, p, n);
		} else if (d == 6 && key(E + 5, "parent")) {
			text_value(&g.e.nparent, t, p, n);
		} else if (d == 7 && key(E + 5, "children")) {
			add0(&g.e.children, g.e.nid.p, g.e.nid.len);
			list_add(&g.e.children, &dummy, t, p, n);
		} else if (d == 7 && key(E + 5, "callFrame")) {
			if (key(E + 6, "functionName"))
				text_value(&g.e.fname, t, p, n);
			else if (key(E + 6, "url"))
				text_value(&g.e.furl, t, p, n);
			else if (key(E + 6, "lineNumber") && t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0)
				g.e.fline = v;
			else if (key(E + 6, "columnNumber") && t == JSON_NUMBER &&
				 json_decimal(p, n, 0, &v) == 0)
				g.e.fcol = v;
		}
	}
}

/* A value of the event (or samples entry) being read. */
static void event_value(enum json_type t, const char *p, size_t n)
{
	size_t E = (size_t)g.e.level, d = g.j.depth - E;
	struct slice k;

	if (d == 1) {
		k = json_key(&g.j, E);
		if (k.n == 2 && memcmp(k.p, "ph", 2) == 0) {
			g.e.has_ph = 1;
			g.e.ph = t == JSON_STRING && n == 1 ? p[0] : '?';
		} else if (key(E, "name")) {
			g.e.has_name = 1;
			text_value(&g.e.name, t, p, n);
		} else if (key(E, "cat")) {
			text_value(&g.e.cat, t, p, n);
		} else if (key(E, "pid")) {
			g.e.has_pid = 1;
			set_id(&g.e.pid, t, p, n);
		} else if (key(E, "tid")) {
			g.e.has_tid = 1;
			set_id(&g.e.tid, t, p, n);
		} else if (key(E, "ts")) {
			g.e.has_ts = 1;
			g.e.bad_ts = set_time(t, p, n, &g.e.ts) < 0;
		} else if (key(E, "dur")) {
			g.e.has_dur = 1;
			g.e.bad_dur = set_time(t, p, n, &g.e.dur) < 0;
		} else if (key(E, "tdur")) {
			g.e.has_tdur = set_time(t, p, n, &g.e.tdur) == 0;
		} else if (key(E, "id")) {
			text_value(&g.e.id, t, p, n);
		} else if (key(E, "cpu")) {
			set_id(&g.e.cpu, t, p, n);
		} else if (key(E, "sf")) {
			g.e.has_sf = 1;
			text_value(&g.e.sfid, t, p, n);
		} else if (key(E, "stack") && t == JSON_ARRAY) {
			g.e.is_stack = 1;
		} else if (key(E, "args")) {
			g.e.has_args = 1;
			if (g.args)	/* the JSON text is needed only for -a */
				json_capture(&g.j, &g.e.args);
		}
		return;
	}
	if (d == 2 && key(E, "stack") && (t == JSON_STRING || t == JSON_NUMBER)) {
		if (g.e.stack.len)
			buf_addc(&g.e.stack, ';');
		if (n == 0)
			buf_adds(&g.e.stack, "[unnamed]");
		else
			ev_buf_escaped(&g.e.stack, p, n);
		return;
	}
	if (!key(E, "args"))
		return;
	if (d == 2) {
		struct slice hk = json_key(&g.j, E + 1);
		size_t i;
		int64_t v;

		if (hk.n >= 3 && hk.n <= 17)
			for (i = 0; i < sizeof hermes_keys / sizeof *hermes_keys; i++)
				if (strlen(hermes_keys[i]) == hk.n &&
				    memcmp(hermes_keys[i], hk.p, hk.n) == 0)
					g.e.hermes |= 1u << i;
		if (key(E + 1, "name")) {
			g.e.has_argname = 1;
			text_value(&g.e.argname, t, p, n);
		} else if (key(E + 1, "url") && t == JSON_STRING) {
			sset(&g.e.hurl, p, n);
		} else if (key(E + 1, "line") && t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0) {
			g.e.hline = v;
		} else if (key(E + 1, "column") && t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0) {
			g.e.hcol = v;
		}
	} else if (d >= 3 && key(E + 1, "data")) {
		data_value(E, d, t, p, n);
	}
}

static void sframe_value(enum json_type t, const char *p, size_t n)
{
	if (g.j.depth != 3)
		return;
	if (key(2, "name")) {
		text_value(&g.cur_sf_name, t, p, n);
	} else if (key(2, "parent") && (t == JSON_STRING || t == JSON_NUMBER)) {
		sset(&g.cur_sf_parent, p, n);
		g.cur_sf.has_parent = 1;
	}
}

static void sframe_done(void)
{
	struct slice id = json_key(&g.j, 1);
	int added;
	size_t i = intern_get(&g.sfid, id.p, id.n, &added);
	struct sframe *f;

	if (!added)
		return;
	fp_grow(&g.sf, &g.sfcap, g.nsf + 1, sizeof *g.sf);
	f = &g.sf[g.nsf];
	*f = g.cur_sf;
	f->off = g.sf_text.len;
	if (g.cur_sf_name.len)
		ev_buf_escaped(&g.sf_text, g.cur_sf_name.p, g.cur_sf_name.len);
	else
		buf_adds(&g.sf_text, "[unnamed]");
	f->len = g.sf_text.len - f->off;
	f->poff = g.sf_text.len;
	f->plen = f->has_parent ? g.cur_sf_parent.len : 0;
	buf_add(&g.sf_text, g.cur_sf_parent.p, f->plen);
	g.sfid.ents[i].aux = (int64_t)g.nsf++;
}

static struct buf meta;

/* "#trace-KEY VALUE" for other keys of the object form. */
static void put_meta(struct slice k, const char *v, size_t n)
{
	size_t i;

	out_puts("#trace-");
	for (i = 0; i < k.n; i++) {
		unsigned char c = (unsigned char)k.p[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		out_putc((char)c);
	}
	out_putc(' ');
	ev_put_escaped(v, n);
	out_putc('\n');
}

static int on_value(struct json *j, enum json_type t, const char *p, size_t n)
{
	size_t d = j->depth;

	if (g.active) {
		if (g.kind == 'f')
			sframe_value(t, p, n);
		else
			event_value(t, p, n);
		return 1;
	}
	if (d == 0) {
		if (t != JSON_MAP && t != JSON_ARRAY) {
			fp_warn("%s: not a Trace Event Format document (neither an array nor an object)",
				g.file);
			return 0;
		}
		g.form = t == JSON_MAP ? '{' : '[';
		return 1;
	}
	if (d == 1 && g.form == '[') {
		if (t != JSON_MAP) {
			skip("array element is not an object");
			return 1;
		}
		event_start(1);
		g.active = 1;
		g.kind = 'e';
		return 1;
	}
	if (d == 1) {
		struct slice k = json_key(j, 0);

		if (key(0, "traceEvents") || key(0, "samples") || key(0, "stackFrames"))
			return 1;
		if (key(0, "systemTraceEvents"))
			return 1;	/* ftrace or ETW text: not read */
		if (t == JSON_MAP || t == JSON_ARRAY) {
			meta.len = 0;
			json_capture(j, &meta);
		} else {
			put_meta(k, p, n);
		}
		return 1;
	}
	if (d == 2 && t == JSON_MAP && (key(0, "traceEvents") || key(0, "samples"))) {
		event_start(2);
		g.active = 1;
		g.kind = key(0, "samples") ? 's' : 'e';
		return 1;
	}
	if (d == 2 && t == JSON_MAP && key(0, "stackFrames")) {
		memset(&g.cur_sf, 0, sizeof g.cur_sf);
		g.cur_sf_name.len = g.cur_sf_parent.len = 0;
		g.active = 1;
		g.kind = 'f';
		return 1;
	}
	return 1;
}

static int on_end(struct json *j, enum json_type t)
{
	size_t d = j->depth;

	if (g.active) {
		size_t E = g.kind == 'f' ? 2 : (size_t)g.e.level;

		if (d == E && t == JSON_MAP) {
			g.active = 0;
			if (g.kind == 'f')
				sframe_done();
			else if (g.kind == 's')
				sample_entry_done();
			else
				event_done();
		} else if (g.kind != 'f' && d == E + 5 && t == JSON_MAP && key(E, "args") &&
			   key(E + 1, "data") && key(E + 2, "cpuProfile") && key(E + 3, "nodes")) {
			node_done();
		}
		return 1;
	}
	if (d == 1 && g.form == '{') {
		if (key(0, "stackFrames")) {
			g.sf_done = 1;
			release_held();
		} else if (!key(0, "traceEvents") && !key(0, "samples") &&
			   !key(0, "systemTraceEvents")) {
			put_meta(json_key(j, 0), meta.p, meta.len);
		}
	}
	return 1;
}

static const struct json_handler handler = { on_value, on_end };

/* ---- the end of an input ---- */

static void input_done(void)
{
	size_t i;

	if (!g.sf_done) {
		g.sf_done = 1;
		release_held();
	}
	for (i = 0; i < g.nth; i++) {
		struct thread *t = &g.th[i];

		while (t->nb > 0) {
			g.unclosed++;
			close_b(t, t->nb - 1, t->last);
		}
		free(t->b);
		free(t->pid);
		free(t->tid);
		buf_free(&t->text);
	}
	for (i = 0; i < g.npe; i++) {
		flush_pending(&g.pe[i], 0);
		buf_free(&g.pe[i].head);
		buf_free(&g.pe[i].stack);
	}
	for (i = 0; i < g.npr; i++) {
		struct prof *pr = &g.pr[i];

		flush_pending(&pr->pend, 0);
		buf_free(&pr->pend.head);
		buf_free(&pr->pend.stack);
		intern_free(&pr->nodes);
		free(pr->parent);
		free(pr->off);
		free(pr->len);
		free(pr->pid_off);
		free(pr->pid_len);
		buf_free(&pr->text);
		buf_free(&pr->parent_ids);
		buf_free(&pr->pidtid);
		buf_free(&pr->held_samples);
		buf_free(&pr->held_deltas);
		if (pr->nheld)
			fp_warn("%s: %" PRId64 " profile samples without a Profile event (no start time); dropped",
				g.file, pr->nheld);
	}
	g.nth = g.npe = g.npr = g.nsf = 0;
	intern_free(&g.threads);
	intern_free(&g.pends);
	intern_free(&g.profs);
	intern_free(&g.sfid);
	memset(&g.threads, 0, sizeof g.threads);
	memset(&g.pends, 0, sizeof g.pends);
	memset(&g.profs, 0, sizeof g.profs);
	memset(&g.sfid, 0, sizeof g.sfid);
	g.sf_text.len = 0;
}

static void report(void)
{
	size_t i;

	if (g.unclosed)
		fp_warn("%s: %" PRIu64 " B events never ended; they end at their thread's last time",
			g.file, g.unclosed);
	if (g.nodur)
		fp_warn("%s: %" PRIu64 " X events without dur or tdur; taken as zero-length",
			g.file, g.nodur);
	if (g.ignored.count) {
		uint64_t n = 0;

		for (i = 0; i < g.ignored.count; i++)
			n += (uint64_t)g.ignored.ents[i].value;
		fprintf(stderr, "%s: %s: ignored %" PRIu64 " events of phases", fp_progname, g.file, n);
		for (i = 0; i < g.ignored.count; i++)
			fprintf(stderr, " %.*s:%" PRId64, (int)g.ignored.ents[i].len,
				g.ignored.ents[i].key, g.ignored.ents[i].value);
		fprintf(stderr, " (counters, async, flow and object events have no place in "
			"the events format)\n");
		intern_free(&g.ignored);
		memset(&g.ignored, 0, sizeof g.ignored);
	}
	g.unclosed = g.nodur = 0;
}

static int convert(const char *path, void *ctx)
{
	struct input in;
	enum json_result r;
	int status = 0;

	(void)ctx;
	if (input_open(&in, path) < 0)
		return 1;
	g.file = in.name;
	g.form = 0;
	g.active = 0;
	g.sf_done = 0;
	out_puts("#input ");
	ev_put_escaped(in.name, strlen(in.name));
	out_putc('\n');
	json_init(&g.j, &handler, NULL);
	r = json_parse_input(&g.j, &in);
	switch (r) {
	case JSON_OK:
		break;
	case JSON_TRUNCATED:
		if (g.active)
			skip("the input ends inside an event (truncated file); event dropped");
		else if (g.form == '{')
			skip("the input ends inside the trace object (truncated file)");
		break;
	case JSON_INVALID:
		if (g.skips.strict)
			fp_die("%s: invalid JSON", g.file);
		status = 1;
		break;
	default:
		status = 1;
		break;
	}
	if (r != JSON_READ_ERROR && !g.form && r != JSON_INVALID && r != JSON_STOPPED) {
		fp_warn("%s: empty input", g.file);
		status = 1;
	}
	input_done();
	report();
	skip_file_done(&g.skips, g.file, "events");
	json_free(&g.j);
	input_close(&in);
	return status;
}

#ifdef FP_FUZZ_TARGET
/* tests/fuzz/trace.c runs main() once per input: forget the events
 * declared by the last run (kept for the whole stream otherwise). */
static void fuzz_reset(void)
{
	intern_free(&g.declared);
}
#endif

int main(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "args", no_argument, NULL, 'a' },
		{ "event", required_argument, NULL, 'e' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "ae:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': g.args = 1; break;
		case 'e': g.event = optarg; break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	ev_put_magic();
	out_puts("#source trace-event\n#clock trace\n#order unsorted\n");
	status = cli_each_input(argc - optind, argv + optind, convert, NULL);
	out_close();
	return status;
}
