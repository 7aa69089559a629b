/* speedscope2events - convert speedscope JSON files to the flamepipe events format */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/json.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "cmds.h"
#include "speedscope2events/ssin.h"

/* bytes of events, samples and weights kept in memory before the store
 * goes to a temporary file (SPEEDSCOPE2EVENTS_BUDGET sets it) */
#define BUDGET (4u << 20)

static const struct cli_info info = {
	"speedscope2events",
	"speedscope2events [-q] [--strict] [FILE ...]",
	"Convert speedscope JSON files (every version; plain, gzip or zstd) to a\n"
	"flamepipe events stream (events(5)): one thread per profile, evented\n"
	"profiles as timed O/C records, sampled profiles as untimed S records with\n"
	"their weights. FILE - or no FILE reads stdin.\n"
	"\n"
	"      --strict    stop at the first event or sample that cannot be used\n"
	"  -q, --quiet     no progress line on a terminal\n"
	"      --help      show this help and exit\n"
	"      --version   show the version and exit\n",
};

static void reset(struct run *r)
{
	r->nlv = r->skip_depth = 0;
	r->nframes = r->nprof = 0;
	r->seen_profiles = 0;
	r->strs.len = 0;
	store_reset(&r->store);
}

static int convert(const char *path, void *ctx)
{
	struct run *r = ctx;
	struct input in;
	struct json j;
	enum json_result res;
	int bad;

	if (input_open(&in, path) < 0)
		return 1;
	reset(r);
	r->file = in.name;
	ev_put_input(in.name);
	json_init(&j, &ssin_json_handler, r);
	res = json_parse_input(&j, &in);
	json_free(&j);
	bad = res != JSON_OK;
	if (res == JSON_TRUNCATED)
		fp_warn("%s: truncated JSON: the events and samples before the cut are converted",
			in.name);
	if ((res == JSON_OK || res == JSON_TRUNCATED) && !r->seen_profiles) {
		fp_warn("%s: not a speedscope file (no \"profiles\" array)", in.name);
		bad = 1;
	} else if (res == JSON_OK || res == JSON_TRUNCATED) {
		if (r->nprof == 0)
			fp_warn("%s: no profiles (an empty \"profiles\" array)", in.name);
		ssin_emit(r);
	}
	skip_file_done(&r->skips, in.name, "records");
	input_close(&in);
	return bad;
}

static void run_free(struct run *r)
{
	free(r->lv);
	free(r->frames);
	free(r->prof);
	buf_free(&r->strs);
	store_free(&r->store);
	buf_free(&r->at);
	free(r->sfr);
	free(r->fout);
	free(r->stk);
	buf_free(&r->name);
	buf_free(&r->event);
	buf_free(&r->unitz);
	buf_free(&r->key);
	intern_free(&r->threads);
	intern_free(&r->events);
	intern_free(&r->units);
}

int cmd_speedscope2events(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct run r = { 0 };
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STRICT: r.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	{
		const char *e = getenv("SPEEDSCOPE2EVENTS_BUDGET");

		store_init(&r.store, "speedscope2events", NULL,
			   e && *e ? (size_t)strtoull(e, NULL, 10) : BUDGET);
	}
	ev_put_magic();
	ev_put_header("source", ev_str("speedscope"));
	ev_put_header("clock", ev_str("trace"));
	status = cli_each_input(argc - optind, argv + optind, convert, &r);
	run_free(&r);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_speedscope2events(argc, argv); }
#endif
