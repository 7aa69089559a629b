/* foldagg.c - samples and spans of one event summed by (root, stack node) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bytes.h"
#include "err.h"
#include "events.h"
#include "foldagg.h"

void fagg_init(struct fagg *a, const struct md_sink *sink, const struct model_opts *o)
{
	memset(a, 0, sizeof *a);
	model_init(&a->m, sink, o);
	a->nevents = 1;
	a->last_other = (size_t)-1;
	a->fold.inlined = 1;	/* _[i] by default, as stackcollapse-perf.pl and inferno */
}

void fagg_free(struct fagg *a)
{
	int i;

	model_free(&a->m);
	intern_free(&a->other);
	u64map_free(&a->roots);
	for (i = 0; i < FAGG_MAX; i++) {
		u64map_free(&a->stacks[i]);
		free(a->event_alloc[i]);
		a->event_alloc[i] = NULL;
	}
	free(a->path);
	a->path = NULL;
	free(a->folded);
	a->folded = NULL;
	a->nfolded = 0;
	buf_free(&a->ftext);
	buf_free(&a->tmp);
}

/* Is chosen event i ev? Its length is kept (event[] may be set by the
 * filter, after fagg_init). */
static int same_event(struct fagg *a, int i, struct slice ev)
{
	if (a->evlen_of[i] != a->event[i]) {
		a->evlen_of[i] = a->event[i];
		a->evlen[i] = strlen(a->event[i]);
	}
	return a->evlen[i] == ev.n && bytes_eq(a->event[i], ev.p, ev.n);
}

/* Samples (S) and spans (O/C) are different measures even under one event
 * name; the first record of a chosen event (or of any event not chosen
 * yet, for a slot not given) decides which is taken. */
int fagg_want(struct fagg *a, const struct ev_rec *r)
{
	char kind = r->type == 'S' ? 'S' : 'O';
	struct slice ev = r->event;
	int i;

	if (r->type == 'I')
		return 0;	/* instants do not contribute */
	for (i = 0; i < a->nevents; i++) {
		if (!a->event[i]) {
			a->event[i] = a->event_alloc[i] = fp_strndup(ev.p, ev.n);
			a->kind[i] = kind;
		} else if (!same_event(a, i, ev)) {
			continue;
		} else if (!a->kind[i]) {
			a->kind[i] = kind;
		}
		if (kind != a->kind[i])
			break;
		a->which = i;
		return 1;
	}
	if (a->all && i == a->nevents && a->nevents < FAGG_MAX) {
		a->event[i] = a->event_alloc[i] = fp_strndup(ev.p, ev.n);
		a->kind[i] = kind;
		a->which = a->nevents++;
		return 1;
	}
	/* counted under "samples of EVENT" or "spans of EVENT"; the last
	 * such key is kept to skip the lookup (and the key) for runs of one
	 * event */
	const char *pre = kind == 'S' ? "samples of " : "spans of ";
	size_t plen = kind == 'S' ? 11 : 9;

	if (a->last_other != (size_t)-1) {
		struct ient *e = &a->other.ents[a->last_other];

		if (e->len == plen + ev.n && bytes_eq(e->key, pre, plen) &&
		    bytes_eq(e->key + plen, ev.p, ev.n)) {
			e->value++;
			return 0;
		}
	}
	a->tmp.len = 0;
	buf_add(&a->tmp, pre, plen);
	buf_add(&a->tmp, ev.p, ev.n);
	{
		int added;

		a->last_other = intern_get(&a->other, a->tmp.p, a->tmp.len, &added);
	}
	a->other.ents[a->last_other].value++;
	return 0;
}

int64_t fagg_sample_weight(const struct fagg *a, const struct md_sample *s)
{
	return a->count ? 1 : s->weight;
}

int64_t fagg_span_weight(const struct fagg *a, const struct md_span *s)
{
	return a->count ? 1 : (s->self > 0 ? s->self : 0);
}

uint32_t fagg_root(struct fagg *a, uint32_t comm, uint32_t thread)
{
	uint64_t key;
	struct u64ent *e;

	if (comm != MD_NONE && !a->pid && !a->tid)
		thread = MD_NONE;
	key = (uint64_t)comm << 32 | thread;
	e = u64map_add(&a->roots, key);
	if (e->value == 0)
		e->value = (int64_t)a->roots.count;	/* index + 1 */
	return (uint32_t)(e->value - 1);
}

void fagg_add(struct fagg *a, uint32_t comm, uint32_t thread, uint32_t node, int64_t w)
{
	uint32_t root = fagg_root(a, comm, thread);

	struct u64ent *e = u64map_add(&a->stacks[a->which], (uint64_t)root << 32 | node);

	e->value = (int64_t)((uint64_t)e->value + (uint64_t)w);	/* wraps, never UB */
}

static void put_id(struct buf *out, struct slice id)
{
	if (id.n == 0 || ev_absent(id))
		buf_addc(out, '?');
	else
		ev_unescape(out, id.p, id.n);
}

int fagg_root_text(struct fagg *a, uint32_t root, struct buf *out, int *java)
{
	uint64_t key = a->roots.ents[root].key;
	uint32_t comm = (uint32_t)(key >> 32), thread = (uint32_t)key;
	struct slice name, pid = { "-", 1 }, tid = { "-", 1 };
	int have_name;

	if (thread != MD_NONE) {
		pid = model_thread(&a->m, thread)->pid;
		tid = model_thread(&a->m, thread)->tid;
	}
	if (comm != MD_NONE) {
		name = model_comm(&a->m, comm);
		have_name = 1;
	} else {
		have_name = model_tp_name(&a->m, thread, &name);
		if (!have_name && (a->pid || a->tid)) {
			name = ev_str("[unknown]");
			have_name = 1;
		}
	}
	a->tmp.len = 0;
	if (have_name)
		ev_unescape(&a->tmp, name.p, name.n);
	*java = a->tmp.len >= 4 && memcmp(a->tmp.p, "java", 4) == 0;
	if (!have_name || a->no_comm)
		return 0;
	fold_text(out, a->tmp.p, a->tmp.len, 1);
	if (a->pid || a->tid) {
		buf_addc(out, '-');
		put_id(out, pid);
	}
	if (a->tid) {
		buf_addc(out, '/');
		put_id(out, tid);
	}
	return 1;
}

/* A frame's folded text depends only on the frame and on java: each is
 * folded once (a stack's frames are mostly folded already for other
 * stacks) and kept in a->ftext. */
void fagg_frame_text(struct fagg *a, uint32_t frame, int java, struct buf *out)
{
	size_t k = (size_t)frame << 1 | (size_t)(java != 0), start;
	struct ev_frame f;

	if (k >= a->nfolded) {
		size_t n = a->nfolded;

		fp_grow(&a->folded, &a->nfolded, k + 1, sizeof *a->folded);
		memset(a->folded + n, 0xff, (a->nfolded - n) * sizeof *a->folded);
	}
	if (a->folded[k] != UINT64_MAX) {
		buf_add(out, a->ftext.p + (a->folded[k] >> 32), (uint32_t)a->folded[k]);
		return;
	}
	start = out->len;
	stacks_frame_get(&a->m.stacks, frame, &f);
	fold_frame(out, &f, &a->fold, java, &a->tmp);
	if (a->ftext.len > UINT32_MAX || out->len - start > UINT32_MAX)
		return;	/* not kept: folded again next time */
	a->folded[k] = (uint64_t)a->ftext.len << 32 | (out->len - start);
	buf_add(&a->ftext, out->p + start, out->len - start);
}

void fagg_report_other(struct fagg *a, const char *what)
{
	size_t i;
	uint64_t n = 0;

	for (i = 0; i < a->other.count; i++)
		n += (uint64_t)a->other.ents[i].value;
	if (n == 0)
		return;
	if (a->all)
		fp_warn("%s %d event%s; skipped %" PRIu64 " records of %zu other kind%s "
			"(over %d events, or samples and spans of one event)", what, a->nevents,
			a->nevents == 1 ? "" : "s", n, a->other.count, a->other.count == 1 ? "" : "s",
			FAGG_MAX);
	else if (a->nevents == 2 && a->event[1])
		fp_warn("%s %s of events '%s' and '%s'; skipped %" PRIu64 " records of %zu other kind%s "
			"(choose with --event)", what, a->kind[0] == 'S' ? "samples" : "spans",
			a->event[0], a->event[1], n, a->other.count, a->other.count == 1 ? "" : "s");
	else
		fp_warn("%s %s of event '%s'; skipped %" PRIu64 " records of %zu other kind%s "
			"(choose with --event)", what, a->kind[0] == 'S' ? "samples" : "spans",
			a->event[0] ? a->event[0] : "-", n, a->other.count, a->other.count == 1 ? "" : "s");
	for (i = 0; i < a->other.count; i++)
		fprintf(stderr, "  %.*s: %" PRId64 "\n", (int)a->other.ents[i].len,
			a->other.ents[i].key, a->other.ents[i].value);
}
