/* model.c - the model of an events stream that every reader shares */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bytes.h"
#include "err.h"
#include "evscan.h"
#include "model.h"
#include "order.h"

void model_init(struct model *m, const struct md_sink *sink, const struct model_opts *o)
{
	memset(m, 0, sizeof *m);
	m->sink = *sink;
	if (o)
		m->opts = *o;
	m->last_thread = MD_NONE;
	memset(m->tcache, 0xff, sizeof m->tcache);	/* MD_NONE */
	stacks_init(&m->stacks);
	if (m->opts.no_threads && !m->opts.no_stacks)
		fp_die("model: no_threads needs no_stacks (a thread keeps its last stack)");
}

void model_free(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nth; i++) {
		free(m->th[i].open);
		stk_cursor_free(&m->th[i].cur);
		stk_cursor_free(&m->th[i].fcur);
	}
	free(m->th);
	stacks_free(&m->stacks);
	intern_free(&m->threads);
	intern_free(&m->comms);
	intern_free(&m->names);
	intern_free(&m->pnames);
	intern_free(&m->units);
	buf_free(&m->key);
	memset(m, 0, sizeof *m);	/* a second call frees nothing */
}


static uint32_t intern_id(struct intern *t, struct slice s)
{
	int added;

	return (uint32_t)intern_get(t, s.n ? s.p : "", s.n, &added);
}

static int same(struct slice a, struct slice b)
{
	return a.n == b.n && bytes_eq(a.p, b.p, a.n);
}

/* A thread's pid and tid are "pid\ttid", its key: when the record's are
 * too (as parsed), one compare does. */
static inline int same_thread(const struct md_thread *t, struct slice pid, struct slice tid)
{
	if (t->pid.n != pid.n || t->tid.n != tid.n)
		return 0;
	if ((uintptr_t)tid.p == (uintptr_t)pid.p + pid.n + 1)
		return bytes_eq(t->pid.p, pid.p, pid.n + 1 + tid.n);
	return same(t->tid, tid) && same(t->pid, pid);
}

/* The last (up to) 8 bytes of s as a number. */
static inline uint64_t tail8(struct slice s)
{
	return s.n > 8 ? bytes_load(s.p + s.n - 8, 8) : bytes_load(s.p, s.n);
}

/* pid/tid's two slots in the thread cache, from a cheap hash of their
 * ends (the digits that differ between threads). */
static inline uint64_t tcache_hash(struct slice pid, struct slice tid)
{
	return (tail8(tid) * 0x9e3779b97f4a7c15ULL ^ tail8(pid)) * 0xff51afd7ed558ccdULL;
}

/* thread_cached() after the first slot of the cache, h = tcache_hash():
 * the other slot, then the table.
 * A thread found in the table goes to its first slot in the cache, and
 * the thread that was there to its other. */
__attribute__((noinline))
static uint32_t thread_find(struct model *m, struct slice pid, struct slice tid, uint64_t h)
{
	int added;
	size_t i;
	unsigned a = (unsigned)(h >> 56) & (MD_TCACHE - 1), b = (unsigned)(h >> 48) & (MD_TCACHE - 1);
	uint32_t id = m->tcache[b];
	struct md_thread *t;

	if (id != MD_NONE && same_thread(&m->th[id], pid, tid))
		return m->last_thread = id;
	if (a != b)
		m->tcache[b] = m->tcache[a];
	/* the record's "pid\ttid" as parsed is the key: looked up in place */
	i = (uintptr_t)tid.p == (uintptr_t)pid.p + pid.n + 1 ?
		intern_find_hash(&m->threads, pid.p, pid.n + 1 + tid.n,
				 fp_hash_inline(pid.p, pid.n + 1 + tid.n)) : (size_t)-1;
	if (i != (size_t)-1) {
		added = 0;
	} else {
		ev_thread_key(&m->key, pid, tid);
		i = intern_get(&m->threads, m->key.p, m->key.len, &added);
	}
	if (!added) {
		m->last_thread = (uint32_t)m->threads.ents[i].aux;
		m->tcache[a] = m->last_thread;
		return m->last_thread;
	}
	fp_grow(&m->th, &m->thcap, m->nth + 1, sizeof *m->th);
	t = &m->th[m->nth];
	memset(t, 0, sizeof *t);
	/* the key is "pid\ttid": point into it */
	t->pid.p = m->threads.ents[i].key;
	t->pid.n = pid.n;
	t->tid.p = m->threads.ents[i].key + pid.n + 1;
	t->tid.n = tid.n;
	t->comm = t->tname = MD_NONE;
	m->threads.ents[i].aux = (int64_t)m->nth;
	m->last_thread = (uint32_t)m->nth++;
	m->tcache[a] = m->last_thread;
	return m->last_thread;
}

/* thread_of() after the last record's thread (out of line): the first
 * slot of the thread cache, then thread_find(). */
__attribute__((noinline))
static uint32_t thread_cached(struct model *m, struct slice pid, struct slice tid)
{
	uint64_t h = tcache_hash(pid, tid);
	uint32_t t = m->tcache[(h >> 56) & (MD_TCACHE - 1)];

	if (t != MD_NONE && same_thread(&m->th[t], pid, tid))
		return m->last_thread = t;
	return thread_find(m, pid, tid, h);
}

/* The id of thread pid/tid, added on first sight. Profiles interleave a
 * few threads, so the last one, then the one in the thread cache are
 * compared before the hash table is asked (a hash per record was the
 * model's main cost in heatmap). */
static inline __attribute__((always_inline))
uint32_t thread_of(struct model *m, struct slice pid, struct slice tid)
{
	uint32_t t = m->last_thread;

	if (t != MD_NONE && same_thread(&m->th[t], pid, tid))
		return t;
	return thread_cached(m, pid, tid);
}

uint32_t model_thread_id(struct model *m, struct slice pid, struct slice tid)
{
	return thread_of(m, pid, tid);
}

struct slice model_comm(const struct model *m, uint32_t comm)
{
	struct slice s = { m->comms.ents[comm].key, m->comms.ents[comm].len };

	return s;
}

struct slice model_name(const struct model *m, uint32_t name)
{
	struct slice s = { m->names.ents[name].key, m->names.ents[name].len };

	return s;
}

int model_tp_name(const struct model *m, uint32_t t, struct slice *name)
{
	const struct md_thread *th = &m->th[t];
	size_t i;

	if (th->tname != MD_NONE) {
		*name = model_name(m, th->tname);
		return 1;
	}
	i = intern_find(&m->pnames, th->pid.n ? th->pid.p : "", th->pid.n);
	if (i != (size_t)-1) {
		*name = model_name(m, (uint32_t)m->pnames.ents[i].aux);
		return 1;
	}
	return 0;
}

int model_thread_name(const struct model *m, uint32_t t, struct slice *name)
{
	const struct md_thread *th = &m->th[t];

	if (model_tp_name(m, t, name))
		return 1;
	if (th->comm != MD_NONE) {
		*name = model_comm(m, th->comm);
		return 1;
	}
	return 0;
}

struct slice model_unit(const struct model *m, struct slice event)
{
	size_t i = intern_find(&m->units, event.n ? event.p : "", event.n);

	if (i == (size_t)-1)
		return ev_str("count");
	return model_name(m, (uint32_t)m->units.ents[i].aux);
}

/* The comm id of r's COMM field (MD_NONE when absent); the thread's last
 * one is checked first. */
static inline uint32_t comm_of(struct model *m, struct md_thread *th, struct slice comm)
{
	if (comm.n == 0 || ev_absent(comm))
		return MD_NONE;
	if (!same(th->comm_text, comm)) {	/* comm.n > 0: also when there was none */
		th->comm = intern_id(&m->comms, comm);
		th->comm_text = model_comm(m, th->comm);
	}
	return th->comm;
}

/* ---- metadata records ---- */

static void set_tname(struct model *m, const struct ev_rec *r)
{
	uint32_t id = thread_of(m, r->pid, r->tid);	/* may move m->th */
	struct md_thread *t = &m->th[id];

	if (t->tname != MD_NONE && r->time < t->tname_time)
		return;
	t->tname = intern_id(&m->names, r->name);
	t->tname_time = r->time;
}

static void set_pname(struct model *m, const struct ev_rec *r)
{
	int added;
	size_t i = intern_get(&m->pnames, r->pid.n ? r->pid.p : "", r->pid.n, &added);

	if (!added && r->time < m->pnames.ents[i].value)
		return;
	m->pnames.ents[i].aux = intern_id(&m->names, r->name);
	m->pnames.ents[i].value = r->time;
}

static void set_unit(struct model *m, const struct ev_rec *r)
{
	int added;
	size_t i = intern_get(&m->units, r->event.n ? r->event.p : "", r->event.n, &added);
	uint32_t u = intern_id(&m->names, r->name);

	if (added)
		m->units.ents[i].aux = u;
	else if ((uint32_t)m->units.ents[i].aux != u)
		skip_record(&m->skips, m->file, m->lineno, "a second, different unit for an event");
}

/* ---- spans ---- */

/* Close the innermost open span of thread t at time at. */
static void close_top(struct model *m, uint32_t t, int64_t at, const struct ev_rec *r, int forced)
{
	struct md_thread *th = &m->th[t];
	struct md_open *o = &th->open[--th->nopen];
	int64_t dur = at > o->start ? at - o->start : 0;
	struct md_span s = { r, t, o->stack, o->comm, th->nopen + 1, o->start, at, dur - o->child,
			     forced };

	if (th->nopen > 0)
		th->open[th->nopen - 1].child += dur;
	if (m->sink.close)
		m->sink.close(m->sink.ctx, &s);
}

static void span(struct model *m, const struct ev_rec *r)
{
	uint32_t t, stack, comm;
	struct md_thread *th;
	int64_t at = r->time;
	size_t i;

	if (at == EV_NONE) {
		skip_record(&m->skips, m->file, m->lineno, "span record without a time");
		return;
	}
	if (m->opts.spans_need_frame && r->stack.n == 0) {
		skip_record(&m->skips, m->file, m->lineno, "span record without a frame");
		return;
	}
	t = thread_of(m, r->pid, r->tid);
	th = &m->th[t];
	comm = comm_of(m, th, r->comm);
	if (th->timed && at < th->last) {
		m->reordered++;
		at = th->last;
	}
	th->last = at;
	th->timed = 1;
	stack = m->opts.no_stacks ? MD_NONE : stacks_intern_at(&m->stacks, &th->cur, r->stack);
	if (r->type == 'O') {
		struct md_span s = { r, t, stack, comm, 0, at, EV_NONE, EV_NONE, 0 };

		fp_grow(&th->open, &th->cap, th->nopen + 1, sizeof *th->open);
		th->open[th->nopen++] = (struct md_open){ at, 0, stack, comm };
		s.depth = th->nopen;
		if (m->sink.open)
			m->sink.open(m->sink.ctx, &s);
		return;
	}
	for (i = th->nopen; i-- > 0;)
		if (th->open[i].stack == stack)
			break;
	if (i == (size_t)-1) {
		skip_record(&m->skips, m->file, m->lineno, "close (C) of a frame that is not open");
		return;
	}
	while (th->nopen > i + 1) {
		m->forced++;
		close_top(m, t, at, NULL, 1);
	}
	close_top(m, t, at, r, 0);
}

void model_close_all(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nth; i++) {
		while (m->th[i].nopen > 0) {
			m->unclosed++;
			close_top(m, (uint32_t)i, m->th[i].last, NULL, 1);
		}
	}
}

void model_warn(const struct model *m, enum md_repair what)
{
	if (what == MD_UNCLOSED && m->unclosed)
		fp_warn("%" PRIu64 " frames never closed; closed at their thread's last time",
			m->unclosed);
	if (what == MD_FORCED && m->forced)
		fp_warn("%" PRIu64 " frames closed by the close of an enclosing frame", m->forced);
	if (what == MD_REORDERED && m->reordered)
		fp_warn("%" PRIu64 " span records earlier than the previous one of their thread; "
			"moved to its time (sort the stream with eventsort)", m->reordered);
}

void model_end(struct model *m)
{
	model_close_all(m);
	model_warn(m, MD_UNCLOSED);
	model_warn(m, MD_FORCED);
	model_warn(m, MD_REORDERED);
}

/* ---- records ---- */

static void point(struct model *m, const struct ev_rec *r)
{
	struct md_sample s;
	struct md_thread *th;

	s.rec = r;
	s.frames = NULL;
	s.nframes = 0;
	if (m->opts.no_threads) {
		s.thread = s.comm = MD_NONE;
		th = NULL;
	} else {
		s.thread = thread_of(m, r->pid, r->tid);
		th = &m->th[s.thread];
		s.comm = comm_of(m, th, r->comm);
	}
	if (m->opts.no_stacks) {
		s.stack = MD_NONE;
	} else if (m->opts.flat_samples) {
		s.stack = MD_NONE;
		s.nframes = stacks_frames_at(&m->stacks, &th->fcur, r->stack, &s.frames);
	} else {
		s.stack = stacks_intern_at(&m->stacks, &th->cur, r->stack);
	}
	s.time = r->time;
	s.weight = r->weight;
	if (r->type == 'S') {
		if (m->sink.sample)
			m->sink.sample(m->sink.ctx, &s);
	} else if (m->sink.instant) {
		m->sink.instant(m->sink.ctx, &s);
	}
}

static void record(struct model *m, const struct ev_rec *r)
{
	switch (r->type) {
	case 'S':
	case 'I':
	case 'O':
	case 'C':
		if (m->sink.want && !m->sink.want(m->sink.ctx, r))
			return;
		if (r->type == 'S' || r->type == 'I')
			point(m, r);
		else if (!m->opts.own_spans)
			span(m, r);
		else if (m->sink.other)
			m->sink.other(m->sink.ctx, r);
		return;
	case 'D':
		if (m->opts.keep_unnested)
			break;
		fp_die("%s:%" PRIu64 ": %s", m->file, m->lineno, order_unnested);
	case 'T':
		set_tname(m, r);
		break;
	case 'P':
		set_pname(m, r);
		break;
	case 'E':
		if (!m->opts.no_units)
			set_unit(m, r);
		break;
	default:
		break;
	}
	if (m->sink.other)
		m->sink.other(m->sink.ctx, r);
}

int model_read(const char *path, void *model)
{
	struct model *m = model;
	struct ev_reader rd;
	struct ev_rec r;
	int k = EV_EOF;		/* also when a callback stopped the reading first */
	ev_parse_fn *parse = m->opts.no_stacks ? ev_parse_fast : ev_parse_cut;

	if (m->stop)
		return 0;
	if (ev_reader_open(&rd, path, &m->skips) < 0)
		return 1;
	m->file = rd.in.name;
	m->ninputs++;
	/* ev_parse_cut() gives the STACK field as ev_parse() does, in one scan
	 * of the line; without stacks, ev_parse_fast() does not look for its
	 * end (r.stack holds the rest of the line) */
	while (!m->stop && (k = parse == ev_parse_cut ? ev_reader_next_cut(&rd, &r)
						     : ev_reader_next_with(&rd, &r, parse)) != EV_EOF &&
	       k != EV_ERROR) {
		m->lineno = rd.in.lineno;
		if (k == EV_HEADER) {
			if (m->sink.header)
				m->sink.header(m->sink.ctx, r.line);
			continue;
		}
		record(m, &r);
	}
	if (m->stop)
		k = EV_EOF;
	ev_reader_close(&rd);
	if (k == EV_ERROR)
		m->bad_input = 1;
	return k == EV_ERROR;
}
