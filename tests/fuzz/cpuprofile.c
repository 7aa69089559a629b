/* cpuprofile.c - fuzz cpuprofile2events in-process (filters/cpuprofile2events.c)
 *
 * The filter's program logic, cmd_cpuprofile2events() (filters/cmds.h,
 * linked from the filter's objects built with -DFP_NO_MAIN), runs on each
 * input (a memfd opened through /proc/self/fd/N), so options, convert()
 * and emit() are the real code; its state is per call.
 * The first input byte picks the options: bit 0 -c, bit 1 -i, bit 2 -r.
 * stdout is another memfd, read back after each run; stderr (the stdio
 * stream only, so sanitizer and libFuzzer reports still reach fd 2) is
 * captured too. Properties:
 *  - the filter never exits inside cmd_cpuprofile2events() (converters
 *    report and go on);
 *  - the output is a valid events stream (see trace.c): the magic line
 *    first, every line parses, exact field counts, no control bytes;
 *  - only S and E records; S records are of event "wall", their times
 *    never decrease, their weights are not negative (1 with -c but for
 *    untimed hit counts);
 *  - every stderr line starts with "cpuprofile2events: ".
 */
#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "cpuprofile2events"

#include "filter.h"

/* ---- cpuprofile2events ---- */

static int64_t last_time;
static int count;	/* -c given */

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		FUZZ_CHECK(r->event.n == 4 && memcmp(r->event.p, "wall", 4) == 0);
		FUZZ_CHECK(r->weight >= 0);
		if (r->time == EV_NONE)
			return;
		FUZZ_CHECK(!count || r->weight == 1);
		FUZZ_CHECK(last_time == EV_NONE || r->time >= last_time);
		last_time = r->time;
		return;
	default:
		unexpected_record(p, n);
	}
}

static const struct fuzz_opt opts[] = {
	{ 1, 1, "-c" }, { 2, 2, "-i" }, { 4, 4, "-r" }, { 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status;
	size_t n;

	out = run_filter(cmd_cpuprofile2events, opts, data, size, 0, &n, &status);
	if (!out)
		return 0;
	count = data[0] & 1;
	last_time = EV_NONE;
	check_output(out, n, record);
	free(out);
	return 0;
}
