/* speedscope.c - fuzz speedscope2events in-process (filters/speedscope2events.c)
 *
 * The filter's program logic, cmd_speedscope2events() (filters/cmds.h,
 * linked from the filter's objects built with -DFP_NO_MAIN), runs on each
 * input (a memfd opened through /proc/self/fd/N); its state is per call.
 * The first input byte picks the store: bit 0 set, the store's budget is
 * 0 (everything goes through the temporary file), else the default.
 * Properties:
 *  - the filter never exits inside cmd_speedscope2events();
 *  - the output is a valid events stream (filter.h);
 *  - only S, O, C, E and T records; S records are untimed;
 *  - the O and C records of each thread are balanced and nested: an O's
 *    stack is the open stack plus one frame, a C's stack is the open
 *    stack (its innermost frame closes), nothing is open when the thread
 *    ends, and times never decrease within a thread;
 *  - every stderr line starts with "speedscope2events: ";
 *  - a second run on the same input gives the same output (no state
 *    survives a call).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "speedscope2events"

#include "filter.h"

/* ---- speedscope2events ---- */

static struct buf thread, open_stack;	/* the span thread "PID\tTID", its open stack */
static size_t depth;
static int64_t last_time;

static void thread_ends(void)
{
	FUZZ_CHECK(depth == 0);
	thread.len = open_stack.len = 0;
	last_time = EV_NONE;
}

static void span(const struct ev_rec *r)
{
	struct buf key = { 0 };

	ev_thread_key(&key, r->pid, r->tid);
	if (!same_bytes(key.p, key.len, thread.p, thread.len)) {
		thread_ends();
		buf_add(&thread, key.p, key.len);
	}
	buf_free(&key);
	FUZZ_CHECK(last_time == EV_NONE || r->time >= last_time);
	last_time = r->time;
	if (r->type == 'O') {
		/* the open stack, ';', one more frame */
		FUZZ_CHECK(r->stack.n > open_stack.len);
		FUZZ_CHECK(same_bytes(r->stack.p, open_stack.len, open_stack.p, open_stack.len));
		FUZZ_CHECK(depth == 0 || r->stack.p[open_stack.len] == ';');
		open_stack.len = 0;
		buf_add(&open_stack, r->stack.p, r->stack.n);
		depth++;
		return;
	}
	FUZZ_CHECK(depth > 0);
	FUZZ_CHECK(same_bytes(r->stack.p, r->stack.n, open_stack.p, open_stack.len));
	while (open_stack.len > 0 && open_stack.p[open_stack.len - 1] != ';')
		open_stack.len--;
	if (open_stack.len > 0)
		open_stack.len--;	/* the ';' */
	depth--;
}

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E': case 'T':
		return;
	case 'S':
		FUZZ_CHECK(r->time == EV_NONE);
		thread_ends();
		return;
	case 'O': case 'C':
		span(r);
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

	if (size < 1)
		return 0;
	if (data[0] & 1)
		setenv("SPEEDSCOPE2EVENTS_BUDGET", "0", 1);
	else
		unsetenv("SPEEDSCOPE2EVENTS_BUDGET");
	out = run_filter(cmd_speedscope2events, opts, data, size, 1, &n, &status);
	if (!out)
		return 0;
	depth = 0;
	thread.len = open_stack.len = 0;
	last_time = EV_NONE;
	check_output(out, n, record);
	thread_ends();
	free(out);
	return 0;
}
