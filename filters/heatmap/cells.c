/* heatmap/cells.c - the model's sink: times set the axis, samples fill the cells */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/bytes.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/idle.h"
#include "../../common/skip.h"
#include "../../common/timespec.h"
#include "heatmap.h"

static void fail_span(struct hm *h)
{
	fp_die("the stream's time span needs more than %lld columns of %" PRId64
	       " ns (--max-columns; a wider --column or timeslice(1) first)",
	       h->max_cols, h->width);
}

/* Record a time of the stream: it may move the origin and widen the map. */
void hm_observe(struct hm *h, int64_t t)
{
	int64_t origin, span;

	if (!h->have_time) {
		h->have_time = 1;
		h->tmin = h->tmax = t;
		h->anchor = floor_second(t);
		return;
	}
	if (t < h->tmin) {
		h->tmin = t;
		origin = floor_second(t);
		/* unsorted input: the grid must stay aligned with the new origin */
		if (__builtin_sub_overflow(h->anchor, origin, &span))
			fail_span(h);
		if (span % h->width != 0)
			fp_die("the input is not time-ordered and a column width of %" PRId64
			       " ns does not divide the shift of the origin; sort it (eventsort) "
			       "or use a --column that divides one second", h->width);
	}
	if (t > h->tmax)
		h->tmax = t;
	origin = floor_second(h->tmin);
	if (__builtin_sub_overflow(h->tmax, origin, &span) || span / h->width >= h->max_cols)
		fail_span(h);
}

/* The cells of column k, allocated (zeroed) on first use. */
static int64_t *column(struct hm *h, int64_t k)
{
	size_t rows = (size_t)h->rows;

	if (h->ncap == 0) {
		h->ncap = 16;
		h->kfirst = k;
		h->cells = fp_calloc(h->ncap * rows, sizeof *h->cells);
	} else if (k >= h->kfirst + (int64_t)h->ncap) {
		size_t need = (size_t)(k - h->kfirst) + 1, cap = h->ncap * 2;

		if (cap < need)
			cap = need;
		h->cells = fp_realloc(h->cells, cap * rows * sizeof *h->cells);
		memset(h->cells + h->ncap * rows, 0, (cap - h->ncap) * rows * sizeof *h->cells);
		h->ncap = cap;
	} else if (k < h->kfirst) {
		size_t more = (size_t)(h->kfirst - k), cap = h->ncap + (more > h->ncap ? more : h->ncap);
		size_t extra = cap - h->ncap;
		int64_t *c = fp_calloc(cap * rows, sizeof *c);

		memcpy(c + extra * rows, h->cells, h->ncap * rows * sizeof *c);
		free(h->cells);
		h->cells = c;
		h->ncap = cap;
		h->kfirst -= (int64_t)extra;
	}
	return h->cells + (size_t)(k - h->kfirst) * rows;
}

/* Add v to the cell of time t (observed before). */
void hm_add(struct hm *h, int64_t t, int64_t v)
{
	int64_t off = t - h->anchor;	/* |off| < max span: checked by hm_observe() */
	int64_t k = floor_div(off, h->width), sub = off - k * h->width;
	int64_t *c = &column(h, k)[sub * h->rows / h->width];

	*c = (int64_t)((uint64_t)*c + (uint64_t)v);	/* wraps, never UB */
}

static int wanted_event(struct hm *h, struct slice ev)
{
	if (!h->event) {
		if (!h->weight)
			return 1;
		h->event = h->event_alloc = fp_strndup(ev.p, ev.n);	/* -w: the first event */
	}
	if (!h->event_len)
		h->event_len = strlen(h->event) + 1;	/* + 1: 0 is "not yet" */
	return h->event_len - 1 == ev.n && bytes_eq(h->event, ev.p, ev.n);
}

static void sample(struct hm *h, const struct ev_rec *r)
{
	h->samples++;
	if (!wanted_event(h, r->event)) {
		h->other++;
		return;
	}
	if (!h->keep_idle && idle_sample(r->comm, r->stack)) {
		h->idle++;
		return;
	}
	hm_add(h, r->time, h->weight ? r->weight : 1);
	h->counted++;
	h->wsum += (uint64_t)r->weight;
	if (!h->ev_first) {
		h->ev_first = fp_strndup(r->event.p, r->event.n);
		h->ev_first_len = r->event.n;
	} else if (!h->ev_many && (h->ev_first_len != r->event.n ||
				   !bytes_eq(h->ev_first, r->event.p, r->event.n))) {
		h->ev_many = 1;
	}
}

/* The unit an E record gave EVENT, or NULL. */
const char *hm_unit_of(const struct hm *h, const char *event)
{
	size_t i;

	for (i = 0; i + 1 < h->nunits; i += 2)
		if (strcmp(h->units[i], event) == 0)
			return h->units[i + 1];
	return NULL;
}

/* EVENT's unit is UNIT, unless it had one (the first one counts). */
void hm_declare_unit(struct hm *h, struct slice event, struct slice unit)
{
	char *ev = fp_strndup(event.p, event.n);

	if (hm_unit_of(h, ev) || h->nunits >= 2 * 1024) {
		free(ev);
		return;
	}
	fp_grow(&h->units, &h->units_cap, h->nunits + 2, sizeof *h->units);
	h->units[h->nunits++] = ev;
	h->units[h->nunits++] = fp_strndup(unit.p, unit.n);
}

/* want(): every thread record sets the time axis, before the model looks
 * at it; only samples go on (to on_sample). Spans and instants stop here,
 * so the model's span repair never sees them (heatmap has no spans). */
static int on_record(void *ctx, const struct ev_rec *r)
{
	struct hm *h = ctx;

	if (r->time == EV_NONE) {
		if (r->type == 'S')
			skip_record(&h->md.skips, h->md.file, h->md.lineno,
				    "sample without a time (heatmap needs timed samples)");
		return 0;
	}
	if (r->time < TIME_FLOOR_MIN) {
		skip_record(&h->md.skips, h->md.file, h->md.lineno, "time out of range");
		return 0;
	}
	hm_observe(h, r->time);
	return r->type == 'S';
}

static void on_sample(void *ctx, const struct md_sample *s)
{
	sample(ctx, s->rec);
}

static void on_other(void *ctx, const struct ev_rec *r)
{
	if (r->type == 'E')
		hm_declare_unit(ctx, r->event, r->name);
}

static void on_header(void *ctx, struct slice line)
{
	struct hm *h = ctx;
	int64_t t;

	if (line.n > 7 && memcmp(line.p, "#start ", 7) == 0) {
		if (ev_parse_time(line.p + 7, line.n - 7, &t) == 0 && t >= TIME_FLOOR_MIN)
			hm_observe(h, t);
		else
			skip_record(&h->md.skips, h->md.file, h->md.lineno, "bad time in #start header");
	} else if (line.n > 7 && memcmp(line.p, "#input ", 7) == 0 && !h->input) {
		h->input = fp_strndup(line.p + 7, line.n - 7);
	}
}

/* heatmap needs no stacks (the idle rule reads the STACK text of the
 * record), no spans, and keeps its own reading of E records (the first
 * unit counts, a second one is not an error here); D records are left out
 * as before, not refused. */
void hm_read_init(struct hm *h)
{
	static const struct model_opts opts = { .no_stacks = 1, .no_threads = 1, .keep_unnested = 1,
						.no_units = 1 };
	const struct md_sink sink = { .ctx = h, .want = on_record, .header = on_header,
				      .sample = on_sample, .other = on_other };

	model_init(&h->md, &sink, &opts);
}

void hm_free(struct hm *h)
{
	size_t i;

	model_free(&h->md);
	for (i = 0; i < h->nunits; i++)
		free(h->units[i]);
	free(h->units);
	free(h->cells);
	free(h->ev_first);
	free(h->event_alloc);
	free(h->input);
	buf_free(&h->v.t1);
	buf_free(&h->v.t2);
	buf_free(&h->tmp);
}

/* Value of column c (0 = origin), bucket b (0 = bottom). */
int64_t hm_cell(const struct hm *h, int64_t c, int b)
{
	int64_t k = c - h->m.shift;

	if (h->ncap == 0 || k < h->kfirst || k >= h->kfirst + (int64_t)h->ncap)
		return 0;
	return h->cells[(size_t)(k - h->kfirst) * (size_t)h->rows + (size_t)b];
}

void hm_finish(struct hm *h)
{
	int64_t c;
	int b;

	if (!h->have_time)
		return;
	h->m.origin = floor_second(h->tmin);
	h->m.ncols = (h->tmax - h->m.origin) / h->width + 1;
	h->m.shift = (h->anchor - h->m.origin) / h->width;
	for (c = 0; c < h->m.ncols; c++)
		for (b = 0; b < h->rows; b++) {
			int64_t v = hm_cell(h, c, b);

			h->m.total = (int64_t)((uint64_t)h->m.total + (uint64_t)v);
			if (v > h->m.max)
				h->m.max = v;
		}
}

/* Lower edge of bucket b, ns from the start of its column: ceil(b*W/rows). */
int64_t hm_edge(const struct hm *h, int b)
{
	return ((int64_t)b * h->width + h->rows - 1) / h->rows;
}
