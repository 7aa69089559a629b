/* heatmap - FlameScope's sub-second offset heat map of an events stream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/model.h"
#include "../common/out.h"
#include "../common/timespec.h"
#include "cmds.h"
#include "heatmap/heatmap.h"

static const struct cli_info info = {
	"heatmap",
	"heatmap [-ijlqsTw] [-c DURATION] [-e EVENT] [-r ROWS] [--max-columns N] [--merge] [--strict] [FILE ...]",
	"Count the samples (S records) of a flamepipe events stream (events(5)) in\n"
	"a sub-second offset heat map, FlameScope's layout: one column per second\n"
	"from the whole second before the stream's start, ROWS rows per column,\n"
	"row 0 on top (the end of the second). A sample exactly on a cell edge is\n"
	"in the later cell. Idle samples (idle task in its idle loop) are left\n"
	"out. The default output is a TSV matrix, one line per row, one field per\n"
	"column. FILE - or no FILE reads stdin. See docs/heatmap.md.\n"
	"With --merge each FILE is a map heatmap wrote of a part of one stream\n"
	"(TSV, or JSON for -j, -s and -T), all made with the same options: their\n"
	"cells are summed into the map of the whole stream.\n"
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
	"      --merge            sum partial maps (TSV, or JSON with -j -s -T)\n"
	"      --max-columns=N    refuse time spans wider than N columns (default 36000)\n"
	"      --strict           stop at the first malformed record\n"
	"  -q, --quiet            no progress line on a terminal\n"
	"      --help             show this help and exit\n"
	"      --version          show the version and exit\n",
};

static void put_map(struct hm *h)
{
	hm_describe(h);
	switch (h->fmt) {
	case F_TSV: hm_put_tsv(h); break;
	case F_LIST: hm_put_list(h); break;
	case F_JSON: hm_put_json(h); break;
	case F_SVG: hm_put_svg(h); break;
	case F_TERM: hm_put_term(h); break;
	}
}

static void parse_options(struct hm *h, int argc, char **argv)
{
	enum { OPT_MAXCOLS = CLI_FIRST_LONG, OPT_STRICT, OPT_MERGE };
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
		{ "merge", no_argument, NULL, OPT_MERGE },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;
	const char *mapopt = NULL;	/* an option a map sets itself */

	while ((c = getopt_long(argc, argv, "c:e:ijlr:sTwq", longopts, NULL)) != -1) {
		if (c == 'r' || c == 'c' || c == 'w' || c == 'e' || c == 'i')
			mapopt = c == 'r' ? "-r" : c == 'c' ? "-c" : c == 'w' ? "-w" : c == 'e' ? "-e" : "-i";
		if (c == OPT_STRICT)
			mapopt = "--strict";
		switch (c) {
		case 'r': h->g.rows = (int)cli_number(&info, "--rows", optarg, 1, HGRID_MAX_ROWS); break;
		case 'c':
			if (hgrid_column(optarg, &h->g.width) < 0)
				cli_usage_error(&info, HGRID_COLUMN_ERROR, optarg);
			break;
		case 'w': h->weight = 1; break;
		case 'e': h->event = optarg; break;
		case 'i': h->keep_idle = 1; break;
		case 'l': h->fmt = F_LIST; break;
		case 'j': h->fmt = F_JSON; break;
		case 's': h->fmt = F_SVG; break;
		case 'T': h->fmt = F_TERM; break;
		case OPT_MAXCOLS:
			h->g.max_cols = cli_number(&info, "--max-columns", optarg, 1, 100000000);
			break;
		case OPT_STRICT: h->md.skips.strict = 1; break;
		case OPT_MERGE: h->mg.on = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (h->mg.on && mapopt)
		cli_usage_error(&info, "--merge takes %s from the maps: give it to the heatmaps of the parts",
				mapopt);
}

int cmd_heatmap(int argc, char **argv)
{
	struct hm h = { .g = { .rows = 50, .width = NS, .max_cols = 36000 } };
	int status;

	cli_init(&info);
	hm_read_init(&h);
	parse_options(&h, argc, argv);
	if (h.mg.on) {
		status = cli_each_input(argc - optind, argv + optind, hm_merge, &h);
		hm_merge_end(&h);
	} else {
		status = cli_each_input(argc - optind, argv + optind, model_read, &h.md);
	}
	if (!h.mg.on && !h.input && argc - optind == 1 && strcmp(argv[optind], "-") != 0)
		h.input = fp_strndup(argv[optind], strlen(argv[optind]));	/* no #input */
	hm_finish(&h);
	if (!h.md.bad_input)	/* a wrong input: no map at all, not an empty one */
		put_map(&h);
	if (h.other)
		fp_warn("%" PRIu64 " samples of other events than '%s' left out (choose with --event)",
			h.other, h.event);
	out_close();
	hm_free(&h);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_heatmap(argc, argv); }
#endif
