/* trace2events - convert Trace Event Format JSON (Chrome, Perfetto, Node) to events */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/json.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "cmds.h"
#include "trace2events/trace.h"

/*
 * The JSON is walked as a stream (common/json.h); an event is collected
 * field by field (keys come in any order) and handled when its object
 * ends. What stays in memory: per thread, the B events waiting for their
 * E; per sample stream, the one sample waiting for the next one's time
 * (its weight); per V8 profile, its node table; the stackFrames table;
 * samples that wait for a stackFrames table further on. Spans are written
 * as D records at once, unnested (docs/ordering.md): nothing waits for a
 * parent, so X events in completion order cost nothing.
 *
 * This file: options, the inputs one after the other, the end of each;
 * the parts are in trace2events/ (trace.h says which does what).
 */

static const struct cli_info info = {
	"trace2events",
	"trace2events [-aq] [-e EVENT] [--strict] [FILE ...]",
	"Convert Trace Event Format JSON (Chrome about:tracing and DevTools, Perfetto's\n"
	"legacy JSON, Node --trace-events) to a flamepipe events stream (events(5)).\n"
	"Spans (B/E, X) and instants come out as unsorted D records: pipe the output\n"
	"through eventsort(1), which nests them into O/C records with full stacks.\n"
	"Samples (P, samples + stackFrames, V8 Profile/ProfileChunk/CpuProfile) come\n"
	"out as S records weighted by nanoseconds. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -a, --args         append ' ' and the event's args as compact JSON to span\n"
	"                     names, as speedscope does\n"
	"  -e, --event=EVENT  EVENT field of spans (default: the event's category)\n"
	"      --strict       stop at the first malformed event\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

void tr_skip(struct trace *tr, const char *why)
{
	skip_record(&tr->skips, tr->file, tr->skip_line ? tr->skip_line : json_line(&tr->j), why);
}

/* The E record of event, once per stream. */
void tr_declare(struct trace *tr, const char *event, size_t n, const char *unit)
{
	int added;

	intern_get(&tr->declared, event, n, &added);
	if (added)
		ev_put_unit((struct slice){ event, n }, unit);
}

/* ---- the end of an input ---- */

static void input_done(struct trace *tr)
{
	if (!tr->smp.sf_done) {
		tr->smp.sf_done = 1;
		tr_release_held(tr);
	}
	tr_spans_end(tr);
	tr_samples_end(tr);
}

static void report(struct trace *tr)
{
	size_t i;

	if (tr->thr.unclosed)
		fp_warn("%s: %" PRIu64 " B events never ended; they end at their thread's last time",
			tr->file, tr->thr.unclosed);
	if (tr->thr.nodur)
		fp_warn("%s: %" PRIu64 " X events without dur or tdur; taken as zero-length",
			tr->file, tr->thr.nodur);
	if (tr->ignored.count) {
		uint64_t n = 0;

		for (i = 0; i < tr->ignored.count; i++)
			n += (uint64_t)tr->ignored.ents[i].value;
		fprintf(stderr, "%s: %s: ignored %" PRIu64 " events of phases", fp_progname, tr->file, n);
		for (i = 0; i < tr->ignored.count; i++)
			fprintf(stderr, " %.*s:%" PRId64, (int)tr->ignored.ents[i].len,
				tr->ignored.ents[i].key, tr->ignored.ents[i].value);
		fprintf(stderr, " (counters, async, flow and object events have no place in "
			"the events format)\n");
		intern_free(&tr->ignored);
		memset(&tr->ignored, 0, sizeof tr->ignored);
	}
	tr->thr.unclosed = tr->thr.nodur = 0;
}

static int convert(const char *path, void *ctx)
{
	struct trace *tr = ctx;
	struct input in;
	enum json_result r;
	int status = 0;

	if (input_open(&in, path) < 0)
		return 1;
	tr->file = in.name;
	tr->walk.form = 0;
	tr->walk.active = 0;
	tr->walk.field_depth = (size_t)-1;
	tr->smp.sf_done = 0;
	tr->fp_weights = 0;
	ev_put_input(in.name);
	json_init(&tr->j, &tr_json_handler, tr);
	r = json_parse_input(&tr->j, &in);
	switch (r) {
	case JSON_OK:
		break;
	case JSON_TRUNCATED:
		if (tr->walk.active)
			tr_skip(tr, "the input ends inside an event (truncated file); event dropped");
		else if (tr->walk.form == '{')
			tr_skip(tr, "the input ends inside the trace object (truncated file)");
		break;
	case JSON_INVALID:
		if (tr->skips.strict)
			fp_die("%s: invalid JSON", tr->file);
		status = 1;
		break;
	default:
		status = 1;
		break;
	}
	if (r != JSON_READ_ERROR && !tr->walk.form && r != JSON_INVALID && r != JSON_STOPPED) {
		fp_warn("%s: empty input", tr->file);
		status = 1;
	}
	input_done(tr);
	report(tr);
	skip_file_done(&tr->skips, tr->file, "events");
	json_free(&tr->j);
	input_close(&in);
	return status;
}

static void tev_free(struct tev *e)
{
	struct buf *bufs[] = { &e->name, &e->cat, &e->pid, &e->tid, &e->args, &e->argname, &e->id,
			       &e->sfid, &e->stack, &e->sname, &e->cpu, &e->hurl, &e->node_ids,
			       &e->node_parents, &e->node_frames, &e->children, &e->nid, &e->nparent,
			       &e->fname, &e->furl, &e->samples, &e->deltas, &e->attrs };
	size_t i;

	for (i = 0; i < sizeof bufs / sizeof *bufs; i++)
		buf_free(bufs[i]);
}

/* What is left at the end of the run (the per-input tables are freed at
 * the end of each input). */
static void trace_free(struct trace *tr)
{
	struct buf *bufs[] = { &tr->walk.cur_sf_name, &tr->walk.cur_sf_parent, &tr->walk.meta,
			       &tr->walk.meta_key, &tr->walk.cur_sf_attrs, &tr->walk.fp_unit, &tr->walk.meta_val, &tr->thr.key, &tr->thr.frame, &tr->thr.ev_raw, &tr->thr.ev_field,
			       &tr->smp.key, &tr->smp.sf_text, &tr->smp.held_text, &tr->smp.stack,
			       &tr->smp.held_head, &tr->smp.event, &tr->prof.key, &tr->prof.stack };
	size_t i;

	for (i = 0; i < sizeof bufs / sizeof *bufs; i++)
		buf_free(bufs[i]);
	tev_free(&tr->e);
	free(tr->thr.th);
	free(tr->smp.pe);
	free(tr->smp.sf);
	free(tr->smp.held);
	free(tr->smp.chain);
	free(tr->prof.pr);
	intern_free(&tr->declared);
	intern_free(&tr->ignored);
	free(tr);
}

int cmd_trace2events(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "args", no_argument, NULL, 'a' },
		{ "event", required_argument, NULL, 'e' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct trace *tr = fp_calloc(1, sizeof *tr);
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "ae:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': tr->args = 1; break;
		case 'e': tr->event = optarg; break;
		case OPT_STRICT: tr->skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	tr_walk_init();
	ev_put_magic();
	ev_put_header("source", ev_str("trace-event"));
	ev_put_header("clock", ev_str("trace"));
	ev_put_header("order", ev_str("unsorted"));
	status = cli_each_input(argc - optind, argv + optind, convert, tr);
	trace_free(tr);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_trace2events(argc, argv); }
#endif
