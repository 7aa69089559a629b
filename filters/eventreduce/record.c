/* record.c - eventreduce's record being reduced: its fields, its frames
 * split on demand, scratch memory that lives until the next record, and
 * the record written back as the rules left it */
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "reduce.h"

#define BLK (1u << 16)

char *scratch(struct rec *c, size_t n)
{
	char *p;

	if (n > BLK) {	/* a big one: its own block until the next record */
		fp_grow(&c->big, &c->bigcap, c->nbig + 1, sizeof *c->big);
		return c->big[c->nbig++] = fp_malloc(n);
	}
	if (c->cur == NONE || c->boff + n > BLK) {
		c->cur = c->cur == NONE ? 0 : c->cur + 1;
		if (c->cur == c->nblocks) {
			fp_grow(&c->blocks, &c->bcap, c->nblocks + 1, sizeof *c->blocks);
			c->blocks[c->nblocks++] = fp_malloc(BLK);
		}
		c->boff = 0;
	}
	p = c->blocks[c->cur] + c->boff;
	c->boff += n;
	return p;
}

void rec_free(struct rec *c)
{
	scratch_reset(c);
	while (c->nblocks > 0)
		free(c->blocks[--c->nblocks]);
	free(c->blocks);
	free(c->big);
	free(c->f);
	intern_free(&c->names);
	free(c->pos);
	buf_free(&c->tmp);
	buf_free(&c->stackbuf);
	buf_free(&c->commbuf);
	buf_free(&c->out);
}

const char *unescape_slow(struct rec *c, const char *p, size_t n, size_t *len)
{
	char *d;

	c->tmp.len = 0;
	ev_unescape(&c->tmp, p, n);
	d = scratch(c, c->tmp.len + 1);
	memcpy(d, c->tmp.p, c->tmp.len);
	*len = c->tmp.len;
	return d;
}

void split_frames(struct rec *c)
{
	const char *p = c->stack.p, *end = c->stack.p + c->stack.n;

	c->have_frames = 1;
	c->nf = 0;
	if (c->stack.n == 0) {
		c->orig_n = 0;
		return;
	}
	for (;;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *fe = semi ? semi : end;
		const char *bt = memchr(p, '`', (size_t)(fe - p));
		struct fr *f;

		fp_grow(&c->f, &c->fcap, c->nf + 1, sizeof *c->f);
		f = &c->f[c->nf];
		f->raw = p;
		f->rawn = (size_t)((bt ? bt : fe) - p);
		f->u = unescape_dup(c, f->raw, f->rawn, &f->un);
		f->attr = bt ? bt : fe;
		f->attrn = (size_t)(fe - f->attr);
		f->orig = (int)c->nf;
		f->own = 0;
		f->hv = 0;
		c->nf++;
		if (!semi)
			break;
		p = semi + 1;
	}
	c->orig_n = (int)c->nf;
}

struct slice cur_stack_build(struct rec *c)
{
	size_t i;

	c->stackbuf.len = 0;
	for (i = 0; i < c->nf; i++) {
		if (i)
			buf_addc(&c->stackbuf, ';');
		if (c->f[i].own)
			ev_buf_escaped(&c->stackbuf, c->f[i].u, c->f[i].un);
		else
			buf_add(&c->stackbuf, c->f[i].raw, c->f[i].rawn);
		buf_add(&c->stackbuf, c->f[i].attr, c->f[i].attrn);
	}
	return (struct slice){ c->stackbuf.p, c->stackbuf.len };
}

void build_record(struct rec *c, struct buf *b)
{
	const struct ev_rec *r = c->r;
	const char *t1 = r->line.p + 2;	/* time text */
	const char *t1e = memchr(t1, '\t', r->line.n - 2);
	const char *w = r->event.p + r->event.n + 1;
	struct slice st = cur_stack(c);

	b->len = 0;
	buf_addc(b, r->type);
	buf_addc(b, '\t');
	buf_add(b, t1, (size_t)(t1e - t1));
	buf_addc(b, '\t');
	buf_add(b, c->pid.p, c->pid.n);
	buf_addc(b, '\t');
	buf_add(b, c->tid.p, c->tid.n);
	buf_addc(b, '\t');
	buf_add(b, r->cpu.p, r->cpu.n);
	buf_addc(b, '\t');
	buf_add(b, c->comm.p, c->comm.n);
	buf_addc(b, '\t');
	buf_add(b, r->event.p, r->event.n);
	buf_addc(b, '\t');
	buf_add(b, w, (size_t)(r->stack.p - 1 - w));
	buf_addc(b, '\t');
	buf_add(b, st.p, st.n);
	buf_add(b, c->extra.p, c->extra.n);
	buf_addc(b, '\n');
}
