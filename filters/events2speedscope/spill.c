/* spill.c - events2speedscope's profile bodies: per-stream buffers that
 * spill in chunks to one unlinked temporary file, so memory is bounded by
 * distinct frames and threads, not by the number of samples */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/jsonout.h"
#include "../../common/tmpfile.h"
#include "ss.h"


static void spill(struct ss_spill *sp, struct ss_stream *st)
{
	struct ss_chunk *c;
	size_t n = st->b.len;

	if (n == 0)
		return;
	if (n > UINT32_MAX)
		fp_die("a stack too deep to store (use --max-depth)");
	if (sp->fd < 0)
		sp->fd = tmpfile_open("events2speedscope");
	tmpfile_write(sp->fd, st->b.p, n);
	fp_grow(&sp->chunks, &sp->chunkcap, sp->nchunks + 1, sizeof *sp->chunks);
	c = &sp->chunks[sp->nchunks++];
	c->off = sp->off;
	c->len = (uint32_t)n;
	c->next = 0;
	if (n > sp->maxchunk)
		sp->maxchunk = n;
	sp->off += n;
	if (st->last)
		sp->chunks[st->last - 1].next = (uint32_t)sp->nchunks;
	else
		st->first = (uint32_t)sp->nchunks;
	st->last = (uint32_t)sp->nchunks;
	st->b.len = 0;
}

static void spill_all(struct ss *s)
{
	size_t i;
	int k;

	for (i = 0; i < s->np; i++) {
		for (k = 0; k < 2; k++) {
			spill(&s->sp, &s->p[i].s[k]);
			buf_free(&s->p[i].s[k].b);
		}
	}
	s->sp.bufcap = 0;
	s->sp.over = 0;
}

void stream_grow(struct ss *s, struct ss_stream *st, size_t max)
{
	size_t cap = st->b.cap;

	buf_reserve(&st->b, max + 1);
	s->sp.bufcap += st->b.cap - cap;
	s->sp.over = s->sp.bufcap > s->sp.budget;
}

void stream_full(struct ss *s, struct ss_stream *st)
{
	if (st->b.len >= SS_CHUNK)
		spill(&s->sp, st);
	if (s->sp.over)
		spill_all(s);
}

void stream_add(struct ss *s, struct ss_stream *st, const char *p, size_t n)
{
	char *q = stream_room(s, st, n);

	memcpy(q, p, n);
	stream_done(s, st, q + n);
}

void stream_write(struct ss_spill *sp, const struct ss_stream *st)
{
	uint32_t c;

	if (!sp->rbuf)
		sp->rbuf = fp_malloc(sp->maxchunk + 1);
	jo_array_open();
	for (c = st->first; c; c = sp->chunks[c - 1].next) {
		const struct ss_chunk *ch = &sp->chunks[c - 1];
		size_t got = 0;

		while (got < ch->len) {
			ssize_t r = pread(sp->fd, sp->rbuf + got, ch->len - got,
					  (off_t)(ch->off + got));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				fp_die("temporary file: read failed");
			got += (size_t)r;
		}
		jo_raw(sp->rbuf, ch->len);
	}
	if (st->b.len)
		jo_raw(st->b.p, st->b.len);
	jo_array_close();
}

void spill_free(struct ss_spill *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
	free(sp->chunks);
	free(sp->rbuf);
	memset(sp, 0, sizeof *sp);
	sp->fd = -1;
}
