/* store.c - an append-only byte log, in memory up to a budget, then in an
 * unlinked temporary file (gone on every exit path), read back in order */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "store.h"
#include "tmpfile.h"

void store_init(struct store *s, const char *prefix, const char *dir, size_t budget)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->prefix = prefix;
	s->dir = dir;
	s->budget = budget;
}

static void flush(struct store *s)
{
	tmpfile_write(s->fd, s->mem.p, s->mem.len);
	s->flushed += s->mem.len;
	s->mem.len = 0;
}

void store_add_slow(struct store *s, const void *p, size_t n)
{
	if (s->fd < 0 && s->mem.len + n > s->budget)
		s->fd = tmpfile_open_in(s->dir, s->prefix);
	buf_add(&s->mem, p, n);
	s->len += n;
	if (s->fd >= 0 && s->mem.len >= STORE_WRITE_CHUNK)
		flush(s);
}

void store_reset(struct store *s)
{
	s->mem.len = 0;
	s->len = s->flushed = 0;
	if (s->fd >= 0 && ftruncate(s->fd, 0) < 0)
		fp_die("temporary file:");
}

void store_free(struct store *s)
{
	buf_free(&s->mem);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Bytes [off, off+n) of the store into p (n <= what is there). */
static void store_read(struct store *s, uint64_t off, char *p, size_t n)
{
	while (n > 0 && off < s->flushed) {
		size_t k = s->flushed - off < n ? (size_t)(s->flushed - off) : n;
		ssize_t got = pread(s->fd, p, k, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			fp_die("temporary file: %s", got < 0 ? strerror(errno) : "short read");
		p += got;
		off += (uint64_t)got;
		n -= (size_t)got;
	}
	if (n > 0)
		memcpy(p, s->mem.p + (off - s->flushed), n);
}

int store_pread(struct store *s, uint64_t off, void *p, size_t n)
{
	if (off > s->len || n > s->len - off)
		return -1;
	store_read(s, off, p, n);
	return 0;
}

void store_rd_init(struct store_rd *r, struct store *s, uint64_t off, uint64_t end)
{
	r->s = s;
	r->off = off;
	r->end = end;
	r->pos = r->len = 0;
}

int store_get_slow(struct store_rd *r, void *p, size_t n)
{
	char *d = p;

	while (n > 0) {
		size_t k;

		if (r->pos == r->len) {
			uint64_t left = r->end - r->off;

			if (left == 0)
				return 0;
			r->len = left < sizeof r->buf ? (size_t)left : sizeof r->buf;
			store_read(r->s, r->off, r->buf, r->len);
			r->off += r->len;
			r->pos = 0;
		}
		k = r->len - r->pos < n ? r->len - r->pos : n;
		memcpy(d, r->buf + r->pos, k);
		d += k;
		r->pos += k;
		n -= k;
	}
	return 1;
}
