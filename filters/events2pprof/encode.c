/* encode.c - the protobuf wire format into a struct buf */
#include "../../common/out.h"
#include "pp.h"

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

void pb_varint(struct buf *b, uint64_t v)
{
	char tmp[10];
	size_t n = 0;

	while (v >= 0x80) {
		tmp[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (char)v;
	buf_add(b, tmp, n);
}

void pb_uint(struct buf *b, unsigned field, uint64_t v)
{
	if (v == 0)
		return;
	pb_varint(b, (uint64_t)field << 3 | WIRE_VARINT);
	pb_varint(b, v);
}

void pb_bytes(struct buf *b, unsigned field, const void *p, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | WIRE_LEN);
	pb_varint(b, n);
	buf_add(b, p, n);
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

void pb_packed(struct buf *b, unsigned field, const uint64_t *v, size_t n)
{
	size_t i, len = 0;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		len += varint_len(v[i]);
	pb_varint(b, (uint64_t)field << 3 | WIRE_LEN);
	pb_varint(b, len);
	for (i = 0; i < n; i++)
		pb_varint(b, v[i]);
}

void pb_put_field(unsigned field, const void *msg, size_t n)
{
	struct buf head = { 0 };
	char tmp[24];

	head.p = tmp;
	head.cap = sizeof tmp;	/* two varints: never grows */
	pb_varint(&head, (uint64_t)field << 3 | WIRE_LEN);
	pb_varint(&head, n);
	out_write(head.p, head.len);
	if (n)
		out_write(msg, n);
}
