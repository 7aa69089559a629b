/* heatgrid.c - FlameScope's sub-second cells (heatgrid.h) */
#include <inttypes.h>
#include <string.h>

#include "err.h"
#include "heatgrid.h"
#include "skip.h"
#include "timespec.h"

static void fail_span(const struct hgrid *g)
{
	fp_die("the stream's time span needs more than %lld columns of %" PRId64
	       " ns (--max-columns; a wider --column or timeslice(1) first)",
	       g->max_cols, g->width);
}

int hgrid_column(const char *arg, int64_t *width)
{
	return timespec_parse(arg, width) < 0 || *width < 1000 || *width > 86400 * 1000000000LL ? -1 : 0;
}

void hgrid_observe(struct hgrid *g, int64_t t)
{
	int64_t origin, span;

	if (!g->have_time) {
		g->have_time = 1;
		g->first = g->tmin = g->tmax = t;
		g->anchor = floor_second(t);
		return;
	}
	if (t < g->tmin) {
		g->tmin = t;
		origin = floor_second(t);
		/* unsorted input: the grid must stay aligned with the new origin */
		if (__builtin_sub_overflow(g->anchor, origin, &span))
			fail_span(g);
		if (span % g->width != 0)
			fp_die("the input is not time-ordered and a column width of %" PRId64
			       " ns does not divide the shift of the origin; sort it (eventsort) "
			       "or use a --column that divides one second", g->width);
	}
	if (t > g->tmax)
		g->tmax = t;
	origin = floor_second(g->tmin);
	if (__builtin_sub_overflow(g->tmax, origin, &span) || span / g->width >= g->max_cols)
		fail_span(g);
}

int hgrid_record(struct hgrid *g, struct model *m, const struct ev_rec *r, const char *untimed)
{
	if (r->time == EV_NONE) {
		if (r->type == 'S')
			skip_record(&m->skips, m->file, m->lineno, untimed);
		return 0;
	}
	if (r->time < TIME_FLOOR_MIN) {
		skip_record(&m->skips, m->file, m->lineno, "time out of range");
		return 0;
	}
	hgrid_observe(g, r->time);
	return 1;
}

void hgrid_header(struct hgrid *g, struct model *m, struct slice line)
{
	int64_t t;

	if (line.n > 7 && memcmp(line.p, "#start ", 7) == 0) {
		if (ev_parse_time(line.p + 7, line.n - 7, &t) == 0 && t >= TIME_FLOOR_MIN)
			hgrid_observe(g, t);
		else
			skip_record(&m->skips, m->file, m->lineno, "bad time in #start header");
	}
}

void hgrid_locate(const struct hgrid *g, int64_t t, int64_t *col, int *bucket)
{
	int64_t off = t - g->anchor;	/* |off| < max span: checked by hgrid_observe() */
	int64_t k = floor_div(off, g->width), sub = off - k * g->width;

	*col = k;
	*bucket = (int)(sub * g->rows / g->width);
}

struct hgrid_axis hgrid_axis(const struct hgrid *g)
{
	struct hgrid_axis a = { 0, 0, 0 };

	if (!g->have_time)
		return a;
	a.origin = floor_second(g->tmin);
	a.ncols = (g->tmax - a.origin) / g->width + 1;
	a.shift = (g->anchor - a.origin) / g->width;
	return a;
}

/* ceil(b*W/rows): b*W < rows*W <= 1e4 * 86400e9, no overflow */
int64_t hgrid_edge(const struct hgrid *g, int b)
{
	return ((int64_t)b * g->width + g->rows - 1) / g->rows;
}
