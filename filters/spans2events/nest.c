/* nest.c - spans2events: parents and depths, the Ferret run to keep, and
 * lanes: spans of one (pid, thread) that overlap without nesting go on
 * separate lanes (TIDs) so that every lane nests */
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
#include "../../common/skip.h"
#include "spans.h"

/* Depths of the walk from i up to (not including) done, whose depth is known. */
static void depth_down(struct sp *sp, size_t i, size_t done)
{
	size_t n = 0, q;
	uint32_t d = done == NONE ? 0 : sp->tab.spans[done].depth + 1;

	for (q = i; q != done; q = sp->tab.spans[q].parent)
		n++;
	/* n nodes: the top one gets d, the bottom (i) d + n - 1 */
	for (q = i; q != done; q = sp->tab.spans[q].parent)
		sp->tab.spans[q].depth = d + (uint32_t)--n;
}

/* Ferret spans read as JSON: keep one run, as from the database. */
static void pick_run(struct sp *sp)
{
	size_t i, last = NONE;
	struct str want;

	if (sp->opt.all_runs || !sp->tab.saw_ferret)
		return;
	for (i = 0; i < sp->tab.nspans; i++)
		if (sp->tab.spans[i].res == NONE &&
		    (last == NONE || sp->tab.spans[i].start >= sp->tab.spans[last].start))
			last = i;
	if (last == NONE)
		return;
	if (sp->opt.run_id)
		want = keep(&sp->tab, sp->opt.run_id, strlen(sp->opt.run_id));
	else
		want = sp->tab.spans[last].pid;
	{
		struct buf run = { 0 };	/* escaped as before typed headers */

		ev_buf_escaped(&run, sp->tab.arena.p + want.off, want.len);
		ev_put_header("run", (struct slice){ run.p, run.len });
		buf_free(&run);
	}
	for (i = 0; i < sp->tab.nspans; i++)
		if (sp->tab.spans[i].res == NONE && !str_eq(&sp->tab, sp->tab.spans[i].pid, want))
			sp->tab.spans[i].start = NO_TIME;
}

/* OTLP spans: the PID is the resource's service, the thread the
 * resource's unless the span has its own. */
static void resource_pids(struct sp *sp)
{
	static const char unknown[] = "unknown_service";
	size_t i;

	for (i = 0; i < sp->tab.nspans; i++) {
		struct span *s = &sp->tab.spans[i];

		if (s->res != NONE) {
			const struct resource *r = &sp->tab.resources[s->res];

			s->pid = r->service.len ? r->service : keep(&sp->tab, unknown, sizeof unknown - 1);
			if (s->thread.len == 0)
				s->thread = r->thread;
		}
	}
}

/* ids: span key -> index; a key seen before drops the span. */
static void unique_ids(struct sp *sp, struct intern *ids)
{
	size_t i, dup = 0;

	for (i = 0; i < sp->tab.nspans; i++) {
		int added;
		size_t k;

		if (sp->tab.spans[i].start == NO_TIME)
			continue;
		k = intern_get(ids, sp->tab.arena.p + sp->tab.spans[i].key.off,
			       sp->tab.spans[i].key.len, &added);
		if (!added) {
			dup++;
			sp->tab.spans[i].start = NO_TIME;	/* dropped below */
			continue;
		}
		ids->ents[k].aux = (int64_t)i;
	}
	if (dup)
		fp_warn("%zu spans with an id seen before dropped", dup);
}

/* Each span's parent, in the same PID; NONE for a root. */
static void link_parents(struct sp *sp, const struct intern *ids)
{
	size_t i, orphans = 0, cross = 0;

	for (i = 0; i < sp->tab.nspans; i++) {
		struct span *s = &sp->tab.spans[i];
		size_t k;

		s->parent = NONE;
		if (s->parent_key.len == 0 || s->start == NO_TIME)
			continue;
		k = intern_find(ids, sp->tab.arena.p + s->parent_key.off, s->parent_key.len);
		if (k == NONE) {
			orphans++;
			continue;
		}
		if (!str_eq(&sp->tab, sp->tab.spans[ids->ents[k].aux].pid, s->pid)) {
			cross++;
			continue;
		}
		s->parent = (size_t)ids->ents[k].aux;
	}
	if (orphans)
		fp_warn("%zu spans whose parent is not in the input are roots", orphans);
	if (cross)
		fp_warn("%zu spans whose parent is in another service start their own stacks", cross);
}

/* Depths in O(n); a parent cycle (broken input) is cut. */
static void set_depths(struct sp *sp)
{
	unsigned char *state = fp_calloc(sp->tab.nspans + 1, 1);	/* 1 on the walk, 2 done */
	size_t i, p, q;

	for (i = 0; i < sp->tab.nspans; i++) {
		for (p = i; p != NONE && state[p] == 0; p = sp->tab.spans[p].parent)
			state[p] = 1;
		if (p != NONE && state[p] == 1) {
			for (q = p; sp->tab.spans[q].parent != p; q = sp->tab.spans[q].parent)
				;
			sp->tab.spans[q].parent = NONE;	/* the link closing the loop */
			p = NONE;
		}
		/* p is NONE or done: set depths from the top down */
		depth_down(sp, i, p);
		for (q = i; q != NONE && state[q] == 1; q = sp->tab.spans[q].parent)
			state[q] = 2;
	}
	free(state);
}

void sp_resolve(struct sp *sp)
{
	struct intern ids = { 0 };

	resource_pids(sp);
	pick_run(sp);
	unique_ids(sp, &ids);
	link_parents(sp, &ids);
	set_depths(sp);
	intern_free(&ids);
}

static int by_start(const void *a, const void *b, void *ctx)
{
	const struct span *spans = ctx;
	const struct span *x = &spans[*(const size_t *)a], *y = &spans[*(const size_t *)b];

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;	/* longer first: the enclosing one */
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* ---- lanes: binary heaps ---- */

static void busy_push(struct group *gr, int64_t t, size_t lane)
{
	size_t i;

	fp_grow(&gr->busy, &gr->busy_cap, gr->nbusy + 1, sizeof *gr->busy);
	for (i = gr->nbusy++; i > 0 && gr->busy[(i - 1) / 2].t > t; i = (i - 1) / 2)
		gr->busy[i] = gr->busy[(i - 1) / 2];
	gr->busy[i].t = t;
	gr->busy[i].lane = lane;
}

static void busy_pop(struct group *gr)
{
	struct busy last = gr->busy[--gr->nbusy];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < gr->nbusy) {
		if (c + 1 < gr->nbusy && gr->busy[c + 1].t < gr->busy[c].t)
			c++;
		if (gr->busy[c].t >= last.t)
			break;
		gr->busy[i] = gr->busy[c];
		i = c;
	}
	if (gr->nbusy)
		gr->busy[i] = last;
}

static void free_push(struct group *gr, size_t lane)
{
	size_t i;

	fp_grow(&gr->free, &gr->free_cap, gr->nfree + 1, sizeof *gr->free);
	for (i = gr->nfree++; i > 0 && gr->free[(i - 1) / 2] > lane; i = (i - 1) / 2)
		gr->free[i] = gr->free[(i - 1) / 2];
	gr->free[i] = lane;
}

static void free_pop(struct group *gr)
{
	size_t last = gr->free[--gr->nfree], i = 0, c;

	while ((c = 2 * i + 1) < gr->nfree) {
		if (c + 1 < gr->nfree && gr->free[c + 1] < gr->free[c])
			c++;
		if (gr->free[c] >= last)
			break;
		gr->free[i] = gr->free[c];
		i = c;
	}
	if (gr->nfree)
		gr->free[i] = last;
}

static void lane_push(struct lane *l, size_t s)
{
	fp_grow(&l->stk, &l->cap, l->n + 1, sizeof *l->stk);
	l->stk[l->n++] = s;
}

/*
 * Put span s (in start order) on a lane of its group: on top of its parent
 * when the parent is the innermost open span of its lane and s ends within
 * it; otherwise (a root, overlapping siblings, a child that outlives its
 * parent) on the lowest-numbered lane that is empty at s's start.
 */
static void place(struct sp *sp, struct group *gr, size_t si)
{
	struct span *s = &sp->tab.spans[si];
	size_t p = s->parent;
	int zero = s->end == s->start;

	while (gr->nbusy && gr->busy[0].t <= s->start) {
		free_push(gr, gr->busy[0].lane);
		busy_pop(gr);
	}
	if (p != NONE && sp->tab.spans[p].group == s->group && sp->tab.spans[p].lane != NONE) {
		struct lane *l = &gr->lanes[sp->tab.spans[p].lane];

		while (l->n) {
			const struct span *t = &sp->tab.spans[l->stk[l->n - 1]];

			if (t->end < s->start || (t->end == s->start && l->stk[l->n - 1] != p))
				l->n--;
			else
				break;
		}
		if (l->n && l->stk[l->n - 1] == p && s->end <= sp->tab.spans[p].end) {
			s->lane = sp->tab.spans[p].lane;
			s->nested = 1;
			if (!zero)
				lane_push(l, si);
			return;
		}
	}
	if (gr->nfree == 0) {
		fp_grow(&gr->lanes, &gr->cap, gr->nlanes + 1, sizeof *gr->lanes);
		memset(&gr->lanes[gr->nlanes], 0, sizeof *gr->lanes);
		free_push(gr, gr->nlanes++);
	}
	s->lane = gr->free[0];
	if (zero)
		return;		/* an instant occupies nothing */
	free_pop(gr);
	gr->lanes[s->lane].n = 0;
	lane_push(&gr->lanes[s->lane], si);
	busy_push(gr, s->end, s->lane);
}

/*
 * The TID of a lane: its thread (or nothing), and #N for extra lanes. Two
 * lanes of a PID must not share a TID (a thread named "1" or "X#2" next to
 * lanes without a thread, or next to lane 2 of thread X): the later one
 * gets '+' appended until its TID is unique in the PID.
 */
static struct str lane_tid(struct sp *sp, const struct span *s, struct intern *tids, struct buf *key)
{
	char num[32];
	size_t base;
	int added;

	key->len = 0;
	buf_add(key, sp->tab.arena.p + s->pid.off, s->pid.len);
	buf_addc(key, '\t');
	base = key->len;
	if (s->thread.len) {
		buf_add(key, sp->tab.arena.p + s->thread.off, s->thread.len);
		if (s->lane > 0) {
			snprintf(num, sizeof num, "#%zu", s->lane + 1);
			buf_adds(key, num);
		}
	} else {
		snprintf(num, sizeof num, "%zu", s->lane + 1);
		buf_adds(key, num);
	}
	for (;;) {
		intern_get(tids, key->p, key->len, &added);
		if (added)
			break;
		buf_addc(key, '+');
	}
	return keep(&sp->tab, key->p + base, key->len - base);
}

size_t *sp_order(struct sp *sp, size_t *np)
{
	size_t *order = fp_malloc((sp->tab.nspans + 1) * sizeof *order), i, n = 0;

	for (i = 0; i < sp->tab.nspans; i++)
		if (sp->tab.spans[i].start != NO_TIME)
			order[n++] = i;
	qsort_r(order, n, sizeof *order, by_start, sp->tab.spans);
	*np = n;
	return order;
}

/* The lane group of each span: its (pid, thread); returns the groups. */
static struct group *make_groups(struct sp *sp, const size_t *order, size_t n, size_t *ngr,
				 struct buf *key)
{
	struct intern groups = { 0 };
	struct group *gr = NULL;
	size_t i, gr_cap = 0;

	*ngr = 0;
	for (i = 0; i < n; i++) {
		struct span *s = &sp->tab.spans[order[i]];
		int added;
		size_t k;

		key->len = 0;
		buf_add(key, sp->tab.arena.p + s->pid.off, s->pid.len);
		buf_addc(key, '\t');
		buf_add(key, sp->tab.arena.p + s->thread.off, s->thread.len);
		k = intern_get(&groups, key->p, key->len, &added);
		if (added) {
			fp_grow(&gr, &gr_cap, *ngr + 1, sizeof *gr);
			memset(&gr[*ngr], 0, sizeof *gr);
			groups.ents[k].aux = (int64_t)(*ngr)++;
		}
		s->group = (size_t)groups.ents[k].aux;
		s->lane = NONE;
	}
	intern_free(&groups);
	return gr;
}

void sp_lanes(struct sp *sp, const size_t *order, size_t n)
{
	struct intern tids = { 0 };
	struct buf key = { 0 };
	struct group *gr;
	size_t ngr, i, k;

	gr = make_groups(sp, order, n, &ngr, &key);
	for (i = 0; i < n; i++)
		place(sp, &gr[sp->tab.spans[order[i]].group], order[i]);
	for (i = 0; i < n; i++) {
		struct span *s = &sp->tab.spans[order[i]];
		struct lane *l = &gr[s->group].lanes[s->lane];

		if (!l->named) {
			l->tid = lane_tid(sp, s, &tids, &key);
			l->named = 1;
		}
		s->tid = l->tid;
	}
	for (i = 0; i < ngr; i++) {
		for (k = 0; k < gr[i].nlanes; k++)
			free(gr[i].lanes[k].stk);
		free(gr[i].lanes);
		free(gr[i].busy);
		free(gr[i].free);
	}
	free(gr);
	buf_free(&key);
	intern_free(&tids);
}
