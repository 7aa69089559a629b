/* trace.c - fuzz trace2events in-process (filters/trace2events.c)
 *
 * The filter's own main() runs on each input (renamed trace2events_main;
 * the input is a memfd opened through /proc/self/fd/N), so options,
 * convert() and the end of the stream are the real code. The first input
 * byte picks the options: bit 0 -a, bit 1 -e EVENT. stdout is another
 * memfd, read back after each run; stderr (the stdio stream only, so
 * sanitizer and libFuzzer reports still reach fd 2) is captured too.
 * Properties:
 *  - the filter never exits inside main() (converters report and go on);
 *  - the output is a valid events stream: the magic line first, every line
 *    parses (ev_parse), records have exactly their number of fields and no
 *    control bytes (escaping), header keys are [a-z][a-z0-9-]*, stacks
 *    give one frame per ';' plus one; only S, D, E, P, T records;
 *  - S weights and D durations are not negative;
 *  - every stderr line starts with "trace2events: ".
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int trace2events_main(int argc, char **argv);
#define FP_FUZZ_TARGET 1
#define main trace2events_main
#include "../../filters/trace2events.c"
#undef main

#define PROG "trace2events"

/* ---- running main() on an input (the same in cpuprofile.c, spans.c) ---- */

static int in_fd = -1, out_fd = -1;
static char in_path[64];
static int running;		/* inside main() */
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

/* Run main(argc, argv) with stdout and stderr captured; the output is
 * returned as an exact-size heap copy (free it), stderr in err_p/err_n. */
static char *run_main(int (*m)(int, char **), int argc, char **argv, size_t *outn, int *status)
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
	*status = m(argc, argv);	/* ends with out_close(): stdout is closed */
	running = 0;
	stderr = real_stderr;
	fclose(err_f);
	n = lseek(out_fd, 0, SEEK_END);
	if (n < 0)
		abort();
	out = malloc((size_t)n + 1);
	if (!out || pread(out_fd, out, (size_t)n, 0) != n)
		abort();
	*outn = (size_t)n;
	return out;
}

static void check_stderr(void)
{
	const char *p = err_p, *end = err_p + err_n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		FUZZ_CHECK(nl != NULL);
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

/* One line of a valid events stream; returns its record (r->type 0 for headers). */
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
static void check_output(const char *out, size_t n, void (*fn)(const struct ev_rec *, const char *, size_t))
{
	const char *p = out, *end = out + n;
	int first = 1;

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

/* ---- trace2events ---- */

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	struct slice f[10];
	size_t i, k = 0;
	const char *s = p;
	int64_t v;

	switch (r->type) {
	case 0: case 'E': case 'P': case 'T':
		return;
	case 'S':
		FUZZ_CHECK(r->weight >= 0);
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
		fprintf(stderr, "unexpected record: %.*s\n", (int)n, p);
		FUZZ_CHECK(0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[6], *out;
	int argc = 0, status;
	size_t n;

	if (size < 1)
		return 0;
	if (in_fd < 0)
		setup();
	put_input(data + 1, size - 1);
	argv[argc++] = PROG;
	if (data[0] & 1)
		argv[argc++] = "-a";
	if (data[0] & 2)
		argv[argc++] = "-eev";
	argv[argc++] = in_path;
	argv[argc] = NULL;
	g.args = 0;
	g.event = NULL;
	out = run_main(trace2events_main, argc, argv, &n, &status);
	check_stderr();
	check_output(out, n, record);
	free(out);
	fuzz_reset();
	return 0;
}
