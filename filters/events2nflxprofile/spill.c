/* spill.c - events2nflxprofile's per-field byte streams: in memory up to
 * NX_SPILL_AT bytes, then in pieces to an unlinked temporary file */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../common/err.h"
#include "../../common/tmpfile.h"
#include "nx.h"

void nx_spill_slow(struct nx_spill *s)
{
	if (s->b.cap < NX_SPILL_AT) {	/* small inputs stay small: grow by doubling */
		buf_reserve(&s->b, s->b.len < 4096 ? 4096 : s->b.len);
		return;
	}
	if (s->fd <= 0)
		s->fd = tmpfile_open("events2nflxprofile");
	tmpfile_write(s->fd, s->b.p, s->b.len);
	s->b.len = 0;
}

void nx_spill_each(struct nx_spill *s, struct buf *scratch,
		   void (*fn)(void *ctx, const char *p, size_t n), void *ctx)
{
	uint64_t left = s->len - s->b.len;

	if (left > 0) {
		if (lseek(s->fd, 0, SEEK_SET) < 0)
			fp_die("temporary file:");
		if (scratch->cap < NX_SPILL_AT)
			buf_reserve(scratch, NX_SPILL_AT);
	}
	while (left > 0) {
		size_t want = left < scratch->cap ? (size_t)left : scratch->cap;
		ssize_t k = read(s->fd, scratch->p, want);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			fp_die("temporary file:");
		if (k == 0)
			fp_die("temporary file: shorter than written");
		fn(ctx, scratch->p, (size_t)k);
		left -= (uint64_t)k;
	}
	if (s->b.len)
		fn(ctx, s->b.p, s->b.len);
}

void nx_spill_free(struct nx_spill *s)
{
	if (s->fd > 0)
		close(s->fd);
	buf_free(&s->b);
	s->fd = 0;
	s->len = 0;
}
