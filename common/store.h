/* store.h - an append-only byte log, in memory up to a budget, then in an
 * unlinked temporary file (tmpfile.h), read back in order */
#ifndef FP_STORE_H
#define FP_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

struct store {
	struct buf mem;		/* everything (no file), or the unwritten tail */
	int fd;			/* -1: no file yet */
	uint64_t len;		/* bytes added */
	uint64_t flushed;	/* bytes in the file */
	size_t budget;
	const char *prefix, *dir;	/* of the temporary file (tmpfile_open_in) */
};
/* An empty store that keeps up to budget bytes in memory, the rest in a
 * file PREFIX.XXXXXX in DIR (NULL: $TMPDIR or /tmp), made when needed. */
void store_init(struct store *s, const char *prefix, const char *dir, size_t budget);
void store_reset(struct store *s);	/* empty, keeps the memory */
void store_add(struct store *s, const void *p, size_t n);
void store_free(struct store *s);
/* Copy the bytes [off, off+n) into p: 0, or -1 when they are not all
 * in the store. */
int store_pread(struct store *s, uint64_t off, void *p, size_t n);

/* The bytes [off, off+n) in place when the store is all in memory (no
 * file), valid until the next store_add; NULL otherwise (store_pread or
 * a store_rd reads them). */
static inline const void *store_at(const struct store *s, uint64_t off, size_t n)
{
	if (s->fd >= 0 || off > s->len || n > s->len - off)
		return NULL;
	return s->mem.p + off;
}

/* A sequential reader of the bytes [off, end) of a store. */
struct store_rd {
	struct store *s;
	uint64_t off, end;
	char buf[32768];
	size_t pos, len;
};
void store_rd_init(struct store_rd *r, struct store *s, uint64_t off, uint64_t end);
int store_get_slow(struct store_rd *r, void *p, size_t n);
/* Copy the next n bytes into p; 0 when fewer than n are left. */
static inline int store_get(struct store_rd *r, void *p, size_t n)
{
	if (r->len - r->pos >= n && n) {	/* p may be NULL when n is 0 */
		memcpy(p, r->buf + r->pos, n);
		r->pos += n;
		return 1;
	}
	return store_get_slow(r, p, n);
}

#endif
