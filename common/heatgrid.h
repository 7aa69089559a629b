/* heatgrid.h - FlameScope's sub-second cells: the time axis of a stream
 * and the cell of each time (docs/heatmap.md §1-2); heatmap, events2html */
#ifndef FP_HEATGRID_H
#define FP_HEATGRID_H

#include <stdint.h>

#include "events.h"
#include "model.h"

/*
 * Columns of width ns from the whole second at or before the stream's
 * origin (its #start header, else its smallest thread record time), rows
 * buckets per column counted from the bottom; bucket b of a column holds
 * [edge(b), edge(b+1)), edge(b) = ceil(b * width / rows): half-open
 * cells, exact in int64. While reading, columns are counted from anchor,
 * the whole second of the first time seen, since an unsorted stream may
 * move the origin later (by whole seconds, which width must divide).
 */
struct hgrid {
	int rows;
	int64_t width;		/* column width, ns */
	long long max_cols;	/* a wider time span is fatal (fp_die) */
	int have_time;
	int64_t first, tmin, tmax, anchor;	/* first: the first time seen */
};

/* The finished axis: column 0 starts at origin; column k from anchor is
 * column k + shift. */
struct hgrid_axis {
	int64_t origin, ncols, shift;
};

/* The --column option: a duration from 1 us to 86400 s; 0, or -1 when
 * arg is not one (HGRID_COLUMN_ERROR says so, with arg). */
int hgrid_column(const char *arg, int64_t *width);
#define HGRID_COLUMN_ERROR "--column: expected a duration from 1us to 86400s (1.5s, 200ms, ...), got '%s'"
#define HGRID_MAX_ROWS 10000	/* --rows: buckets fit 14 bits */
/* Take a time of the stream (it may move the origin, widen the map). */
void hgrid_observe(struct hgrid *g, int64_t t);
/* The md_sink.want part: a thread record r with a usable time is
 * observed and 1 is returned; else it is skipped and reported (an
 * untimed sample with the message untimed) and 0 returned. */
int hgrid_record(struct hgrid *g, struct model *m, const struct ev_rec *r, const char *untimed);
/* The md_sink.header part: a #start header is a time of the stream. */
void hgrid_header(struct hgrid *g, struct model *m, struct slice line);
/* The column (from anchor) and the bucket of an observed time t. */
void hgrid_locate(const struct hgrid *g, int64_t t, int64_t *col, int *bucket);
/* The axis after the last record (zero when no time was seen). */
struct hgrid_axis hgrid_axis(const struct hgrid *g);
/* Lower edge of bucket b, ns from the start of its column. */
int64_t hgrid_edge(const struct hgrid *g, int b);

#endif
