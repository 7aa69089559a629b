/* pbwire.h - a small protobuf wire-format reader: fields of a message in
 * memory (a slice), or the top-level fields of a message streamed from an
 * input (input.h: files or stdin, gzip/zstd), one field at a time.
 *
 * Only the wire format: varints, fixed 32/64, length-delimited slices;
 * groups (wire types 3, 4), wire types 6 and 7, field number 0, varints
 * longer than 10 bytes and lengths beyond the message are errors, as in
 * protobuf-c. Sub-messages are decoded by the caller (protobuf-c's
 * *__unpack on the slice, or this reader again).
 */
#ifndef FP_PBWIRE_H
#define FP_PBWIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

struct input;

enum { PBW_VARINT = 0, PBW_I64 = 1, PBW_LEN = 2, PBW_I32 = 5 };

struct pbw_field {
	uint32_t num;		/* field number */
	int wt;			/* wire type: PBW_* */
	uint64_t v;		/* PBW_VARINT, PBW_I64, PBW_I32: the value */
	const uint8_t *p;	/* PBW_LEN: the bytes, valid until the next */
	size_t n;		/* call on the stream (a slice: its lifetime) */
};

/* The fields of the bytes [p, end). */
struct pbw {
	const uint8_t *p, *end;
};

static inline void pbw_init(struct pbw *r, const void *p, size_t n)
{
	r->p = p;
	r->end = r->p + n;
}

/* A varint: 0 with *v set, -1 if unterminated (at the end, or 10 bytes). */
static inline int pbw_varint(struct pbw *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;

	while (r->p < r->end) {
		uint8_t b = *r->p++;

		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
		if ((shift += 7) >= 70)
			return -1;
	}
	return -1;
}

int pbw_next_slow(struct pbw *r, struct pbw_field *f);
int pbw_next_value(struct pbw *r, struct pbw_field *f);	/* after the tag */

/* The next field: 1 with *f set, 0 at the end, -1 if malformed. The
 * common case inline: a one-byte tag of a one-byte varint. */
static inline int pbw_next(struct pbw *r, struct pbw_field *f)
{
	if (r->end - r->p >= 2 && r->p[0] < 0x80 && (r->p[0] & 7) == PBW_VARINT &&
	    r->p[0] >= 8 && r->p[1] < 0x80) {
		f->num = r->p[0] >> 3;
		f->wt = PBW_VARINT;
		f->v = r->p[1];
		r->p += 2;
		return 1;
	}
	return pbw_next_slow(r, f);
}

/* The next field as protobuf-c's unpack reads the fields of a message it
 * decodes (pbw_next is laxer on these): a tag of at most 5 bytes, 0 only
 * refused in one byte (a longer encoding of 0 is an unknown field 0); a
 * length of at most 5 bytes. 1 with *f set, 0 at the end, -1 where
 * protobuf-c refuses the message. */
int pbw_next_pbc(struct pbw *r, struct pbw_field *f);

/* The elements of a repeated scalar field of a message in memory, read in
 * place (no array is made): in the order protobuf-c would store them,
 * from every occurrence of the field, packed (PBW_LEN) or not. wt is the
 * element's wire type: PBW_VARINT (an int or enum field; the value is the
 * varint's 64 bits, a uint32 field takes the low 32 as protobuf-c does)
 * or PBW_I64 (double, fixed64; the value's bits). pbw_rep_check() is the
 * pass that must come first: it counts the elements and refuses what
 * protobuf-c's unpack refuses in such a field. */
struct pbw_rep {
	struct pbw top;		/* the message's fields not yet looked at */
	const uint8_t *p, *end;	/* the rest of the packed run being read */
	uint32_t num;
	int wt;
};

/* The number of elements of field num in the message [p, p + n); -1 if
 * an occurrence is malformed: a packed run cut in a varint or of a length
 * that is not a multiple of 8, a wire type that is neither PBW_LEN nor wt,
 * or a malformed message (pbw_next_pbc). */
int64_t pbw_rep_check(const void *p, size_t n, uint32_t num, int wt);
void pbw_rep_init(struct pbw_rep *c, const void *p, size_t n, uint32_t num, int wt);
int pbw_rep_next_slow(struct pbw_rep *c, uint64_t *v);

/* The next element: 1 with *v set, 0 after the last. The message passed
 * pbw_rep_check(): a packed run ends with a whole element. The _varint and
 * _i64 forms are pbw_rep_next() for a cursor of that wire type. */
static inline int pbw_rep_next_varint(struct pbw_rep *c, uint64_t *v)
{
	const uint8_t *q = c->p;

	if (c->end - q >= 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
		uint64_t w, t, x;
		unsigned len;

		if (q[0] < 0x80) {
			*v = q[0];
			c->p = q + 1;
			return 1;
		}
		memcpy(&w, q, 8);
		t = ~w & 0x8080808080808080ULL;	/* the bytes that end a varint */
		if (t) {
			len = (unsigned)__builtin_ctzll(t) + 1;	/* bits, to its end */
			x = len == 64 ? w : w & ((UINT64_C(1) << len) - 1);
			/* the 7-bit groups together: pairs, quads, then the two halves */
			x = (x & 0x007f007f007f007fULL) | (x & 0x7f007f007f007f00ULL) >> 1;
			x = (x & 0x00003fff00003fffULL) | (x & 0x3fff00003fff0000ULL) >> 2;
			x = (x & 0x000000000fffffffULL) | (x & 0x0fffffff00000000ULL) >> 4;
			*v = x;
			c->p = q + len / 8;
			return 1;
		}
#endif
	}
	return pbw_rep_next_slow(c, v);
}

static inline int pbw_rep_next_i64(struct pbw_rep *c, uint64_t *v)
{
	if (c->p < c->end) {
		memcpy(v, c->p, 8);	/* little-endian hosts */
		c->p += 8;
		return 1;
	}
	return pbw_rep_next_slow(c, v);
}

static inline int pbw_rep_next(struct pbw_rep *c, uint64_t *v)
{
	return c->wt == PBW_I64 ? pbw_rep_next_i64(c, v) : pbw_rep_next_varint(c, v);
}

/* The top-level fields of a message read from an input: a field is
 * gathered whole (a length-delimited one too) before it is returned, so
 * memory is the largest field, not the message. */
struct pbw_stream {
	struct input *in;
	struct buf b;		/* [pos, b.len) read, not yet returned */
	size_t pos;
	int eof;
};

void pbw_stream_init(struct pbw_stream *s, struct input *in);
int pbw_stream_next_slow(struct pbw_stream *s, struct pbw_field *f);
/* The next field: 1 with *f set (f->p valid until the next call), 0 at the
 * end of the input, -1 if malformed or truncated, -2 on a read or
 * decompression error (reported by input.h). Inline: the common case,
 * read already, a one-byte tag and a one-byte length (a profile's
 * samples, strings). */
static inline int pbw_stream_next(struct pbw_stream *s, struct pbw_field *f)
{
	size_t left = s->b.len - s->pos;
	const uint8_t *q;

	if (left < 2)	/* (b.p may be NULL) */
		return pbw_stream_next_slow(s, f);
	q = (const uint8_t *)s->b.p + s->pos;
	if (((q[0] | q[1] << 8) & 0x8087) == PBW_LEN && q[0] >= 8 && q[1] <= left - 2) {
		f->num = q[0] >> 3;
		f->wt = PBW_LEN;
		f->p = q + 2;
		f->n = q[1];
		s->pos += 2 + (size_t)q[1];
		return 1;
	}
	return pbw_stream_next_slow(s, f);
}
void pbw_stream_free(struct pbw_stream *s);

#endif
