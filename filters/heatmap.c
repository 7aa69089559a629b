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

static const struct cli_info info = {
	"heatmap",
	"heatmap [-ijlsTw] [-c DURATION] [-e EVENT] [-r ROWS] [--max-columns N] [--strict] [FILE ...]",
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
	out_puts("}\n");
}

/* FlameScope's scale (d3 linear, domain [0, max/2, max]):
 * #FFFFFF -> #FF5032 -> #E50914. Colour is not time: doubles are fine. */
static void colour(int64_t v, int rgb[3])
{
	static const int stops[3][3] = { { 255, 255, 255 }, { 255, 80, 50 }, { 229, 9, 20 } };
	double t = m.max > 0 && v > 0 ? (double)v / (double)m.max : 0;
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

static void put_svg_text(int x, int y, const char *anchor, const char *s)
{
	out_puts("<text x=\"");
	out_i64(x);
	out_puts("\" y=\"");
	out_i64(y);
	out_puts("\" text-anchor=\"");
	out_puts(anchor);
	out_puts("\">");
	out_puts(s);
	out_puts("</text>\n");
}

/* The event name is user text: escape it for XML. */
static void put_xml(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': out_puts("&lt;"); break;
		case '>': out_puts("&gt;"); break;
		case '&': out_puts("&amp;"); break;
		case '"': out_puts("&quot;"); break;
		default: out_putc(*s);
		}
	}
}

static void put_svg(void)
{
	enum { CELL = 8, LEFT = 64, TOP = 44, BOTTOM = 40, RIGHT = 16 };
	int64_t c, w = LEFT + m.ncols * CELL + RIGHT, h = TOP + (int64_t)g.rows * CELL + BOTTOM;
	int64_t step = 1;
	char buf[64];
	int b, rgb[3];

	if (w < 560)
		w = 560;	/* room for the title */
	out_puts("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
	out_i64(w);
	out_puts("\" height=\"");
	out_i64(h);
	out_puts("\" font-family=\"Verdana, sans-serif\" font-size=\"11\">\n"
		 "<rect width=\"100%\" height=\"100%\" fill=\"#f8f8f8\"/>\n<text x=\"");
	out_i64(LEFT);
	out_puts("\" y=\"18\" font-size=\"14\">heatmap: ");
	out_i64(m.total);
	out_puts(g.weight ? " weight" : m.total == 1 ? " sample" : " samples");
	if (g.event) {
		out_puts(" of ");
		put_xml(g.event);
	}
	out_puts(", max ");
	out_i64(m.max);
	out_puts(" per cell</text>\n<text x=\"");
	out_i64(LEFT);
	out_puts("\" y=\"34\">columns of ");
	put_secs(g.width);
	out_puts(" s from ");
	if (g.have_time)
		ev_put_time(m.origin);
	out_puts(", ");
	out_i64(g.rows);
	out_puts(" rows, time runs up; idle ");
	out_puts(g.keep_idle ? "kept" : "excluded");
	out_puts("</text>\n<rect x=\"");
	out_i64(LEFT);
	out_puts("\" y=\"");
	out_i64(TOP);
	out_puts("\" width=\"");
	out_i64(m.ncols * CELL);
	out_puts("\" height=\"");
	out_i64((int64_t)g.rows * CELL);
	out_puts("\" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n");
	/* row labels: the lower edge in ms, about every fifth of the column */
	for (b = 0; b <= g.rows; b += g.rows / 5 > 0 ? g.rows / 5 : 1) {
		char ms[40];
		size_t n = timespec_format(ms, (b == g.rows ? g.width : edge(b)) * 1000);

		memcpy(ms + n, " ms", 4);
		put_svg_text(LEFT - 4, TOP + (g.rows - b) * CELL + 4, "end", ms);
	}
	while (m.ncols / step > 40)
		step = step == 1 ? 5 : step * 2;
	for (c = 0; c < m.ncols; c += step) {
		snprintf(buf, sizeof buf, "%" PRId64, c);
		put_svg_text((int)(LEFT + c * CELL + CELL / 2), (int)(TOP + g.rows * CELL + 14),
			     "middle", buf);
	}
	snprintf(buf, sizeof buf, "%s", "column (whole seconds from the origin)");
	put_svg_text(LEFT, (int)(TOP + g.rows * CELL + 32), "start", buf);
	for (c = 0; c < m.ncols; c++)
		for (b = 0; b < g.rows; b++) {
			int64_t v = cell(c, b), t0 = c * g.width + edge(b), t1 = c * g.width + edge(b + 1);

			if (v == 0)
				continue;
			colour(v, rgb);
			out_puts("<rect x=\"");
			out_i64(LEFT + c * CELL);
			out_puts("\" y=\"");
			out_i64(TOP + (int64_t)(g.rows - 1 - b) * CELL);
			out_puts("\" width=\"8\" height=\"8\" fill=\"");
			put_hex(rgb);
			out_puts("\"><title>column ");
			out_i64(c);
			out_puts(", ");
			put_ms(edge(b));
			out_puts("-");
			put_ms(edge(b + 1));
			out_puts(" ms: ");
			out_i64(v);
			out_puts(g.weight ? " weight" : (v == 1 ? " sample" : " samples"));
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
	out_puts("</svg>\n");
}

static void put_term_colour(int fg, int64_t v)
{
	int rgb[3];

	colour(v, rgb);
	out_puts(fg ? "\033[38;2;" : "\033[48;2;");
	out_i64(rgb[0]);
	out_putc(';');
	out_i64(rgb[1]);
	out_putc(';');
	out_i64(rgb[2]);
	out_putc('m');
}

/* Two rows per line: the upper half block in the foreground colour. */
static void put_term(void)
{
	enum { BAND = 100 };
	int64_t c0, c;
	int b;

	put_summary();
	for (c0 = 0; c0 < m.ncols; c0 += BAND) {
		int64_t c1 = c0 + BAND < m.ncols ? c0 + BAND : m.ncols;

		for (b = g.rows - 1; b >= 0; b -= 2) {
			for (c = c0; c < c1; c++) {
				put_term_colour(1, cell(c, b));
				if (b > 0)
					put_term_colour(0, cell(c, b - 1));
				out_puts(b > 0 ? "\xe2\x96\x80" : "\033[49m\xe2\x96\x80");
			}
			out_puts("\033[0m\n");
		}
		for (c = c0; c < c1; c += 10) {
			char buf[24];
			int n = snprintf(buf, sizeof buf, "%-10" PRId64, c);

			out_write(buf, (size_t)(c1 - c < n ? c1 - c : n));
		}
		out_putc('\n');
	}
}

static void put_map(void)
{
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
	while ((c = getopt_long(argc, argv, "c:e:ijlr:sTw", longopts, NULL)) != -1) {
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
	finish();
	if (!g.bad_input)	/* a wrong input: no map at all, not an empty one */
		put_map();
	if (g.other)
		fp_warn("%" PRIu64 " samples of other events than '%s' left out (choose with --event)",
			g.other, g.event);
	out_close();
	return status;
}
