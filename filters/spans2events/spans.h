/* spans.h - spans2events' private header: the span table and the state of
 * one run of cmd_spans2events, grouped by concern, and the functions the
 * parts share.
 *
 *   ../spans2events.c  options, one input after the other, then the output
 *   json.c             the JSON walk: OTLP documents and JSON Lines, Ferret
 *                      spans as JSON; one span at a time into the table
 *   ferret.c           Ferret's SQLite database (its BeaverDB log rows)
 *   nest.c             parents, depths, the run to keep; lanes (TIDs) so
 *                      that the spans of a lane nest
 *   emit.c             P/T names and O/C/I records in time order, each with
 *                      its root-first stack, the nesting depth capped
 *
 * Everything is reached from one struct sp, allocated per call of
 * cmd_spans2events and passed explicitly.
 */
#ifndef SPANS_H
#define SPANS_H

#include <stdint.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/events.h"
#include "../../common/input.h"
#include "../../common/intern.h"
#include "../../common/skip.h"

#define NONE ((size_t)-1)
#define NO_TIME INT64_MIN

struct str {
	size_t off, len;	/* in the table's arena */
};

struct span {
	struct str key, parent_key;	/* "trace\tspan" and "trace\tparent" (ids lower-case) */
	struct str name;	/* with the --tag suffixes */
	struct str pid, thread, thread_name;	/* lane: pid (service / run id), OTLP thread */
	size_t res;		/* OTLP: the resource, NONE for Ferret */
	int64_t start, end;
	size_t parent;		/* resolved, in the same pid; NONE for a root */
	size_t group;		/* (pid, thread) lane group */
	size_t lane;		/* sub-lane within the group */
	struct str tid;		/* the lane's TID */
	uint32_t depth;
	uint64_t line;
	unsigned char nested;	/* on its parent's lane, inside it (nest.c) */
};

struct resource {
	struct str service, thread;
};

/* What the parser is inside of: one per open container. */
enum sctx {
	X_SKIP, X_DOC, X_LIST, X_RS_ARR, X_RS, X_RESOURCE, X_ATTRS, X_KV, X_ANYVAL,
	X_SS_ARR, X_SS, X_SPANS_ARR, X_SPAN, X_ITEMS, X_ITEM, X_FSPAN, X_TAGS,
	X_ARRVAL, X_ARRVALS, X_ARRELEM,
};

/* The span being read. */
struct cur {
	int have_id, is_otlp;
	struct buf trace, id, parent, name, run;
	struct buf thread, thread_name;
	struct buf tags;	/* (length, key, length, value) ..., see add_tag() */
	int64_t start, end, dur;
	int bad_time;
	uint64_t line;
};

struct lane {
	size_t *stk;
	size_t n, cap;
	struct str tid;		/* its TID, see lane_tid() */
	int named;
};

struct group {
	struct lane *lanes;
	size_t nlanes, cap;
	/* lanes in use: (free time, lane) min-heap; free lanes: min-heap of numbers */
	struct busy { int64_t t; size_t lane; } *busy;
	size_t nbusy, busy_cap;
	size_t *free;
	size_t nfree, free_cap;
};

struct sp_opts {
	const char **tags;
	size_t ntags, tags_cap;
	const char *run_id, *log;
	int all_runs;
	long long max_depth;	/* 0: no limit */
};

/* Where the reading is (json.c, ferret.c). */
struct sp_read {
	int ferret_sql;		/* reading SQLite rows: keep only the wanted run */
	int peek;		/* only note the run id of the span read */
	uint64_t row;		/* the SQLite row being read, 0 for JSON input */
	struct buf want_run;
	enum sctx *ctx;
	size_t ctx_cap;
	struct cur c;
	struct buf kv_key, kv_val;
	int kv_owner_span, kv_has_val;
	size_t arr_n;		/* elements of an OTLP arrayValue so far */
	size_t res;		/* current OTLP resource */
};

/* Everything read so far (all inputs: the output is made at the end). */
struct sp_table {
	struct buf arena;
	struct span *spans;
	size_t nspans, spans_cap;
	struct resource *resources;
	size_t nres, res_cap;
	int saw_otlp, saw_ferret;
	uint64_t no_end, bad_times;
	int said_empty;		/* "no spans of run ..." was said */
};

struct sp {
	struct sp_opts opt;
	struct skips skips;
	const char *file;	/* the current input */
	struct sp_read rd;
	struct sp_table tab;
};

/* json.c */
int sp_parse_json(struct sp *sp, struct input *in);
/* Feed one JSON text (a SQLite row); JSON_OK or another json_result. */
int sp_feed_json(struct sp *sp, const char *p, size_t n, const char *path);
void sp_read_free(struct sp_read *rd);
/* ferret.c */
int sp_parse_sqlite(struct sp *sp, const char *path);
/* nest.c */
void sp_resolve(struct sp *sp);
/* The spans kept, in start order (free it); *n their count. */
size_t *sp_order(struct sp *sp, size_t *n);
/* Put each span of order on a lane and give it the lane's TID. */
void sp_lanes(struct sp *sp, const size_t *order, size_t n);
/* emit.c */
void sp_emit(struct sp *sp, int failed);

static inline struct str keep(struct sp_table *tab, const char *p, size_t n)
{
	struct str s = { tab->arena.len, n };

	buf_add(&tab->arena, p, n);
	return s;
}

static inline struct slice sl(const struct sp_table *tab, struct str s)
{
	struct slice r = { tab->arena.p + s.off, s.len };

	return r;
}

static inline int str_eq(const struct sp_table *tab, struct str a, struct str b)
{
	return a.len == b.len && memcmp(tab->arena.p + a.off, tab->arena.p + b.off, a.len) == 0;
}

static inline void sset(struct buf *b, const char *p, size_t n)
{
	b->len = 0;
	buf_add(b, p, n);
}

#endif
