/* events2trace - write an events stream as Chrome Trace Event Format JSON
 *
 * Spans (O/C, repaired by the stream model) become B/E events and instants
 * i events, written into "traceEvents" as they come; samples become the
 * "samples" array, formatted as they come into a spill file, and copied
 * out at the end after their "stackFrames" table (the model's stack nodes
 * that samples use) and the "flamepipe" key (units: trace2events reads the
 * weights back). Thread and process names are M events at the end of
 * "traceEvents". Design and what is lost: docs/events2trace.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/digits.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/jsonout.h"
#include "../common/model.h"
#include "../common/out.h"
#include "../common/tmpfile.h"
#include "cmds.h"

static const struct cli_info info = {
	"events2trace",
	"events2trace [-q] [--strict] [FILE ...]",
	"Write a flamepipe events stream (events(5)) as one Trace Event Format JSON\n"
	"document (chrome://tracing, Perfetto, speedscope; trace2events(1) reads it\n"
	"back). Spans (O/C) become B/E events, instants (I) i events, thread and\n"
	"process names M events, samples (S) the samples array with a stackFrames\n"
	"table, each with its exact weight. Times are exact decimal microseconds.\n"
	"FILE - or no FILE reads stdin.\n"
	"\n"
	"      --strict       stop at the first malformed record\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

#define CHUNK (1 << 20)	/* samples text spills in pieces of about this size */

struct e2t {
	struct model m;
	int started;		/* the document and its traceEvents array are open */
	uint64_t nevents;	/* elements of traceEvents */
	struct buf el;		/* the traceEvents element being made */
	struct buf tmp;		/* unescaped text */
	/* per model thread: its "pid":P,"tid":T text in ids */
	struct buf ids;
	size_t *ids_off;	/* thread t's text is ids_off[t] .. ids_off[t + 1] */
	size_t nids, ids_cap;
	/* the event of the last sample: its escaped text and "name":"..." */
	struct buf ev_esc, ev_json;
	int have_ev;
	/* stack nodes the samples use (with their ancestors) */
	unsigned char *used;
	size_t used_cap;
	/* the samples array: elements joined by ',' in sbuf, spilled to fd */
	struct buf sbuf;
	int fd;
	size_t *chunks;		/* lengths of the spilled pieces */
	size_t nchunks, chunk_cap;
	uint64_t nsamples;
};

/* ---- numbers and strings ---- */

static void put_u64(struct buf *b, uint64_t v)
{
	char tmp[24], *p = digits_u64(tmp + sizeof tmp, v);

	buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* Room for n more bytes in b. */
static inline char *room(struct buf *b, size_t n)
{
	if (b->cap - b->len < n)
		buf_reserve(b, n);
	return b->p + b->len;
}

/* ns as exact decimal microseconds at w: 417502694.001, -0.5, 12 (room
 * for 32 bytes: the digits writer stores past its end). */
static char *us_at(char *w, int64_t ns)
{
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	unsigned frac = (unsigned)(u % 1000);

	if (ns < 0)
		*w++ = '-';
	w = digits_put_wide(w, u / 1000);
	if (frac) {
		w[0] = '.';
		w[1] = (char)('0' + frac / 100);
		w[2] = (char)('0' + frac / 10 % 10);
		w[3] = (char)('0' + frac % 10);
		w += frac % 100 == 0 ? 2 : frac % 10 == 0 ? 3 : 4;
	}
	return w;
}

static void put_us(struct buf *b, int64_t ns)
{
	b->len = (size_t)(us_at(room(b, 32), ns) - b->p);
}

/* An escaped events field as a JSON string. */
static void put_str(struct e2t *x, struct buf *b, struct slice esc)
{
	x->tmp.len = 0;
	ev_unescape(&x->tmp, esc.p, esc.n);
	jo_buf_string(b, x->tmp.p, x->tmp.len);
}

/* A pid, tid or cpu: a plain decimal integer below 2^53 as a number,
 * anything else as a string. */
static void put_id(struct e2t *x, struct buf *b, struct slice esc)
{
	size_t i;

	if (esc.n > 0 && esc.n <= 15 && (esc.p[0] != '0' || esc.n == 1)) {
		for (i = 0; i < esc.n && esc.p[i] >= '0' && esc.p[i] <= '9'; i++)
			;
		if (i == esc.n) {
			buf_add(b, esc.p, esc.n);
			return;
		}
	}
	put_str(x, b, esc);
}

/* "pid":P,"tid":T of thread t (either left out when absent). */
static struct slice thread_ids(struct e2t *x, uint32_t t)
{
	while (x->nids <= t) {
		const struct md_thread *th = model_thread(&x->m, (uint32_t)x->nids);
		size_t start = x->ids.len;

		if (!ev_absent(th->pid)) {
			buf_adds(&x->ids, "\"pid\":");
			put_id(x, &x->ids, th->pid);
		}
		if (!ev_absent(th->tid)) {
			buf_adds(&x->ids, x->ids.len > start ? ",\"tid\":" : "\"tid\":");
			put_id(x, &x->ids, th->tid);
		}
		fp_grow(&x->ids_off, &x->ids_cap, x->nids + 2, sizeof *x->ids_off);
		x->ids_off[x->nids] = start;
		x->ids_off[++x->nids] = x->ids.len;
	}
	if (x->ids_off[t + 1] == x->ids_off[t])
		return (struct slice){ "", 0 };	/* ids.p may be NULL */
	return (struct slice){ x->ids.p + x->ids_off[t], x->ids_off[t + 1] - x->ids_off[t] };
}

/* ---- traceEvents ---- */

static void start(struct e2t *x)
{
	if (x->started)
		return;
	x->started = 1;
	jo_begin(0);
	jo_map_open();
	jo_key("traceEvents");
	jo_array_open();
}

/* The element in x->el, on a line of its own. */
static void event_done(struct e2t *x)
{
	start(x);
	jo_raw(x->el.p, x->el.len);
	x->nevents++;
}

/* {"ph":"B","ts":T,"pid":P,"tid":T,"name":N[,"cat":C][,"attrs":A] (not closed) */
static void event_head(struct e2t *x, const char *ph, int64_t t, uint32_t thread, uint32_t node)
{
	struct buf *b = &x->el;
	struct slice ids = thread_ids(x, thread);
	struct ev_frame f;

	b->len = 0;
	buf_adds(b, "\n{\"ph\":\"");
	buf_adds(b, ph);
	buf_adds(b, "\",\"ts\":");
	put_us(b, t);
	if (ids.n) {
		buf_addc(b, ',');
		buf_add(b, ids.p, ids.n);
	}
	buf_adds(b, ",\"name\":");
	if (node == STK_ROOT || node == MD_NONE) {
		buf_adds(b, "\"\"");
		return;
	}
	stacks_frame_get(&x->m.stacks, x->m.stacks.nodes[node].frame, &f);
	put_str(x, b, f.name);
	if (ph[0] != 'E' && f.attrs.n > 1) {
		buf_adds(b, ",\"attrs\":");
		jo_buf_string(b, f.attrs.p + 1, f.attrs.n - 1);
	}
}

static void put_cat(struct e2t *x, const struct ev_rec *r)
{
	if (r && !ev_absent(r->event)) {
		buf_adds(&x->el, ",\"cat\":");
		put_str(x, &x->el, r->event);
	}
}

static void span_open(void *ctx, const struct md_span *s)
{
	struct e2t *x = ctx;

	event_head(x, "B", s->start, s->thread, s->stack);
	put_cat(x, s->rec);
	buf_addc(&x->el, '}');
	event_done(x);
}

static void span_close(void *ctx, const struct md_span *s)
{
	struct e2t *x = ctx;

	event_head(x, "E", s->end, s->thread, s->stack);
	buf_addc(&x->el, '}');
	event_done(x);
}

static void instant(void *ctx, const struct md_sample *s)
{
	struct e2t *x = ctx;

	if (s->time == EV_NONE) {
		skip_record(&x->m.skips, x->m.file, x->m.lineno, "instant (I) without a time");
		return;
	}
	event_head(x, "i", s->time, s->thread, s->stack);
	put_cat(x, s->rec);
	buf_adds(&x->el, ",\"s\":\"t\"}");
	event_done(x);
}

/* ---- samples ---- */

static void mark_used(struct e2t *x, uint32_t node)
{
	const struct stk_node *nodes = x->m.stacks.nodes;

	if (x->used_cap < x->m.stacks.nnodes) {
		size_t old = x->used_cap;

		fp_grow(&x->used, &x->used_cap, x->m.stacks.nnodes, 1);
		memset(x->used + old, 0, x->used_cap - old);
	}
	while (node != STK_ROOT && !x->used[node]) {
		x->used[node] = 1;
		node = nodes[node].parent;
	}
}

static void spill(struct e2t *x)
{
	if (x->fd < 0)
		x->fd = tmpfile_open("events2trace");
	tmpfile_write(x->fd, x->sbuf.p, x->sbuf.len);
	fp_grow(&x->chunks, &x->chunk_cap, x->nchunks + 1, sizeof *x->chunks);
	x->chunks[x->nchunks++] = x->sbuf.len;
	x->sbuf.len = 0;
}

/* ,"name":EVENT of the record (the last one's text reused) */
static void put_event(struct e2t *x, struct buf *b, struct slice ev)
{
	if (!x->have_ev || ev.n != x->ev_esc.len || (ev.n && memcmp(ev.p, x->ev_esc.p, ev.n) != 0)) {
		x->ev_esc.len = x->ev_json.len = 0;
		buf_add(&x->ev_esc, ev.p, ev.n);
		if (!ev_absent(ev)) {
			buf_adds(&x->ev_json, ",\"name\":");
			put_str(x, &x->ev_json, ev);
		}
		x->have_ev = 1;
	}
	buf_add(b, x->ev_json.p, x->ev_json.len);
}

static void sample(void *ctx, const struct md_sample *s)
{
	struct e2t *x = ctx;
	struct buf *b = &x->sbuf;
	struct slice ids = thread_ids(x, s->thread);

	char *w = room(b, 64 + ids.n);

	if (x->nsamples)	/* the first of a spilled piece too: the pieces are joined raw */
		*w++ = ',';
	memcpy(w, "\n{\"ts\":", 7);
	w += 7;
	if (s->time == EV_NONE) {
		memcpy(w, "0,\"untimed\":true", 16);
		w += 16;
	} else {
		w = us_at(w, s->time);
	}
	if (ids.n) {
		*w++ = ',';
		memcpy(w, ids.p, ids.n);
		w += ids.n;
	}
	b->len = (size_t)(w - b->p);
	if (!ev_absent(s->rec->cpu)) {
		buf_adds(b, ",\"cpu\":");
		put_id(x, b, s->rec->cpu);
	}
	put_event(x, b, s->rec->event);
	w = room(b, 80);
	memcpy(w, ",\"weight\":", 10);
	w += 10;
	if (s->weight < 0) {
		*w++ = '-';
		w = digits_put_wide(w, (uint64_t)0 - (uint64_t)s->weight);
	} else {
		w = digits_put_wide(w, (uint64_t)s->weight);
	}
	if (s->stack == STK_ROOT) {
		memcpy(w, ",\"stack\":[]}", 12);
		w += 12;
		b->len = (size_t)(w - b->p);
	} else {
		memcpy(w, ",\"sf\":", 6);
		w = digits_put_wide(w + 6, s->stack);
		*w++ = '}';
		b->len = (size_t)(w - b->p);
		if (s->stack >= x->used_cap || !x->used[s->stack])
			mark_used(x, s->stack);
	}
	x->nsamples++;
	if (b->len >= CHUNK)
		spill(x);
}

/* ---- the end ---- */

/* M events: every thread's name (T, else its last COMM), every process's. */
static void names(struct e2t *x)
{
	const struct model *m = &x->m;
	struct buf *b = &x->el;
	size_t t, i;

	for (t = 0; t < m->nth; t++) {
		const struct md_thread *th = model_thread(m, (uint32_t)t);
		struct slice ids = thread_ids(x, (uint32_t)t), name;

		if (th->tname != MD_NONE)
			name = model_name(m, th->tname);
		else if (th->comm != MD_NONE)
			name = model_comm(m, th->comm);
		else
			continue;
		b->len = 0;
		buf_adds(b, "\n{\"ph\":\"M\",\"name\":\"thread_name\"");
		if (ids.n) {
			buf_addc(b, ',');
			buf_add(b, ids.p, ids.n);
		}
		buf_adds(b, ",\"args\":{\"name\":");
		put_str(x, b, name);
		buf_adds(b, "}}");
		event_done(x);
	}
	for (i = 0; i < m->pnames.count; i++) {
		struct slice pid = { m->pnames.ents[i].key, m->pnames.ents[i].len };

		b->len = 0;
		buf_adds(b, "\n{\"ph\":\"M\",\"name\":\"process_name\"");
		if (!ev_absent(pid)) {
			buf_adds(b, ",\"pid\":");
			put_id(x, b, pid);
		}
		buf_adds(b, ",\"args\":{\"name\":");
		put_str(x, b, model_name(m, (uint32_t)m->pnames.ents[i].aux));
		buf_adds(b, "}}");
		event_done(x);
	}
	if (x->nevents == 0 && x->nsamples > 0) {
		/* speedscope reads samples only with a non-empty traceEvents */
		b->len = 0;
		buf_adds(b, "\n{\"ph\":\"M\",\"name\":\"flamepipe\",\"args\":{}}");
		event_done(x);
	}
}

/* The stackFrames table: the nodes the samples use, one per line. */
static void stack_frames(struct e2t *x)
{
	const struct stacks *st = &x->m.stacks;
	struct buf *b = &x->el;
	char key[24];
	size_t i;

	jo_key("stackFrames");
	jo_map_open();
	for (i = 1; i < x->used_cap && i < st->nnodes; i++) {
		struct ev_frame f;

		if (!x->used[i])
			continue;
		stacks_frame_get(st, st->nodes[i].frame, &f);
		b->len = 0;
		buf_adds(b, "{\"name\":");
		put_str(x, b, f.name);
		if (f.dso.n) {
			buf_adds(b, ",\"category\":");
			put_str(x, b, f.dso);
		}
		if (st->nodes[i].parent != STK_ROOT) {
			buf_adds(b, ",\"parent\":");
			put_u64(b, st->nodes[i].parent);
		}
		if (f.attrs.n > 1) {
			buf_adds(b, ",\"attrs\":");
			jo_buf_string(b, f.attrs.p + 1, f.attrs.n - 1);
		}
		buf_adds(b, "}\n");
		jo_string(key, jo_fmt_i64(key, (int64_t)i));
		jo_raw(b->p, b->len);
	}
	jo_map_close();
}

static void units(struct e2t *x)
{
	const struct model *m = &x->m;
	size_t i;

	jo_key("flamepipe");
	jo_map_open();
	jo_key("version");
	jo_int(1);
	jo_key("units");
	jo_map_open();
	for (i = 0; i < m->units.count; i++) {
		struct slice unit = model_name(m, (uint32_t)m->units.ents[i].aux);

		x->tmp.len = 0;
		ev_unescape(&x->tmp, m->units.ents[i].key, m->units.ents[i].len);
		jo_string(x->tmp.p, x->tmp.len);
		x->tmp.len = 0;
		ev_unescape(&x->tmp, unit.p, unit.n);
		jo_string(x->tmp.p, x->tmp.len);
	}
	jo_map_close();
	jo_map_close();
}

/* The samples array: the spilled pieces, then what is left in sbuf. The
 * elements are already joined by ',' and go out raw (yajl sees an empty
 * array); the pieces are copied by the kernel when stdout allows it. */
static void samples(struct e2t *x)
{
	struct buf *b = &x->el;
	off_t off = 0;
	size_t i;
	int copy = 1;

	jo_key("samples");
	jo_array_open();
	for (i = 0; i < x->nchunks; i++) {
		size_t n = x->chunks[i], got = 0;

		if (copy && out_copy_file(x->fd, off, n) == 0) {
			off += (off_t)n;
			continue;
		}
		copy = 0;
		b->len = 0;
		buf_reserve(b, n);
		while (got < n) {
			ssize_t r = pread(x->fd, b->p + got, n - got, off + (off_t)got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				fp_die("temporary file: read failed:");
			if (r == 0)
				fp_die("temporary file: shorter than written");
			got += (size_t)r;
		}
		off += (off_t)n;
		out_write(b->p, n);
	}
	out_write(x->sbuf.p, x->sbuf.len);
	jo_array_close();
}

static void finish(struct e2t *x)
{
	names(x);
	start(x);
	jo_array_close();
	if (x->nsamples > 0) {
		stack_frames(x);
		units(x);
		samples(x);
	} else if (x->m.units.count) {
		units(x);
	}
	jo_map_close();
	jo_end();
}

static void e2t_free(struct e2t *x)
{
	model_free(&x->m);
	buf_free(&x->el);
	buf_free(&x->tmp);
	buf_free(&x->ids);
	buf_free(&x->ev_esc);
	buf_free(&x->ev_json);
	buf_free(&x->sbuf);
	free(x->ids_off);
	free(x->used);
	free(x->chunks);
	if (x->fd >= 0)
		close(x->fd);
	free(x);
}

int cmd_events2trace(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct model_opts mo = { .spans_need_frame = 1 };
	struct e2t *x = fp_calloc(1, sizeof *x);
	struct md_sink sink = { .sample = sample, .instant = instant, .open = span_open,
				.close = span_close };
	int c, status;

	cli_init(&info);
	x->fd = -1;
	sink.ctx = x;
	model_init(&x->m, &sink, &mo);
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		if (c == OPT_STRICT)
			x->m.skips.strict = 1;
		else
			cli_common(&info, c);
	}
	status = cli_each_input(argc - optind, argv + optind, model_read, &x->m);
	model_end(&x->m);
	/* no document when no input could be read, nor when one was not an
	 * events stream (unless it was begun) */
	if (x->started || (!x->m.bad_input && (status == 0 || x->m.nth > 0)))
		finish(x);
	out_close();
	e2t_free(x);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2trace(argc, argv); }
#endif
