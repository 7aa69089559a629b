/* evscan.c - a faster events reader for filters that do not need the STACK field split */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytes.h"
#include "evscan.h"

/* The index of x's lowest set bit (x != 0) as a size_t. The builtin's
 * int made GCC compute each TAB's offset + 1 in 32 bits and sign-extend
 * both (two instructions a field more); tzcnt's 64-bit result is used as
 * it is. */
static inline size_t ctz64(uint64_t x)
{
#if defined(__x86_64__) && defined(__GNUC__)
	size_t r;

	__asm__("tzcntq %1, %0" : "=r"(r) : "rm"(x) : "cc");	/* bsf where there is no BMI1: the same for x != 0 */
	return r;
#else
	return (size_t)__builtin_ctzll(x);
#endif
}

/* The first n TABs in [p, end) into t; returns how many were found (up to
 * n). One pass over the record's leading fields, a word at a time. */
static inline int find_tabs(const char *p, const char *end, const char **t, int n)
{
	int k = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL, rep = 0x0909090909090909ULL;

	for (; end - p >= 8; p += 8) {
		uint64_t w, x, m;

		memcpy(&w, p, 8);
		x = w ^ rep;
		m = ~(((x & lo7) + lo7) | x | lo7);	/* exactly the TAB bytes' high bits */
		for (; m; m &= m - 1) {
			t[k++] = p + (ctz64(m) >> 3);
			if (k == n)
				return k;
		}
	}
#endif
	for (; p < end; p++) {
		if (*p == '\t') {
			t[k++] = p;
			if (k == n)
				return k;
		}
	}
	return k;
}

#ifdef __SSE2__
/* TABs 16 bytes at a time (SSE2, which every x86-64 has), 64 bytes into
 * one mask. */
static inline unsigned tab_mask(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
}

/* The TABs of the up to 64 bytes from p before end, bit i for p[i]. A
 * last block shorter than 16 bytes is read as the 16 bytes that end at
 * end (the scan started at least 16 bytes before it), those before it
 * shifted out. */
static inline __attribute__((always_inline)) uint64_t tab_mask64(const char *p, const char *end)
{
	uint64_t m;
	ptrdiff_t left = end - p;

	if (__builtin_expect(left >= 64, 0))
		return (uint64_t)tab_mask(p) | (uint64_t)tab_mask(p + 16) << 16 |
		       (uint64_t)tab_mask(p + 32) << 32 | (uint64_t)tab_mask(p + 48) << 48;
	m = (uint64_t)(tab_mask(end - 16) >> ((64 - left) & 15)) << ((left - 1) & ~(ptrdiff_t)15);
	if (left > 16)
		m |= tab_mask(p);
	if (left > 32)
		m |= (uint64_t)tab_mask(p + 16) << 16;
	if (left > 48)
		m |= (uint64_t)tab_mask(p + 32) << 32;
	return m;
}

/* TABs 64 bytes at a time: m holds those of the block at p not taken yet. */
struct tabscan {
	const char *p, *end;
	uint64_t m;
};

/* The next TAB, or NULL. */
static inline const char *next_tab(struct tabscan *ts)
{
	const char *t;

	while (__builtin_expect(ts->m == 0, 0)) {
		ts->p += 64;
		if (ts->p >= ts->end)
			return NULL;
		ts->m = tab_mask64(ts->p, ts->end);
	}
	t = ts->p + ctz64(ts->m);
	ts->m &= ts->m - 1;
	return t;
}

/* find_tabs(p, end, t, 7), unrolled; with cut, t[7] is the eighth TAB,
 * or NULL (the STACK field's end, in the same scan). */
static inline __attribute__((always_inline)) int seven_tabs(const char *p, const char *end, const char **t, int cut)
{
	struct tabscan ts;

	if (end - p < 16) {
		int k = find_tabs(p, end, t, 7 + cut);

		if (cut && k == 7)
			t[7] = NULL;
		return k < 7 ? k : 7;
	}
	if (end - p < 64) {	/* the whole rest of the line in one mask */
		/* bit 63 stands for a TAB past the end (end - p <= 63), so
		 * that a missing TAB is found at or after end, not looked for */
		const uint64_t past = 1ULL << 63;
		uint64_t m = tab_mask64(p, end);

#define EVSCAN_TAB(i) (t[i] = p + ctz64(m | past), m &= m - 1)
		EVSCAN_TAB(0); EVSCAN_TAB(1); EVSCAN_TAB(2); EVSCAN_TAB(3);
		EVSCAN_TAB(4); EVSCAN_TAB(5); EVSCAN_TAB(6);
		if (cut)
			EVSCAN_TAB(7);
#undef EVSCAN_TAB
		if (t[6] >= end)
			return 0;
		if (cut && t[7] >= end)
			t[7] = NULL;
		return 7;
	}
	ts.p = p;
	ts.end = end;
	ts.m = tab_mask64(p, end);
	if (!(t[0] = next_tab(&ts)) || !(t[1] = next_tab(&ts)) || !(t[2] = next_tab(&ts)) ||
	    !(t[3] = next_tab(&ts)) || !(t[4] = next_tab(&ts)) || !(t[5] = next_tab(&ts)) ||
	    !(t[6] = next_tab(&ts)))
		return 0;
	if (cut)
		t[7] = next_tab(&ts);
	return 7;
}
#else
static inline __attribute__((always_inline)) int seven_tabs(const char *p, const char *end, const char **t, int cut)
{
	int k = find_tabs(p, end, t, 7 + cut);

	if (cut && k == 7)
		t[7] = NULL;
	return k < 7 ? k : 7;
}
#endif

/* ev_parse_i64() without its per-digit overflow division: up to 18
 * digits cannot overflow; anything else goes to ev_parse_i64(). */
static inline int fast_i64(const char *p, size_t n, int64_t *v)
{
	int64_t x = 0;
	size_t i;

	if (n == 0 || n > 18 || p[0] == '-')
		return ev_parse_i64(p, n, v);
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
#define EVSCAN_WORDS 1
/* Eight decimal digits in w (the first in its low byte), all checked,
 * into *v; -1 if one is not a digit. */
static inline int word_digits(uint64_t w, int64_t *v)
{
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0ULL, zeros = 0x3030303030303030ULL;

	if ((w & hi) != zeros || ((w + 0x0606060606060606ULL) & hi) != zeros)
		return -1;
	w = (w & 0x0f0f0f0f0f0f0f0fULL) * 2561 >> 8;
	w = (w & 0x00ff00ff00ff00ffULL) * 6553601 >> 16;
	*v = (int64_t)((w & 0x0000ffff0000ffffULL) * 42949672960001ULL >> 32);
	return 0;
}

static inline int eight_digits(const char *p, int64_t *v)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return word_digits(w, v);
}
#endif

/* fast_i64() for a field at p in a line ending at end: 1 to 8 digits in
 * one word when 8 bytes can be read from p. */
static inline int fast_weight(const char *p, size_t n, const char *end, int64_t *v)
{
#ifdef EVSCAN_WORDS
	if (n >= 1 && n <= 8 && end - p >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		if (n < 8)	/* the digits to the top, '0's below */
			w = w << (8 * (8 - n)) | 0x3030303030303030ULL >> (8 * n);
		if (word_digits(w, v) == 0)
			return 0;
	}
#else
	(void)end;
#endif
	return fast_i64(p, n, v);
}

/* ev_parse_time() for the common case: no sign, up to 9 integer digits
 * (below 10^9 s, no overflow) and up to 9 decimals. */
static inline __attribute__((always_inline)) int fast_time(const char *p, size_t n, int64_t *ns)
{
	int64_t s = 0, f = 0;
	size_t i = 0, fd;

#ifdef EVSCAN_WORDS
	/* the usual form: 1 to 9 digits, a point, 9 decimals */
	if (n >= 11 && n <= 19 && p[n - 10] == '.' && eight_digits(p + n - 9, &f) == 0 &&
	    (unsigned)(p[n - 1] - '0') <= 9) {
		for (; i < n - 10; i++) {
			uint64_t d = (uint64_t)(unsigned char)p[i] - '0';	/* 64 bits: not extended in the loop */

			if (d > 9)
				return ev_parse_time(p, n, ns);
			s = s * 10 + (int64_t)d;
		}
		*ns = s * 1000000000 + f * 10 + (p[n - 1] - '0');
		return 0;
	}
#endif
	for (; i < n && i < 10 && p[i] >= '0' && p[i] <= '9'; i++)
		s = s * 10 + (p[i] - '0');
	if (i == 0 || i > 9 || (i < n && p[i] != '.'))
		return ev_parse_time(p, n, ns);
	if (i < n) {
		for (i++, fd = 0; i < n; i++, fd++) {
			unsigned d = (unsigned char)p[i] - '0';

			if (d > 9 || fd >= 9)
				return ev_parse_time(p, n, ns);
			f = f * 10 + d;
		}
		for (; fd < 9; fd++)
			f *= 10;
	}
	*ns = s * 1000000000 + f;
	return 0;
}

/* A field between two TABs (or the type's TAB and the next). */
static inline struct slice between(const char *a, const char *b)
{
	struct slice f = { a + 1, (size_t)(b - a - 1) };

	return f;
}

/* The fields of a record line (its type and TAB checked) from its first
 * seven TABs after the type's, t[0..6], and with cut t[7], the eighth or
 * NULL: EV_RECORD, or -1 when the weight or the time is not of the usual
 * form (ev_parse() decides then). */
static inline __attribute__((always_inline)) int fields(struct ev_rec *r, const char *line,
							size_t len, const char *const *t, int cut)
{
	const char *end = line + len;
	struct slice time, weight;

	time = between(line + 1, t[0]);
	r->pid = between(t[0], t[1]);
	r->tid = between(t[1], t[2]);
	r->cpu = between(t[2], t[3]);
	r->comm = between(t[3], t[4]);
	r->event = between(t[4], t[5]);
	weight = between(t[5], t[6]);
	r->type = line[0];
	r->line.p = line;
	r->line.n = len;
	r->stack.p = t[6] + 1;
	r->stack.n = (size_t)((cut && t[7] ? t[7] : end) - t[6] - 1);
	r->weight = EV_NONE;
	if (r->type == 'S' && fast_weight(weight.p, weight.n, end, &r->weight) < 0)
		return -1;
	if (ev_absent(time))
		r->time = EV_NONE;
	else if (fast_time(time.p, time.n, &r->time) < 0)
		return -1;
	return EV_RECORD;
}

/* A record type with the fields of S records. */
static inline int soci(char c)
{
	return c == 'S' || c == 'O' || c == 'C' || c == 'I';
}

/* ev_parse_fast(), and with cut ev_parse_cut(). */
static inline __attribute__((always_inline)) int parse_fast(struct ev_rec *r, const char *line, size_t len, const char **why,
			     int cut)
{
	const char *t[8];

	if (len < 2 || line[1] != '\t' || !soci(line[0]))
		return ev_parse(r, line, len, why);
	if (seven_tabs(line + 2, line + len, t, cut) < 7 || fields(r, line, len, t, cut) < 0)
		return ev_parse(r, line, len, why);
	return EV_RECORD;
}

int ev_parse_fast(struct ev_rec *r, const char *line, size_t len, const char **why)
{
	return parse_fast(r, line, len, why, 0);
}

int ev_parse_cut(struct ev_rec *r, const char *line, size_t len, const char **why)
{
	return parse_fast(r, line, len, why, 1);
}

int evscan_next(struct ev_reader *r, struct ev_rec *rec)
{
	return ev_reader_next_with(r, rec, ev_parse_fast);
}

#ifdef __SSE2__
static inline unsigned byte_mask(__m128i v, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

/* The first TAB or LF in [p, end), or NULL. */
static inline const char *tab_or_lf(const char *p, const char *end)
{
	for (; end - p >= 16; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = byte_mask(v, '\t') | byte_mask(v, '\n');

		if (m)
			return p + __builtin_ctz(m);
	}
	for (; p < end; p++)
		if (*p == '\t' || *p == '\n')
			return p;
	return NULL;
}

/* The usual record line, read from the input's buffer in place: the line's
 * LF and the TABs of its fields found in one scan (input_getline() and
 * ev_parse_cut() scanned it twice). EV_RECORD with the line taken as
 * input_getline() takes it; 0, nothing taken, for anything else: a line
 * not whole in the buffer, a CR, a header, a record ev_parse() decides. */
static inline int next_cut_fast(struct ev_reader *r, struct ev_rec *rec, const char *s, const char *bend)
{
	const char *t[8], *lf;
	const uint64_t past = 1ULL << 63;
	__m128i v0, v1, v2, v3;
	uint64_t tabs, lfs;
	size_t len;

	v0 = _mm_loadu_si128((const __m128i *)(const void *)s);
	v1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
	v2 = _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
	v3 = _mm_loadu_si128((const __m128i *)(const void *)(s + 48));
	lfs = (uint64_t)byte_mask(v0, '\n') | (uint64_t)byte_mask(v1, '\n') << 16 |
	      (uint64_t)byte_mask(v2, '\n') << 32 | (uint64_t)byte_mask(v3, '\n') << 48;
	tabs = (uint64_t)byte_mask(v0, '\t') | (uint64_t)byte_mask(v1, '\t') << 16 |
	       (uint64_t)byte_mask(v2, '\t') << 32 | (uint64_t)byte_mask(v3, '\t') << 48;
	if (!(tabs & 2) || !soci(s[0]))
		return 0;
	/* the TABs after the type's, before the LF; bit 63 stands for one
	 * past the line or the first 63 bytes, so that a missing TAB is
	 * found there, not looked for */
	tabs &= ~(uint64_t)3;
	if (lfs)
		tabs &= (lfs & -lfs) - 1;
#define EVSCAN_TAB(i) (t[i] = s + ctz64(tabs | past), tabs &= tabs - 1)
	EVSCAN_TAB(0); EVSCAN_TAB(1); EVSCAN_TAB(2); EVSCAN_TAB(3);
	EVSCAN_TAB(4); EVSCAN_TAB(5); EVSCAN_TAB(6);
	if (lfs) {	/* the whole line in the mask */
		len = ctz64(lfs);
		if (t[6] >= s + len)
			return 0;
		EVSCAN_TAB(7);
		if (t[7] >= s + len)
			t[7] = NULL;
	} else {	/* a longer line: the STACK field's end, then the LF */
		if (t[6] >= s + 63)
			return 0;
		lf = tab_or_lf(t[6] + 1, bend);
		if (!lf)
			return 0;
		t[7] = NULL;
		if (*lf == '\t') {
			t[7] = lf;
			lf = memchr(lf + 1, '\n', (size_t)(bend - lf - 1));
			if (!lf)
				return 0;
		}
		len = (size_t)(lf - s);
	}
#undef EVSCAN_TAB
	if (s[len - 1] == '\r' || fields(rec, s, len, t, 1) < 0)
		return 0;
	input_take_line(&r->in, len);
	return EV_RECORD;
}
#endif

int ev_reader_next_cut(struct ev_reader *r, struct ev_rec *rec)
{
#ifdef __SSE2__
	if (__builtin_expect(r->started, 1)) {
		size_t n;
		const char *s = input_buffered(&r->in, &n);

		if (__builtin_expect(n >= 64, 1) && next_cut_fast(r, rec, s, s + n) == EV_RECORD)
			return EV_RECORD;
	}
#endif
	return ev_reader_next_with(r, rec, ev_parse_cut);
}
