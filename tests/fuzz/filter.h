/* filter.h - run a filter's cmd_NAME() in-process on fuzz inputs and check
 * its output (the converter targets: trace.c, cpuprofile.c, spans.c, callgrind.c,
 * folded.c, stacks.c, pprof.c, nflxprofile.c, speedscope.c)
 *
 * The target calls cmd_NAME (filters/cmds.h); fuzz.mk links the filter's
 * objects built with -DFP_NO_MAIN (it finds NAME by grepping the target
 * for cmd_NAME). Include after defining PROG, the filter's name.
 *
 * A new target: the first input byte picks the options, the rest is the
 * input file. List the options with the bits that give them, and run:
 *
 *	static const struct fuzz_opt opts[] = {
 *		{ 1, 1, "-c" },			// bit 0
 *		{ 6, 2, "-a" }, { 6, 4, "-d2" },	// bits 1-2: 01, 10
 *		{ 8, 8, in_path },		// bit 3: the input given twice
 *		{ 0, 0, NULL }
 *	};
 *	...LLVMFuzzerTestOneInput(data, size):
 *	out = run_filter(cmd_NAME, opts, data, size, 1, &n, &status);
 *	if (!out)
 *		return 0;		// no option byte
 *	check_output(out, n, record);	// record(): the target's properties
 *	free(out);
 *
 * run_filter() does setup() once, put_input(), run_cmd() (stdout and
 * stderr captured; exit() inside cmd_NAME is a property failure),
 * check_again() when asked (a second run shows that no state survives a
 * call) and check_stderr(). check_output() checks that the output is a
 * valid events stream and calls back per line for the target's own
 * properties. The lower-level functions stay available for targets that
 * need another order.
 *
 * A target without options passes { { 0, 0, NULL } }; one whose choice is
 * not an option (an environment variable, say) sets it from data[0]
 * before run_filter() (speedscope.c). record()'s default case is
 * unexpected_record(p, n).
 *
 * The writer targets (events2pprof.c, events2nflxprofile.c, events2trace.c)
 * take round_trip(): the writer on the input, the matching converter on
 * its output; each_sample() and same_tally() compare the samples' weights
 * in and back.
 */
#ifndef FUZZ_FILTER_H
#define FUZZ_FILTER_H

#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

static int in_fd = -1, out_fd = -1;
static char in_path[64];
static int running;		/* inside cmd_NAME() */
static FILE *real_stderr, *err_f;
static char *err_p;
static size_t err_n;

static void exit_check(void)
{
	if (!running)
		return;
	fflush(err_f);
	stderr = real_stderr;
	fprintf(stderr, "%.*s", (int)err_n, err_p);
	fprintf(stderr, "property failed: %s called exit() on this input\n", PROG);
	abort();
}

static void setup(void)
{
	in_fd = memfd_create("fuzz-in", 0);
	out_fd = memfd_create("fuzz-out", 0);
	if (in_fd < 0 || out_fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(in_path, sizeof in_path, "/proc/self/fd/%d", in_fd);
	real_stderr = stderr;
	atexit(exit_check);
}

static void put_input(const uint8_t *data, size_t size)
{
	if (ftruncate(in_fd, 0) < 0 || (size && pwrite(in_fd, data, size, 0) != (ssize_t)size)) {
		perror("fuzz input");
		abort();
	}
}

/* Run cmd(argc, argv) with stdout and stderr captured; the output is
 * returned as an exact-size heap copy (free it), stderr in err_p/err_n. */
static char *run_cmd(int (*cmd)(int, char **), int argc, char **argv, size_t *outn, int *status)
{
	off_t n;
	char *out;

	if (ftruncate(out_fd, 0) < 0 || lseek(out_fd, 0, SEEK_SET) < 0 ||
	    dup2(out_fd, STDOUT_FILENO) < 0) {
		perror("fuzz output");
		abort();
	}
	fuzz_out_reset();
	err_f = open_memstream(&err_p, &err_n);
	if (!err_f)
		abort();
	stderr = err_f;
	optind = 0;		/* glibc: start getopt afresh */
	running = 1;
	*status = cmd(argc, argv);	/* ends with out_close(): stdout is closed */
	running = 0;
	stderr = real_stderr;
	fclose(err_f);
	FUZZ_CHECK(*status == 0 || *status == 1);
	n = lseek(out_fd, 0, SEEK_END);
	if (n < 0)
		abort();
	out = malloc(n ? (size_t)n : 1);
	if (!out || pread(out_fd, out, (size_t)n, 0) != n)
		abort();
	*outn = (size_t)n;
	return out;
}

static int same_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Run cmd a second time on the same input, after run_cmd() and before
 * check_stderr(): the same status, output and messages, or some state of
 * the first call survived it (state is per call: filters/cmds.h). argv
 * may have been permuted by getopt: the options are the same. */
static void check_again(int (*cmd)(int, char **), int argc, char **argv, const char *out,
			size_t n, int status)
{
	char *err1 = err_p, *out2;
	size_t err1_n = err_n, n2;
	int status2, same;

	err_p = NULL;
	err_n = 0;
	out2 = run_cmd(cmd, argc, argv, &n2, &status2);
	same = status2 == status && same_bytes(out2, n2, out, n) &&
	       same_bytes(err_p, err_n, err1, err1_n);
	if (!same)
		fprintf(stderr, "second run: status %d (first %d)\n--- first output\n%.*s"
			"--- second output\n%.*s--- first messages\n%.*s--- second messages\n%.*s",
			status2, status, (int)n, out, (int)n2, out2, (int)err1_n, err1,
			(int)err_n, err_p);
	FUZZ_CHECK(same);
	free(out2);
	free(err_p);
	err_p = err1;
	err_n = err1_n;
}

static void check_stderr(void)
{
	const char *p = err_p, *end = err_p + err_n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		FUZZ_CHECK(nl != NULL);
		if ((size_t)(nl - p) <= sizeof PROG + 1 || memcmp(p, PROG ": ", sizeof PROG + 1) != 0)
			fprintf(stderr, "bad message line: %.*s\n", (int)(nl - p), p);
		FUZZ_CHECK((size_t)(nl - p) > sizeof PROG + 1 &&
			   memcmp(p, PROG ": ", sizeof PROG + 1) == 0);
		p = nl + 1;
	}
	free(err_p);
	err_p = NULL;
	err_n = 0;
}

static size_t fields(const char *p, size_t n)
{
	size_t i, k = 1;

	for (i = 0; i < n; i++)
		k += p[i] == '\t';
	return k;
}

static size_t frames(struct slice stack, const char *line, size_t len)
{
	struct ev_frame f;
	size_t k = 0;

	if (stack.n == 0)
		return 0;
	while (ev_frame_next(&stack, &f)) {
		FUZZ_CHECK(slice_inside(f.name, line, len));
		k++;
	}
	return k;
}

/* One line of a valid events stream, parsed into *r (r->type 0 for headers). */
static void check_line(struct ev_rec *r, const char *p, size_t n, int first)
{
	const char *why = NULL;
	size_t i;
	int k;

	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)p[i] >= 0x20 ? p[i] != 0x7f : p[i] == '\t');
	if (first)
		FUZZ_CHECK(n == sizeof EV_MAGIC - 1 && memcmp(p, EV_MAGIC, n) == 0);
	k = ev_parse(r, p, n, &why);
	if (k == EV_ERROR)
		fprintf(stderr, "bad line: %.*s: %s\n", (int)n, p, why);
	FUZZ_CHECK(k != EV_ERROR);
	if (k == EV_HEADER) {
		r->type = 0;
		FUZZ_CHECK(memchr(p, '\t', n) == NULL);
		if (n == 1 || p[1] == ' ')
			return;	/* a comment */
		FUZZ_CHECK(p[1] >= 'a' && p[1] <= 'z');
		for (i = 2; i < n && p[i] != ' '; i++)
			FUZZ_CHECK((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
				   p[i] == '-');
		return;
	}
	switch (r->type) {
	case 'S': case 'O': case 'C': case 'I':
		FUZZ_CHECK(fields(p, n) == 9);
		FUZZ_CHECK(r->time != EV_NONE || r->type == 'S');
		{
			size_t semis = 0;

			for (i = 0; i < r->stack.n; i++)
				semis += r->stack.p[i] == ';';
			FUZZ_CHECK(frames(r->stack, p, n) == (r->stack.n ? semis + 1 : 0));
		}
		break;
	case 'T': FUZZ_CHECK(fields(p, n) == 5); break;
	case 'P': case 'E': FUZZ_CHECK(fields(p, n) == 4); break;
	}
}

/* Call fn on each line of the output after checking it. */
static __attribute__((unused)) void check_output(const char *out, size_t n,
			 void (*fn)(const struct ev_rec *, const char *, size_t))
{
	const char *p = out, *end = out + n;
	int first = 1;

	if (n == 0 && fp_out.aborted)
		return;	/* a refused input (sniff.h): nothing on stdout */
	FUZZ_CHECK(n > 0 && out[n - 1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct ev_rec r;

		check_line(&r, p, (size_t)(nl - p), first);
		fn(&r, p, (size_t)(nl - p));
		first = 0;
		p = nl + 1;
	}
}

/* The default case of a target's record(): a record type it never writes. */
static __attribute__((unused)) void unexpected_record(const char *p, size_t n)
{
	fprintf(stderr, "unexpected record: %.*s\n", (int)n, p);
	FUZZ_CHECK(0);
}

/* One option of the target: given when (option byte & mask) == value. */
struct fuzz_opt {
	unsigned mask, value;
	const char *arg;
};

#define FUZZ_ARGS 24	/* argv's room: PROG, the options, in_path, NULL */

/* argv: PROG, the options the byte picks from opts (ended by a NULL arg),
 * then the input file. */
static int fuzz_argv(char *argv[FUZZ_ARGS], const struct fuzz_opt *opts, unsigned byte)
{
	int argc = 0;

	argv[argc++] = PROG;
	for (; opts->arg; opts++)
		if ((byte & opts->mask) == opts->value) {
			FUZZ_CHECK(argc < FUZZ_ARGS - 2);
			argv[argc++] = (char *)opts->arg;
		}
	argv[argc++] = in_path;
	argv[argc] = NULL;
	return argc;
}

/* Run cmd on one fuzz input: data[0] picks the options (fuzz_argv), the
 * rest is the input file. With again, check_again() too; then
 * check_stderr(). Returns the output (free it), its size in *n and the
 * status in *status; NULL without an option byte (nothing run). */
static char *run_filter(int (*cmd)(int, char **), const struct fuzz_opt *opts,
			const uint8_t *data, size_t size, int again, size_t *n, int *status)
{
	char *argv[FUZZ_ARGS], *out;
	int argc;

	if (size < 1)
		return NULL;
	if (in_fd < 0)
		setup();
	put_input(data + 1, size - 1);
	argc = fuzz_argv(argv, opts, data[0]);
	out = run_cmd(cmd, argc, argv, n, status);
	if (again)
		check_again(cmd, argc, argv, out, *n, *status);
	check_stderr();
	return out;
}

/* ---- the writer targets (events2pprof.c, events2nflxprofile.c,
 * events2trace.c): an events stream written in another format, read back
 * by that format's converter, and the samples' weights compared ---- */

/* A line that begins with D: an unnested span, which every reader of the
 * stream model refuses with exit 1 (pipe through eventsort first), by
 * design: such inputs are not run. */
static __attribute__((unused)) int has_d_record(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == 'D' && (i == 0 || p[i - 1] == '\n'))
			return 1;
	return 0;
}

/* fn(ctx, r) for each S record of the events stream p[0..n), as ev_parse
 * reads its lines (a '\r' before the '\n' dropped; each line an exact-size
 * copy, for ASan). */
static __attribute__((unused)) void each_sample(const char *p, size_t n,
						void (*fn)(void *, const struct ev_rec *), void *ctx)
{
	const char *end = p + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t seg = (size_t)((nl ? nl : end) - p), len = seg;
		char *line = fuzz_copy(p, len);
		struct ev_rec r;
		const char *why;

		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (ev_parse(&r, line, len, &why) == EV_RECORD && r.type == 'S')
			fn(ctx, &r);
		free(line);
		p += seg + (nl != NULL);
	}
}

/* Samples and their weights (sums wrap around in uint64 on every side). */
struct tally {
	uint64_t n, w;
};

static __attribute__((unused)) void tally_add(void *ctx, const struct ev_rec *r)
{
	struct tally *t = ctx;

	t->n++;
	t->w += (uint64_t)r->weight;
}

/* The property: what went in came back (count_too: the number of samples
 * as well as their weights). */
static __attribute__((unused)) void same_tally(const char *what, struct tally in, struct tally back,
					       int count_too)
{
	int same = in.w == back.w && (!count_too || in.n == back.n);

	if (!same)
		fprintf(stderr, "%s: %" PRIu64 " samples of weight %" PRIu64 " in, %" PRIu64
			" of weight %" PRIu64 " back\n", what, in.n, in.w, back.n, back.w);
	FUZZ_CHECK(same);
}

struct round_trip {
	char *out;		/* what the writer wrote (n bytes) */
	size_t n;
	int status;
	int quiet;		/* the writer: status 0 and no message */
	char *back;		/* the reader's events stream (back_n bytes) */
	size_t back_n;
	int back_status;
};

/* The round trip of one fuzz input: the writer on it (data[0] picks the
 * options from opts; run twice: check_again()); look() (may be NULL) sees
 * its messages in err_p/err_n before check_stderr() checks them. When it
 * wrote something, the reader (reader_name, argv[0]) on its output: its
 * stream in rt->back, its messages left in err_p/err_n for the target to
 * judge. Returns 1 when both ran, 0 when the writer wrote nothing (or
 * there was no option byte). round_trip_free() in both cases. */
static __attribute__((unused)) int round_trip(struct round_trip *rt, int (*writer)(int, char **),
					      const struct fuzz_opt *opts, void (*look)(void),
					      int (*reader)(int, char **), const char *reader_name,
					      const uint8_t *data, size_t size)
{
	char *argv[FUZZ_ARGS], *rargv[3];
	int argc;

	memset(rt, 0, sizeof *rt);
	if (size < 1)
		return 0;
	if (in_fd < 0)
		setup();
	put_input(data + 1, size - 1);
	argc = fuzz_argv(argv, opts, data[0]);
	rt->out = run_cmd(writer, argc, argv, &rt->n, &rt->status);
	check_again(writer, argc, argv, rt->out, rt->n, rt->status);
	rt->quiet = err_n == 0 && rt->status == 0;
	if (look)
		look();
	check_stderr();
	if (rt->n == 0)
		return 0;
	put_input((const uint8_t *)rt->out, rt->n);
	rargv[0] = (char *)reader_name;
	rargv[1] = in_path;
	rargv[2] = NULL;
	rt->back = run_cmd(reader, 2, rargv, &rt->back_n, &rt->back_status);
	return 1;
}

static __attribute__((unused)) void round_trip_free(struct round_trip *rt)
{
	free(rt->out);
	free(rt->back);
	free(err_p);
	err_p = NULL;
	err_n = 0;
}

#endif
