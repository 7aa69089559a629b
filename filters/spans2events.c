/* spans2events - convert tracing spans (OTLP JSON, Ferret) to the flamepipe events format */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <yajl/yajl_parse.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/json.h"
#include "../common/out.h"
#include "../common/skip.h"

static const struct cli_info info = {
	"spans2events",
	"spans2events [-aq] [-l LOG] [-r RUN] [-t KEY]... [--strict] [FILE ...]",
	"Convert tracing spans to a flamepipe events stream (events(5)): O/C\n"
	"records in time order, each with the span's full root-first stack.\n"
	"Reads OpenTelemetry OTLP JSON (a whole document or the file exporter's\n"
	"JSON Lines; plain, gzip or zstd) and Ferret span stores (its SQLite\n"
	"database, or its spans as JSON / JSON Lines). FILE - or no FILE reads\n"
	"stdin (JSON only). See docs/spans.md.\n"
	"\n"
	"  -t, --tag=KEY      append [VALUE] of tag/attribute KEY to span names\n"
	"                     (repeatable, in the order given)\n"
	"  -r, --run-id=RUN   Ferret: convert run RUN (default: the latest run)\n"
	"  -a, --all-runs     Ferret: convert every run, one process each\n"
	"  -l, --log=LOG      Ferret: the BeaverDB log name (default _ferret_trace)\n"
	"      --strict       stop at the first span that cannot be used\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

#define NONE ((size_t)-1)
#define NO_TIME INT64_MIN

struct str {
	size_t off, len;	/* in g.arena */
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

struct rec {
	int64_t t;
	size_t span;
	int type;	/* 0 C, 1 I, 2 O: the order at equal times */
	size_t order;
};

static struct {
	const char **tags;
	size_t ntags;
	const char *run_id, *log;
	int all_runs;
	struct skips skips;
	/* the current input */
	const char *file;
	int ferret_sql;	/* reading SQLite rows: keep only the wanted run */
	int peek;	/* only note the run id of the span read */
	uint64_t row;	/* the SQLite row being read, 0 for JSON input */
	struct buf want_run;
	enum sctx *ctx;
	size_t ctx_cap;
	struct cur c;
	struct buf kv_key, kv_val;
	int kv_owner_span, kv_has_val;
	size_t arr_n;	/* elements of an OTLP arrayValue so far */
	size_t res;	/* current OTLP resource */
	/* everything read so far */
	struct buf arena;
	struct span *spans;
	size_t nspans, spans_cap;
	struct resource *resources;
	size_t nres, res_cap;
	int saw_otlp, saw_ferret;
	uint64_t no_end, bad_times;
	int said_empty;	/* "no spans of run ..." was said */
} g;

static struct str keep(const char *p, size_t n)
{
	struct str s = { g.arena.len, n };

	buf_add(&g.arena, p, n);
	return s;
}

static struct slice sl(struct str s)
{
	struct slice r = { g.arena.p + s.off, s.len };

	return r;
}

static int str_eq(struct str a, struct str b)
{
	return a.len == b.len && memcmp(g.arena.p + a.off, g.arena.p + b.off, a.len) == 0;
}

static void set(struct buf *b, const char *p, size_t n)
{
	b->len = 0;
	buf_add(b, p, n);
}

static void lower_hex(struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->p[i] >= 'A' && b->p[i] <= 'F')
			b->p[i] = (char)(b->p[i] - 'A' + 'a');
}

/* ---- the span being read ---- */

static void cur_reset(int otlp, uint64_t line)
{
	struct cur *c = &g.c;

	c->have_id = 0;
	c->is_otlp = otlp;
	c->trace.len = c->id.len = c->parent.len = c->name.len = c->run.len = 0;
	c->thread.len = c->thread_name.len = c->tags.len = 0;
	c->start = c->end = c->dur = NO_TIME;
	c->bad_time = 0;
	c->line = g.row ? g.row : line;
}

/* Tags are kept as (length, bytes) pairs: JSON strings may hold NUL bytes. */
static void add_tag(const char *k, size_t kn, const char *v, size_t vn)
{
	buf_add(&g.c.tags, &kn, sizeof kn);
	buf_add(&g.c.tags, k, kn);
	buf_add(&g.c.tags, &vn, sizeof vn);
	buf_add(&g.c.tags, v, vn);
}

/* The value of tag KEY of the current span, or NULL. */
static const char *find_tag(const char *key, size_t *n)
{
	size_t off = 0, kn, vn, len = strlen(key);

	while (off < g.c.tags.len) {
		const char *k, *v;

		memcpy(&kn, g.c.tags.p + off, sizeof kn);
		k = g.c.tags.p + off + sizeof kn;
		off += sizeof kn + kn;
		memcpy(&vn, g.c.tags.p + off, sizeof vn);
		v = g.c.tags.p + off + sizeof vn;
		off += sizeof vn + vn;
		if (kn == len && memcmp(k, key, len) == 0) {
			*n = vn;
			return v;
		}
	}
	return NULL;
}

static void span_done(void)
{
	struct cur *c = &g.c;
	struct span *s;
	size_t i, n;

	if (!c->have_id)
		return;
	c->have_id = 0;
	if (g.peek) {
		set(&g.want_run, c->run.p, c->run.len);
		return;
	}
	if (!c->is_otlp && g.ferret_sql && !g.all_runs &&
	    (c->run.len != g.want_run.len || memcmp(c->run.p, g.want_run.p, c->run.len) != 0))
		return;
	if (c->bad_time) {
		g.bad_times++;
		skip_record(&g.skips, g.file, c->line, "span with a time that is not a number");
		return;
	}
	if (c->start == NO_TIME) {
		skip_record(&g.skips, g.file, c->line, "span without a start time");
		return;
	}
	if (c->end == NO_TIME && c->dur != NO_TIME &&
	    __builtin_add_overflow(c->start, c->dur, &c->end)) {
		g.bad_times++;
		skip_record(&g.skips, g.file, c->line,
			    "span whose end is beyond the int64 nanosecond range");
		return;
	}
	if (c->end == NO_TIME || (c->is_otlp && c->end == 0)) {
		g.no_end++;
		skip_record(&g.skips, g.file, c->line, "span without an end time (never finished)");
		return;
	}
	if (c->end < c->start) {
		skip_record(&g.skips, g.file, c->line, "span that ends before it starts");
		return;
	}
	fp_grow(&g.spans, &g.spans_cap, g.nspans + 1, sizeof *g.spans);
	s = &g.spans[g.nspans++];
	memset(s, 0, sizeof *s);
	s->start = c->start;
	s->end = c->end;
	s->line = c->line;
	s->res = c->is_otlp ? g.res : NONE;
	/* keys: trace (or run) TAB span id */
	{
		struct buf *tr = c->is_otlp ? &c->trace : &c->run;

		lower_hex(&c->id);
		lower_hex(&c->parent);
		s->key.off = g.arena.len;
		buf_add(&g.arena, tr->p, tr->len);
		buf_addc(&g.arena, '\t');
		buf_add(&g.arena, c->id.p, c->id.len);
		s->key.len = g.arena.len - s->key.off;
		if (c->parent.len) {
			s->parent_key.off = g.arena.len;
			buf_add(&g.arena, tr->p, tr->len);
			buf_addc(&g.arena, '\t');
			buf_add(&g.arena, c->parent.p, c->parent.len);
			s->parent_key.len = g.arena.len - s->parent_key.off;
		}
	}
	s->name.off = g.arena.len;
	buf_add(&g.arena, c->name.p, c->name.len);
	for (i = 0; i < g.ntags; i++) {
		const char *v = find_tag(g.tags[i], &n);

		if (!v)
			continue;
		buf_addc(&g.arena, '[');
		buf_add(&g.arena, v, n);
		buf_addc(&g.arena, ']');
	}
	s->name.len = g.arena.len - s->name.off;
	if (!c->is_otlp)
		s->pid = keep(c->run.p, c->run.len);
	s->thread = keep(c->thread.p, c->thread.len);
	s->thread_name = keep(c->thread_name.p, c->thread_name.len);
	if (c->is_otlp)
		g.saw_otlp = 1;
	else
		g.saw_ferret = 1;
}

/* ---- JSON callbacks ---- */

static enum sctx *ctx_at(size_t d)
{
	fp_grow(&g.ctx, &g.ctx_cap, d + 1, sizeof *g.ctx);
	return &g.ctx[d];
}

static int key_is(struct json *j, const char *k)
{
	return j->depth > 0 && json_key_is(j, j->depth - 1, k);
}

/* A container starts at depth d (j->depth): what is it? */
static enum sctx open_ctx(struct json *j, enum json_type t)
{
	size_t d = j->depth;
	enum sctx up = d == 0 ? X_SKIP : g.ctx[d - 1];
	int map = t == JSON_MAP;

	if (d == 0)
		return map ? X_DOC : X_LIST;
	switch (up) {
	case X_DOC:
	case X_FSPAN:
		if (!map && key_is(j, "resourceSpans"))
			return X_RS_ARR;
		if (!map && key_is(j, "items"))
			return X_ITEMS;
		if (map && key_is(j, "tags"))
			return X_TAGS;
		break;
	case X_LIST:
		return map ? X_FSPAN : X_SKIP;
	case X_ITEMS:
		return map ? X_ITEM : X_SKIP;
	case X_ITEM:
		return map && key_is(j, "data") ? X_FSPAN : X_SKIP;
	case X_RS_ARR:
		if (map) {
			fp_grow(&g.resources, &g.res_cap, g.nres + 1, sizeof *g.resources);
			memset(&g.resources[g.nres], 0, sizeof *g.resources);
			g.res = g.nres++;
			return X_RS;
		}
		break;
	case X_RS:
		if (map && key_is(j, "resource"))
			return X_RESOURCE;
		if (!map && (key_is(j, "scopeSpans") || key_is(j, "instrumentationLibrarySpans")))
			return X_SS_ARR;
		break;
	case X_RESOURCE:
		if (!map && key_is(j, "attributes")) {
			g.kv_owner_span = 0;
			return X_ATTRS;
		}
		break;
	case X_SS_ARR:
		return map ? X_SS : X_SKIP;
	case X_SS:
		return !map && key_is(j, "spans") ? X_SPANS_ARR : X_SKIP;
	case X_SPANS_ARR:
		if (map) {
			cur_reset(1, json_line(j));
			return X_SPAN;
		}
		break;
	case X_SPAN:
		if (!map && key_is(j, "attributes")) {
			g.kv_owner_span = 1;
			return X_ATTRS;
		}
		break;
	case X_ATTRS:
		if (map) {
			g.kv_key.len = g.kv_val.len = 0;
			g.kv_has_val = 0;
			return X_KV;
		}
		break;
	case X_KV:
		if (map && key_is(j, "value"))
			return X_ANYVAL;
		break;
	case X_ANYVAL:
		g.kv_has_val = 1;
		g.kv_val.len = 0;
		if (map && key_is(j, "arrayValue")) {	/* written [a,b,c] */
			buf_addc(&g.kv_val, '[');
			g.arr_n = 0;
			return X_ARRVAL;
		}
		json_capture(j, &g.kv_val);	/* kvlistValue: as compact JSON */
		break;
	case X_ARRVAL:
		return !map && key_is(j, "values") ? X_ARRVALS : X_SKIP;
	case X_ARRVALS:
		return map ? X_ARRELEM : X_SKIP;
	case X_TAGS:
		g.kv_val.len = 0;
		json_capture(j, &g.kv_val);
		break;
	default:
		break;
	}
	return X_SKIP;
}

static void time_value(struct json *j, enum json_type t, const char *p, size_t n, int scale,
		       int64_t *v)
{
	(void)j;
	if (t == JSON_NULL)
		return;
	if ((t != JSON_NUMBER && t != JSON_STRING) || json_decimal(p, n, scale, v) < 0)
		g.c.bad_time = 1;
}

static void otlp_field(struct json *j, enum json_type t, const char *p, size_t n)
{
	struct cur *c = &g.c;

	if (key_is(j, "traceId")) {
		set(&c->trace, p, n);
		lower_hex(&c->trace);
	} else if (key_is(j, "spanId")) {
		set(&c->id, p, n);
		c->have_id = 1;
	} else if (key_is(j, "parentSpanId")) {
		set(&c->parent, p, n);
	} else if (key_is(j, "name")) {
		set(&c->name, p, n);
	} else if (key_is(j, "startTimeUnixNano")) {
		time_value(j, t, p, n, 0, &c->start);
	} else if (key_is(j, "endTimeUnixNano")) {
		time_value(j, t, p, n, 0, &c->end);
	}
}

static void ferret_field(struct json *j, enum json_type t, const char *p, size_t n)
{
	struct cur *c = &g.c;

	if (key_is(j, "span_id") && t == JSON_STRING) {
		set(&c->id, p, n);
		c->have_id = 1;
	} else if (key_is(j, "parent_id") && t == JSON_STRING) {
		set(&c->parent, p, n);
	} else if (key_is(j, "run_id") && t == JSON_STRING) {
		set(&c->run, p, n);
	} else if (key_is(j, "name") && t == JSON_STRING) {
		set(&c->name, p, n);
	} else if (key_is(j, "start_time")) {
		time_value(j, t, p, n, 9, &c->start);
	} else if (key_is(j, "end_time")) {
		time_value(j, t, p, n, 9, &c->end);
	} else if (key_is(j, "duration")) {
		time_value(j, t, p, n, 9, &c->dur);
	}
}

/* Attribute KEY = VALUE of a span or resource. */
static void kv_done(void)
{
	const char *k = g.kv_key.p, *v = g.kv_val.p;
	size_t kn = g.kv_key.len, vn = g.kv_val.len;

	if (!g.kv_has_val || kn == 0)
		return;
	if (g.kv_owner_span) {
		if (kn == 9 && memcmp(k, "thread.id", 9) == 0)
			set(&g.c.thread, v, vn);
		else if (kn == 11 && memcmp(k, "thread.name", 11) == 0)
			set(&g.c.thread_name, v, vn);
		add_tag(k, kn, v, vn);
	} else {
		struct resource *r = &g.resources[g.res];

		if (kn == 12 && memcmp(k, "service.name", 12) == 0)
			r->service = keep(v, vn);
		else if (kn == 9 && memcmp(k, "thread.id", 9) == 0)
			r->thread = keep(v, vn);
	}
}

static int on_value(struct json *j, enum json_type t, const char *p, size_t n)
{
	size_t d = j->depth;
	enum sctx up = d == 0 ? X_SKIP : g.ctx[d - 1];

	if (t == JSON_MAP || t == JSON_ARRAY) {
		enum sctx c = open_ctx(j, t);

		if (c == X_DOC || c == X_FSPAN)
			cur_reset(0, json_line(j));
		*ctx_at(d) = c;
		return 1;
	}
	if (d == 0)
		return 1;
	switch (up) {
	case X_SPAN:
		otlp_field(j, t, p, n);
		break;
	case X_DOC:
	case X_FSPAN:
		ferret_field(j, t, p, n);
		break;
	case X_KV:
		if (key_is(j, "key") && t == JSON_STRING)
			set(&g.kv_key, p, n);
		break;
	case X_ANYVAL:
		if (t != JSON_NULL) {
			set(&g.kv_val, p, n);
			g.kv_has_val = 1;
		}
		break;
	case X_ARRELEM:
		if (g.arr_n++)
			buf_addc(&g.kv_val, ',');
		buf_add(&g.kv_val, p, n);
		break;
	case X_TAGS:
		if (j->depth > 0) {
			struct slice k = json_key(j, d - 1);

			if (t == JSON_NULL)
				add_tag(k.p, k.n, "null", 4);
			else if (t == JSON_TRUE || t == JSON_FALSE)
				add_tag(k.p, k.n, t == JSON_TRUE ? "true" : "false", t == JSON_TRUE ? 4 : 5);
			else
				add_tag(k.p, k.n, p, n);
		}
		break;
	default:
		break;
	}
	return 1;
}

static int on_end(struct json *j, enum json_type t)
{
	size_t d = j->depth;
	enum sctx c = g.ctx[d];

	(void)t;
	switch (c) {
	case X_SPAN:
		span_done();
		break;
	case X_DOC:
	case X_FSPAN:
		span_done();
		break;
	case X_KV:
		kv_done();
		break;
	case X_ARRVAL:
		buf_addc(&g.kv_val, ']');
		break;
	case X_SKIP:
		/* a tag whose value is an object or array: captured whole */
		if (d > 0 && g.ctx[d - 1] == X_TAGS) {
			struct slice k = json_key(j, d - 1);

			add_tag(k.p, k.n, g.kv_val.p ? g.kv_val.p : "", g.kv_val.len);
		}
		break;
	default:
		break;
	}
	return 1;
}

static const struct json_handler handler = { on_value, on_end };

static int parse_json(struct input *in)
{
	struct json j;
	enum json_result r;

	json_init(&j, &handler, NULL);
	yajl_config((yajl_handle)j.yajl, yajl_allow_multiple_values, 1);	/* JSON Lines */
	r = json_parse_input(&j, in);
	json_free(&j);
	if (r == JSON_TRUNCATED) {
		fp_warn("%s: truncated JSON: the spans before the cut are converted", in->name);
		return 1;
	}
	return r != JSON_OK;
}

/* ---- Ferret's SQLite database ---- */

static int sql_fail(sqlite3 *db, const char *path)
{
	fp_warn("%s: sqlite: %s", path, sqlite3_errmsg(db));
	sqlite3_close(db);
	return 1;
}

static int parse_sqlite(const char *path)
{
	static const char *tables[] = { "beaver_logs", "__beaver_logs__" };
	sqlite3 *db;
	sqlite3_stmt *st;
	const char *table = NULL;
	char sql[200];
	size_t i, before;
	int rc, bad = 0;
	uint64_t row = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return sql_fail(db, path);
	for (i = 0; i < sizeof tables / sizeof tables[0] && !table; i++) {
		if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
				       -1, &st, NULL) != SQLITE_OK)
			return sql_fail(db, path);
		sqlite3_bind_text(st, 1, tables[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			table = tables[i];
		sqlite3_finalize(st);
	}
	if (!table) {
		fp_warn("%s: not a Ferret database (no BeaverDB log table)", path);
		sqlite3_close(db);
		return 1;
	}
	g.ferret_sql = 1;
	g.want_run.len = 0;
	if (g.run_id) {
		buf_adds(&g.want_run, g.run_id);
	} else if (!g.all_runs) {
		/* the latest run: Ferret's own choice, the run of the last log entry */
		snprintf(sql, sizeof sql, "SELECT data FROM %s WHERE log_name = ?1 "
			 "ORDER BY timestamp DESC LIMIT 1", table);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			return sql_fail(db, path);
		sqlite3_bind_text(st, 1, g.log, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			struct json j;
			const char *data = (const char *)sqlite3_column_text(st, 0);

			json_init(&j, &handler, NULL);
			g.peek = 1;
			json_feed(&j, data ? data : "", data ? strlen(data) : 0, 1, path);
			g.peek = 0;
			json_free(&j);
		}
		sqlite3_finalize(st);
		if (g.want_run.len == 0) {
			g.said_empty = 1;
			fp_warn("%s: no spans in log %s", path, g.log);
			sqlite3_close(db);
			g.ferret_sql = 0;
			return 0;
		}
	}
	snprintf(sql, sizeof sql, "SELECT data FROM %s WHERE log_name = ?1 ORDER BY timestamp",
		 table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, path);
	sqlite3_bind_text(st, 1, g.log, -1, SQLITE_STATIC);
	before = g.nspans;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *data = (const char *)sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		struct json j;

		g.row = ++row;	/* messages give the row number as the line */
		json_init(&j, &handler, NULL);
		if (json_feed(&j, data ? data : "", data ? (size_t)n : 0, 1, path) != JSON_OK)
			skip_record(&g.skips, path, row, "log row that is not a JSON span");
		json_free(&j);
	}
	if (rc != SQLITE_DONE)
		bad = 1, fp_warn("%s: sqlite: %s", path, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	g.ferret_sql = 0;
	g.row = 0;
	if (g.nspans == before && !g.all_runs && ++g.said_empty) {
		struct buf run = { 0 };	/* the run id is input: escaped, one line */

		ev_buf_escaped(&run, g.want_run.p, g.want_run.len);
		buf_addc(&run, 0);
		fp_warn("%s: no spans of run %s in log %s", path, run.p, g.log);
		buf_free(&run);
	}
	return bad;
}

static int read_input(const char *path, void *ctx)
{
	static const char magic[16] = "SQLite format 3";
	struct input in;
	int r;

	(void)ctx;
	if (input_open(&in, path) < 0)
		return 1;
	g.file = in.name;
	out_puts("#input ");
	ev_put_escaped(in.name, strlen(in.name));
	out_putc('\n');
	if (in.codec == INPUT_PLAIN && in.end - in.start >= 16 &&
	    memcmp(in.buf + in.start, magic, 16) == 0) {
		input_close(&in);
		if (strcmp(path, "-") == 0) {
			fp_warn("<stdin>: a SQLite database must be given as a file");
			return 1;
		}
		r = parse_sqlite(path);
		skip_file_done(&g.skips, path, "spans");
		return r;
	}
	r = parse_json(&in);
	skip_file_done(&g.skips, in.name, "spans");
	input_close(&in);
	return r;
}

/* ---- from spans to records ---- */

static struct intern pids_seen, threads_seen;

/* Depths of the walk from i up to (not including) done, whose depth is known. */
static void depth_down(size_t i, size_t done)
{
	size_t n = 0, q;
	uint32_t d = done == NONE ? 0 : g.spans[done].depth + 1;

	for (q = i; q != done; q = g.spans[q].parent)
		n++;
	/* n nodes: the top one gets d, the bottom (i) d + n - 1 */
	for (q = i; q != done; q = g.spans[q].parent)
		g.spans[q].depth = d + (uint32_t)--n;
}

/* Ferret spans read as JSON: keep one run, as from the database. */
static void pick_run(void)
{
	size_t i, last = NONE;
	struct str want;

	if (g.all_runs || !g.saw_ferret)
		return;
	for (i = 0; i < g.nspans; i++)
		if (g.spans[i].res == NONE &&
		    (last == NONE || g.spans[i].start >= g.spans[last].start))
			last = i;
	if (last == NONE)
		return;
	if (g.run_id)
		want = keep(g.run_id, strlen(g.run_id));
	else
		want = g.spans[last].pid;
	out_puts("#run ");
	ev_put_escaped(g.arena.p + want.off, want.len);
	out_putc('\n');
	for (i = 0; i < g.nspans; i++)
		if (g.spans[i].res == NONE && !str_eq(g.spans[i].pid, want))
			g.spans[i].start = NO_TIME;
}

static void resolve(void)
{
	struct intern ids = { 0 };
	size_t i, dup = 0, orphans = 0, cross = 0;
	static const char unknown[] = "unknown_service";

	for (i = 0; i < g.nspans; i++) {
		struct span *s = &g.spans[i];

		if (s->res != NONE) {
			const struct resource *r = &g.resources[s->res];

			s->pid = r->service.len ? r->service : keep(unknown, sizeof unknown - 1);
			if (s->thread.len == 0)
				s->thread = r->thread;
		}
	}
	pick_run();
	for (i = 0; i < g.nspans; i++) {
		int added;
		size_t k;

		if (g.spans[i].start == NO_TIME)
			continue;
		k = intern_get(&ids, g.arena.p + g.spans[i].key.off, g.spans[i].key.len, &added);

		if (!added) {
			dup++;
			g.spans[i].start = NO_TIME;	/* dropped below */
			continue;
		}
		ids.ents[k].aux = (int64_t)i;
	}
	for (i = 0; i < g.nspans; i++) {
		struct span *s = &g.spans[i];
		size_t k;

		s->parent = NONE;
		if (s->parent_key.len == 0 || s->start == NO_TIME)
			continue;
		k = intern_find(&ids, g.arena.p + s->parent_key.off, s->parent_key.len);
		if (k == NONE) {
			orphans++;
			continue;
		}
		if (!str_eq(g.spans[ids.ents[k].aux].pid, s->pid)) {
			cross++;
			continue;
		}
		s->parent = (size_t)ids.ents[k].aux;
	}
	/* depths in O(n); a parent cycle (broken input) is cut */
	{
		unsigned char *state = fp_calloc(g.nspans + 1, 1);	/* 1 on the walk, 2 done */
		size_t p, q;

		for (i = 0; i < g.nspans; i++) {
			for (p = i; p != NONE && state[p] == 0; p = g.spans[p].parent)
				state[p] = 1;
			if (p != NONE && state[p] == 1) {
				for (q = p; g.spans[q].parent != p; q = g.spans[q].parent)
					;
				g.spans[q].parent = NONE;	/* the link closing the loop */
				p = NONE;
			}
			/* p is NONE or done: set depths from the top down */
			depth_down(i, p);
			for (q = i; q != NONE && state[q] == 1; q = g.spans[q].parent)
				state[q] = 2;
		}
		free(state);
	}
	if (dup)
		fp_warn("%zu spans with an id seen before dropped", dup);
	if (orphans)
		fp_warn("%zu spans whose parent is not in the input are roots", orphans);
	if (cross)
		fp_warn("%zu spans whose parent is in another service start their own stacks", cross);
	intern_free(&ids);
}

static int by_start(const void *a, const void *b)
{
	const struct span *x = &g.spans[*(const size_t *)a], *y = &g.spans[*(const size_t *)b];

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;	/* longer first: the enclosing one */
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int by_time(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->type != y->type)
		return x->type - y->type;
	if (x->type == 0)	/* closes: inner (opened later) first */
		return x->order > y->order ? -1 : 1;
	return x->order < y->order ? -1 : 1;
}

/* ---- lanes: binary heaps ---- */

static void busy_push(struct group *gr, int64_t t, size_t lane)
{
	size_t i;

	fp_grow(&gr->busy, &gr->busy_cap, gr->nbusy + 1, sizeof *gr->busy);
	for (i = gr->nbusy++; i > 0 && gr->busy[(i - 1) / 2].t > t; i = (i - 1) / 2)
		gr->busy[i] = gr->busy[(i - 1) / 2];
	gr->busy[i].t = t;
	gr->busy[i].lane = lane;
}

static void busy_pop(struct group *gr)
{
	struct busy last = gr->busy[--gr->nbusy];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < gr->nbusy) {
		if (c + 1 < gr->nbusy && gr->busy[c + 1].t < gr->busy[c].t)
			c++;
		if (gr->busy[c].t >= last.t)
			break;
		gr->busy[i] = gr->busy[c];
		i = c;
	}
	if (gr->nbusy)
		gr->busy[i] = last;
}

static void free_push(struct group *gr, size_t lane)
{
	size_t i;

	fp_grow(&gr->free, &gr->free_cap, gr->nfree + 1, sizeof *gr->free);
	for (i = gr->nfree++; i > 0 && gr->free[(i - 1) / 2] > lane; i = (i - 1) / 2)
		gr->free[i] = gr->free[(i - 1) / 2];
	gr->free[i] = lane;
}

static void free_pop(struct group *gr)
{
	size_t last = gr->free[--gr->nfree], i = 0, c;

	while ((c = 2 * i + 1) < gr->nfree) {
		if (c + 1 < gr->nfree && gr->free[c + 1] < gr->free[c])
			c++;
		if (gr->free[c] >= last)
			break;
		gr->free[i] = gr->free[c];
		i = c;
	}
	if (gr->nfree)
		gr->free[i] = last;
}

static void lane_push(struct lane *l, size_t s)
{
	fp_grow(&l->stk, &l->cap, l->n + 1, sizeof *l->stk);
	l->stk[l->n++] = s;
}

/*
 * Put span s (in start order) on a lane of its group: on top of its parent
 * when the parent is the innermost open span of its lane and s ends within
 * it; otherwise (a root, overlapping siblings, a child that outlives its
 * parent) on the lowest-numbered lane that is empty at s's start.
 */
static void place(struct group *gr, size_t si)
{
	struct span *s = &g.spans[si];
	size_t p = s->parent;
	int zero = s->end == s->start;

	while (gr->nbusy && gr->busy[0].t <= s->start) {
		free_push(gr, gr->busy[0].lane);
		busy_pop(gr);
	}
	if (p != NONE && g.spans[p].group == s->group && g.spans[p].lane != NONE) {
		struct lane *l = &gr->lanes[g.spans[p].lane];

		while (l->n) {
			const struct span *t = &g.spans[l->stk[l->n - 1]];

			if (t->end < s->start || (t->end == s->start && l->stk[l->n - 1] != p))
				l->n--;
			else
				break;
		}
		if (l->n && l->stk[l->n - 1] == p && s->end <= g.spans[p].end) {
			s->lane = g.spans[p].lane;
			if (!zero)
				lane_push(l, si);
			return;
		}
	}
	if (gr->nfree == 0) {
		fp_grow(&gr->lanes, &gr->cap, gr->nlanes + 1, sizeof *gr->lanes);
		memset(&gr->lanes[gr->nlanes], 0, sizeof *gr->lanes);
		free_push(gr, gr->nlanes++);
	}
	s->lane = gr->free[0];
	if (zero)
		return;		/* an instant occupies nothing */
	free_pop(gr);
	gr->lanes[s->lane].n = 0;
	lane_push(&gr->lanes[s->lane], si);
	busy_push(gr, s->end, s->lane);
}

/*
 * The TID of a lane: its thread (or nothing), and #N for extra lanes. Two
 * lanes of a PID must not share a TID (a thread named "1" or "X#2" next to
 * lanes without a thread, or next to lane 2 of thread X): the later one
 * gets '+' appended until its TID is unique in the PID.
 */
static struct str lane_tid(const struct span *s, struct intern *tids, struct buf *key)
{
	char num[32];
	size_t base;
	int added;

	key->len = 0;
	buf_add(key, g.arena.p + s->pid.off, s->pid.len);
	buf_addc(key, '\t');
	base = key->len;
	if (s->thread.len) {
		buf_add(key, g.arena.p + s->thread.off, s->thread.len);
		if (s->lane > 0) {
			snprintf(num, sizeof num, "#%zu", s->lane + 1);
			buf_adds(key, num);
		}
	} else {
		snprintf(num, sizeof num, "%zu", s->lane + 1);
		buf_adds(key, num);
	}
	for (;;) {
		intern_get(tids, key->p, key->len, &added);
		if (added)
			break;
		buf_addc(key, '+');
	}
	return keep(key->p + base, key->len - base);
}

static void put_tid(const struct span *s)
{
	ev_put_field(g.arena.p + s->tid.off, s->tid.len);
}

static void put_stack(size_t si, size_t **chain, size_t *cap)
{
	size_t n = 0, p;

	for (p = si; p != NONE; p = g.spans[p].parent) {
		fp_grow(chain, cap, n + 1, sizeof **chain);
		(*chain)[n++] = p;
	}
	while (n-- > 0) {
		struct ev_frame_out f = { 0 };

		f.name = sl(g.spans[(*chain)[n]].name);
		ev_put_frame(&f);
		if (n)
			out_putc(';');
	}
}

/* P (and T) records naming each process (and OTLP thread), in time order. */
static void put_names(const size_t *order, size_t n, struct buf *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct span *s = &g.spans[order[i]];
		int added;

		intern_get(&pids_seen, g.arena.p + s->pid.off, s->pid.len, &added);
		if (added) {
			out_puts("P\t-\t");
			ev_put_field(g.arena.p + s->pid.off, s->pid.len);
			out_putc('\t');
			if (s->res != NONE)
				ev_put_field(g.arena.p + s->pid.off, s->pid.len);
			else
				out_puts("ferret");
			out_putc('\n');
		}
		if (s->thread_name.len && s->lane == 0) {
			key->len = 0;
			buf_add(key, g.arena.p + s->pid.off, s->pid.len);
			buf_addc(key, '\t');
			buf_add(key, g.arena.p + s->thread.off, s->thread.len);
			intern_get(&threads_seen, key->p, key->len, &added);
			if (!added)
				continue;
			out_puts("T\t-\t");
			ev_put_field(g.arena.p + s->pid.off, s->pid.len);
			out_putc('\t');
			put_tid(s);
			out_putc('\t');
			ev_put_field(g.arena.p + s->thread_name.off, s->thread_name.len);
			out_putc('\n');
		}
	}
}

static void emit(int failed)
{
	struct intern groups = { 0 }, tids = { 0 };
	struct group *gr = NULL;
	size_t ngr = 0, gr_cap = 0, i, n = 0, *order, *chain = NULL, chain_cap = 0;
	struct rec *recs;
	size_t nrec = 0;
	struct buf key = { 0 };

	if (g.nspans == 0 && !failed && !g.said_empty)
		fp_warn("no spans found");
	resolve();
	order = fp_malloc((g.nspans + 1) * sizeof *order);
	for (i = 0; i < g.nspans; i++)
		if (g.spans[i].start != NO_TIME)
			order[n++] = i;
	qsort(order, n, sizeof *order, by_start);
	for (i = 0; i < n; i++) {
		struct span *s = &g.spans[order[i]];
		int added;
		size_t k;

		key.len = 0;
		buf_add(&key, g.arena.p + s->pid.off, s->pid.len);
		buf_addc(&key, '\t');
		buf_add(&key, g.arena.p + s->thread.off, s->thread.len);
		k = intern_get(&groups, key.p, key.len, &added);
		if (added) {
			fp_grow(&gr, &gr_cap, ngr + 1, sizeof *gr);
			memset(&gr[ngr], 0, sizeof *gr);
			groups.ents[k].aux = (int64_t)ngr++;
		}
		s->group = (size_t)groups.ents[k].aux;
		s->lane = NONE;
	}
	for (i = 0; i < n; i++)
		place(&gr[g.spans[order[i]].group], order[i]);
	for (i = 0; i < n; i++) {
		struct span *s = &g.spans[order[i]];
		struct lane *l = &gr[s->group].lanes[s->lane];

		if (!l->named) {
			l->tid = lane_tid(s, &tids, &key);
			l->named = 1;
		}
		s->tid = l->tid;
	}
	put_names(order, n, &key);
	recs = fp_malloc((2 * n + 1) * sizeof *recs);
	for (i = 0; i < n; i++) {
		const struct span *s = &g.spans[order[i]];

		if (s->start == s->end) {
			recs[nrec++] = (struct rec){ s->start, order[i], 1, i };
			continue;
		}
		recs[nrec++] = (struct rec){ s->start, order[i], 2, i };
		recs[nrec++] = (struct rec){ s->end, order[i], 0, i };
	}
	qsort(recs, nrec, sizeof *recs, by_time);
	for (i = 0; i < nrec; i++) {
		const struct span *s = &g.spans[recs[i].span];

		out_putc("CIO"[recs[i].type]);
		out_putc('\t');
		ev_put_time(recs[i].t);
		out_putc('\t');
		ev_put_field(g.arena.p + s->pid.off, s->pid.len);
		out_putc('\t');
		put_tid(s);
		out_puts("\t-\t-\tspan\t-\t");
		put_stack(recs[i].span, &chain, &chain_cap);
		out_putc('\n');
	}
	buf_free(&key);
	for (i = 0; i < ngr; i++) {
		size_t k;

		for (k = 0; k < gr[i].nlanes; k++)
			free(gr[i].lanes[k].stk);
		free(gr[i].lanes);
		free(gr[i].busy);
		free(gr[i].free);
	}
	free(gr);
	free(recs);
	free(order);
	free(chain);
	intern_free(&groups);
	intern_free(&tids);
}

#ifdef FP_FUZZ_TARGET
/* tests/fuzz/spans.c runs main() once per input: forget the spans read
 * (kept for the whole run otherwise: emit() works on all inputs). */
static void fuzz_reset(void)
{
	g.arena.len = 0;
	g.nspans = g.nres = 0;
	g.saw_otlp = g.saw_ferret = g.said_empty = 0;
	g.no_end = g.bad_times = 0;
	intern_free(&pids_seen);
	intern_free(&threads_seen);
}
#endif

int main(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "run-id", required_argument, NULL, 'r' },
		{ "all-runs", no_argument, NULL, 'a' },
		{ "log", required_argument, NULL, 'l' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	size_t tags_cap = 0;
	int c, status;

	cli_init(&info);
	g.log = "_ferret_trace";
	while ((c = getopt_long(argc, argv, "al:r:t:q", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			fp_grow(&g.tags, &tags_cap, g.ntags + 1, sizeof *g.tags);
			g.tags[g.ntags++] = optarg;
			break;
		case 'r': g.run_id = optarg; break;
		case 'a': g.all_runs = 1; break;
		case 'l': g.log = optarg; break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (g.run_id && g.all_runs)
		cli_usage_error(&info, "--run-id and --all-runs exclude each other");
	ev_put_magic();
	out_puts("#source spans\n#clock unix\n");
	status = cli_each_input(argc - optind, argv + optind, read_input, NULL);
	emit(status);
	out_close();
	return status;
}
