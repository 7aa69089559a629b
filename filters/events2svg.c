/* events2svg - an events stream as an interactive SVG flame graph */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/foldagg.h"
#include "../common/foldtree.h"
#include "../common/out.h"
#include "../common/timespec.h"
#include "events2svg/svg.h"
#include "cmds.h"

static const struct cli_info info = {
	"events2svg",
	"events2svg [-cnpqrt] [-e EVENT] [--icicle | --chart | --diff] [--gap TIME] [--title TEXT] "
	"[--subtitle TEXT] [--minwidth PX] [--width PX] [--addrs] [--strict] [FILE ...]",
	"Draw a flamepipe events stream (events(5)) as an interactive SVG flame\n"
	"graph: click a frame to zoom, Search (or Ctrl-F) to highlight frames\n"
	"that match a regular expression. Frames are events2folded's, widths\n"
	"exactly proportional to their total weight. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -e, --event=EVENT  draw samples of EVENT (default: the first event seen);\n"
	"                     with --diff, give it twice: before, then after\n"
	"      --icicle       top-down: the root at the top\n"
	"      --chart        a flame chart: time left to right, a lane per thread,\n"
	"                     samples (equal consecutive stacks merged) and spans\n"
	"      --gap=TIME     --chart: a thread's samples further apart than TIME\n"
	"                     leave a gap (default: twice its shortest interval)\n"
	"      --diff         differential graph of two events (the first two seen,\n"
	"                     or -e BEFORE -e AFTER): width the mean of the two\n"
	"                     shares, red grew, blue shrank (of each total)\n"
	"  -c, --count        count samples instead of summing their weights\n"
	"  -p, --pid          root frame COMM-PID\n"
	"  -t, --tid          root frame COMM-PID/TID (a tower per thread)\n"
	"  -n, --no-comm      no root frame for the thread name\n"
	"  -r, --raw          keep names as recorded (no argument cutting, quotes kept)\n"
	"      --addrs        show unknown frames as [dso <address>]\n"
	"      --title=TEXT   the title (default: Flame Graph, Icicle Graph ...)\n"
	"      --subtitle=TEXT  the subtitle (default: the event and its total)\n"
	"      --minwidth=PX  leave out frames narrower than PX pixels (default 0.1),\n"
	"                     and say how much they weigh\n"
	"      --width=PX     the picture's width (default 1200)\n"
	"      --strict       stop at the first malformed record\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

static void sample(void *ctx, const struct md_sample *s)
{
	struct svg *sv = ctx;

	if (sv->chart)
		chart_sample(sv, s);
	else
		fagg_add(&sv->a, s->comm, s->thread, s->stack, fagg_sample_weight(&sv->a, s));
}

static void span_close(void *ctx, const struct md_span *s)
{
	struct svg *sv = ctx;

	if (sv->chart)
		chart_close(sv, s);
	else
		fagg_add(&sv->a, s->comm, s->thread, s->stack, fagg_span_weight(&sv->a, s));
}

static int wanted(void *ctx, const struct ev_rec *r)
{
	struct svg *sv = ctx;

	return fagg_want(&sv->a, r);
}

/* The unit of the weights, for tooltips; the default subtitle. */
static void describe(struct svg *sv, struct buf *unit, struct buf *sub)
{
	struct fagg *a = &sv->a;
	int i;

	if (a->count)
		buf_adds(unit, "samples");
	else if (a->kind[0] == 'O')
		buf_adds(unit, "ns");
	else if (a->event[0]) {
		struct slice u = model_unit(&a->m, (struct slice){ a->event[0], strlen(a->event[0]) });

		if (u.n == 5 && memcmp(u.p, "count", 5) == 0)
			buf_adds(unit, "samples");	/* no unit declared */
		else
			ev_unescape(unit, u.p, u.n);
	} else
		buf_adds(unit, "samples");
	buf_addc(unit, 0);
	for (i = 0; i < a->nevents && a->event[i]; i++) {
		int64_t total = 0;
		char num[32];
		size_t k;

		for (k = 0; k < a->stacks[i].count; k++)
			total += a->stacks[i].ents[k].value;
		if (sv->chart)
			total = sv->total[0];	/* the chart's samples are not aggregated */
		if (i)
			buf_adds(sub, " to ");
		buf_adds(sub, a->kind[i] == 'O' ? "spans of " : "");
		buf_adds(sub, a->event[i]);
		snprintf(num, sizeof num, "%s%" PRId64 " ", sv->mode == SVG_DIFF ? " (" : ", ", total);
		buf_adds(sub, num);
		buf_adds(sub, unit->p);
		if (sv->mode == SVG_DIFF)
			buf_addc(sub, ')');
	}
	if (sv->mode == SVG_DIFF)
		buf_adds(sub, ": red grew, blue shrank (share of each total)");
	buf_addc(sub, 0);
}

static double parse_px(const char *opt, const char *arg, double max)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v >= 0 && v <= max))
		cli_usage_error(&info, "%s: '%s' is not a number of pixels from 0 to %g", opt, arg, max);
	return v;
}

static int options(struct svg *sv, int argc, char **argv)
{
	enum { OPT_ICICLE = CLI_FIRST_LONG, OPT_CHART, OPT_GAP, OPT_DIFF, OPT_TITLE, OPT_SUBTITLE, OPT_MINWIDTH,
	       OPT_WIDTH, OPT_ADDRS, OPT_STRICT };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "icicle", no_argument, NULL, OPT_ICICLE },
		{ "diff", no_argument, NULL, OPT_DIFF },
		{ "chart", no_argument, NULL, OPT_CHART },
		{ "gap", required_argument, NULL, OPT_GAP },
		{ "count", no_argument, NULL, 'c' },
		{ "pid", no_argument, NULL, 'p' },
		{ "tid", no_argument, NULL, 't' },
		{ "no-comm", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "addrs", no_argument, NULL, OPT_ADDRS },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
		{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, nev = 0;

	while ((c = getopt_long(argc, argv, "ce:nprtq", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (nev == FAGG_MAX)
				cli_usage_error(&info, "--event: at most two (with --diff)");
			sv->a.event[nev++] = optarg;
			break;
		case OPT_ICICLE: sv->mode = SVG_ICICLE; break;
		case OPT_DIFF: sv->mode = SVG_DIFF; break;
		case OPT_CHART: sv->mode = SVG_CHART; break;
		case OPT_GAP:
			if (timespec_parse(optarg, &sv->gap) != 0 || sv->gap <= 0)
				cli_usage_error(&info, "--gap: '%s' is not a duration (1.5, 10ms, 500us)", optarg);
			break;
		case 'c': sv->a.count = 1; break;
		case 'p': sv->a.pid = 1; break;
		case 't': sv->a.tid = 1; break;
		case 'n': sv->a.no_comm = 1; break;
		case 'r': sv->a.fold.raw = 1; break;
		case OPT_ADDRS: sv->a.fold.addrs = 1; break;
		case OPT_TITLE: sv->title = optarg; break;
		case OPT_SUBTITLE: sv->subtitle = optarg; break;
		case OPT_MINWIDTH: sv->minwidth = parse_px("--minwidth", optarg, 1e6); break;
		case OPT_WIDTH: sv->width = (int)cli_number(&info, "--width", optarg, 100, 1000000); break;
		case OPT_STRICT: sv->a.m.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (nev == 2 && sv->mode != SVG_DIFF)
		cli_usage_error(&info, "two events need --diff");
	if (sv->mode == SVG_DIFF)
		sv->a.nevents = 2;
	if (sv->mode == SVG_CHART)
		chart_init(sv);
	/* kinds are colours, not _[k] suffixes */
	sv->a.fold.kernel = sv->a.fold.jit = sv->a.fold.inlined = 0;
	return optind;
}

int cmd_events2svg(int argc, char **argv)
{
	static const struct md_sink sink = { .want = wanted, .sample = sample, .close = span_close };
	struct md_sink s = sink;
	struct svg *sv = fp_calloc(1, sizeof *sv);
	struct buf unit = { 0 }, sub = { 0 };
	int status, first;

	cli_init(&info);
	s.ctx = sv;
	fagg_init(&sv->a, &s, NULL);
	ftree_init(&sv->t, &sv->a);
	sv->minwidth = 0.1;
	sv->width = 1200;
	first = options(sv, argc, argv);
	status = cli_each_input(argc - first, argv + first, model_read, &sv->a.m);
	model_end(&sv->a.m);
	if (!sv->a.m.bad_input) {
		describe(sv, &unit, &sub);
		sv->unit = unit.p;
		if (!sv->subtitle)
			sv->subtitle = sub.p;
		if (sv->mode == SVG_DIFF && !sv->a.event[1])
			fp_warn("--diff: the stream has one event only ('%s'): nothing to compare it with",
				sv->a.event[0] ? sv->a.event[0] : "-");
		if (sv->chart)
			chart_draw(sv);
		else
			draw_graph(sv);
		fagg_report_other(&sv->a, "drew");
	}
	out_close();
	tree_free(sv);
	chart_free(sv);
	fagg_free(&sv->a);
	buf_free(&unit);
	buf_free(&sub);
	free(sv);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2svg(argc, argv); }
#endif
