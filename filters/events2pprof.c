/* events2pprof - aggregate an events stream into a pprof profile */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/bytes.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/foldagg.h"
#include "../common/model.h"
#include "../common/out.h"
#include "cmds.h"
#include "events2pprof/pp.h"

static const struct cli_info info = {
	"events2pprof",
	"events2pprof [-pqtu] [-e EVENT] [--strict] [FILE ...]",
	"Aggregate a flamepipe events stream (events(5)) into one pprof profile\n"
	"(profile.proto, gzip'd) on stdout, never a terminal: each event a sample\n"
	"type, each distinct stack a sample, frames marked inlined into their\n"
	"caller's location, label frames as labels. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -e, --event=EVENT   only the samples (or spans) of EVENT (default: every\n"
	"                      event, one sample type each)\n"
	"  -t, --threads       labels pid, tid and thread name on each sample\n"
	"  -p, --pid           label pid on each sample\n"
	"  -u, --uncompressed  plain protobuf, not gzip'd\n"
	"      --strict        stop at the first malformed record\n"
	"  -q, --quiet         no progress line on a terminal\n"
	"      --help          show this help and exit\n"
	"      --version       show the version and exit\n",
};

#define MAX_COMMENTS 1000

/* The state of one call of cmd_events2pprof. */
struct e2p {
	struct fagg a;		/* the model, the event choice, weights by (root, node) */
	struct pp_tables t;
	int uncompressed, threads, pid;
	struct intern pidrep;	/* -p: pid (escaped) -> aux: its first thread */
	int64_t tmin, tmax, hstart, hend;	/* EV_NONE: none */
	int clock_unix, clock_other;
	uint32_t *comments;	/* string indices */
	size_t ncomments, comcap;
	uint64_t comments_left;
	struct buf msg, lab, tmp;
	uint64_t *vals;
	size_t valcap;
};

static void see_time(struct e2p *e, int64_t t)
{
	if (t == EV_NONE)
		return;
	if (e->tmin == EV_NONE || t < e->tmin)
		e->tmin = t;
	if (e->tmax == EV_NONE || t > e->tmax)
		e->tmax = t;
}

static int wanted(void *ctx, const struct ev_rec *r)
{
	return fagg_want(&((struct e2p *)ctx)->a, r);
}

/* The thread a sample is kept under: none, its own (-t), or the first
 * thread seen of its process (-p). */
static uint32_t root_thread(struct e2p *e, uint32_t thread)
{
	struct slice pid;
	int added;
	size_t i;

	if (e->threads || thread == MD_NONE)
		return e->threads ? thread : MD_NONE;
	if (!e->pid)
		return MD_NONE;
	pid = model_thread(&e->a.m, thread)->pid;
	i = intern_get(&e->pidrep, pid.p, pid.n, &added);
	if (added)
		e->pidrep.ents[i].aux = thread;
	return (uint32_t)e->pidrep.ents[i].aux;
}

static void add(struct e2p *e, uint32_t comm, uint32_t thread, uint32_t node, int64_t w)
{
	fagg_add(&e->a, e->threads ? comm : MD_NONE, root_thread(e, thread), node, w);
}

static void sample(void *ctx, const struct md_sample *s)
{
	struct e2p *e = ctx;

	see_time(e, s->time);
	add(e, s->comm, s->thread, s->stack, fagg_sample_weight(&e->a, s));
}

static void span_close(void *ctx, const struct md_span *s)
{
	struct e2p *e = ctx;

	see_time(e, s->start);
	see_time(e, s->end);
	add(e, s->comm, s->thread, s->stack, fagg_span_weight(&e->a, s));
}

/* #start, #end, #clock; comment lines "# TEXT" become profile comments. */
static void header(void *ctx, struct slice line)
{
	struct e2p *e = ctx;
	struct slice key = { line.p + 1, 0 }, val = { "", 0 };
	int64_t t;

	while (key.n + 1 < line.n && line.p[key.n + 1] != ' ')
		key.n++;
	if (key.n + 2 <= line.n)
		val = (struct slice){ line.p + key.n + 2, line.n - key.n - 2 };
	if (key.n == 0) {
		if (e->ncomments == MAX_COMMENTS) {
			e->comments_left++;
			return;
		}
		fp_grow(&e->comments, &e->comcap, e->ncomments + 1, sizeof *e->comments);
		e->comments[e->ncomments++] = pp_string(&e->t, val.p, val.n);
	} else if (bytes_is(key.p, key.n, "start") && ev_parse_time(val.p, val.n, &t) == 0) {
		if (e->hstart == EV_NONE || t < e->hstart)
			e->hstart = t;
	} else if (bytes_is(key.p, key.n, "end") && ev_parse_time(val.p, val.n, &t) == 0) {
		if (e->hend == EV_NONE || t > e->hend)
			e->hend = t;
	} else if (bytes_is(key.p, key.n, "clock")) {
		*(bytes_is(val.p, val.n, "unix") ? &e->clock_unix : &e->clock_other) = 1;
	}
}

/* pprof's unit of an event's weights (docs/events2pprof.md §1). */
static uint32_t unit(struct e2p *e, int i)
{
	struct slice u;

	if (e->a.kind[i] == 'O')
		return pp_string(&e->t, "nanoseconds", 11);
	u = model_unit(&e->a.m, ev_str(e->a.event[i]));
	if (bytes_is(u.p, u.n, "samples") || bytes_is(u.p, u.n, "period"))
		u = ev_str("count");
	return pp_string_esc(&e->t, u);
}

static void put_sample_types(struct e2p *e)
{
	int i;

	for (i = 0; i < e->a.nevents || i == 0; i++) {
		uint32_t type = pp_string(&e->t, "samples", 7), u = pp_string(&e->t, "count", 5);

		if (i < e->a.nevents && e->a.event[i]) {
			type = pp_string_esc(&e->t, ev_str(e->a.event[i]));
			u = unit(e, i);
		}
		e->msg.len = 0;
		pb_uint(&e->msg, PB_VALUETYPE_TYPE, type);
		pb_uint(&e->msg, PB_VALUETYPE_UNIT, u);
		pb_put_field(PB_PROFILE_SAMPLE_TYPE, e->msg.p, e->msg.len);
	}
}

/* A label KEY = text; a decimal text is a number when num is set. */
static void put_label(struct e2p *e, const char *key, size_t kn, const char *p, size_t n, int num)
{
	int64_t v;

	e->lab.len = 0;
	pb_uint(&e->lab, PB_LABEL_KEY, pp_string(&e->t, key, kn));
	if (num && n && ev_parse_i64(p, n, &v) == 0)
		pb_uint(&e->lab, PB_LABEL_NUM, (uint64_t)v);
	else
		pb_uint(&e->lab, PB_LABEL_STR, pp_string(&e->t, p, n));
	pb_bytes(&e->msg, PB_SAMPLE_LABEL, e->lab.p, e->lab.len);
}

/* An escaped identity field (pid, tid) as a label, unless absent. */
static void put_id_label(struct e2p *e, const char *key, struct slice id)
{
	if (id.n == 0 || ev_absent(id))
		return;
	e->tmp.len = 0;
	ev_unescape(&e->tmp, id.p, id.n);
	put_label(e, key, strlen(key), e->tmp.p, e->tmp.len, 1);
}

/* -t: pid, tid, thread name (the records' COMM, else T/P names); -p: pid. */
static void put_thread_labels(struct e2p *e, uint32_t root)
{
	uint64_t key = e->a.roots.ents[root].key;
	uint32_t comm = (uint32_t)(key >> 32), thread = (uint32_t)key;
	struct slice name;

	if (thread == MD_NONE)
		return;
	put_id_label(e, "pid", model_thread(&e->a.m, thread)->pid);
	if (!e->threads)
		return;
	put_id_label(e, "tid", model_thread(&e->a.m, thread)->tid);
	if (comm != MD_NONE)
		name = model_comm(&e->a.m, comm);
	else if (!model_tp_name(&e->a.m, thread, &name))
		return;
	e->tmp.len = 0;
	ev_unescape(&e->tmp, name.p, name.n);
	put_label(e, "thread name", 11, e->tmp.p, e->tmp.len, 0);
}

/* Label frames (KEY=VALUE`label) at the root: string labels; returns
 * their number. */
static size_t put_frame_labels(struct e2p *e, const uint32_t *path, size_t n)
{
	const struct stacks *s = &e->a.m.stacks;
	size_t i;

	for (i = 0; i < n && pp_is_label(&e->t, s, path[i]); i++) {
		struct ev_frame f;
		const char *eq;
		size_t k;

		stacks_frame_get(s, path[i], &f);
		e->tmp.len = 0;
		ev_unescape(&e->tmp, f.name.p, f.name.n);
		eq = memchr(e->tmp.p ? e->tmp.p : "", '=', e->tmp.len);
		k = eq ? (size_t)(eq - e->tmp.p) : e->tmp.len;
		put_label(e, e->tmp.p, k, e->tmp.p + k + (eq != NULL), e->tmp.len - k - (eq != NULL), 0);
	}
	return i;
}

/* One Sample per (root, node) of any event: its values for every event. */
static void put_sample(struct e2p *e, uint64_t key)
{
	size_t i, n, nl, nv = e->a.nevents > 0 ? (size_t)e->a.nevents : 1;
	int nonzero = 0;

	fp_grow(&e->vals, &e->valcap, nv, sizeof *e->vals);
	for (i = 0; i < nv; i++) {
		const struct u64ent *w = u64map_find(&e->a.stacks[i], key);

		e->vals[i] = w ? (uint64_t)w->value : 0;
		nonzero |= e->vals[i] != 0;
	}
	if (!nonzero)
		return;		/* weighs nothing (pprof2events writes no record for it) */
	n = stacks_path(&e->a.m.stacks, (uint32_t)key, &e->a.path, &e->a.pathcap);
	e->msg.len = 0;
	nl = put_frame_labels(e, e->a.path, n);
	put_thread_labels(e, (uint32_t)(key >> 32));
	pp_locations(&e->t, &e->a.m.stacks, n ? e->a.path + nl : NULL, n - nl);
	pb_packed(&e->msg, PB_SAMPLE_LOCATION_ID, e->t.locids, e->t.nlocids);
	pb_packed(&e->msg, PB_SAMPLE_VALUE, e->vals, nv);
	pb_put_field(PB_PROFILE_SAMPLE, e->msg.p, e->msg.len);
}

static void put_samples(struct e2p *e)
{
	int ev, k;
	size_t i;

	for (ev = 0; ev < e->a.nevents; ev++) {
		const struct u64map *m = &e->a.stacks[ev];

		for (i = 0; i < m->count; i++) {
			for (k = 0; k < ev && !u64map_find(&e->a.stacks[k], m->ents[i].key); k++)
				;
			if (k == ev)	/* not written with an earlier event's */
				put_sample(e, m->ents[i].key);
		}
	}
}

static void put_times(struct e2p *e)
{
	int64_t start = e->hstart != EV_NONE ? e->hstart : e->tmin;
	int64_t end = e->hend != EV_NONE ? e->hend : e->tmax, d;
	size_t i;

	e->msg.len = 0;
	if (e->clock_unix && !e->clock_other && start != EV_NONE)
		pb_uint(&e->msg, PB_PROFILE_TIME_NANOS, (uint64_t)start);
	if (start != EV_NONE && end != EV_NONE && !__builtin_sub_overflow(end, start, &d) && d > 0)
		pb_uint(&e->msg, PB_PROFILE_DURATION_NANOS, (uint64_t)d);
	for (i = 0; i < e->ncomments; i++)
		pb_uint(&e->msg, PB_PROFILE_COMMENT, e->comments[i]);
	if (e->msg.len)
		out_write(e->msg.p, e->msg.len);	/* varint fields of Profile itself */
}

/* The profile: sample types and samples, the tables they use (strings
 * last), then the times. */
static void write_profile(struct e2p *e)
{
	if (!e->uncompressed)
		out_gzip(6);
	stacks_freeze(&e->a.m.stacks);
	put_sample_types(e);
	put_samples(e);
	pp_tables_write(&e->t);
	put_times(e);
}

static int options(struct e2p *e, int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "threads", no_argument, NULL, 't' },
		{ "pid", no_argument, NULL, 'p' },
		{ "uncompressed", no_argument, NULL, 'u' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "e:ptuq", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': e->a.event[0] = optarg; e->a.all = 0; e->a.nevents = 1; break;
		case 't': e->threads = 1; e->a.tid = 1; break;
		case 'p': e->pid = 1; e->a.pid = 1; break;
		case 'u': e->uncompressed = 1; break;
		case OPT_STRICT: e->a.m.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	return optind;
}

static void e2p_free(struct e2p *e)
{
	fagg_free(&e->a);
	pp_tables_free(&e->t);
	intern_free(&e->pidrep);
	free(e->comments);
	free(e->vals);
	buf_free(&e->msg);
	buf_free(&e->lab);
	buf_free(&e->tmp);
	free(e);
}

int cmd_events2pprof(int argc, char **argv)
{
	struct e2p *e = fp_calloc(1, sizeof *e);
	struct md_sink sink = {
		.ctx = e, .want = wanted, .header = header, .sample = sample, .close = span_close,
	};
	int first, status;

	cli_init(&info);
	fagg_init(&e->a, &sink, NULL);
	e->a.all = 1;
	e->a.nevents = 0;
	e->tmin = e->tmax = e->hstart = e->hend = EV_NONE;
	pp_tables_init(&e->t);
	first = options(e, argc, argv);
	cli_refuse_terminal("a binary profile", "> profile.pb.gz");
	status = cli_each_input(argc - first, argv + first, model_read, &e->a.m);
	model_end(&e->a.m);
	/* nothing when an input is not an events stream, nor when none could be read */
	if (!e->a.m.bad_input && (status == 0 || e->a.m.ninputs > 0)) {
		write_profile(e);
		fagg_report_other(&e->a, "wrote");
		if (e->comments_left)
			fp_warn("%" PRIu64 " comment lines over %d not kept", e->comments_left, MAX_COMMENTS);
	}
	out_close();
	e2p_free(e);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2pprof(argc, argv); }
#endif
