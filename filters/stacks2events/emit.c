/* emit.c - stacks2events: a map entry as an S record: the scalar keys as
 * pid, tid, cpu, comm and root frames, each stack classified kernel or
 * user (docs/stacks.md), user stacks first and kernel stacks on top */
#include <stdint.h>
#include <string.h>

#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/out.h"
#include "stacks.h"

/* The fields of the S record that come from scalar keys. */
struct head {
	struct slice comm, pid, tid, cpu;
};

static struct slice frame_text(const struct st *st, size_t i)
{
	struct slice s = { st->text.p + st->fr[i].off, st->fr[i].len };

	return s;
}

static struct slice key_text(const struct st *st, const struct key *k)
{
	struct slice t = { st->text.p + k->text.off, k->text.len };

	return t;
}

/* Kernel or user by the frames' evidence; 0 when they say nothing. */
static int stack_evidence(const struct st *st, const struct key *k)
{
	size_t i, kern = 0, user = 0;
	struct pframe f;

	for (i = 0; i < k->n; i++) {
		struct slice s = frame_text(st, k->first + i);

		st_parse_frame(s.p, s.n, &f);
		kern += f.evidence == CLASS_KERNEL;
		user += f.evidence == CLASS_USER;
	}
	return kern > user ? CLASS_KERNEL : user > kern ? CLASS_USER : 0;
}

static void put_frames(const struct st *st, const struct key *k, int kernel, int *first)
{
	size_t i;
	struct pframe f;

	for (i = k->n; i-- > 0;) {	/* leaf first in the input */
		struct slice s = frame_text(st, k->first + i);
		struct ev_frame_out o = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 0, 0, 0 };

		st_parse_frame(s.p, s.n, &f);
		if (!*first)
			out_putc(';');
		*first = 0;
		o.name = f.unknown ? ev_str("[unknown]") : f.name;
		o.dso = f.dso;
		o.addr = ev_str(f.addr);
		o.kind = (kernel ? EVK_KERNEL : 0) | (f.unknown ? EVK_UNKNOWN : 0);
		ev_put_frame(&o);
	}
}

static enum ktype type_of(const struct st *st, size_t i)
{
	return i < st->ntypes ? st->types[i] : K_AUTO;
}

static int is_number(struct slice s)
{
	int64_t v;

	return ev_parse_i64(s.p, s.n, &v) == 0;
}

static void put_event(struct st *st, struct slice ev)
{
	int added;

	intern_get(&st->events, ev.p, ev.n, &added);
	if (!added)
		return;
	out_puts("E\t-\t");
	ev_put_field(ev.p, ev.n);
	out_putc('\t');
	ev_put_field(st->unit, strlen(st->unit));
	out_putc('\n');
}

/* The scalar keys into *h; returns how many keys are stacks. */
static size_t scalar_keys(const struct st *st, struct head *h)
{
	size_t i, nstacks = 0;

	for (i = 0; i < st->nkeys; i++) {
		const struct key *k = &st->keys[i];
		struct slice t = key_text(st, k);

		if (k->n) {
			nstacks++;
			continue;
		}
		switch (type_of(st, i)) {
		case K_COMM: h->comm = t; break;
		case K_PID: h->pid = t; break;
		case K_TID: h->tid = t; break;
		case K_CPU: h->cpu = t; break;
		case K_AUTO:
			if (t.n && !h->comm.p && !is_number(t) && !(i < st->ntypes))
				h->comm = t;
			break;
		default: break;
		}
	}
	return nstacks;
}

/* Each stack kernel or user (docs/stacks.md): by --keys, by the frames'
 * evidence, by a kernel entry point at the root, then by position. */
static void classify_stacks(struct st *st, size_t nstacks)
{
	size_t i, unclassified = 0;
	int any_kernel = 0;

	for (i = 0; i < st->nkeys; i++) {
		struct key *k = &st->keys[i];
		enum ktype ty = type_of(st, i);

		if (!k->n)
			continue;
		k->kernel = ty == K_KSTACK ? CLASS_KERNEL : ty == K_USTACK ? CLASS_USER
									 : stack_evidence(st, k);
		any_kernel |= k->kernel == CLASS_KERNEL;
		unclassified += k->kernel == 0;
	}
	/* a kernel entry point at the root (the last line: leaf first) */
	for (i = 0; i < st->nkeys && unclassified; i++) {
		struct key *k = &st->keys[i];

		if (k->n && !k->kernel && st_kernel_root(frame_text(st, k->first + k->n - 1))) {
			k->kernel = CLASS_KERNEL;
			any_kernel = 1;
			unclassified--;
		}
	}
	/* by position: the first of two stacks is the kernel's ([kstack, ustack]) */
	for (i = 0; i < st->nkeys && unclassified; i++) {
		struct key *k = &st->keys[i];

		if (!k->n || k->kernel)
			continue;
		if (nstacks >= 2 && !any_kernel) {
			k->kernel = CLASS_KERNEL;
			any_kernel = 1;
		} else {
			k->kernel = CLASS_USER;
		}
	}
}

/* "S\tPID\tTID\tCPU\tCOMM\tEVENT\tWEIGHT\t" */
static void put_head(const struct head *h, struct slice ev, int64_t w)
{
	out_puts("S\t-\t");
	ev_put_field(h->pid.p, h->pid.n);
	out_putc('\t');
	ev_put_field(h->tid.p, h->tid.n);
	out_putc('\t');
	if (h->cpu.n && is_number(h->cpu) && h->cpu.p[0] != '-')
		out_write(h->cpu.p, h->cpu.n);
	else
		out_putc('-');
	out_putc('\t');
	ev_put_field(h->comm.p, h->comm.n);
	out_putc('\t');
	ev_put_field(ev.p, ev.n);
	out_putc('\t');
	out_i64(w);
	out_putc('\t');
}

/* Root frames from scalar keys (frame, or unnamed keys but comm). */
static void put_root_frames(const struct st *st, struct slice comm, int *first)
{
	size_t i;

	for (i = 0; i < st->nkeys; i++) {
		const struct key *k = &st->keys[i];
		struct slice t = key_text(st, k);
		enum ktype ty = type_of(st, i);
		struct ev_frame_out o = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 0, 0, 0 };

		if (k->n || t.n == 0 || (t.p == comm.p && t.n == comm.n))
			continue;
		if (ty != K_FRAME && !(ty == K_AUTO && i >= st->ntypes))
			continue;
		if (!*first)
			out_putc(';');
		*first = 0;
		o.name = t;
		ev_put_frame(&o);
	}
}

void st_emit(struct st *st, int64_t w)
{
	struct head h = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 } };
	struct slice ev = { st->map.p, st->map.len };
	size_t i;
	int first = 1, pass;

	if (ev.n == 0)
		ev = ev_str(st->event);
	classify_stacks(st, scalar_keys(st, &h));
	put_event(st, ev);
	put_head(&h, ev, w);
	put_root_frames(st, h.comm, &first);
	/* user stacks, then kernel stacks on top */
	for (pass = CLASS_USER; pass >= CLASS_KERNEL; pass--)
		for (i = 0; i < st->nkeys; i++)
			if (st->keys[i].n && st->keys[i].kernel == pass)
				put_frames(st, &st->keys[i], pass == CLASS_KERNEL, &first);
	out_putc('\n');
}
