/* reduce.h - eventreduce's private header: the state of one run of
 * cmd_eventreduce, grouped by concern, and the functions the parts share.
 *
 *   ../eventreduce.c  options, the rule file, inputs, the end
 *   record.c    the record being reduced: its fields, its frames split
 *               on demand, scratch memory until the next record, output
 *   match.c     keep/drop conditions, frame patterns with a cache of
 *               their results by name
 *   rewrite.c   the rules that change or drop a record (all but bucket)
 *   apply.c     the rules in order on each thread record, with the cache
 *               of runs of stack-only rules; T records
 *   bucket.c    the bucket rule: samples summed in time windows
 *   account.c   records and weights in, out, per rule; the figures
 *
 * Everything is reached from one struct red, made per call of
 * cmd_eventreduce and passed explicitly.
 */
#ifndef REDUCE_H
#define REDUCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "../../common/events.h"
#include "../../common/evscan.h"
#include "../../common/intern.h"
#include "../../common/order.h"
#include "../../common/out.h"
#include "../../common/rules.h"
#include "../../common/skip.h"
#include "../../common/u64map.h"

/* ---- record.c ---- */

/* A frame of the record's stack. */
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

/* The record being reduced, as the rules left it so far. */
struct rec {
	const struct ev_rec *r;
	struct slice pid, tid, comm, stack, extra;
	int dirty, stack_dirty, have_frames;
	struct fr *f;
	size_t nf, fcap;
	int orig_n;
	/* the stack cache entry whose output the stack is (bucket.c), while
	 * the stack is still sce_stack */
	struct scache *sce;
	struct slice sce_stack;
	/* recursion on long stacks (rewrite.c): the record's names, and where
	 * each stands among the frames kept */
	struct intern names;
	size_t *pos, poscap;
	/* scratch memory stable until the next record */
	char **blocks, **big;
	size_t nblocks, bcap, cur, boff, nbig, bigcap;
	struct buf tmp, stackbuf, commbuf, out;
};

#define NONE ((size_t)-1)

void rec_free(struct rec *c);
/* n bytes stable until the next record. */
char *scratch(struct rec *c, size_t n);
static inline void scratch_reset(struct rec *c)
{
	while (c->nbig > 0)
		free(c->big[--c->nbig]);
	c->cur = NONE;
}
/* Start on record r: its fields, no frames yet, scratch memory reset. */
static inline void rec_start(struct rec *c, const struct ev_rec *r)
{
	c->r = r;
	c->pid = r->pid;
	c->tid = r->tid;
	c->comm = r->comm;
	c->stack = ev_stack_cut(r->stack);
	c->extra = (struct slice){ c->stack.p + c->stack.n, r->stack.n - c->stack.n };
	c->dirty = c->stack_dirty = c->have_frames = 0;
	c->nf = 0;
	c->sce = NULL;
	scratch_reset(c);
}
const char *unescape_slow(struct rec *c, const char *p, size_t n, size_t *len);
/* The unescaped text of (p, n): p itself when it has no escapes. */
static inline const char *unescape_dup(struct rec *c, const char *p, size_t n, size_t *len)
{
	if (!memchr(p, '\\', n)) {
		*len = n;
		return p;
	}
	return unescape_slow(c, p, n, len);
}
void split_frames(struct rec *c);
static inline void need_frames(struct rec *c)
{
	if (!c->have_frames)
		split_frames(c);
}
struct slice cur_stack_build(struct rec *c);
/* The current stack, escaped. */
static inline struct slice cur_stack(struct rec *c)
{
	return c->stack_dirty ? cur_stack_build(c) : c->stack;
}
/* The record as the rules left it, into b (with LF). */
void build_record(struct rec *c, struct buf *b);
static inline void put_line(const char *p, size_t n)
{
	out_write(p, n);
	out_putc('\n');
}
/* Write the record as the rules left it. */
static inline void emit_current(struct rec *c)
{
	if (!c->dirty) {
		put_line(c->r->line.p, c->r->line.n);
		return;
	}
	build_record(c, &c->tmp);
	out_write(c->tmp.p, c->tmp.len);
}

/* ---- match.c ---- */

/*
 * Frame names repeat: each pattern keeps a direct-mapped cache of its
 * results by name (MEMO_SLOTS slots, names up to MEMO_MAX bytes) in its
 * struct rx's memo, so memory stays bounded and a repeated name costs
 * one hash.
 */
#define MEMO_SLOTS 4096
#define MEMO_MAX 256
struct mslot {
	uint64_t h;
	uint32_t n, on, cap;
	int state;		/* 0 empty, 1 no match / unchanged, 2 match, 3 renamed */
	char *buf;		/* the name, then the renamed name */
};

static inline struct mslot *memo_slot(struct rx *x, uint64_t h)
{
	if (!x->memo)
		x->memo = fp_calloc(MEMO_SLOTS, sizeof(struct mslot));
	return (struct mslot *)x->memo + (h & (MEMO_SLOTS - 1));
}
static inline int memo_hit(const struct mslot *m, uint64_t h, const char *s, size_t n)
{
	return m->state && m->h == h && m->n == n && memcmp(m->buf, s, n) == 0;
}
void memo_put(struct mslot *m, uint64_t h, const char *s, size_t n, int state,
	      const char *o, size_t on);
void memo_free(struct rx *x);
static inline uint64_t frame_hash(struct fr *f)
{
	if (!f->hv) {
		f->h = fp_hash(f->u, f->un);
		f->hv = 1;
	}
	return f->h;
}
/* Does x match (s, n)? Through x's cache when n <= MEMO_MAX (h: fp_hash of s). */
int rx_match_memo(const struct rx *x, const char *s, size_t n, uint64_t h);
int frame_match(const struct rx *x, struct fr *f);
/* Does any frame of the record match x? */
int any_frame(struct rec *c, const struct rx *x);
/* 1 match, 0 no match, -1 the rule does not apply (time conditions on spans) */
int match(struct rec *c, const struct rule_match *m);

/* ---- rewrite.c ---- */

/* Substitute rename rule ru in (s, n), through the rule's cache when n <=
 * MEMO_MAX (h: fp_hash of s); 1 with *out set (scratch memory) when the
 * result differs (rules_path for the message of a failure). */
int substitute(struct rec *c, const char *rules_path, const struct rule *ru, const char *s,
	       size_t n, uint64_t h, const char **out, size_t *outn);
/* One rule but bucket on the current record: *drop, *changed. */
void rule_step(struct rec *c, const char *rules_path, const struct rule *ru, int *drop,
	       int *changed);
/* Did the rule just applied remove the stack's own (leaf) frame? */
int leaf_removed(const struct rec *c, const struct rule *ru);

/* ---- account.c ---- */

struct stat_row {
	uint64_t dropped, changed, merged;
	int64_t *dw, *cw;	/* per event id */
};

struct acct {
	size_t nrules;
	struct intern events;
	int ev_id;		/* the last record's event, or -1 */
	struct slice last_ev;
	size_t nev, evcap;
	uint64_t in_n, out_n;
	int64_t *in_w, *out_w;
	struct stat_row *st;	/* per rule */
};

void acct_init(struct acct *a, size_t nrules);
void acct_free(struct acct *a);
int event_id_new(struct acct *a, struct slice ev);
/* The id of an event text, with its weight counters. */
static inline int event_id(struct acct *a, struct slice ev)
{
	if (a->ev_id >= 0 && ev.n == a->last_ev.n && memcmp(ev.p, a->last_ev.p, ev.n) == 0)
		return a->ev_id;
	return event_id_new(a, ev);
}
/* The figures on stderr (unless quiet) and as #reduce-* headers (stats);
 * dies when in != out + dropped + merged. */
void report(const struct acct *a, const struct rules *rs, const char *rules_path, int quiet,
	    int stats);

/* ---- apply.c ---- */

/* A run of rules on the stack, computed once per distinct stack */
struct scache {
	uint64_t h, mask;	/* mask: the rules of the run that changed the stack */
	uint64_t idle;		/* idle rules of the run whose stack half holds */
	uint32_t in_n, out_n, cap;
	int state, drop_at, span_at;	/* rule indices, or -1 */
	char *buf;		/* the stack in, then out */
	uint64_t win_gen;	/* bucket.c: the output's stack id in tables win_gen */
	uint32_t win_sid;
};

/* ---- bucket.c ---- */

/* An entry of the open window: a (who, stack) key and its weight sum, its
 * CPU text if all its samples had the same. */
struct bent {
	uint64_t key;		/* who id << 32 | stack id */
	int64_t weight;
	size_t cpu_off;		/* in bucket.cpus */
	uint32_t cpu_n;
	int cpu_same;
};

/*
 * The open window's samples by typed key, (who, stack): a thread, comm
 * and stack are ids in tables of texts, and a who is (thread, comm,
 * event, how far before the open window the sample's window starts: 0
 * but for a thread that lags behind). The tables are kept across windows
 * (at 10ms a window holds a few samples: emptying them for each would
 * cost more than the samples) and emptied at the end of a window once
 * they hold BK_LIMIT keys: memory is bounded by that, or by what one
 * window holds. seen maps a key to the window that last saw it (batch)
 * and its entry there.
 */
#define BK_LIMIT 4096
struct bucket {
	struct rule *rule;	/* the bucket rule, or NULL */
	struct order order;
	struct intern threads;	/* "pid\ttid" (escaped, ev_thread_key) */
	struct intern comms;	/* COMM (escaped) */
	struct intern stacks;	/* STACK (escaped) */
	struct intern whos;	/* struct bwho (bucket.c), as bytes */
	struct u64map seen;	/* key -> batch << 32 | entry index */
	struct bent *be;	/* the open window's entries */
	size_t nbe, becap;
	uint32_t batch;		/* the open window's number, from 1 */
	uint64_t gen;		/* the tables' number (scache.win_gen), from 1 */
	struct buf key;		/* scratch for the thread key */
	struct buf cpus;	/* cpu texts of the entries */
	struct buf held;	/* O C I records of the open windows, each "line\n" */
	uint64_t held_n;
	int64_t window;		/* the latest window start */
	int have_window;
};

struct red;
void bucket_free(struct bucket *b);
/* Write the open window's samples and held records. */
void bucket_flush(struct red *rd);
/* The bucket rule on the current record (ev: its event id if a sample):
 * 1 when it took the record (a sample into its window, a span or instant
 * held until the window is written), 0 when the record is written now
 * (no time). */
int bucket_record(struct red *rd, int ev);

/* ---- the whole ---- */

struct red {
	/* options */
	struct rules rules;
	const char *rules_path;
	int check, stats, quiet, zstd, level;
	struct skips skips;
	struct buf filter;	/* the #filter header */
	int magic_done;
	struct rec c;
	struct acct a;
	size_t *run_end;	/* rule i starts a run of stack-only rules up to run_end[i] (> i) */
	struct scache **sc;	/* the cache of each run */
	unsigned char *cls;	/* each rule's class (apply.c) */
	struct bucket b;
};

/* The runs of stack-only rules and their caches (none with
 * EVENTREDUCE_NO_CACHE set). */
void runs_init(struct red *rd);
void runs_free(struct red *rd);
/* S, O, C and I records. */
void thread_record(struct red *rd, const struct ev_rec *r, const char *file, uint64_t lineno);
/* T records: a comm rename renames thread names too */
void t_record(struct red *rd, const struct ev_rec *r);

#endif
