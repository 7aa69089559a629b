/* heatmap - FlameScope's sub-second offset heat map of an events stream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/evscan.h"
#include "../common/idle.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "../common/timespec.h"
#include "../common/timeunit.h"

static const struct cli_info info = {
	"heatmap",
	"heatmap [-ijlqsTw] [-c DURATION] [-e EVENT] [-r ROWS] [--max-columns N] [--strict] [FILE ...]",
	"Count the samples (S records) of a flamepipe events stream (events(5)) in\n"
	"a sub-second offset heat map, FlameScope's layout: one column per second\n"
	"from the whole second before the stream's start, ROWS rows per column,\n"
	"row 0 on top (the end of the second). A sample exactly on a cell edge is\n"
	"in the later cell. Idle samples (idle task in its idle loop) are left\n"
	"out. The default output is a TSV matrix, one line per row, one field per\n"
	"column. FILE - or no FILE reads stdin. See docs/heatmap.md.\n"
	"\n"
	"  -r, --rows=ROWS        rows per column (default 50: 20 ms each)\n"
	"  -c, --column=DURATION  column width (default 1s; 500ms, 2s, ...)\n"
	"  -w, --weight           sum weights (of one event) instead of counting\n"
	"  -e, --event=EVENT      only samples of EVENT (with -w: default the first)\n"
	"  -i, --idle             keep idle samples\n"
	"  -l, --list             one line per non-empty cell: col, row, row_ms,\n"
	"                         value, and its start and end for timeslice -f\n"
	"  -j, --json             FlameScope's JSON: rows, columns, values, maxvalue\n"
	"  -s, --svg              an SVG picture, a tooltip with a timeslice command per cell\n"
	"  -T, --term             a coloured view for a terminal (24-bit colour)\n"
	"      --max-columns=N    refuse time spans wider than N columns (default 36000)\n"
	"      --strict           stop at the first malformed record\n"
	"  -q, --quiet            no progress line on a terminal\n"
	"      --help             show this help and exit\n"
	"      --version          show the version and exit\n",
};

#define NS 1000000000LL

enum format { F_TSV, F_LIST, F_JSON, F_SVG, F_TERM };

static struct {
	int rows, weight, keep_idle;
	int bad_input;		/* an input was not an events stream: write nothing */
	int64_t width;		/* column width, ns */
	long long max_cols;
	enum format fmt;
	char *event;		/* only this event, or NULL */
	struct skips skips;
	/* Times seen: the origin is the whole second at or before tmin. */
	int have_time;
	int64_t tmin, tmax;
	/* Cells: column k (relative to anchor, the whole second of the first
	 * time seen) is storage column k - kfirst; rows counted from the bottom. */
	int64_t anchor, kfirst;
	int64_t *cells;
	size_t ncap;
	uint64_t samples, idle, other, counted;
	/* for the titles: what was measured */
	char *ev_first;		/* the event of the first counted sample */
	int ev_many;		/* counted samples of more than one event */
	uint64_t wsum;		/* their weights (wrapping) */
	char **units;		/* E records: event, unit, event, unit, ... */
	size_t nunits, units_cap;
	char *input;		/* the #input header, else the one FILE operand */
} g;

static void fail_span(void)
{
	fp_die("the stream's time span needs more than %lld columns of %" PRId64
	       " ns (--max-columns; a wider --column or timeslice(1) first)",
	       g.max_cols, g.width);
}

/* Record a time of the stream: it may move the origin and widen the map. */
static void observe(int64_t t)
{
	int64_t origin, span;

	if (!g.have_time) {
		g.have_time = 1;
		g.tmin = g.tmax = t;
		g.anchor = floor_second(t);
		return;
	}
	if (t < g.tmin) {
		g.tmin = t;
		origin = floor_second(t);
		/* unsorted input: the grid must stay aligned with the new origin */
		if (__builtin_sub_overflow(g.anchor, origin, &span))
			fail_span();
		if (span % g.width != 0)
			fp_die("the input is not time-ordered and a column width of %" PRId64
			       " ns does not divide the shift of the origin; sort it (eventsort) "
			       "or use a --column that divides one second", g.width);
	}
	if (t > g.tmax)
		g.tmax = t;
	origin = floor_second(g.tmin);
	if (__builtin_sub_overflow(g.tmax, origin, &span) || span / g.width >= g.max_cols)
		fail_span();
}

/* The cells of column k, allocated (zeroed) on first use. */
static int64_t *column(int64_t k)
{
	size_t rows = (size_t)g.rows;

	if (g.ncap == 0) {
		g.ncap = 16;
		g.kfirst = k;
		g.cells = fp_calloc(g.ncap * rows, sizeof *g.cells);
	} else if (k >= g.kfirst + (int64_t)g.ncap) {
		size_t need = (size_t)(k - g.kfirst) + 1, cap = g.ncap * 2;

		if (cap < need)
			cap = need;
		g.cells = fp_realloc(g.cells, cap * rows * sizeof *g.cells);
		memset(g.cells + g.ncap * rows, 0, (cap - g.ncap) * rows * sizeof *g.cells);
		g.ncap = cap;
	} else if (k < g.kfirst) {
		size_t more = (size_t)(g.kfirst - k), cap = g.ncap + (more > g.ncap ? more : g.ncap);
		size_t extra = cap - g.ncap;
		int64_t *c = fp_calloc(cap * rows, sizeof *c);

		memcpy(c + extra * rows, g.cells, g.ncap * rows * sizeof *c);
		free(g.cells);
		g.cells = c;
		g.ncap = cap;
		g.kfirst -= (int64_t)extra;
	}
	return g.cells + (size_t)(k - g.kfirst) * rows;
}

static int wanted_event(struct slice ev)
{
	if (!g.event) {
		if (!g.weight)
			return 1;
		g.event = fp_strndup(ev.p, ev.n);	/* -w: the first event */
	}
	return strlen(g.event) == ev.n && memcmp(g.event, ev.p, ev.n) == 0;
}

static void sample(const struct ev_rec *r)
{
	int64_t off, k, sub, *c;

	g.samples++;
	if (!wanted_event(r->event)) {
		g.other++;
		return;
	}
	if (!g.keep_idle && idle_sample(r->comm, r->stack)) {
		g.idle++;
		return;
	}
	off = r->time - g.anchor;	/* |off| < max span: checked by observe() */
	k = floor_div(off, g.width);
	sub = off - k * g.width;
	c = &column(k)[sub * g.rows / g.width];
	*c = (int64_t)((uint64_t)*c + (uint64_t)(g.weight ? r->weight : 1));	/* wraps, never UB */
	g.counted++;
	g.wsum += (uint64_t)r->weight;
	if (!g.ev_first)
		g.ev_first = fp_strndup(r->event.p, r->event.n);
	else if (!g.ev_many && (strlen(g.ev_first) != r->event.n ||
				memcmp(g.ev_first, r->event.p, r->event.n) != 0))
		g.ev_many = 1;
}

/* The unit an E record gave EVENT, or NULL. */
static const char *unit_of(const char *event)
{
	size_t i;

	for (i = 0; i + 1 < g.nunits; i += 2)
		if (strcmp(g.units[i], event) == 0)
			return g.units[i + 1];
	return NULL;
}

static void declare_unit(const struct ev_rec *r)
{
	char *ev = fp_strndup(r->event.p, r->event.n);

	if (unit_of(ev) || g.nunits >= 2 * 1024) {	/* the first one counts */
		free(ev);
		return;
	}
	fp_grow(&g.units, &g.units_cap, g.nunits + 2, sizeof *g.units);
	g.units[g.nunits++] = ev;
	g.units[g.nunits++] = fp_strndup(r->name.p, r->name.n);
}

static void record(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	switch (r->type) {
	case 'S': case 'O': case 'C': case 'I':	/* thread records set the time axis */
		if (r->time == EV_NONE) {
			if (r->type == 'S')
				skip_record(&g.skips, file, lineno,
					    "sample without a time (heatmap needs timed samples)");
			return;
		}
		if (r->time < TIME_FLOOR_MIN) {
			skip_record(&g.skips, file, lineno, "time out of range");
			return;
		}
		observe(r->time);
		if (r->type == 'S')
			sample(r);
		break;
	case 'E':
		declare_unit(r);
		break;
	default:
		break;
	}
}

static void header(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	int64_t t;

	if (r->line.n > 7 && memcmp(r->line.p, "#start ", 7) == 0) {
		if (ev_parse_time(r->line.p + 7, r->line.n - 7, &t) == 0 && t >= TIME_FLOOR_MIN)
			observe(t);
		else
			skip_record(&g.skips, file, lineno, "bad time in #start header");
	} else if (r->line.n > 7 && memcmp(r->line.p, "#input ", 7) == 0 && !g.input) {
		g.input = fp_strndup(r->line.p + 7, r->line.n - 7);
	}
}

static int map_input(const char *path, void *ctx)
{
	struct ev_reader rd;
	struct ev_rec r;
	int k;

	(void)ctx;
	if (ev_reader_open(&rd, path, &g.skips) < 0)
		return 1;
	while ((k = evscan_next(&rd, &r)) != EV_EOF && k != EV_ERROR) {
		if (k == EV_RECORD)
			record(&r, rd.in.name, rd.in.lineno);
		else
			header(&r, rd.in.name, rd.in.lineno);
	}
	ev_reader_close(&rd);
	if (k == EV_ERROR)
		g.bad_input = 1;
	return k == EV_ERROR;
}

/* ---- the finished map ---- */

static struct {
	int64_t origin, ncols, shift, max, total;
} m;

static struct buf g_tmp;	/* scratch for labels */

/* Value of column c (0 = origin), bucket b (0 = bottom). */
static int64_t cell(int64_t c, int b)
{
	int64_t k = c - m.shift;

	if (g.ncap == 0 || k < g.kfirst || k >= g.kfirst + (int64_t)g.ncap)
		return 0;
	return g.cells[(size_t)(k - g.kfirst) * (size_t)g.rows + (size_t)b];
}

static void finish(void)
{
	int64_t c;
	int b;

	if (!g.have_time)
		return;
	m.origin = floor_second(g.tmin);
	m.ncols = (g.tmax - m.origin) / g.width + 1;
	m.shift = (g.anchor - m.origin) / g.width;
	for (c = 0; c < m.ncols; c++)
		for (b = 0; b < g.rows; b++) {
			int64_t v = cell(c, b);

			m.total = (int64_t)((uint64_t)m.total + (uint64_t)v);
			if (v > m.max)
				m.max = v;
		}
}

/* Lower edge of bucket b, ns from the start of its column: ceil(b*W/rows). */
static int64_t edge(int b)
{
	return ((int64_t)b * g.width + g.rows - 1) / g.rows;
}

static void put_secs(int64_t ns)
{
	char buf[32];

	out_write(buf, timespec_format(buf, ns));
}

/* ns as milliseconds, shortest exact decimal */
static void put_ms(int64_t ns)
{
	put_secs(ns * 1000);
}

static void put_summary(void)
{
	out_puts("# heatmap: rows=");
	out_i64(g.rows);
	out_puts(" column=");
	put_secs(g.width);
	out_puts("s origin=");
	if (g.have_time)
		ev_put_time(m.origin);
	else
		out_putc('-');
	out_puts(" columns=");
	out_i64(m.ncols);
	out_puts(" maxvalue=");
	out_i64(m.max);
	out_puts(" total=");
	out_i64(m.total);
	out_puts(g.weight ? " value=weight" : " value=samples");
	out_puts(" event=");
	out_puts(g.event ? g.event : "*");
	out_puts(" idle=");
	out_u64(g.idle);
	out_puts(g.keep_idle ? " (kept)\n" : " (excluded)\n");
}

static void put_tsv(void)
{
	int64_t c;
	int b;

	put_summary();
	out_puts("ms");
	for (c = 0; c < m.ncols; c++) {
		out_putc('\t');
		out_i64(c);
	}
	out_putc('\n');
	for (b = g.rows - 1; b >= 0; b--) {
		put_ms(edge(b));
		for (c = 0; c < m.ncols; c++) {
			out_putc('\t');
			out_i64(cell(c, b));
		}
		out_putc('\n');
	}
}

static void put_list(void)
{
	int64_t c;
	int b;

	put_summary();
	out_puts("# col\trow\trow_ms\tvalue\tstart\tend\n");
	for (c = 0; c < m.ncols; c++)
		for (b = g.rows - 1; b >= 0; b--) {
			int64_t v = cell(c, b);

			if (v == 0)
				continue;
			out_i64(c);
			out_putc('\t');
			out_i64(g.rows - 1 - b);
			out_putc('\t');
			put_ms(edge(b));
			out_putc('\t');
			out_i64(v);
			out_putc('\t');
			put_secs(c * g.width + edge(b));
			out_putc('\t');
			put_secs(c * g.width + edge(b + 1));
			out_putc('\n');
		}
}

/* ---- what the map shows, in words (SVG, --term, JSON) ---- */

static struct {
	const char *event;	/* the one event of the map, or NULL (several) */
	const char *unit;	/* its E unit, or NULL */
	int64_t nspu;		/* ns per unit of its weights; 0: not a time */
	struct buf t1, t2;	/* title: what was measured; when and how */
} v;

/* n with thousands separators: 12,345 */
static void add_grouped(struct buf *b, uint64_t n)
{
	char d[24];
	int k = snprintf(d, sizeof d, "%" PRIu64, n), i;

	for (i = 0; i < k; i++) {
		if (i > 0 && (k - i) % 3 == 0)
			buf_addc(b, ',');
		buf_addc(b, d[i]);
	}
}

static void add_i64(struct buf *b, int64_t n)
{
	if (n < 0) {
		buf_addc(b, '-');
		add_grouped(b, (uint64_t)0 - (uint64_t)n);
	} else {
		add_grouped(b, (uint64_t)n);
	}
}

static void add_duration(struct buf *b, int64_t ns)
{
	char t[32];

	buf_add(b, t, timeunit_format(t, ns));
}

/* A setting such as 1 s or 20 ms: exact when a unit divides it. */
static void add_setting(struct buf *b, int64_t ns)
{
	static const struct { int64_t div; const char *name; } u[] = {
		{ 1000000000, " s" }, { 1000000, " ms" }, { 1000, " \xc2\xb5s" }, { 1, " ns" },
	};
	size_t i;

	for (i = 0; i < 4; i++)
		if (ns >= u[i].div && ns % u[i].div == 0) {
			add_i64(b, ns / u[i].div);
			buf_adds(b, u[i].name);
			return;
		}
	add_duration(b, ns);
}

static void add_secs(struct buf *b, int64_t ns)
{
	char t[32];

	buf_add(b, t, timespec_format(t, ns));
}

/* A cell value for people: "8 samples", "12.3 ms", "4,096 bytes". */
static void add_value(struct buf *b, int64_t val)
{
	if (g.weight && v.nspu) {
		add_duration(b, timeunit_to_ns(val, v.nspu));
		return;
	}
	add_i64(b, val);
	if (!g.weight)
		buf_adds(b, val == 1 ? " sample" : " samples");
	else if (v.unit && (strcmp(v.unit, "bytes") == 0 || strcmp(v.unit, "samples") == 0)) {
		buf_addc(b, ' ');
		buf_adds(b, v.unit);
	}
}

static void describe(void)
{
	v.event = g.event ? g.event : g.ev_many ? NULL : g.ev_first;
	v.unit = v.event ? unit_of(v.event) : NULL;
	v.nspu = v.unit ? timeunit_ns(ev_str(v.event), ev_str(v.unit)) : 0;
	/* line 1: INPUT: 3.45 s of cpu-clock in 3,452 samples, max 12.3 ms per cell */
	if (g.input) {
		buf_adds(&v.t1, g.input);
		buf_adds(&v.t1, ": ");
	}
	if (g.weight) {
		add_value(&v.t1, m.total);
		buf_adds(&v.t1, " of ");
		buf_adds(&v.t1, v.event ? v.event : "?");
		buf_adds(&v.t1, " in ");
		add_grouped(&v.t1, g.counted);
		buf_adds(&v.t1, g.counted == 1 ? " sample" : " samples");
	} else {
		add_grouped(&v.t1, g.counted);
		buf_adds(&v.t1, g.counted == 1 ? " sample of " : " samples of ");
		buf_adds(&v.t1, v.event ? v.event : "all events");
		if (v.nspu) {	/* what they stand for: cpu-clock's ns */
			buf_adds(&v.t1, " (");
			add_duration(&v.t1, timeunit_to_ns((int64_t)g.wsum, v.nspu));
			buf_addc(&v.t1, ')');
		}
	}
	buf_adds(&v.t1, ", max ");
	add_value(&v.t1, m.max);
	buf_adds(&v.t1, " per cell");
	/* line 2: 5000.37 s to 5004.369 s (4.00 s); columns of 1 s, 50 rows of 20.0 ms ... */
	if (g.have_time) {
		add_secs(&v.t2, g.tmin);
		buf_adds(&v.t2, " s to ");
		add_secs(&v.t2, g.tmax);
		buf_adds(&v.t2, " s (");
		add_duration(&v.t2, g.tmax - g.tmin);
		buf_adds(&v.t2, "); ");
	}
	buf_adds(&v.t2, "columns of ");
	add_setting(&v.t2, g.width);
	buf_adds(&v.t2, ", ");
	add_i64(&v.t2, g.rows);
	buf_adds(&v.t2, " rows of ");
	add_setting(&v.t2, g.width / g.rows);
	buf_adds(&v.t2, ", time runs up; idle samples ");
	if (g.keep_idle) {
		buf_adds(&v.t2, "kept");
	} else {
		buf_adds(&v.t2, "left out (");
		add_grouped(&v.t2, g.idle);
		buf_addc(&v.t2, ')');
	}
}

/* ---- JSON ---- */

static void put_json_string(const char *s, size_t n)
{
	size_t i;

	out_putc('"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out_putc('\\');
			out_putc((char)c);
		} else if (c < 0x20) {
			char e[8];

			snprintf(e, sizeof e, "\\u%04x", c);
			out_puts(e);
		} else {
			out_putc((char)c);
		}
	}
	out_putc('"');
}

static void put_json(void)
{
	int64_t c;
	int b;

	out_puts("{\"rows\":[");
	for (b = g.rows - 1; b >= 0; b--) {
		put_ms(edge(b));
		if (b)
			out_putc(',');
	}
	out_puts("],\"columns\":[");
	for (c = 0; c < m.ncols; c++) {
		if (c)
			out_putc(',');
		out_i64(c);
	}
	out_puts("],\"values\":[");
	for (c = 0; c < m.ncols; c++) {
		out_puts(c ? ",[" : "[");
		for (b = g.rows - 1; b >= 0; b--) {
			out_i64(cell(c, b));
			if (b)
				out_putc(',');
		}
		out_putc(']');
	}
	out_puts("],\"maxvalue\":");
	out_i64(m.max);
	out_puts(",\"origin\":\"");
	if (g.have_time)
		ev_put_time(m.origin);
	out_puts("\",\"column_ns\":");
	out_i64(g.width);
	out_puts(",\"total\":");
	out_i64(m.total);
	out_puts(",\"value\":");
	out_puts(g.weight ? "\"weight\"" : "\"samples\"");
	out_puts(",\"event\":");
	if (v.event)
		put_json_string(v.event, strlen(v.event));
	else
		out_puts("null");
	out_puts(",\"unit\":");
	if (v.unit)
		put_json_string(v.unit, strlen(v.unit));
	else
		out_puts("null");
	out_puts(",\"value_ns\":");	/* ns per value unit when values are times */
	out_i64(g.weight ? v.nspu : 0);
	out_puts(",\"title\":[");
	put_json_string(v.t1.p, v.t1.len);
	out_putc(',');
	put_json_string(v.t2.p, v.t2.len);
	out_puts("]}\n");
}

/* ---- colours ---- */

/* FlameScope's scale (d3 linear, domain [0, max/2, max]):
 * #FFFFFF -> #FF5032 -> #E50914. Colour is not time: doubles are fine. */
static void colour(int64_t val, int rgb[3])
{
	static const int stops[3][3] = { { 255, 255, 255 }, { 255, 80, 50 }, { 229, 9, 20 } };
	double t = m.max > 0 && val > 0 ? (double)val / (double)m.max : 0;
	int lo = t <= 0.5 ? 0 : 1, i;
	double f = t <= 0.5 ? t * 2 : (t - 0.5) * 2;

	if (f > 1)
		f = 1;
	for (i = 0; i < 3; i++)
		rgb[i] = (int)(stops[lo][i] + (stops[lo + 1][i] - stops[lo][i]) * f + 0.5);
}

static void put_hex(int rgb[3])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	out_putc('#');
	for (i = 0; i < 3; i++) {
		out_putc(hex[rgb[i] >> 4]);
		out_putc(hex[rgb[i] & 15]);
	}
}

/* ---- SVG ---- */

/* User text (input name, event) in XML. */
static void put_xml_n(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': out_puts("&lt;"); break;
		case '>': out_puts("&gt;"); break;
		case '&': out_puts("&amp;"); break;
		case '"': out_puts("&quot;"); break;
		default:
			/* XML 1.0 has no control characters but TAB, LF, CR */
			out_putc((unsigned char)s[i] < 0x20 ? '?' : s[i]);
		}
	}
}

static void put_xml(const char *s)
{
	put_xml_n(s, strlen(s));
}

static void put_svg_text(int64_t x, int64_t y, const char *attrs, const char *s, size_t n)
{
	out_puts("<text x=\"");
	out_i64(x);
	out_puts("\" y=\"");
	out_i64(y);
	out_puts("\" ");
	out_puts(attrs);
	out_putc('>');
	put_xml_n(s, n);
	out_puts("</text>\n");
}

/* Text widths in px, estimated high (Verdana: digits 0.64 em, most
 * letters less), so labels placed by them do not touch. */
#define TEXT_W(chars, size) ((int64_t)(chars) * (size) * 64 / 100 + 1)

static struct {
	int64_t colw, rowh, left, top, gw, gh, lx, w, h;
} s;

static void svg_layout(size_t label_chars, size_t legend_chars)
{
	int64_t title_w;

	s.colw = m.ncols > 0 ? 1200 / m.ncols : 40;	/* the grid about 1200 px wide */
	s.colw = s.colw < 4 ? 4 : s.colw > 64 ? 64 : s.colw;
	s.rowh = 400 / g.rows;				/* and 400 px high */
	s.rowh = s.rowh < 2 ? 2 : s.rowh > 16 ? 16 : s.rowh;
	s.left = 16 + TEXT_W(label_chars, 11) + 6;
	s.top = 58;
	s.gw = m.ncols * s.colw;
	s.gh = (int64_t)g.rows * s.rowh;
	s.lx = s.left + s.gw + 24;			/* the legend */
	s.w = s.lx + 14 + 6 + TEXT_W(legend_chars, 11) + 16;
	title_w = 16 + TEXT_W(v.t1.len > v.t2.len * 11 / 14 ? v.t1.len : v.t2.len * 11 / 14, 14) + 16;
	if (s.w < title_w)
		s.w = title_w;
	s.h = s.top + (s.gh > 120 ? s.gh : 120) + 44;
}

/* Row labels: lower edges in ms, about every fifth of the column and at
 * least 14 px apart. */
static void svg_rows(void)
{
	int lstep = g.rows / 5 > 0 ? g.rows / 5 : 1, b;
	char ms[40];

	while (lstep * s.rowh < 14)
		lstep++;
	for (b = 0; b <= g.rows; b += lstep) {
		size_t n = timespec_format(ms, (b == g.rows ? g.width : edge(b)) * 1000);

		memcpy(ms + n, " ms", 4);
		put_svg_text(s.left - 6, s.top + (g.rows - b) * s.rowh + 4, "text-anchor=\"end\"", ms,
			     n + 3);
		if (b + lstep > g.rows && b != g.rows)
			b = g.rows - lstep;	/* the top edge too */
	}
}

/* Column labels: seconds from the origin, thinned so they do not touch. */
static void svg_columns(void)
{
	static const int64_t nice[] = { 1, 2, 5 };
	char t[40];
	int64_t step = 1, mult = 1, c, widest;
	int i = 0;

	widest = TEXT_W(timespec_format(t, (m.ncols - 1) * g.width), 11) + 8;
	while (step * s.colw < widest) {
		if (++i == 3) {
			i = 0;
			mult *= 10;
		}
		step = nice[i] * mult;
	}
	for (c = 0; c < m.ncols; c += step) {
		size_t n = timespec_format(t, c * g.width);

		put_svg_text(s.left + c * s.colw + s.colw / 2, s.top + s.gh + 14,
			     "class=\"x\" text-anchor=\"middle\"", t, n);
	}
	g_tmp.len = 0;
	buf_adds(&g_tmp, "seconds from ");
	if (g.have_time)
		add_secs(&g_tmp, m.origin);
	buf_adds(&g_tmp, " (a cell's tooltip: its timeslice command)");
	put_svg_text(s.left, s.top + s.gh + 32, "class=\"caption\"", g_tmp.p, g_tmp.len);
}

/* The colour scale, a vertical bar right of the grid: 0 at the bottom. */
static void svg_legend(void)
{
	int64_t bh = s.gh > 240 ? 240 : s.gh, y0 = s.top;

	if (bh < 120)
		bh = 120;
	out_puts("<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
		 "<stop offset=\"0\" stop-color=\"#ffffff\"/>"
		 "<stop offset=\"0.5\" stop-color=\"#ff5032\"/>"
		 "<stop offset=\"1\" stop-color=\"#e50914\"/></linearGradient></defs>\n<rect x=\"");
	out_i64(s.lx);
	out_puts("\" y=\"");
	out_i64(y0);
	out_puts("\" width=\"14\" height=\"");
	out_i64(bh);
	out_puts("\" fill=\"url(#scale)\" stroke=\"#cccccc\"/>\n");
	g_tmp.len = 0;
	add_value(&g_tmp, m.max);
	put_svg_text(s.lx + 20, y0 + 8, "class=\"legend\"", g_tmp.p, g_tmp.len);
	g_tmp.len = 0;
	if (g.weight && v.nspu)
		add_duration(&g_tmp, timeunit_to_ns(m.max, v.nspu) / 2);
	else if (m.max % 2 == 0)
		add_value(&g_tmp, m.max / 2);
	if (g_tmp.len && m.max > 1)	/* the middle of the scale, #ff5032 */
		put_svg_text(s.lx + 20, y0 + bh / 2 + 4, "class=\"legend\"", g_tmp.p, g_tmp.len);
	put_svg_text(s.lx + 20, y0 + bh, "class=\"legend\"", "0", 1);
	put_svg_text(s.lx, y0 + bh + 16, "class=\"legend\"", "per cell", 8);
}

static void svg_cell(int64_t c, int b, int64_t val)
{
	int64_t t0 = c * g.width + edge(b), t1 = c * g.width + edge(b + 1);
	int rgb[3];

	colour(val, rgb);
	out_puts("<rect x=\"");
	out_i64(s.left + c * s.colw);
	out_puts("\" y=\"");
	out_i64(s.top + (int64_t)(g.rows - 1 - b) * s.rowh);
	out_puts("\" width=\"");
	out_i64(s.colw);
	out_puts("\" height=\"");
	out_i64(s.rowh);
	out_puts("\" fill=\"");
	put_hex(rgb);
	out_puts("\"><title>column ");
	out_i64(c);
	out_puts(", ");
	put_ms(edge(b));
	out_puts("-");
	put_ms(edge(b + 1));
	out_puts(" ms: ");
	g_tmp.len = 0;
	add_value(&g_tmp, val);
	put_xml_n(g_tmp.p, g_tmp.len);
	out_puts("\nabsolute ");
	ev_put_time(m.origin + t0);
	out_puts(" to ");
	ev_put_time(m.origin + t1);
	out_puts("\ntimeslice -f");
	if (!g.keep_idle)
		out_puts(" --no-idle");
	if (g.event) {
		out_puts(" -e ");
		put_xml(g.event);
	}
	out_putc(' ');
	put_secs(t0);
	out_putc(' ');
	put_secs(t1);
	out_puts("</title></rect>\n");
}

static void put_svg(void)
{
	char ms[40];
	int64_t c;
	int b;
	size_t label = timespec_format(ms, g.width * 1000) + 3, legend;

	g_tmp.len = 0;
	add_value(&g_tmp, m.max);
	legend = g_tmp.len > 8 ? g_tmp.len : 8;
	svg_layout(label, legend);
	out_puts("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
	out_i64(s.w);
	out_puts("\" height=\"");
	out_i64(s.h);
	out_puts("\" font-family=\"Verdana, sans-serif\" font-size=\"11\">\n"
		 "<rect width=\"100%\" height=\"100%\" fill=\"#f8f8f8\"/>\n");
	put_svg_text(16, 20, "class=\"title\" font-size=\"14\"", v.t1.p, v.t1.len);
	put_svg_text(16, 38, "class=\"subtitle\" fill=\"#444444\"", v.t2.p, v.t2.len);
	out_puts("<rect x=\"");
	out_i64(s.left);
	out_puts("\" y=\"");
	out_i64(s.top);
	out_puts("\" width=\"");
	out_i64(s.gw);
	out_puts("\" height=\"");
	out_i64(s.gh);
	out_puts("\" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n");
	svg_rows();
	svg_columns();
	svg_legend();
	for (c = 0; c < m.ncols; c++)
		for (b = 0; b < g.rows; b++) {
			int64_t val = cell(c, b);

			if (val != 0)
				svg_cell(c, b, val);
		}
	out_puts("</svg>\n");
}

/* ---- terminal ---- */

static void put_term_colour(int fg, int64_t val)
{
	int rgb[3];

	colour(val, rgb);
	out_puts(fg ? "\033[38;2;" : "\033[48;2;");
	out_i64(rgb[0]);
	out_putc(';');
	out_i64(rgb[1]);
	out_putc(';');
	out_i64(rgb[2]);
	out_putc('m');
}

/* The label of the line holding rows b and b-1: the lower edge of a row
 * that starts a fifth of the column (the lower row if it does), else blanks. */
static void put_term_label(int b, int width)
{
	int lstep = g.rows / 5 > 0 ? g.rows / 5 : 1, r = -1, n = 0;
	char t[48];

	if (b > 0 && (b - 1) % lstep == 0)
		r = b - 1;	/* the line's lower edge */
	else if (b % lstep == 0)
		r = b;
	if (r >= 0) {
		n = (int)timespec_format(t, edge(r) * 1000);
		memcpy(t + n, " ms", 4);
		n += 3;
	}
	out_write("                                        ", (size_t)(width - n > 0 ? width - n : 0));
	if (n)
		out_write(t, (size_t)n);
	out_putc(' ');
}

/* A legend line: 0, ten shades, the maximum. */
static void put_term_legend(int width)
{
	int i;

	out_write("                                        ", (size_t)(width > 6 ? width - 6 : 0));
	out_puts("scale 0 ");
	for (i = 0; i <= 10; i++) {
		int64_t val = m.max / 10 * i + m.max % 10 * i / 10;	/* no overflow */

		put_term_colour(1, i == 0 ? 0 : val > 0 ? val : 1);
		out_puts("\xe2\x96\x88");
	}
	out_puts("\033[0m ");
	g_tmp.len = 0;
	add_value(&g_tmp, m.max);
	out_write(g_tmp.p, g_tmp.len);
	out_puts(" per cell (a character is one column, two rows)\n");
}

/* A title line for a terminal: no control characters from user text. */
static void put_plain(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out_putc((unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' : p[i]);
	out_putc('\n');
}

/* Two rows per line: the upper half block in the foreground colour. */
static void put_term(void)
{
	enum { BAND = 100 };
	char t[48];
	int64_t c0, c;
	int b, width = (int)timespec_format(t, g.width * 1000) + 3;

	put_plain(v.t1.p, v.t1.len);
	put_plain(v.t2.p, v.t2.len);
	for (c0 = 0; c0 < m.ncols; c0 += BAND) {
		int64_t c1 = c0 + BAND < m.ncols ? c0 + BAND : m.ncols;

		for (b = g.rows - 1; b >= 0; b -= 2) {
			put_term_label(b, width);
			for (c = c0; c < c1; c++) {
				put_term_colour(1, cell(c, b));
				if (b > 0)
					put_term_colour(0, cell(c, b - 1));
				out_puts(b > 0 ? "\xe2\x96\x80" : "\033[49m\xe2\x96\x80");
			}
			out_puts("\033[0m\n");
		}
		out_write("                                        ", (size_t)width + 1);
		for (c = c0; c < c1; c += 10) {
			char buf[24];
			int n = snprintf(buf, sizeof buf, "%-10" PRId64, c);

			out_write(buf, (size_t)(c1 - c < n ? c1 - c : n));
		}
		if (g.width == NS) {
			out_puts(" s\n");
		} else {
			g_tmp.len = 0;
			buf_adds(&g_tmp, " columns of ");
			add_setting(&g_tmp, g.width);
			buf_addc(&g_tmp, '\n');
			out_write(g_tmp.p, g_tmp.len);
		}
	}
	put_term_legend(width);
}

static void put_map(void)
{
	describe();
	switch (g.fmt) {
	case F_TSV: put_tsv(); break;
	case F_LIST: put_list(); break;
	case F_JSON: put_json(); break;
	case F_SVG: put_svg(); break;
	case F_TERM: put_term(); break;
	}
}

int main(int argc, char **argv)
{
	enum { OPT_MAXCOLS = CLI_FIRST_LONG, OPT_STRICT };
	static const struct option longopts[] = {
		{ "rows", required_argument, NULL, 'r' },
		{ "column", required_argument, NULL, 'c' },
		{ "weight", no_argument, NULL, 'w' },
		{ "event", required_argument, NULL, 'e' },
		{ "idle", no_argument, NULL, 'i' },
		{ "list", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "svg", no_argument, NULL, 's' },
		{ "term", no_argument, NULL, 'T' },
		{ "max-columns", required_argument, NULL, OPT_MAXCOLS },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	g.rows = 50;
	g.width = NS;
	g.max_cols = 36000;
	while ((c = getopt_long(argc, argv, "c:e:ijlr:sTwq", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': g.rows = (int)cli_number(&info, "--rows", optarg, 1, 10000); break;
		case 'c':
			if (timespec_parse(optarg, &g.width) < 0 || g.width < 1000 ||
			    g.width > 86400 * NS)
				cli_usage_error(&info, "--column: expected a duration from 1us to "
						"86400s (1.5s, 200ms, ...), got '%s'", optarg);
			break;
		case 'w': g.weight = 1; break;
		case 'e': g.event = optarg; break;
		case 'i': g.keep_idle = 1; break;
		case 'l': g.fmt = F_LIST; break;
		case 'j': g.fmt = F_JSON; break;
		case 's': g.fmt = F_SVG; break;
		case 'T': g.fmt = F_TERM; break;
		case OPT_MAXCOLS:
			g.max_cols = cli_number(&info, "--max-columns", optarg, 1, 100000000);
			break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	status = cli_each_input(argc - optind, argv + optind, map_input, NULL);
	if (!g.input && argc - optind == 1 && strcmp(argv[optind], "-") != 0)
		g.input = fp_strndup(argv[optind], strlen(argv[optind]));	/* no #input */
	finish();
	if (!g.bad_input)	/* a wrong input: no map at all, not an empty one */
		put_map();
	if (g.other)
		fp_warn("%" PRIu64 " samples of other events than '%s' left out (choose with --event)",
			g.other, g.event);
	out_close();
	return status;
}
