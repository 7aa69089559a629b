/* foldtree.c - the merged tree of a flame graph's frames, and their colours */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "err.h"
#include "foldtree.h"

static uint32_t child_of(struct ftree *t, uint32_t parent, uint32_t name, unsigned cls)
{
	struct u64ent *e;

	if (name >= 1u << 30)
		fp_die("too many distinct frame names");
	e = u64map_add(&t->child, (uint64_t)parent << 32 | (uint64_t)name << 2 | cls);
	if (e->value == 0) {
		struct tnode *n;

		if (t->nn >= UINT32_MAX - 1)
			fp_die("too many frames");
		fp_grow(&t->n, &t->ncap, t->nn + 1, sizeof *t->n);
		n = &t->n[t->nn];
		memset(n, 0, sizeof *n);
		n->parent = parent;
		n->name = name;
		n->cls = (uint8_t)cls;
		n->depth = t->n[parent].depth + 1;
		e->value = (int64_t)++t->nn;
	}
	return (uint32_t)(e->value - 1);
}

uint32_t ftree_name(struct ftree *t, const char *p, size_t n)
{
	int added;

	return (uint32_t)intern_get(&t->names, p, n, &added);
}

void ftree_init(struct ftree *t, struct fagg *a)
{
	memset(t, 0, sizeof *t);
	t->a = a;
	fp_grow(&t->n, &t->ncap, 1, sizeof *t->n);
	memset(t->n, 0, sizeof *t->n);
	t->n[0].name = ftree_name(t, "all", 3);
	t->nn = 1;
}

unsigned ftree_cls(unsigned kind)
{
	if (kind & EVK_KERNEL)
		return CLS_KERNEL;
	if (kind & EVK_JIT)
		return CLS_JIT;
	if (kind & EVK_INLINED)
		return CLS_INLINED;
	return CLS_USER;
}

/* Folded once per frame and java flag. */
uint32_t ftree_frame_name(struct ftree *t, uint32_t frame, int java)
{
	size_t i = (size_t)frame * 2 + (java != 0);

	if (i >= t->nfname) {
		size_t old = t->nfname;

		fp_grow(&t->fname, &t->nfname, i + 1, sizeof *t->fname);
		memset(t->fname + old, 0, (t->nfname - old) * sizeof *t->fname);
	}
	if (t->fname[i] == 0) {
		t->line.len = 0;
		fagg_frame_text(t->a, frame, java, &t->line);
		t->fname[i] = ftree_name(t, t->line.p, t->line.len) + 1;
	}
	return t->fname[i] - 1;
}

/* The tree node of the empty stack under root (its comm frame, or the
 * top "all" frame when it has none). */
static uint32_t root_node(struct ftree *t, uint32_t root, int *java)
{
	t->line.len = 0;
	if (!fagg_root_text(t->a, root, &t->line, java))
		return 0;
	return child_of(t, 0, ftree_name(t, t->line.p, t->line.len), CLS_USER);
}

/* Up the stack to the nearest node already placed, then down again
 * placing each. */
uint32_t ftree_node(struct ftree *t, uint32_t root, uint32_t node)
{
	const struct stacks *st = &t->a->m.stacks;
	struct u64ent *e;
	uint32_t id, up = node;
	size_t n = 0;
	int java;

	while ((e = u64map_find(&t->memo, (uint64_t)root << 32 | up)) == NULL) {
		fp_grow(&t->path, &t->pathcap, n + 1, sizeof *t->path);
		t->path[n++] = up;
		if (up == STK_ROOT)
			break;
		up = st->nodes[up].parent;
	}
	id = e ? (uint32_t)e->value - 1 : 0;
	root_node(t, root, &java);	/* the java flag, and the root placed */
	while (n-- > 0) {
		up = t->path[n];
		if (up == STK_ROOT)
			id = root_node(t, root, &java);
		else
			id = child_of(t, id, ftree_frame_name(t, st->nodes[up].frame, java),
				      ftree_cls(stacks_frame_kind(st, st->nodes[up].frame)));
		u64map_add(&t->memo, (uint64_t)root << 32 | up)->value = (int64_t)id + 1;
	}
	if (id == 0)	/* no frame at all: as events2folded */
		id = child_of(t, 0, ftree_name(t, "[no frames]", 11), CLS_USER);
	return id;
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

void ftree_sort(struct ftree *t)
{
	struct u64ent *e;
	uint32_t *rank;
	size_t i, nn = t->nn;

	u64map_free(&t->memo);
	u64map_free(&t->child);
	e = fp_malloc((t->names.count + 1) * sizeof *e);
	for (i = 0; i < t->names.count; i++)
		e[i] = (struct u64ent){ i, (int64_t)i };
	sort_names = &t->names;
	qsort(e, t->names.count, sizeof *e, by_name);
	rank = fp_malloc((t->names.count + 1) * sizeof *rank);
	for (i = 0; i < t->names.count; i++)
		rank[e[i].value] = (uint32_t)i;
	free(e);
	e = fp_malloc(nn * sizeof *e);
	for (i = 1; i < nn; i++)
		e[i - 1] = (struct u64ent){ (uint64_t)t->n[i].parent << 32 |
					    (uint64_t)rank[t->n[i].name] << 2 | t->n[i].cls, (int64_t)i };
	free(rank);
	if (nn > 1)
		qsort(e, nn - 1, sizeof *e, by_key);
	t->order = fp_malloc(nn * sizeof *t->order);
	for (i = 0; i + 1 < nn; i++) {
		struct tnode *p = &t->n[t->n[e[i].value].parent];

		t->order[i] = (uint32_t)e[i].value;
		if (p->nkids++ == 0)
			p->first = (uint32_t)i;
	}
	free(e);
}

void ftree_free(struct ftree *t)
{
	free(t->n);
	free(t->fname);
	free(t->order);
	free(t->path);
	u64map_free(&t->child);
	u64map_free(&t->memo);
	intern_free(&t->names);
	buf_free(&t->line);
	memset(t, 0, sizeof *t);
}

/*
 * flamegraph.pl picks the palette from the frame's annotation (--colors
 * java/js: _[k] orange, _[j] green, _[i] aqua) and, by default, a random
 * shade in it, so two runs colour the same profile differently; its
 * --hash uses only the first three characters of the name. Here the shade
 * comes from a 64-bit hash of the whole name: the same name has the same
 * colour in every picture, and names that share a prefix differ.
 * User frames are coloured as flamegraph.pl's --colors=java does: red,
 * yellow for C++ names (with "::").
 */
void ftree_colour(const struct ftree *t, uint32_t name, unsigned cls, char out[48])
{
	const struct ient *e = &t->names.ents[name];
	uint64_t h = fp_hash(e->key, e->len);
	double v1 = (double)(h & 0xffff) / 65535.0;
	int r, g, b;

	if ((e->len == 1 && e->key[0] == '-') || (e->len == 2 && memcmp(e->key, "--", 2) == 0)) {
		/* flamegraph.pl's separator frames: grey */
		r = g = b = e->len == 1 ? 200 : 160;
	} else if (cls == CLS_KERNEL) {	/* orange */
		r = 190 + (int)(65 * v1);
		g = 90 + (int)(65 * v1);
		b = 0;
	} else if (cls == CLS_JIT) {		/* green */
		g = 200 + (int)(55 * v1);
		r = b = 50 + (int)(60 * v1);
	} else if (cls == CLS_INLINED) {	/* aqua */
		r = 50 + (int)(60 * v1);
		g = b = 165 + (int)(55 * v1);
	} else if (memmem(e->key, e->len, "::", 2)) {	/* yellow: C++ */
		r = g = 175 + (int)(55 * v1);
		b = 50 + (int)(20 * v1);
	} else {				/* red */
		r = 200 + (int)(55 * v1);
		g = b = 50 + (int)(80 * v1);
	}
	snprintf(out, 48, "rgb(%d,%d,%d)", r, g, b);
}
