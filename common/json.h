/* json.h - streaming JSON input on top of yajl 2: key paths, raw numbers */
#ifndef FP_JSON_H
#define FP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "bytes.h"
#include "events.h"
#include "input.h"

/*
 * A json parser walks a document with yajl and calls one function per
 * value, telling where the value is: the stack of open containers with,
 * for each, the current key (objects) or index (arrays). Nothing of the
 * document is kept but that path, so memory is bounded by the nesting
 * depth and the longest key.
 *
 * Numbers arrive as their raw text (yajl_number), never as doubles, so the
 * caller converts them exactly (json_decimal). Truncated documents (a
 * tracer killed mid-write) are accepted: the values completed before the
 * end have been delivered; the caller looks at json_parse_input()'s result
 * and j->depth to tell a cut document from a complete one.
 *
 * Slices passed to the callbacks are valid only during the call.
 */

enum json_type {
	JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_MAP, JSON_ARRAY
};

struct json_level {
	unsigned char type;	/* JSON_MAP or JSON_ARRAY */
	size_t key_off, key_len;	/* JSON_MAP: the current key in json.keys */
	uint64_t key_word;	/* JSON_MAP: the current key as JSON_KW() gives it
				 * if it has 1 to 7 bytes, else 0 */
	uint64_t index;		/* JSON_ARRAY: index of the current element */
	uint64_t count;		/* values seen so far at this level */
};

/*
 * A key of 1 to 7 bytes as one word: its bytes from the low byte up, its
 * length in the high byte; equal words, equal keys. A dispatch on keys is
 * a switch on lv[d].key_word with JSON_KW2('p', 'h')... as its cases.
 */
#define JSON_KC(c, i) ((uint64_t)(unsigned char)(c) << (8 * (i)))
#define JSON_KW1(a) ((uint64_t)1 << 56 | JSON_KC(a, 0))
#define JSON_KW2(a, b) ((uint64_t)2 << 56 | JSON_KC(a, 0) | JSON_KC(b, 1))
#define JSON_KW3(a, b, c) ((uint64_t)3 << 56 | JSON_KC(a, 0) | JSON_KC(b, 1) | JSON_KC(c, 2))
#define JSON_KW4(a, b, c, d) \
	((uint64_t)4 << 56 | JSON_KC(a, 0) | JSON_KC(b, 1) | JSON_KC(c, 2) | JSON_KC(d, 3))
#define JSON_KW5(a, b, c, d, e) ((uint64_t)5 << 56 | JSON_KC(a, 0) | JSON_KC(b, 1) | \
				 JSON_KC(c, 2) | JSON_KC(d, 3) | JSON_KC(e, 4))
#define JSON_KW6(a, b, c, d, e, f) ((uint64_t)6 << 56 | JSON_KC(a, 0) | JSON_KC(b, 1) | \
				    JSON_KC(c, 2) | JSON_KC(d, 3) | JSON_KC(e, 4) | JSON_KC(f, 5))
#define JSON_KW7(a, b, c, d, e, f, g) \
	((uint64_t)7 << 56 | JSON_KC(a, 0) | JSON_KC(b, 1) | JSON_KC(c, 2) | JSON_KC(d, 3) | \
	 JSON_KC(e, 4) | JSON_KC(f, 5) | JSON_KC(g, 6))

/* The 1 to 7 bytes at p as a little-endian word (JSON_KW() without the
 * length): bytes_load() with fewer steps for the 1 to 3 bytes of most keys. */
static inline uint64_t json_word(const void *p, size_t n)
{
#ifdef BYTES_LE_WORDS
	const unsigned char *s = p;

	if (n < 4) {
		uint16_t h;

		if (n == 1)
			return s[0];
		memcpy(&h, s, 2);	/* and the last byte (again, of 2) */
		return h | (uint64_t)s[n - 1] << (8 * (n - 1));
	}
#endif
	return bytes_load(p, n);
}

struct json;

/*
 * value: a scalar (p, n is its text: string contents unescaped, a number's
 * raw text) or the start of a container (JSON_MAP/JSON_ARRAY, p NULL).
 * end: the end of a container. In both, j->depth counts the containers
 * that enclose the value, so the value's own key is json_key(j, depth - 1)
 * and the start and end of a container see the same path. Return 0 to
 * stop parsing (json_parse_input() then returns JSON_STOPPED).
 */
struct json_handler {
	int (*value)(struct json *j, enum json_type t, const char *p, size_t n);
	int (*end)(struct json *j, enum json_type t);
};

struct json {
	void *yajl;
	const struct json_handler *h;
	void *ctx;		/* free for the user */
	struct json_level *lv;	/* lv[0..depth): the open containers */
	size_t depth, cap;
	/* &lv[depth - 1], or &outside at depth 0 (what each value advances) */
	struct json_level *top, outside;
	struct buf keys;
	struct buf *capture;	/* see json_capture() */
	enum json_type scalar_t;	/* the scalar being delivered */
	const char *scalar_p;
	size_t scalar_n;
	size_t capture_depth;
	/* line numbers: newlines before the current chunk's counted part */
	uint64_t line;
	const unsigned char *chunk;
	size_t counted;
	/* tokens completed so far (every callback): json_parse_input() reads
	 * a twice larger block while one token spans blocks */
	uint64_t tokens;
};

enum json_result {
	JSON_OK,		/* a complete document */
	JSON_TRUNCATED,		/* the input ended inside the document */
	JSON_INVALID,		/* a syntax error (reported) */
	JSON_STOPPED,		/* a callback returned 0 */
	JSON_READ_ERROR,	/* reading the input failed (reported) */
};

void json_init(struct json *j, const struct json_handler *h, void *ctx);
void json_free(struct json *j);
/* Parse the whole of in, chunk by chunk. Syntax errors are reported as
 * "PROG: FILE:LINE: invalid JSON: ...". */
enum json_result json_parse_input(struct json *j, struct input *in);
/* Feed bytes directly (tests, other sources); final = 1 ends the document. */
enum json_result json_feed(struct json *j, const char *p, size_t n, int final, const char *name);

/* The current key of the object at level d (empty slice if not an object). */
static inline struct slice json_key(const struct json *j, size_t d)
{
	struct slice s = { 0, 0 };

	if (d < j->depth && j->lv[d].type == JSON_MAP && j->lv[d].key_len > 0) {
		s.p = j->keys.p + j->lv[d].key_off;
		s.n = j->lv[d].key_len;
	}
	return s;
}
/* Is the current key at level d equal to the NUL-terminated k? */
int json_key_is(const struct json *j, size_t d, const char *k);
/* The 1-based line of the parser's position (the end of the current token). */
uint64_t json_line(struct json *j);

/*
 * Called from the value callback: append the value being started (a
 * scalar or a whole container) to b as compact JSON, the way JavaScript's
 * JSON.stringify writes it (keys in document order, no spaces; numbers
 * keep their text). Callbacks keep firing inside the captured value.
 */
void json_capture(struct json *j, struct buf *b);

/*
 * Exact decimal conversion: the number text p[0..n) ("-12.5", "1e3",
 * "0.0015") times 10^scale, rounded half away from zero, into *v.
 * Returns 0, or -1 if the text is not a JSON number or the result does
 * not fit in int64. Example: json_decimal("1234523.3", 9, 3, &ns) gives
 * 1234523300 (microseconds to nanoseconds).
 */
int json_decimal(const char *p, size_t n, int scale, int64_t *v);
/* The same without the fast path for plain numbers (tests compare them). */
int json_decimal_general(const char *p, size_t n, int scale, int64_t *v);

#endif
