/* buf.h - growable byte buffer */
#ifndef FP_BUF_H
#define FP_BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_free(struct buf *b);

static inline void buf_add(struct buf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	if (b->cap - b->len < n)
		buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void buf_addc(struct buf *b, char c)
{
	if (b->cap == b->len)
		buf_reserve(b, 1);
	b->p[b->len++] = c;
}

static inline void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

#endif
