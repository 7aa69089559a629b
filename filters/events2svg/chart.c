/* events2svg/chart.c - the flame chart: time left to right, a lane per thread */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/out.h"
#include "../../common/xml.h"
#include "svg.h"

/*
 * Samples: a thread's sample stack lasts until its next sample; frames
 * its next stack shares (the same stack node prefix) go on, the others
 * end there. A next sample later than the gap (--gap, else twice the
 * thread's shortest interval so far) ends every frame at the last sample
 * plus that interval: a gap is drawn as a gap. Spans: their start and end.
 * A frame that ends becomes a box if it can still be wide enough: the time
 * range only grows, so one too narrow now stays too narrow; the boxes kept
 * are pruned again with the range of the moment whenever they double.
 * Memory: the boxes that remain visible, and each thread's open frames.
 */
struct box {
	uint32_t lane, depth, frame, pad;
	int64_t start, end;
};

struct open {
	uint32_t node;
	int64_t start;
};

struct lane {
	uint32_t cur;		/* its stack node, STK_ROOT when nothing is open */
	int64_t last, minint;	/* its last sample time; shortest interval */
	struct open *open;	/* open[i]: the frame at depth i + 1 */
	size_t nopen, cap;
	uint32_t maxdepth;	/* of its boxes drawn */
	int64_t y;		/* its top */
	int used;
};

struct chart {
	struct lane *lanes;
	size_t nlanes;
	struct box *box;
	size_t nbox, cap, prune_at;
	int64_t t0, t1;		/* the time range so far */
	int have_time;
	int64_t gap, minint;	/* --gap (0: from the intervals); shortest of all */
	uint64_t untimed;
};

void chart_init(struct svg *sv)
{
	sv->chart = fp_calloc(1, sizeof *sv->chart);
	sv->chart->prune_at = 4096;
	sv->chart->gap = sv->gap;
}

static void see(struct chart *c, int64_t t)
{
	if (!c->have_time || t < c->t0)
		c->t0 = t;
	if (!c->have_time || t > c->t1)
		c->t1 = t;
	c->have_time = 1;
}

static int wide_enough(const struct svg *sv, int64_t start, int64_t end)
{
	const struct chart *c = sv->chart;
	double range = (double)(c->t1 - c->t0);

	if (end <= start)
		return 0;
	return range <= 0 || (double)(end - start) / range * (sv->width - 2 * SVG_PAD) >= sv->minwidth;
}

static void prune(struct svg *sv)
{
	struct chart *c = sv->chart;
	size_t i, n = 0;

	for (i = 0; i < c->nbox; i++) {
		if (wide_enough(sv, c->box[i].start, c->box[i].end))
			c->box[n++] = c->box[i];
		else
			sv->hidden++;
	}
	c->nbox = n;
	c->prune_at = n * 2 > 4096 ? n * 2 : 4096;
}

static void add_box(struct svg *sv, uint32_t lane, uint32_t depth, uint32_t node, int64_t start, int64_t end)
{
	struct chart *c = sv->chart;

	see(c, end);
	if (!wide_enough(sv, start, end)) {
		sv->hidden++;
		return;
	}
	if (c->nbox >= c->prune_at)
		prune(sv);
	fp_grow(&c->box, &c->cap, c->nbox + 1, sizeof *c->box);
	c->box[c->nbox++] = (struct box){ lane, depth, sv->a.m.stacks.nodes[node].frame, 0, start, end };
}

static struct lane *lane_of(struct chart *c, uint32_t thread)
{
	if (thread >= c->nlanes) {
		size_t old = c->nlanes;

		fp_grow(&c->lanes, &c->nlanes, (size_t)thread + 1, sizeof *c->lanes);
		memset(c->lanes + old, 0, (c->nlanes - old) * sizeof *c->lanes);
	}
	c->lanes[thread].used = 1;
	return &c->lanes[thread];
}

/* End lane l's open frames deeper than depth at time t. */
static void close_to(struct svg *sv, uint32_t lane, size_t depth, int64_t t)
{
	struct lane *l = &sv->chart->lanes[lane];

	while (l->nopen > depth) {
		struct open *o = &l->open[--l->nopen];

		add_box(sv, lane, (uint32_t)l->nopen + 1, o->node, o->start, t);
	}
	if (depth == 0)
		l->cur = STK_ROOT;
}

/* The extent of a last sample: the thread's interval, else any thread's,
 * else 1 ms; never more than the gap. */
static int64_t extent(const struct chart *c, const struct lane *l)
{
	int64_t e = l->minint ? l->minint : c->minint ? c->minint : 1000000;

	return c->gap && e > c->gap ? c->gap : e;
}

void chart_sample(struct svg *sv, const struct md_sample *s)
{
	struct chart *c = sv->chart;
	const struct stk_node *nodes = sv->a.m.stacks.nodes;
	struct lane *l;
	uint32_t a, b, node = s->stack;
	int64_t t = s->time;
	size_t d, k;

	if (t == EV_NONE) {
		c->untimed++;
		return;
	}
	l = lane_of(c, s->thread);
	see(c, t);
	sv->total[0] += fagg_sample_weight(&sv->a, s);
	if (l->nopen > 0) {
		int64_t dt = t - l->last, gap;

		if (dt < 0)
			t = l->last, dt = 0;	/* out of order: no time back */
		if (dt > 0 && (l->minint == 0 || dt < l->minint))
			l->minint = dt;
		if (dt > 0 && (c->minint == 0 || dt < c->minint))
			c->minint = dt;
		gap = c->gap ? c->gap : 2 * l->minint;
		if (dt > gap) {
			close_to(sv, s->thread, 0, l->last + extent(c, l));
		} else if (node == l->cur) {
			l->last = t;
			return;
		}
	}
	/* the common prefix of the open stack and this one */
	a = l->cur;
	b = node;
	while (nodes[a].depth > nodes[b].depth)
		a = nodes[a].parent;
	while (nodes[b].depth > nodes[a].depth)
		b = nodes[b].parent;
	while (a != b)
		a = nodes[a].parent, b = nodes[b].parent;
	close_to(sv, s->thread, nodes[a].depth, t);
	d = nodes[node].depth;
	fp_grow(&l->open, &l->cap, d, sizeof *l->open);
	for (k = d, b = node; k > nodes[a].depth; k--, b = nodes[b].parent)
		l->open[k - 1] = (struct open){ b, t };
	l->nopen = d;
	l->cur = node;
	l->last = t;
}

void chart_close(struct svg *sv, const struct md_span *s)
{
	struct chart *c = sv->chart;

	if (s->start == EV_NONE || s->end == EV_NONE) {
		c->untimed++;
		return;
	}
	lane_of(c, s->thread);
	see(c, s->start);
	sv->total[0] += fagg_span_weight(&sv->a, s);
	add_box(sv, s->thread, (uint32_t)s->depth, s->stack, s->start, s->end);
}

static int by_lane_time(const void *x, const void *y)
{
	const struct box *a = x, *b = y;

	if (a->lane != b->lane)
		return a->lane < b->lane ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->depth > b->depth) - (a->depth < b->depth);
}

/* Lane tops: a label row, then its frames, top-down. */
static int64_t layout(struct svg *sv)
{
	struct chart *c = sv->chart;
	int64_t y = SVG_TOP;
	size_t i;

	for (i = 0; i < c->nbox; i++) {
		struct lane *l = &c->lanes[c->box[i].lane];

		if (c->box[i].depth > l->maxdepth)
			l->maxdepth = c->box[i].depth;
		sv->shown++;
	}
	for (i = 0; i < c->nlanes; i++) {
		struct lane *l = &c->lanes[i];

		if (!l->used || l->maxdepth == 0)
			continue;
		l->y = y;
		y += (int64_t)(l->maxdepth + 1) * SVG_FRAME_H + SVG_FRAME_H / 2;
	}
	return y + SVG_BOTTOM;
}

static void lane_label(struct svg *sv, uint32_t t)
{
	const struct md_thread *th = model_thread(&sv->a.m, t);
	struct slice name;

	sv->line.len = 0;
	if (model_thread_name(&sv->a.m, t, &name))
		ev_unescape(&sv->line, name.p, name.n);
	buf_adds(&sv->line, " (");
	ev_unescape(&sv->line, th->pid.p, th->pid.n);
	buf_addc(&sv->line, '/');
	ev_unescape(&sv->line, th->tid.p, th->tid.n);
	buf_addc(&sv->line, ')');
	out_puts("<text class=\"lane\" x=\"");
	out_i64(SVG_PAD);
	out_puts("\" y=\"");
	out_i64(sv->chart->lanes[t].y + 12);
	out_puts("\">");
	xml_put(sv->line.p, sv->line.len, 0);
	out_puts("</text>\n");
}

static void draw_box_of(struct svg *sv, const struct box *b, int java, double scale)
{
	const struct chart *c = sv->chart;
	uint32_t name = ftree_frame_name(&sv->t, b->frame, java);
	unsigned cls = ftree_cls(stacks_frame_kind(&sv->a.m.stacks, b->frame));
	const struct ient *e = &sv->t.names.ents[name];
	char fill[48], num[96];

	ftree_colour(&sv->t, name, cls, fill);
	out_puts("<g><title>");
	xml_put(e->key, e->len, 0);
	snprintf(num, sizeof num, " (%" PRId64 " ns at +%" PRId64 ".%09" PRId64 " s, %.2f%%)</title>",
		 b->end - b->start, (b->start - c->t0) / 1000000000, (b->start - c->t0) % 1000000000,
		 c->t1 > c->t0 ? 100.0 * (double)(b->end - b->start) / (double)(c->t1 - c->t0) : 0);
	out_puts(num);
	draw_box(sv, SVG_PAD + (double)(b->start - c->t0) * scale,
		 (double)(c->lanes[b->lane].y + (int64_t)b->depth * SVG_FRAME_H), (double)(b->end - b->start) * scale,
		 name, fill);
}

void chart_draw(struct svg *sv)
{
	struct chart *c = sv->chart;
	double scale;
	size_t i, k;

	for (i = 0; i < c->nlanes; i++)
		if (c->lanes[i].nopen)
			close_to(sv, (uint32_t)i, 0, c->lanes[i].last + extent(c, &c->lanes[i]));
	prune(sv);
	if (c->nbox)
		qsort(c->box, c->nbox, sizeof *c->box, by_lane_time);
	sv->height = layout(sv);
	if (sv->shown == 0)
		sv->height = SVG_TOP + SVG_FRAME_H * 2 + SVG_BOTTOM;
	draw_head(sv, sv->height, "Flame Chart");
	if (sv->shown == 0)
		put_text(sv->width / 2.0, SVG_TOP + SVG_FRAME_H, "empty",
			 sv->hidden ? "nothing wide enough to draw" : "no samples: nothing to draw");
	scale = c->t1 > c->t0 ? (double)(sv->width - 2 * SVG_PAD) / (double)(c->t1 - c->t0) : 0;
	for (i = 0; i < c->nlanes; i++)
		if (c->lanes[i].used && c->lanes[i].maxdepth)
			lane_label(sv, (uint32_t)i);
	out_puts("<g id=\"frames\">\n");
	for (i = 0; i < c->nbox; i = k) {
		struct slice name;
		int java;

		java = model_thread_name(&sv->a.m, c->box[i].lane, &name) && name.n >= 4 &&
		       memcmp(name.p, "java", 4) == 0;
		for (k = i; k < c->nbox && c->box[k].lane == c->box[i].lane; k++)
			draw_box_of(sv, &c->box[k], java, scale);
	}
	draw_foot(sv);
	if (c->untimed)
		fp_warn("%" PRIu64 " untimed record%s not drawn in the chart", c->untimed,
			c->untimed == 1 ? "" : "s");
}

void chart_free(struct svg *sv)
{
	struct chart *c = sv->chart;
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nlanes; i++)
		free(c->lanes[i].open);
	free(c->lanes);
	free(c->box);
	free(c);
	sv->chart = NULL;
}
