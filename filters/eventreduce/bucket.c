/* bucket.c - eventreduce's bucket rule (docs/reduce.md §4): samples with
 * the same thread, comm, event and stack summed per time window; the span
 * and instant records of the open window held until it is written */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/out.h"
#include "../../common/timespec.h"
#include "reduce.h"

/* A sample's identity but its stack: the key of bucket.whos. */
struct bwho {
	uint64_t back;		/* the open window's start less the sample's window's */
	uint32_t thread, comm, event, pad;
};

void bucket_free(struct bucket *b)
{
	order_free(&b->order);
	intern_free(&b->threads);
	intern_free(&b->comms);
	intern_free(&b->stacks);
	intern_free(&b->whos);
	u64map_free(&b->seen);
	free(b->be);
	buf_free(&b->key);
	buf_free(&b->cpus);
	buf_free(&b->held);
}

static void put_text(const struct intern *t, uint32_t id)
{
	out_write(t->ents[id].key, t->ents[id].len);
}

/* Entry e of the open window as an S record; returns its event id. */
static uint32_t put_entry(const struct bucket *bu, const struct intern *events,
			  const struct bent *e)
{
	struct bwho w;

	memcpy(&w, bu->whos.ents[e->key >> 32].key, sizeof w);
	out_write("S\t", 2);
	ev_put_time((int64_t)((uint64_t)bu->window - w.back));
	out_putc('\t');
	put_text(&bu->threads, w.thread);
	out_putc('\t');
	if (e->cpu_same)
		out_write(bu->cpus.p + e->cpu_off, e->cpu_n);
	else
		out_putc('-');
	out_putc('\t');
	put_text(&bu->comms, w.comm);
	out_putc('\t');
	put_text(events, w.event);
	out_putc('\t');
	out_i64(e->weight);
	out_putc('\t');
	put_text(&bu->stacks, (uint32_t)e->key);
	out_putc('\n');
	return w.event;
}

void bucket_flush(struct red *rd)
{
	struct bucket *bu = &rd->b;
	size_t i;

	for (i = 0; i < bu->nbe; i++) {
		rd->a.out_n++;
		rd->a.out_w[put_entry(bu, &rd->a.events, &bu->be[i])] += bu->be[i].weight;
	}
	if (bu->held.len)
		out_write(bu->held.p, bu->held.len);
	rd->a.out_n += bu->held_n;
	bu->held.len = 0;
	bu->held_n = 0;
	bu->nbe = 0;
	bu->cpus.len = 0;
	if (++bu->batch == UINT32_MAX || bu->seen.count > BK_LIMIT ||
	    bu->stacks.count > BK_LIMIT || bu->whos.count > BK_LIMIT) {
		intern_clear(&bu->threads);
		intern_clear(&bu->comms);
		intern_clear(&bu->stacks);
		intern_clear(&bu->whos);
		u64map_free(&bu->seen);
		bu->batch = 1;
		bu->gen++;
	}
}

/* The start of t's window (INT64_MIN for the few times before the first whole window) */
static int64_t window_of(const struct bucket *bu, int64_t t)
{
	int64_t w;

	if (__builtin_mul_overflow(floor_div(t, bu->rule->window), bu->rule->window, &w))
		return INT64_MIN;
	return w;
}

/* The record is at time t: flush the window when t is past it. */
static void bucket_advance(struct red *rd, int64_t t)
{
	struct bucket *bu = &rd->b;
	int64_t w;

	if (t == EV_NONE)
		return;
	w = window_of(bu, t);
	if (!bu->have_window || w > bu->window) {
		if (bu->have_window)
			bucket_flush(rd);
		bu->have_window = 1;
		bu->window = w;
	}
}

static uint32_t id_of(struct intern *t, const void *key, size_t n)
{
	int added;

	return (uint32_t)intern_get(t, key, n, &added);
}

/* The id of the current stack: from the stack cache entry it came out of
 * when that has one for these tables, else by its text. */
static uint32_t stack_id(struct red *rd)
{
	struct rec *c = &rd->c;
	struct bucket *bu = &rd->b;
	struct slice st = cur_stack(c);
	struct scache *e = st.p == c->sce_stack.p && st.n == c->sce_stack.n ? c->sce : NULL;

	if (e && e->win_gen == bu->gen)
		return e->win_sid;
	if (!e)
		return id_of(&bu->stacks, st.p, st.n);
	e->win_gen = bu->gen;
	return e->win_sid = id_of(&bu->stacks, st.p, st.n);
}

/* Add the current sample (event id ev) to its window. */
static void bucket_add(struct red *rd, int ev)
{
	struct rec *c = &rd->c;
	struct bucket *bu = &rd->b;
	const struct ev_rec *r = c->r;
	struct bwho w = { (uint64_t)bu->window - (uint64_t)window_of(bu, r->time), 0, 0,
			  (uint32_t)ev, 0 };
	struct u64ent *s;
	struct bent *e;
	uint64_t key;

	ev_thread_key(&bu->key, c->pid, c->tid);
	w.thread = id_of(&bu->threads, bu->key.p, bu->key.len);
	w.comm = id_of(&bu->comms, c->comm.p, c->comm.n);
	key = (uint64_t)id_of(&bu->whos, &w, sizeof w) << 32 | stack_id(rd);
	s = u64map_add(&bu->seen, key);
	if ((uint64_t)s->value >> 32 == bu->batch) {	/* merged */
		e = &bu->be[(uint32_t)s->value];
		if (e->cpu_same && (e->cpu_n != r->cpu.n ||
				    memcmp(bu->cpus.p + e->cpu_off, r->cpu.p, r->cpu.n)))
			e->cpu_same = 0;
		rd->a.st[rd->rules.n - 1].merged++;
	} else {
		s->value = (int64_t)((uint64_t)bu->batch << 32 | bu->nbe);
		fp_grow(&bu->be, &bu->becap, bu->nbe + 1, sizeof *bu->be);
		e = &bu->be[bu->nbe++];
		*e = (struct bent){ key, 0, bu->cpus.len, (uint32_t)r->cpu.n, 1 };
		buf_add(&bu->cpus, r->cpu.p, r->cpu.n);
	}
	e->weight += r->weight;
}

/* Hold the current span or instant record until its window is written. */
static void bucket_hold(struct red *rd)
{
	struct rec *c = &rd->c;
	struct buf *b = &rd->b.held;

	if (c->dirty) {
		build_record(c, &c->out);
		buf_add(b, c->out.p, c->out.len);
	} else {
		buf_add(b, c->r->line.p, c->r->line.n);
		buf_addc(b, '\n');
	}
	rd->b.held_n++;
}

int bucket_record(struct red *rd, int ev)
{
	const struct ev_rec *r = rd->c.r;

	bucket_advance(rd, r->time);
	if (r->time == EV_NONE)
		return 0;
	if (r->type == 'S')
		bucket_add(rd, ev);
	else
		bucket_hold(rd);
	return 1;
}
