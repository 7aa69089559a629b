/* eventreduce - apply the rules of a YAML file to every record of an events stream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/evscan.h"
#include "../common/idle.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/order.h"
#include "../common/out.h"
#include "../common/rules.h"
#include "../common/skip.h"
#include "../common/timespec.h"

static const struct cli_info info = {
	"eventreduce",
	"eventreduce [-qz] -c RULES [--check] [--stats] [--level=N] [--strict] [FILE ...]",
	"Apply the ordered rules of the YAML file RULES to every record of a\n"
	"flamepipe events stream (events(5)): keep/drop, idle, rename, strip,\n"
	"hide, focus, ignore, prune, depth, recursion, threads, bucket. Headers,\n"
	"T, P, E and unknown records pass through. At the end, each rule's\n"
	"dropped and changed records and weights go to stderr, with the check\n"
	"in = out + dropped. FILE - or no FILE reads stdin. See docs/reduce.md.\n"
	"\n"
	"  -c, --rules=RULES  the rule file (YAML, docs/reduce.md)\n"
	"      --check        validate RULES and exit without reading data\n"
	"      --stats        also write the figures as #reduce-* headers at the end\n"
	"  -q, --quiet        no figures on stderr (errors and skips still)\n"
	"  -z, --zstd         compress the output with zstd\n"
	"      --level=N      zstd level, 1 to 19 (default 3)\n"
	"      --strict       stop at the first malformed record\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

/* ---- per-record state ---- */

struct fr {
	const char *raw;	/* escaped name in the line (when !own) */
	size_t rawn;
	const char *u;		/* unescaped name */
	size_t un;
	const char *attr;	/* escaped attributes from the first '`' */
	size_t attrn;
	int orig;		/* index in the input stack; -1 for a marker */
	int own;		/* u is new: escape it on output */
	int hv;			/* h is the hash of u */
	uint64_t h;
};

struct stat_row {
	uint64_t dropped, changed, merged;
	int64_t *dw, *cw;	/* per event id */
};

static struct {
	struct rules rules;
	const char *rules_path;
	int check, stats, quiet, zstd, level;
	struct skips skips;
	struct buf filter;
	int magic_done;
	/* the record */
	const struct ev_rec *r;
	struct slice pid, tid, comm, stack, extra;
	int dirty, stack_dirty, have_frames;
	struct fr *f;
	size_t nf, fcap;
	int orig_n;
	/* scratch memory stable until the next record */
	char **blocks, **big;
	size_t nblocks, bcap, cur, boff, nbig, bigcap;
	struct buf tmp, stackbuf, commbuf, out;
	/* accounting */
	struct intern events;
	int ev_id;
	struct slice last_ev;
	size_t nev, evcap;
	uint64_t in_n, out_n;
	int64_t *in_w, *out_w;
	struct stat_row *st;
	size_t *run_end;	/* rule i starts a run of stack-only rules up to run_end[i] (> i) */
	struct scache **sc;	/* the cache of each run */
	/* bucket */
	struct rule *bucket;
	struct order order;
	struct intern bk;	/* window(8 bytes) pid\ttid | comm\tevent\tstack -> value weight, aux index */
	struct bent { size_t split, cpu_off, cpu_n; int cpu_same; } *be;
	size_t nbe, becap;
	struct buf cpus;	/* cpu texts of bucket entries */
	struct buf held;	/* O C I records of the open windows, each "line\n" */
	uint64_t held_n;
	int64_t window;		/* the latest window start */
	int have_window;
} g;

#define BLK (1u << 16)
#define NONE ((size_t)-1)

static char *scratch(size_t n)
{
	char *p;

	if (n > BLK) {	/* a big one: its own block until the next record */
		fp_grow(&g.big, &g.bigcap, g.nbig + 1, sizeof *g.big);
		return g.big[g.nbig++] = fp_malloc(n);
	}
	if (g.cur == NONE || g.boff + n > BLK) {
		g.cur = g.cur == NONE ? 0 : g.cur + 1;
		if (g.cur == g.nblocks) {
			fp_grow(&g.blocks, &g.bcap, g.nblocks + 1, sizeof *g.blocks);
			g.blocks[g.nblocks++] = fp_malloc(BLK);
		}
		g.boff = 0;
	}
	p = g.blocks[g.cur] + g.boff;
	g.boff += n;
	return p;
}

static void scratch_reset(void)
{
	while (g.nbig > 0)
		free(g.big[--g.nbig]);
	g.cur = NONE;
}

static const char *unescape_dup(const char *p, size_t n, size_t *len)
{
	char *d;

	if (!memchr(p, '\\', n)) {
		*len = n;
		return p;
	}
	g.tmp.len = 0;
	ev_unescape(&g.tmp, p, n);
	d = scratch(g.tmp.len + 1);
	memcpy(d, g.tmp.p, g.tmp.len);
	*len = g.tmp.len;
	return d;
}

static void split_frames(void)
{
	const char *p = g.stack.p, *end = g.stack.p + g.stack.n;

	g.have_frames = 1;
	g.nf = 0;
	if (g.stack.n == 0) {
		g.orig_n = 0;
		return;
	}
	for (;;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *fe = semi ? semi : end;
		const char *bt = memchr(p, '`', (size_t)(fe - p));
		struct fr *f;

		fp_grow(&g.f, &g.fcap, g.nf + 1, sizeof *g.f);
		f = &g.f[g.nf];
		f->raw = p;
		f->rawn = (size_t)((bt ? bt : fe) - p);
		f->u = unescape_dup(f->raw, f->rawn, &f->un);
		f->attr = bt ? bt : fe;
		f->attrn = (size_t)(fe - f->attr);
		f->orig = (int)g.nf;
		f->own = 0;
		f->hv = 0;
		g.nf++;
		if (!semi)
			break;
		p = semi + 1;
	}
	g.orig_n = (int)g.nf;
}

static void need_frames(void)
{
	if (!g.have_frames)
		split_frames();
}

/* The current stack, escaped. */
static struct slice cur_stack(void)
{
	size_t i;

	if (!g.stack_dirty)
		return g.stack;
	g.stackbuf.len = 0;
	for (i = 0; i < g.nf; i++) {
		if (i)
			buf_addc(&g.stackbuf, ';');
		if (g.f[i].own)
			ev_buf_escaped(&g.stackbuf, g.f[i].u, g.f[i].un);
		else
			buf_add(&g.stackbuf, g.f[i].raw, g.f[i].rawn);
		buf_add(&g.stackbuf, g.f[i].attr, g.f[i].attrn);
	}
	return (struct slice){ g.stackbuf.p, g.stackbuf.len };
}

/* ---- matching ---- */

static int rx_match(const struct rx *x, const char *s, size_t n)
{
	return pcre2_match(x->code, (PCRE2_SPTR)s, n, 0, 0, x->md, NULL) >= 0;
}

/*
 * Frame names repeat: each pattern keeps a direct-mapped cache of its
 * results by name (MEMO_SLOTS slots, names up to MEMO_MAX bytes), so
 * memory stays bounded and a repeated name costs one hash.
 */
#define MEMO_SLOTS 4096
#define MEMO_MAX 256

struct mslot {
	uint64_t h;
	uint32_t n, on, cap;
	int state;		/* 0 empty, 1 no match / unchanged, 2 match, 3 renamed */
	char *buf;		/* the name, then the renamed name */
};

static struct mslot *memo_slot(struct rx *x, uint64_t h)
{
	if (!x->memo)
		x->memo = fp_calloc(MEMO_SLOTS, sizeof(struct mslot));
	return (struct mslot *)x->memo + (h & (MEMO_SLOTS - 1));
}

static int memo_hit(const struct mslot *m, uint64_t h, const char *s, size_t n)
{
	return m->state && m->h == h && m->n == n && memcmp(m->buf, s, n) == 0;
}

static void memo_put(struct mslot *m, uint64_t h, const char *s, size_t n, int state,
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

static uint64_t frame_hash(struct fr *f)
{
	if (!f->hv) {
		f->h = fp_hash(f->u, f->un);
		f->hv = 1;
	}
	return f->h;
}

static int frame_match(const struct rx *cx, struct fr *f)
{
	struct rx *x = (struct rx *)cx;
	struct mslot *m;
	uint64_t h;
	int r;

	if (f->un > MEMO_MAX)
		return rx_match(x, f->u, f->un);
	h = frame_hash(f);
	m = memo_slot(x, h);
	if (memo_hit(m, h, f->u, f->un))
		return m->state == 2;
	r = rx_match(x, f->u, f->un);
	memo_put(m, h, f->u, f->un, r ? 2 : 1, NULL, 0);
	return r;
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

static int field_match(const struct rx *x, struct slice s)
{
	size_t n;
	const char *u;

	if (ev_absent(s))
		return rx_match(x, "", 0);
	u = unescape_dup(s.p, s.n, &n);
	return rx_match(x, u, n);
}

static int any_frame(const struct rx *x)
{
	size_t i;

	need_frames();
	for (i = 0; i < g.nf; i++)
		if (frame_match(x, &g.f[i]))
			return 1;
	return 0;
}

/* 1 match, 0 no match, -1 the rule does not apply (time conditions on spans) */
static int match(const struct rule_match *m)
{
	const struct ev_rec *r = g.r;

	if (m->has_from || m->has_to) {
		if (r->type == 'O' || r->type == 'C')
			return -1;
		if (r->time == EV_NONE || (m->has_from && r->time < m->from) ||
		    (m->has_to && r->time >= m->to))
			return 0;
	}
	if (m->npids && !list_match(&m->pids, g.pid))
		return 0;
	if (m->ntids && !list_match(&m->tids, g.tid))
		return 0;
	if (m->comm.code && !field_match(&m->comm, g.comm))
		return 0;
	if (m->event.code && !field_match(&m->event, r->event))
		return 0;
	if (m->frame.code && !any_frame(&m->frame))
		return 0;
	if (m->leaf.code) {
		need_frames();
		if (g.nf == 0 || !frame_match(&m->leaf, &g.f[g.nf - 1]))
			return 0;
	}
	if (m->root.code) {
		need_frames();
		if (g.nf == 0 || !frame_match(&m->root, &g.f[0]))
			return 0;
	}
	return 1;
}

/* ---- rewriting ---- */

/* Substitute in s; 1 with *out set when the result differs. */
static int substitute(const struct rule *ru, const char *s, size_t n, const char **out, size_t *outn)
{
	uint32_t opts = PCRE2_SUBSTITUTE_MATCHED | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
	PCRE2_SIZE len;
	int rc;

	if (pcre2_match(ru->re.code, (PCRE2_SPTR)s, n, 0, 0, ru->re.md, NULL) < 0)
		return 0;
	if (ru->global)
		opts |= PCRE2_SUBSTITUTE_GLOBAL;
	for (;;) {
		if (g.out.cap < 64)
			buf_reserve(&g.out, 64);
		len = g.out.cap;
		rc = pcre2_substitute(ru->re.code, (PCRE2_SPTR)s, n, 0, opts, ru->re.md, NULL,
				      (PCRE2_SPTR)ru->to, ru->to_len, (PCRE2_UCHAR *)g.out.p, &len);
		if (rc == PCRE2_ERROR_NOMEMORY) {
			buf_reserve(&g.out, len + 1);
			continue;
		}
		break;
	}
	if (rc < 0) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(rc, msg, sizeof msg);
		fp_die("%s:%d: rename: %s", g.rules_path, ru->line, (const char *)msg);
	}
	if (len == n && memcmp(g.out.p, s, n) == 0)
		return 0;
	{
		char *d = scratch(len + 1);

		memcpy(d, g.out.p, len);
		*out = d;
		*outn = len;
	}
	return 1;
}

static int do_rename(const struct rule *ru)
{
	const char *o;
	size_t on, i;
	int changed = 0;

	if (ru->comm) {
		size_t n;
		const char *u;

		if (ev_absent(g.comm))
			return 0;
		u = unescape_dup(g.comm.p, g.comm.n, &n);
		if (!substitute(ru, u, n, &o, &on))
			return 0;
		g.commbuf.len = 0;
		ev_buf_field(&g.commbuf, o, on);
		g.comm = (struct slice){ g.commbuf.p, g.commbuf.len };
		return 1;
	}
	need_frames();
	for (i = 0; i < g.nf; i++) {
		struct fr *f = &g.f[i];
		struct mslot *m = NULL;
		uint64_t h = 0;
		int r;

		if (f->un <= MEMO_MAX) {
			h = frame_hash(f);
			m = memo_slot((struct rx *)&ru->re, h);
			if (memo_hit(m, h, f->u, f->un)) {
				if (m->state == 1)
					continue;
				char *d = scratch(m->on + 1);

				memcpy(d, m->buf + m->n, m->on);
				o = d;
				on = m->on;
				goto renamed;
			}
		}
		r = substitute(ru, f->u, f->un, &o, &on);
		if (m)
			memo_put(m, h, f->u, f->un, r ? 3 : 1, o, r ? on : 0);
		if (!r)
			continue;
renamed:
		f->u = o;
		f->un = on;
		f->own = 1;
		f->hv = 0;
		changed = 1;
	}
	if (changed)
		g.stack_dirty = 1;
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

static int do_strip(const struct rule *ru)
{
	size_t i;
	int changed = 0;

	need_frames();
	for (i = 0; i < g.nf; i++) {
		struct fr *f = &g.f[i];
		const char *p = f->attr, *end = f->attr + f->attrn;
		char *d, *w;

		if (f->attrn == 0 || (ru->re.code && !frame_match(&ru->re, f)))
			continue;
		d = w = scratch(f->attrn);
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
		g.stack_dirty = 1;
	return changed;
}

static int do_hide(const struct rule *ru)
{
	size_t i, k = 0;

	need_frames();
	for (i = 0; i < g.nf; i++)
		if (!frame_match(&ru->re, &g.f[i]))
			g.f[k++] = g.f[i];
	if (k == g.nf)
		return 0;
	g.nf = k;
	g.stack_dirty = 1;
	return 1;
}

/* pprof's PruneFrom: the callees of the leaf-most matching frame go */
static int do_prune(const struct rule *ru)
{
	size_t i;

	need_frames();
	for (i = g.nf; i-- > 0;) {
		if (frame_match(&ru->re, &g.f[i])) {
			if (i + 1 == g.nf)
				return 0;
			g.nf = i + 1;
			g.stack_dirty = 1;
			return 1;
		}
	}
	return 0;
}

static int do_depth(const struct rule *ru)
{
	size_t root = ru->root > 0 ? (size_t)ru->root : 0, leaf = ru->leaf > 0 ? (size_t)ru->leaf : 0;
	size_t cut, i;
	struct fr m;
	char name[48];
	int n;
	char *d;

	need_frames();
	if (g.nf <= root + leaf + 1)
		return 0;
	cut = g.nf - root - leaf;
	n = snprintf(name, sizeof name, "[%zu frames cut]", cut);
	d = scratch((size_t)n);
	memcpy(d, name, (size_t)n);
	m = (struct fr){ d, (size_t)n, d, (size_t)n, "", 0, -1, 1, 0, 0 };
	for (i = 0; i < leaf; i++)
		g.f[root + 1 + i] = g.f[g.nf - leaf + i];
	g.f[root] = m;
	g.nf = root + 1 + leaf;
	g.stack_dirty = 1;
	return 1;
}

static int same_name(const struct fr *a, const struct fr *b)
{
	return a->un == b->un && memcmp(a->u, b->u, a->un) == 0;
}

static int do_recursion(const struct rule *ru)
{
	size_t i, k = 0, j;

	need_frames();
	for (i = 0; i < g.nf; i++) {
		if (k > 0 && same_name(&g.f[k - 1], &g.f[i]))
			continue;
		if (ru->indirect) {
			for (j = k; j-- > 0;)
				if (same_name(&g.f[j], &g.f[i]))
					break;
			if (j != (size_t)-1) {
				k = j + 1;
				continue;
			}
		}
		g.f[k++] = g.f[i];
	}
	if (k == g.nf)
		return 0;
	g.nf = k;
	g.stack_dirty = 1;
	return 1;
}

static int do_threads(const struct rule *ru)
{
	static const struct slice dash = { "-", 1 };
	const struct ev_rec *r = g.r;

	if (r->type != 'S' && r->type != 'I')
		return 0;
	if (ru->all) {
		if (ev_absent(g.pid) && ev_absent(g.tid))
			return 0;
		g.pid = g.tid = dash;
		return 1;
	}
	if (g.tid.n == g.pid.n && memcmp(g.tid.p, g.pid.p, g.pid.n) == 0)
		return 0;
	g.tid = g.pid;
	return 1;
}

/* ---- accounting ---- */

static int event_id(struct slice ev)
{
	int added;
	size_t i;

	if (g.ev_id >= 0 && ev.n == g.last_ev.n && memcmp(ev.p, g.last_ev.p, ev.n) == 0)
		return g.ev_id;
	i = intern_get(&g.events, ev.p, ev.n, &added);
	if (added) {
		size_t k, old = g.evcap;

		if (i >= g.evcap) {
			fp_grow(&g.in_w, &g.evcap, i + 1, sizeof *g.in_w);
			g.out_w = fp_realloc(g.out_w, g.evcap * sizeof *g.out_w);
			for (k = 0; k < g.rules.n; k++) {
				g.st[k].dw = fp_realloc(g.st[k].dw, g.evcap * sizeof(int64_t));
				g.st[k].cw = fp_realloc(g.st[k].cw, g.evcap * sizeof(int64_t));
			}
			for (k = old; k < g.evcap; k++) {
				size_t j;

				g.in_w[k] = g.out_w[k] = 0;
				for (j = 0; j < g.rules.n; j++)
					g.st[j].dw[k] = g.st[j].cw[k] = 0;
			}
		}
		g.nev = i + 1;
	}
	g.ev_id = (int)i;
	g.last_ev = (struct slice){ g.events.ents[i].key, ev.n };
	return (int)i;
}

/* ---- output ---- */

static void put_line(const char *p, size_t n)
{
	out_write(p, n);
	out_putc('\n');
}

/* The record as the rules left it, into b (with LF). */
static void build_record(struct buf *b)
{
	const struct ev_rec *r = g.r;
	const char *t1 = r->line.p + 2;	/* time text */
	const char *t1e = memchr(t1, '\t', r->line.n - 2);
	const char *w = r->event.p + r->event.n + 1;
	struct slice st = cur_stack();

	b->len = 0;
	buf_addc(b, r->type);
	buf_addc(b, '\t');
	buf_add(b, t1, (size_t)(t1e - t1));
	buf_addc(b, '\t');
	buf_add(b, g.pid.p, g.pid.n);
	buf_addc(b, '\t');
	buf_add(b, g.tid.p, g.tid.n);
	buf_addc(b, '\t');
	buf_add(b, r->cpu.p, r->cpu.n);
	buf_addc(b, '\t');
	buf_add(b, g.comm.p, g.comm.n);
	buf_addc(b, '\t');
	buf_add(b, r->event.p, r->event.n);
	buf_addc(b, '\t');
	buf_add(b, w, (size_t)(g.r->stack.p - 1 - w));
	buf_addc(b, '\t');
	buf_add(b, st.p, st.n);
	buf_add(b, g.extra.p, g.extra.n);
	buf_addc(b, '\n');
}

static void emit_current(void)
{
	if (!g.dirty) {
		put_line(g.r->line.p, g.r->line.n);
		return;
	}
	build_record(&g.tmp);
	out_write(g.tmp.p, g.tmp.len);
}

/* ---- bucket ---- */

static void bucket_flush(void)
{
	size_t i;

	for (i = 0; i < g.bk.count; i++) {
		const struct ient *e = &g.bk.ents[i];
		const struct bent *b = &g.be[i];
		int64_t t;
		const char *k = e->key + 8;
		size_t kn = e->len - 8;
		struct slice ev;
		const char *p;

		memcpy(&t, e->key, 8);
		out_write("S\t", 2);
		ev_put_time(t);
		out_putc('\t');
		out_write(k, b->split);
		out_putc('\t');
		if (b->cpu_same)
			out_write(g.cpus.p + b->cpu_off, b->cpu_n);
		else
			out_putc('-');
		out_putc('\t');
		/* comm\tevent\tstack: the weight goes before the stack */
		p = memchr(k + b->split + 1, '\t', kn - b->split - 1);	/* after comm */
		p = memchr(p + 1, '\t', (size_t)(k + kn - p - 1));	/* after event */
		out_write(k + b->split + 1, (size_t)(p - (k + b->split + 1)));
		out_putc('\t');
		out_i64(e->value);
		out_putc('\t');
		out_write(p + 1, (size_t)(k + kn - p - 1));
		out_putc('\n');
		ev.p = memchr(k + b->split + 1, '\t', kn - b->split - 1) + 1;
		ev.n = (size_t)(p - ev.p);
		g.out_n++;
		g.out_w[event_id(ev)] += e->value;
	}
	if (g.held.len)
		out_write(g.held.p, g.held.len);
	g.out_n += g.held_n;
	g.held.len = 0;
	g.held_n = 0;
	intern_clear(&g.bk);
	g.nbe = 0;
	g.cpus.len = 0;
}

/* The start of t's window (INT64_MIN for the few times before the first whole window) */
static int64_t window_of(int64_t t)
{
	int64_t w;

	if (__builtin_mul_overflow(floor_div(t, g.bucket->window), g.bucket->window, &w))
		return INT64_MIN;
	return w;
}

static void bucket_advance(int64_t t)
{
	int64_t w;

	if (t == EV_NONE)
		return;
	w = window_of(t);
	if (!g.have_window || w > g.window) {
		if (g.have_window)
			bucket_flush();
		g.have_window = 1;
		g.window = w;
	}
}

static void bucket_add(void)
{
	const struct ev_rec *r = g.r;
	struct slice st = cur_stack();
	int64_t w = window_of(r->time);
	struct buf *k = &g.tmp;
	size_t i;
	int added;

	k->len = 0;
	buf_add(k, &w, 8);
	buf_add(k, g.pid.p, g.pid.n);
	buf_addc(k, '\t');
	buf_add(k, g.tid.p, g.tid.n);
	buf_addc(k, '\t');
	buf_add(k, g.comm.p, g.comm.n);
	buf_addc(k, '\t');
	buf_add(k, r->event.p, r->event.n);
	buf_addc(k, '\t');
	buf_add(k, st.p, st.n);
	i = intern_get(&g.bk, k->p, k->len, &added);
	if (added) {
		struct bent *b;

		fp_grow(&g.be, &g.becap, i + 1, sizeof *g.be);
		b = &g.be[i];
		b->split = g.pid.n + 1 + g.tid.n;
		b->cpu_same = 1;
		b->cpu_off = g.cpus.len;
		b->cpu_n = r->cpu.n;
		buf_add(&g.cpus, r->cpu.p, r->cpu.n);
		g.nbe = i + 1;
	} else {
		struct bent *b = &g.be[i];

		if (b->cpu_same && (b->cpu_n != r->cpu.n ||
				    memcmp(g.cpus.p + b->cpu_off, r->cpu.p, r->cpu.n)))
			b->cpu_same = 0;
		g.st[g.rules.n - 1].merged++;
	}
	g.bk.ents[i].value += r->weight;
}

/* ---- records ---- */

/* One rule but bucket on the current record: *drop, *changed. */
static void rule_step(const struct rule *ru, int *drop, int *changed)
{
	int k;

	*drop = *changed = 0;
	switch (ru->kind) {
	case R_KEEP:
		k = match(&ru->m);
		*drop = k == 0;
		break;
	case R_DROP:
		k = match(&ru->m);
		*drop = k == 1;
		break;
	case R_IDLE:
		if (ru->on && g.r->type == 'S')
			*drop = idle_sample(g.comm, cur_stack());
		break;
	case R_RENAME: *changed = do_rename(ru); break;
	case R_STRIP: *changed = do_strip(ru); break;
	case R_HIDE: *changed = do_hide(ru); break;
	case R_FOCUS: *drop = !any_frame(&ru->re); break;
	case R_IGNORE: *drop = any_frame(&ru->re); break;
	case R_PRUNE: *changed = do_prune(ru); break;
	case R_DEPTH: *changed = do_depth(ru); break;
	case R_RECURSION: *changed = do_recursion(ru); break;
	case R_THREADS: *changed = do_threads(ru); break;
	default: break;
	}
}

/* Did the rule just applied remove the stack's own (leaf) frame? */
static int leaf_removed(const struct rule *ru)
{
	return ru->kind >= R_HIDE && ru->kind <= R_RECURSION &&
	       (g.nf == 0 || g.f[g.nf - 1].orig != g.orig_n - 1);
}

/*
 * Rules that look at the stack only (frame renames, strip, hide, prune,
 * depth, recursion, focus, ignore, keep/drop on frames) are a function of
 * the stack text: a run of them is computed once per distinct stack and
 * kept in a direct-mapped cache per run (SC_SLOTS entries, stacks up to
 * SC_MAX bytes), so memory stays bounded and a repeated stack costs a hash.
 */
#define SC_SLOTS 4096
#define SC_MAX 4096

struct scache {
	uint64_t h, mask;	/* mask: the rules of the run that changed the stack */
	uint32_t in_n, out_n, cap;
	int state, drop_at, span_at;	/* rule indices, or -1 */
	char *buf;		/* the stack in, then out */
};

static int stack_pure(const struct rule *ru)
{
	const struct rule_match *m = &ru->m;

	switch (ru->kind) {
	case R_RENAME: return !ru->comm;
	case R_STRIP: case R_HIDE: case R_FOCUS: case R_IGNORE: case R_PRUNE: case R_DEPTH:
	case R_RECURSION:
		return 1;
	case R_KEEP: case R_DROP:
		return !m->npids && !m->ntids && !m->comm.code && !m->event.code && !m->has_from &&
		       !m->has_to;
	default: return 0;
	}
}

/* Run [i, end) on the current stack into slot e. */
static void run_compute(size_t i, size_t end, struct scache *e, struct slice in, uint64_t h)
{
	struct slice out;
	size_t k;

	e->mask = 0;
	e->drop_at = e->span_at = -1;
	for (k = i; k < end; k++) {
		const struct rule *ru = &g.rules.r[k];
		int drop, changed;

		rule_step(ru, &drop, &changed);
		if (changed && e->span_at < 0 && leaf_removed(ru))
			e->span_at = (int)k;
		if (drop) {
			e->drop_at = (int)k;
			break;
		}
		if (changed)
			e->mask |= (uint64_t)1 << (k - i);
	}
	out = cur_stack();
	if (e->cap < in.n + out.n + 1) {
		e->cap = (uint32_t)(in.n + out.n + 1);
		e->buf = fp_realloc(e->buf, e->cap);
	}
	memcpy(e->buf, in.p, in.n);
	memcpy(e->buf + in.n, out.p, out.n);
	e->h = h;
	e->in_n = (uint32_t)in.n;
	e->out_n = (uint32_t)out.n;
	e->state = 1;
}

static void thread_record(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	size_t i;
	int ev = -1;
	int64_t w = r->type == 'S' ? r->weight : 0;
	int span = r->type == 'O' || r->type == 'C';

	if (g.bucket) {
		const char *why;

		if (order_check(&g.order, r, &why) < 0)
			fp_die("%s:%" PRIu64 ": %s", file, lineno, why);
	}
	g.r = r;
	g.pid = r->pid;
	g.tid = r->tid;
	g.comm = r->comm;
	g.stack = ev_stack_cut(r->stack);
	g.extra = (struct slice){ g.stack.p + g.stack.n, r->stack.n - g.stack.n };
	g.dirty = g.stack_dirty = g.have_frames = 0;
	g.nf = 0;
	scratch_reset();
	g.in_n++;
	if (r->type == 'S') {
		ev = event_id(r->event);
		g.in_w[ev] += w;
	}
	for (i = 0; i < g.rules.n; i++) {
		const struct rule *ru = &g.rules.r[i];
		struct stat_row *s = &g.st[i];
		int drop = 0, changed = 0;

		if (g.run_end[i] > i) {
			size_t end = g.run_end[i], k;
			struct slice st = cur_stack();
			struct scache *e;
			uint64_t h;

			if (st.n <= SC_MAX) {
				if (g.stack_dirty) {	/* the cache's stacks are text */
					char *d = scratch(st.n + 1);

					memcpy(d, st.p, st.n);
					g.stack = st = (struct slice){ d, st.n };
					g.stack_dirty = g.have_frames = 0;
				}
				h = fp_hash(st.p, st.n) ^ ((uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull);
				e = &g.sc[i][h & (SC_SLOTS - 1)];
				if (!(e->state && e->h == h && e->in_n == st.n &&
				      memcmp(e->buf, st.p, st.n) == 0))
					run_compute(i, end, e, st, h);
				for (k = i; k < end; k++) {
					s = &g.st[k];
					if ((span && (int)k == e->span_at) || (int)k == e->drop_at) {
						s->dropped++;
						if (ev >= 0)
							s->dw[ev] += w;
						return;
					}
					if (e->mask & ((uint64_t)1 << (k - i))) {
						g.dirty = 1;
						s->changed++;
						if (ev >= 0)
							s->cw[ev] += w;
					}
				}
				if (e->mask) {
					g.stack = (struct slice){ e->buf + e->in_n, e->out_n };
					g.stack_dirty = g.have_frames = 0;
				}
				i = end - 1;
				continue;
			}
		}
		if (ru->kind == R_BUCKET) {
			bucket_advance(r->time);
			if (r->type == 'S' && r->time != EV_NONE) {
				bucket_add();
				return;
			}
			if (r->time != EV_NONE) {	/* held until the window is written */
				struct buf *b = &g.held;

				if (g.dirty) {
					build_record(&g.out);
					buf_add(b, g.out.p, g.out.len);
				} else {
					buf_add(b, r->line.p, r->line.n);
					buf_addc(b, '\n');
				}
				g.held_n++;
				return;
			}
			break;
		}
		rule_step(ru, &drop, &changed);
		/* a span whose own frame was removed goes with its close */
		if (changed && span && leaf_removed(ru))
			drop = 1;
		if (drop) {
			s->dropped++;
			if (ev >= 0)
				s->dw[ev] += w;
			return;
		}
		if (changed) {
			g.dirty = 1;
			s->changed++;
			if (ev >= 0)
				s->cw[ev] += w;
		}
	}
	emit_current();
	g.out_n++;
	if (ev >= 0)
		g.out_w[ev] += w;
}

/* T records: a comm rename renames thread names too */
static void t_record(const struct ev_rec *r)
{
	size_t i;
	const char *u, *o;
	size_t n, on;
	int changed = 0;

	scratch_reset();
	u = unescape_dup(r->name.p, r->name.n, &n);
	for (i = 0; i < g.rules.n; i++) {
		const struct rule *ru = &g.rules.r[i];

		if (ru->kind == R_RENAME && ru->comm && substitute(ru, u, n, &o, &on)) {
			u = o;
			n = on;
			changed = 1;
		}
	}
	if (!changed) {
		put_line(r->line.p, r->line.n);
		return;
	}
	out_write(r->line.p, (size_t)(r->name.p - r->line.p));
	ev_put_field(u, n);
	out_write(r->name.p + r->name.n, (size_t)(r->line.p + r->line.n - r->name.p - r->name.n));
	out_putc('\n');
}

static void header(const struct ev_rec *r)
{
	if (g.bucket)
		order_header(&g.order, r->line.p, r->line.n);
	put_line(r->line.p, r->line.n);
	if (!g.magic_done) {
		g.magic_done = 1;
		out_write(g.filter.p, g.filter.len);
	}
}

static int reduce_input(const char *path, void *ctx)
{
	struct ev_reader rd;
	struct ev_rec r;
	int k;

	(void)ctx;
	if (ev_reader_open(&rd, path, &g.skips) < 0)
		return 1;
	while ((k = evscan_next(&rd, &r)) != EV_EOF && k != EV_ERROR) {
		if (k == EV_HEADER) {
			header(&r);
		} else if (r.type == 'S' || r.type == 'O' || r.type == 'C' || r.type == 'I') {
			thread_record(&r, rd.in.name, rd.in.lineno);
		} else if (r.type == 'D' && g.bucket) {
			fp_die("%s:%" PRIu64 ": %s", rd.in.name, rd.in.lineno, order_unnested);
		} else if (r.type == 'T') {
			t_record(&r);
		} else {
			put_line(r.line.p, r.line.n);
		}
	}
	ev_reader_close(&rd);
	return k == EV_ERROR;
}

/* ---- figures ---- */

static void put_weights(FILE *fp, const int64_t *w, const char *sep)
{
	size_t i;

	for (i = 0; i < g.nev; i++)
		fprintf(fp, "%s%.*s %" PRId64, sep, (int)g.events.ents[i].len, g.events.ents[i].key, w[i]);
}

static int dropper(enum rule_kind k)
{
	return k == R_KEEP || k == R_DROP || k == R_IDLE || k == R_FOCUS || k == R_IGNORE;
}

static void report(void)
{
	size_t i, e;
	uint64_t dropped = 0, merged = 0;
	int bad = 0;

	for (i = 0; i < g.rules.n; i++) {
		dropped += g.st[i].dropped;
		merged += g.st[i].merged;
	}
	if (g.in_n != g.out_n + dropped + merged)
		bad = 1;
	for (e = 0; e < g.nev; e++) {
		int64_t d = 0;

		for (i = 0; i < g.rules.n; i++)
			d += g.st[i].dw[e];
		if (g.in_w[e] != g.out_w[e] + d)
			bad = 1;
	}
	if (!g.quiet) {
		fprintf(stderr, "eventreduce: in: %" PRIu64 " records", g.in_n);
		put_weights(stderr, g.in_w, ", ");
		fputc('\n', stderr);
		for (i = 0; i < g.rules.n; i++) {
			const struct rule *ru = &g.rules.r[i];
			const struct stat_row *s = &g.st[i];

			fprintf(stderr, "eventreduce: rule %zu %s (%s:%d):", i + 1, rule_name(ru->kind),
				g.rules_path, ru->line);
			if (ru->kind == R_BUCKET) {
				fprintf(stderr, " merged %" PRIu64 " records\n", s->merged);
				continue;
			}
			if (dropper(ru->kind)) {
				fprintf(stderr, " dropped %" PRIu64 " records", s->dropped);
				put_weights(stderr, s->dw, ", ");
			} else {
				fprintf(stderr, " changed %" PRIu64 " records", s->changed);
				put_weights(stderr, s->cw, ", ");
				if (s->dropped) {
					fprintf(stderr, "; dropped %" PRIu64 " span records", s->dropped);
					put_weights(stderr, s->dw, ", ");
				}
			}
			fputc('\n', stderr);
		}
		fprintf(stderr, "eventreduce: out: %" PRIu64 " records", g.out_n);
		put_weights(stderr, g.out_w, ", ");
		fputc('\n', stderr);
	}
	if (g.stats) {
		out_puts("#reduce-in records=");
		out_u64(g.in_n);
		for (e = 0; e < g.nev; e++) {
			out_puts(" weight:");
			out_write(g.events.ents[e].key, g.events.ents[e].len);
			out_putc('=');
			out_i64(g.in_w[e]);
		}
		out_putc('\n');
		for (i = 0; i < g.rules.n; i++) {
			const struct stat_row *s = &g.st[i];

			out_puts("#reduce-rule ");
			out_u64(i + 1);
			out_putc(' ');
			out_puts(rule_name(g.rules.r[i].kind));
			out_puts(" dropped=");
			out_u64(s->dropped);
			out_puts(" changed=");
			out_u64(s->changed);
			out_puts(" merged=");
			out_u64(s->merged);
			for (e = 0; e < g.nev; e++) {
				out_puts(" dropped:");
				out_write(g.events.ents[e].key, g.events.ents[e].len);
				out_putc('=');
				out_i64(s->dw[e]);
				out_puts(" changed:");
				out_write(g.events.ents[e].key, g.events.ents[e].len);
				out_putc('=');
				out_i64(s->cw[e]);
			}
			out_putc('\n');
		}
		out_puts("#reduce-out records=");
		out_u64(g.out_n);
		for (e = 0; e < g.nev; e++) {
			out_puts(" weight:");
			out_write(g.events.ents[e].key, g.events.ents[e].len);
			out_putc('=');
			out_i64(g.out_w[e]);
		}
		out_putc('\n');
	}
	if (bad)
		fp_die("internal error: in != out + dropped (please report)");
}

static void load_rules(void)
{
	struct input in;
	struct buf text = { 0 }, err = { 0 };
	char *line;
	size_t n;
	int k;

	if (input_open(&in, g.rules_path) < 0)
		exit(FP_EXIT_ERROR);
	while ((k = input_getline(&in, &line, &n)) > 0) {
		buf_add(&text, line, n);
		buf_addc(&text, '\n');
	}
	if (k < 0)
		exit(FP_EXIT_ERROR);
	input_close(&in);
	if (rules_parse(&g.rules, g.rules_path, text.p ? text.p : "", text.len, &err) < 0)
		fp_die("%.*s", (int)err.len, err.p);
	buf_free(&text);
	buf_free(&err);
}

int main(int argc, char **argv)
{
	enum { OPT_CHECK = CLI_FIRST_LONG, OPT_STATS, OPT_LEVEL, OPT_STRICT };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "zstd", no_argument, NULL, 'z' },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;
	size_t i;

	cli_init(&info);
	g.level = 3;
	g.cur = NONE;
	g.ev_id = -1;
	while ((c = getopt_long(argc, argv, "c:qz", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': g.rules_path = optarg; break;
		case OPT_CHECK: g.check = 1; break;
		case OPT_STATS: g.stats = 1; break;
		case 'q': g.quiet = 1; break;
		case 'z': g.zstd = 1; break;
		case OPT_LEVEL: g.level = (int)cli_number(&info, "--level", optarg, 1, 19); break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (!g.rules_path)
		cli_usage_error(&info, "-c RULES is required");
	load_rules();
	if (g.check) {
		if (!g.quiet)
			fprintf(stderr, "eventreduce: %s: %zu rules, valid\n", g.rules_path, g.rules.n);
		return 0;
	}
	g.st = fp_calloc(g.rules.n ? g.rules.n : 1, sizeof *g.st);
	for (i = 0; i < g.rules.n; i++)
		if (g.rules.r[i].kind == R_BUCKET)
			g.bucket = &g.rules.r[i];
	g.run_end = fp_calloc(g.rules.n + 1, sizeof *g.run_end);
	g.sc = fp_calloc(g.rules.n + 1, sizeof *g.sc);
	/* EVENTREDUCE_NO_CACHE=1: every rule on every record (tests compare) */
	for (i = 0; i < g.rules.n && !getenv("EVENTREDUCE_NO_CACHE"); i++) {
		size_t j = i;

		while (j < g.rules.n && j - i < 64 && stack_pure(&g.rules.r[j]))
			j++;
		if (j > i) {
			g.run_end[i] = j;
			g.sc[i] = fp_calloc(SC_SLOTS, sizeof **g.sc);
			i = j - 1;
		}
	}
	buf_adds(&g.filter, "#filter eventreduce ");
	{
		const char *s;

		for (s = g.rules_path; *s; s++)
			buf_addc(&g.filter, (unsigned char)*s < 0x20 ? '?' : *s);
	}
	buf_addc(&g.filter, '\n');
	if (g.zstd)
		out_zstd(g.level);
	status = cli_each_input(argc - optind, argv + optind, reduce_input, NULL);
	if (g.bucket && g.have_window)
		bucket_flush();
	report();
	out_close();
	return status;
}
