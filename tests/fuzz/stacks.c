/* stacks.c - fuzz stacks2events in-process (filters/stacks2events.c)
 *
 * The filter's program logic, cmd_stacks2events() (filters/cmds.h, linked
 * from the filter's objects built with -DFP_NO_MAIN, those of
 * filters/stacks2events/ too), runs on each input (see filter.h). The
 * first input byte picks the options: bit 0 --keys kstack,ustack,comm,
 * bit 1 --keys pid,frame,stack,cpu. Properties:
 *  - the filter never exits inside cmd_stacks2events();
 *  - no state survives a call: a second run on the same input gives the
 *    same status, output and messages (filter.h's check_again);
 *  - no output at all, with status 1, when the input is another format;
 *    otherwise a valid events stream (filter.h);
 *  - only S and E records; S records are untimed, their event has an E
 *    record before them;
 *  - at most one S record per input line;
 *  - every stderr line starts with "stacks2events: ".
 */
#include "fuzz.h"

#include "../../common/intern.h"
#include "../../filters/cmds.h"

#define PROG "stacks2events"

#include "filter.h"

static struct intern declared;
static size_t out_records;

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0:
		return;
	case 'E':
		intern_add(&declared, r->event.p, r->event.n);
		return;
	case 'S':
		FUZZ_CHECK(r->time == EV_NONE);
		FUZZ_CHECK(intern_find(&declared, r->event.p, r->event.n) != (size_t)-1);
		out_records++;
		return;
	default:
		unexpected_record(p, n);
	}
}

/* bit 0, else bit 1 */
static const struct fuzz_opt opts[] = {
	{ 1, 1, "--keys=kstack,ustack,comm" }, { 3, 2, "--keys=pid,frame,stack,cpu" },
	{ 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status;
	size_t n, lines = 1, i;

	out = run_filter(cmd_stacks2events, opts, data, size, 1, &n, &status);
	if (!out)
		return 0;
	out_records = 0;
	if (n == 0) {
		FUZZ_CHECK(status == 1);
		free(out);
		return 0;
	}
	memset(&declared, 0, sizeof declared);
	check_output(out, n, record);
	intern_free(&declared);
	free(out);
	for (i = 1; i < size; i++)
		lines += data[i] == '\n';
	/* compressed input has more lines than bytes: count only plain input */
	if (size < 3 || (data[1] != 0x1f && data[1] != 0x28))
		FUZZ_CHECK(out_records <= lines);
	return 0;
}
