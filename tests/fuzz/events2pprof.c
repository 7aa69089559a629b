/* events2pprof.c - fuzz events2pprof in-process, then pprof2events on its
 * output (filters/events2pprof.c, filters/pprof2events.c)
 *
 * The first input byte picks the options: bit 0 -t, bit 1 -p, bit 2 -u;
 * the rest is an events stream (seeds: the goldens' and perf captures'
 * streams). cmd_events2pprof() runs on it through a memfd, twice (no
 * state survives a call); its output, when it wrote one, is given to
 * cmd_pprof2events(). Properties:
 *  - events2pprof never exits inside the call, its messages start with
 *    "events2pprof: ";
 *  - what it writes is a pprof profile that pprof2events reads without a
 *    message and with status 0, into a valid events stream of S and E
 *    records only;
 *  - weights are conserved: when events2pprof said nothing (no record
 *    skipped, no event left out), the sum of each event's S weights in
 *    the input (ev_parse, sums mod 2^64) equals the sum of that event's
 *    weights out of pprof2events.
 */
#include <inttypes.h>

#include "fuzz.h"

#include "../../common/intern.h"
#include "../../filters/cmds.h"

#define PROG "events2pprof"

#include "filter.h"

static struct intern want, got;	/* unescaped event -> sum */
static struct buf key;

static void add(struct intern *t, struct slice ev, int64_t w)
{
	struct ient *e;

	key.len = 0;
	ev_unescape(&key, ev.p, ev.n);
	/* protobuf-c hands strings to pprof2events as C strings: a name ends
	 * at its first NUL byte (pprof itself keeps them) */
	key.len = key.len ? strnlen(key.p, key.len) : 0;
	if (key.len == 0)
		buf_adds(&key, "value");	/* pprof2events' name for a type without one */
	e = intern_add(t, key.p, key.len);
	e->value = (int64_t)((uint64_t)e->value + (uint64_t)w);
}

/* An S weight of the input (each_sample()). */
static void add_want(void *ctx, const struct ev_rec *r)
{
	(void)ctx;
	add(&want, r->event, r->weight);
}

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		add(&got, r->event, r->weight);
		return;
	default:
		unexpected_record(p, n);
	}
}

static const struct fuzz_opt opts[] = {
	{ 1, 1, "-t" }, { 2, 2, "-p" }, { 4, 4, "-u" },
	{ 0, 0, NULL }
};

/* Each event's weights in, and back out of pprof2events. */
static void same_sums(void)
{
	size_t i;

	for (i = 0; i < want.count; i++) {
		size_t j = intern_find(&got, want.ents[i].key, want.ents[i].len);
		struct tally in = { 0, (uint64_t)want.ents[i].value };
		struct tally back = { 0, j == (size_t)-1 ? 0 : (uint64_t)got.ents[j].value };
		char what[96];

		snprintf(what, sizeof what, "event %.*s", (int)(want.ents[i].len > 64 ? 64 : want.ents[i].len),
			 want.ents[i].key);
		same_tally(what, in, back, 0);
	}
}

/* The lines "  samples of EVENT: N" under foldagg's message about the
 * records left out continue it: check_stderr() sees only the others. */
static void drop_detail_lines(void)
{
	size_t i = 0, o = 0;

	while (i < err_n) {
		const char *nl = memchr(err_p + i, '\n', err_n - i);
		size_t len = nl ? (size_t)(nl - (err_p + i)) + 1 : err_n - i;

		if (!(len >= 2 && err_p[i] == ' ' && err_p[i + 1] == ' ')) {
			memmove(err_p + o, err_p + i, len);
			o += len;
		}
		i += len;
	}
	err_n = o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct round_trip rt;
	int quiet;

	(void)run_filter;	/* round_trip() takes its steps */
	/* a D record (unnested span) is the model's fatal order error: exit 1
	 * by design (model.c, goldens and faults.sh), not a property here */
	if (size < 1 || has_d_record(data + 1, size - 1))
		return 0;
	if (!round_trip(&rt, cmd_events2pprof, opts, drop_detail_lines, cmd_pprof2events,
			"pprof2events", data, size)) {
		round_trip_free(&rt);
		return 0;	/* not an events stream, or nothing to read */
	}
	quiet = rt.quiet;
	/* two events whose names agree up to a NUL byte are one sample type
	 * name for pprof2events (C strings): a unit conflict it reports */
	if (err_n && memmem(err_p, err_n, "an earlier input had it in", 26))
		quiet = 0;
	else if (err_n || rt.back_status)
		fprintf(stderr, "pprof2events: status %d: %.*s\n", rt.back_status, (int)err_n, err_p);
	FUZZ_CHECK(rt.back_status == 0 && (err_n == 0 || !quiet));
	intern_clear(&want);
	intern_clear(&got);
	check_output(rt.back, rt.back_n, record);
	if (quiet) {
		each_sample((const char *)data + 1, size - 1, add_want, NULL);
		same_sums();
	}
	round_trip_free(&rt);
	return 0;
}
