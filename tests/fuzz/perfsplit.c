/* perfsplit.c - fuzz the cut of perf script text into parts (common/perfsplit.h)
 *
 * perfsplit.c copies the rule by which perfscript.c's perf_line() begins a
 * sample; the parts of perf2events --part equal the whole only if the two
 * agree. Properties:
 *  - every line perfsplit_is_header() accepts begins a new record in the
 *    parser whatever came before it (in a sample after a frame, after a
 *    blank line, at the start): the sample before it is reported, and a
 *    sample or side-band record with the line's number follows;
 *  - on the input as a file, the starts of parts 1..N are 0, then
 *    non-decreasing, each the size or the start of a line the rule
 *    accepts, and nothing between a part's cut point and its start is a
 *    header line;
 *  - perfsplit_lines() counts the LFs before each start (and in the whole
 *    file) as a byte loop does (the SIMD counters and their tails).
 */
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "../../common/perfscript.h"
#include "../../common/perfsplit.h"

struct seen {
	uint64_t first, target;	/* reports of line 1 and of the line tested */
};

static void on_sample(const struct perf_sample *s, const char *text, void *ctx)
{
	struct seen *c = ctx;

	(void)text;
	c->first += s->lineno == 1;
	c->target += s->lineno == 9;
}

static void on_sideband(const struct perf_sideband *sb, const char *text, void *ctx)
{
	struct seen *c = ctx;

	(void)text;
	c->target += sb->lineno == 9;
}

/* Feed prefix (lines 1..) then line as line 9: a new record must start. */
static void begins(const char *const *prefix, const char *line, size_t n)
{
	struct perf_parser p;
	struct seen c = { 0, 0 };
	const char *why;
	uint64_t i;

	perf_init(&p);
	p.sample = on_sample;
	p.sideband = on_sideband;
	p.ctx = &c;
	for (i = 0; prefix[i]; i++)
		(void)perf_line(&p, prefix[i], strlen(prefix[i]), i + 1, &why);
	FUZZ_CHECK(perf_line(&p, line, n, 9, &why) == 0);
	/* the sample of line 1 (if any) was ended by line 9 */
	FUZZ_CHECK(c.first == (prefix[0] != NULL));
	perf_end(&p);
	perf_free(&p);
	FUZZ_CHECK(c.first == (prefix[0] != NULL));
	FUZZ_CHECK(c.target == 1);
}

static void lines(const char *s, size_t n)
{
	static const char *const in_frames[] = {
		"a 1 1.000000: 1 ev: ", "\t 1 f (d)", NULL
	};
	static const char *const after_blank[] = {
		"a 1 1.000000: 1 ev: ", "\t 1 f (d)", "", NULL
	};
	static const char *const none[] = { NULL };
	size_t at = 0;

	while (at < n) {
		const char *lf = memchr(s + at, '\n', n - at);
		size_t len = lf ? (size_t)(lf - (s + at)) : n - at;

		if (perfsplit_is_header(s + at, len)) {
			begins(in_frames, s + at, len);
			begins(after_blank, s + at, len);
			begins(none, s + at, len);
		}
		at += len + 1;
	}
}

/* perfsplit_lines(fd, upto) is the number of LFs in s[0..upto) */
static void lines_before(int fd, const char *s, uint64_t upto)
{
	uint64_t nl = 1, want = 0, i;

	for (i = 0; i < upto; i++)
		want += s[i] == '\n';
	FUZZ_CHECK(perfsplit_lines(fd, "fuzz", upto, &nl) == 0);
	FUZZ_CHECK(nl == want);
}

static void parts(const char *s, size_t n)
{
	int fd = memfd_create("perfsplit", 0);
	uint64_t k, prev = 0, start;
	const uint64_t parts = 5;

	if (fd < 0)
		return;
	if (write(fd, s, n) != (ssize_t)n) {
		close(fd);
		return;
	}
	for (k = 1; k <= parts; k++) {
		uint64_t cut = n * (k - 1) / parts, i;

		FUZZ_CHECK(perfsplit_start(fd, "fuzz", n, k, parts, &start) == 0);
		lines_before(fd, s, start);
		if (k == 1) {
			FUZZ_CHECK(start == 0);
			continue;
		}
		FUZZ_CHECK(start >= prev && start <= n && start >= cut);
		if (start < n) {
			const char *lf = memchr(s + start, '\n', n - start);

			FUZZ_CHECK(start == 0 || s[start - 1] == '\n');
			FUZZ_CHECK(perfsplit_is_header(s + start, lf ? (size_t)(lf - (s + start)) : n - start));
		}
		/* no header line begins in [cut, start) */
		for (i = cut; i < start; i++) {
			if (i == 0 || s[i - 1] == '\n') {
				const char *lf = memchr(s + i, '\n', n - i);

				FUZZ_CHECK(!perfsplit_is_header(s + i, lf ? (size_t)(lf - (s + i)) : n - i));
			}
		}
		prev = start;
	}
	lines_before(fd, s, n);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy(data, size);

	lines(s, size);
	parts(s, size);
	free(s);
	return 0;
}
