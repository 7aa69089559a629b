/* parse.c - speedscope2events: the JSON walk. Frames and profile fields go
 * into the tables of struct run, events, samples and weights into the
 * store, in document order; nothing is converted before the end because
 * keys come in any order. */
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/bytes.h"
#include "../../common/json.h"
#include "ssin.h"

enum key {
	K_OTHER, K_SHARED, K_FRAMES, K_PROFILES, K_NAME, K_FILE, K_LINE, K_COL,
	K_TYPE, K_UNIT, K_START, K_END, K_EVENTS, K_SAMPLES, K_WEIGHTS, K_FRAME, K_AT,
};

static enum key key_of(struct json *j)
{
	static const struct bytes_keyword keys[] = {
		BYTES_KEYWORD("shared", K_SHARED), BYTES_KEYWORD("frames", K_FRAMES),
		BYTES_KEYWORD("profiles", K_PROFILES), BYTES_KEYWORD("name", K_NAME),
		BYTES_KEYWORD("file", K_FILE), BYTES_KEYWORD("line", K_LINE),
		BYTES_KEYWORD("col", K_COL), BYTES_KEYWORD("type", K_TYPE),
		BYTES_KEYWORD("unit", K_UNIT), BYTES_KEYWORD("startValue", K_START),
		BYTES_KEYWORD("endValue", K_END), BYTES_KEYWORD("events", K_EVENTS),
		BYTES_KEYWORD("samples", K_SAMPLES), BYTES_KEYWORD("weights", K_WEIGHTS),
		BYTES_KEYWORD("frame", K_FRAME), BYTES_KEYWORD("at", K_AT),
	};
	struct slice k;

	if (j->depth == 0)
		return K_OTHER;
	k = json_key(j, j->depth - 1);
	return (enum key)bytes_keyword(keys, sizeof keys / sizeof keys[0], k.p, k.n, K_OTHER);
}

static void push(struct run *r, enum ctx c)
{
	fp_grow(&r->lv, &r->lv_cap, r->nlv + 1, sizeof *r->lv);
	r->lv[r->nlv++] = c;
}

static struct profile *cur_prof(struct run *r)
{
	return &r->prof[r->nprof - 1];
}

static void new_frame(struct run *r)
{
	fp_grow(&r->frames, &r->frames_cap, r->nframes + 1, sizeof *r->frames);
	memset(&r->frames[r->nframes++], 0, sizeof *r->frames);
}

static void new_profile(struct run *r)
{
	fp_grow(&r->prof, &r->prof_cap, r->nprof + 1, sizeof *r->prof);
	memset(&r->prof[r->nprof++], 0, sizeof *r->prof);
}

/* An array of the current profile starts: its items follow in the store. */
static void range_open(struct run *r, struct range *g, uint64_t *count)
{
	g->start = g->end = r->store.len;
	g->seen = 1;
	*count = 0;
}

static void item_done(struct run *r, struct range *g, uint64_t *count)
{
	g->end = r->store.len;
	(*count)++;
}

static void event_start(struct run *r, struct json *j, char kind)
{
	memset(&r->ev, 0, sizeof r->ev);
	r->ev.line = json_line(j);
	r->ev.frame = -1;
	r->ev.atlen = TEXT_BAD;
	r->ev.kind = kind;
	r->at.len = 0;
}

static void event_done(struct run *r)
{
	struct profile *p = cur_prof(r);

	store_add(&r->store, &r->ev, sizeof r->ev);
	if (r->ev.atlen != TEXT_BAD)
		store_add(&r->store, r->at.p, r->ev.atlen);
	item_done(r, &p->ev, &p->nev);
}

static void sample_start(struct run *r, struct json *j, int bad)
{
	memset(&r->smp, 0, sizeof r->smp);
	r->smp.line = json_line(j);
	r->smp.bad = (uint32_t)bad;
}

static void sample_done(struct run *r)
{
	struct profile *p = cur_prof(r);

	store_add(&r->store, &r->smp, sizeof r->smp);
	store_add(&r->store, r->sfr, r->smp.n * sizeof *r->sfr);
	item_done(r, &p->smp, &p->nsmp);
}

static void weight(struct run *r, struct json *j, const char *s, size_t n, int ok)
{
	struct profile *p = cur_prof(r);
	struct wt_item w;

	memset(&w, 0, sizeof w);
	w.line = json_line(j);
	w.len = ok && n < TEXT_BAD ? (uint16_t)n : TEXT_BAD;
	store_add(&r->store, &w, sizeof w);
	if (w.len != TEXT_BAD)
		store_add(&r->store, s, n);
	item_done(r, &p->wt, &p->nwt);
}

/* What a container opening at level c with key k is (C_TOP for "skip it"). */
static enum ctx child_of(struct run *r, struct json *j, enum ctx c, enum key k, int is_map)
{
	struct profile *p;

	switch (c) {
	case C_TOP:
		if (is_map && k == K_SHARED)
			return C_SHARED;
		if (!is_map && k == K_PROFILES) {
			/* a repeated key: the last one wins, as in JavaScript */
			r->nprof = 0;
			r->seen_profiles = 1;
			return C_PROFILES;
		}
		return C_TOP;
	case C_SHARED:
		if (!is_map && k == K_FRAMES) {
			r->nframes = 0;
			return C_FRAMES;
		}
		return C_TOP;
	case C_FRAMES:
		new_frame(r);	/* a non-object frame stays a frame without a name */
		return is_map ? C_FRAME : C_TOP;
	case C_PROFILES:
		new_profile(r);
		return is_map ? C_PROFILE : C_TOP;
	case C_PROFILE:
		p = cur_prof(r);
		if (is_map)
			return C_TOP;
		if (k == K_EVENTS)
			range_open(r, &p->ev, &p->nev);
		else if (k == K_SAMPLES)
			range_open(r, &p->smp, &p->nsmp);
		else if (k == K_WEIGHTS)
			range_open(r, &p->wt, &p->nwt);
		return k == K_EVENTS ? C_EVENTS : k == K_SAMPLES ? C_SAMPLES :
		       k == K_WEIGHTS ? C_WEIGHTS : C_TOP;
	case C_EVENTS:
		event_start(r, j, is_map ? EVK_OTHER : EVK_NOTMAP);
		if (is_map)
			return C_EVENT;
		event_done(r);
		return C_TOP;
	case C_SAMPLES:
		sample_start(r, j, is_map);
		if (!is_map)
			return C_SAMPLE;
		sample_done(r);
		return C_TOP;
	case C_SAMPLE:
		r->smp.bad = 1;
		return C_TOP;
	case C_WEIGHTS:
		weight(r, j, NULL, 0, 0);
		return C_TOP;
	default:
		return C_TOP;
	}
}

static void open_value(struct run *r, struct json *j, int is_map)
{
	enum ctx c;

	if (r->skip_depth) {
		r->skip_depth++;
		return;
	}
	if (r->nlv == 0) {
		if (!is_map) {
			r->skip_depth = 1;
			return;
		}
		push(r, C_TOP);
		return;
	}
	c = child_of(r, j, r->lv[r->nlv - 1], key_of(j), is_map);
	if (c == C_TOP)
		r->skip_depth = 1;
	else
		push(r, c);
}

static int on_end(struct json *j, enum json_type t)
{
	struct run *r = j->ctx;

	(void)t;
	if (r->skip_depth) {
		r->skip_depth--;
		return 1;
	}
	if (r->nlv == 0)
		return 1;
	switch (r->lv[--r->nlv]) {
	case C_EVENT: event_done(r); break;
	case C_SAMPLE: sample_done(r); break;
	default: break;
	}
	return 1;
}

static void set_str(struct run *r, struct str *d, const char *s, size_t n)
{
	d->off = r->strs.len;
	d->len = n;
	d->set = 1;
	buf_add(&r->strs, s, n);
}

static void profile_value(struct run *r, enum key k, enum json_type t, const char *s, size_t n)
{
	struct profile *p = cur_prof(r);

	if (k == K_TYPE && t == JSON_STRING)
		p->type = n == 7 && memcmp(s, "evented", 7) == 0 ? PT_EVENTED :
			  n == 7 && memcmp(s, "sampled", 7) == 0 ? PT_SAMPLED : PT_OTHER;
	else if (k == K_NAME && t == JSON_STRING)
		set_str(r, &p->name, s, n);
	else if (k == K_UNIT && t == JSON_STRING)
		set_str(r, &p->unit, s, n);
	else if ((k == K_START || k == K_END) && (t == JSON_NUMBER || t == JSON_STRING))
		set_str(r, k == K_START ? &p->start : &p->end, s, n);
}

static void frame_value(struct run *r, enum key k, enum json_type t, const char *s, size_t n)
{
	struct frame *f = &r->frames[r->nframes - 1];
	int64_t v;

	if (k == K_NAME && t == JSON_STRING) {
		f->name_off = r->strs.len;
		f->name_len = n;
		f->has_name = 1;
		buf_add(&r->strs, s, n);
	} else if (k == K_FILE && t == JSON_STRING) {
		f->file_off = r->strs.len;
		f->file_len = n;
		f->has_file = 1;
		buf_add(&r->strs, s, n);
	} else if ((k == K_LINE || k == K_COL) && t == JSON_NUMBER) {
		if (json_decimal(s, n, 0, &v) < 0 || v < 1)
			v = 0;
		*(k == K_LINE ? &f->line : &f->col) = v;
	}
}

static void event_value(struct run *r, enum key k, enum json_type t, const char *s, size_t n)
{
	int64_t v;

	if (k == K_TYPE) {
		r->ev.kind = t == JSON_STRING && n == 1 && (s[0] == 'O' || s[0] == 'C') ? s[0] :
			     EVK_OTHER;
	} else if (k == K_FRAME) {
		r->ev.frame = (t == JSON_NUMBER || t == JSON_STRING) &&
			      json_decimal(s, n, 0, &v) == 0 && v >= 0 ? v : -1;
	} else if (k == K_AT) {
		r->ev.atlen = (t == JSON_NUMBER || t == JSON_STRING) && n < TEXT_BAD ?
			      (uint16_t)n : TEXT_BAD;
		r->at.len = 0;
		buf_add(&r->at, s, n);
	}
}

static void sample_value(struct run *r, enum json_type t, const char *s, size_t n)
{
	int64_t v;

	if (t != JSON_NUMBER || json_decimal(s, n, 0, &v) < 0 || v < 0) {
		r->smp.bad = 1;
		return;
	}
	if (r->smp.n == UINT32_MAX) {
		r->smp.bad = 1;
		return;
	}
	fp_grow(&r->sfr, &r->sfr_cap, (size_t)r->smp.n + 1, sizeof *r->sfr);
	r->sfr[r->smp.n++] = v;
}

static int on_value(struct json *j, enum json_type t, const char *s, size_t n)
{
	struct run *r = j->ctx;

	if (t == JSON_MAP || t == JSON_ARRAY) {
		open_value(r, j, t == JSON_MAP);
		return 1;
	}
	if (r->skip_depth || r->nlv == 0)
		return 1;
	switch (r->lv[r->nlv - 1]) {
	case C_PROFILE: profile_value(r, key_of(j), t, s, n); break;
	case C_FRAME: frame_value(r, key_of(j), t, s, n); break;
	case C_EVENT: event_value(r, key_of(j), t, s, n); break;
	case C_SAMPLE: sample_value(r, t, s, n); break;
	case C_WEIGHTS: weight(r, j, s, n, t == JSON_NUMBER || t == JSON_STRING); break;
	case C_FRAMES: new_frame(r); break;	/* a scalar frame: no name */
	case C_PROFILES: new_profile(r); break;	/* a scalar profile: no data */
	case C_EVENTS:
		event_start(r, j, EVK_NOTMAP);
		event_done(r);
		break;
	case C_SAMPLES:
		sample_start(r, j, 1);
		sample_done(r);
		break;
	default: break;
	}
	return 1;
}

const struct json_handler ssin_json_handler = { on_value, on_end };
