/* events2svg/tree.c - the merged tree of frames from (root, stack) weights */
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "svg.h"

/*
 * events2folded's aggregation (foldagg.h) gives weights per (root, stack
 * node); a frame of the picture is a (parent frame, folded name, class),
 * so stacks whose frames fold alike merge, as their folded lines would.
 * Memory: one node per distinct frame path, one memo entry per distinct
 * (root, stack node).
 */
static uint32_t child_of(struct svg *sv, uint32_t parent, uint32_t name, unsigned cls)
{
	struct u64ent *e;

	if (name >= 1u << 30)
		fp_die("too many distinct frame names");
	e = u64map_add(&sv->child, (uint64_t)parent << 32 | (uint64_t)name << 2 | cls);
	if (e->value == 0) {
		struct tnode *t;

		if (sv->nn >= UINT32_MAX - 1)
			fp_die("too many frames");
		fp_grow(&sv->n, &sv->ncap, sv->nn + 1, sizeof *sv->n);
		t = &sv->n[sv->nn];
		memset(t, 0, sizeof *t);
		t->parent = parent;
		t->name = name;
		t->cls = (uint8_t)cls;
		t->depth = sv->n[parent].depth + 1;
		e->value = (int64_t)++sv->nn;
	}
	return (uint32_t)(e->value - 1);
}

uint32_t name_id(struct svg *sv, const char *p, size_t n)
{
	int added;

	return (uint32_t)intern_get(&sv->names, p, n, &added);
}

unsigned cls_of(unsigned kind)
{
	if (kind & EVK_KERNEL)
		return CLS_KERNEL;
	if (kind & EVK_JIT)
		return CLS_JIT;
	if (kind & EVK_INLINED)
		return CLS_INLINED;
	return CLS_USER;
}

/* The display name of a frame (folded, with no _[k] suffix: the class
 * says it), once per frame and java flag. */
uint32_t frame_name(struct svg *sv, uint32_t frame, int java)
{
	size_t i = (size_t)frame * 2 + (java != 0);

	if (i >= sv->nfname) {
		size_t old = sv->nfname;

		fp_grow(&sv->fname, &sv->nfname, i + 1, sizeof *sv->fname);
		memset(sv->fname + old, 0, (sv->nfname - old) * sizeof *sv->fname);
	}
	if (sv->fname[i] == 0) {
		sv->line.len = 0;
		fagg_frame_text(&sv->a, frame, java, &sv->line);
		sv->fname[i] = name_id(sv, sv->line.p, sv->line.len) + 1;
	}
	return sv->fname[i] - 1;
}

/* The tree node of the empty stack under root (its comm frame, or the
 * top "all" frame when it has none). */
static uint32_t root_node(struct svg *sv, uint32_t root, int *java)
{
	sv->line.len = 0;
	if (!fagg_root_text(&sv->a, root, &sv->line, java))
		return 0;
	return child_of(sv, 0, name_id(sv, sv->line.p, sv->line.len), CLS_USER);
}

/* The tree node of (root, stack node): up the stack to the nearest node
 * already placed, then down again placing each. */
static uint32_t node_of(struct svg *sv, uint32_t root, uint32_t node)
{
	const struct stacks *st = &sv->a.m.stacks;
	struct u64ent *e;
	uint32_t t, up = node;
	size_t n = 0;
	int java;

	while ((e = u64map_find(&sv->memo, (uint64_t)root << 32 | up)) == NULL) {
		fp_grow(&sv->path, &sv->pathcap, n + 1, sizeof *sv->path);
		sv->path[n++] = up;
		if (up == STK_ROOT)
			break;
		up = st->nodes[up].parent;
	}
	t = e ? (uint32_t)e->value - 1 : 0;
	root_node(sv, root, &java);	/* the java flag, and the root placed */
	while (n-- > 0) {
		up = sv->path[n];
		if (up == STK_ROOT)
			t = root_node(sv, root, &java);
		else
			t = child_of(sv, t, frame_name(sv, st->nodes[up].frame, java),
				     cls_of(stacks_frame_kind(st, st->nodes[up].frame)));
		u64map_add(&sv->memo, (uint64_t)root << 32 | up)->value = (int64_t)t + 1;
	}
	return t;
}

static const struct intern *sort_names;

static int by_name(const void *a, const void *b)
{
	const struct u64ent *x = a, *y = b;
	const struct ient *p = &sort_names->ents[x->value], *q = &sort_names->ents[y->value];
	int c = memcmp(p->key, q->key, p->len < q->len ? p->len : q->len);

	return c ? c : (p->len > q->len) - (p->len < q->len);
}

static int by_key(const void *a, const void *b)
{
	uint64_t x = ((const struct u64ent *)a)->key, y = ((const struct u64ent *)b)->key;

	return (x > y) - (x < y);
}

/* Children of each node adjacent in sv->order, by name then class. */
static void sort_children(struct svg *sv)
{
	struct u64ent *e;
	uint32_t *rank;
	size_t i, nn = sv->nn;

	e = fp_malloc((sv->names.count + 1) * sizeof *e);
	for (i = 0; i < sv->names.count; i++)
		e[i] = (struct u64ent){ i, (int64_t)i };
	sort_names = &sv->names;
	qsort(e, sv->names.count, sizeof *e, by_name);
	rank = fp_malloc((sv->names.count + 1) * sizeof *rank);
	for (i = 0; i < sv->names.count; i++)
		rank[e[i].value] = (uint32_t)i;
	free(e);
	e = fp_malloc(nn * sizeof *e);
	for (i = 1; i < nn; i++)
		e[i - 1] = (struct u64ent){ (uint64_t)sv->n[i].parent << 32 |
					    (uint64_t)rank[sv->n[i].name] << 2 | sv->n[i].cls, (int64_t)i };
	free(rank);
	if (nn > 1)
		qsort(e, nn - 1, sizeof *e, by_key);
	sv->order = fp_malloc(nn * sizeof *sv->order);
	for (i = 0; i + 1 < nn; i++) {
		struct tnode *p = &sv->n[sv->n[e[i].value].parent];

		sv->order[i] = (uint32_t)e[i].value;
		if (p->nkids++ == 0)
			p->first = (uint32_t)i;
	}
	free(e);
}

void tree_build(struct svg *sv)
{
	int side, i;
	size_t k;

	sv->nn = 0;
	fp_grow(&sv->n, &sv->ncap, 1, sizeof *sv->n);
	memset(sv->n, 0, sizeof *sv->n);
	sv->n[0].name = name_id(sv, "all", 3);
	sv->nn = 1;
	for (side = 0; side < sv->a.nevents; side++) {
		const struct u64map *m = &sv->a.stacks[side];

		for (k = 0; k < m->count; k++) {
			uint32_t root = (uint32_t)(m->ents[k].key >> 32), node = (uint32_t)m->ents[k].key;
			uint32_t t = node_of(sv, root, node);

			if (t == 0)	/* no frame at all: as events2folded */
				t = child_of(sv, 0, name_id(sv, "[no frames]", 11), CLS_USER);
			sv->n[t].w[side] += m->ents[k].value;
		}
	}
	/* totals: children after parents, so add each to its parent backwards */
	for (k = sv->nn; k-- > 1;)
		for (i = 0; i < 2; i++)
			sv->n[sv->n[k].parent].w[i] += sv->n[k].w[i];
	sv->total[0] = sv->n[0].w[0];
	sv->total[1] = sv->n[0].w[1];
	u64map_free(&sv->memo);
	u64map_free(&sv->child);
	sort_children(sv);
}

double tree_share(const struct svg *sv, uint32_t id)
{
	const struct tnode *t = &sv->n[id];
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

	if (sv->nn == 0)
		return;
	fp_grow(&sv->stack, &sv->stackcap, 1, sizeof *sv->stack);
	sv->stack[sp++] = (struct u64ent){ 0, 0 };
	while (sp > 0) {
		struct u64ent top = sv->stack[--sp];
		uint32_t id = (uint32_t)top.key, i;
		double x, cx, w = tree_share(sv, id) * full;
		const struct tnode *t = &sv->n[id];

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
			uint32_t c = sv->order[t->first + i];

			e->key = c;
			memcpy(&e->value, &cx, sizeof cx);
			cx += tree_share(sv, c) * full;
		}
	}
}

void tree_free(struct svg *sv)
{
	free(sv->n);
	free(sv->fname);
	free(sv->order);
	free(sv->path);
	free(sv->stack);
	u64map_free(&sv->child);
	u64map_free(&sv->memo);
	intern_free(&sv->names);
	buf_free(&sv->line);
	buf_free(&sv->tmp);
}
