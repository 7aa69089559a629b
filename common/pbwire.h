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
