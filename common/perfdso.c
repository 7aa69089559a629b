/* perfdso.c - the kind of a perf dso: kernel, JIT or neither
 * (docs/perf2events.md), and a cache of the last answers */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytes.h"
#include "events.h"
#include "perfscript.h"

static inline int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

unsigned perf_dso_kind(const char *dso, size_t n)
{
	const char *base = dso;
	size_t i, blen;

	const char *slash;

	if (n == 0)
		return 0;
	slash = memrchr(dso, '/', n);
	if (slash)
		base = slash + 1;
	blen = n - (size_t)(base - dso);
	if (n == 15 && memcmp(dso, "[JIT app cache]", 15) == 0)
		return EVK_JIT;
	if (dso[0] == '[')
		return n == 9 && memcmp(dso, "[unknown]", 9) == 0 ? 0 : EVK_KERNEL;
	if (bytes_ends(dso, n, ".ko") || bytes_ends(dso, n, ".ko.xz") ||
	    bytes_ends(dso, n, ".ko.zst") || bytes_ends(dso, n, ".ko.gz"))
		return EVK_KERNEL;
	if (bytes_starts(base, blen, "vmlinux")) {
		for (i = 7; i < blen; i++) {
			char c = base[i];

			if (!(c == '-' || c == '.' || c == '_' || is_digit(c) ||
			      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
				break;
		}
		if (i == blen)
			return EVK_KERNEL;
	}
	if (bytes_starts(dso, n, "bpf_prog_"))
		return EVK_KERNEL;
	/* <tmp>/perf-PID.map */
	for (i = 0; i + 10 <= n; i++) {
		const char *hit = memmem(dso + i, n - i, "/tmp/perf-", 10);

		if (!hit)
			break;
		i = (size_t)(hit - dso);
		{
			size_t j = i + 10, d = j;

			while (j < n && is_digit(dso[j]))
				j++;
			if (j > d && n - j == 4 && memcmp(dso + j, ".map", 4) == 0)
				return EVK_JIT;
		}
	}
	/* jitdump: jitted-PID-N.so */
	if (bytes_starts(base, blen, "jitted-") && bytes_ends(base, blen, ".so"))
		return EVK_JIT;
	return 0;
}

/* a[0..n) == b[0..n), 16 bytes at a time: both have the bytes up to the
 * next multiple of 16 readable. */
static inline int eq_padded(const char *a, const char *b, size_t n)
{
#ifdef __SSE2__
	size_t i;

	for (i = 0; i + 16 <= n; i += 16)
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(a + i)),
						     _mm_loadu_si128((const __m128i *)(const void *)(b + i)))) != 0xffff)
			return 0;
	return i == n || (~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(a + i)),
				_mm_loadu_si128((const __m128i *)(const void *)(b + i)))) &
			  ((1u << (n - i)) - 1)) == 0;
#else
	return bytes_eq(a, b, n);
#endif
}

/* A stack's frames are in a few dsos: remember the answers for the last
 * ones (direct-mapped by length and last byte). The dso lies in the
 * parser's text, 16 bytes readable past its end (perfscript.c). */
unsigned perf_dso_kind_cached(struct perf_parser *p, const char *dso, size_t n)
{
	struct perf_dso_cache *c;

	if (n == 0)
		return 0;
	c = &p->dso_cache[(n + (unsigned char)dso[n - 1]) % PERF_DSO_CACHE];

	/* name[256] holds the 16-byte chunks of any n <= 256 */
	if (n == c->len && eq_padded(dso, c->name, n))
		return c->kind;
	c->kind = perf_dso_kind(dso, n);
	if (n <= sizeof c->name) {
		memcpy(c->name, dso, n);
		c->len = n;
	} else {
		c->len = (size_t)-1;
	}
	return c->kind;
}
