/* spans2events - convert tracing spans (OTLP JSON, Ferret) to the flamepipe events format */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "cmds.h"
#include "spans2events/spans.h"

/*
 * Every input is read into one table of spans (spans2events/json.c,
 * ferret.c); at the end the spans are nested and put on lanes (nest.c)
 * and written in time order (emit.c). This file: options and inputs.
 */

static const struct cli_info info = {
	"spans2events",
	"spans2events [-aq] [-d DEPTH] [-l LOG] [-r RUN] [-t KEY]... [--strict] [FILE ...]",
	"Convert tracing spans to a flamepipe events stream (events(5)): O/C\n"
	"records in time order, each with the span's full root-first stack.\n"
	"Reads OpenTelemetry OTLP JSON (a whole document or the file exporter's\n"
	"JSON Lines; plain, gzip or zstd) and Ferret span stores (its SQLite\n"
	"database, or its spans as JSON / JSON Lines). FILE - or no FILE reads\n"
	"stdin (JSON only). See docs/spans.md.\n"
	"\n"
	"  -t, --tag=KEY      append [VALUE] of tag/attribute KEY to span names\n"
	"                     (repeatable, in the order given)\n"
	"  -r, --run-id=RUN   Ferret: convert run RUN (default: the latest run)\n"
	"  -a, --all-runs     Ferret: convert every run, one process each\n"
	"  -l, --log=LOG      Ferret: the BeaverDB log name (default _ferret_trace)\n"
	"  -d, --max-depth=DEPTH  spans nested deeper than DEPTH levels (default\n"
	"                     2000; 0: no limit) are folded into one marker frame\n"
	"                     at level DEPTH+1, which keeps their time\n"
	"      --strict       stop at the first span that cannot be used\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

static int read_input(const char *path, void *ctx)
{
	static const char magic[16] = "SQLite format 3";
	struct sp *sp = ctx;
	struct input in;
	int r;

	if (input_open(&in, path) < 0)
		return 1;
	sp->file = in.name;
	ev_put_input(in.name);
	if (in.codec == INPUT_PLAIN && in.end - in.start >= 16 &&
	    memcmp(in.buf + in.start, magic, 16) == 0) {
		input_close(&in);
		if (strcmp(path, "-") == 0) {
			fp_warn("<stdin>: a SQLite database must be given as a file");
			return 1;
		}
		r = sp_parse_sqlite(sp, path);
		skip_file_done(&sp->skips, path, "spans");
		return r;
	}
	r = sp_parse_json(sp, &in);
	skip_file_done(&sp->skips, in.name, "spans");
	input_close(&in);
	return r;
}

static void sp_free(struct sp *sp)
{
	sp_read_free(&sp->rd);
	buf_free(&sp->tab.arena);
	free(sp->tab.spans);
	free(sp->tab.resources);
	free(sp->opt.tags);
	free(sp);
}

int cmd_spans2events(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "run-id", required_argument, NULL, 'r' },
		{ "all-runs", no_argument, NULL, 'a' },
		{ "log", required_argument, NULL, 'l' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sp *sp = fp_calloc(1, sizeof *sp);
	struct sp_opts *o = &sp->opt;
	int c, status;

	cli_init(&info);
	o->log = "_ferret_trace";
	o->max_depth = 2000;
	while ((c = getopt_long(argc, argv, "ad:l:r:t:q", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			fp_grow(&o->tags, &o->tags_cap, o->ntags + 1, sizeof *o->tags);
			o->tags[o->ntags++] = optarg;
			break;
		case 'r': o->run_id = optarg; break;
		case 'a': o->all_runs = 1; break;
		case 'l': o->log = optarg; break;
		case 'd': o->max_depth = cli_number(&info, "--max-depth", optarg, 0, 1000000000); break;
		case OPT_STRICT: sp->skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (o->run_id && o->all_runs)
		cli_usage_error(&info, "--run-id and --all-runs exclude each other");
	ev_put_magic();
	ev_put_header("source", ev_str("spans"));
	ev_put_header("clock", ev_str("unix"));
	status = cli_each_input(argc - optind, argv + optind, read_input, sp);
	sp_emit(sp, status);
	sp_free(sp);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_spans2events(argc, argv); }
#endif
