/* events2speedscope - write an events stream as a speedscope JSON file
 *
 * One profile per thread and event: samples (S) become "sampled" profiles
 * whose runs of equal consecutive stacks are merged into one weighted
 * sample; spans (O/C) become "evented" profiles in nanoseconds relative to
 * the stream's origin, repaired when unbalanced (by the stream model).
 * Profile bodies go to per-stream buffers that spill in chunks to one
 * unlinked temporary file; the whole document is written at the end,
 * frames table included. Design: docs/speedscope.md; the parts:
 * events2speedscope/ss.h.
 */
#include <stdlib.h>

#include "../common/alloc.h"
#include "../common/cli.h"
#include "../common/out.h"
#include "cmds.h"
#include "events2speedscope/ss.h"

#define BUDGET (16 << 20)	/* all streams' buffers together, then all spill;
				 * tests lower it with EVENTS2SPEEDSCOPE_BUDGET */

static const struct cli_info info = {
	"events2speedscope",
	"events2speedscope [-mqz] [-d DEPTH] [-e EVENT] [-n N] [-p PID] [-t TID] [--name NAME] [--strict] [FILE ...]",
	"Write a flamepipe events stream (events(5)) as one speedscope JSON file\n"
	"(name it *.speedscope.json). Samples (S) become sampled profiles, one per\n"
	"thread and event, with equal consecutive stacks merged; spans (O/C)\n"
	"become evented profiles in nanoseconds from the start of the stream.\n"
	"FILE - or no FILE reads stdin.\n"
	"\n"
	"  -m, --merge          one sample profile per event for all threads, each\n"
	"                       stack under a root frame naming its thread\n"
	"  -e, --event=EVENT    only samples and spans of EVENT (default: all)\n"
	"  -p, --pid=PID        only threads of process PID (repeatable)\n"
	"  -t, --tid=TID        only thread TID (repeatable)\n"
	"  -n, --top=N          only the N busiest profiles\n"
	"  -d, --max-depth=N    truncate stacks deeper than N frames (default 2000,\n"
	"                       0: never) with a \"[frames truncated]\" frame\n"
	"  -z, --gzip           gzip-compress the output (speedscope opens it)\n"
	"      --name=NAME      the file's profile name (default: the #command\n"
	"                       header, else the input file name)\n"
	"      --strict         stop at the first malformed or unusable record\n"
	"  -q, --quiet          no progress line on a terminal\n"
	"      --help           show this help and exit\n"
	"      --version        show the version and exit\n",
};

static void add_to_list(const char ***list, size_t *n, const char *s)
{
	*list = fp_realloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = s;
}

/* Options into s; returns optind. */
static int options(struct ss *s, int argc, char **argv)
{
	enum { OPT_NAME = CLI_FIRST_LONG, OPT_STRICT };
	static const struct option longopts[] = {
		{ "merge", no_argument, NULL, 'm' },
		{ "event", required_argument, NULL, 'e' },
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "top", required_argument, NULL, 'n' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:e:mn:p:t:zq", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': s->merge = 1; break;
		case 'e': s->event = optarg; break;
		case 'p': add_to_list(&s->pids, &s->npids, optarg); break;
		case 't': add_to_list(&s->tids, &s->ntids, optarg); break;
		case 'n': s->top = cli_number(&info, "--top", optarg, 1, 1000000000); break;
		case 'd': s->max_depth = cli_number(&info, "--max-depth", optarg, 0, 1000000000);
			if (s->max_depth == 1)
				cli_usage_error(&info, "--max-depth: must be 0 or at least 2");
			break;
		case 'z': s->gzip = 6; break;
		case OPT_NAME: s->name = optarg; break;
		case OPT_STRICT: s->m.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	return optind;
}

int cmd_events2speedscope(int argc, char **argv)
{
	struct ss *s = fp_calloc(1, sizeof *s);
	const char *budget = getenv("EVENTS2SPEEDSCOPE_BUDGET");
	int status, first;

	cli_init(&info);
	ss_init(s);
	s->sp.budget = budget ? (size_t)strtoull(budget, NULL, 10) : BUDGET;
	first = options(s, argc, argv);
	status = cli_each_input(argc - first, argv + first, ss_read, s);
	ss_finish(s);
	ss_choose_top(s);
	/* no file when no input could be read, nor when one is not an events stream */
	if (!s->m.bad_input && (status == 0 || s->np > 0)) {
		ss_write(s);
		ss_report(s);
	}
	out_close();
	ss_free(s);
	free(s);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2speedscope(argc, argv); }
#endif
