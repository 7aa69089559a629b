/* events2trace.c - fuzz events2trace in-process (filters/events2trace.c),
 * and read its output back with trace2events in-process
 *
 * The first input byte is left for options (there are none to fuzz:
 * --strict exits); the rest is the events stream. Properties:
 *  - the filter never exits inside cmd_events2trace(); a second run gives
 *    the same output and messages; every stderr line starts with
 *    "events2trace: ";
 *  - its output, when there is one, is one complete, valid JSON document
 *    (yajl, strings checked as UTF-8);
 *  - trace2events reads it without a message and with status 0, and gives
 *    one S record per entry of the samples array, whose weights add up to
 *    the samples' "weight" fields;
 *  - when events2trace said nothing, those weights also add up to the
 *    weights of the input's S records (as ev_parse reads them): no sample
 *    lost or invented.
 * Inputs with a D record (the model's readers refuse them with exit 1, by
 * design) and compressed inputs (their records cannot be counted here)
 * are not run.
 * Sums wrap around in uint64 on every side alike.
 */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "events2trace"

#include "filter.h"

struct walk {
	size_t depth;		/* open containers */
	int in_samples;		/* inside the top-level "samples" array */
	int key_weight;		/* the last key of a sample was "weight" */
	int top_key_samples;	/* the last top-level key was "samples" */
	uint64_t nsamples, weights;
};

static int on_start_map(void *ctx)
{
	struct walk *w = ctx;

	w->depth++;
	if (w->in_samples && w->depth == 3)
		w->nsamples++;
	return 1;
}

static int on_start_array(void *ctx)
{
	struct walk *w = ctx;

	w->depth++;
	if (w->depth == 2 && w->top_key_samples)
		w->in_samples = 1;
	return 1;
}

static int on_end(void *ctx)
{
	struct walk *w = ctx;

	if (w->depth == 2)
		w->in_samples = 0;
	w->depth--;
	w->key_weight = 0;
	return 1;
}

static int on_key(void *ctx, const unsigned char *k, size_t n)
{
	struct walk *w = ctx;

	if (w->depth == 1)
		w->top_key_samples = n == 7 && memcmp(k, "samples", 7) == 0;
	w->key_weight = w->in_samples && w->depth == 3 && n == 6 && memcmp(k, "weight", 6) == 0;
	return 1;
}

static int on_number(void *ctx, const char *p, size_t n)
{
	struct walk *w = ctx;

	if (w->key_weight) {
		int64_t v = 0;

		FUZZ_CHECK(ev_parse_i64(p, n, &v) == 0);
		w->weights += (uint64_t)v;
	}
	w->key_weight = 0;
	return 1;
}

static int on_other(void *ctx)
{
	((struct walk *)ctx)->key_weight = 0;
	return 1;
}

static int on_bool(void *ctx, int b)
{
	(void)b;
	return on_other(ctx);
}

static int on_string(void *ctx, const unsigned char *p, size_t n)
{
	(void)p;
	(void)n;
	return on_other(ctx);
}

static const yajl_callbacks callbacks = {
	on_other, on_bool, NULL, NULL, on_number, on_string,
	on_start_map, on_key, on_end, on_start_array, on_end,
};

/* The output as JSON: valid and complete; its samples counted. */
static void json_check(const char *out, size_t n, struct walk *w)
{
	yajl_handle h = yajl_alloc(&callbacks, NULL, w);
	int ok;

	FUZZ_CHECK(h != NULL);
	ok = yajl_parse(h, (const unsigned char *)out, n) == yajl_status_ok &&
	     yajl_complete_parse(h) == yajl_status_ok;
	if (!ok) {
		unsigned char *e = yajl_get_error(h, 1, (const unsigned char *)out, n);

		fprintf(stderr, "invalid JSON: %s\n", e);
		yajl_free_error(h, e);
	}
	FUZZ_CHECK(ok);
	yajl_free(h);
}

/* gzip or zstd input: its records are not seen here */
static int compressed(const uint8_t *p, size_t n)
{
	return (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) ||
	       (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_opt opts[] = { { 0, 0, NULL } };	/* --strict exits */
	struct round_trip rt;
	struct walk w = { 0 };
	struct tally json, back = { 0, 0 }, in = { 0, 0 };

	/* filter.h's helpers for targets whose output is an events stream,
	 * and run_filter() (round_trip() takes its steps) */
	(void)check_output;
	(void)unexpected_record;
	(void)run_filter;
	if (size < 1 || compressed(data + 1, size - 1) || has_d_record(data + 1, size - 1))
		return 0;
	if (!round_trip(&rt, cmd_events2trace, opts, NULL, cmd_trace2events, "trace2events", data, size)) {
		round_trip_free(&rt);
		return 0;
	}
	json_check(rt.out, rt.n, &w);
	json = (struct tally){ w.nsamples, w.weights };

	/* trace2events reads it back */
	if (err_n)
		fprintf(stderr, "trace2events said: %.*s", (int)err_n, err_p);
	FUZZ_CHECK(err_n == 0 && rt.back_status == 0);
	each_sample(rt.back, rt.back_n, tally_add, &back);
	same_tally("trace2events, from the JSON samples", json, back, 1);

	/* and the input's samples, when every record was read */
	if (rt.quiet) {
		each_sample((const char *)data + 1, size - 1, tally_add, &in);
		same_tally("the input, into the JSON samples", in, json, 1);
	}
	round_trip_free(&rt);
	return 0;
}
