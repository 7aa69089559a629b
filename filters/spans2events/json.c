/* json.c - spans2events: the JSON walk (OTLP documents and the file
 * exporter's JSON Lines; Ferret spans as JSON, JSON Lines or SQLite rows),
 * one span at a time into the table */
#include <yajl/yajl_parse.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/json.h"
#include "../../common/out.h"
#include "../../common/skip.h"
#include "spans.h"

static void lower_hex(struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->p[i] >= 'A' && b->p[i] <= 'F')
			b->p[i] = (char)(b->p[i] - 'A' + 'a');
}

/* ---- the span being read ---- */

static void cur_reset(struct sp *sp, int otlp, uint64_t line)
{
	struct cur *c = &sp->rd.c;

	c->have_id = 0;
	c->is_otlp = otlp;
	c->trace.len = c->id.len = c->parent.len = c->name.len = c->run.len = 0;
	c->thread.len = c->thread_name.len = c->tags.len = 0;
	c->start = c->end = c->dur = NO_TIME;
	c->bad_time = 0;
	c->line = sp->rd.row ? sp->rd.row : line;
}

/* Tags are kept as (length, bytes) pairs: JSON strings may hold NUL bytes. */
static void add_tag(struct sp *sp, const char *k, size_t kn, const char *v, size_t vn)
{
	buf_add(&sp->rd.c.tags, &kn, sizeof kn);
	buf_add(&sp->rd.c.tags, k, kn);
	buf_add(&sp->rd.c.tags, &vn, sizeof vn);
	buf_add(&sp->rd.c.tags, v, vn);
}

/* The value of tag KEY of the current span, or NULL. */
static const char *find_tag(struct sp *sp, const char *key, size_t *n)
{
	size_t off = 0, kn, vn, len = strlen(key);

	while (off < sp->rd.c.tags.len) {
		const char *k, *v;

		memcpy(&kn, sp->rd.c.tags.p + off, sizeof kn);
		k = sp->rd.c.tags.p + off + sizeof kn;
		off += sizeof kn + kn;
		memcpy(&vn, sp->rd.c.tags.p + off, sizeof vn);
		v = sp->rd.c.tags.p + off + sizeof vn;
		off += sizeof vn + vn;
		if (kn == len && memcmp(k, key, len) == 0) {
			*n = vn;
			return v;
		}
	}
	return NULL;
}

/* Is the span just read usable? Says why not (skip) when it is not. */
static int span_ok(struct sp *sp, struct cur *c)
{
	if (!c->is_otlp && sp->rd.ferret_sql && !sp->opt.all_runs &&
	    (c->run.len != sp->rd.want_run.len ||
	     memcmp(c->run.p, sp->rd.want_run.p, c->run.len) != 0))
		return 0;
	if (c->bad_time) {
		sp->tab.bad_times++;
		skip_record(&sp->skips, sp->file, c->line, "span with a time that is not a number");
		return 0;
	}
	if (c->start == NO_TIME) {
		skip_record(&sp->skips, sp->file, c->line, "span without a start time");
		return 0;
	}
	if (c->end == NO_TIME && c->dur != NO_TIME &&
	    __builtin_add_overflow(c->start, c->dur, &c->end)) {
		sp->tab.bad_times++;
		skip_record(&sp->skips, sp->file, c->line,
			    "span whose end is beyond the int64 nanosecond range");
		return 0;
	}
	if (c->end == NO_TIME || (c->is_otlp && c->end == 0)) {
		sp->tab.no_end++;
		skip_record(&sp->skips, sp->file, c->line, "span without an end time (never finished)");
		return 0;
	}
	if (c->end < c->start) {
		skip_record(&sp->skips, sp->file, c->line, "span that ends before it starts");
		return 0;
	}
	return 1;
}

/* "TRACE\tID" into the arena (TRACE: the OTLP trace, or the Ferret run). */
static struct str id_key(struct sp_table *tab, const struct buf *trace, const struct buf *id)
{
	struct str k;

	k.off = tab->arena.len;
	buf_add(&tab->arena, trace->p, trace->len);
	buf_addc(&tab->arena, '\t');
	buf_add(&tab->arena, id->p, id->len);
	k.len = tab->arena.len - k.off;
	return k;
}

/* The name with the --tag suffixes into the arena. */
static struct str span_name(struct sp *sp, const struct cur *c)
{
	struct sp_table *tab = &sp->tab;
	struct str name;
	size_t i, n;

	name.off = tab->arena.len;
	buf_add(&tab->arena, c->name.p, c->name.len);
	for (i = 0; i < sp->opt.ntags; i++) {
		const char *v = find_tag(sp, sp->opt.tags[i], &n);

		if (!v)
			continue;
		buf_addc(&tab->arena, '[');
		buf_add(&tab->arena, v, n);
		buf_addc(&tab->arena, ']');
	}
	name.len = tab->arena.len - name.off;
	return name;
}

static void span_done(struct sp *sp)
{
	struct cur *c = &sp->rd.c;
	struct sp_table *tab = &sp->tab;
	struct span *s;

	if (!c->have_id)
		return;
	c->have_id = 0;
	if (sp->rd.peek) {
		sset(&sp->rd.want_run, c->run.p, c->run.len);
		return;
	}
	if (!span_ok(sp, c))
		return;
	fp_grow(&tab->spans, &tab->spans_cap, tab->nspans + 1, sizeof *tab->spans);
	s = &tab->spans[tab->nspans++];
	memset(s, 0, sizeof *s);
	s->start = c->start;
	s->end = c->end;
	s->line = c->line;
	s->res = c->is_otlp ? sp->rd.res : NONE;
	lower_hex(&c->id);
	lower_hex(&c->parent);
	s->key = id_key(tab, c->is_otlp ? &c->trace : &c->run, &c->id);
	if (c->parent.len)
		s->parent_key = id_key(tab, c->is_otlp ? &c->trace : &c->run, &c->parent);
	s->name = span_name(sp, c);
	if (!c->is_otlp)
		s->pid = keep(tab, c->run.p, c->run.len);
	s->thread = keep(tab, c->thread.p, c->thread.len);
	s->thread_name = keep(tab, c->thread_name.p, c->thread_name.len);
	if (c->is_otlp)
		tab->saw_otlp = 1;
	else
		tab->saw_ferret = 1;
}

/* ---- JSON callbacks ---- */

static enum sctx *ctx_at(struct sp *sp, size_t d)
{
	fp_grow(&sp->rd.ctx, &sp->rd.ctx_cap, d + 1, sizeof *sp->rd.ctx);
	return &sp->rd.ctx[d];
}

static int key_is(struct json *j, const char *k)
{
	return j->depth > 0 && json_key_is(j, j->depth - 1, k);
}

/* A container in the document or a Ferret span (X_DOC, X_FSPAN, X_LIST,
 * X_ITEMS, X_ITEM): what is it? */
static enum sctx open_doc(struct json *j, enum sctx up, int map)
{
	switch (up) {
	case X_DOC:
	case X_FSPAN:
		if (!map && key_is(j, "resourceSpans"))
			return X_RS_ARR;
		if (!map && key_is(j, "items"))
			return X_ITEMS;
		if (map && key_is(j, "tags"))
			return X_TAGS;
		return X_SKIP;
	case X_LIST:
		return map ? X_FSPAN : X_SKIP;
	case X_ITEMS:
		return map ? X_ITEM : X_SKIP;
	case X_ITEM:
		return map && key_is(j, "data") ? X_FSPAN : X_SKIP;
	default:
		return X_SKIP;
	}
}

/* A container in OTLP's resourceSpans (X_RS_ARR ... X_SPAN). */
static enum sctx open_otlp(struct sp *sp, struct json *j, enum sctx up, int map)
{
	struct sp_read *rd = &sp->rd;
	struct sp_table *tab = &sp->tab;

	switch (up) {
	case X_RS_ARR:
		if (!map)
			return X_SKIP;
		fp_grow(&tab->resources, &tab->res_cap, tab->nres + 1, sizeof *tab->resources);
		memset(&tab->resources[tab->nres], 0, sizeof *tab->resources);
		rd->res = tab->nres++;
		return X_RS;
	case X_RS:
		if (map && key_is(j, "resource"))
			return X_RESOURCE;
		if (!map && (key_is(j, "scopeSpans") || key_is(j, "instrumentationLibrarySpans")))
			return X_SS_ARR;
		return X_SKIP;
	case X_RESOURCE:
	case X_SPAN:
		if (map || !key_is(j, "attributes"))
			return X_SKIP;
		rd->kv_owner_span = up == X_SPAN;
		return X_ATTRS;
	case X_SS_ARR:
		return map ? X_SS : X_SKIP;
	case X_SS:
		return !map && key_is(j, "spans") ? X_SPANS_ARR : X_SKIP;
	case X_SPANS_ARR:
		if (!map)
			return X_SKIP;
		cur_reset(sp, 1, json_line(j));
		return X_SPAN;
	default:
		return X_SKIP;
	}
}

/* A container in an attribute or tag value (X_ATTRS ... X_TAGS); values
 * that are containers themselves are captured as compact JSON. */
static enum sctx open_value(struct sp *sp, struct json *j, enum sctx up, int map)
{
	struct sp_read *rd = &sp->rd;

	switch (up) {
	case X_ATTRS:
		if (!map)
			return X_SKIP;
		rd->kv_key.len = rd->kv_val.len = 0;
		rd->kv_has_val = 0;
		return X_KV;
	case X_KV:
		return map && key_is(j, "value") ? X_ANYVAL : X_SKIP;
	case X_ANYVAL:
		rd->kv_has_val = 1;
		rd->kv_val.len = 0;
		if (map && key_is(j, "arrayValue")) {	/* written [a,b,c] */
			buf_addc(&rd->kv_val, '[');
			rd->arr_n = 0;
			return X_ARRVAL;
		}
		json_capture(j, &rd->kv_val);	/* kvlistValue: as compact JSON */
		return X_SKIP;
	case X_ARRVAL:
		return !map && key_is(j, "values") ? X_ARRVALS : X_SKIP;
	case X_ARRVALS:
		return map ? X_ARRELEM : X_SKIP;
	case X_TAGS:
		rd->kv_val.len = 0;
		json_capture(j, &rd->kv_val);
		return X_SKIP;
	default:
		return X_SKIP;
	}
}

/* A container starts at depth d (j->depth): what is it? */
static enum sctx open_ctx(struct sp *sp, struct json *j, enum json_type t)
{
	size_t d = j->depth;
	int map = t == JSON_MAP;
	enum sctx up;

	if (d == 0)
		return map ? X_DOC : X_LIST;
	up = sp->rd.ctx[d - 1];
	switch (up) {
	case X_DOC: case X_FSPAN: case X_LIST: case X_ITEMS: case X_ITEM:
		return open_doc(j, up, map);
	case X_RS_ARR: case X_RS: case X_RESOURCE: case X_SS_ARR: case X_SS: case X_SPANS_ARR:
	case X_SPAN:
		return open_otlp(sp, j, up, map);
	case X_ATTRS: case X_KV: case X_ANYVAL: case X_ARRVAL: case X_ARRVALS: case X_TAGS:
		return open_value(sp, j, up, map);
	default:
		return X_SKIP;
	}
}

static void time_value(struct sp *sp, struct json *j, enum json_type t, const char *p, size_t n, int scale,
		       int64_t *v)
{
	(void)j;
	if (t == JSON_NULL)
		return;
	if ((t != JSON_NUMBER && t != JSON_STRING) || json_decimal(p, n, scale, v) < 0)
		sp->rd.c.bad_time = 1;
}

static void otlp_field(struct sp *sp, struct json *j, enum json_type t, const char *p, size_t n)
{
	struct cur *c = &sp->rd.c;

	if (key_is(j, "traceId")) {
		sset(&c->trace, p, n);
		lower_hex(&c->trace);
	} else if (key_is(j, "spanId")) {
		sset(&c->id, p, n);
		c->have_id = 1;
	} else if (key_is(j, "parentSpanId")) {
		sset(&c->parent, p, n);
	} else if (key_is(j, "name")) {
		sset(&c->name, p, n);
	} else if (key_is(j, "startTimeUnixNano")) {
		time_value(sp, j, t, p, n, 0, &c->start);
	} else if (key_is(j, "endTimeUnixNano")) {
		time_value(sp, j, t, p, n, 0, &c->end);
	}
}

static void ferret_field(struct sp *sp, struct json *j, enum json_type t, const char *p, size_t n)
{
	struct cur *c = &sp->rd.c;

	if (key_is(j, "span_id") && t == JSON_STRING) {
		sset(&c->id, p, n);
		c->have_id = 1;
	} else if (key_is(j, "parent_id") && t == JSON_STRING) {
		sset(&c->parent, p, n);
	} else if (key_is(j, "run_id") && t == JSON_STRING) {
		sset(&c->run, p, n);
	} else if (key_is(j, "name") && t == JSON_STRING) {
		sset(&c->name, p, n);
	} else if (key_is(j, "start_time")) {
		time_value(sp, j, t, p, n, 9, &c->start);
	} else if (key_is(j, "end_time")) {
		time_value(sp, j, t, p, n, 9, &c->end);
	} else if (key_is(j, "duration")) {
		time_value(sp, j, t, p, n, 9, &c->dur);
	}
}

/* Attribute KEY = VALUE of a span or resource. */
static void kv_done(struct sp *sp)
{
	const char *k = sp->rd.kv_key.p, *v = sp->rd.kv_val.p;
	size_t kn = sp->rd.kv_key.len, vn = sp->rd.kv_val.len;

	if (!sp->rd.kv_has_val || kn == 0)
		return;
	if (sp->rd.kv_owner_span) {
		if (kn == 9 && memcmp(k, "thread.id", 9) == 0)
			sset(&sp->rd.c.thread, v, vn);
		else if (kn == 11 && memcmp(k, "thread.name", 11) == 0)
			sset(&sp->rd.c.thread_name, v, vn);
		add_tag(sp, k, kn, v, vn);
	} else {
		struct resource *r = &sp->tab.resources[sp->rd.res];

		if (kn == 12 && memcmp(k, "service.name", 12) == 0)
			r->service = keep(&sp->tab, v, vn);
		else if (kn == 9 && memcmp(k, "thread.id", 9) == 0)
			r->thread = keep(&sp->tab, v, vn);
	}
}

static int on_value(struct json *j, enum json_type t, const char *p, size_t n)
{
	struct sp *sp = j->ctx;
	size_t d = j->depth;
	enum sctx up = d == 0 ? X_SKIP : sp->rd.ctx[d - 1];

	if (t == JSON_MAP || t == JSON_ARRAY) {
		enum sctx c = open_ctx(sp, j, t);

		if (c == X_DOC || c == X_FSPAN)
			cur_reset(sp, 0, json_line(j));
		*ctx_at(sp, d) = c;
		return 1;
	}
	if (d == 0)
		return 1;
	switch (up) {
	case X_SPAN:
		otlp_field(sp, j, t, p, n);
		break;
	case X_DOC:
	case X_FSPAN:
		ferret_field(sp, j, t, p, n);
		break;
	case X_KV:
		if (key_is(j, "key") && t == JSON_STRING)
			sset(&sp->rd.kv_key, p, n);
		break;
	case X_ANYVAL:
		if (t != JSON_NULL) {
			sset(&sp->rd.kv_val, p, n);
			sp->rd.kv_has_val = 1;
		}
		break;
	case X_ARRELEM:
		if (sp->rd.arr_n++)
			buf_addc(&sp->rd.kv_val, ',');
		buf_add(&sp->rd.kv_val, p, n);
		break;
	case X_TAGS:
		if (j->depth > 0) {
			struct slice k = json_key(j, d - 1);

			if (t == JSON_NULL)
				add_tag(sp, k.p, k.n, "null", 4);
			else if (t == JSON_TRUE || t == JSON_FALSE)
				add_tag(sp, k.p, k.n, t == JSON_TRUE ? "true" : "false", t == JSON_TRUE ? 4 : 5);
			else
				add_tag(sp, k.p, k.n, p, n);
		}
		break;
	default:
		break;
	}
	return 1;
}

static int on_end(struct json *j, enum json_type t)
{
	struct sp *sp = j->ctx;
	size_t d = j->depth;
	enum sctx c = sp->rd.ctx[d];

	(void)t;
	switch (c) {
	case X_SPAN:
		span_done(sp);
		break;
	case X_DOC:
	case X_FSPAN:
		span_done(sp);
		break;
	case X_KV:
		kv_done(sp);
		break;
	case X_ARRVAL:
		buf_addc(&sp->rd.kv_val, ']');
		break;
	case X_SKIP:
		/* a tag whose value is an object or array: captured whole */
		if (d > 0 && sp->rd.ctx[d - 1] == X_TAGS) {
			struct slice k = json_key(j, d - 1);

			add_tag(sp, k.p, k.n, sp->rd.kv_val.p ? sp->rd.kv_val.p : "", sp->rd.kv_val.len);
		}
		break;
	default:
		break;
	}
	return 1;
}

static const struct json_handler handler = { on_value, on_end };

int sp_parse_json(struct sp *sp, struct input *in)
{
	struct json j;
	enum json_result r;

	json_init(&j, &handler, sp);
	yajl_config((yajl_handle)j.yajl, yajl_allow_multiple_values, 1);	/* JSON Lines */
	r = json_parse_input(&j, in);
	json_free(&j);
	if (r == JSON_TRUNCATED) {
		fp_warn("%s: truncated JSON: the spans before the cut are converted", in->name);
		return 1;
	}
	return r != JSON_OK;
}

int sp_feed_json(struct sp *sp, const char *p, size_t n, const char *path)
{
	struct json j;
	int r;

	json_init(&j, &handler, sp);
	r = json_feed(&j, p, n, 1, path);
	json_free(&j);
	return r;
}

void sp_read_free(struct sp_read *rd)
{
	struct buf *bufs[] = { &rd->want_run, &rd->kv_key, &rd->kv_val, &rd->c.trace, &rd->c.id,
			       &rd->c.parent, &rd->c.name, &rd->c.run, &rd->c.thread,
			       &rd->c.thread_name, &rd->c.tags };
	size_t i;

	for (i = 0; i < sizeof bufs / sizeof *bufs; i++)
		buf_free(bufs[i]);
	free(rd->ctx);
}
