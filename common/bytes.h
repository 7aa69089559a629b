/* bytes.h - inline scans and compares of short byte strings
 *
 * The fields of a record and the frames of a stack are mostly a few bytes
 * long: for them a call of memchr() or memcmp() costs more than the work.
 * These read 8 bytes at a time within the given bounds and fall back on
 * the library for long strings.
 */
#ifndef FP_BYTES_H
#define FP_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The first c in [p, end), or NULL. */
static inline const char *bytes_find(const char *p, const char *end, char c)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
	const uint64_t ones = 0x0101010101010101ULL, rep = ones * (unsigned char)c;
	int k;

	for (k = 0; k < 4 && end - p >= 8; k++, p += 8) {
		uint64_t w, x, t;

		memcpy(&w, p, 8);
		x = w ^ rep;
		/* a high bit for each zero byte of x; the lowest one is exact */
		t = (x - ones) & ~x & (ones << 7);
		if (t)
			return p + (__builtin_ctzll(t) >> 3);
	}
	if (end - p >= 8)
		return memchr(p, c, (size_t)(end - p));
	if (end - p >= 4) {	/* 4 to 7 bytes: two overlapping words */
		const uint32_t ones4 = 0x01010101u, rep4 = ones4 * (unsigned char)c;
		uint32_t w, x, t;

		memcpy(&w, p, 4);
		x = w ^ rep4;
		t = (x - ones4) & ~x & (ones4 << 7);
		if (t)
			return p + (__builtin_ctz(t) >> 3);
		p = end - 4;	/* the bytes it shares with the first word hold no c */
		memcpy(&w, p, 4);
		x = w ^ rep4;
		t = (x - ones4) & ~x & (ones4 << 7);
		return t ? p + (__builtin_ctz(t) >> 3) : NULL;
	}
#endif
	for (; p < end; p++)
		if (*p == c)
			return p;
	return NULL;
}

/* Are a[0..n) and b[0..n) the same bytes? */
static inline int bytes_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t u, v;
	uint32_t s, t;

	if (n > 32)
		return memcmp(a, b, n) == 0;
	for (; n >= 8; x += 8, y += 8, n -= 8) {
		memcpy(&u, x, 8);
		memcpy(&v, y, 8);
		if (u != v)
			return 0;
	}
	if (n >= 4) {	/* 4 to 7 bytes: two overlapping words */
		memcpy(&s, x, 4);
		memcpy(&t, y, 4);
		if (s != t)
			return 0;
		memcpy(&s, x + n - 4, 4);
		memcpy(&t, y + n - 4, 4);
		return s == t;
	}
	if (n >= 2) {	/* 2 or 3 bytes: two overlapping pairs */
		uint16_t h, k;

		memcpy(&h, x, 2);
		memcpy(&k, y, 2);
		if (h != k)
			return 0;
		memcpy(&h, x + n - 2, 2);
		memcpy(&k, y + n - 2, 2);
		return h == k;
	}
	return n == 0 || *x == *y;
}

/* d[0..n) = s[0..n), areas apart. Most fields and frames are short: up
 * to 16 bytes, two fixed-size copies that overlap cost less than a call
 * of memcpy(). */
static inline void bytes_copy(void *d, const void *s, size_t n)
{
	char *o = d;
	const char *i = s;

	if (n > 16) {
		memcpy(o, i, n);
	} else if (n >= 8) {
		memcpy(o, i, 8);
		memcpy(o + n - 8, i + n - 8, 8);
	} else if (n >= 4) {
		memcpy(o, i, 4);
		memcpy(o + n - 4, i + n - 4, 4);
	} else if (n > 0) {
		o[0] = i[0];
		o[n / 2] = i[n / 2];
		o[n - 1] = i[n - 1];
	}
}

/* bytes_copy() for writers that format in place (copy n bytes and
 * advance): n bytes of s at d (s may be NULL when n is 0); their end. */
static inline char *bytes_put(char *d, const void *s, size_t n)
{
	bytes_copy(d, s, n);
	return d + n;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
#define BYTES_LE_WORDS 1
#endif

/* The n < 8 bytes at p as a little-endian word (the first in the low
 * byte, zeros above them): what memcpy(&w, p, n) into a zeroed w gives,
 * without a call. */
static inline uint64_t bytes_load(const void *p, size_t n)
{
	const unsigned char *s = p;
#ifdef BYTES_LE_WORDS
	if (n >= 4) {	/* two overlapping words; the bytes they share are the same */
		uint32_t lo, hi;

		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		return lo | (uint64_t)hi << (8 * (n - 4));
	}
	if (n == 0)
		return 0;
	return s[0] | (uint64_t)s[n / 2] << (8 * (n / 2)) | (uint64_t)s[n - 1] << (8 * (n - 1));
#else
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)s[i] << (8 * i);
	return w;
#endif
}

/* How many bytes a[0..n) and b[0..n) start with in common. */
static inline size_t bytes_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;
#ifdef BYTES_LE_WORDS
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)	/* the first byte that differs is the lowest */
			return i + ((size_t)__builtin_ctzll(x ^ y) >> 3);
	}
	if (i < n) {
		x = bytes_load(a + i, n - i) ^ bytes_load(b + i, n - i);
		return x ? i + ((size_t)__builtin_ctzll(x) >> 3) : n;
	}
	return n;
#else
	while (i < n && a[i] == b[i])
		i++;
	return i;
#endif
}

/* How many bytes the n bytes before a and before b end with in common. */
static inline size_t bytes_suffix(const char *a, const char *b, size_t n)
{
	size_t i = 0;
#ifdef BYTES_LE_WORDS
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a - i - 8, 8);
		memcpy(&y, b - i - 8, 8);
		if (x != y)	/* the last byte that differs is the highest */
			return i + ((size_t)__builtin_clzll(x ^ y) >> 3);
	}
	if (i < n) {
		size_t r = n - i;

		x = bytes_load(a - n, r) ^ bytes_load(b - n, r);
		return x ? i + ((size_t)__builtin_clzll(x << (8 * (8 - r))) >> 3) : n;
	}
	return n;
#else
	while (i < n && a[-1 - (ptrdiff_t)i] == b[-1 - (ptrdiff_t)i])
		i++;
	return i;
#endif
}

/* Is s[0..n) the string lit (the same bytes, no more)? */
static inline int bytes_is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && (n == 0 || memcmp(s, lit, n) == 0);
}

/* Does s[0..n) start, or end, with the string lit? */
static inline int bytes_starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s, lit, k) == 0;
}

static inline int bytes_ends(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s + n - k, lit, k) == 0;
}

/* A table of keywords (JSON keys, say) and their values, each literal's
 * length kept beside it: BYTES_KEYWORD("name", K_NAME). */
struct bytes_keyword {
	const char *s;
	size_t n;
	int v;
};
#define BYTES_KEYWORD(lit, v) { lit, sizeof lit - 1, v }

/* The value of the keyword in t[0..nt) equal to s[0..n), else other. */
static inline int bytes_keyword(const struct bytes_keyword *t, size_t nt, const char *s, size_t n,
				int other)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (t[i].n == n && memcmp(t[i].s, s, n) == 0)
			return t[i].v;
	return other;
}

#endif
