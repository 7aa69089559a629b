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

void bucket_free(struct bucket *b)
{
	order_free(&b->order);
	intern_free(&b->bk);
	free(b->be);
	buf_free(&b->cpus);
	buf_free(&b->held);
}

/* One window entry as an S record; returns its EVENT. */
static struct slice put_entry(const struct bucket *bu, size_t i)
{
	const struct ient *e = &bu->bk.ents[i];
	const struct bent *b = &bu->be[i];
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
		out_write(bu->cpus.p + b->cpu_off, b->cpu_n);
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
	return ev;
}

void bucket_flush(struct red *rd)
{
	struct bucket *bu = &rd->b;
	size_t i;

	for (i = 0; i < bu->bk.count; i++) {
		int id = event_id(&rd->a, put_entry(bu, i));

		rd->a.out_n++;
		rd->a.out_w[id] += bu->bk.ents[i].value;
	}
	if (bu->held.len)
		out_write(bu->held.p, bu->held.len);
	rd->a.out_n += bu->held_n;
	bu->held.len = 0;
	bu->held_n = 0;
	intern_clear(&bu->bk);
	bu->nbe = 0;
	bu->cpus.len = 0;
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

/* Add the current sample to its window. */
static void bucket_add(struct red *rd)
{
	struct rec *c = &rd->c;
	struct bucket *bu = &rd->b;
	const struct ev_rec *r = c->r;
	struct slice st = cur_stack(c);
	int64_t w = window_of(bu, r->time);
	struct buf *k = &c->tmp;
	size_t i;
	int added;

	k->len = 0;
	buf_add(k, &w, 8);
	buf_add(k, c->pid.p, c->pid.n);
	buf_addc(k, '\t');
	buf_add(k, c->tid.p, c->tid.n);
	buf_addc(k, '\t');
	buf_add(k, c->comm.p, c->comm.n);
	buf_addc(k, '\t');
	buf_add(k, r->event.p, r->event.n);
	buf_addc(k, '\t');
	buf_add(k, st.p, st.n);
	i = intern_get(&bu->bk, k->p, k->len, &added);
	if (added) {
		struct bent *b;

		fp_grow(&bu->be, &bu->becap, i + 1, sizeof *bu->be);
		b = &bu->be[i];
		b->split = c->pid.n + 1 + c->tid.n;
		b->cpu_same = 1;
		b->cpu_off = bu->cpus.len;
		b->cpu_n = r->cpu.n;
		buf_add(&bu->cpus, r->cpu.p, r->cpu.n);
		bu->nbe = i + 1;
	} else {
		struct bent *b = &bu->be[i];

		if (b->cpu_same && (b->cpu_n != r->cpu.n ||
				    memcmp(bu->cpus.p + b->cpu_off, r->cpu.p, r->cpu.n)))
			b->cpu_same = 0;
		rd->a.st[rd->rules.n - 1].merged++;
	}
	bu->bk.ents[i].value += r->weight;
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

int bucket_record(struct red *rd)
{
	const struct ev_rec *r = rd->c.r;

	bucket_advance(rd, r->time);
	if (r->time == EV_NONE)
		return 0;
	if (r->type == 'S')
		bucket_add(rd);
	else
		bucket_hold(rd);
	return 1;
}
