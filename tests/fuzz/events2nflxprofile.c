/* events2nflxprofile.c - fuzz events2nflxprofile in-process, and read its
 * output back with nflxprofile2events in-process (filters/events2nflxprofile.c,
 * filters/nflxprofile2events.c)
 *
 * The first input byte picks the options (bit 0: -e cpu-clock), the rest
 * is an events stream. Properties:
 *  - neither filter exits inside the call; every stderr line of
 *    events2nflxprofile starts with "events2nflxprofile: ", and a second
 *    run gives the same output and messages;
 *  - when events2nflxprofile succeeds, nflxprofile2events reads its output
 *    (a valid events stream, filter.h) without a message, into as many S
 *    records as the input has timed S records of the chosen event (the
 *    -e one, else the first one's), with the same sum of weights, in time
 *    order; when events2nflxprofile reported skipped records, or the input
 *    has times beyond nflxprofile2events' range (|t| > 9.2e9 s), at most
 *    as many;
 *  - a failed run (status 1) writes nothing.
 * Inputs with a D record are not run: the stream model exits on one.
 */
#include <inttypes.h>

#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "events2nflxprofile"

#include "filter.h"

/* The samples read back: their tally, in time order? */
static struct {
	struct tally t;
	int64_t last;
	int ordered;
} back;

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		back.t.n++;
		back.t.w += (uint64_t)r->weight;
		if (r->time == EV_NONE || (back.t.n > 1 && r->time < back.last))
			back.ordered = 0;
		back.last = r->time;
		return;
	default:
		unexpected_record(p, n);
	}
}

/* The input's samples an nflxprofile should hold: S records of the event
 * (the first one's when none is chosen) with a weight >= 0; far when a
 * time is out of nflxprofile2events' range. */
struct want {
	struct buf ev;		/* the event, as written (escaped) */
	int have;
	struct tally t;
	int far;
};

static void want_sample(void *ctx, const struct ev_rec *r)
{
	struct want *x = ctx;

	if (!x->have) {
		buf_add(&x->ev, r->event.p, r->event.n);
		x->have = 1;
	}
	if (r->event.n == x->ev.len && (r->event.n == 0 || memcmp(r->event.p, x->ev.p, r->event.n) == 0) &&
	    r->weight >= 0) {
		x->t.n++;
		x->t.w += (uint64_t)r->weight;
		if (r->time != EV_NONE && (r->time > 9200000000000000000 || r->time < -9200000000000000000))
			x->far = 1;
	}
}

static int skipped;	/* events2nflxprofile reported skipped records */

static void look(void)
{
	skipped = err_n && memmem(err_p, err_n, "skipped", 7) != NULL;
}

static const struct fuzz_opt opts[] = { { 1, 1, "-ecpu-clock" }, { 0, 0, NULL } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct want want;
	struct round_trip rt;
	int ran;

	(void)run_filter;	/* round_trip() takes its steps */
	if (size < 1 || has_d_record(data + 1, size - 1))
		return 0;
	ran = round_trip(&rt, cmd_events2nflxprofile, opts, look, cmd_nflxprofile2events,
			 "nflxprofile2events", data, size);
	/* a failed run (status 1) writes nothing */
	FUZZ_CHECK(rt.status == 0 || rt.n == 0);
	if (!ran) {
		round_trip_free(&rt);
		return 0;
	}
	want.ev.len = 0;
	want.have = 0;
	want.t = (struct tally){ 0, 0 };
	want.far = 0;
	if (data[0] & 1) {
		buf_adds(&want.ev, "cpu-clock");
		want.have = 1;
	}
	each_sample((const char *)data + 1, size - 1, want_sample, &want);
	if (!want.far && rt.back_status != 0)
		fprintf(stderr, "nflxprofile2events: status %d: %.*s\n", rt.back_status, (int)err_n, err_p);
	FUZZ_CHECK(want.far || (rt.back_status == 0 && err_n == 0));
	back.t = (struct tally){ 0, 0 };
	back.last = 0;
	back.ordered = 1;
	check_output(rt.back, rt.back_n, record);
	FUZZ_CHECK(back.ordered);
	if (skipped || want.far)
		FUZZ_CHECK(back.t.n <= want.t.n);
	else
		same_tally("events2nflxprofile", want.t, back.t, 1);
	round_trip_free(&rt);
	return 0;
}
