/* events2html/write.c - the page: head, the data as JSON, the viewer */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/foldtree.h"
#include "../../common/intern.h"
#include "../../common/out.h"
#include "../../common/timespec.h"
#include "../../common/xml.h"
#include "html.h"

/* A row of the cells array: column, bucket, thread, node, sums. */
struct row {
	int64_t col;
	uint32_t b, thread, node;
	int64_t weight, count;
};

static int by_cell(const void *x, const void *y)
{
	const struct row *p = x, *q = y;

	if (p->col != q->col)
		return p->col < q->col ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	if (p->thread != q->thread)
		return p->thread < q->thread ? -1 : 1;
	return (p->node > q->node) - (p->node < q->node);
}

static void key(const char *k)
{
	out_putc(',');
	xml_json_put(k, strlen(k));
	out_putc(':');
}

static void str(const char *s, size_t n)
{
	xml_json_put(s, n);
}

/* Node ids in preorder, children by name (ftree_sort): the page draws
 * children in id order. renum[old] = new; the nodes written in new order. */
static uint32_t *preorder(const struct ftree *t, uint32_t *renum)
{
	uint32_t *order = fp_malloc((t->nn + 1) * sizeof *order), *st = fp_malloc((t->nn + 1) * sizeof *st);
	size_t sp = 0, n = 0, i;

	st[sp++] = 0;
	while (sp > 0) {
		uint32_t id = st[--sp];
		const struct tnode *x = &t->n[id];

		renum[id] = (uint32_t)n;
		order[n++] = id;
		for (i = x->nkids; i-- > 0;)
			st[sp++] = t->order[x->first + i];
	}
	free(st);
	return order;
}

static void put_nodes(struct ftree *t, const uint32_t *order, const uint32_t *renum)
{
	struct intern colours = { 0 };
	char c[48];
	size_t i;
	int added;

	key("names");
	for (i = 0; i < t->names.count; i++) {
		out_putc(i ? ',' : '[');
		str(t->names.ents[i].key, t->names.ents[i].len);
	}
	out_putc(']');
	key("nodes");	/* parent, name, class, colour */
	for (i = 0; i < t->nn; i++) {
		const struct tnode *x = &t->n[order[i]];

		const int64_t v[4] = { i ? (int64_t)renum[x->parent] : -1, x->name, x->cls, 0 };
		int k;

		ftree_colour(t, x->name, x->cls, c);
		for (k = 0; k < 4; k++) {
			out_putc(i || k ? ',' : '[');
			out_i64(k < 3 ? v[k] : (int64_t)intern_get(&colours, c, strlen(c), &added));
		}
	}
	out_putc(']');
	key("colours");
	for (i = 0; i < colours.count; i++) {
		out_putc(i ? ',' : '[');
		str(colours.ents[i].key, colours.ents[i].len);
	}
	out_puts(colours.count ? "]" : "[]");
	intern_free(&colours);
}

/* The entries by cell, equal (cell, thread, node) summed. */
static void put_cells(struct html *h, int64_t shift, const uint32_t *tnode, const uint32_t *renum)
{
	struct row *r = fp_malloc((h->ne + 1) * sizeof *r);
	size_t i, n = 0;

	for (i = 0; i < h->ne; i++) {
		const struct hentry *e = &h->e[i];

		r[i] = (struct row){ h->cell_col[e->cell] + shift, (uint32_t)(h->cells.ents[e->cell].key & 0x3fff),
				     h->ct_thread[h->key_ct[e->key]], renum[tnode[e->key]], e->weight, e->count };
	}
	qsort(r, h->ne, sizeof *r, by_cell);
	for (i = 0; i < h->ne; i++) {
		if (n && by_cell(&r[n - 1], &r[i]) == 0) {
			r[n - 1].weight += r[i].weight;
			r[n - 1].count += r[i].count;
		} else {
			r[n++] = r[i];
		}
	}
	key("cells");	/* col, bucket, thread, node, weight, count */
	out_putc('[');
	for (i = 0; i < n; i++) {
		const int64_t v[6] = { r[i].col, r[i].b, r[i].thread, r[i].node, r[i].weight, r[i].count };
		int k;

		for (k = 0; k < 6; k++) {
			if (i || k)
				out_putc(',');
			out_i64(v[k]);
		}
	}
	out_putc(']');
	free(r);
}

static void put_threads(struct html *h)
{
	struct model *m = &h->a.m;
	struct buf b = { 0 };
	size_t i;

	key("threads");	/* pid, tid (as in the stream), name */
	out_putc('[');
	for (i = 0; i < m->nth; i++) {
		struct slice name;

		out_puts(i ? ",[" : "[");
		str(m->th[i].pid.p, m->th[i].pid.n);
		out_putc(',');
		str(m->th[i].tid.p, m->th[i].tid.n);
		out_putc(',');
		b.len = 0;
		if (model_thread_name(m, (uint32_t)i, &name))
			ev_unescape(&b, name.p, name.n);
		str(b.p ? b.p : "", b.len);
		out_putc(']');
	}
	out_putc(']');
	buf_free(&b);
}

/* What the data is: the event, its unit, the axis, the command's parts. */
static void put_axis(struct html *h, const struct hgrid_axis *ax)
{
	struct fagg *a = &h->a;
	char t[32];
	int i;

	out_puts("{\"v\":1");
	key("title");
	str(h->title ? h->title : "", h->title ? strlen(h->title) : 0);
	key("input");
	if (h->input)
		str(h->input, strlen(h->input));
	else
		out_puts("null");
	key("files");
	out_putc('[');
	for (i = 0; i < h->nfiles; i++) {
		if (i)
			out_putc(',');
		str(h->files[i], strlen(h->files[i]));
	}
	out_putc(']');
	key("event");
	if (a->event[0])
		str(a->event[0], strlen(a->event[0]));
	else
		out_puts("null");
	key("unit");
	if (a->count || !a->event[0]) {
		str("samples", 7);
	} else {
		struct slice u = model_unit(&a->m, ev_str(a->event[0]));
		struct buf b = { 0 };

		if (u.n == 5 && memcmp(u.p, "count", 5) == 0)
			buf_adds(&b, "samples");
		else
			ev_unescape(&b, u.p, u.n);
		str(b.p, b.len);
		buf_free(&b);
	}
	key("count");
	out_i64(a->count);
	key("idle");
	out_i64(h->keep_idle);
	key("nidle");
	out_i64((int64_t)h->idle);
	key("other");	/* records of other events or kinds: the command needs -e */
	out_i64(a->other.count > 0 || h->spans > 0);
	key("origin_s");	/* column 0 starts here, whole seconds */
	snprintf(t, sizeof t, "%lld", (long long)(ax->origin / 1000000000));
	str(t, strlen(t));
	key("relative");	/* timeslice -f has the same origin (sorted input) */
	out_i64(!h->g.have_time || floor_second(h->g.first) == ax->origin);
	key("width");
	out_i64(h->g.width);
	key("rows");
	out_i64(h->g.rows);
	key("ncols");
	out_i64(ax->ncols);
	key("edges");
	for (i = 0; i <= h->g.rows; i++) {
		out_putc(i ? ',' : '[');
		out_i64(hgrid_edge(&h->g, i));
	}
	out_putc(']');
}

static void put_head(struct html *h)
{
	const char *t = h->title ? h->title : h->input ? h->input : h->nfiles == 1 ? h->files[0] : "events2html";

	out_puts("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"generator\" content=\"events2html (flamepipe): docs/html.md\">\n<title>");
	xml_put(t, strlen(t), 0);
	out_puts("</title>\n</head>\n<body>\n<noscript>This page draws with JavaScript.</noscript>\n"
		 "<script type=\"application/json\" id=\"fp-data\">");
}

void html_write(struct html *h)
{
	struct hgrid_axis ax = hgrid_axis(&h->g);
	struct ftree t;
	uint32_t *tnode = fp_malloc((h->nkeys + 1) * sizeof *tnode), *renum, *order;
	size_t i;

	ftree_init(&t, &h->a);
	for (i = 0; i < h->nkeys; i++) {
		uint32_t ct = h->key_ct[i];

		tnode[i] = ftree_node(&t, fagg_root(&h->a, h->ct_comm[ct], h->ct_thread[ct]), h->key_node[i]);
	}
	ftree_sort(&t);
	renum = fp_malloc(t.nn * sizeof *renum);
	order = preorder(&t, renum);
	put_head(h);
	put_axis(h, &ax);
	put_threads(h);
	put_nodes(&t, order, renum);
	put_cells(h, ax.shift, tnode, renum);
	out_puts("}</script>\n<script>\n");
	out_puts(events2html_js);
	out_puts("</script>\n</body>\n</html>\n");
	free(order);
	free(renum);
	free(tnode);
	ftree_free(&t);
}
