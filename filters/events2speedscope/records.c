/* records.c - events2speedscope's callbacks from the stream model: which
 * records it takes, the headers it reads, one profile per thread and
 * event (or per event, merged), samples as runs of equal consecutive
 * stacks, spans as open/close events */
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/bytes.h"
#include "../../common/events.h"
#include "../../common/jsonout.h"
#include "../../common/skip.h"
#include "ss.h"

/* ---- which records ---- */

static void note_time(struct ss *s, int64_t t)
{
	if (t == EV_NONE)
		return;
	if (!s->origin_set) {	/* the first time: the range starts */
		s->origin = s->have_start_hdr ? s->start_hdr : t;
		s->origin_set = 1;
		s->tmin = s->tmax = t - s->origin;
	}
	t -= s->origin;
	if (t > s->tmax)	/* first: the usual case, times that grow */
		s->tmax = t;
	else if (t < s->tmin)
		s->tmin = t;
}

static int listed(struct ss *s, const char **list, size_t n, struct slice v)
{
	size_t i;

	if (n == 0)
		return 1;
	s->listed.len = 0;
	ev_unescape(&s->listed, v.p, v.n);
	for (i = 0; i < n; i++)
		if (strlen(list[i]) == s->listed.len &&
		    memcmp(list[i], s->listed.p, s->listed.len) == 0)
			return 1;
	return 0;
}

/* Samples and spans of the chosen event, processes and threads, with a
 * positive weight for samples, go on. */
__attribute__((noinline))
static int want_filtered(struct ss *s, const struct ev_rec *r)
{
	if (r->type == 'I')
		return 0;
	if (s->event && (strlen(s->event) != r->event.n || memcmp(s->event, r->event.p, r->event.n)))
		return 0;
	if ((s->npids || s->ntids) &&
	    (!listed(s, s->pids, s->npids, r->pid) || !listed(s, s->tids, s->ntids, r->tid)))
		return 0;
	if (r->type == 'S' && r->weight < 0) {
		skip_record(&s->m.skips, s->m.file, s->m.lineno,
			    "negative weight (speedscope needs positive weights)");
		return 0;
	}
	return r->type != 'S' || r->weight > 0;
}

/* Every timed S O C I record counts for the time range; then
 * want_filtered(), but without options the usual case is decided here
 * (a leaf: the callback of every record). */
static int want(void *ctx, const struct ev_rec *r)
{
	struct ss *s = ctx;

	note_time(s, r->time);
	if (s->plain && r->type != 'I' &&
	    (r->type != 'S' || r->weight > 0))
		return 1;
	return want_filtered(s, r);
}

static void header(void *ctx, struct slice line)
{
	struct ss *s = ctx;
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
		s->start_hdr = t;
		s->have_start_hdr = 1;
	} else if (k == 4 && memcmp(line.p, "#end", 4) == 0 && ev_parse_time(v, n, &t) == 0) {
		s->end_hdr = t;
		s->have_end_hdr = 1;
	} else if (k == 8 && memcmp(line.p, "#command", 8) == 0 && s->command.len == 0) {
		buf_add(&s->command, v, n);
	} else if (k == 6 && memcmp(line.p, "#input", 6) == 0 && s->input.len == 0 && n > 0) {
		const char *slash = memrchr(v, '/', n);

		if (slash && (size_t)(slash - v) + 1 < n) {
			n -= (size_t)(slash + 1 - v);
			v = slash + 1;
		}
		buf_add(&s->input, v, n);
	}
}

/* ---- profiles ---- */

static uint32_t event_id(struct ss *s, struct slice ev)
{
	const struct ient *e;
	size_t i;
	int added;

	if (s->last_ev.n == ev.n && bytes_eq(s->last_ev.p, ev.p, ev.n))
		return s->last_event;
	/* a stream has few events: compared, not hashed */
	for (i = 0; i < s->events.count && i < SS_FAST_EVENTS; i++) {
		e = &s->events.ents[i];
		if (e->len == ev.n && bytes_eq(e->key, ev.p, ev.n))
			break;
	}
	if (i == s->events.count || i == SS_FAST_EVENTS)
		i = intern_get(&s->events, ev.n ? ev.p : "", ev.n, &added);
	e = &s->events.ents[i];
	s->last_event = (uint32_t)i;
	s->last_ev.p = e->key;
	s->last_ev.n = e->len;
	return s->last_event;
}

/* The profile of key (event id << 32 | thread), made on first use (out of
 * line: profile_of() is on the hot path). ev: the event's id for a sampled
 * profile, MD_NONE for an evented one. */
__attribute__((noinline))
static struct ss_profile *profile_find(struct ss *s, char kind, struct slice event, uint32_t ev,
				       uint32_t thread)
{
	int merged = kind == 'S' && s->merge;
	struct u64ent *e = u64map_add(&s->profs, (uint64_t)ev << 32 | (merged ? MD_NONE : thread));
	struct ss_profile *p;

	if (e->value) {
		s->last_prof = (uint32_t)e->value;
		return &s->p[e->value - 1];
	}
	fp_grow(&s->p, &s->pcap, s->np + 1, sizeof *s->p);
	p = &s->p[s->np++];
	e->value = (int64_t)s->np;
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->thread = merged ? MD_NONE : thread;
	p->event.p = fp_strndup(event.p, event.n);
	p->event.n = event.n;
	p->keep = 1;
	s->last_prof = (uint32_t)s->np;
	return p;
}

/* Evented profiles are per thread: the last record's profile is tried
 * first. */
static struct ss_profile *profile_of_span(struct ss *s, struct slice event, uint32_t thread)
{
	struct ss_profile *p = s->last_prof ? &s->p[s->last_prof - 1] : NULL;

	if (p && p->kind == 'O' && p->thread == thread)
		return p;
	return profile_find(s, 'O', event, MD_NONE, thread);
}

/* Sampled profiles are per event and thread (per event when merged): for
 * the first SS_FAST_EVENTS events, found in a table by event id and thread
 * (0 when merged), as threads and events often take turns. */
static struct ss_profile *profile_of_sample(struct ss *s, struct slice event, uint32_t thread)
{
	uint32_t ev = event_id(s, event), t = s->merge ? 0 : thread, *v;
	struct ss_fast *f;
	struct ss_profile *p;

	if (ev >= SS_FAST_EVENTS)
		return profile_find(s, 'S', event, ev, thread);
	f = &s->fast[ev];
	if (t < f->cap && f->prof[t])
		return &s->p[f->prof[t] - 1];
	p = profile_find(s, 'S', event, ev, thread);
	if (t >= f->cap) {
		size_t old = f->cap;

		fp_grow(&f->prof, &f->cap, (size_t)t + 1, sizeof *f->prof);
		memset(f->prof + old, 0, (f->cap - old) * sizeof *f->prof);
	}
	v = &f->prof[t];
	*v = (uint32_t)(p - s->p) + 1;
	return p;
}

/* ---- samples ---- */

static void elem_u64(struct buf *b, uint64_t v)
{
	char tmp[24];

	buf_add(b, tmp, jo_fmt_i64(tmp, (int64_t)v));
}

/* A run's frames (frame indices) as one element of its profile's samples
 * stream, written in place when the run starts: their texts "index,"
 * (frames.c). */
static void put_frames(struct ss *s, struct ss_profile *p, const uint32_t *idx, size_t n)
{
	const struct ss_text *txt = s->fr.txt;
	size_t i;
	char *q;

	q = stream_room(s, &p->s[0], n * sizeof *txt + 2);
	*q++ = '[';
	for (i = 0; i < n; i++) {
		const struct ss_text *t = &txt[idx[i]];

		memcpy(q, t->c, sizeof t->c);
		q += t->c[SS_TEXT_LEN];
	}
	if (n)
		q--;	/* the last comma */
	*q++ = ']';
	stream_done(s, &p->s[0], q);
}

/* The end of the pending run: its weight, as one element of the weights
 * stream, its text kept from the last run's, which it often is (its
 * frames were written when it started). */
static inline __attribute__((always_inline)) void flush_run(struct ss *s, struct ss_profile *p)
{
	char *q;

	if (!p->have_prev)
		return;
	if ((uint64_t)p->prevw != s->wlast || s->wlen == 0) {
		s->wlast = (uint64_t)p->prevw;
		s->wlen = (size_t)jo_fmt_i64(s->wtext, p->prevw);
	}
	q = stream_room(s, &p->s[1], sizeof s->wtext);
	memcpy(q, s->wtext, sizeof s->wtext);
	stream_done(s, &p->s[1], q + s->wlen);
	p->have_prev = 0;
}

static void add_weight(struct ss_profile *p, int64_t w)
{
	p->prevw += w;
	p->total = p->total > INT64_MAX - w ? INT64_MAX : p->total + w;
}

/* The frame indices of a sample's frames in s->idx, root (MD_NONE: none)
 * first, truncated to --max-depth; returns their number. */
static size_t stack_frames(struct ss *s, uint32_t root, const uint32_t *frames, size_t n)
{
	size_t i, k = 0;
	uint32_t *idx;

	if (n + 1 > s->idxcap)
		fp_grow(&s->idx, &s->idxcap, n + 1, sizeof *s->idx);
	idx = s->idx;
	if (root != MD_NONE)
		idx[k++] = root;
	for (i = 0; i < n; i++)
		idx[k++] = frames_model(&s->fr, &s->m.stacks, frames[i]);
	if (s->max_depth > 0 && k > (size_t)s->max_depth) {
		/* keep the root half and the leaf half around one marker */
		size_t d = (size_t)s->max_depth, half = d / 2, leaf = d - half - 1;

		s->idx[half] = frames_marker(&s->fr);
		memmove(s->idx + half + 1, s->idx + k - leaf, leaf * sizeof *s->idx);
		k = d;
		s->truncated++;
	}
	return k;
}

/* The sample's frame indices become the profile's run. */
static void swap_idx(struct ss *s, struct ss_profile *p)
{
	uint32_t *t = p->prev;
	size_t cap = p->prevcap;

	p->prev = s->idx;
	p->prevcap = s->idxcap;
	s->idx = t;
	s->idxcap = cap;
}

/* Is this sample's STACK (and, merged, its thread and COMM) the one of
 * the last sample of the profile? Keeps it for the next one. A yes only
 * spares sample() the frame indices (the run goes on either way when
 * they are the same), so where consecutive stacks all differ, keeping
 * the frames is no use: after LAST_MISSES misses in a row the next
 * LAST_OFF samples are not compared (and the frames not kept). */
#define LAST_MISSES 64
#define LAST_OFF 4096
static int same_stack(struct ss_profile *p, const struct md_sample *smp)
{
	size_t n = smp->nframes;

	if (p->last_off > 0 && --p->last_off > 0)
		return 0;
	if (p->have_prev && p->nlast == n && p->last_thread == smp->thread &&
	    p->last_comm == smp->comm && bytes_eq(p->last, smp->frames, n * sizeof *p->last)) {
		p->last_misses = 0;
		return 1;
	}
	if (++p->last_misses == LAST_MISSES) {
		p->last_misses = 0;
		p->last_off = LAST_OFF;
		p->nlast = SIZE_MAX;	/* the next compare fails */
		return 0;
	}
	if (n > p->lastcap)
		fp_grow(&p->last, &p->lastcap, n, sizeof *p->last);
	if (n)
		memcpy(p->last, smp->frames, n * sizeof *p->last);
	p->nlast = n;
	p->last_thread = smp->thread;
	p->last_comm = smp->comm;
	return 0;
}

/* The frame indices of the n model frames into s->idx, compared with the
 * pending run's and written as a new run's element of the samples stream
 * in the same pass (the usual case: no root frame, no truncation). Returns
 * 0, nothing written, when they are the pending run's and w can be added
 * to it. This is the hot path of a stream whose consecutive stacks all
 * differ. */
static int frames_run(struct ss *s, struct ss_profile *p, const uint32_t *frames, size_t n,
		      int64_t w)
{
	struct ss_stream *st = &p->s[0];
	size_t i, len0 = st->b.len, ncap = s->fr.of_frame_cap;
	const uint32_t *of = s->fr.of_frame, *prev;
	const struct ss_text *txt = s->fr.txt;
	uint32_t *idx, diff;
	char *q;

	if (n + 1 > s->idxcap)
		fp_grow(&s->idx, &s->idxcap, n + 1, sizeof *s->idx);
	idx = s->idx;
	/* compared with the pending run's, else with themselves (diff set) */
	if (p->have_prev && p->nprev == n && p->prevw <= INT64_MAX - w) {
		prev = p->prev;
		diff = 0;
	} else {
		prev = idx;
		diff = 1;
	}
	q = stream_room(s, st, n * sizeof *txt + 2);
	*q++ = '[';
	for (i = 0; i < n; i++) {
		uint32_t id = frames[i], v = id < ncap ? of[id] : 0;

		if (__builtin_expect(v == 0, 0)) {	/* a new frame: the table moves */
			v = frames_model_first(&s->fr, &s->m.stacks, id) + 1;
			of = s->fr.of_frame;
			ncap = s->fr.of_frame_cap;
			txt = s->fr.txt;
		}
		idx[i] = --v;
		diff |= v ^ prev[i];
		memcpy(q, txt[v].c, sizeof txt[v].c);
		q += txt[v].c[SS_TEXT_LEN];
	}
	if (!diff) {	/* the same frames: nothing written */
		st->b.len = len0;
		return 0;
	}
	if (n)
		q--;	/* the last comma */
	*q++ = ']';
	stream_done(s, st, q);
	return 1;
}

/* A run goes on while the frames shown are the same. */
static void sample(void *ctx, const struct md_sample *smp)
{
	struct ss *s = ctx;
	struct ss_profile *p = profile_of_sample(s, smp->rec->event, smp->thread);
	uint32_t root;
	int64_t w = smp->weight;
	size_t n = smp->nframes;

	p->records++;
	if (same_stack(p, smp) && p->prevw <= INT64_MAX - w) {
		add_weight(p, w);
		return;
	}
	if (n <= s->run_depth && !s->merge) {	/* !merge for n 0 */
		if (!frames_run(s, p, smp->frames, n, w)) {
			add_weight(p, w);	/* another stack that shows the same frames */
			return;
		}
	} else {
		root = s->merge ? frames_root(&s->fr, smp->comm, smp->thread) : MD_NONE;
		n = stack_frames(s, root, smp->frames, n);
		if (p->have_prev && p->nprev == n && bytes_eq(p->prev, s->idx, n * sizeof *s->idx) &&
		    p->prevw <= INT64_MAX - w) {
			add_weight(p, w);	/* another stack that shows the same frames */
			return;
		}
		put_frames(s, p, s->idx, n);
	}
	flush_run(s, p);
	swap_idx(s, p);
	p->nprev = n;
	p->prevw = 0;
	p->have_prev = 1;
	add_weight(p, w);
}

/* ---- spans ---- */

static void put_event(struct ss *s, struct ss_profile *p, char type, uint32_t frame, int64_t at)
{
	struct buf *b = &s->elem;
	char tmp[24];

	b->len = 0;
	buf_adds(b, type == 'O' ? "{\"type\":\"O\",\"frame\":" : "{\"type\":\"C\",\"frame\":");
	elem_u64(b, frame);
	buf_adds(b, ",\"at\":");
	buf_add(b, tmp, jo_fmt_i64(tmp, at));
	buf_addc(b, '}');
	stream_add(s, &p->s[0], b->p, b->len);
}

/* The frame index of a span's own (leaf) frame. */
static uint32_t span_frame(struct ss *s, uint32_t node)
{
	if (node == STK_ROOT)
		return frames_none(&s->fr);	/* a STACK without a frame in it */
	return frames_model(&s->fr, &s->m.stacks, s->m.stacks.nodes[node].frame);
}

/* Spans at depth --max-depth and deeper are shown as one marker frame at
 * that depth. */
static void span_open(void *ctx, const struct md_span *sp)
{
	struct ss *s = ctx;
	struct ss_profile *p = profile_of_span(s, sp->rec->event, sp->thread);
	uint32_t frame = span_frame(s, sp->stack);

	p->records++;
	if (s->max_depth == 0 || sp->depth < (size_t)s->max_depth) {
		put_event(s, p, 'O', frame, sp->start - s->origin);
	} else if (sp->depth == (size_t)s->max_depth) {
		put_event(s, p, 'O', frames_marker(&s->fr), sp->start - s->origin);
		s->truncated++;
	}
}

static void span_close(void *ctx, const struct md_span *sp)
{
	struct ss *s = ctx;
	struct u64ent *e = u64map_find(&s->profs, (uint64_t)MD_NONE << 32 | sp->thread);
	struct ss_profile *p = &s->p[e->value - 1];	/* made when the span opened */

	if (s->max_depth == 0 || sp->depth < (size_t)s->max_depth)
		put_event(s, p, 'C', span_frame(s, sp->stack), sp->end - s->origin);
	else if (sp->depth == (size_t)s->max_depth)
		put_event(s, p, 'C', frames_marker(&s->fr), sp->end - s->origin);
}

/* ---- the run ---- */

void ss_init(struct ss *s)
{
	struct md_sink sink = { 0 };
	struct model_opts o = { 0 };

	memset(s, 0, sizeof *s);
	sink.ctx = s;
	sink.want = want;
	sink.header = header;
	sink.sample = sample;
	sink.open = span_open;
	sink.close = span_close;
	o.spans_need_frame = 1;
	o.flat_samples = 1;	/* memory bounded by distinct frames and threads */
	model_init(&s->m, &sink, &o);
	s->max_depth = 2000;
	s->last_event = MD_NONE;
	s->last_ev.n = SIZE_MAX;
	s->sp.fd = -1;
}

int ss_read(const char *path, void *ctx)
{
	struct ss *s = ctx;
	int status;

	s->plain = !s->event && !s->npids && !s->ntids;
	s->run_depth = s->merge ? 0 : s->max_depth == 0 ? SIZE_MAX : (size_t)s->max_depth;
	status = model_read(path, &s->m);

	if (!s->first_input && (status == 0 || s->m.bad_input))
		s->first_input = path;	/* the name: the first input that opened */
	return status;
}

void ss_finish(struct ss *s)
{
	size_t i;

	for (i = 0; i < s->np; i++)
		flush_run(s, &s->p[i]);
	model_close_all(&s->m);
}

void ss_free(struct ss *s)
{
	size_t i;
	int k;

	for (i = 0; i < s->np; i++) {
		for (k = 0; k < 2; k++)
			buf_free(&s->p[i].s[k].b);
		free(s->p[i].prev);
		free(s->p[i].last);
		free((char *)s->p[i].event.p);
	}
	free(s->p);
	u64map_free(&s->profs);
	intern_free(&s->events);
	for (k = 0; k < SS_FAST_EVENTS; k++)
		free(s->fast[k].prof);
	frames_free(&s->fr);
	spill_free(&s->sp);
	model_free(&s->m);
	free(s->idx);
	free(s->pids);
	free(s->tids);
	buf_free(&s->command);
	buf_free(&s->input);
	buf_free(&s->elem);
	buf_free(&s->listed);
}
