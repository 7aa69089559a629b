/* apply.c - eventreduce's rules in file order on each thread record (S,
 * O, C, I): a record dropped by one rule is not seen by the next; runs of
 * stack-only rules are computed once per distinct stack. T records get
 * the comm renames. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/idle.h"
#include "../../common/out.h"
#include "reduce.h"

/*
 * Rules that look at the stack only (frame renames, strip, hide, prune,
 * depth, recursion, focus, ignore, keep/drop on frames) are a function of
 * the stack text: a run of them is computed once per distinct stack and
 * kept in a direct-mapped cache per run (SC_SLOTS entries, stacks up to
 * SC_MAX bytes), so memory stays bounded and a repeated stack costs a hash.
 * Rules that neither read nor change the stack (comm renames, threads,
 * keep/drop on pid, tid, comm, event or time) may sit inside a run: they
 * are applied to each record as it comes. So may idle, whose stack half
 * is cached and whose comm half is looked at on each record.
 */
#define SC_SLOTS 4096
#define SC_MAX 4096

enum { K_OTHER, K_STACK, K_FIELD, K_IDLE };

static int rule_class(const struct rule *ru)
{
	const struct rule_match *m = &ru->m;

	switch (ru->kind) {
	case R_RENAME: return ru->comm ? K_FIELD : K_STACK;
	case R_STRIP: case R_HIDE: case R_FOCUS: case R_IGNORE: case R_PRUNE: case R_DEPTH:
	case R_RECURSION:
		return K_STACK;
	case R_KEEP: case R_DROP:
		if (m->frame.code || m->leaf.code || m->root.code)
			return !m->npids && !m->ntids && !m->comm.code && !m->event.code &&
			       !m->has_from && !m->has_to ? K_STACK : K_OTHER;
		return K_FIELD;
	case R_THREADS: return K_FIELD;
	case R_IDLE: return ru->on ? K_IDLE : K_FIELD;
	default: return K_OTHER;
	}
}

/* A stack idle by itself: idle_sample() then tells whether comm is the idle task's. */
static const struct slice idle_probe = { "cpuidle", 7 };

void runs_init(struct red *rd)
{
	size_t i, n = rd->rules.n;

	rd->run_end = fp_calloc(n + 1, sizeof *rd->run_end);
	rd->sc = fp_calloc(n + 1, sizeof *rd->sc);
	rd->cls = fp_calloc(n + 1, 1);
	for (i = 0; i < n; i++)
		rd->cls[i] = (unsigned char)rule_class(&rd->rules.r[i]);
	/* EVENTREDUCE_NO_CACHE=1: every rule on every record (tests compare) */
	for (i = 0; i < n && !getenv("EVENTREDUCE_NO_CACHE"); i++) {
		size_t j = i, last = i;

		if (rd->cls[i] != K_STACK && rd->cls[i] != K_IDLE)
			continue;	/* a run starts with a rule on the stack ... */
		while (j < n && j - i < 64 && rd->cls[j] != K_OTHER)
			if (rd->cls[j++] != K_FIELD)
				last = j;	/* ... and ends with one */
		rd->run_end[i] = last;
		rd->sc[i] = fp_calloc(SC_SLOTS, sizeof **rd->sc);
		i = last - 1;
	}
}

void runs_free(struct red *rd)
{
	size_t i, k;

	for (i = 0; rd->sc && i < rd->rules.n; i++) {
		if (!rd->sc[i])
			continue;
		for (k = 0; k < SC_SLOTS; k++)
			free(rd->sc[i][k].buf);
		free(rd->sc[i]);
	}
	free(rd->sc);
	free(rd->run_end);
	free(rd->cls);
	rd->cls = NULL;
	rd->sc = NULL;
	rd->run_end = NULL;
}

/* Run [i, end) on the current stack into slot e. */
static void run_compute(struct red *rd, size_t i, size_t end, struct scache *e, struct slice in,
			uint64_t h)
{
	struct rec *c = &rd->c;
	struct slice out;
	size_t k;

	e->mask = e->idle = 0;
	e->drop_at = e->span_at = -1;
	for (k = i; k < end; k++) {
		const struct rule *ru = &rd->rules.r[k];
		int drop, changed, cl = rd->cls[k];

		if (cl == K_FIELD)
			continue;
		if (cl == K_IDLE) {
			if (idle_sample((struct slice){ "swapper", 7 }, cur_stack(c)))
				e->idle |= (uint64_t)1 << (k - i);
			continue;
		}
		rule_step(c, rd->rules_path, ru, &drop, &changed);
		if (changed && e->span_at < 0 && leaf_removed(c, ru))
			e->span_at = (int)k;
		if (drop) {
			e->drop_at = (int)k;
			break;
		}
		if (changed)
			e->mask |= (uint64_t)1 << (k - i);
	}
	out = cur_stack(c);
	if (e->cap < in.n + out.n + 1) {
		e->cap = (uint32_t)(in.n + out.n + 1);
		e->buf = fp_realloc(e->buf, e->cap);
	}
	memcpy(e->buf, in.p, in.n);
	memcpy(e->buf + in.n, out.p, out.n);
	e->h = h;
	e->in_n = (uint32_t)in.n;
	e->out_n = (uint32_t)out.n;
	e->state = 1;
	e->win_gen = 0;
}

static void count_dropped(struct stat_row *s, int ev, int64_t w)
{
	s->dropped++;
	if (ev >= 0)
		s->dw[ev] += w;
}

static void count_changed(struct stat_row *s, int ev, int64_t w)
{
	s->changed++;
	if (ev >= 0)
		s->cw[ev] += w;
}

/* Rule k of a run, that is not on the stack, on the record as it comes:
 * 1 when it dropped the record. */
static int live_step(struct red *rd, size_t k, const struct scache *e, size_t i, int ev, int64_t w)
{
	struct rec *c = &rd->c;
	const struct rule *ru = &rd->rules.r[k];
	int drop, changed;

	if (ru->kind == R_IDLE) {
		if (c->r->type != 'S' || !(e->idle & ((uint64_t)1 << (k - i))) ||
		    !idle_sample(c->comm, idle_probe))
			return 0;
		count_dropped(&rd->a.st[k], ev, w);
		return 1;
	}
	rule_step(c, rd->rules_path, ru, &drop, &changed);
	if (drop) {
		count_dropped(&rd->a.st[k], ev, w);
		return 1;
	}
	if (changed) {
		c->dirty = 1;
		count_changed(&rd->a.st[k], ev, w);
	}
	return 0;
}

/* The run of rules from rule i on the record, through its cache: 1 when
 * it dropped the record, 0 when not, -1 when the stack is too long for
 * the cache (nothing done). ev, w: the record's event id (-1 for spans
 * and instants) and weight. */
static int cached_run(struct red *rd, size_t i, int span, int ev, int64_t w)
{
	struct rec *c = &rd->c;
	size_t end = rd->run_end[i], k;
	struct slice st = cur_stack(c);
	struct scache *e;
	uint64_t h;

	if (st.n > SC_MAX)
		return -1;
	if (c->stack_dirty) {	/* the cache's stacks are text */
		char *d = scratch(c, st.n + 1);

		memcpy(d, st.p, st.n);
		c->stack = st = (struct slice){ d, st.n };
		c->stack_dirty = c->have_frames = 0;
	}
	h = fp_hash(st.p, st.n) ^ ((uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull);
	e = &rd->sc[i][h & (SC_SLOTS - 1)];
	if (!(e->state && e->h == h && e->in_n == st.n && memcmp(e->buf, st.p, st.n) == 0))
		run_compute(rd, i, end, e, st, h);
	for (k = i; k < end; k++) {
		if (rd->cls[k] != K_STACK) {
			if (live_step(rd, k, e, i, ev, w))
				return 1;
			continue;
		}
		if ((span && (int)k == e->span_at) || (int)k == e->drop_at) {
			count_dropped(&rd->a.st[k], ev, w);
			return 1;
		}
		if (e->mask & ((uint64_t)1 << (k - i))) {
			c->dirty = 1;
			count_changed(&rd->a.st[k], ev, w);
		}
	}
	if (e->mask) {
		c->stack = (struct slice){ e->buf + e->in_n, e->out_n };
		c->stack_dirty = c->have_frames = 0;
	}
	c->sce = e;
	c->sce_stack = c->stack;
	return 0;
}

void thread_record(struct red *rd, const struct ev_rec *r, const char *file, uint64_t lineno)
{
	struct rec *c = &rd->c;
	struct acct *a = &rd->a;
	size_t i;
	int ev = -1;
	int64_t w = r->type == 'S' ? r->weight : 0;
	int span = r->type == 'O' || r->type == 'C';

	if (rd->b.rule) {
		const char *why;

		if (order_check(&rd->b.order, r, &why) < 0)
			fp_die("%s:%" PRIu64 ": %s", file, lineno, why);
	}
	rec_start(c, r);
	a->in_n++;
	if (r->type == 'S') {
		ev = event_id(a, r->event);
		a->in_w[ev] += w;
	}
	for (i = 0; i < rd->rules.n; i++) {
		const struct rule *ru = &rd->rules.r[i];
		int drop, changed, k;

		if (rd->run_end[i] > i && (k = cached_run(rd, i, span, ev, w)) >= 0) {
			if (k)
				return;
			i = rd->run_end[i] - 1;
			continue;
		}
		if (ru->kind == R_BUCKET) {
			if (bucket_record(rd, ev))
				return;
			break;
		}
		rule_step(c, rd->rules_path, ru, &drop, &changed);
		/* a span whose own frame was removed goes with its close */
		if (changed && span && leaf_removed(c, ru))
			drop = 1;
		if (drop) {
			count_dropped(&a->st[i], ev, w);
			return;
		}
		if (changed) {
			c->dirty = 1;
			count_changed(&a->st[i], ev, w);
		}
	}
	emit_current(c);
	a->out_n++;
	if (ev >= 0)
		a->out_w[ev] += w;
}

void t_record(struct red *rd, const struct ev_rec *r)
{
	struct rec *c = &rd->c;
	size_t i;
	const char *u, *o;
	size_t n, on;
	int changed = 0;

	scratch_reset(c);
	u = unescape_dup(c, r->name.p, r->name.n, &n);
	for (i = 0; i < rd->rules.n; i++) {
		const struct rule *ru = &rd->rules.r[i];

		if (ru->kind == R_RENAME && ru->comm &&
		    substitute(c, rd->rules_path, ru, u, n, fp_hash(u, n), &o, &on)) {
			u = o;
			n = on;
			changed = 1;
		}
	}
	if (!changed) {
		put_line(r->line.p, r->line.n);
		return;
	}
	out_write(r->line.p, (size_t)(r->name.p - r->line.p));
	ev_put_field(u, n);
	out_write(r->name.p + r->name.n, (size_t)(r->line.p + r->line.n - r->name.p - r->name.n));
	out_putc('\n');
}
