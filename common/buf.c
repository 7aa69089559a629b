/* buf.c - growable byte buffer */
#include <stdlib.h>

#include "alloc.h"
#include "buf.h"

void buf_reserve(struct buf *b, size_t extra)
{
	fp_grow(&b->p, &b->cap, b->len + extra, 1);
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
