/* emit.c - speedscope2events: the file's profiles as records, once the
 * document has ended: a thread per profile, evented profiles as O/C
 * records (repaired by the stream model's policy), sampled profiles as
 * untimed S records with exactly converted weights */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/out.h"
#include "../../common/timeunit.h"
#include "ssin.h"

__extension__ typedef __int128 i128;

#define NS_PER_UNIT 1000000000	/* weights are carried in 1e-9 units */

/* Who a profile is: its thread, name and event. */
struct who {
	struct slice pid, tid, name, event;
	size_t index;		/* 1-based, in the file */
	char num[24];
};

static struct slice str_of(const struct run *r, struct str s)
{
	struct slice v = { s.set ? r->strs.p + s.off : NULL, s.set ? s.len : 0 };

	return v;
}

/* Decimal places from the unit to nanoseconds, -1 if it is not a time. */
static int time_scale(struct slice unit)
{
	switch (timeunit_ns(ev_str(""), unit)) {
	case 1: return 0;
	case 1000: return 3;
	case 1000000: return 6;
	case 1000000000: return 9;
	default: return -1;
	}
}

static const char *find(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return p + i;
	return NULL;
}

static int starts(const char *p, size_t n, const char *s)
{
	return n >= strlen(s) && memcmp(p, s, strlen(s)) == 0;
}

/* "NAME (pid P, tid T)", "(pid P)", "(tid T)", each with an optional
 * ": EVENT", as events2speedscope names profiles: 1 if s is one. */
static int split_name(const char *s, size_t n, struct who *w)
{
	size_t i = n, c;
	const char *in, *t;
	size_t inl;

	while (i-- > 0)
		if (s[i] == '(' && (i == 0 || s[i - 1] == ' ') &&
		    (starts(s + i, n - i, "(pid ") || starts(s + i, n - i, "(tid ")))
			break;
	if (i == (size_t)-1)
		return 0;
	for (c = i; c < n && s[c] != ')'; c++)
		;
	if (c == n || (c + 1 < n && (!starts(s + c + 1, n - c - 1, ": ") || c + 3 >= n)))
		return 0;
	in = s + i + 1;
	inl = c - i - 1;
	if (starts(in, inl, "pid ")) {
		t = find(in, inl, ", tid ");
		w->pid.p = in + 4;
		w->pid.n = (size_t)((t ? t : in + inl) - w->pid.p);
		if (t) {
			w->tid.p = t + 6;
			w->tid.n = (size_t)(in + inl - w->tid.p);
		}
	} else {
		w->tid.p = in + 4;
		w->tid.n = inl - 4;
	}
	if ((w->pid.p && !w->pid.n) || (w->tid.p && !w->tid.n))
		return 0;
	w->name.p = s;
	w->name.n = i ? i - 1 : 0;
	if (c + 1 < n) {
		w->event.p = s + c + 3;
		w->event.n = n - c - 3;
	}
	return 1;
}

enum { TH_EVENTED = 1, TH_NUMBERED = 2 };

/* May a profile use the thread (pid, tid)? Then it is taken. Profiles
 * named by ids share their thread (events2speedscope writes one profile
 * per event of a thread), but two evented profiles never do (their spans
 * would not nest), and a numbered thread is one profile's own. */
static int take_thread(struct run *r, struct slice pid, struct slice tid, int how)
{
	struct ient *e;
	int added;
	size_t i;

	ev_thread_key(&r->key, pid, tid);
	i = intern_get(&r->threads, r->key.p, r->key.len, &added);
	e = &r->threads.ents[i];
	if (!added && ((e->aux | how) & TH_NUMBERED || (e->aux & how & TH_EVENTED)))
		return 0;
	e->aux |= how;
	return 1;
}

/* One thread per profile: the ids in its name (above), else pid - and
 * the next free number. */
static void who_of(struct run *r, const struct profile *p, size_t index, int evented, struct who *w)
{
	struct slice name = str_of(r, p->name);
	int how = evented ? TH_EVENTED : 0;

	memset(w, 0, sizeof *w);
	w->index = index;
	if (name.n && split_name(name.p, name.n, w) && take_thread(r, w->pid, w->tid, how))
		return;
	memset(w, 0, sizeof *w);
	w->index = index;
	do {
		snprintf(w->num, sizeof w->num, "%" PRIu64, ++r->nthreads);
		w->tid = ev_str(w->num);
	} while (!take_thread(r, w->pid, w->tid, how | TH_NUMBERED));
	r->name.len = 0;
	if (name.n) {
		buf_add(&r->name, name.p, name.n);
	} else {
		buf_adds(&r->name, "profile ");
		buf_adds(&r->name, w->num);
	}
	w->name.p = r->name.p;
	w->name.n = r->name.len;
}

/* The sampled event and its E record: EVENT keeps one unit per stream. */
static void sample_event(struct run *r, struct who *w, struct slice unit)
{
	const char *u = time_scale(unit) >= 0 ? "nanoseconds" :
			unit.n == 5 && memcmp(unit.p, "bytes", 5) == 0 ? "bytes" :
			unit.n == 0 || (unit.n == 4 && memcmp(unit.p, "none", 4) == 0) ? "count" : NULL;
	struct slice us = u ? ev_str(u) : unit;
	size_t e, ui;

	r->event.len = 0;
	if (w->event.n)
		buf_add(&r->event, w->event.p, w->event.n);
	else
		buf_adds(&r->event, time_scale(unit) >= 0 ? "time" : u && u[0] == 'b' ? "bytes" : "weight");
	ui = intern_get(&r->units, us.p, us.n, &(int){ 0 });
	for (;;) {
		int added;

		e = intern_get(&r->events, r->event.p, r->event.len, &added);
		if (added) {
			r->events.ents[e].aux = (int64_t)ui;
			r->unitz.len = 0;
			buf_add(&r->unitz, us.p, us.n);
			buf_addc(&r->unitz, 0);
			ev_put_unit((struct slice){ r->event.p, r->event.len }, r->unitz.p);
			break;
		}
		if ((size_t)r->events.ents[e].aux == ui)
			break;
		buf_addc(&r->event, '-');	/* one unit per event: EVENT-UNIT */
		buf_add(&r->event, us.p, us.n);
	}
	w->event.p = r->event.p;
	w->event.n = r->event.len;
}

/* A profile's name in a message: one line (control bytes as '?'), at
 * most 80 bytes and "...". */
static void warn_count(const struct run *r, const struct who *w, uint64_t n, const char *what)
{
	char name[84];
	size_t i, k = w->name.p ? w->name.n : 0;

	if (!n)
		return;
	if (k > 80)
		k = 80;
	for (i = 0; i < k; i++)
		name[i] = (unsigned char)w->name.p[i] < 0x20 || w->name.p[i] == 0x7f ? '?' : w->name.p[i];
	if (k < (w->name.p ? w->name.n : 0)) {
		memcpy(name + k, "...", 3);
		k += 3;
	}
	fp_warn("%s: profile %zu (%.*s): %" PRIu64 " %s", r->file, w->index, (int)k, name, n, what);
}

/* ---- evented profiles ---- */

struct repairs {
	uint64_t moved, forced, open_end;
};

static void put_span(struct run *r, const struct who *w, char type, int64_t t, size_t depth)
{
	static const struct slice none = { NULL, 0 };
	size_t i;

	ev_put_head(type, t, w->pid, w->tid, -1, none, w->event, EV_NONE);
	for (i = 0; i < depth; i++) {
		if (i)
			out_putc(';');
		ev_put_frame(&r->fout[r->stk[i]]);
	}
	out_putc('\n');
}

/* One event: 1 if it was written (its time is then the profile's last). */
static int span_event(struct run *r, const struct who *w, const struct ev_item *it, int64_t t,
		      struct repairs *rep)
{
	size_t i;

	if (it->kind == EVK_OPEN) {
		fp_grow(&r->stk, &r->stk_cap, r->nstk + 1, sizeof *r->stk);
		r->stk[r->nstk++] = (size_t)it->frame;
		put_span(r, w, 'O', t, r->nstk);
		return 1;
	}
	for (i = r->nstk; i-- > 0;)
		if (r->stk[i] == (size_t)it->frame)
			break;
	if (i == (size_t)-1) {
		skip_record(&r->skips, r->file, it->line, "close (C) of a frame that is not open");
		return 0;
	}
	for (; r->nstk > i + 1; r->nstk--, rep->forced++)
		put_span(r, w, 'C', t, r->nstk);
	put_span(r, w, 'C', t, r->nstk--);
	return 1;
}

static const char *event_fault(const struct run *r, const struct ev_item *it)
{
	if (it->kind == EVK_NOTMAP)
		return "an event that is not an object";
	if (it->kind == EVK_OTHER)
		return "an event whose type is neither O nor C";
	if (it->frame < 0 || (uint64_t)it->frame >= r->nframes)
		return "an event whose frame index is not in shared.frames";
	return NULL;
}

static void evented(struct run *r, const struct profile *p, const struct who *w, int scale)
{
	struct store_rd rd;
	struct ev_item it;
	struct repairs rep = { 0, 0, 0 };
	char at[TEXT_BAD];
	int64_t t, last = 0;
	int have_last = 0;

	store_rd_init(&rd, &r->store, p->ev.start, p->ev.end);
	r->nstk = 0;
	while (store_get(&rd, &it, sizeof it)) {
		const char *why = event_fault(r, &it);

		if (it.atlen != TEXT_BAD && !store_get(&rd, at, it.atlen))
			break;
		if (!why && (it.atlen == TEXT_BAD || json_decimal(at, it.atlen, scale, &t) < 0))
			why = "an event whose at is not a number in the int64 nanosecond range";
		if (why) {
			skip_record(&r->skips, r->file, it.line, why);
			continue;
		}
		if (have_last && t < last) {
			t = last;
			rep.moved++;
		}
		if (span_event(r, w, &it, t, &rep)) {
			last = t;
			have_last = 1;
		}
	}
	for (; r->nstk > 0; r->nstk--, rep.open_end++)
		put_span(r, w, 'C', last, r->nstk);
	warn_count(r, w, rep.moved, "events earlier than the one before; moved to its time");
	warn_count(r, w, rep.forced, "frames closed by the close of a frame below them");
	warn_count(r, w, rep.open_end, "frames never closed; closed at the last event time");
}

/* ---- sampled profiles ---- */

/* The weight text in units 10^-scale as an integer. The fraction is
 * carried to the next weight (in 1e-9 units): each weight is the rounded
 * running sum less the rounded sum before it, so the profile's total is
 * rounded once and a weight of 0 stays 0. *frac: the weight had a
 * fraction. -1: not a number, or too large. */
static int weight_of(const char *s, size_t n, int scale, i128 *carry, int64_t *w, int *frac)
{
	static const int64_t mul[4] = { 1, 1000, 1000000, 1000000000 };
	int64_t v = 0;
	i128 x, q;
	int k;

	for (k = 0; k < 4; k++)
		if (json_decimal(s, n, scale + 9 - 3 * k, &v) == 0)
			break;
	if (k == 4)
		return -1;
	x = (i128)v * mul[k];
	*frac = x % NS_PER_UNIT != 0;
	x += *carry + NS_PER_UNIT / 2;
	q = x / NS_PER_UNIT;	/* floor(sum + 1/2): halves round up */
	if (x % NS_PER_UNIT < 0)
		q--;
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*carry = x - NS_PER_UNIT / 2 - q * NS_PER_UNIT;
	*w = (int64_t)q;
	return 0;
}

static void put_sample(struct run *r, const struct who *w, int64_t weight, uint32_t n)
{
	static const struct slice none = { NULL, 0 };
	uint32_t i;

	ev_put_head('S', EV_NONE, w->pid, w->tid, -1, none, w->event, weight);
	for (i = 0; i < n; i++) {
		if (i)
			out_putc(';');
		ev_put_frame(&r->fout[r->sfr[i]]);
	}
	out_putc('\n');
}

static const char truncated[] = "the store ended inside a sample";

/* The sample's frames into r->sfr; why it cannot be used, or NULL. */
static const char *read_sample(struct run *r, struct store_rd *rd, const struct smp_item *s)
{
	uint32_t i;

	fp_grow(&r->sfr, &r->sfr_cap, (size_t)s->n + 1, sizeof *r->sfr);
	if (!store_get(rd, r->sfr, (size_t)s->n * sizeof *r->sfr))
		return truncated;
	if (s->bad)
		return "a sample that is not an array of frame indices";
	for (i = 0; i < s->n; i++)
		if (r->sfr[i] < 0 || (uint64_t)r->sfr[i] >= r->nframes)
			return "a sample whose frame index is not in shared.frames";
	return NULL;
}

static void sampled(struct run *r, const struct profile *p, const struct who *w, int scale)
{
	struct store_rd rs, rw;
	struct smp_item s;
	struct wt_item wt;
	char text[TEXT_BAD];
	i128 carry = 0;
	uint64_t fractions = 0, unweighed = 0, extra = 0;

	store_rd_init(&rs, &r->store, p->smp.start, p->smp.end);
	store_rd_init(&rw, &r->store, p->wt.start, p->wt.end);
	while (store_get(&rs, &s, sizeof s)) {
		const char *why = read_sample(r, &rs, &s);
		int64_t weight = 0;
		int frac = 0;

		if (why == truncated)
			break;
		if (!store_get(&rw, &wt, sizeof wt)) {
			unweighed++;
			continue;
		}
		if (wt.len != TEXT_BAD && !store_get(&rw, text, wt.len))
			break;
		if (why) {
			skip_record(&r->skips, r->file, s.line, why);
			continue;
		}
		if (wt.len == TEXT_BAD || weight_of(text, wt.len, scale, &carry, &weight, &frac) < 0) {
			skip_record(&r->skips, r->file, wt.line, "a weight that is not a number in the int64 range");
			continue;
		}
		fractions += (uint64_t)frac;
		put_sample(r, w, weight, s.n);
	}
	while (store_get(&rw, &wt, sizeof wt) && (wt.len == TEXT_BAD || store_get(&rw, text, wt.len)))
		extra++;
	warn_count(r, w, unweighed, "samples without a weight (more samples than weights); skipped");
	warn_count(r, w, extra, "weights without a sample (more weights than samples); ignored");
	warn_count(r, w, fractions, "weights with a fraction of the unit; rounded, the remainder carried to the next");
}

/* ---- the file ---- */

static void prepare_frames(struct run *r)
{
	size_t i;

	fp_grow(&r->fout, &r->fout_cap, r->nframes + 1, sizeof *r->fout);
	for (i = 0; i < r->nframes; i++) {
		const struct frame *f = &r->frames[i];
		struct ev_frame_out *o = &r->fout[i];

		memset(o, 0, sizeof *o);
		if (f->has_name) {
			o->name.p = r->strs.p + f->name_off;
			o->name.n = f->name_len;
		}
		if (f->has_file) {
			o->file.p = r->strs.p + f->file_off;
			o->file.n = f->file_len;
		}
		o->line = f->line;
		o->col = f->col;
	}
}

/* evented or sampled: the type, else what the profile holds. */
static int type_of(const struct run *r, const struct profile *p, size_t index)
{
	int t = p->type == PT_EVENTED || p->type == PT_SAMPLED ? p->type :
		p->ev.seen ? PT_EVENTED : p->smp.seen ? PT_SAMPLED : PT_NONE;

	if (p->type == PT_OTHER && t != PT_NONE)
		fp_warn("%s: profile %zu: unknown type; read as %s", r->file, index,
			t == PT_EVENTED ? "evented" : "sampled");
	else if (t == PT_NONE)
		fp_warn("%s: profile %zu: neither events nor samples; nothing converted", r->file, index);
	return t;
}

/* #start and #end: the smallest startValue and the largest endValue of
 * the evented profiles whose unit is a time. */
static void put_range(const struct run *r)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN, v;
	size_t i;

	for (i = 0; i < r->nprof; i++) {
		const struct profile *p = &r->prof[i];
		int scale = time_scale(str_of(r, p->unit));
		struct slice s = str_of(r, p->start), e = str_of(r, p->end);

		if (scale < 0 || !(p->type == PT_EVENTED || (p->type != PT_SAMPLED && p->ev.seen)))
			continue;
		if (s.n && json_decimal(s.p, s.n, scale, &v) == 0 && v < lo)
			lo = v;
		if (e.n && json_decimal(e.p, e.n, scale, &v) == 0 && v > hi)
			hi = v;
	}
	if (lo != INT64_MAX)
		ev_put_header_time("start", lo);
	if (hi != INT64_MIN)
		ev_put_header_time("end", hi);
}

void ssin_emit(struct run *r)
{
	size_t i;

	prepare_frames(r);
	put_range(r);
	for (i = 0; i < r->nprof; i++) {
		const struct profile *p = &r->prof[i];
		struct slice unit = str_of(r, p->unit);
		int type = type_of(r, p, i + 1), scale = time_scale(unit);
		struct who w;

		if (type == PT_NONE)
			continue;
		who_of(r, p, i + 1, type == PT_EVENTED, &w);
		if (w.name.n)
			ev_put_tname(EV_NONE, w.pid, w.tid, w.name);
		if (type == PT_SAMPLED) {
			sample_event(r, &w, unit);
			sampled(r, p, &w, scale < 0 ? 0 : scale);
		} else {
			if (!w.event.n || (w.event.n == 5 && memcmp(w.event.p, "spans", 5) == 0))
				w.event = ev_str("span");
			evented(r, p, &w, scale < 0 ? 0 : scale);
		}
	}
}
