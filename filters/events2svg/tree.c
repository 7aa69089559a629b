/* events2svg/tree.c - the merged tree of frames from (root, stack) weights */
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "svg.h"

/*
 * The merged tree (common/foldtree.h) of events2folded's weights per
 * (root, stack node), with each node's weight per side (a diff has two).
 */
void tree_build(struct svg *sv)
{
	int side, i;
	size_t k;

	for (side = 0; side < sv->a.nevents; side++) {
		const struct u64map *m = &sv->a.stacks[side];

		for (k = 0; k < m->count; k++) {
			uint32_t root = (uint32_t)(m->ents[k].key >> 32), node = (uint32_t)m->ents[k].key;
			uint32_t id = ftree_node(&sv->t, root, node);	/* may move sv->t.n */

			sv->t.n[id].w[side] += m->ents[k].value;
		}
	}
	/* totals: children after parents, so add each to its parent backwards */
	for (k = sv->t.nn; k-- > 1;)
		for (i = 0; i < 2; i++)
			sv->t.n[sv->t.n[k].parent].w[i] += sv->t.n[k].w[i];
	sv->total[0] = sv->t.n[0].w[0];
	sv->total[1] = sv->t.n[0].w[1];
	ftree_sort(&sv->t);
}

double tree_share(const struct svg *sv, uint32_t id)
{
	const struct tnode *t = &sv->t.n[id];
	double s = 0;
	int k = 0, i;

	for (i = 0; i < sv->a.nevents; i++) {
		if (sv->total[i] > 0) {
			s += (double)t->w[i] / (double)sv->total[i];
			k++;
		}
	}
	return k ? s / k : 0;
}

void tree_walk(struct svg *sv, tree_visit fn)
{
	double full = sv->width - 2 * SVG_PAD;
	size_t sp = 0;

	if (sv->t.nn == 0)
		return;
	fp_grow(&sv->stack, &sv->stackcap, 1, sizeof *sv->stack);
	sv->stack[sp++] = (struct u64ent){ 0, 0 };
	while (sp > 0) {
		struct u64ent top = sv->stack[--sp];
		uint32_t id = (uint32_t)top.key, i;
		double x, cx, w = tree_share(sv, id) * full;
		const struct tnode *t = &sv->t.n[id];

		memcpy(&x, &top.value, sizeof x);
		if (w < sv->minwidth || w <= 0) {
			fn(sv, id, x, -1);	/* not drawn, nor its children */
			continue;
		}
		fn(sv, id, x, w);
		/* children after their earlier siblings; the first pushed last,
		 * so they are drawn in name order */
		fp_grow(&sv->stack, &sv->stackcap, sp + t->nkids, sizeof *sv->stack);
		sp += t->nkids;
		for (i = 0, cx = x; i < t->nkids; i++) {
			struct u64ent *e = &sv->stack[sp - 1 - i];
			uint32_t c = sv->t.order[t->first + i];

			e->key = c;
			memcpy(&e->value, &cx, sizeof cx);
			cx += tree_share(sv, c) * full;
		}
	}
}

void tree_free(struct svg *sv)
{
	ftree_free(&sv->t);
	free(sv->stack);
	buf_free(&sv->line);
	buf_free(&sv->tmp);
}
