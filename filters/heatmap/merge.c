/* heatmap/merge.c - --merge: partial maps (heatmap's TSV, or its JSON)
 * summed into the map of their whole stream (docs/heatmap.md §6).
 *
 * A partial's cell (column c, bucket b) is the time origin + c*W +
 * edge(b) of its stream, and goes to the cell of that time in the merged
 * map (hm_add), whose origin is the earliest partial's: cells line up when
 * the origins are whole columns apart. The time axis is each partial's
 * first and last times (JSON), or its origin and last column (TSV: all
 * that the column count needs). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/input.h"
#include "../../common/json.h"
#include "../../common/timespec.h"
#include "heatmap.h"

/* One partial map as read. */
struct part {
	const char *file;
	int json, rows, weight, keep_idle, have_time, have_first;
	int64_t width, origin, first, last, ncols, nrows_seen;
	char *event, *unit, *input;	/* NULL: "*" (TSV), null (JSON) */
	int has_input;
	uint64_t counted, wsum, idle;
	int64_t *v;	/* values, column-major, top row first */
	size_t nv, vcap;
	const char *bad;	/* why it is not a map heatmap wrote */
};

static void add_value(struct part *p, int64_t v)
{
	fp_grow(&p->v, &p->vcap, p->nv + 1, sizeof *p->v);
	p->v[p->nv++] = v;
}

static char *dup_slice(const char *p, size_t n)
{
	return fp_strndup(p, n);
}

/* ---- TSV: "# heatmap: rows=R column=Ws origin=T columns=N ... event=E idle=I (kept)" ---- */

/* The value after " NAME=" in line, up to the next space (or the end). */
static int field(const char *line, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t k = strlen(name), i;

	for (i = 0; i + k + 1 < n; i++)
		if ((i == 0 || line[i - 1] == ' ') && memcmp(line + i, name, k) == 0 && line[i + k] == '=') {
			const char *e, *s = line + i + k + 1;

			e = memchr(s, ' ', (size_t)(line + n - s));
			*v = s;
			*vn = (size_t)((e ? e : line + n) - s);
			return 0;
		}
	return -1;
}

static int field_i64(const char *line, size_t n, const char *name, int64_t *out)
{
	const char *v;
	size_t vn;

	return field(line, n, name, &v, &vn) < 0 || vn == 0 || vn > 20 ||
	       json_decimal(v, vn, 0, out) < 0 || *out < 0 ? -1 : 0;
}

static const char *tsv_summary(struct part *p, const char *l, size_t n)
{
	const char *v, *ev;
	char tmp[32];
	size_t vn;
	int64_t rows;

	if (n < 11 || memcmp(l, "# heatmap: ", 11) != 0)
		return "not a map heatmap wrote (TSV or JSON)";
	if (field_i64(l, n, "rows", &rows) < 0 || rows < 1 || rows > 10000 ||
	    field_i64(l, n, "columns", &p->ncols) < 0 || field(l, n, "column", &v, &vn) < 0 ||
	    vn < 2 || vn >= sizeof tmp || field(l, n, "origin", &v, &vn) < 0)
		return "a bad summary line";
	p->rows = (int)rows;
	field(l, n, "column", &v, &vn);
	memcpy(tmp, v, vn);
	tmp[vn] = 0;
	if (timespec_parse(tmp, &p->width) < 0 || p->width < 1000 || p->width > 86400 * NS)
		return "a bad column width";
	field(l, n, "origin", &v, &vn);
	p->have_time = !(vn == 1 && v[0] == '-');
	if (p->have_time && ev_parse_time(v, vn, &p->origin) < 0)
		return "a bad origin";
	if (field(l, n, "value", &v, &vn) < 0)
		return "a bad summary line";
	p->weight = vn == 6 && memcmp(v, "weight", 6) == 0;
	/* event=E idle=N (kept|excluded): the event may hold spaces */
	ev = NULL;
	for (v = l; (v = memchr(v, ' ', (size_t)(l + n - v))) != NULL; v++)
		if ((size_t)(l + n - v) > 6 && memcmp(v, " idle=", 6) == 0)
			ev = v;
	if (!ev || field(l, (size_t)(ev - l), "event", &v, &vn) < 0)
		return "a bad summary line";
	vn = (size_t)(ev - v);
	if (!(vn == 1 && v[0] == '*'))
		p->event = dup_slice(v, vn);
	if (field_i64(l, n, "idle", (int64_t *)&p->idle) < 0)
		return "a bad idle count";
	p->keep_idle = n > 7 && memcmp(l + n - 7, " (kept)", 7) == 0;
	return NULL;
}

/* A row line: its lower edge in ms, then one value per column. */
static const char *tsv_row(struct part *p, const char *l, size_t n)
{
	const char *s = memchr(l, '\t', n), *e;
	int64_t k = 0, v;

	while (s) {
		s++;
		e = memchr(s, '\t', (size_t)(l + n - s));
		if (json_decimal(s, (size_t)((e ? e : l + n) - s), 0, &v) < 0)
			return "a bad value";
		add_value(p, v);	/* row-major for now */
		k++;
		s = e;
	}
	if (k != p->ncols)
		return "a row of another length than the columns";
	p->nrows_seen++;
	return NULL;
}

/* Rows top first to columns (the JSON order). */
static void tsv_transpose(struct part *p)
{
	int64_t *t = fp_malloc((p->nv ? p->nv : 1) * sizeof *t), c, r;

	for (r = 0; r < p->rows; r++)
		for (c = 0; c < p->ncols; c++)
			t[c * p->rows + r] = p->v[r * p->ncols + c];
	free(p->v);
	p->v = t;
}

static int read_tsv(struct part *p, struct input *in)
{
	char *l;
	size_t n;
	int r = 0;

	while (!p->bad && (r = input_getline(in, &l, &n)) > 0) {
		if (n && l[n - 1] == '\r')
			n--;	/* CRLF */
		if (in->lineno == 1)
			p->bad = tsv_summary(p, l, n);
		else if (in->lineno == 2)
			p->bad = n >= 2 && memcmp(l, "ms", 2) == 0 ? NULL : "no column line";
		else if (p->nrows_seen < p->rows)
			p->bad = tsv_row(p, l, n);
		else
			p->bad = "more rows than its summary says";
	}
	if (r < 0)
		return -1;
	if (!p->bad && p->nrows_seen != p->rows)
		p->bad = "fewer rows than its summary says (cut short?)";
	if (!p->bad)
		tsv_transpose(p);
	return 0;
}

/* ---- JSON: heatmap -j ---- */

static int json_value(struct json *j, enum json_type t, const char *s, size_t n)
{
	struct part *p = j->ctx;
	int64_t v;

	if (j->depth == 2 && json_key_is(j, 0, "rows"))
		p->rows++;
	if (j->depth == 2 && json_key_is(j, 0, "values"))
		p->ncols++;
	if (j->depth == 3 && json_key_is(j, 0, "values")) {
		if (t != JSON_NUMBER || json_decimal(s, n, 0, &v) < 0)
			p->bad = "a bad value";
		else
			add_value(p, v);
	}
	if (j->depth != 1)
		return !p->bad;
	if (t == JSON_STRING && (json_key_is(j, 0, "first") || json_key_is(j, 0, "last"))) {
		if (n == 0)
			return 1;
		p->have_first = 1;
		if (ev_parse_time(s, n, json_key_is(j, 0, "first") ? &p->first : &p->last) < 0)
			p->bad = "a bad time";
	} else if (t == JSON_STRING && json_key_is(j, 0, "origin")) {
		p->have_time = n > 0;
		if (n && ev_parse_time(s, n, &p->origin) < 0)
			p->bad = "a bad origin";
	} else if (t == JSON_STRING && (json_key_is(j, 0, "event") || json_key_is(j, 0, "unit") ||
					json_key_is(j, 0, "input"))) {
		char **to = json_key_is(j, 0, "event") ? &p->event : json_key_is(j, 0, "unit") ? &p->unit : &p->input;

		free(*to);	/* a repeated key: the last one counts */
		*to = dup_slice(s, n);
	} else if (t == JSON_STRING && json_key_is(j, 0, "value")) {
		p->weight = n == 6 && memcmp(s, "weight", 6) == 0;
	} else if (t == JSON_TRUE && json_key_is(j, 0, "idle_kept")) {
		p->keep_idle = 1;
	} else if (t == JSON_NUMBER) {
		uint64_t *u = json_key_is(j, 0, "counted") ? &p->counted : json_key_is(j, 0, "weights") ? &p->wsum
			    : json_key_is(j, 0, "idle") ? &p->idle : NULL;

		if (json_key_is(j, 0, "column_ns") && json_decimal(s, n, 0, &p->width) < 0)
			p->bad = "a bad column width";
		if (u)
			*u = strtoull(s, NULL, 10);	/* heatmap's own digits */
	}
	return !p->bad;
}

static int json_end(struct json *j, enum json_type t)
{
	(void)j;
	(void)t;
	return 1;
}

static int read_json(struct part *p, struct input *in)
{
	static const struct json_handler h = { .value = json_value, .end = json_end };
	struct json j;
	enum json_result r;

	json_init(&j, &h, p);
	r = json_parse_input(&j, in);
	json_free(&j);
	if (r == JSON_READ_ERROR)
		return -1;
	if (!p->bad && r != JSON_OK)
		p->bad = r == JSON_TRUNCATED ? "a JSON map cut short" : "invalid JSON";
	if (!p->bad && (!p->have_first && p->have_time))
		p->bad = "a JSON map without first and last times (an older heatmap's?)";
	if (!p->bad && (p->width < 1000 || p->width > 86400 * NS || p->rows < 1 || p->rows > 10000 ||
			p->nv != (size_t)p->ncols * (size_t)p->rows))
		p->bad = "not a map heatmap wrote (rows, columns and values disagree)";
	return 0;
}

/* ---- merging ---- */

/* A map that cannot be merged: said, and no map is written at all (a
 * partial sum would look like the whole). -1. */
static int fail(struct hm *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct hm *h, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fp_warn("%s", msg);
	h->md.bad_input = 1;
	return -1;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The partial's settings against the map's (the first partial's). */
static int check_settings(struct hm *h, struct part *p)
{
	const char *what = NULL;

	if (h->mg.n == 0) {
		if (!p->json && (h->fmt == F_JSON || h->fmt == F_SVG || h->fmt == F_TERM))
			return fail(h, "%s: a TSV map has no titles: --json, --svg and --term merge JSON maps "
			       "(heatmap -j)", p->file);
		if (p->json && (h->fmt == F_TSV || h->fmt == F_LIST))
			return fail(h, "%s: a JSON map does not say its event setting: TSV and --list merge "
			       "TSV maps", p->file);
		h->g.rows = p->rows;
		h->g.width = p->width;
		h->weight = p->weight;
		h->keep_idle = p->keep_idle;
		h->mg.json = p->json;
		h->mg.file0 = fp_strndup(p->file, strlen(p->file));
		if (!p->json && p->event)
			h->event = h->event_alloc = fp_strndup(p->event, strlen(p->event));
		return 0;
	}
	if (p->json != h->mg.json)
		what = "TSV and JSON maps do not mix";
	else if (p->rows != h->g.rows)
		what = "other rows";
	else if (p->width != h->g.width)
		what = "another column width";
	else if (p->weight != h->weight)
		what = "other values: samples, weights";
	else if (p->keep_idle != h->keep_idle)
		what = "idle samples kept in one (-i)";
	else if (!p->json && !same_str(p->event, h->event))
		what = "another event";
	if (what)
		return fail(h, "%s: not made like %s (%s): merge maps made alike", p->file, h->mg.file0, what);
	return 0;
}

/* JSON: what the titles need (events, units, times, counts). */
static int add_json(struct hm *h, struct part *p)
{
	if (p->counted && !p->event)
		h->ev_many = 1;
	if (p->counted && p->event) {
		if (!h->ev_first) {
			h->ev_first = fp_strndup(p->event, strlen(p->event));
			h->ev_first_len = strlen(p->event);
		} else if (strcmp(h->ev_first, p->event) != 0) {
			if (h->weight)
				return fail(h, "%s: weights of '%s', %s's of '%s': give the partial maps -e EVENT",
				       p->file, p->event, h->mg.file0, h->ev_first);
			h->ev_many = 1;
		}
		if (h->weight && !h->event)
			h->event = h->ev_first;
		if (p->unit)
			hm_declare_unit(h, (struct slice){ p->event, strlen(p->event) },
					(struct slice){ p->unit, strlen(p->unit) });
	}
	if (h->mg.n == 0)
		h->input = p->input ? fp_strndup(p->input, strlen(p->input)) : NULL;
	else if (!same_str(h->input, p->input)) {	/* no one input */
		free(h->input);
		h->input = NULL;
	}
	h->counted += p->counted;
	h->wsum += p->wsum;
	return 0;
}

/* The partial's time axis: its first and last times (JSON; inside its
 * columns), or its origin and last column (TSV); the merged span within
 * --max-columns. */
static int part_span(struct hm *h, struct part *p, int64_t *lo, int64_t *hi)
{
	int64_t end, span;

	if (p->ncols < 1 || p->ncols > h->g.max_cols || p->origin < TIME_FLOOR_MIN ||
	    p->origin != floor_second(p->origin) ||
	    __builtin_mul_overflow(p->ncols, p->width, &end) || __builtin_add_overflow(end, p->origin, &end))
		return fail(h, "%s: a bad origin or column count", p->file);
	*lo = p->json ? p->first : p->origin;
	*hi = p->json ? p->last : end - p->width;
	if (*lo < p->origin || *lo >= p->origin + p->width || *hi < *lo || *hi >= end)
		return fail(h, "%s: its first and last times are not in its columns", p->file);
	if (h->g.have_time && (p->origin - h->m.origin) % h->g.width != 0)
		return fail(h, "%s: its columns do not line up with %s's (origins %" PRId64 " ns apart, "
			    "columns of %" PRId64 " ns)", p->file, h->mg.file0, p->origin - h->m.origin, h->g.width);
	if (h->g.have_time && h->g.tmin < *lo)
		*lo = h->g.tmin;
	if (h->g.have_time && h->g.tmax > *hi)
		*hi = h->g.tmax;
	if (__builtin_sub_overflow(*hi, floor_second(*lo), &span) || span / h->g.width >= h->g.max_cols)
		return fail(h, "%s: the maps span more than %lld columns (--max-columns)", p->file, h->g.max_cols);
	return 0;
}

static int add_part(struct hm *h, struct part *p)
{
	int64_t c, r, lo = 0, hi = 0;

	if (check_settings(h, p) < 0 || (p->json && add_json(h, p) < 0))
		return -1;
	h->idle += p->idle;
	h->mg.n++;
	if (!p->have_time)
		return 0;
	if (part_span(h, p, &lo, &hi) < 0)
		return -1;
	if (!h->g.have_time || p->origin < h->m.origin)
		h->m.origin = p->origin;	/* for the check in part_span() */
	hgrid_observe(&h->g, lo);
	hgrid_observe(&h->g, hi);
	for (c = 0; c < p->ncols; c++)
		for (r = 0; r < p->rows; r++) {
			int b = p->rows - 1 - (int)r;
			int64_t v = p->v[c * p->rows + r];

			if (v)
				hm_add(h, p->origin + c * p->width + hgrid_edge(&h->g, b), v);
		}
	return 0;
}

static void part_free(struct part *p)
{
	free(p->event);
	free(p->unit);
	free(p->input);
	free(p->v);
}

/* cli_each_input()'s fn: one partial map. */
int hm_merge(const char *path, void *ctx)
{
	struct hm *h = ctx;
	struct part p = { 0 };
	struct input in;
	const char *b;
	size_t n;
	int r;

	if (h->md.bad_input)
		return 1;	/* no map will be written: the first error says why */
	if (input_open(&in, path) < 0)
		return 1;
	p.file = in.name;
	r = input_peek(&in, &b, &n);
	if (r == 0 && n == 0) {
		input_close(&in);	/* an empty file: nothing to add */
		return 0;
	}
	if (r == 0) {
		p.json = b[0] == '{';
		r = p.json ? read_json(&p, &in) : read_tsv(&p, &in);
	}
	if (r == 0 && p.bad && p.json)
		r = fail(h, "%s: %s", p.file, p.bad);
	else if (r == 0 && p.bad)
		r = fail(h, "%s:%" PRIu64 ": %s", p.file, in.lineno, p.bad);
	else if (r == 0)
		r = add_part(h, &p);
	part_free(&p);
	input_close(&in);
	if (r < 0)
		h->md.bad_input = 1;
	return r < 0;
}

void hm_merge_end(struct hm *h)
{
	free(h->mg.file0);
	h->mg.file0 = NULL;
}
