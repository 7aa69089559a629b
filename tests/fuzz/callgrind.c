/* callgrind.c - fuzz callgrind2events in-process (filters/callgrind2events.c)
 *
 * The filter's program logic, cmd_callgrind2events() (filters/cmds.h,
 * linked from the filter's objects built with -DFP_NO_MAIN), runs on each
 * input (a memfd opened through /proc/self/fd/N), so options, the parser
 * and the stack walk are the real code; its state is per call. The first input byte picks the options: bit 0 `-e Dr`, bit 1
 * the input given twice (two files, as with --separate-threads), bit 2
 * --lines. stdout and stderr are captured (filter.h). Properties:
 *  - the filter never exits inside cmd_callgrind2events(), status 0 or 1;
 *  - no state survives a call: a second run on the same input gives the
 *    same status, output and messages (filter.h's check_again);
 *  - the output is empty or a valid events stream (filter.h's checks);
 *  - only S and E records; S records are untimed, CPU "-", of an event
 *    declared by an E record before them, with a weight > 0;
 *  - every stderr line starts with "callgrind2events: ".
 */
#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "callgrind2events"

#include "filter.h"

static struct buf last_event;	/* the event of the last E record (escaped) */

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0:
		return;
	case 'E':
		last_event.len = 0;
		buf_add(&last_event, r->event.p, r->event.n);
		return;
	case 'S':
		FUZZ_CHECK(r->time == EV_NONE);
		FUZZ_CHECK(r->weight > 0);
		FUZZ_CHECK(ev_absent(r->cpu));
		FUZZ_CHECK(last_event.len > 0 && r->event.n == last_event.len &&
			   memcmp(r->event.p, last_event.p, last_event.len) == 0);
		FUZZ_CHECK(r->stack.n > 0);
		return;
	default:
		unexpected_record(p, n);
	}
}

/* bit 1: the input given twice (two files, as with --separate-threads) */
static const struct fuzz_opt opts[] = {
	{ 1, 1, "-eDr" }, { 2, 2, in_path }, { 4, 4, "--lines" }, { 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status;
	size_t n;

	out = run_filter(cmd_callgrind2events, opts, data, size, 1, &n, &status);
	if (!out)
		return 0;
	last_event.len = 0;
	if (n > 0)
		check_output(out, n, record);
	free(out);
	return 0;
}
