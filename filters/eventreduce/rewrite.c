/* rewrite.c - eventreduce's rules that change or drop a record: keep,
 * drop, idle, rename, strip, hide, focus, ignore, prune, depth,
 * recursion, threads (docs/reduce.md §2) */
#include <stdio.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/idle.h"
#include "reduce.h"

static int substitute_now(struct rec *c, const char *rules_path, const struct rule *ru,
			  const char *s, size_t n, const char **out, size_t *outn)
{
	uint32_t opts = PCRE2_SUBSTITUTE_MATCHED | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
	PCRE2_SIZE len;
	int rc;

	if (pcre2_match(ru->re.code, (PCRE2_SPTR)s, n, 0, 0, ru->re.md, NULL) < 0)
		return 0;
	if (ru->global)
		opts |= PCRE2_SUBSTITUTE_GLOBAL;
	for (;;) {
		if (c->out.cap < 64)
			buf_reserve(&c->out, 64);
		len = c->out.cap;
		rc = pcre2_substitute(ru->re.code, (PCRE2_SPTR)s, n, 0, opts, ru->re.md, NULL,
				      (PCRE2_SPTR)ru->to, ru->to_len, (PCRE2_UCHAR *)c->out.p, &len);
		if (rc == PCRE2_ERROR_NOMEMORY) {
			buf_reserve(&c->out, len + 1);
			continue;
		}
		break;
	}
	if (rc < 0) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(rc, msg, sizeof msg);
		fp_die("%s:%d: rename: %s", rules_path, ru->line, (const char *)msg);
	}
	if (len == n && memcmp(c->out.p, s, n) == 0)
		return 0;
	{
		char *d = scratch(c, len + 1);

		memcpy(d, c->out.p, len);
		*out = d;
		*outn = len;
	}
	return 1;
}

int substitute(struct rec *c, const char *rules_path, const struct rule *ru, const char *s,
	       size_t n, uint64_t h, const char **out, size_t *outn)
{
	struct mslot *m;
	int r;

	if (n > MEMO_MAX)
		return substitute_now(c, rules_path, ru, s, n, out, outn);
	m = memo_slot((struct rx *)&ru->re, h);
	if (memo_hit(m, h, s, n)) {
		char *d;

		if (m->state == 1)
			return 0;
		d = scratch(c, m->on + 1);
		memcpy(d, m->buf + m->n, m->on);
		*out = d;
		*outn = m->on;
		return 1;
	}
	r = substitute_now(c, rules_path, ru, s, n, out, outn);
	memo_put(m, h, s, n, r ? 3 : 1, r ? *out : NULL, r ? *outn : 0);
	return r;
}

static int do_rename(struct rec *c, const char *rules_path, const struct rule *ru)
{
	const char *o;
	size_t on, i;
	int changed = 0;

	if (ru->comm) {
		size_t n;
		const char *u;

		if (ev_absent(c->comm))
			return 0;
		u = unescape_dup(c, c->comm.p, c->comm.n, &n);
		if (!substitute(c, rules_path, ru, u, n, fp_hash(u, n), &o, &on))
			return 0;
		c->commbuf.len = 0;
		ev_buf_field(&c->commbuf, o, on);
		c->comm = (struct slice){ c->commbuf.p, c->commbuf.len };
		return 1;
	}
	need_frames(c);
	for (i = 0; i < c->nf; i++) {
		struct fr *f = &c->f[i];

		if (!substitute(c, rules_path, ru, f->u, f->un, f->un <= MEMO_MAX ? frame_hash(f) : 0,
				&o, &on))
			continue;
		f->u = o;
		f->un = on;
		f->own = 1;
		f->hv = 0;
		changed = 1;
	}
	if (changed)
		c->stack_dirty = 1;
	return changed;
}

static int attr_stripped(const struct rule *ru, const char *a, size_t n)
{
	static const struct { const char *k; unsigned bit; } keys[] = {
		{ "dso=", ST_DSO }, { "addr=", ST_ADDR }, { "file=", ST_FILE },
		{ "line=", ST_LINE }, { "col=", ST_COL },
	};
	static const struct { const char *k; unsigned bit; } kinds[] = {
		{ "kernel", EVK_KERNEL }, { "jit", EVK_JIT }, { "inlined", EVK_INLINED },
		{ "unknown", EVK_UNKNOWN }, { "idle", EVK_IDLE },
	};
	size_t i;

	if (ru->strip_keys & ST_ALL)
		return 1;
	for (i = 0; i < 5; i++) {
		size_t kl = strlen(keys[i].k);

		if (n >= kl && memcmp(a, keys[i].k, kl) == 0)
			return (ru->strip_keys & keys[i].bit) != 0;
	}
	for (i = 0; i < 5; i++)
		if (n == strlen(kinds[i].k) && memcmp(a, kinds[i].k, n) == 0)
			return (ru->strip_kinds & kinds[i].bit) != 0;
	return 0;
}

static int do_strip(struct rec *c, const struct rule *ru)
{
	size_t i;
	int changed = 0;

	need_frames(c);
	for (i = 0; i < c->nf; i++) {
		struct fr *f = &c->f[i];
		const char *p = f->attr, *end = f->attr + f->attrn;
		char *d, *w;

		if (f->attrn == 0 || (ru->re.code && !frame_match(&ru->re, f)))
			continue;
		d = w = scratch(c, f->attrn);
		while (p < end) {	/* p at a '`' */
			const char *q = memchr(p + 1, '`', (size_t)(end - p - 1));
			const char *e = q ? q : end;

			if (!attr_stripped(ru, p + 1, (size_t)(e - p - 1))) {
				memcpy(w, p, (size_t)(e - p));
				w += e - p;
			}
			p = e;
		}
		if ((size_t)(w - d) != f->attrn) {
			f->attr = d;
			f->attrn = (size_t)(w - d);
			changed = 1;
		}
	}
	if (changed)
		c->stack_dirty = 1;
	return changed;
}

/* The first k frames stay: 1 when that changed the stack. */
static int keep_frames(struct rec *c, size_t k)
{
	if (k == c->nf)
		return 0;
	c->nf = k;
	c->stack_dirty = 1;
	return 1;
}

static int do_hide(struct rec *c, const struct rule *ru)
{
	size_t i, k = 0;

	need_frames(c);
	for (i = 0; i < c->nf; i++)
		if (!frame_match(&ru->re, &c->f[i]))
			c->f[k++] = c->f[i];
	return keep_frames(c, k);
}

/* pprof's PruneFrom: the callees of the leaf-most matching frame go */
static int do_prune(struct rec *c, const struct rule *ru)
{
	size_t i;

	need_frames(c);
	for (i = c->nf; i-- > 0;) {
		if (frame_match(&ru->re, &c->f[i]))
			return keep_frames(c, i + 1);
	}
	return 0;
}

static int do_depth(struct rec *c, const struct rule *ru)
{
	size_t root = ru->root > 0 ? (size_t)ru->root : 0, leaf = ru->leaf > 0 ? (size_t)ru->leaf : 0;
	size_t cut, i;
	struct fr m;
	char name[48];
	int n;
	char *d;

	need_frames(c);
	if (c->nf <= root + leaf + 1)
		return 0;
	cut = c->nf - root - leaf;
	n = snprintf(name, sizeof name, "[%zu frames cut]", cut);
	d = scratch(c, (size_t)n);
	memcpy(d, name, (size_t)n);
	m = (struct fr){ d, (size_t)n, d, (size_t)n, "", 0, -1, 1, 0, 0 };
	for (i = 0; i < leaf; i++)
		c->f[root + 1 + i] = c->f[c->nf - leaf + i];
	c->f[root] = m;
	c->nf = root + 1 + leaf;
	c->stack_dirty = 1;
	return 1;
}

static int same_name(const struct fr *a, const struct fr *b)
{
	return a->un == b->un && memcmp(a->u, b->u, a->un) == 0;
}

/* Indirect recursion on a long stack in linear time: where each name
 * stands among the frames kept so far (they are all different) comes from
 * a table of the record's names, not from a scan. The number kept. */
static size_t indirect_long(struct rec *c)
{
	size_t i, k = 0;

	intern_clear(&c->names);
	for (i = 0; i < c->nf; i++) {
		int added;
		size_t id = intern_get(&c->names, c->f[i].u, c->f[i].un, &added), p;

		if (added)
			fp_grow(&c->pos, &c->poscap, id + 1, sizeof *c->pos);
		p = c->pos[id];
		if (!added && p < k && same_name(&c->f[p], &c->f[i])) {
			k = p + 1;
			continue;
		}
		c->pos[id] = k;
		c->f[k++] = c->f[i];
	}
	return k;
}

static int do_recursion(struct rec *c, const struct rule *ru)
{
	size_t i, k = 0, j;

	need_frames(c);
	if (ru->indirect && c->nf > 64)
		return keep_frames(c, indirect_long(c));
	for (i = 0; i < c->nf; i++) {
		if (k > 0 && same_name(&c->f[k - 1], &c->f[i]))
			continue;
		if (ru->indirect) {
			for (j = k; j-- > 0;)
				if (same_name(&c->f[j], &c->f[i]))
					break;
			if (j != (size_t)-1) {
				k = j + 1;
				continue;
			}
		}
		c->f[k++] = c->f[i];
	}
	return keep_frames(c, k);
}

static int do_threads(struct rec *c, const struct rule *ru)
{
	static const struct slice dash = { "-", 1 };
	const struct ev_rec *r = c->r;

	if (r->type != 'S' && r->type != 'I')
		return 0;
	if (ru->all) {
		if (ev_absent(c->pid) && ev_absent(c->tid))
			return 0;
		c->pid = c->tid = dash;
		return 1;
	}
	if (c->tid.n == c->pid.n && memcmp(c->tid.p, c->pid.p, c->pid.n) == 0)
		return 0;
	c->tid = c->pid;
	return 1;
}

void rule_step(struct rec *c, const char *rules_path, const struct rule *ru, int *drop,
	       int *changed)
{
	int k;

	*drop = *changed = 0;
	switch (ru->kind) {
	case R_KEEP:
		k = match(c, &ru->m);
		*drop = k == 0;
		break;
	case R_DROP:
		k = match(c, &ru->m);
		*drop = k == 1;
		break;
	case R_IDLE:
		if (ru->on && c->r->type == 'S')
			*drop = idle_sample(c->comm, cur_stack(c));
		break;
	case R_RENAME: *changed = do_rename(c, rules_path, ru); break;
	case R_STRIP: *changed = do_strip(c, ru); break;
	case R_HIDE: *changed = do_hide(c, ru); break;
	case R_FOCUS: *drop = !any_frame(c, &ru->re); break;
	case R_IGNORE: *drop = any_frame(c, &ru->re); break;
	case R_PRUNE: *changed = do_prune(c, ru); break;
	case R_DEPTH: *changed = do_depth(c, ru); break;
	case R_RECURSION: *changed = do_recursion(c, ru); break;
	case R_THREADS: *changed = do_threads(c, ru); break;
	default: break;
	}
}

int leaf_removed(const struct rec *c, const struct rule *ru)
{
	return ru->kind >= R_HIDE && ru->kind <= R_RECURSION &&
	       (c->nf == 0 || c->f[c->nf - 1].orig != c->orig_n - 1);
}
