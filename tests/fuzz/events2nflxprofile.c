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

struct tally {
	uint64_t n;
	uint64_t w;		/* wraps: compared modulo 2^64 */
	int64_t last;
	int ordered;
};

static struct tally back;

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		back.n++;
		back.w += (uint64_t)r->weight;
		if (r->time == EV_NONE || (back.n > 1 && r->time < back.last))
			back.ordered = 0;
		back.last = r->time;
		return;
	default:
		unexpected_record(p, n);
	}
}

/* The input's samples an nflxprofile should hold: parsed S records of the
 * event (the first one's when event is NULL); *far when a time is out of
 * nflxprofile2events' range. */
static struct tally expected(const uint8_t *p, size_t n, const char *event, int *far)
{
	struct tally t = { 0, 0, 0, 1 };
	const char *s = (const char *)p, *end = s + n, *why;
	struct slice ev = { event, event ? strlen(event) : 0 };
	int have = event != NULL;

	*far = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = (size_t)((nl ? nl : end) - s);
		struct ev_rec r;

		if (len && s[len - 1] == '\r')
			len--;
		if (ev_parse(&r, s, len, &why) == EV_RECORD && r.type == 'S') {
			if (!have) {
				ev = r.event;
				have = 1;
			}
			if (r.event.n == ev.n && memcmp(r.event.p, ev.p, ev.n) == 0 && r.weight >= 0) {
				t.n++;
				t.w += (uint64_t)r.weight;
				if (r.time != EV_NONE && (r.time > 9200000000000000000 || r.time < -9200000000000000000))
					*far = 1;
			}
		}
		s = nl ? nl + 1 : end;
	}
	return t;
}

/* A D record (unnested span) anywhere: the stream model ends the process
 * there (fp_die, naming eventsort), by design for every events reader. */
static int has_d_record(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == 'D' && (i == 0 || p[i - 1] == '\n'))
			return 1;
	return 0;
}

static const struct fuzz_opt opts[] = { { 1, 1, "-ecpu-clock" }, { 0, 0, NULL } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_ARGS], *out, *out2;
	int argc, status, status2, skipped, far;
	size_t n, n2;
	struct tally want;

	(void)run_filter;	/* taken step by step here: stderr is needed before check_stderr() */
	if (size < 1 || has_d_record(data + 1, size - 1))
		return 0;
	if (in_fd < 0)
		setup();
	put_input(data + 1, size - 1);
	argc = fuzz_argv(argv, opts, data[0]);
	out = run_cmd(cmd_events2nflxprofile, argc, argv, &n, &status);
	check_again(cmd_events2nflxprofile, argc, argv, out, n, status);
	skipped = err_n && memmem(err_p, err_n, "skipped", 7) != NULL;
	check_stderr();
	if (status != 0 || n == 0) {
		FUZZ_CHECK(status == 0 || n == 0);
		free(out);
		return 0;
	}
	want = expected(data + 1, size - 1, (data[0] & 1) ? "cpu-clock" : NULL, &far);
	/* the output back through nflxprofile2events */
	put_input((const uint8_t *)out, n);
	argv[0] = "nflxprofile2events";
	argv[1] = in_path;
	argv[2] = NULL;
	out2 = run_cmd(cmd_nflxprofile2events, 2, argv, &n2, &status2);
	if (!far && status2 != 0)
		fprintf(stderr, "nflxprofile2events: status %d: %.*s\n", status2, (int)err_n, err_p);
	FUZZ_CHECK(far || (status2 == 0 && err_n == 0));
	free(err_p);
	err_p = NULL;
	err_n = 0;
	back = (struct tally){ 0, 0, 0, 1 };
	check_output(out2, n2, record);
	FUZZ_CHECK(back.ordered);
	if (skipped || far) {
		FUZZ_CHECK(back.n <= want.n);
	} else {
		if (back.n != want.n || back.w != want.w)
			fprintf(stderr, "samples %" PRIu64 " weight %" PRIu64 " back, want %" PRIu64
				" weight %" PRIu64 "\n", back.n, back.w, want.n, want.w);
		FUZZ_CHECK(back.n == want.n && back.w == want.w);
	}
	free(out);
	free(out2);
	return 0;
}
