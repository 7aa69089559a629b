/* events2speedscope - write an events stream as a speedscope JSON file
 *
 * One profile per thread and event: samples (S) become "sampled" profiles
 * whose runs of equal consecutive stacks are merged into one weighted
 * sample; spans (O/C) become "evented" profiles in nanoseconds relative to
 * the stream's origin, repaired when unbalanced. Profile bodies go to
 * per-stream buffers that spill in chunks to one unlinked temporary file,
 * so memory is bounded by distinct frames and threads; the whole document
 * is written at the end, frames table included. Design: docs/speedscope.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/intern.h"
#include "../common/jsonout.h"
#include "../common/order.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "../common/timeunit.h"

static const struct cli_info info = {
	"events2speedscope",
	"events2speedscope [-mqz] [-d DEPTH] [-e EVENT] [-n N] [-p PID] [-t TID] [--name NAME] [--strict] [FILE ...]",
	"Write a flamepipe events stream (events(5)) as one speedscope JSON file\n"
	"(name it *.speedscope.json). Samples (S) become sampled profiles, one per\n"
	"thread and event, with equal consecutive stacks merged; spans (O/C)\n"
	"become evented profiles in nanoseconds from the start of the stream.\n"
	"FILE - or no FILE reads stdin.\n"
	"\n"
	"  -m, --merge          one sample profile per event for all threads, each\n"
	"                       stack under a root frame naming its thread\n"
	"  -e, --event=EVENT    only samples and spans of EVENT (default: all)\n"
	"  -p, --pid=PID        only threads of process PID (repeatable)\n"
	"  -t, --tid=TID        only thread TID (repeatable)\n"
	"  -n, --top=N          only the N busiest profiles\n"
	"  -d, --max-depth=N    truncate stacks deeper than N frames (default 2000,\n"
	"                       0: never) with a \"[frames truncated]\" frame\n"
	"  -z, --gzip           gzip-compress the output (speedscope opens it)\n"
	"      --name=NAME      the file's profile name (default: the #command\n"
	"                       header, else the input file name)\n"
	"      --strict         stop at the first malformed or unusable record\n"
	"  -q, --quiet          no progress line on a terminal\n"
	"      --help           show this help and exit\n"
	"      --version        show the version and exit\n",
};

#define CHUNK (64 << 10)	/* a stream's buffer spills when it is this full */
#define BUDGET (16 << 20)	/* all streams' buffers together, then all spill;
				 * tests lower it with EVENTS2SPEEDSCOPE_BUDGET */
#define MARKER "[frames truncated]"
#define SCACHE 4096		/* slots of the stack cache */
#define SCACHE_TEXT 1024	/* longest STACK text it keeps */

/* A direct-mapped cache of STACK text -> frame indices: consecutive
 * samples often differ in the stack but repeat recent ones, and one hash
 * of the text is cheaper than parsing and interning each frame. */
struct scache {
	uint64_t hash;
	struct buf text;
	uint32_t *idx;
	size_t n, cap;
};

struct chunk {
	uint64_t off;
	uint32_t len, next;	/* next: index + 1 in g.chunks, 0 = last */
};

/* The elements of one JSON array ("e1,e2,..."): spilled chunks, then b. */
struct stream {
	struct buf b;
	uint32_t first, last;	/* chunk list, index + 1 */
};

struct open_frame {
	uint64_t hash;		/* of the O record's whole STACK text */
	size_t len;
	uint32_t frame;
};

struct profile {
	char kind;		/* 'S' sampled or 'O' evented */
	size_t thread;		/* index in g.th, or (size_t)-1 (merged) */
	struct slice event;	/* escaped, owned */
	struct stream s[2];	/* S: samples, weights; O: events */
	uint64_t records;	/* S or O records: how busy it is */
	int64_t total;		/* S: sum of weights */
	/* S: the pending run of equal consecutive stacks */
	uint32_t *prev;
	size_t nprev, prevcap;
	int64_t prevw;
	int have_prev;
	struct buf prevraw;	/* its STACK text (and comm when merged) */
	/* O: the open frames */
	struct open_frame *open;
	size_t nopen, opencap;
	int64_t last;		/* time of the last span record, relative */
	int timed;		/* last is set */
	int keep;
};

struct thread {
	size_t key;		/* index in g.threads: "pid\ttid" */
	struct buf comm;	/* the last comm seen, escaped */
	int64_t tname_time;	/* of the T name chosen so far */
	int64_t tname;		/* index in g.names, -1 = none */
};

static struct {
	int bad_input;	/* an input was not an events stream: write nothing */
	const char *event, *name;
	const char **pids, **tids;
	size_t npids, ntids;
	long long top, max_depth;
	int merge, gzip;
	struct skips skips;
	const char *first_input;
	struct buf command;
	struct buf input;	/* basename of the first #input header */
	struct intern frames;	/* frame keys (see frame_key) -> index */
	struct intern profs;	/* "kind event \t pid \t tid" -> aux: profile */
	struct profile *p;
	size_t np, pcap;
	struct intern threads;	/* "pid \t tid" -> aux: index in th */
	struct thread *th;
	size_t nth, thcap;
	struct intern names;	/* T and P names */
	struct intern pnames;	/* pid -> value: time, aux: index in names */
	struct intern units;	/* event -> aux: index in names (the unit) */
	struct chunk *chunks;
	size_t nchunks, chunkcap;
	int spill_fd;
	uint64_t spill_off;
	size_t bufcap;		/* capacity of all stream buffers */
	size_t budget;
	size_t maxchunk;
	int origin_set, any_time;
	int64_t origin, start_hdr, end_hdr, tmin, tmax;
	int have_start_hdr, have_end_hdr;
	uint32_t *idx;
	size_t idxcap;
	struct scache *scache;
	uint64_t truncated, forced, unclosed, reordered, zero;
	struct buf key, tmp, tmp2, elem;
	char *rbuf;
} g = { .max_depth = 2000, .spill_fd = -1 };

/* ---- spilling ---- */

static void spill_open(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	size_t n;

	if (!dir || !*dir)
		dir = "/tmp";
	n = strlen(dir) + 32;
	path = fp_malloc(n);
	snprintf(path, n, "%s/events2speedscope.XXXXXX", dir);
	g.spill_fd = mkstemp(path);
	if (g.spill_fd < 0)
		fp_die("%s:", path);
	/* unlinked at once: gone on every exit, signals and crashes included */
	unlink(path);
	free(path);
}

static void spill(struct stream *s)
{
	const char *p = s->b.p;
	size_t n = s->b.len;
	struct chunk *c;

	if (n == 0)
		return;
	if (n > UINT32_MAX)
		fp_die("a stack too deep to store (use --max-depth)");
	if (g.spill_fd < 0)
		spill_open();
	while (n > 0) {
		ssize_t w = write(g.spill_fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			fp_die("temporary file:");
		}
		p += w;
		n -= (size_t)w;
	}
	fp_grow(&g.chunks, &g.chunkcap, g.nchunks + 1, sizeof *g.chunks);
	c = &g.chunks[g.nchunks++];
	c->off = g.spill_off;
	c->len = (uint32_t)s->b.len;
	if (s->b.len > g.maxchunk)
		g.maxchunk = s->b.len;
	c->next = 0;
	g.spill_off += s->b.len;
	if (s->last)
		g.chunks[s->last - 1].next = (uint32_t)g.nchunks;
	else
		s->first = (uint32_t)g.nchunks;
	s->last = (uint32_t)g.nchunks;
	s->b.len = 0;
}

static void spill_all(void)
{
	size_t i;
	int k;

	for (i = 0; i < g.np; i++) {
		for (k = 0; k < 2; k++) {
			spill(&g.p[i].s[k]);
			buf_free(&g.p[i].s[k].b);
		}
	}
	g.bufcap = 0;
}

/* Append the element in g.elem to s. */
static void stream_add(struct stream *s)
{
	size_t cap = s->b.cap;

	if (s->b.len > 0)
		buf_addc(&s->b, ',');
	buf_add(&s->b, g.elem.p, g.elem.len);
	g.bufcap += s->b.cap - cap;
	if (s->b.len >= CHUNK)
		spill(s);
	if (g.bufcap > g.budget)
		spill_all();
}

static void elem_u64(uint64_t v)
{
	char tmp[24];

	buf_add(&g.elem, tmp, jo_fmt_i64(tmp, (int64_t)v));
}

/* ---- frames ---- */

/* Frame keys: 'F' name \t file \t line \t col (escaped text, file falls back
 * to the dso), 'U' dso (an unknown frame), 'C' comm (a merged profile's
 * thread root), 'T' thread index (the same, named at the end), 'X' the
 * truncation marker. */
static uint32_t frame_index(const char *key, size_t n)
{
	int added;
	size_t i = intern_get(&g.frames, key, n, &added);

	if (i >= UINT32_MAX)
		fp_die("too many distinct frames");
	return (uint32_t)i;
}

static int positive(struct slice s)
{
	int64_t v;

	return s.n > 0 && ev_parse_i64(s.p, s.n, &v) == 0 && v > 0;
}

static uint32_t frame_of(const struct ev_frame *f)
{
	struct buf *k = &g.key;

	k->len = 0;
	if ((f->kind & EVK_UNKNOWN) || f->name.n == 0) {
		buf_addc(k, 'U');
		if (!(f->dso.n == 9 && memcmp(f->dso.p, "[unknown]", 9) == 0))
			buf_add(k, f->dso.p, f->dso.n);
		return frame_index(k->p, k->len);
	}
	buf_addc(k, 'F');
	buf_add(k, f->name.p, f->name.n);
	buf_addc(k, '\t');
	if (f->file.n)
		buf_add(k, f->file.p, f->file.n);
	else
		buf_add(k, f->dso.p, f->dso.n);
	buf_addc(k, '\t');
	if (positive(f->line))
		buf_add(k, f->line.p, f->line.n);
	buf_addc(k, '\t');
	if (positive(f->col))
		buf_add(k, f->col.p, f->col.n);
	return frame_index(k->p, k->len);
}

static uint32_t marker(void)
{
	return frame_index("X", 1);
}

/* ---- threads, profiles ---- */

static size_t thread_of(struct slice pid, struct slice tid)
{
	int added;
	size_t i;

	ev_thread_key(&g.tmp, pid, tid);
	i = intern_get(&g.threads, g.tmp.p, g.tmp.len, &added);
	if (added) {
		fp_grow(&g.th, &g.thcap, g.nth + 1, sizeof *g.th);
		memset(&g.th[g.nth], 0, sizeof *g.th);
		g.th[g.nth].key = i;
		g.th[g.nth].tname = -1;
		g.threads.ents[i].aux = (int64_t)g.nth++;
	}
	return (size_t)g.threads.ents[i].aux;
}

static int listed(const char **list, size_t n, struct slice s)
{
	size_t i;

	if (n == 0)
		return 1;
	g.tmp2.len = 0;
	ev_unescape(&g.tmp2, s.p, s.n);
	for (i = 0; i < n; i++)
		if (strlen(list[i]) == g.tmp2.len && memcmp(list[i], g.tmp2.p, g.tmp2.len) == 0)
			return 1;
	return 0;
}

static struct profile *profile_of(const struct ev_rec *r, char kind)
{
	int added, merged = kind == 'S' && g.merge;
	struct profile *p;
	size_t i;

	g.key.len = 0;
	buf_addc(&g.key, kind);
	if (kind == 'S')
		buf_add(&g.key, r->event.p, r->event.n);
	if (!merged) {
		buf_addc(&g.key, '\t');
		buf_add(&g.key, r->pid.p, r->pid.n);
		buf_addc(&g.key, '\t');
		buf_add(&g.key, r->tid.p, r->tid.n);
	}
	i = intern_get(&g.profs, g.key.p, g.key.len, &added);
	if (!added)
		return &g.p[g.profs.ents[i].aux];
	g.profs.ents[i].aux = (int64_t)g.np;
	fp_grow(&g.p, &g.pcap, g.np + 1, sizeof *g.p);
	p = &g.p[g.np++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->thread = merged ? (size_t)-1 : thread_of(r->pid, r->tid);
	p->event.p = fp_strndup(r->event.p, r->event.n);
	p->event.n = r->event.n;
	p->keep = 1;
	return p;
}

static void note_comm(const struct ev_rec *r, size_t t)
{
	struct buf *c = &g.th[t].comm;

	if (r->comm.n == 0 || ev_absent(r->comm))
		return;
	if (c->len != r->comm.n || memcmp(c->p, r->comm.p, c->len) != 0) {
		c->len = 0;
		buf_add(c, r->comm.p, r->comm.n);
	}
}

/* ---- samples ---- */

static void flush_run(struct profile *p)
{
	size_t i;

	if (!p->have_prev)
		return;
	g.elem.len = 0;
	buf_addc(&g.elem, '[');
	for (i = 0; i < p->nprev; i++) {
		if (i)
			buf_addc(&g.elem, ',');
		elem_u64(p->prev[i]);
	}
	buf_addc(&g.elem, ']');
	stream_add(&p->s[0]);
	g.elem.len = 0;
	elem_u64((uint64_t)p->prevw);
	stream_add(&p->s[1]);
	p->have_prev = 0;
}

static void add_weight(struct profile *p, int64_t w)
{
	p->prevw += w;
	p->total = p->total > INT64_MAX - w ? INT64_MAX : p->total + w;
}

/* The frames of r's stack as indices in g.idx (with the thread root when
 * merged), truncated to --max-depth; returns their number. */
static size_t stack_frames(const struct ev_rec *r, size_t t)
{
	struct slice st = r->stack;
	struct ev_frame f;
	struct scache *e;
	size_t n = 0;

	if (st.n == 0)
		st.p = NULL;
	if (g.merge) {
		fp_grow(&g.idx, &g.idxcap, 1, sizeof *g.idx);
		if (r->comm.n && !ev_absent(r->comm)) {
			g.key.len = 0;
			buf_addc(&g.key, 'C');
			buf_add(&g.key, r->comm.p, r->comm.n);
		} else {
			g.key.len = 0;
			buf_addc(&g.key, 'T');
			buf_add(&g.key, (char *)&t, sizeof t);
		}
		g.idx[n++] = frame_index(g.key.p, g.key.len);
	}
	if (st.n > 0 && st.n <= SCACHE_TEXT) {
		uint64_t h = fp_hash(st.p, st.n);
		size_t start = n;

		if (!g.scache)
			g.scache = fp_calloc(SCACHE, sizeof *g.scache);
		e = &g.scache[h & (SCACHE - 1)];
		if (e->hash == h && e->text.len == st.n && memcmp(e->text.p, st.p, st.n) == 0) {
			fp_grow(&g.idx, &g.idxcap, n + e->n, sizeof *g.idx);
			memcpy(g.idx + n, e->idx, e->n * sizeof *g.idx);
			n += e->n;
			goto truncate;
		}
		e->hash = h;
		e->text.len = 0;
		buf_add(&e->text, st.p, st.n);
		while (ev_frame_next(&st, &f)) {
			if (n == g.idxcap)
				fp_grow(&g.idx, &g.idxcap, n + 1, sizeof *g.idx);
			g.idx[n++] = frame_of(&f);
		}
		fp_grow(&e->idx, &e->cap, n - start, sizeof *e->idx);
		memcpy(e->idx, g.idx + start, (n - start) * sizeof *g.idx);
		e->n = n - start;
	}
	while (ev_frame_next(&st, &f)) {
		if (n == g.idxcap)
			fp_grow(&g.idx, &g.idxcap, n + 1, sizeof *g.idx);
		g.idx[n++] = frame_of(&f);
	}
truncate:
	if (g.max_depth > 0 && n > (size_t)g.max_depth) {
		/* keep the root half and the leaf half around one marker */
		size_t d = (size_t)g.max_depth, root = d / 2, leaf = d - root - 1;

		g.idx[root] = marker();
		memmove(g.idx + root + 1, g.idx + n - leaf, leaf * sizeof *g.idx);
		n = d;
		g.truncated++;
	}
	return n;
}

static void sample(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	struct profile *p;
	size_t t, n;

	if (r->weight < 0) {
		skip_record(&g.skips, file, lineno,
			    "negative weight (speedscope needs positive weights)");
		return;
	}
	if (r->weight == 0) {
		g.zero++;
		return;
	}
	p = profile_of(r, 'S');
	t = g.merge ? thread_of(r->pid, r->tid) : p->thread;
	note_comm(r, t);
	p->records++;
	/* fast path: the same STACK text (and comm when merged) as the run */
	g.tmp.len = 0;
	if (g.merge) {
		buf_add(&g.tmp, r->comm.p, r->comm.n);
		buf_addc(&g.tmp, '\t');
		buf_add(&g.tmp, (char *)&t, sizeof t);
		buf_addc(&g.tmp, '\t');
	}
	buf_add(&g.tmp, r->stack.p, r->stack.n);
	if (p->have_prev && p->prevraw.len == g.tmp.len &&
	    memcmp(p->prevraw.p, g.tmp.p, g.tmp.len) == 0 && p->prevw <= INT64_MAX - r->weight) {
		add_weight(p, r->weight);
		return;
	}
	p->prevraw.len = 0;
	buf_add(&p->prevraw, g.tmp.p, g.tmp.len);
	n = stack_frames(r, t);
	if (p->have_prev && p->nprev == n && memcmp(p->prev, g.idx, n * sizeof *g.idx) == 0 &&
	    p->prevw <= INT64_MAX - r->weight) {
		add_weight(p, r->weight);
		return;
	}
	flush_run(p);
	fp_grow(&p->prev, &p->prevcap, n, sizeof *p->prev);
	if (n)
		memcpy(p->prev, g.idx, n * sizeof *g.idx);
	p->nprev = n;
	p->prevw = 0;
	p->have_prev = 1;
	add_weight(p, r->weight);
}

/* ---- spans ---- */

static void put_event(struct profile *p, char type, uint32_t frame, int64_t at)
{
	char tmp[24];

	g.elem.len = 0;
	buf_adds(&g.elem, type == 'O' ? "{\"type\":\"O\",\"frame\":" : "{\"type\":\"C\",\"frame\":");
	elem_u64(frame);
	buf_adds(&g.elem, ",\"at\":");
	buf_add(&g.elem, tmp, jo_fmt_i64(tmp, at));
	buf_addc(&g.elem, '}');
	stream_add(&p->s[0]);
}

/* Close the top open frame at time at. Frames at depth max-1 and deeper
 * are shown as one marker frame at depth max-1. */
static void close_top(struct profile *p, int64_t at)
{
	size_t d = --p->nopen;

	if (g.max_depth == 0 || d + 1 < (size_t)g.max_depth)
		put_event(p, 'C', p->open[d].frame, at);
	else if (d + 1 == (size_t)g.max_depth)
		put_event(p, 'C', marker(), at);
}

static void span(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	struct profile *p;
	struct slice st = r->stack, last;
	struct ev_frame f;
	uint64_t h;
	int64_t at;
	size_t i;

	if (r->time == EV_NONE) {
		skip_record(&g.skips, file, lineno, "span record without a time");
		return;
	}
	if (st.n == 0) {
		skip_record(&g.skips, file, lineno, "span record without a frame");
		return;
	}
	p = profile_of(r, 'O');
	note_comm(r, p->thread);
	at = r->time - g.origin;
	if (p->timed && at < p->last) {
		g.reordered++;
		at = p->last;
	}
	p->last = at;
	p->timed = 1;
	h = fp_hash(st.p, st.n);
	if (r->type == 'O') {
		struct open_frame *o;
		const char *semi = memrchr(st.p, ';', st.n);

		last = st;
		if (semi) {
			last.p = semi + 1;
			last.n = (size_t)(st.p + st.n - last.p);
		}
		ev_frame_next(&last, &f);
		p->records++;
		fp_grow(&p->open, &p->opencap, p->nopen + 1, sizeof *p->open);
		o = &p->open[p->nopen++];
		o->hash = h;
		o->len = st.n;
		o->frame = frame_of(&f);
		if (g.max_depth == 0 || p->nopen < (size_t)g.max_depth) {
			put_event(p, 'O', o->frame, at);
		} else if (p->nopen == (size_t)g.max_depth) {
			put_event(p, 'O', marker(), at);
			g.truncated++;
		}
		return;
	}
	for (i = p->nopen; i-- > 0;)
		if (p->open[i].hash == h && p->open[i].len == st.n)
			break;
	if (i == (size_t)-1) {
		skip_record(&g.skips, file, lineno, "close (C) of a frame that is not open");
		return;
	}
	while (p->nopen > i + 1) {
		g.forced++;
		close_top(p, at);
	}
	close_top(p, at);
}

/* ---- records ---- */

static void set_tname(const struct ev_rec *r)
{
	size_t i = thread_of(r->pid, r->tid), n;
	struct thread *t = &g.th[i];
	int added;

	if (t->tname >= 0 && r->time < t->tname_time)
		return;
	n = intern_get(&g.names, r->name.p, r->name.n, &added);
	t->tname = (int64_t)n;
	t->tname_time = r->time;
}

static void set_pname(const struct ev_rec *r)
{
	int added;
	size_t n, i = intern_get(&g.pnames, r->pid.p, r->pid.n, &added);

	if (!added && r->time < g.pnames.ents[i].value)
		return;
	n = intern_get(&g.names, r->name.p, r->name.n, &added);
	g.pnames.ents[i].aux = (int64_t)n;
	g.pnames.ents[i].value = r->time;
}

static void set_unit(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	int added;
	size_t u, i = intern_get(&g.units, r->event.p, r->event.n, &added);
	const struct ient *e;

	u = intern_get(&g.names, r->name.p, r->name.n, &added);
	if (g.units.ents[i].value == 0) {
		g.units.ents[i].value = 1;
		g.units.ents[i].aux = (int64_t)u;
		return;
	}
	e = &g.names.ents[g.units.ents[i].aux];
	if (e->len != r->name.n || memcmp(e->key, r->name.p, e->len) != 0)
		skip_record(&g.skips, file, lineno, "a second, different unit for an event");
}

static void note_time(int64_t t)
{
	if (t == EV_NONE)
		return;
	if (!g.origin_set) {
		g.origin = g.have_start_hdr ? g.start_hdr : t;
		g.origin_set = 1;
	}
	t -= g.origin;
	if (!g.any_time || t < g.tmin)
		g.tmin = t;
	if (!g.any_time || t > g.tmax)
		g.tmax = t;
	g.any_time = 1;
}

static void header(struct slice line)
{
	const char *sp = memchr(line.p, ' ', line.n);
	size_t k, n;
	const char *v;
	int64_t t;

	if (!sp)
		return;
	k = (size_t)(sp - line.p);
	v = sp + 1;
	n = line.n - k - 1;
	if (k == 6 && memcmp(line.p, "#start", 6) == 0 && ev_parse_time(v, n, &t) == 0) {
		g.start_hdr = t;
		g.have_start_hdr = 1;
	} else if (k == 4 && memcmp(line.p, "#end", 4) == 0 && ev_parse_time(v, n, &t) == 0) {
		g.end_hdr = t;
		g.have_end_hdr = 1;
	} else if (k == 8 && memcmp(line.p, "#command", 8) == 0 && g.command.len == 0) {
		buf_add(&g.command, v, n);
	} else if (k == 6 && memcmp(line.p, "#input", 6) == 0 && g.input.len == 0 && n > 0) {
		const char *slash = memrchr(v, '/', n);

		if (slash && (size_t)(slash - v) + 1 < n) {
			n -= (size_t)(slash + 1 - v);
			v = slash + 1;
		}
		buf_add(&g.input, v, n);
	}
}

static int wanted(const struct ev_rec *r)
{
	if (g.event && (strlen(g.event) != r->event.n || memcmp(g.event, r->event.p, r->event.n)))
		return 0;
	return listed(g.pids, g.npids, r->pid) && listed(g.tids, g.ntids, r->tid);
}

static void record(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	switch (r->type) {
	case 'S':
		note_time(r->time);
		if (wanted(r))
			sample(r, file, lineno);
		break;
	case 'O':
	case 'C':
		note_time(r->time);
		if (wanted(r))
			span(r, file, lineno);
		break;
	case 'I':
		note_time(r->time);
		break;
	case 'T':
		set_tname(r);
		break;
	case 'P':
		set_pname(r);
		break;
	case 'E':
		set_unit(r, file, lineno);
		break;
	default:
		break;
	}
}

static int convert_input(const char *path, void *ctx)
{
	struct ev_reader rd;
	struct ev_rec r;
	int k;

	(void)ctx;
	if (ev_reader_open(&rd, path, &g.skips) < 0)
		return 1;
	if (!g.first_input)
		g.first_input = path;	/* the name: the first input that opened */
	while ((k = ev_reader_next(&rd, &r)) != EV_EOF && k != EV_ERROR) {
		if (k == EV_RECORD && r.type == 'D')
			fp_die("%s:%" PRIu64 ": %s", rd.in.name, rd.in.lineno, order_unnested);
		if (k == EV_RECORD)
			record(&r, rd.in.name, rd.in.lineno);
		else if (k == EV_HEADER)
			header(r.line);
	}
	ev_reader_close(&rd);
	if (k == EV_ERROR)
		g.bad_input = 1;
	return k == EV_ERROR;
}

/* ---- the end: repair, choose, write ---- */

static void finish_profiles(void)
{
	size_t i;

	for (i = 0; i < g.np; i++) {
		struct profile *p = &g.p[i];

		flush_run(p);
		while (p->nopen > 0) {
			g.unclosed++;
			close_top(p, p->last);
		}
	}
}

static int busier(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (g.p[i].records != g.p[j].records)
		return g.p[i].records > g.p[j].records ? -1 : 1;
	return (i > j) - (i < j);
}

/* Keep the N busiest profiles (ties: the earlier one). */
static void choose_top(void)
{
	size_t i, *idx;

	if (g.top <= 0 || (size_t)g.top >= g.np)
		return;
	idx = fp_malloc(g.np * sizeof *idx);
	for (i = 0; i < g.np; i++)
		idx[i] = i;
	qsort(idx, g.np, sizeof *idx, busier);
	for (i = 0; i < g.np; i++)
		g.p[idx[i]].keep = i < (size_t)g.top;
	free(idx);
}

static void name_text(struct buf *b, int64_t name)
{
	ev_unescape(b, g.names.ents[name].key, g.names.ents[name].len);
}

/* The thread's name at the end of the stream, then "(pid P, tid T)". */
static void thread_label(struct buf *b, size_t t, int ids)
{
	const struct thread *th = &g.th[t];
	const struct ient *k = &g.threads.ents[th->key];
	const char *tab = memchr(k->key, '\t', k->len);
	struct slice pid = { k->key, (size_t)(tab - k->key) };
	struct slice tid = { tab + 1, k->len - pid.n - 1 };
	int havepid = pid.n && !ev_absent(pid), havetid = tid.n && !ev_absent(tid);
	size_t start = b->len, pi;

	if (th->tname >= 0)
		name_text(b, th->tname);
	else if (th->comm.len)
		ev_unescape(b, th->comm.p, th->comm.len);
	else if ((pi = intern_find(&g.pnames, pid.p, pid.n)) != (size_t)-1)
		name_text(b, g.pnames.ents[pi].aux);
	if (!ids && b->len > start)
		return;
	if (!havepid && !havetid) {
		if (b->len == start && g.input.len)	/* a .cpuprofile: its file name */
			ev_unescape(b, g.input.p, g.input.len);
		else if (b->len == start)
			buf_adds(b, "unknown thread");
		return;
	}
	buf_adds(b, b->len > start ? " (" : "(");
	if (havepid) {
		buf_adds(b, "pid ");
		ev_unescape(b, pid.p, pid.n);
	}
	if (havetid) {
		buf_adds(b, havepid ? ", tid " : "tid ");
		ev_unescape(b, tid.p, tid.n);
	}
	buf_addc(b, ')');
}

static int several_kinds(void)
{
	size_t i;

	for (i = 1; i < g.np; i++)
		if (g.p[i].kind != g.p[0].kind || (g.p[i].kind == 'S' &&
		    (g.p[i].event.n != g.p[0].event.n ||
		     memcmp(g.p[i].event.p, g.p[0].event.p, g.p[0].event.n))))
			return 1;
	return 0;
}

/* speedscope's ValueUnit for the profile: time units (also perf's period
 * of cpu-clock and task-clock, which is nanoseconds) so speedscope shows
 * "3.50s" rather than a bare count, bytes, else none. */
static const char *unit_of(const struct profile *p)
{
	size_t i = intern_find(&g.units, p->event.p, p->event.n);
	const struct ient *u;
	struct slice unit;
	const char *name;

	if (p->kind == 'O')
		return "nanoseconds";
	if (i == (size_t)-1)
		return "none";
	u = &g.names.ents[g.units.ents[i].aux];
	unit.p = u->key;
	unit.n = u->len;
	name = timeunit_name(timeunit_ns(p->event, unit));
	if (name)
		return name;
	if (u->len == 5 && memcmp(u->key, "bytes", 5) == 0)
		return "bytes";
	return "none";	/* period of other events, samples, count and others */
}

static void write_stream(const struct stream *s)
{
	uint32_t c;

	jo_array_open();
	for (c = s->first; c; c = g.chunks[c - 1].next) {
		const struct chunk *ch = &g.chunks[c - 1];
		size_t got = 0;

		while (got < ch->len) {
			ssize_t r = pread(g.spill_fd, g.rbuf + got, ch->len - got,
					  (off_t)(ch->off + got));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				fp_die("temporary file: read failed");
			got += (size_t)r;
		}
		jo_raw(g.rbuf, ch->len);
	}
	if (s->b.len)
		jo_raw(s->b.p, s->b.len);
	jo_array_close();
}

static void write_profile(const struct profile *p, int suffix)
{
	g.tmp.len = 0;
	if (p->thread == (size_t)-1)
		buf_adds(&g.tmp, "all threads");
	else
		thread_label(&g.tmp, p->thread, 1);
	if (suffix || p->thread == (size_t)-1) {
		buf_adds(&g.tmp, ": ");
		if (p->kind == 'O')
			buf_adds(&g.tmp, "spans");
		else
			ev_unescape(&g.tmp, p->event.p, p->event.n);
	}
	jo_map_open();
	jo_key("type");
	jo_key(p->kind == 'S' ? "sampled" : "evented");
	jo_key("name");
	jo_string(g.tmp.p, g.tmp.len);
	jo_key("unit");
	jo_key(unit_of(p));
	jo_key("startValue");
	if (p->kind == 'S') {
		jo_int(0);
		jo_key("endValue");
		jo_int(p->total);
		jo_key("samples");
		write_stream(&p->s[0]);
		jo_key("weights");
		write_stream(&p->s[1]);
	} else {
		int64_t end = g.have_end_hdr && g.end_hdr - g.origin > g.tmax ?
			      g.end_hdr - g.origin : g.tmax;

		jo_int(g.tmin < 0 ? g.tmin : 0);
		jo_key("endValue");
		jo_int(end);
		jo_key("events");
		write_stream(&p->s[0]);
	}
	jo_map_close();
}

static void write_frame(const struct ient *e)
{
	const char *k = e->key + 1, *end = e->key + e->len;
	size_t t;

	g.tmp.len = 0;
	jo_map_open();
	jo_key("name");
	switch (e->key[0]) {
	case 'F': {
		const char *f = memchr(k, '\t', (size_t)(end - k));
		const char *l = memchr(f + 1, '\t', (size_t)(end - f - 1));
		const char *c = memchr(l + 1, '\t', (size_t)(end - l - 1));
		int64_t v;

		ev_unescape(&g.tmp, k, (size_t)(f - k));
		jo_string(g.tmp.p, g.tmp.len);
		if (l > f + 1) {
			g.tmp.len = 0;
			ev_unescape(&g.tmp, f + 1, (size_t)(l - f - 1));
			jo_key("file");
			jo_string(g.tmp.p, g.tmp.len);
		}
		if (c > l + 1 && ev_parse_i64(l + 1, (size_t)(c - l - 1), &v) == 0) {
			jo_key("line");
			jo_int(v);
		}
		if (end > c + 1 && ev_parse_i64(c + 1, (size_t)(end - c - 1), &v) == 0) {
			jo_key("col");
			jo_int(v);
		}
		break;
	}
	case 'U': {
		size_t i, b = 0;

		buf_addc(&g.tmp, '[');
		if (k == end)
			buf_adds(&g.tmp, "unknown");
		ev_unescape(&g.tmp, k, (size_t)(end - k));
		for (i = 1; i < g.tmp.len; i++)
			if (g.tmp.p[i] == '/')
				b = i;
		if (b) {
			memmove(g.tmp.p + 1, g.tmp.p + b + 1, g.tmp.len - b - 1);
			g.tmp.len -= b;
		}
		buf_addc(&g.tmp, ']');
		jo_string(g.tmp.p, g.tmp.len);
		if (k != end) {
			g.tmp.len = 0;
			ev_unescape(&g.tmp, k, (size_t)(end - k));
			jo_key("file");
			jo_string(g.tmp.p, g.tmp.len);
		}
		break;
	}
	case 'C':
		ev_unescape(&g.tmp, k, (size_t)(end - k));
		jo_string(g.tmp.p, g.tmp.len);
		break;
	case 'T':
		memcpy(&t, k, sizeof t);
		thread_label(&g.tmp, t, 0);
		jo_string(g.tmp.p, g.tmp.len);
		break;
	default:
		jo_string(MARKER, strlen(MARKER));
		break;
	}
	jo_map_close();
}

static void write_file(void)
{
	size_t i, n = 0, busiest = 0, active = 0;
	int suffix = several_kinds();

	for (i = 0; i < g.np; i++) {
		if (!g.p[i].keep)
			continue;
		if (n == 0 || g.p[i].records > g.p[busiest].records) {
			busiest = i;
			active = n;
		}
		n++;
	}
	g.rbuf = fp_malloc(g.maxchunk + 1);
	jo_begin(g.gzip);
	jo_map_open();
	jo_key("$schema");
	jo_key("https://www.speedscope.app/file-format-schema.json");
	jo_key("exporter");
	jo_key("events2speedscope@" FP_VERSION);
	jo_key("name");
	if (g.name)
		jo_string(g.name, strlen(g.name));
	else if (g.command.len)
		jo_string(g.command.p, g.command.len);
	else
		jo_string(g.first_input && strcmp(g.first_input, "-") ? g.first_input : "stdin",
			  strlen(g.first_input && strcmp(g.first_input, "-") ? g.first_input : "stdin"));
	jo_key("activeProfileIndex");
	jo_int((int64_t)active);
	jo_key("shared");
	jo_map_open();
	jo_key("frames");
	jo_array_open();
	for (i = 0; i < g.frames.count; i++)
		write_frame(&g.frames.ents[i]);
	jo_array_close();
	jo_map_close();
	jo_key("profiles");
	jo_array_open();
	for (i = 0; i < g.np; i++)
		if (g.p[i].keep)
			write_profile(&g.p[i], suffix);
	if (n == 0) {
		/* speedscope rejects a file without profiles: one empty profile */
		jo_map_open();
		jo_key("type");
		jo_key("sampled");
		jo_key("name");
		jo_key("no samples");
		jo_key("unit");
		jo_key("none");
		jo_key("startValue");
		jo_int(0);
		jo_key("endValue");
		jo_int(0);
		jo_key("samples");
		jo_array_open();
		jo_array_close();
		jo_key("weights");
		jo_array_open();
		jo_array_close();
		jo_map_close();
	}
	jo_array_close();
	jo_map_close();
	jo_end();
}

static void report(void)
{
	if (g.truncated)
		fp_warn("%" PRIu64 " stacks deeper than %lld frames truncated (--max-depth)",
			g.truncated, g.max_depth);
	if (g.forced)
		fp_warn("%" PRIu64 " frames closed by the close of an enclosing frame", g.forced);
	if (g.unclosed)
		fp_warn("%" PRIu64 " frames never closed; closed at their thread's last time",
			g.unclosed);
	if (g.reordered)
		fp_warn("%" PRIu64 " span records earlier than the previous one of their thread; "
			"moved to its time (sort the stream with eventsort)", g.reordered);
	if (g.np == 0)
		fp_warn("no samples or spans in the input; wrote an empty profile");
}

static void add_to_list(const char ***list, size_t *n, const char *s)
{
	*list = fp_realloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = s;
}

int main(int argc, char **argv)
{
	enum { OPT_NAME = CLI_FIRST_LONG, OPT_STRICT };
	static const struct option longopts[] = {
		{ "merge", no_argument, NULL, 'm' },
		{ "event", required_argument, NULL, 'e' },
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "top", required_argument, NULL, 'n' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	g.budget = getenv("EVENTS2SPEEDSCOPE_BUDGET") ?
		    (size_t)strtoull(getenv("EVENTS2SPEEDSCOPE_BUDGET"), NULL, 10) : BUDGET;
	while ((c = getopt_long(argc, argv, "d:e:mn:p:t:zq", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': g.merge = 1; break;
		case 'e': g.event = optarg; break;
		case 'p': add_to_list(&g.pids, &g.npids, optarg); break;
		case 't': add_to_list(&g.tids, &g.ntids, optarg); break;
		case 'n': g.top = cli_number(&info, "--top", optarg, 1, 1000000000); break;
		case 'd': g.max_depth = cli_number(&info, "--max-depth", optarg, 0, 1000000000);
			if (g.max_depth == 1)
				cli_usage_error(&info, "--max-depth: must be 0 or at least 2");
			break;
		case 'z': g.gzip = 6; break;
		case OPT_NAME: g.name = optarg; break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	status = cli_each_input(argc - optind, argv + optind, convert_input, NULL);
	finish_profiles();
	choose_top();
	/* no file when no input could be read, nor when one is not an events stream */
	if (!g.bad_input && (status == 0 || g.np > 0)) {
		write_file();
		report();
	}
	out_close();
	return status;
}
