/* perfsplit.c - cut a perf script text file into N parts at sample headers */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "alloc.h"
#include "err.h"
#include "perfscript.h"
#include "perfsplit.h"

#define WINDOW (1 << 16)	/* bytes read at a time while looking for a header */
#define COUNT_CHUNK (1 << 16)	/* bytes read at a time while counting lines */

static int is_space(int c)
{
	return c == ' ' || c == '\t';
}

/* The rules of perf_line() for a line that is not tab-indented: a blank
 * line (spaces, tabs, CR, FF, VT) or a '#' line is no record; else a line
 * with " SECS.FRAC:" (6 or 9 decimals, SECS after a blank, a blank or the
 * end after the ':', perf_find_time()) begins a sample whatever the
 * parser's state (the fuzz target perfsplit checks it against
 * perf_line(); scale-out.sh the parts against the whole). */
int perfsplit_is_header(const char *s, size_t n)
{
	size_t i, end;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 0 || s[0] == '\t' || s[0] == '#')
		return 0;
	for (i = 0; i < n && (is_space(s[i]) || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'); i++)
		;
	if (i == n)
		return 0;
	return perf_find_time(s, n, &end) >= 0;
}

/* pread(2) until n bytes or the end: the bytes read, or -1 (reported). */
static ssize_t read_at(int fd, const char *name, char *p, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fp_warn("%s:", name);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* A window on the file: bytes [pos, pos + len) in p. */
struct window {
	int fd;
	const char *name;
	uint64_t size, pos;
	char *p;
	size_t len, cap;
};

/* The end of the line that starts at off (the offset of its LF, or the
 * file's size for a last line without one) in *end; the line is then in
 * w->p from off - w->pos. 0, or -1 on a read error (reported). */
static int line_at(struct window *w, uint64_t off, uint64_t *end)
{
	for (;;) {
		size_t want;
		ssize_t r;

		if (off >= w->pos && off <= w->pos + w->len) {
			size_t from = (size_t)(off - w->pos);
			const char *lf = memchr(w->p + from, '\n', w->len - from);

			if (lf) {
				*end = w->pos + (uint64_t)(lf - w->p);
				return 0;
			}
			if (w->pos + w->len >= w->size) {
				*end = w->size;
				return 0;
			}
			if (from == 0 && w->len == w->cap)	/* a line longer than the window */
				fp_grow(&w->p, &w->cap, w->cap * 2, 1);
		}
		want = w->size - off < w->cap ? (size_t)(w->size - off) : w->cap;
		r = read_at(w->fd, w->name, w->p, want, off);
		if (r < 0)
			return -1;
		w->pos = off;
		w->len = (size_t)r;
		if ((size_t)r < want)
			w->size = off + (uint64_t)r;	/* the file shrank */
	}
}

int perfsplit_start(int fd, const char *name, uint64_t size, uint64_t k, uint64_t n,
		    uint64_t *start)
{
	struct window w = { fd, name, size, 0, NULL, 0, WINDOW };
	uint64_t at, end;
	int r = 0;

	if (k <= 1 || n == 0) {
		*start = 0;
		return 0;
	}
	/* size * (k - 1) / n without overflow: n, k <= PERFSPLIT_MAX_PARTS */
	at = size / n * (k - 1) + size % n * (k - 1) / n;
	w.p = fp_malloc(w.cap);
	/* the first line that begins at or after at: after the LF at or
	 * after at - 1 */
	if (at > 0) {
		if (line_at(&w, at - 1, &end) < 0) {
			r = -1;
			goto done;
		}
		at = end + 1;
	}
	while (at < w.size) {
		if (line_at(&w, at, &end) < 0) {
			r = -1;
			goto done;
		}
		if (perfsplit_is_header(w.p + (at - w.pos), (size_t)(end - at)))
			break;
		at = end + 1;
	}
done:
	*start = at < w.size ? at : size;
	free(w.p);
	return r;
}

/* The LFs in p[0..n): 16 bytes at a time with SSE2 (the x86-64 baseline):
 * each match is a byte of -1 subtracted from a byte counter, and the 16
 * counters are summed (psadbw) before they can wrap. */
static uint64_t count_lf(const char *p, size_t n)
{
	uint64_t nl = 0;
	size_t i = 0;

#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();

	while (i + 16 <= n) {
		__m128i acc = zero, sum;
		size_t k;

		for (k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));

			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, lf));
		}
		sum = _mm_sad_epu8(acc, zero);
		nl += (uint64_t)_mm_cvtsi128_si32(sum) + (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
	}
#endif
	for (; i < n; i++)
		nl += p[i] == '\n';
	return nl;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The same, 128 bytes a round in four AVX2 counters (where the CPU has
 * AVX2: asked once), the rest by count_lf(): 0.15 instructions a byte
 * instead of 0.7. */
__attribute__((target("avx2")))
static uint64_t count_lf_avx2(const char *p, size_t n)
{
	const __m256i lf = _mm256_set1_epi8('\n'), zero = _mm256_setzero_si256();
	uint64_t nl = 0;
	size_t i = 0;

	while (i + 128 <= n) {
		__m256i a0 = zero, a1 = zero, a2 = zero, a3 = zero, sum;
		size_t k;

		for (k = 0; k < 255 && i + 128 <= n; k++, i += 128) {
			const __m256i *q = (const __m256i *)(const void *)(p + i);

			a0 = _mm256_sub_epi8(a0, _mm256_cmpeq_epi8(_mm256_loadu_si256(q), lf));
			a1 = _mm256_sub_epi8(a1, _mm256_cmpeq_epi8(_mm256_loadu_si256(q + 1), lf));
			a2 = _mm256_sub_epi8(a2, _mm256_cmpeq_epi8(_mm256_loadu_si256(q + 2), lf));
			a3 = _mm256_sub_epi8(a3, _mm256_cmpeq_epi8(_mm256_loadu_si256(q + 3), lf));
		}
		sum = _mm256_add_epi64(_mm256_add_epi64(_mm256_sad_epu8(a0, zero), _mm256_sad_epu8(a1, zero)),
				       _mm256_add_epi64(_mm256_sad_epu8(a2, zero), _mm256_sad_epu8(a3, zero)));
		nl += (uint64_t)_mm256_extract_epi64(sum, 0) + (uint64_t)_mm256_extract_epi64(sum, 1) +
		      (uint64_t)_mm256_extract_epi64(sum, 2) + (uint64_t)_mm256_extract_epi64(sum, 3);
	}
	return nl + count_lf(p + i, n - i);
}

static uint64_t count_lf_best(const char *p, size_t n)
{
	static int avx2 = -1;

	if (avx2 < 0)
		avx2 = __builtin_cpu_supports("avx2") != 0;
	return avx2 ? count_lf_avx2(p, n) : count_lf(p, n);
}
#else
#define count_lf_best count_lf
#endif

/* Read in COUNT_CHUNK blocks into one buffer that stays in the core's L2
 * cache, not mapped: the kernel's copy from the page cache costs less than
 * the page faults of a mapping (100 MB: 22 ms instead of 30 here), and the
 * count is a tenth of the copy. */
int perfsplit_lines(int fd, const char *name, uint64_t upto, uint64_t *lines)
{
	uint64_t off = 0, nl = 0;
	char *p = NULL;

	while (off < upto) {
		size_t want = upto - off < COUNT_CHUNK ? (size_t)(upto - off) : COUNT_CHUNK;
		ssize_t r;

		if (!p)
			p = fp_malloc(COUNT_CHUNK);
		r = read_at(fd, name, p, want, off);
		if (r < 0) {
			free(p);
			return -1;
		}
		if (r == 0)
			break;
		nl += count_lf_best(p, (size_t)r);
		off += (uint64_t)r;
	}
	free(p);
	*lines = nl;
	return 0;
}
