/* nflxprofile.c - fuzz nflxprofile2events in-process (filters/nflxprofile2events.c)
 *
 * cmd_nflxprofile2events() (filters/cmds.h, linked from the filter's
 * objects built with -DFP_NO_MAIN) runs on each input through a memfd, as
 * in cpuprofile.c; the input is raw protobuf bytes, decoded whole by
 * protobuf-c. The first input byte is not used (seed.sh writes one for
 * every protobuf target). Properties:
 *  - the filter never exits inside the call;
 *  - the output is a valid events stream (filter.h);
 *  - only S and E records; S records are of event "samples" weighing 1
 *    or of event "value" weighing >= 0; timed samples never go back in
 *    time (negative deltas are moved to the previous time);
 *  - every stderr line starts with "nflxprofile2events: ";
 *  - a second run on the same input gives the same output and messages.
 */
#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "nflxprofile2events"

#include "filter.h"

static int64_t last_time;

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		if (r->event.n == 7 && memcmp(r->event.p, "samples", 7) == 0)
			FUZZ_CHECK(r->weight == 1);
		else
			FUZZ_CHECK(r->event.n == 5 && memcmp(r->event.p, "value", 5) == 0 && r->weight >= 0);
		if (r->time == EV_NONE)
			return;
		FUZZ_CHECK(last_time == EV_NONE || r->time >= last_time);
		last_time = r->time;
		return;
	default:
		unexpected_record(p, n);
	}
}

static const struct fuzz_opt opts[] = { { 0, 0, NULL } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status;
	size_t n;

	out = run_filter(cmd_nflxprofile2events, opts, data, size, 1, &n, &status);
	if (!out)
		return 0;
	last_time = EV_NONE;
	check_output(out, n, record);
	free(out);
	return 0;
}
