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
void store_add_slow(struct store *s, const void *p, size_t n);

/* Once there is a file, the tail is written out when it reaches this. */
#define STORE_WRITE_CHUNK (64u << 10)

/* Append p[0..n); inline while it goes to memory already there (no file
 * to open, no chunk to write, no growth): a writer of small records
 * (pprof2events' samples) pays no call per record. */
static inline void store_add(struct store *s, const void *p, size_t n)
{
	size_t room = s->fd < 0 ? s->budget : STORE_WRITE_CHUNK - 1;

	if (n && s->mem.len <= room && n <= room - s->mem.len && n <= s->mem.cap - s->mem.len) {
		memcpy(s->mem.p + s->mem.len, p, n);
		s->mem.len += n;
		s->len += n;
		return;
	}
	store_add_slow(s, p, n);
}
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

/* The next n bytes in place, when the reader's buffer holds them all
 * (valid until the next call on r), advanced past; NULL otherwise, r
 * unchanged (store_get copies them). */
static inline const void *store_peek(struct store_rd *r, size_t n)
{
	const char *p = r->buf + r->pos;

	if (r->len - r->pos < n)
		return NULL;
	r->pos += n;
	return p;
}

#endif
