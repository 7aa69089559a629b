/* digits.h - decimal digits of integers, two at a time, written backwards
 *
 * The writers of numbers (out.h, the events writer, jsonout.h) format into
 * a small stack buffer from its end:
 *
 *	char tmp[24], *p = digits_u64(tmp + sizeof tmp, v);
 *	out_write(p, (size_t)(tmp + sizeof tmp - p));
 */
#ifndef FP_DIGITS_H
#define FP_DIGITS_H

#include <stdint.h>
#include <string.h>

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

#endif
