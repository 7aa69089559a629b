/* pprof.c - fuzz pprof2events in-process (filters/pprof2events.c)
 *
 * cmd_pprof2events() (filters/cmds.h, linked from the filter's objects
 * built with -DFP_NO_MAIN) runs on each input through a memfd, as in
 * cpuprofile.c; the input is raw protobuf bytes, read field by field by
 * pbwire.c (gzip'd inputs go through input.c's decoder too).
 * The first input byte picks the options: bit 0 -a, bit 1 -L, bit 2
 * -t end_timestamp_ns. Properties:
 *  - the filter never exits inside cmd_pprof2events();
 *  - the output is a valid events stream (filter.h);
 *  - only S and E records; S weights are never 0 (zero values are not
 *    written); with -t, timed samples come after the untimed ones and
 *    their times never decrease (samples are written in time order);
 *  - every stderr line starts with "pprof2events: ";
 *  - a second run on the same input gives the same output and messages.
 */
#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "pprof2events"

#include "filter.h"

static int64_t last_time;
static int timed, seen_timed;

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		FUZZ_CHECK(r->weight != 0);
		if (r->time == EV_NONE) {
			FUZZ_CHECK(!seen_timed);
			return;
		}
		FUZZ_CHECK(timed);
		FUZZ_CHECK(!seen_timed || r->time >= last_time);
		seen_timed = 1;
		last_time = r->time;
		return;
	default:
		unexpected_record(p, n);
	}
}

static const struct fuzz_opt opts[] = {
	{ 1, 1, "-a" }, { 2, 2, "-L" },
	{ 4, 4, "-t" }, { 4, 4, "end_timestamp_ns" },
	{ 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status;
	size_t n;

	out = run_filter(cmd_pprof2events, opts, data, size, 1, &n, &status);
	if (!out)
		return 0;
	timed = (data[0] & 4) != 0;
	seen_timed = 0;
	check_output(out, n, record);
	free(out);
	return 0;
}
