/* eventsort.c - fuzz eventsort in-process (filters/eventsort.c)
 *
 * cmd_eventsort() (filters/cmds.h, linked from the filter's objects built
 * with -DFP_NO_MAIN, those of filters/eventsort/ too) runs on each input
 * (see filter.h): an events stream, valid or not, with D records (unnested
 * spans) that eventsort parses itself. The first input byte picks:
 * bit 0 -d 3 (a shallow depth cap: marker frames); bits 1-2 both set: a
 * reordering window of 1 KiB (FLAMEPIPE_EVENTSORT_WINDOW), so that
 * records spill to sort(1); bit 3 --check. Properties:
 *  - the filter never exits inside cmd_eventsort();
 *  - no state survives a call: a second run on the same input gives the
 *    same status, output and messages (filter.h's check_again);
 *  - the output is an events stream: the magic line first, every record
 *    parses (ev_parse); its bytes are the input's, passed through as they
 *    came (control bytes in a field, a '#' line that is not a well-formed
 *    header), so filter.h's stricter check_line() is not for them; every
 *    stderr line starts with "eventsort: ";
 *  - sorted: the timed records' times never decrease, and header lines
 *    come before every record;
 *  - nothing lost: when eventsort said nothing (no skipped line), the S
 *    records out are the S records in, as a multiset of lines (a line
 *    ended by CRLF is written with LF: docs/events.md §1);
 *  - --check writes nothing.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "../../common/alloc.h"
#include "../../filters/cmds.h"

#define PROG "eventsort"

#include "filter.h"

static int64_t last_time;
static int seen_record;
/* S lines, to compare as multisets */
struct lines {
	struct slice *v;
	size_t n, cap;
};

static struct lines outs;

static void lines_add(struct lines *l, const char *p, size_t n)
{
	fp_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n].p = p;
	l->v[l->n++].n = n;
}

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	if (r->type == 0)
		return;	/* the magic line */
	seen_record = 1;
	if (r->time != EV_NONE) {
		if (r->time < last_time)
			fprintf(stderr, "out of order: %.*s\n", (int)n, p);
		FUZZ_CHECK(r->time >= last_time);
		last_time = r->time;
	}
	if (r->type == 'S')
		lines_add(&outs, p, n);
}

/* filter.h's check_output(), with header lines as they came */
static void check_sorted(const char *out, size_t n)
{
	const char *p = out, *end = out + n;
	int first = 1;

	if (n == 0 && fp_out.aborted)
		return;
	FUZZ_CHECK(n > 0 && out[n - 1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct ev_rec r;

		if (!first && *p == '#') {
			FUZZ_CHECK(!seen_record);
			r.type = 0;
		} else if (first) {
			check_line(&r, p, (size_t)(nl - p), first);
		} else {
			const char *why = NULL;
			int k = ev_parse(&r, p, (size_t)(nl - p), &why);

			if (k == EV_ERROR)
				fprintf(stderr, "bad line: %.*s: %s\n", (int)(nl - p), p, why);
			FUZZ_CHECK(k == EV_RECORD);
			record(&r, p, (size_t)(nl - p));
		}
		first = 0;
		p = nl + 1;
	}
}

static int slice_cmp(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = n ? memcmp(x->p, y->p, n) : 0;

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The S lines of the input, sorted, against those of the output. */
static void check_kept(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct lines ins = { 0 };
	size_t i;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		size_t k = n && p[n - 1] == '\r' ? n - 1 : n;	/* a CR at the end is the line's end */

		if (k >= 2 && p[0] == 'S' && p[1] == '\t')
			lines_add(&ins, p, k);
		p += n + 1;
	}
	if (ins.n)
		qsort(ins.v, ins.n, sizeof *ins.v, slice_cmp);
	if (outs.n)
		qsort(outs.v, outs.n, sizeof *outs.v, slice_cmp);
	if (ins.n != outs.n)
		fprintf(stderr, "%zu S records in, %zu out\n", ins.n, outs.n);
	FUZZ_CHECK(ins.n == outs.n);
	for (i = 0; i < ins.n; i++) {
		if (slice_cmp(&ins.v[i], &outs.v[i]))
			fprintf(stderr, "S record in: %.*s\nout: %.*s\n", (int)ins.v[i].n, ins.v[i].p,
				(int)outs.v[i].n, outs.v[i].p);
		FUZZ_CHECK(slice_cmp(&ins.v[i], &outs.v[i]) == 0);
	}
	free(ins.v);
}

static const struct fuzz_opt opts[] = {
	{ 1, 1, "-d3" }, { 8, 8, "--check" },
	{ 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status, quiet;
	size_t n;

	(void)run_filter;	/* this target needs the messages before check_stderr() */
	if (size < 1)
		return 0;
	if ((data[0] & 6) == 6)
		setenv("FLAMEPIPE_EVENTSORT_WINDOW", "1024", 1);
	else
		unsetenv("FLAMEPIPE_EVENTSORT_WINDOW");
	/* run once more by hand to see the messages before check_stderr() */
	if (in_fd < 0)
		setup();
	{
		char *argv[FUZZ_ARGS];
		int argc;

		put_input(data + 1, size - 1);
		argc = fuzz_argv(argv, opts, data[0]);
		out = run_cmd(cmd_eventsort, argc, argv, &n, &status);
		check_again(cmd_eventsort, argc, argv, out, n, status);
		quiet = err_n == 0;
		check_stderr();
	}
	if (data[0] & 8) {
		FUZZ_CHECK(n == 0);
	} else {
		last_time = INT64_MIN;
		seen_record = 0;
		outs.n = 0;
		check_sorted(out, n);
		if (quiet && status == 0 && !fp_out.aborted)
			check_kept(data + 1, size - 1);
	}
	free(out);
	return 0;
}
