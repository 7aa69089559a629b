/* perfscan.h - one pass over the text of a `perf script` frame line
 *
 * A frame line is "ADDR SYMBOL (DSO)": the parser needs the last '(' and
 * ')' of "SYMBOL (DSO" (the dso is the last balanced group), whether a
 * '>' may split the symbol into inlined frames ("a->b"), and whether the
 * writer may copy the text as it is (no byte the events format escapes:
 * docs/events.md). pscan() finds all four in one pass, 16 bytes at a time
 * with SSE2 (the x86-64 baseline), a byte at a time elsewhere. The
 * usual line (nothing escaped, no '>', one parenthesised group) has
 * faster scans: pscan_open_sse2(), and with AVX2 (asked of the CPU at run
 * time: pscan_avx2()) pscan_open_avx2() and pscan_frame_avx2(), which
 * also finds the line's end (perfscript.c's perf_feed()).
 */
#ifndef FP_PERFSCAN_H
#define FP_PERFSCAN_H

#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct pscan {
	long open, close;	/* offsets of the last '(' and ')', -1 if none */
	int escape;		/* a byte below 0x20, '\\', ';', '`' or 0x7f */
	int gt;			/* a '>' */
};

#ifdef __SSE2__
/* 0xff for each byte of x the events format escapes or that is a '>'. */
static inline __m128i pscan_special(__m128i x, int gt)
{
	__m128i e = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);	/* x <= 0x1f */

	e = _mm_or_si128(e, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
					 _mm_cmpeq_epi8(x, _mm_set1_epi8(';'))));
	e = _mm_or_si128(e, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('`')),
					 _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))));
	return gt ? _mm_or_si128(e, _mm_cmpeq_epi8(x, _mm_set1_epi8('>'))) : e;
}

/* A bit for each hex digit of x. */
static inline unsigned pscan_hex16(__m128i x)
{
	__m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
	__m128i l = _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));

	d = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);	/* '0'..'9' */
	l = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l);	/* 'a'..'f', 'A'..'F' */
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(d, l));
}

/* The chunks of s[0..n), n >= 16: the last one overlaps the one before. */
static inline void pscan_sse2(const char *s, size_t n, struct pscan *r)
{
	const __m128i gt = _mm_set1_epi8('>'), op = _mm_set1_epi8('('), cl = _mm_set1_epi8(')');
	unsigned esc = 0, g = 0;
	size_t i = 0;

	for (;;) {
		size_t at = i + 16 <= n ? i : n - 16;
		unsigned keep = 0xffffu & (0xffffu << (i - at)), mo, mc;
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
		__m128i e = pscan_special(x, 0);

		esc |= (unsigned)_mm_movemask_epi8(e) & keep;
		g |= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, gt)) & keep;
		mo = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, op)) & keep;
		mc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, cl)) & keep;
		if (mo)
			r->open = (long)(at + 31 - (size_t)__builtin_clz(mo));
		if (mc)
			r->close = (long)(at + 31 - (size_t)__builtin_clz(mc));
		i = at + 16;
		if (i >= n)
			break;
	}
	r->escape = esc != 0;
	r->gt = g != 0;
}

/* The frame line's fast path: the offset of the last parenthesis of
 * s[0..n) if it is a '(' and no byte needs an escape or is a '>', else -1.
 * At least 16 bytes past s + n must be readable. */
static inline long pscan_open_sse2(const char *s, size_t n)
{
	const __m128i one = _mm_set1_epi8(1), paren = _mm_set1_epi8(')');
	long last = -1;
	size_t i;

	for (i = 0; i < n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned valid = n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1, mp;

		if ((unsigned)_mm_movemask_epi8(pscan_special(x, 1)) & valid)
			return -1;
		/* '(' | 1 == ')' */
		mp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(x, one), paren)) & valid;
		if (mp)
			last = (long)(i + 31 - (size_t)__builtin_clz(mp));
	}
	return last >= 0 && s[last] == '(' ? last : -1;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define PSCAN_AVX2 1
#include <immintrin.h>

/* pscan_open_sse2() 32 bytes at a time with AVX2, for the CPUs that have
 * it (pscan_avx2()): each byte is classified by two table lookups, one by
 * its high nibble, one by its low, ANDed: a bit that survives in both
 * tables is a class of the byte. 32 bytes past s + n must be readable. */
enum {
	PS_CTRL = 1,		/* 0x00..0x1f: high nibble 0 or 1, any low */
	PS_SEMI_GT = 2,		/* ';' 0x3b, '>' 0x3e */
	PS_BSLASH = 4,		/* 0x5c */
	PS_BTICK = 8,		/* 0x60 */
	PS_DEL = 16,		/* 0x7f */
	PS_PAREN = 32		/* '(' 0x28, ')' 0x29 */
};

/* The classes of the 32 bytes at p: two table lookups per byte, by its
 * high and by its low nibble, ANDed. */
__attribute__((target("avx2"), always_inline, unused))
static inline __m256i pscan_classes_avx2(const char *p)
{
#define PS_HI 1, 1, PS_PAREN, PS_SEMI_GT, 0, PS_BSLASH, PS_BTICK, PS_DEL, 0, 0, 0, 0, 0, 0, 0, 0
#define PS_LO 1 | PS_BTICK, 1, 1, 1, 1, 1, 1, 1, 1 | PS_PAREN, 1 | PS_PAREN, 1, 1 | PS_SEMI_GT, \
	1 | PS_BSLASH, 1, 1 | PS_SEMI_GT, 1 | PS_DEL
	const __m256i hi = _mm256_setr_epi8(PS_HI, PS_HI), lo = _mm256_setr_epi8(PS_LO, PS_LO);
	const __m256i nib = _mm256_set1_epi8(0x0f);
	__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);

	return _mm256_and_si256(_mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(x, 4), nib)),
				_mm256_shuffle_epi8(lo, _mm256_and_si256(x, nib)));
#undef PS_HI
#undef PS_LO
}

/* A bit per byte of classes c that is in one of the classes cls. */
__attribute__((target("avx2"), always_inline, unused))
static inline unsigned pscan_in_avx2(__m256i c, int cls)
{
	return ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(c, _mm256_set1_epi8((char)cls)),
								 _mm256_setzero_si256()));
}

__attribute__((target("avx2"), unused))
static long pscan_open_avx2(const char *s, size_t n)
{
	long last = -1;
	size_t i;

	for (i = 0; i < n; i += 32) {
		__m256i c = pscan_classes_avx2(s + i);
		unsigned valid = n - i >= 32 ? ~0u : (1u << (n - i)) - 1, mp;

		if (pscan_in_avx2(c, PS_PAREN - 1) & valid)
			return -1;
		mp = pscan_in_avx2(c, PS_PAREN) & valid;
		if (mp)
			last = (long)(i + 31 - (size_t)__builtin_clz(mp));
	}
	return last >= 0 && s[last] == '(' ? last : -1;
}

/* The same on a frame line's "SYMBOL (DSO)\n" whose end is not known:
 * the first byte of s[0..lim) that needs an escape or is a '>' must be
 * an LF (its offset goes to *nl) right after a ')', and the parenthesis
 * before that a '(': its offset, else -1. 32 bytes past s + lim must be
 * readable. The loop looks for the LF only; the parentheses are found
 * from it, in its chunk and the one before (further back for a dso
 * longer than 32 bytes that ends early in its chunk). */
__attribute__((target("avx2"), unused))
static inline long pscan_frame_avx2(const char *s, size_t lim, size_t *nl)
{
	__m256i c = _mm256_setzero_si256(), pc;
	unsigned sp = 0;
	size_t i, k, j;
	uint64_t m;

	for (i = 0; i < lim; i += 32) {
		pc = c;
		c = pscan_classes_avx2(s + i);
		sp = pscan_in_avx2(c, PS_PAREN - 1);	/* a class below PS_PAREN */
		if (sp)
			break;
	}
	if (!sp)
		return -1;
	k = (size_t)__builtin_ctz(sp);
	if (i + k >= lim || s[i + k] != '\n' || i + k == 0 || s[i + k - 1] != ')')
		return -1;
	*nl = i + k;
	/* the parentheses of s[i - 32, i + k): bit 32 + k - 1 is the ')' */
	m = (uint64_t)(pscan_in_avx2(c, PS_PAREN) & ((1u << k) - 1)) << 32;
	if (i > 0)
		m |= pscan_in_avx2(pc, PS_PAREN);
	m &= ~(1ULL << (31 + k));
	if (m) {
		j = i + 31 - (size_t)__builtin_clzll(m);	/* i - 32 + (63 - clz) */
		return s[j] == '(' ? (long)j : -1;
	}
	for (j = i; j >= 64; j -= 32) {	/* the chunks before: s[j - 64, j - 32) */
		unsigned mp = pscan_in_avx2(pscan_classes_avx2(s + j - 64), PS_PAREN);

		if (mp) {
			j = j - 64 + 31 - (size_t)__builtin_clz(mp);
			return s[j] == '(' ? (long)j : -1;
		}
	}
	return -1;
}

/* Does this CPU run pscan_open_avx2()? (asked once) */
static inline int pscan_avx2(void)
{
	static int have = -1;

	if (have < 0)
		have = __builtin_cpu_supports("avx2") != 0;
	return have;
}
#endif

static inline void pscan(const char *s, size_t n, struct pscan *r)
{
	size_t i;

	r->open = r->close = -1;
	r->escape = r->gt = 0;
#ifdef __SSE2__
	if (n >= 16) {
		pscan_sse2(s, n, r);
		return;
	}
#endif
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '\\' || c == ';' || c == '`' || c == 0x7f)
			r->escape = 1;
		else if (c == '>')
			r->gt = 1;
		else if (c == '(')
			r->open = (long)i;
		else if (c == ')')
			r->close = (long)i;
	}
}

#endif
