/* Unit tests of perf2events' escaping writer (filters/perf2events/
 * write.c): its SSE2 put_escaped() and the byte loop the builds without
 * SSE2 use (put_escaped_bytes()) against the general writer's
 * ev_buf_escaped(), on fields of every length up to 100 at every offset
 * of a 16-byte chunk, from a fixed pseudo-random sequence biased towards
 * the bytes escaped; and each result unescaped back to the field. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../filters/perf2events/write.c"

static int failed, passed;

#define CHECK(c, ...) do { if (c) passed++; else { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

/* A byte: half of them one the events format escapes or next to one. */
static char pick(void)
{
	static const char special[] = "\\;`\x7f\t\n\r\x01\x1f =-x>()";
	unsigned r = next();

	if (r & 1)
		return special[(r >> 1) % (sizeof special - 1)];
	return (char)(r >> 8);
}

/* The text holds the field at off, 16 more bytes after it (write.c's
 * loads); the output, 4 per byte and 16 more (the record's bound). */
static void check(size_t off, size_t n)
{
	char text[16 + 100 + 16], out1[4 * 100 + 16], out2[4 * 100 + 16];
	struct ptext t = { off, n };
	struct buf want = { 0 }, back = { 0 };
	size_t i, l1, l2;

	for (i = 0; i < sizeof text; i++)
		text[i] = pick();
	ev_buf_escaped(&want, text + off, n);
	l1 = (size_t)(put_escaped(out1, text, t) - out1);
	l2 = (size_t)(put_escaped_bytes(out2, text + off, n) - out2);
	CHECK(l1 == want.len && memcmp(out1, want.p, l1) == 0, "put_escaped, %zu bytes at %zu", n, off);
	CHECK(l2 == want.len && memcmp(out2, want.p, l2) == 0, "put_escaped_bytes, %zu bytes at %zu",
	      n, off);
	ev_unescape(&back, out2, l2);
	CHECK(back.len == n && memcmp(back.p, text + off, n) == 0, "unescaped, %zu bytes at %zu", n, off);
	buf_free(&want);
	buf_free(&back);
}

int main(void)
{
	size_t off, n, k;

	for (k = 0; k < 20; k++)
		for (off = 0; off < 16; off++)
			for (n = 1; n <= 100; n++)
				check(off, n);
	if (failed)
		fprintf(stderr, "p2e-write: %d failed, %d passed\n", failed, passed);
	else
		printf("p2e-write: %d passed\n", passed);
	return failed != 0;
}
