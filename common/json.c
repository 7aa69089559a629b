/* json.c - streaming JSON input on top of yajl 2: key paths, raw numbers */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "alloc.h"
#include "bytes.h"
#include "err.h"
#include "json.h"
#include "progress.h"

#define CHUNK (1 << 16)

int json_key_is(const struct json *j, size_t d, const char *k)
{
	struct slice s = json_key(j, d);
	size_t n = strlen(k);

	return d < j->depth && j->lv[d].type == JSON_MAP && s.n == n && (n == 0 || memcmp(s.p, k, n) == 0);
}

uint64_t json_line(struct json *j)
{
	size_t upto;

	if (!j->chunk)
		return j->line + 1;
	upto = yajl_get_bytes_consumed(j->yajl);
	while (j->counted < upto) {
		const unsigned char *nl = memchr(j->chunk + j->counted, '\n', upto - j->counted);

		if (!nl) {
			j->counted = upto;
			break;
		}
		j->line++;
		j->counted = (size_t)(nl - j->chunk) + 1;
	}
	return j->line + 1;
}

/* ---- capture: compact JSON like JSON.stringify ---- */

static int inside(const struct json *j)
{
	return j->capture && j->depth > j->capture_depth;
}

static void cap_string(struct buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		const char *e = NULL;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, p + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		}
		if (e) {
			buf_adds(b, e);
		} else {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			buf_add(b, u, 6);
		}
	}
	buf_add(b, p + run, n - run);
	buf_addc(b, '"');
}

/* Before a value at the current depth: the separator inside an array. */
static void cap_sep(struct json *j)
{
	if (inside(j) && j->lv[j->depth - 1].type == JSON_ARRAY && j->lv[j->depth - 1].count > 0)
		buf_addc(j->capture, ',');
}

static void cap_scalar(struct json *j, enum json_type t, const char *p, size_t n)
{
	struct buf *b = j->capture;

	switch (t) {
	case JSON_NULL: buf_adds(b, "null"); break;
	case JSON_FALSE: buf_adds(b, "false"); break;
	case JSON_TRUE: buf_adds(b, "true"); break;
	case JSON_NUMBER: buf_add(b, p, n); break;
	case JSON_STRING: cap_string(b, p, n); break;
	default: break;
	}
}

/* ---- yajl callbacks ---- */

static inline void advance(struct json *j)
{
	struct json_level *l = j->top;

	l->count++;
	l->index += l->type == JSON_ARRAY;
}

/* scalar() inside a capture. */
static __attribute__((noinline)) int scalar_inside(struct json *j, enum json_type t, const char *p,
						   size_t n)
{
	int in = inside(j), ok;

	if (in) {
		cap_sep(j);
		cap_scalar(j, t, p, n);
	}
	ok = j->h->value(j, t, p, n);
	if (!in && j->capture && j->capture_depth == j->depth) {
		/* json_capture() was called for this scalar */
		cap_scalar(j, t, p, n);
		j->capture = NULL;
	}
	advance(j);
	return ok;
}

/* scalar() after json_capture() was called for the scalar (j->scalar). */
static __attribute__((noinline)) int scalar_captured(struct json *j, int ok)
{
	cap_scalar(j, j->scalar_t, j->scalar_p, j->scalar_n);
	j->capture = NULL;
	advance(j);
	return ok;
}

static inline int scalar(struct json *j, enum json_type t, const char *p, size_t n)
{
	int ok;

	j->tokens++;
	if (j->capture)
		return scalar_inside(j, t, p, n);
	/* the common case, in short: the scalar is kept in j, not across the
	 * call, for the rare json_capture() of it */
	j->scalar_t = t;
	j->scalar_p = p;
	j->scalar_n = n;
	ok = j->h->value(j, t, p, n);
	if (j->capture)
		return scalar_captured(j, ok);
	advance(j);
	return ok;
}

static int cb_null(void *ctx)
{
	return scalar(ctx, JSON_NULL, "null", 4);
}

static int cb_boolean(void *ctx, int v)
{
	return v ? scalar(ctx, JSON_TRUE, "true", 4) : scalar(ctx, JSON_FALSE, "false", 5);
}

static int cb_number(void *ctx, const char *p, size_t n)
{
	return scalar(ctx, JSON_NUMBER, p, n);
}

static int cb_string(void *ctx, const unsigned char *p, size_t n)
{
	return scalar(ctx, JSON_STRING, (const char *)p, n);
}

static int start(struct json *j, enum json_type t)
{
	int in = inside(j), ok;
	struct json_level *l;

	j->tokens++;
	if (in)
		cap_sep(j);
	ok = j->h->value(j, t, NULL, 0);
	if (in || (j->capture && j->capture_depth == j->depth))
		buf_addc(j->capture, t == JSON_MAP ? '{' : '[');
	if (j->depth >= j->cap)
		fp_grow(&j->lv, &j->cap, j->depth + 1, sizeof *j->lv);
	l = &j->lv[j->depth++];
	memset(l, 0, sizeof *l);
	l->type = (unsigned char)t;
	l->key_off = j->keys.len;
	if (j->keys.cap - j->keys.len < 16)	/* room for a short key: cb_map_key() */
		buf_reserve(&j->keys, 16);
	j->top = l;
	return ok;
}

static int finish(struct json *j, enum json_type t)
{
	int ok;

	j->tokens++;
	j->depth--;
	j->keys.len = j->lv[j->depth].key_off;
	j->top = j->depth ? &j->lv[j->depth - 1] : &j->outside;
	if (j->capture && j->depth >= j->capture_depth) {
		buf_addc(j->capture, t == JSON_MAP ? '}' : ']');
		if (j->depth == j->capture_depth)
			j->capture = NULL;
	}
	ok = j->h->end(j, t);
	advance(j);
	return ok;
}

static int cb_start_map(void *ctx)
{
	return start(ctx, JSON_MAP);
}

static int cb_end_map(void *ctx)
{
	return finish(ctx, JSON_MAP);
}

static int cb_start_array(void *ctx)
{
	return start(ctx, JSON_ARRAY);
}

static int cb_end_array(void *ctx)
{
	return finish(ctx, JSON_ARRAY);
}

/* cb_map_key() for a key captured, empty (keys.p may be NULL), long, or
 * that needs more room. */
static __attribute__((noinline)) int key_slow(struct json *j, struct json_level *l, const char *p,
					      size_t n)
{
	if (j->capture && j->depth - 1 >= j->capture_depth) {
		if (l->count > 0)
			buf_addc(j->capture, ',');
		cap_string(j->capture, p, n);
		buf_addc(j->capture, ':');
	}
	j->keys.len = l->key_off;
	buf_add(&j->keys, p, n);
	l->key_len = n;
	l->key_word = n - 1 < 7 ? json_word(p, n) | (uint64_t)n << 56 : 0;
	return 1;
}

static int cb_map_key(void *ctx, const unsigned char *p, size_t n)
{
	struct json *j = ctx;
	struct json_level *l = j->top;
	char *d;

	j->tokens++;
	if (j->capture || n - 1 >= 16)
		return key_slow(j, l, (const char *)p, n);
	/* the common case, a short key (start() left room for 16 bytes) */
	d = j->keys.p + l->key_off;
	j->keys.len = l->key_off + n;
	l->key_len = n;
	if (n < 8) {
		uint64_t w = json_word(p, n);

#ifdef BYTES_LE_WORDS
		memcpy(d, &w, 8);	/* the key and zeros */
#else
		bytes_copy(d, p, n);
#endif
		l->key_word = w | (uint64_t)n << 56;
	} else {
		memcpy(d, p, 8);
		memcpy(d + n - 8, p + n - 8, 8);
		l->key_word = 0;
	}
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array,
};

void json_init(struct json *j, const struct json_handler *h, void *ctx)
{
	memset(j, 0, sizeof *j);
	j->h = h;
	j->ctx = ctx;
	j->top = &j->outside;
	j->yajl = yajl_alloc(&callbacks, NULL, j);
	if (!j->yajl)
		fp_die("out of memory");
	yajl_config(j->yajl, yajl_allow_partial_values, 1);
	yajl_config(j->yajl, yajl_dont_validate_strings, 1);
}

void json_free(struct json *j)
{
	if (j->yajl)
		yajl_free(j->yajl);
	free(j->lv);
	buf_free(&j->keys);
	memset(j, 0, sizeof *j);
}

void json_capture(struct json *j, struct buf *b)
{
	j->capture = b;
	j->capture_depth = j->depth;
}

static enum json_result report(struct json *j, yajl_status st, const char *name)
{
	unsigned char *msg;
	size_t n;

	if (st == yajl_status_ok)
		return JSON_OK;
	if (st == yajl_status_client_canceled)
		return JSON_STOPPED;
	msg = yajl_get_error(j->yajl, 0, NULL, 0);
	n = strlen((char *)msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	fp_warn("%s:%llu: invalid JSON: %.*s", name, (unsigned long long)json_line(j), (int)n,
		(char *)msg);
	yajl_free_error(j->yajl, msg);
	return JSON_INVALID;
}

/* The newlines in p[0..n): 16 bytes at a time where the compiler has
 * vectors (one counter per byte lane, summed before it can wrap), the
 * rest one by one. */
static uint64_t count_newlines(const char *p, size_t n)
{
	uint64_t c = 0;
	size_t i = 0;
#if defined(__GNUC__)
	typedef unsigned char v16 __attribute__((vector_size(16)));

	while (n - i >= 16) {
		v16 acc = { 0 };
		size_t k, m = (n - i) / 16 < 255 ? (n - i) / 16 : 255;

		for (k = 0; k < m; k++, i += 16) {
			v16 v;

			memcpy(&v, p + i, 16);
			acc -= (v16)(v == '\n');	/* -1 in the lanes that match */
		}
		for (k = 0; k < 16; k++)
			c += acc[k];
	}
#endif
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

enum json_result json_feed(struct json *j, const char *p, size_t n, int final, const char *name)
{
	yajl_status st = yajl_status_ok;
	enum json_result r;

	if (n > 0) {
		j->chunk = (const unsigned char *)p;
		j->counted = 0;
		st = yajl_parse(j->yajl, (const unsigned char *)p, n);
		if (st != yajl_status_ok) {
			r = report(j, st, name);
			j->chunk = NULL;
			return r;
		}
		/* the newlines after those json_line() counted during the parse */
		j->line += count_newlines(p + j->counted, n - j->counted);
		j->chunk = NULL;
	}
	if (!final)
		return JSON_OK;
	st = yajl_complete_parse(j->yajl);
	r = report(j, st, name);
	if (r == JSON_OK && j->depth > 0)
		return JSON_TRUNCATED;
	return r;
}

/*
 * Plain input is read in blocks through the struct's descriptor (after
 * what input_open buffered for its sniffing), so a one-line document needs
 * no line buffer; compressed input goes through input_getline(), which
 * buffers one line (a single-line compressed document is held whole).
 *
 * yajl's lexer keeps a token that spans blocks and lexes it again from its
 * start when the next block comes: with fixed blocks a string of n bytes
 * would cost n^2 / CHUNK. So while a block completes no token, the next
 * one is twice as large (the token is held whole by yajl anyway), and the
 * size goes back to CHUNK once a token completes: linear time.
 */
static enum json_result feed_blocks(struct json *j, struct input *in)
{
	enum json_result r = JSON_OK;
	size_t size = CHUNK;
	char *blk = fp_malloc(size);

	while (!in->eof) {
		uint64_t before = j->tokens;
		ssize_t got = input_read(in, blk, size);

		if (got < 0) {
			r = JSON_READ_ERROR;
			break;
		}
		if (got == 0)
			break;
		r = json_feed(j, blk, (size_t)got, 0, in->name);
		if (r != JSON_OK)
			break;
		if (j->tokens == before && (size_t)got == size && size < ((size_t)1 << 30))
			size *= 2;
		else if (j->tokens != before && size > CHUNK)
			size = CHUNK;
		else
			continue;
		free(blk);
		blk = fp_malloc(size);
	}
	free(blk);
	return r;
}

enum json_result json_parse_input(struct json *j, struct input *in)
{
	enum json_result r;

	if (in->codec == INPUT_PLAIN) {
		if (in->end > in->start) {
			r = json_feed(j, in->buf + in->start, in->end - in->start, 0, in->name);
			if (r != JSON_OK)
				return r;
		}
		in->start = in->end = 0;
		r = feed_blocks(j, in);
		if (r != JSON_OK)
			return r;
	} else {
		char *line;
		size_t len;
		int k;

		while ((k = input_getline(in, &line, &len)) > 0) {
			r = json_feed(j, line, len, 0, in->name);
			if (r == JSON_OK)
				r = json_feed(j, "\n", 1, 0, in->name);
			if (r != JSON_OK)
				return r;
		}
		if (k < 0)
			return JSON_READ_ERROR;
	}
	return json_feed(j, NULL, 0, 1, in->name);
}

/* ---- exact decimal numbers ---- */

/* The common case, -?D+(.D+)? with at most 18 digits kept and a scale of
 * 0..9, in one pass; 1 if done, 0 for json_decimal_general() to decide.
 * The digits kept fit in 18 decimal places, so x cannot overflow. */
static int decimal_simple(const char *p, size_t n, int scale, int64_t *v)
{
	const char *end = p + n;
	uint64_t x = 0;
	int neg = 0, kept = 0, frac = 0;

	if ((unsigned)scale > 9 || n == 0)
		return 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p == end || (unsigned)(*p - '0') > 9)
		return 0;
	while (p < end && (unsigned)(*p - '0') <= 9 && kept < 18) {
		x = x * 10 + (unsigned)(*p++ - '0');
		kept++;
	}
	if (p < end && *p == '.') {
		if (++p == end)
			return 0;
		while (p < end && (unsigned)(*p - '0') <= 9 && frac < scale && kept < 18) {
			x = x * 10 + (unsigned)(*p++ - '0');
			kept++;
			frac++;
		}
		if (frac < scale && p < end)
			return 0;	/* more digits than 18 */
		if (p < end) {	/* the rounding digit, then digits only */
			int up = *p >= '5';
			const char *q;

			for (q = p; q < end; q++)
				if ((unsigned)(*q - '0') > 9)
					return 0;
			x += (uint64_t)(up && (unsigned)(*p - '0') <= 9);
			p = end;
		}
	}
	if (p != end)
		return 0;	/* an exponent, or too many digits */
	for (; frac < scale; frac++) {
		if (kept++ >= 18)
			return 0;
		x *= 10;
	}
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 1;
}

int json_decimal(const char *p, size_t n, int scale, int64_t *v)
{
	return decimal_simple(p, n, scale, v) ? 0 : json_decimal_general(p, n, scale, v);
}

int json_decimal_general(const char *p, size_t n, int scale, int64_t *v)
{
	const char *end = p + n, *digits, *dot = NULL;
	int neg = 0, intdig = 0, ndig = 0;
	long e = 0;
	long k;
	uint64_t x = 0;
	int i;
	char d[64];	/* significant digits kept; more only affect rounding */
	int kept = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	digits = p;
	while (p < end && ((*p >= '0' && *p <= '9') || (*p == '.' && !dot))) {
		if (*p == '.') {
			dot = p;
		} else {
			if (!dot)
				intdig++;
			if (ndig == 0 && *p == '0') {
				intdig--;	/* a leading zero only moves the point */
			} else {
				if (kept < (int)sizeof d)
					d[kept++] = *p;
				ndig++;
			}
		}
		p++;
	}
	if (p == digits || dot == digits)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end)
			return -1;
		while (p < end && *p >= '0' && *p <= '9') {
			if (e < 100000)
				e = e * 10 + (*p - '0');
			p++;
		}
		if (eneg)
			e = -e;
	}
	if (p != end)
		return -1;
	/* value = 0.d[0..kept) x 10^(intdig + e + scale) */
	k = intdig + e + scale;
	if (k > 19 + (long)kept)
		return ndig == 0 ? (*v = 0, 0) : -1;
	for (i = 0; i < kept && i < k; i++) {
		unsigned dd = (unsigned)(d[i] - '0');

		if (x > (UINT64_MAX - dd) / 10)
			return -1;
		x = x * 10 + dd;
	}
	for (; i < k; i++) {
		if (x > UINT64_MAX / 10)
			return -1;
		x *= 10;
	}
	/* rounding digit */
	if (k >= 0 && k < kept && d[k] >= '5')
		x++;
	if (x > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}
