/* pbwire.c - a small protobuf wire-format reader (slices and streams) */
#include <string.h>

#include "input.h"
#include "pbwire.h"

/* The field at r (tag and value); the caller has the whole field in r
 * unless it is truncated. */
int pbw_next_slow(struct pbw *r, struct pbw_field *f)
{
	uint64_t tag;

	if (r->p == r->end)
		return 0;
	if (pbw_varint(r, &tag) < 0 || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX)
		return -1;
	f->num = (uint32_t)(tag >> 3);
	f->wt = (int)(tag & 7);
	return pbw_next_value(r, f);
}

/* The value of the field f (its tag read) at r. */
int pbw_next_value(struct pbw *r, struct pbw_field *f)
{
	uint64_t n;

	switch (f->wt) {
	case PBW_VARINT:
		return pbw_varint(r, &f->v) < 0 ? -1 : 1;
	case PBW_I64:
	case PBW_I32:
		n = f->wt == PBW_I64 ? 8 : 4;
		if ((uint64_t)(r->end - r->p) < n)
			return -1;
		f->v = 0;
		memcpy(&f->v, r->p, n);	/* little-endian hosts (as protobuf-c's) */
		r->p += n;
		return 1;
	case PBW_LEN:
		if (pbw_varint(r, &n) < 0 || n > (uint64_t)(r->end - r->p))
			return -1;
		f->p = r->p;
		f->n = (size_t)n;
		r->p += n;
		return 1;
	default:
		return -1;	/* groups, wire types 6 and 7 */
	}
}

int pbw_next_pbc(struct pbw *r, struct pbw_field *f)
{
	const uint8_t *p = r->p;
	size_t left = (size_t)(r->end - p), max, i;
	uint32_t tag;
	uint64_t n = 0;
	unsigned shift;

	if (p == r->end)
		return 0;
	if ((p[0] & 0xf8) == 0)
		return -1;
	f->wt = p[0] & 7;
	tag = (uint32_t)(p[0] & 0x7f) >> 3;
	i = 1;
	if (p[0] & 0x80) {	/* protobuf-c's parse_tag_and_wiretype */
		max = left < 5 ? left : 5;
		for (shift = 4; i < max && (p[i] & 0x80); i++, shift += 7)
			tag |= (uint32_t)(p[i] & 0x7f) << shift;
		if (i == max)
			return -1;
		tag |= (uint32_t)p[i++] << shift;
	}
	f->num = tag;
	r->p = p + i;
	if (f->wt != PBW_LEN)
		return f->wt == PBW_VARINT || f->wt == PBW_I64 || f->wt == PBW_I32 ?
			pbw_next_value(r, f) : -1;
	/* protobuf-c's scan_length_prefixed_data: at most 5 bytes */
	p = r->p;
	left = (size_t)(r->end - p);
	max = left < 5 ? left : 5;
	for (i = 0, shift = 0; i < max; i++, shift += 7) {
		n |= (uint64_t)(p[i] & 0x7f) << shift;
		if (!(p[i] & 0x80))
			break;
	}
	if (i == max || n > left - (i + 1))
		return -1;
	f->p = p + i + 1;
	f->n = (size_t)n;
	r->p = f->p + n;
	return 1;
}

/* One element of a packed run [*p, end) of wire type wt into *v: 0, or
 * -1 when the run ends inside it (protobuf-c: "invalid packed data"). */
static int packed_elem(const uint8_t **p, const uint8_t *end, int wt, uint64_t *v)
{
	struct pbw r;

	if (wt == PBW_I64) {
		if (end - *p < 8)
			return -1;
		memcpy(v, *p, 8);
		*p += 8;
		return 0;
	}
	pbw_init(&r, *p, (size_t)(end - *p));
	if (pbw_varint(&r, v) < 0)
		return -1;
	*p = r.p;
	return 0;
}

/* The number of varints of the packed run [p, p + n), or -1 if one is
 * cut by its end or longer than 10 bytes: a count of the bytes that end
 * one (high bit clear), 8 at a time, checking the runs of bytes that do
 * not (at most 9 in a row). */
static int64_t packed_varints(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	int64_t count = 0;
	unsigned run = 0;	/* bytes without an end before p */
	uint64_t v;

	if (n > 0 && end[-1] & 0x80)
		return -1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
	for (; end - p >= 8; p += 8) {
		uint64_t w, t;

		memcpy(&w, p, 8);
		t = ~w & 0x8080808080808080ULL;
		if (!t)
			break;	/* 8 bytes without an end: the exact loop below */
		if (run + ((unsigned)__builtin_ctzll(t) >> 3) > 9)
			return -1;
		run = (unsigned)__builtin_clzll(t) >> 3;
		count += (int64_t)(((t >> 7) * 0x0101010101010101ULL) >> 56);
	}
#endif
	for (; p < end; count++) {	/* the rest: one varint at a time */
		if (run) {	/* the end of the varint begun before p */
			while (p < end && (*p & 0x80) && ++run <= 9)
				p++;
			if (p == end || run > 9)
				return -1;
			p++;
			run = 0;
			continue;
		}
		if (packed_elem(&p, end, PBW_VARINT, &v) < 0)
			return -1;
	}
	return count;
}

int64_t pbw_rep_check(const void *p, size_t n, uint32_t num, int wt)
{
	struct pbw r;
	struct pbw_field f;
	int64_t count = 0, c;
	int k;

	pbw_init(&r, p, n);
	while ((k = pbw_next_pbc(&r, &f)) > 0) {
		if (f.num != num)
			continue;
		if (f.wt == wt) {
			count++;
			continue;
		}
		if (f.wt != PBW_LEN)
			return -1;
		if (wt == PBW_I64) {
			if (f.n % 8)
				return -1;
			count += (int64_t)(f.n / 8);
			continue;
		}
		if ((c = packed_varints(f.p, f.n)) < 0)
			return -1;
		count += c;
	}
	return k < 0 ? -1 : count;
}

void pbw_rep_init(struct pbw_rep *c, const void *p, size_t n, uint32_t num, int wt)
{
	pbw_init(&c->top, p, n);
	c->p = c->end = NULL;
	c->num = num;
	c->wt = wt;
}

int pbw_rep_next_slow(struct pbw_rep *c, uint64_t *v)
{
	struct pbw_field f;

	for (;;) {
		if (c->p < c->end)
			return packed_elem(&c->p, c->end, c->wt, v) < 0 ? 0 : 1;
		if (pbw_next_pbc(&c->top, &f) <= 0)
			return 0;
		if (f.num != c->num)
			continue;
		if (f.wt == PBW_LEN) {
			c->p = f.p;
			c->end = f.p + f.n;
		} else if (f.wt == c->wt) {
			*v = f.v;
			return 1;
		}
	}
}

void pbw_stream_init(struct pbw_stream *s, struct input *in)
{
	memset(s, 0, sizeof *s);
	s->in = in;
}

void pbw_stream_free(struct pbw_stream *s)
{
	buf_free(&s->b);
}

/* At least want bytes at s->pos, or all there is left: 0, or -2 on a read
 * error. */
static int fill(struct pbw_stream *s, size_t want)
{
	while (!s->eof && s->b.len - s->pos < want) {
		const char *p;
		size_t n;
		int r = input_block(s->in, &p, &n);

		if (r < 0)
			return -2;
		if (r == 0) {
			s->eof = 1;
			break;
		}
		if (s->pos > 0) {	/* keep only what is not returned */
			memmove(s->b.p, s->b.p + s->pos, s->b.len - s->pos);
			s->b.len -= s->pos;
			s->pos = 0;
		}
		buf_add(&s->b, p, n);
	}
	return 0;
}

/* pbw_stream_next() past its common case (pbwire.h). */
int pbw_stream_next_slow(struct pbw_stream *s, struct pbw_field *f)
{
	struct pbw r;
	uint64_t tag, n;
	size_t head;

	/* the tag and a length (or a value) take at most 20 bytes */
	if (fill(s, 20) < 0)
		return -2;
	if (s->pos == s->b.len)
		return 0;
	pbw_init(&r, s->b.p + s->pos, s->b.len - s->pos);
	if (pbw_varint(&r, &tag) < 0 || (tag & 7) != PBW_LEN) {
		/* a field without a length: whole within the 20 bytes */
		r.p = (const uint8_t *)s->b.p + s->pos;
		if (pbw_next(&r, f) <= 0)
			return -1;
		s->pos = (size_t)((const char *)r.p - s->b.p);
		return 1;
	}
	if ((tag >> 3) == 0 || (tag >> 3) > UINT32_MAX || pbw_varint(&r, &n) < 0)
		return -1;
	head = (size_t)((const char *)r.p - (s->b.p + s->pos));
	if (n > SIZE_MAX - head)
		return -1;
	if (fill(s, head + (size_t)n) < 0)
		return -2;
	if (s->b.len - s->pos < head + (size_t)n)
		return -1;	/* truncated */
	f->num = (uint32_t)(tag >> 3);
	f->wt = PBW_LEN;
	f->p = (const uint8_t *)s->b.p + s->pos + head;
	f->n = (size_t)n;
	s->pos += head + (size_t)n;
	return 1;
}
