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

/* The cells of column k, allocated (zeroed) on first use. */
static int64_t *column(struct hm *h, int64_t k)
{
	size_t rows = (size_t)h->g.rows;

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

/* Add v to the cell of an observed time t (wrapping, never UB): a
 * sample, or a partial map's cell (--merge). */
void hm_add(struct hm *h, int64_t t, int64_t v)
{
	int64_t k, *c;
	int b;

	hgrid_locate(&h->g, t, &k, &b);
	c = &column(h, k)[b];
	*c = (int64_t)((uint64_t)*c + (uint64_t)v);
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

	if (!hgrid_record(&h->g, &h->md, r, "sample without a time (heatmap needs timed samples)"))
		return 0;
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

	hgrid_header(&h->g, &h->md, line);
	if (line.n > 7 && memcmp(line.p, "#input ", 7) == 0 && !h->input)
		h->input = fp_strndup(line.p + 7, line.n - 7);
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
	return h->cells[(size_t)(k - h->kfirst) * (size_t)h->g.rows + (size_t)b];
}

void hm_finish(struct hm *h)
{
	struct hgrid_axis a = hgrid_axis(&h->g);
	int64_t c;
	int b;

	if (!h->g.have_time)
		return;
	h->m.origin = a.origin;
	h->m.ncols = a.ncols;
	h->m.shift = a.shift;
	for (c = 0; c < h->m.ncols; c++)
		for (b = 0; b < h->g.rows; b++) {
			int64_t v = hm_cell(h, c, b);

			h->m.total = (int64_t)((uint64_t)h->m.total + (uint64_t)v);
			if (v > h->m.max)
				h->m.max = v;
		}
}
