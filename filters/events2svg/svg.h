/* events2svg/svg.h - events2svg's state, shared by its parts */
#ifndef FP_E2SVG_H
#define FP_E2SVG_H

#include <stdint.h>

#include "../../common/buf.h"
#include "../../common/foldagg.h"
#include "../../common/foldtree.h"
#include "../../common/intern.h"
#include "../../common/u64map.h"

enum svg_mode { SVG_FLAME, SVG_ICICLE, SVG_CHART, SVG_DIFF };
/* Geometry, in px (docs/svg.md). */
#define SVG_PAD 10
#define SVG_FRAME_H 16
#define SVG_FONT 12
#define SVG_TOP (SVG_FONT * 5)
#define SVG_BOTTOM (SVG_FONT * 2 + 10)

struct svg {
	struct fagg a;
	enum svg_mode mode;
	const char *title, *subtitle;	/* subtitle NULL: the default */
	double minwidth;
	int width;
	int64_t gap;			/* --chart: --gap in ns, 0 for the default */
	struct chart *chart;		/* --chart (chart.c) */
	const char *unit;		/* the unit's name in titles */
	struct ftree t;		/* the merged tree (tree.c, common/foldtree.h) */
	int64_t total[2];
	/* layout (tree.c) */
	uint32_t maxdepth;	/* of the frames drawn */
	uint64_t shown, hidden;	/* frames drawn, frames not drawn */
	double hidden_share;	/* the share of the total not drawn */
	double maxdelta;	/* diff: the largest change of share drawn */
	int64_t hidden_w;	/* the weight not drawn (not a diff) */
	int64_t height;
	struct buf line, tmp;
	struct u64ent *stack;	/* walk: node, x */
	size_t stackcap;
};

/* tree.c */
void tree_build(struct svg *sv);
typedef void (*tree_visit)(struct svg *sv, uint32_t id, double x, double w);
/* Walk the frames wide enough to draw (x, w in px), parents first. */
void tree_walk(struct svg *sv, tree_visit fn);
/* The share of the total node id stands for (0..1). */
double tree_share(const struct svg *sv, uint32_t id);
void tree_free(struct svg *sv);

/* draw.c */
void draw_head(struct svg *sv, int64_t height, const char *title);
void draw_frame(struct svg *sv, double x, double y, double w, uint32_t id, const char *fill);
/* The rect and label of a frame whose "<g><title>...</title>" is written. */
void draw_box(struct svg *sv, double x, double y, double w, uint32_t name, const char *fill);
void put_num(double v);		/* 3 decimals at most */
void put_text(double x, double y, const char *id, const char *s);
void draw_foot(struct svg *sv);
void draw_graph(struct svg *sv);

/* chart.c */
void chart_init(struct svg *sv);
void chart_sample(struct svg *sv, const struct md_sample *s);
void chart_close(struct svg *sv, const struct md_span *s);
void chart_draw(struct svg *sv);
void chart_free(struct svg *sv);

/* script.c */
extern const char svg_script[];

#endif
