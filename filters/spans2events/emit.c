/* emit.c - spans2events: P/T names and O/C/I records in time order, each
 * with its root-first stack, the nesting depth capped (--max-depth) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/out.h"
#include "spans.h"

struct rec {
	int64_t t;
	size_t span;
	int type;	/* 0 C, 1 I, 2 O: the order at equal times */
	size_t order;
};

/*
 * The depth cap (docs/spans.md, as eventsort's, docs/ordering.md §1.1):
 * a span at a level over max_depth (depth >= max_depth, depth 0 = a root)
 * is written with the marker frame at level max_depth + 1 in place of its
 * own and of everything under it, unless it is nested in its parent on
 * the parent's lane: then the parent's marker span covers its time and it
 * writes nothing (an instant there is the marker's: I with the marker's
 * stack). anchor[i] is span i's ancestor at depth max_depth - 1 (NONE for
 * a shallower span), found in O(n) overall.
 */
struct cap {
	long long max;		/* 0: no limit */
	struct slice marker;
	size_t *anchor;
	uint64_t folded;
	size_t deepest;		/* the deepest level folded */
};

static int folded(const struct cap *cap, const struct span *s)
{
	return cap->max && s->depth >= (uint64_t)cap->max;
}

/* Under a marker: writes no O/C of its own. */
static int covered(const struct cap *cap, const struct span *s)
{
	return folded(cap, s) && s->depth > (uint64_t)cap->max && s->nested;
}

static void find_anchors(struct sp *sp, struct cap *cap, const size_t *order, size_t n)
{
	const struct span *spans = sp->tab.spans;
	size_t i, p, q, a;

	cap->anchor = fp_malloc((sp->tab.nspans + 1) * sizeof *cap->anchor);
	for (i = 0; i < sp->tab.nspans; i++)
		cap->anchor[i] = NONE;
	if (!cap->max)
		return;
	for (i = 0; i < n; i++) {
		size_t si = order[i];

		if (!folded(cap, &spans[si]) || cap->anchor[si] != NONE)
			continue;
		/* up to a span whose anchor is known, or to depth max_depth */
		for (p = si; spans[p].depth > (uint64_t)cap->max && cap->anchor[p] == NONE;)
			p = spans[p].parent;
		a = cap->anchor[p] != NONE ? cap->anchor[p] : spans[p].parent;
		for (q = si; q != p; q = spans[q].parent)
			cap->anchor[q] = a;
		cap->anchor[p] = a;
	}
	for (i = 0; i < n; i++) {
		const struct span *s = &spans[order[i]];

		if (folded(cap, s)) {
			cap->folded++;
			if ((size_t)s->depth + 1 > cap->deepest)
				cap->deepest = (size_t)s->depth + 1;
		}
	}
}

static int by_time(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->type != y->type)
		return x->type - y->type;
	if (x->type == 0)	/* closes: inner (opened later) first */
		return x->order > y->order ? -1 : 1;
	return x->order < y->order ? -1 : 1;
}

/* The stack of span si, root first: its ancestors' names and its own; for
 * a folded span, the max_depth ancestors down to its anchor and the marker. */
static void put_stack(struct sp *sp, const struct cap *cap, size_t si, size_t **chain,
		      size_t *chain_cap)
{
	size_t n = 0, p, top = si;
	struct ev_frame_out f = { 0 };

	if (folded(cap, &sp->tab.spans[si]))
		top = cap->anchor[si];	/* NONE when max_depth is 0: no ancestors */
	for (p = top; p != NONE; p = sp->tab.spans[p].parent) {
		fp_grow(chain, chain_cap, n + 1, sizeof **chain);
		(*chain)[n++] = p;
	}
	while (n-- > 0) {
		f.name = sl(&sp->tab, sp->tab.spans[(*chain)[n]].name);
		ev_put_frame(&f);
		if (n)
			out_putc(';');
	}
	if (top != si) {
		if (top != NONE)
			out_putc(';');
		f.name = cap->marker;
		ev_put_frame(&f);
	}
}

/* P (and T) records naming each process (and OTLP thread), in time order. */
static void put_names(struct sp *sp, const size_t *order, size_t n)
{
	static const struct slice ferret = { "ferret", 6 };
	struct intern pids_seen = { 0 }, threads_seen = { 0 };
	struct buf key = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		const struct span *s = &sp->tab.spans[order[i]];
		struct slice pid = sl(&sp->tab, s->pid);
		int added;

		intern_get(&pids_seen, pid.p, pid.n, &added);
		if (added)
			ev_put_pname(EV_NONE, pid, s->res != NONE ? pid : ferret);
		if (s->thread_name.len && s->lane == 0) {
			key.len = 0;
			buf_add(&key, pid.p, pid.n);
			buf_addc(&key, '\t');
			buf_add(&key, sp->tab.arena.p + s->thread.off, s->thread.len);
			intern_get(&threads_seen, key.p, key.len, &added);
			if (added)
				ev_put_tname(EV_NONE, pid, sl(&sp->tab, s->tid),
					     sl(&sp->tab, s->thread_name));
		}
	}
	buf_free(&key);
	intern_free(&pids_seen);
	intern_free(&threads_seen);
}

/* O and C records (I for an instant) of the spans of order, in time order. */
static void put_records(struct sp *sp, const struct cap *cap, const size_t *order, size_t n)
{
	static const struct slice none = { NULL, 0 }, span = { "span", 4 };
	struct rec *recs = fp_malloc((2 * n + 1) * sizeof *recs);
	size_t i, nrec = 0, *chain = NULL, chain_cap = 0;

	for (i = 0; i < n; i++) {
		const struct span *s = &sp->tab.spans[order[i]];

		if (s->start == s->end) {
			recs[nrec++] = (struct rec){ s->start, order[i], 1, i };
			continue;
		}
		if (covered(cap, s))
			continue;
		recs[nrec++] = (struct rec){ s->start, order[i], 2, i };
		recs[nrec++] = (struct rec){ s->end, order[i], 0, i };
	}
	qsort(recs, nrec, sizeof *recs, by_time);
	for (i = 0; i < nrec; i++) {
		const struct span *s = &sp->tab.spans[recs[i].span];

		ev_put_head("CIO"[recs[i].type], recs[i].t, sl(&sp->tab, s->pid), sl(&sp->tab, s->tid),
			    -1, none, span, EV_NONE);
		put_stack(sp, cap, recs[i].span, &chain, &chain_cap);
		out_putc('\n');
	}
	free(recs);
	free(chain);
}

void sp_emit(struct sp *sp, int failed)
{
	struct cap cap = { 0 };
	struct buf marker = { 0 };
	size_t n, *order;

	if (sp->tab.nspans == 0 && !failed && !sp->tab.said_empty)
		fp_warn("no spans found");
	sp_resolve(sp);
	order = sp_order(sp, &n);
	sp_lanes(sp, order, n);
	put_names(sp, order, n);
	cap.max = sp->opt.max_depth;
	{
		char name[64];

		snprintf(name, sizeof name, "[spans deeper than %lld levels]", cap.max);
		buf_adds(&marker, name);
		cap.marker.p = marker.p;
		cap.marker.n = marker.len;
		buf_addc(&marker, 0);	/* for the warning */
	}
	find_anchors(sp, &cap, order, n);
	put_records(sp, &cap, order, n);
	if (cap.folded)
		fp_warn("%" PRIu64 " spans nested deeper than %lld levels (down to level %zu) were "
			"folded into the marker frame '%s' (change with --max-depth)", cap.folded,
			cap.max, cap.deepest, marker.p);
	free(cap.anchor);
	free(order);
	buf_free(&marker);
}
