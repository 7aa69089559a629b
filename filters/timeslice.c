/* timeslice - keep the part of an events stream between two times */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/evscan.h"
#include "../common/idle.h"
#include "../common/model.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "../common/timespec.h"
#include "cmds.h"

static const struct cli_info info = {
	"timeslice",
	"timeslice [-afqs] [-c COMM] [-e EVENT] [-p PID] [-t TID] [--no-idle] [--read-all] [--strict] START END [FILE ...]",
	"Keep the records of a flamepipe events stream (events(5)) with\n"
	"START <= time < END. Times are seconds after the stream's start (its\n"
	"#start header, else its first record), with an optional unit: 1.2,\n"
	"1200ms, 500us, 20ns; - is an open end. Spans (O/C) that cross START or\n"
	"END are reopened at START and closed at END. Headers, metadata (T, P, E)\n"
	"and unknown record types pass through. Selections keep only the thread\n"
	"records (S O C I) that match; each may be given more than once (any value\n"
	"matches). FILE - or no FILE reads stdin. See docs/heatmap.md.\n"
	"\n"
	"  -a, --absolute     START and END are times in the stream's own clock\n"
	"  -f, --flamescope   relative to the whole second before the start: the\n"
	"                     columns of heatmap(1) and FlameScope (10.18 = column\n"
	"                     10, 180 ms)\n"
	"  -p, --pid=PID      only records of process PID\n"
	"  -t, --tid=TID      only records of thread TID\n"
	"  -c, --comm=COMM    only records whose thread name is COMM\n"
	"  -e, --event=EVENT  only records of EVENT\n"
	"      --no-idle      drop idle samples (as heatmap(1) does)\n"
	"  -s, --sorted       the input is time-ordered: stop reading at END (also\n"
	"                     when the stream says #order sorted)\n"
	"      --read-all     never stop early (metadata after END passes through)\n"
	"      --strict       stop at the first malformed record\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};


enum mode { M_RELATIVE, M_ABSOLUTE, M_FLAMESCOPE };

struct list {
	struct buf b;		/* escaped values, each followed by '\n' */
	int n;
	/* what the stream had, for the report at the end */
	const char *opt, *field;	/* "--pid", "pid" */
	const char *hint;	/* why a stream may lack the field, or NULL */
	int present;		/* a thread record had a value (not '-') here */
	char *hit;		/* hit[i]: a thread record had value i */
};

struct frame {
	size_t off, len;	/* the O record after its time field, in arena */
};

struct thread {
	struct frame *f;
	size_t n, cap;
	struct buf arena;
};

struct ts {
	enum mode mode;
	int no_idle, sorted, read_all;
	int64_t start, end;	/* as given (relative or absolute) */
	int open_start, open_end;
	struct list pids, tids, comms, events;
	struct buf filter;	/* "#filter timeslice ...\n" */
	struct model md;	/* the reader: skips, file, line, threads */
	/* the stream */
	int have_origin, magic_done, opened, closed;
	int64_t origin, base, lo, hi, last;
	/* the open frames, per thread in order of its first span record */
	struct thread *threads;
	size_t nthreads, cap;
	uint32_t *slot;		/* model thread id -> index in threads + 1, or 0 */
	size_t nslot;
};

/* ---- selections ---- */

static void put_escaped_buf(struct buf *b, const char *s)
{
	if (strcmp(s, "-") == 0)
		buf_adds(b, "\\x2d");
	else
		ev_buf_escaped(b, s, strlen(s));
}

static void list_add(struct list *l, const char *value)
{
	put_escaped_buf(&l->b, value);
	buf_addc(&l->b, '\n');
	l->hit = fp_realloc(l->hit, (size_t)l->n + 1);
	l->hit[l->n++] = 0;
}

/* The index of the value equal to s, or -1. */
static int list_find(const struct list *l, struct slice s)
{
	const char *p = l->b.p, *end = l->b.p + l->b.len;
	int i;

	for (i = 0; p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((size_t)(nl - p) == s.n && memcmp(p, s.p, s.n) == 0)
			return i;
		p = nl + 1;
	}
	return -1;
}

/* An empty list matches everything. Notes what the stream has. */
static int list_match(struct list *l, struct slice s)
{
	int i;

	if (l->n == 0)
		return 1;
	if (!ev_absent(s) && s.n > 0)
		l->present = 1;
	i = list_find(l, s);
	if (i < 0)
		return 0;
	l->hit[i] = 1;
	return 1;
}

static int selected(struct ts *g, const struct ev_rec *r)
{
	/* every list sees every record, for the report */
	int pid = list_match(&g->pids, r->pid), tid = list_match(&g->tids, r->tid);
	int comm = list_match(&g->comms, r->comm), event = list_match(&g->events, r->event);

	return pid && tid && comm && event;
}

/* A selection value that no record had: say why, at the end. */
static void report_list(const struct ts *g, const struct list *l)
{
	const char *p = l->b.p, *end = l->b.p + l->b.len;
	const char *in = g->md.ninputs > 1 ? "the inputs" : g->md.file;
	const char *upto = g->md.stop ? " up to END (reading stopped there)" : "";
	struct buf v = { 0 };
	int i;

	for (i = 0; p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		v.len = 0;
		ev_unescape(&v, p, (size_t)(nl - p));
		buf_addc(&v, '\0');
		if (l->hit[i])
			;
		else if (!l->present)
			fp_warn("%s %s: no record of %s%s has a %s (the stream has '-' in that "
				"field%s%s)", l->opt, v.p, in, upto, l->field, l->hint ? "; " : "",
				l->hint ? l->hint : "");
		else
			fp_warn("%s %s: no record of %s%s has %s %s", l->opt, v.p, in, upto, l->field,
				v.p);
		p = nl + 1;
	}
	free(v.p);
}

static void report_selections(const struct ts *g)
{
	if (!g->md.ninputs)
		return;	/* no input could be read */
	report_list(g, &g->pids);
	report_list(g, &g->tids);
	report_list(g, &g->comms);
	report_list(g, &g->events);
}

/* ---- spans: the open frames of each thread ---- */

/* The open frames of r's thread (the model's thread table gives its id;
 * the frames are kept in order of the thread's first span record, the
 * order in which they are reopened and closed at the window's edges). */
static struct thread *thread_of(struct ts *g, const struct ev_rec *r)
{
	uint32_t id = model_thread_id(&g->md, r->pid, r->tid);

	if (id >= g->nslot) {
		size_t n = g->nslot;

		fp_grow(&g->slot, &g->nslot, (size_t)id + 1, sizeof *g->slot);
		memset(g->slot + n, 0, (g->nslot - n) * sizeof *g->slot);
	}
	if (g->slot[id] == 0) {
		fp_grow(&g->threads, &g->cap, g->nthreads + 1, sizeof *g->threads);
		memset(&g->threads[g->nthreads], 0, sizeof *g->threads);
		g->slot[id] = (uint32_t)++g->nthreads;
	}
	return &g->threads[g->slot[id] - 1];
}

/* The record after its time field: "PID\tTID\t...\tSTACK..." */
static struct slice rest_of(const struct ev_rec *r)
{
	const char *p = r->line.p, *end = p + r->line.n;
	const char *t1 = memchr(p, '\t', r->line.n);
	const char *t2 = memchr(t1 + 1, '\t', (size_t)(end - t1 - 1));
	struct slice s = { t2 + 1, (size_t)(end - t2 - 1) };

	return s;
}

static struct slice stack_of(struct slice rest)
{
	const char *p = rest.p, *end = rest.p + rest.n;
	int i;

	for (i = 0; i < 6; i++)	/* pid tid cpu comm event weight */
		p = (const char *)memchr(p, '\t', (size_t)(end - p)) + 1;
	const char *t = memchr(p, '\t', (size_t)(end - p));

	return (struct slice){ p, (size_t)((t ? t : end) - p) };
}

static void put_span(char type, int64_t t, const struct thread *th, const struct frame *f)
{
	out_putc(type);
	out_putc('\t');
	ev_put_time(t);
	out_putc('\t');
	out_write(th->arena.p + f->off, f->len);
	out_putc('\n');
}

static void put_line(const struct ev_rec *r)
{
	out_write(r->line.p, r->line.n);
	out_putc('\n');
}

static void push(struct thread *th, struct slice rest)
{
	fp_grow(&th->f, &th->cap, th->n + 1, sizeof *th->f);
	th->f[th->n].off = th->arena.len;
	th->f[th->n].len = rest.n;
	buf_add(&th->arena, rest.p, rest.n);
	th->n++;
}

static void pop(struct thread *th)
{
	th->n--;
	th->arena.len = th->f[th->n].off;
}

/* The innermost open frame with this stack, or -1. */
static long find(const struct thread *th, struct slice stack)
{
	size_t i;

	for (i = th->n; i-- > 0;) {
		struct slice s = { th->arena.p + th->f[i].off, th->f[i].len };

		s = stack_of(s);
		if (s.n == stack.n && memcmp(s.p, stack.p, s.n) == 0)
			return (long)i;
	}
	return -1;
}

/* Reopen at lo every frame open before the slice, outer first. */
static void open_window(struct ts *g)
{
	size_t i, j;

	g->opened = 1;
	for (i = 0; i < g->nthreads; i++)
		for (j = 0; j < g->threads[i].n; j++)
			put_span('O', g->lo, &g->threads[i], &g->threads[i].f[j]);
}

/* Close at t every frame still open, inner first. */
static void close_all(struct ts *g, int64_t t)
{
	size_t i;

	for (i = 0; i < g->nthreads; i++) {
		struct thread *th = &g->threads[i];

		while (th->n > 0) {
			put_span('C', t, th, &th->f[th->n - 1]);
			pop(th);
		}
	}
}

static void span(struct ts *g, const struct ev_rec *r)
{
	struct thread *th;
	long i;

	if (r->time >= g->hi)
		return;
	if ((r->time < g->lo && g->opened) || g->closed) {
		skip_record(&g->md.skips, g->md.file, g->md.lineno, "span record out of time order "
			    "(timeslice needs spans sorted by time: eventsort)");
		return;
	}
	th = thread_of(g, r);
	if (r->type == 'O') {
		push(th, rest_of(r));
		if (r->time >= g->lo)
			put_line(r);
		return;
	}
	i = find(th, ev_stack_cut(r->stack));
	if (i < 0) {
		if (r->time >= g->lo)
			skip_record(&g->md.skips, g->md.file, g->md.lineno, "close (C) of a frame that is not open");
		return;
	}
	while ((long)th->n > i + 1) {	/* frames left open inside it close with it */
		if (r->time >= g->lo)
			put_span('C', r->time, th, &th->f[th->n - 1]);
		pop(th);
	}
	pop(th);
	if (r->time >= g->lo)
		put_line(r);
}

/* ---- the stream ---- */

static int64_t bound(const struct ts *g, int64_t rel, int open, int64_t inf)
{
	int64_t v;

	if (open)
		return inf;
	if (__builtin_add_overflow(g->base, rel, &v))
		fp_die("START or END is out of range for this stream's times");
	return v;
}

static void set_origin(struct ts *g, int64_t t, int from_header)
{
	const char *file = g->md.file;
	uint64_t lineno = g->md.lineno;

	if (!g->have_origin) {
		g->have_origin = 1;
		g->origin = t;
		if (g->mode == M_FLAMESCOPE && t < TIME_FLOOR_MIN)
			fp_die("%s:%" PRIu64 ": time out of range for -f", file, lineno);
		g->base = g->mode == M_ABSOLUTE ? 0 : g->mode == M_FLAMESCOPE ? floor_second(t) : t;
		g->lo = bound(g, g->start, g->open_start, INT64_MIN);
		g->hi = bound(g, g->end, g->open_end, INT64_MAX);
		if (!from_header && g->mode != M_ABSOLUTE) {
			/* later slicing and heat maps of the slice keep this origin */
			out_puts("#start ");
			ev_put_time(t);
			out_putc('\n');
		}
		return;
	}
	if (g->mode != M_ABSOLUTE && t < g->base) {
		char buf[32];

		timespec_format(buf, t);
		fp_die("%s:%" PRIu64 ": time %s is before the stream's start taken from its "
		       "first time; relative START and END need a time-ordered stream or a "
		       "#start header (sort it with eventsort, or use -a)", file, lineno, buf);
	}
}

static void on_header(void *ctx, struct slice line)
{
	struct ts *g = ctx;
	int64_t t;

	out_write(line.p, line.n);
	out_putc('\n');
	if (!g->magic_done) {
		g->magic_done = 1;
		out_write(g->filter.p, g->filter.len);
		g->filter.len = 0;
		return;
	}
	if (line.n > 7 && memcmp(line.p, "#start ", 7) == 0 &&
	    ev_parse_time(line.p + 7, line.n - 7, &t) == 0)
		set_origin(g, t, 1);
	if (line.n == 13 && memcmp(line.p, "#order sorted", 13) == 0)
		g->sorted = 1;
}

/* want(): a thread record (S O C I) moves the window's edges, before the
 * model looks at it; it goes on (to on_point or on_other) when selected. */
static int on_record(void *ctx, const struct ev_rec *r)
{
	struct ts *g = ctx;
	int64_t t = r->time;

	if (t == EV_NONE) {
		skip_record(&g->md.skips, g->md.file, g->md.lineno, "record without a time");
		return 0;
	}
	set_origin(g, t, 0);
	if (t > g->last)
		g->last = t;
	if (!g->opened && t >= g->lo)
		open_window(g);
	if (!g->closed && t >= g->hi) {
		close_all(g, g->hi);
		g->closed = 1;
		if (g->sorted && !g->read_all)
			g->md.stop = 1;
	}
	return selected(g, r);
}

/* S and I records, selected */
static void on_point(void *ctx, const struct md_sample *s)
{
	struct ts *g = ctx;
	const struct ev_rec *r = s->rec;

	if (r->time < g->lo || r->time >= g->hi)
		return;
	if (g->no_idle && r->type == 'S' && idle_sample(r->comm, r->stack))
		return;
	put_line(r);
}

/* O and C records (selected: own_spans), metadata and unknown types */
static void on_other(void *ctx, const struct ev_rec *r)
{
	if (r->type == 'O' || r->type == 'C')
		span(ctx, r);
	else
		put_line(r);
}

static void parse_bound(const char *arg, const char *what, int64_t *v, int *open)
{
	if (strcmp(arg, "-") == 0) {
		*open = 1;
		return;
	}
	if (timespec_parse(arg, v) < 0)
		cli_usage_error(&info, "%s: expected a time such as 1.2, 1200ms, 500us or -, got '%s'",
				what, arg);
}

static void init_lists(struct ts *g)
{
	g->pids = (struct list){ .opt = "--pid", .field = "pid",
		.hint = "perf script's default fields omit it: use perf script -F +pid" };
	g->tids = (struct list){ .opt = "--tid", .field = "tid" };
	g->comms = (struct list){ .opt = "--comm", .field = "comm",
		.hint = "thread names may come in T records, which --comm does not read" };
	g->events = (struct list){ .opt = "--event", .field = "event" };
}

static void make_filter_header(struct ts *g, int argc, char **argv, int nargs)
{
	int i;

	buf_adds(&g->filter, "#filter timeslice");
	for (i = 1; i < nargs && i < argc; i++) {
		const char *s;

		buf_addc(&g->filter, ' ');
		for (s = argv[i]; *s; s++)
			buf_addc(&g->filter, (unsigned char)*s < 0x20 ? '?' : *s);
	}
	buf_addc(&g->filter, '\n');
}

static void parse_options(struct ts *g, int argc, char **argv)
{
	enum { OPT_NOIDLE = CLI_FIRST_LONG, OPT_READALL, OPT_STRICT };
	static const struct option longopts[] = {
		{ "absolute", no_argument, NULL, 'a' },
		{ "flamescope", no_argument, NULL, 'f' },
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "comm", required_argument, NULL, 'c' },
		{ "event", required_argument, NULL, 'e' },
		{ "no-idle", no_argument, NULL, OPT_NOIDLE },
		{ "sorted", no_argument, NULL, 's' },
		{ "read-all", no_argument, NULL, OPT_READALL },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "ac:e:fp:st:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': g->mode = M_ABSOLUTE; break;
		case 'f': g->mode = M_FLAMESCOPE; break;
		case 'p': list_add(&g->pids, optarg); break;
		case 't': list_add(&g->tids, optarg); break;
		case 'c': list_add(&g->comms, optarg); break;
		case 'e': list_add(&g->events, optarg); break;
		case OPT_NOIDLE: g->no_idle = 1; break;
		case 's': g->sorted = 1; break;
		case OPT_READALL: g->read_all = 1; break;
		case OPT_STRICT: g->md.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (argc - optind < 2)
		cli_usage_error(&info, "START and END are required");
	parse_bound(argv[optind], "START", &g->start, &g->open_start);
	parse_bound(argv[optind + 1], "END", &g->end, &g->open_end);
	if (!g->open_start && !g->open_end && g->start > g->end)
		cli_usage_error(&info, "START is after END");
}

static void ts_free(struct ts *g)
{
	struct list *l[] = { &g->pids, &g->tids, &g->comms, &g->events };
	size_t i;

	for (i = 0; i < 4; i++) {
		buf_free(&l[i]->b);
		free(l[i]->hit);
	}
	for (i = 0; i < g->nthreads; i++) {
		free(g->threads[i].f);
		buf_free(&g->threads[i].arena);
	}
	free(g->threads);
	free(g->slot);
	buf_free(&g->filter);
	model_free(&g->md);
}

/* The model reads (headers, D records refused, the thread table) with no
 * stacks, and leaves O/C records to timeslice: its spans are clipped at
 * the window (reopened at START, closed at END) and records out of order
 * are skipped, where the model's repair would move them; nor does it read
 * E records (they pass through, a second unit is not timeslice's error). */
int cmd_timeslice(int argc, char **argv)
{
	static const struct model_opts opts = { .no_stacks = 1, .no_threads = 1, .own_spans = 1,
						.no_units = 1 };
	struct ts g = { .last = INT64_MIN };
	const struct md_sink sink = { .ctx = &g, .want = on_record, .header = on_header,
				      .sample = on_point, .instant = on_point, .other = on_other };
	int status;

	cli_init(&info);
	model_init(&g.md, &sink, &opts);
	init_lists(&g);
	parse_options(&g, argc, argv);
	make_filter_header(&g, argc, argv, optind + 2);
	status = cli_each_input(argc - optind - 2, argv + optind + 2, model_read, &g.md);
	if (g.opened && !g.closed)
		close_all(&g, g.last);	/* frames never closed in the input end with it */
	report_selections(&g);
	out_close();
	ts_free(&g);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_timeslice(argc, argv); }
#endif
