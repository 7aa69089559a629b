/* match.c - eventreduce's conditions: keep/drop matches on a record's
 * fields and frames, frame patterns with a cache of their results */
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "reduce.h"

static int rx_match(const struct rx *x, const char *s, size_t n)
{
	return pcre2_match(x->code, (PCRE2_SPTR)s, n, 0, 0, x->md, NULL) >= 0;
}

void memo_put(struct mslot *m, uint64_t h, const char *s, size_t n, int state,
	      const char *o, size_t on)
{
	if (m->cap < n + on + 1) {
		m->cap = (uint32_t)(n + on + 1);
		m->buf = fp_realloc(m->buf, m->cap);
	}
	memcpy(m->buf, s, n);
	if (on)
		memcpy(m->buf + n, o, on);
	m->h = h;
	m->n = (uint32_t)n;
	m->on = (uint32_t)on;
	m->state = state;
}

void memo_free(struct rx *x)
{
	struct mslot *m = x->memo;
	size_t i;

	if (!m)
		return;
	for (i = 0; i < MEMO_SLOTS; i++)
		free(m[i].buf);
	free(m);
	x->memo = NULL;
}

int rx_match_memo(const struct rx *cx, const char *s, size_t n, uint64_t h)
{
	struct rx *x = (struct rx *)cx;
	struct mslot *m;
	int r;

	if (n > MEMO_MAX)
		return rx_match(x, s, n);
	m = memo_slot(x, h);
	if (memo_hit(m, h, s, n))
		return m->state == 2;
	r = rx_match(x, s, n);
	memo_put(m, h, s, n, r ? 2 : 1, NULL, 0);
	return r;
}

int frame_match(const struct rx *x, struct fr *f)
{
	if (f->un > MEMO_MAX)
		return rx_match(x, f->u, f->un);
	return rx_match_memo(x, f->u, f->un, frame_hash(f));
}

static int list_match(const struct buf *b, struct slice s)
{
	const char *p = b->p, *end = b->p + b->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((size_t)(nl - p) == s.n && memcmp(p, s.p, s.n) == 0)
			return 1;
		p = nl + 1;
	}
	return 0;
}

static int field_match(struct rec *c, const struct rx *x, struct slice s)
{
	size_t n;
	const char *u;

	if (ev_absent(s))
		return rx_match(x, "", 0);
	u = unescape_dup(c, s.p, s.n, &n);
	return rx_match_memo(x, u, n, n <= MEMO_MAX ? fp_hash(u, n) : 0);
}

int any_frame(struct rec *c, const struct rx *x)
{
	size_t i;

	need_frames(c);
	for (i = 0; i < c->nf; i++)
		if (frame_match(x, &c->f[i]))
			return 1;
	return 0;
}

int match(struct rec *c, const struct rule_match *m)
{
	const struct ev_rec *r = c->r;

	if (m->has_from || m->has_to) {
		if (r->type == 'O' || r->type == 'C')
			return -1;
		if (r->time == EV_NONE || (m->has_from && r->time < m->from) ||
		    (m->has_to && r->time >= m->to))
			return 0;
	}
	if (m->npids && !list_match(&m->pids, c->pid))
		return 0;
	if (m->ntids && !list_match(&m->tids, c->tid))
		return 0;
	if (m->comm.code && !field_match(c, &m->comm, c->comm))
		return 0;
	if (m->event.code && !field_match(c, &m->event, r->event))
		return 0;
	if (m->frame.code && !any_frame(c, &m->frame))
		return 0;
	if (m->leaf.code) {
		need_frames(c);
		if (c->nf == 0 || !frame_match(&m->leaf, &c->f[c->nf - 1]))
			return 0;
	}
	if (m->root.code) {
		need_frames(c);
		if (c->nf == 0 || !frame_match(&m->root, &c->f[0]))
			return 0;
	}
	return 1;
}
