/* trace.c - fuzz trace2events in-process (filters/trace2events.c)
 *
 * The filter's program logic, cmd_trace2events() (filters/cmds.h, linked
 * from the filter's objects built with -DFP_NO_MAIN), runs on each input
 * (a memfd opened through /proc/self/fd/N), so options, convert() and the
 * end of the stream are the real code; its state is per call, so nothing
 * leaks from one input to the next. The first input
 * byte picks the options: bit 0 -a, bit 1 -e EVENT. stdout is another
 * memfd, read back after each run; stderr (the stdio stream only, so
 * sanitizer and libFuzzer reports still reach fd 2) is captured too.
 * Properties:
 *  - the filter never exits inside cmd_trace2events() (converters report
 *    and go on);
 *  - the output is a valid events stream: the magic line first, every line
 *    parses (ev_parse), records have exactly their number of fields and no
 *    control bytes (escaping), header keys are [a-z][a-z0-9-]*, stacks
 *    give one frame per ';' plus one; only S, D, E, P, T records;
 *  - S weights and D durations are not negative;
 *  - every S record's event has its E record earlier in the same output
 *    (state from an earlier input, such as the events declared, does not
 *    leak into the next run);
 *  - every stderr line starts with "trace2events: ".
 */
#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "trace2events"

#include "filter.h"

/* ---- trace2events ---- */

static struct buf units;	/* the events of this output's E records, each + '\n' */
static int fp_doc;		/* the input has a "flamepipe" key: weights as given */

static int declared(struct slice ev)
{
	const char *p = units.p, *end = units.p + units.len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (fuzz_eq(p, (size_t)(nl - p), ev.p, ev.n))
			return 1;
		p = nl + 1;
	}
	return 0;
}

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	struct slice f[10];
	size_t i, k = 0;
	const char *s = p;
	int64_t v;

	switch (r->type) {
	case 'E':
		buf_add(&units, r->event.p, r->event.n);
		buf_addc(&units, '\n');
		return;
	case 0: case 'P': case 'T':
		return;
	case 'S':
		/* time gaps are never negative; a flamepipe document's own
		 * weights may be (docs/events2trace.md) */
		FUZZ_CHECK(r->weight >= 0 || fp_doc);
		/* a flamepipe document declares what its stream declared
		 * (docs/events2trace.md): a sample's event may have no unit */
		FUZZ_CHECK(declared(r->event) || fp_doc);
		return;
	case 'D':
		/* D TIME PID TID CPU COMM EVENT DURATION FRAMES ORDER */
		FUZZ_CHECK(fields(p, n) == 10);
		for (i = 0; i <= n && k < 10; i++)
			if (i == n || p[i] == '\t') {
				f[k].p = s;
				f[k++].n = (size_t)(p + i - s);
				s = p + i + 1;
			}
		FUZZ_CHECK(ev_parse_time(f[1].p, f[1].n, &v) == 0);
		FUZZ_CHECK(ev_parse_i64(f[7].p, f[7].n, &v) == 0 && v >= 0);
		FUZZ_CHECK(ev_parse_i64(f[9].p, f[9].n, &v) == 0);
		FUZZ_CHECK(f[8].n > 0);
		{
			size_t semis = 0;

			for (i = 0; i < f[8].n; i++)
				semis += f[8].p[i] == ';';
			FUZZ_CHECK(frames(f[8], p, n) == semis + 1);
		}
		return;
	default:
		unexpected_record(p, n);
	}
}

static const struct fuzz_opt opts[] = {
	{ 1, 1, "-a" }, { 2, 2, "-eev" }, { 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status;
	size_t n;

	out = run_filter(cmd_trace2events, opts, data, size, 0, &n, &status);
	if (!out)
		return 0;
	units.len = 0;
	fp_doc = memmem(data, size, "\"flamepipe\"", 11) != NULL;
	check_output(out, n, record);
	free(out);
	return 0;
}
