/* events2pprof.c - fuzz events2pprof in-process, then pprof2events on its
 * output (filters/events2pprof.c, filters/pprof2events.c)
 *
 * The first input byte picks the options: bit 0 -t, bit 1 -p, bit 2 -u;
 * the rest is an events stream (seeds: the goldens' and perf captures'
 * streams). cmd_events2pprof() runs on it through a memfd, twice (no
 * state survives a call); its output, when it wrote one, is given to
 * cmd_pprof2events(). Properties:
 *  - events2pprof never exits inside the call, its messages start with
 *    "events2pprof: ";
 *  - what it writes is a pprof profile that pprof2events reads without a
 *    message and with status 0, into a valid events stream of S and E
 *    records only;
 *  - weights are conserved: when events2pprof said nothing (no record
 *    skipped, no event left out), the sum of each event's S weights in
 *    the input (ev_parse, sums mod 2^64) equals the sum of that event's
 *    weights out of pprof2events.
 */
#include <inttypes.h>

#include "fuzz.h"

#include "../../common/intern.h"
#include "../../filters/cmds.h"

#define PROG "events2pprof"

#include "filter.h"

static struct intern want, got;	/* unescaped event -> sum */
static struct buf key;

static void add(struct intern *t, struct slice ev, int64_t w)
{
	struct ient *e;

	key.len = 0;
	ev_unescape(&key, ev.p, ev.n);
	/* protobuf-c hands strings to pprof2events as C strings: a name ends
	 * at its first NUL byte (pprof itself keeps them) */
	key.len = key.len ? strnlen(key.p, key.len) : 0;
	if (key.len == 0)
		buf_adds(&key, "value");	/* pprof2events' name for a type without one */
	e = intern_add(t, key.p, key.len);
	e->value = (int64_t)((uint64_t)e->value + (uint64_t)w);
}

/* The S weights of the input, per event (lines as ev_reader reads them). */
static void sum_input(const uint8_t *p, size_t n)
{
	const char *s = (const char *)p, *end = s + n;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char *line;
		const char *why;
		struct ev_rec r;

		if (len && s[len - 1] == '\r')
			len--;
		line = fuzz_copy(s, len);
		if (ev_parse(&r, line, len, &why) == EV_RECORD && r.type == 'S')
			add(&want, r.event, r.weight);
		free(line);
		if (!nl)
			break;
		s = nl + 1;
	}
}

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		add(&got, r->event, r->weight);
		return;
	default:
		unexpected_record(p, n);
	}
}

static const struct fuzz_opt opts[] = {
	{ 1, 1, "-t" }, { 2, 2, "-p" }, { 4, 4, "-u" },
	{ 0, 0, NULL }
};

static void same_sums(void)
{
	size_t i;

	for (i = 0; i < want.count; i++) {
		size_t j = intern_find(&got, want.ents[i].key, want.ents[i].len);
		int64_t g = j == (size_t)-1 ? 0 : got.ents[j].value;

		if (g != want.ents[i].value)
			fprintf(stderr, "event %.*s: %" PRId64 " in, %" PRId64 " out\n",
				(int)want.ents[i].len, want.ents[i].key, want.ents[i].value, g);
		FUZZ_CHECK(g == want.ents[i].value);
	}
}

/* The lines "  samples of EVENT: N" under foldagg's message about the
 * records left out continue it: check_stderr() sees only the others. */
static void drop_detail_lines(void)
{
	size_t i = 0, o = 0;

	while (i < err_n) {
		const char *nl = memchr(err_p + i, '\n', err_n - i);
		size_t len = nl ? (size_t)(nl - (err_p + i)) + 1 : err_n - i;

		if (!(len >= 2 && err_p[i] == ' ' && err_p[i + 1] == ' ')) {
			memmove(err_p + o, err_p + i, len);
			o += len;
		}
		i += len;
	}
	err_n = o;
}

/* events2pprof on the input (run_filter()'s steps, to see its messages
 * before check_stderr() drops them); returns its output, or NULL. */
static char *to_pprof(const uint8_t *data, size_t size, size_t *n, int *quiet)
{
	char *argv[FUZZ_ARGS], *pb;
	int argc, status;

	(void)run_filter;	/* its steps are taken one by one here */
	if (in_fd < 0)
		setup();
	put_input(data + 1, size - 1);
	argc = fuzz_argv(argv, opts, data[0]);
	pb = run_cmd(cmd_events2pprof, argc, argv, n, &status);
	check_again(cmd_events2pprof, argc, argv, pb, *n, status);
	*quiet = err_n == 0 && status == 0;
	drop_detail_lines();
	check_stderr();
	return pb;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *pb, *out, *argv[3] = { "pprof2events", in_path, NULL };
	size_t n, m;
	int status, quiet;

	/* a D record (unnested span) is the model's fatal order error: exit 1
	 * by design (model.c, goldens and faults.sh), not a property here */
	if (size < 1 || (size >= 3 && memcmp(data + 1, "D\t", 2) == 0) ||
	    memmem(data + 1, size - 1, "\nD\t", 3))
		return 0;
	pb = to_pprof(data, size, &n, &quiet);
	if (n == 0) {
		free(pb);
		return 0;	/* not an events stream, or nothing to read */
	}
	put_input((const uint8_t *)pb, n);
	out = run_cmd(cmd_pprof2events, 2, argv, &m, &status);
	/* two events whose names agree up to a NUL byte are one sample type
	 * name for pprof2events (C strings): a unit conflict it reports */
	if (err_n && memmem(err_p, err_n, "an earlier input had it in", 26))
		quiet = 0;
	else if (err_n || status)
		fprintf(stderr, "pprof2events: status %d: %.*s\n", status, (int)err_n, err_p);
	FUZZ_CHECK(status == 0 && (err_n == 0 || !quiet));
	free(err_p);
	err_p = NULL;
	intern_clear(&want);
	intern_clear(&got);
	check_output(out, m, record);
	if (quiet) {
		sum_input(data + 1, size - 1);
		same_sums();
	}
	free(out);
	free(pb);
	return 0;
}
