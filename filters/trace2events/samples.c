/* samples.c - trace2events: samples (P events, the samples array and its
 * stackFrames table) and V8 profiles (Profile, ProfileChunk, CpuProfile)
 * as S records, each weighing the time to the next sample of its stream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/json.h"
#include "../../common/out.h"
#include "trace.h"

/* A buffer that may be empty (and then NULL). */
static void put_buf(const struct buf *b)
{
	if (b->len)
		out_write(b->p, b->len);
}

/* ---- samples ---- */

/* The sample stream of head ("pid\ttid\tcpu\tcomm\tevent"): one per
 * thread and event, whatever the cpu. */
static struct pending *pending_of(struct trace *tr, const struct buf *head)
{
	int added;
	size_t i;
	const char *p = head->p, *end = head->p + head->len;
	const char *t1 = memchr(p, '\t', head->len);
	const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
	const char *t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(end - t2 - 1)) : NULL;

	tr->smp.key.len = 0;
	if (t3) {
		buf_add(&tr->smp.key, p, (size_t)(t2 - p));
		buf_add(&tr->smp.key, t3, (size_t)(end - t3));
	} else {
		buf_add(&tr->smp.key, p, head->len);
	}
	i = intern_get(&tr->smp.pends, tr->smp.key.p, tr->smp.key.len, &added);

	if (added) {
		fp_grow(&tr->smp.pe, &tr->smp.cap, tr->smp.n + 1, sizeof *tr->smp.pe);
		memset(&tr->smp.pe[tr->smp.n], 0, sizeof *tr->smp.pe);
		tr->smp.pends.ents[i].aux = (int64_t)tr->smp.n++;
	}
	return &tr->smp.pe[tr->smp.pends.ents[i].aux];
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
 * escaped stack: it weighs the time to the next sample of head. */
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
static void sample_head(struct trace *tr, struct buf *h, const char *event, const char *cpu, size_t cpun)
{
	h->len = 0;
	ev_buf_field(h, tr->e.pid.p, tr->e.pid.len);
	buf_addc(h, '\t');
	if (tr->e.has_tid)
		ev_buf_field(h, tr->e.tid.p, tr->e.tid.len);
	else
		ev_buf_field(h, tr->e.pid.p, tr->e.pid.len);
	buf_addc(h, '\t');
	ev_buf_field(h, cpu, cpun);
	buf_adds(h, "\t-\t");
	ev_buf_field(h, event, strlen(event));
	if (!tr->fp_weights)	/* else the flamepipe key declared the units */
		tr_declare(tr, event, strlen(event), "nanoseconds");
}

#define SF_MAX_DEPTH (1 << 16)

/* Append the stack of stackFrames id to b, root first. */
static int sf_stack(struct trace *tr, struct buf *b, const char *id, size_t n)
{
	size_t depth = 0, i, *chain;

	/* a parent cycle would never end: no stack is deeper than the table,
	 * nor than SF_MAX_DEPTH frames (the leaf's side is kept) */
	while (depth <= tr->smp.nsf && depth < SF_MAX_DEPTH) {
		size_t k = intern_find(&tr->smp.sfid, id, n);
		const struct sframe *f;

		if (k == (size_t)-1)
			return depth > 0 ? 0 : -1;
		k = (size_t)tr->smp.sfid.ents[k].aux;
		fp_grow(&tr->smp.chain, &tr->smp.chaincap, depth + 1, sizeof *tr->smp.chain);
		tr->smp.chain[depth++] = k;
		f = &tr->smp.sf[k];
		if (!f->has_parent)
			break;
		id = tr->smp.sf_text.p + f->poff;
		n = f->plen;
	}
	chain = tr->smp.chain;
	b->len = 0;
	for (i = depth; i-- > 0;) {
		buf_add(b, tr->smp.sf_text.p + tr->smp.sf[chain[i]].off, tr->smp.sf[chain[i]].len);
		if (i > 0)
			buf_addc(b, ';');
	}
	return 0;
}

/* A sample of head: in a document with events2trace's weights at once
 * with its weight (ts EV_NONE: untimed), else weighing the time to the
 * next one. */
static void emit(struct trace *tr, const struct buf *head, int64_t ts, int64_t weight,
		 const struct buf *stack)
{
	if (!tr->fp_weights) {
		sample(pending_of(tr, head), head, ts, stack);
		return;
	}
	out_puts("S\t");
	ev_put_time(ts);
	out_putc('\t');
	put_buf(head);
	out_putc('\t');
	out_i64(weight);
	out_putc('\t');
	put_buf(stack);
	out_putc('\n');
}

static void sf_sample(struct trace *tr, const struct buf *head, int64_t ts, int64_t weight,
		      const char *id, size_t n)
{
	if (sf_stack(tr, &tr->smp.stack, id, n) < 0) {
		tr_skip(tr, "sample with an unknown stack frame id (sf)");
		return;
	}
	emit(tr, head, ts, weight, &tr->smp.stack);
}

static void hold(struct trace *tr, const struct buf *head, int64_t ts, int64_t weight,
		 const struct buf *id)
{
	struct held *h;

	fp_grow(&tr->smp.held, &tr->smp.heldcap, tr->smp.nheld + 1, sizeof *tr->smp.held);
	h = &tr->smp.held[tr->smp.nheld++];
	h->ts = ts;
	h->weight = weight;
	h->line = json_line(&tr->j);
	h->off = tr->smp.held_text.len;
	h->head_len = head->len;
	h->id_len = id->len;
	buf_add(&tr->smp.held_text, head->p, head->len);
	buf_add(&tr->smp.held_text, id->p, id->len);
}

void tr_release_held(struct trace *tr)
{
	size_t i;

	for (i = 0; i < tr->smp.nheld; i++) {
		const struct held *h = &tr->smp.held[i];

		sset(&tr->smp.held_head, tr->smp.held_text.p + h->off, h->head_len);
		tr->skip_line = h->line;
		sf_sample(tr, &tr->smp.held_head, h->ts, h->weight, tr->smp.held_text.p + h->off + h->head_len, h->id_len);
	}
	tr->skip_line = 0;
	tr->smp.nheld = 0;
	tr->smp.held_text.len = 0;
}

/* A P event or an entry of the samples array. */
void tr_sample_event(struct trace *tr)
{
	const char *event = tr->e.sname.len ? NULL : "samples";
	struct buf h = { 0 };
	int64_t ts = tr->fp_weights && tr->e.untimed ? EV_NONE : tr->e.ts;
	int64_t weight = tr->e.has_weight ? tr->e.weight : 1;

	if (!event) {
		sset(&tr->smp.event, tr->e.sname.p, tr->e.sname.len);
		buf_addc(&tr->smp.event, 0);
		event = tr->smp.event.p;
	}
	sample_head(tr, &h, event, tr->e.cpu.p, tr->e.cpu.len);
	if (tr->e.has_sf) {
		if (tr->smp.sf_done)
			sf_sample(tr, &h, ts, weight, tr->e.sfid.p, tr->e.sfid.len);
		else
			hold(tr, &h, ts, weight, &tr->e.sfid);
	} else {
		emit(tr, &h, ts, weight, &tr->e.stack);
	}
	buf_free(&h);
}

/* ---- V8 profiles ---- */

static struct prof *profile(struct trace *tr, const struct buf *idkey)
{
	int added;
	size_t i = intern_get(&tr->prof.ids, idkey->p, idkey->len, &added);

	if (added) {
		fp_grow(&tr->prof.pr, &tr->prof.cap, tr->prof.n + 1, sizeof *tr->prof.pr);
		memset(&tr->prof.pr[tr->prof.n], 0, sizeof *tr->prof.pr);
		tr->prof.ids.ents[i].aux = (int64_t)tr->prof.n++;
	}
	return &tr->prof.pr[tr->prof.ids.ents[i].aux];
}

/* Nodes of the current event: ids, parents ("" none), frames; \0-separated. */
static const char *next0(const char **p)
{
	const char *s = *p;

	*p += strlen(s) + 1;
	return s;
}

static void prof_add_nodes(struct trace *tr, struct prof *pr)
{
	const char *ids = tr->e.node_ids.p, *par = tr->e.node_parents.p, *fr = tr->e.node_frames.p;
	size_t k;

	for (k = 0; k < tr->e.nnodes; k++) {
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
	for (par = tr->e.children.p; par && par < tr->e.children.p + tr->e.children.len;) {
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
static void prof_samples(struct trace *tr, struct prof *pr, const char *s, int64_t ns, const char *d, int64_t nd)
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
			tr_skip(tr, "profile sample time beyond the int64 nanosecond range");
			continue;
		}
		pr->t = t;
		k = intern_find(&pr->nodes, sid, strlen(sid));
		if (k == (size_t)-1) {
			tr_skip(tr, "profile sample of an unknown node");
			continue;
		}
		prof_stack(pr, (size_t)pr->nodes.ents[k].aux, &tr->prof.stack);
		sample(&pr->pend, &pr->pidtid, pr->t, &tr->prof.stack);
	}
}

void tr_profile_event(struct trace *tr)
{
	struct prof *pr;
	const char *s, *d;
	int64_t i;

	tr->prof.key.len = 0;
	buf_add(&tr->prof.key, tr->e.pid.p, tr->e.pid.len);
	buf_addc(&tr->prof.key, 0);
	if (tr->e.id.len && !beq(&tr->e.name, "CpuProfile")) {
		buf_add(&tr->prof.key, tr->e.id.p, tr->e.id.len);
	} else {
		char tmp[24];

		buf_add(&tr->prof.key, tmp, (size_t)snprintf(tmp, sizeof tmp, "#%" PRIu64, tr->e.seq));
	}
	pr = profile(tr, &tr->prof.key);
	if (beq(&tr->e.name, "Profile") || pr->pidtid.len == 0 || beq(&tr->e.name, "CpuProfile")) {
		/* the sampled thread: Profile's (chunks come from the profiler thread) */
		pr->pidtid.len = 0;
		sample_head(tr, &pr->pidtid, "cpu-profile", NULL, 0);
	}
	if (tr->e.has_start) {
		pr->t = tr->e.start;
		pr->started = 1;
	}
	prof_add_nodes(tr, pr);
	if (!pr->started) {
		/* chunks can come before their Profile event: keep their samples */
		s = tr->e.samples.p;
		d = tr->e.deltas.p;
		for (i = 0; i < tr->e.nsamples; i++) {
			const char *sid = next0(&s);

			buf_add(&pr->held_samples, sid, strlen(sid) + 1);
			if (i < tr->e.ndeltas)
			{
				const char *x = next0(&d);

				buf_add(&pr->held_deltas, x, strlen(x) + 1);
			}
			else
				buf_add(&pr->held_deltas, "0", 2);
		}
		pr->nheld += tr->e.nsamples;
		return;
	}
	if (pr->nheld) {
		prof_samples(tr, pr, pr->held_samples.p, pr->nheld, pr->held_deltas.p, pr->nheld);
		pr->nheld = 0;
		buf_free(&pr->held_samples);
		buf_free(&pr->held_deltas);
	}
	prof_samples(tr, pr, tr->e.samples.p, tr->e.nsamples, tr->e.deltas.p, tr->e.ndeltas);
}

static void prof_free(struct trace *tr, struct prof *pr)
{
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
			tr->file, pr->nheld);
}

/* The end of an input: the last sample of each stream weighs 0; the
 * per-input tables (streams, profiles, stackFrames) are emptied. */
void tr_samples_end(struct trace *tr)
{
	size_t i;

	for (i = 0; i < tr->smp.n; i++) {
		flush_pending(&tr->smp.pe[i], 0);
		buf_free(&tr->smp.pe[i].head);
		buf_free(&tr->smp.pe[i].stack);
	}
	for (i = 0; i < tr->prof.n; i++) {
		flush_pending(&tr->prof.pr[i].pend, 0);
		prof_free(tr, &tr->prof.pr[i]);
	}
	tr->smp.n = tr->prof.n = tr->smp.nsf = 0;
	intern_free(&tr->smp.pends);
	intern_free(&tr->prof.ids);
	intern_free(&tr->smp.sfid);
	memset(&tr->smp.pends, 0, sizeof tr->smp.pends);
	memset(&tr->prof.ids, 0, sizeof tr->prof.ids);
	memset(&tr->smp.sfid, 0, sizeof tr->smp.sfid);
	tr->smp.sf_text.len = 0;
}
