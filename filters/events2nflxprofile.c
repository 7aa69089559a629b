/* events2nflxprofile - write an events stream as a Netflix nflxprofile
 * (FlameScope's protobuf format)
 *
 * The samples (S) of one event, in time order, become nflxprofile samples
 * with time deltas; each distinct (thread, COMM, stack) becomes a node
 * whose stack is its frames, root first, under the COMM (has_node_stack).
 * The per-sample arrays are bytes appended to streams that spill to
 * temporary files, so memory grows with the nodes, not the samples; the
 * file is written at the end. Design: docs/nflxprofile.md §4; the parts:
 * events2nflxprofile/nx.h.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/bytes.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/out.h"
#include "cmds.h"
#include "events2nflxprofile/nx.h"

static const struct cli_info info = {
	"events2nflxprofile",
	"events2nflxprofile [-q] [-e EVENT] [--strict] [FILE ...] > FILE.nflxprofile",
	"Write the samples (S records) of a flamepipe events stream (events(5)) as\n"
	"one Netflix nflxprofile, the protobuf file FlameScope opens. The samples\n"
	"must be timed and in time order (eventsort sorts a stream); a weight\n"
	"other than 1 goes to the sample's value (hasValues). FILE - or no FILE\n"
	"reads stdin. See docs/nflxprofile.md.\n"
	"\n"
	"  -e, --event=EVENT  the samples of EVENT (default: the first sampled event)\n"
	"      --strict       stop at the first malformed or unusable record\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

static int wanted(void *ctx, const struct ev_rec *r)
{
	struct nx *x = ctx;

	if (r->type == 'O' || r->type == 'C') {
		x->spans++;
		return 0;
	}
	if (r->type == 'I') {
		x->instants++;
		return 0;
	}
	if (!x->event) {
		x->event = x->event_alloc = fp_strndup(r->event.p, r->event.n);
		x->event_len = r->event.n;
	} else if (r->event.n != x->event_len || !bytes_eq(x->event, r->event.p, r->event.n)) {
		x->other_events++;
		return 0;
	}
	return 1;
}

static void header(void *ctx, struct slice line)
{
	struct nx *x = ctx;
	int64_t t;
	int end = line.n > 5 && memcmp(line.p, "#end ", 5) == 0;

	if (!end && !(line.n > 7 && memcmp(line.p, "#start ", 7) == 0))
		return;
	if (ev_parse_time(line.p + (end ? 5 : 7), line.n - (end ? 5 : 7), &t) < 0) {
		skip_record(&x->m.skips, x->m.file, x->m.lineno, "bad time in header");
	} else if (end) {
		if (!x->have_end || t > x->end_hdr)
			x->end_hdr = t;
		x->have_end = 1;
	} else {
		if (!x->have_start || t < x->start_hdr)
			x->start_hdr = t;
		x->have_start = 1;
	}
}

/* The node of (thread, COMM, stack): a new one on first sight. */
static uint32_t node_of(struct nx *x, const struct md_sample *s)
{
	struct u64ent *e = u64map_add(&x->of, (uint64_t)s->thread << 32 | s->stack);
	uint32_t i = (uint32_t)e->value, last = 0;	/* last: the chain's end, by index */

	for (; i; i = x->nodes[i - 1].next) {
		if (x->nodes[i - 1].comm == s->comm)
			return i;
		last = i;
	}
	/* may move x->nodes: the chain's end is linked after it, by index */
	fp_grow(&x->nodes, &x->nodecap, x->nnodes + 1, sizeof *x->nodes);
	x->nodes[x->nnodes] = (struct nx_node){ s->thread, s->comm, s->stack, 0, 0 };
	i = (uint32_t)++x->nnodes;
	if (last)
		x->nodes[last - 1].next = i;
	else
		e->value = i;
	return i;
}

/* A CPU field that is a uint32, else -1. */
static int64_t cpu_of(struct slice s)
{
	int64_t v;

	if (s.n == 0 || ev_absent(s) || ev_parse_i64(s.p, s.n, &v) < 0 || v < 0 || v > UINT32_MAX)
		return -1;
	return v;
}

static void sample(void *ctx, const struct md_sample *s)
{
	struct nx *x = ctx;
	uint32_t id;
	int64_t cpu;
	char *p;

	if (s->time == EV_NONE || (x->nsamples && s->time < x->last)) {
		/* the end of the run: nothing is written (m.stop, x->failed) */
		if (s->time == EV_NONE)
			fp_warn("%s:%" PRIu64 ": a sample without a time: an nflxprofile holds timed "
				"samples (events2folded or events2speedscope take untimed ones)",
				x->m.file, x->m.lineno);
		else
			fp_warn("%s:%" PRIu64 ": a sample earlier than the one before: an nflxprofile "
				"needs samples in time order (sort the stream with eventsort)",
				x->m.file, x->m.lineno);
		x->failed = 1;
		x->m.stop = 1;
		return;
	}
	if (s->weight < 0) {
		skip_record(&x->m.skips, x->m.file, x->m.lineno,
			    "negative weight (nflxprofile values are unsigned)");
		return;
	}
	id = node_of(x, s);
	x->nodes[id - 1].hits++;
	p = nx_spill_room(&x->st[NX_IDS], 5);
	nx_spill_done(&x->st[NX_IDS], nx_varint(p, id));
	p = nx_spill_room(&x->st[NX_TIMES], 8);
	memcpy(p, &s->time, 8);
	nx_spill_done(&x->st[NX_TIMES], p + 8);
	if (x->all_cpus && (cpu = cpu_of(s->rec->cpu)) >= 0) {
		p = nx_spill_room(&x->st[NX_CPUS], 5);
		nx_spill_done(&x->st[NX_CPUS], nx_varint(p, (uint64_t)cpu));
	} else {
		x->all_cpus = 0;
	}
	p = nx_spill_room(&x->st[NX_VALUES], 10);
	nx_spill_done(&x->st[NX_VALUES], nx_varint(p, (uint64_t)s->weight));
	if (s->weight != 1)
		x->weighted = 1;
	if (!x->nsamples)
		x->first = s->time;
	x->last = s->time;
	x->nsamples++;
}

/* What an nflxprofile cannot hold, on stderr. */
static void report(const struct nx *x)
{
	if (x->other_events)
		fp_warn("wrote the samples of event '%s'; left out %" PRIu64
			" samples of other events (choose with --event)", x->event, x->other_events);
	if (x->spans || x->instants)
		fp_warn("left out %" PRIu64 " span records and %" PRIu64
			" instants (an nflxprofile holds samples)", x->spans, x->instants);
	if (x->bad_utf8)
		fp_warn("%" PRIu64 " names or COMMs have bytes that are not UTF-8, written as U+FFFD "
			"(protobuf strings are UTF-8)", x->bad_utf8);
	if (x->nsamples == 0)
		fp_warn("no samples%s%s: the profile is empty", x->event ? " of event " : "",
			x->event ? x->event : "");
}

static void nx_free(struct nx *x)
{
	size_t i;

	for (i = 0; i < NX_NSTREAMS; i++)
		nx_spill_free(&x->st[i]);
	u64map_free(&x->of);
	free(x->nodes);
	free(x->event_alloc);
	free(x->path);
	buf_free(&x->tmp);
	buf_free(&x->tmp2);
	buf_free(&x->enc);
	buf_free(&x->enc2);
	model_free(&x->m);
}

int cmd_events2nflxprofile(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct nx *x = fp_calloc(1, sizeof *x);
	const struct md_sink sink = { .ctx = x, .want = wanted, .header = header, .sample = sample };
	int c, status;

	cli_init(&info);
	model_init(&x->m, &sink, NULL);
	x->all_cpus = 1;
	while ((c = getopt_long(argc, argv, "e:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': x->event = optarg; x->event_len = strlen(optarg); break;
		case OPT_STRICT: x->m.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	cli_refuse_terminal("a binary nflxprofile", "> app.nflxprofile");
	status = cli_each_input(argc - optind, argv + optind, model_read, &x->m);
	model_end(&x->m);
	/* no file when no input could be read, nor when one is not an events
	 * stream, nor after an untimed or unordered sample */
	if (x->failed)
		status = 1;
	else if (!x->m.bad_input && (status == 0 || x->nsamples > 0)) {
		nx_write(x);
		report(x);
	}
	out_close();
	nx_free(x);
	free(x);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2nflxprofile(argc, argv); }
#endif
