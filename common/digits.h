/* digits.h - decimal digits of integers, two at a time, written backwards
 *
 * The writers of numbers (out.h, the events writer, jsonout.h) format into
 * a small stack buffer from its end:
 *
 *	char tmp[24], *p = digits_u64(tmp + sizeof tmp, v);
 *	out_write(p, (size_t)(tmp + sizeof tmp - p));
 *
 * Writers that format a record in place in the output buffer write forward
 * instead, the number of digits known first (digits_put()): no copy from a
 * stack buffer, whose wide load of bytes just stored would stall.
 *
 * A time in the events format is "[-]SECS.NNNNNNNNN" (docs/events.md):
 * digits_time() backward, digits_put_time() forward for a time >= 0.
 *
 * The _wide writers write the same bytes, each number below 10^8 from a
 * few multiplications on one word stored whole: they may store up to 8
 * bytes past the end they return (the caller's room has that margin).
 */
#ifndef FP_DIGITS_H
#define FP_DIGITS_H

#include <stdint.h>
#include <string.h>

#include "bytes.h"

static const char digits_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The digits of v (at least one) ending just before end; their start. */
static inline char *digits_u64(char *end, uint64_t v)
{
	while (v >= 100) {
		end -= 2;
		memcpy(end, digits_pairs + (v % 100) * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, digits_pairs + v * 2, 2);
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

/* Exactly n digits of v (v < 10^n), zero-padded, ending before end. */
static inline char *digits_fixed(char *end, uint64_t v, int n)
{
	for (; n >= 2; n -= 2) {
		end -= 2;
		memcpy(end, digits_pairs + (v % 100) * 2, 2);
		v /= 100;
	}
	if (n)
		*--end = (char)('0' + v % 10);
	return end;
}

/* The number of decimal digits of v, 1 for 0. */
static inline int digits_count(uint64_t v)
{
	static const uint64_t p10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
		100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
		1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
		1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
		1000000000000000000ULL, 10000000000000000000ULL
	};
	/* log10 from log2 (1233 / 4096 ~ log10(2)), then corrected */
	unsigned t = ((64 - (unsigned)__builtin_clzll(v | 1)) * 1233) >> 12;
	int n = (int)t + 1 - (v < p10[t]);

	return n < 1 ? 1 : n;
}

/* The digits of v written forward at w (up to 20 bytes); their end. */
static inline char *digits_put(char *w, uint64_t v)
{
	char *end = w + digits_count(v);

	digits_u64(end, v);	/* exactly digits_count(v) digits */
	return end;
}

/* "SECS.NNNNNNNNN" of ns >= 0 written forward at w (up to 30 bytes); its
 * end. */
static inline char *digits_put_time(char *w, uint64_t ns)
{
	w = digits_put(w, ns / 1000000000);
	*w++ = '.';
	digits_fixed(w + 9, ns % 1000000000, 9);
	return w + 9;
}

/* "[-]SECS.NNNNNNNNN" of ns ending just before end (at most 21 bytes); its
 * start. */
static inline char *digits_time(char *end, int64_t ns)
{
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	char *p = digits_fixed(end, u % 1000000000, 9);

	*--p = '.';
	p = digits_u64(p, u / 1000000000);
	if (ns < 0)
		*--p = '-';
	return p;
}

#ifdef BYTES_LE_WORDS
/* The 8 digits of v < 10^8, zero-padded, as a little-endian word (the
 * first digit in the low byte): the two halves of 4 digits, each cut in
 * two pairs (x / 100 as x * 10486 >> 20), each pair in two digits (y / 10
 * as y * 103 >> 10), all lanes at once. */
static inline uint64_t digits_word8(uint32_t v)
{
	uint64_t m = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32;
	uint64_t hi = ((m * 10486) >> 20) & 0x0000007f0000007fULL;
	uint64_t h = ((m - hi * 100) << 16) + hi;
	uint64_t t = ((h * 103) >> 10) & 0x000f000f000f000fULL;

	return ((h - t * 10) << 8) + t + 0x3030303030303030ULL;
}

/* The digits of 0 < v < 10^8 at w, without leading zeros, in one word
 * stored whole (8 bytes). */
static inline char *digits_put_word8(char *w, uint32_t v)
{
	/* the leading zeros are the low bytes of x that hold 0 */
	uint64_t x = digits_word8(v);
	unsigned z = (unsigned)__builtin_ctzll(x - 0x3030303030303030ULL) & ~7u;

	x >>= z;
	memcpy(w, &x, 8);
	return w + 8 - z / 8;
}

/* digits_put(), storing up to 8 bytes past its end. */
static inline char *digits_put_wide(char *w, uint64_t v)
{
	if (v < 10) {
		*w = (char)('0' + v);
		return w + 1;
	}
	if (v < 100000000)
		return digits_put_word8(w, (uint32_t)v);
	if (v < 10000000000000000ULL) {	/* 9 to 16 digits: two words */
		uint64_t lo = digits_word8((uint32_t)(v % 100000000));

		w = digits_put_word8(w, (uint32_t)(v / 100000000));
		memcpy(w, &lo, 8);
		return w + 8;
	}
	return digits_put(w, v);
}

/* "." and the 9 digits of f < 10^9, storing up to 8 bytes past the end. */
static inline char *digits_put_frac9(char *w, uint32_t f)
{
	uint64_t x = digits_word8(f % 100000000);

	w[0] = '.';
	w[1] = (char)('0' + f / 100000000);
	memcpy(w + 2, &x, 8);
	return w + 10;
}

/* digits_put_time(), storing up to 8 bytes past its end. */
static inline char *digits_put_time_wide(char *w, uint64_t ns)
{
	w = digits_put_wide(w, ns / 1000000000);
	return digits_put_frac9(w, (uint32_t)(ns % 1000000000));
}
#else
#define digits_put_wide digits_put
#define digits_put_time_wide digits_put_time
static inline char *digits_put_frac9(char *w, uint32_t f)
{
	*w = '.';
	digits_fixed(w + 10, f, 9);
	return w + 10;
}
#endif

#endif
