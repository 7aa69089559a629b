/* perfscan.h - one pass over the text of a `perf script` frame line
 *
 * A frame line is "ADDR SYMBOL (DSO)": the parser needs the last '(' and
 * ')' of "SYMBOL (DSO" (the dso is the last balanced group), whether a
 * '>' may split the symbol into inlined frames ("a->b"), and whether the
 * writer may copy the text as it is (no byte the events format escapes:
 * docs/events.md). pscan() finds all four in one pass, 16 bytes at a time
 * with SSE2 (the x86-64 baseline), a byte at a time elsewhere.
 */
#ifndef FP_PERFSCAN_H
#define FP_PERFSCAN_H

#include <stddef.h>
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
