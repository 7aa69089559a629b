/* events2svg/graph.c - the merged flame graph, icicle and diff */
#include <stdio.h>
#include <string.h>

#include "../../common/out.h"
#include "svg.h"

/* Pass 1: what is drawn (depth, the largest change), what is not. */
static void measure(struct svg *sv, uint32_t id, double x, double w)
{
	const struct tnode *t = &sv->t.n[id];

	(void)x;
	if (w < 0 && tree_share(sv, id) <= 0)
		return;	/* weighs nothing: neither drawn nor hidden */
	if (w < 0) {
		sv->hidden++;
		sv->hidden_share += tree_share(sv, id);
		sv->hidden_w += t->w[0];
		return;
	}
	sv->shown++;
	if (t->depth > sv->maxdepth)
		sv->maxdepth = t->depth;
	if (sv->mode == SVG_DIFF) {
		double d = (sv->total[1] > 0 ? (double)t->w[1] / (double)sv->total[1] : 0) -
			   (sv->total[0] > 0 ? (double)t->w[0] / (double)sv->total[0] : 0);

		if (d < 0)
			d = -d;

		if (d > sv->maxdelta)
			sv->maxdelta = d;
	}
}

/* flamegraph.pl's differential scale: white for no change, to red
 * (grew) or blue (shrank) at the largest change; the change is of the
 * share of each side's total, so a profile twice as long is no change. */
static void diff_colour(const struct svg *sv, uint32_t id, char out[48])
{
	const struct tnode *t = &sv->t.n[id];
	double d = (sv->total[1] > 0 ? (double)t->w[1] / (double)sv->total[1] : 0) -
		   (sv->total[0] > 0 ? (double)t->w[0] / (double)sv->total[0] : 0);
	int r = 255, g = 255, b = 255;

	if (sv->maxdelta > 0 && d > 0)
		g = b = (int)(210 * (sv->maxdelta - d) / sv->maxdelta);
	else if (sv->maxdelta > 0 && d < 0)
		r = g = (int)(210 * (sv->maxdelta + d) / sv->maxdelta);
	snprintf(out, 48, "rgb(%d,%d,%d)", r, g, b);
}

/* Pass 2: the frames. */
static void draw(struct svg *sv, uint32_t id, double x, double w)
{
	char fill[48];
	uint32_t depth = sv->t.n[id].depth;
	double y;

	if (w < 0)
		return;
	if (sv->mode == SVG_ICICLE)
		y = SVG_TOP + (double)depth * SVG_FRAME_H;
	else
		y = (double)(sv->height - SVG_BOTTOM) - (double)(depth + 1) * SVG_FRAME_H;
	if (sv->mode == SVG_DIFF)
		diff_colour(sv, id, fill);
	else
		ftree_colour(&sv->t, sv->t.n[id].name, sv->t.n[id].cls, fill);
	draw_frame(sv, x + SVG_PAD, y, w, id, fill);
}

void draw_graph(struct svg *sv)
{
	static const char *titles[] = { "Flame Graph", "Icicle Graph", "Flame Chart",
					"Differential Flame Graph" };

	tree_build(sv);
	tree_walk(sv, measure);
	if (sv->shown == 0) {	/* nothing to draw: no record, or all of weight 0 */
		sv->hidden = 0;
		sv->height = SVG_TOP + SVG_FRAME_H * 2 + SVG_BOTTOM;
		draw_head(sv, sv->height, titles[sv->mode]);
		out_puts("<text id=\"empty\" x=\"");
		out_i64(sv->width / 2);
		out_puts("\" y=\"");
		out_i64(SVG_TOP + SVG_FRAME_H);
		out_puts("\" style=\"text-anchor: middle\">no samples: nothing to draw</text>\n<g id=\"frames\">\n");
		draw_foot(sv);
		return;
	}
	sv->height = SVG_TOP + (int64_t)(sv->maxdepth + 1) * SVG_FRAME_H + SVG_BOTTOM;
	draw_head(sv, sv->height, titles[sv->mode]);
	out_puts("<g id=\"frames\">\n");
	tree_walk(sv, draw);
	draw_foot(sv);
}
