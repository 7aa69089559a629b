/* events2folded - aggregate an events stream into folded stacks */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/fold.h"
#include "../common/intern.h"
#include "../common/order.h"
#include "../common/out.h"
#include "../common/skip.h"

static const struct cli_info info = {
	"events2folded",
	"events2folded [-acijknoprt] [-e EVENT] [--no-inlined] [--strict] [FILE ...]",
	"Aggregate a flamepipe events stream (events(5)) into folded stacks,\n"
	"\"comm;root;...;leaf COUNT\" sorted in byte order, compatible with\n"
	"stackcollapse-perf.pl. Samples (S) count their weights; spans (O/C)\n"
	"count their self time in nanoseconds. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -e, --event=EVENT  fold samples of EVENT (default: the first event seen)\n"
	"  -c, --count        count samples instead of summing their weights\n"
	"  -p, --pid          root frame COMM-PID\n"
	"  -t, --tid          root frame COMM-PID/TID\n"
	"  -n, --no-comm      no root frame for the thread name\n"
	"  -k, --kernel       append _[k] to kernel frames\n"
	"  -j, --jit          append _[j] to JIT frames\n"
	"  -i, --inlined      append _[i] to inlined frames (the default, as\n"
	"                     stackcollapse-perf.pl and inferno do for Java's a->b)\n"
	"      --no-inlined   no _[i] on inlined frames\n"
	"  -a, --all          -k and -j (with the default _[i]: all three)\n"
	"      --addrs        show unknown frames as [dso <address>]\n"
	"  -r, --raw          keep names as recorded (no argument cutting, quotes kept)\n"
	"  -o, --ordered      no aggregation: one line per run of equal consecutive\n"
	"                     stacks, in input order (for flamegraph.pl --flamechart)\n"
	"      --strict       stop at the first malformed record\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

struct open_frame {
	int64_t t, child;
	size_t off, len;	/* the key of the opened stack in span_thread.keys */
};

struct span_thread {
	struct open_frame *open;
	size_t nopen, cap;
	struct buf keys;
	int64_t last;
};

static struct {
	struct fold_opts fold;
	int pid, tid, count, no_comm, ordered;
	int bad_input;		/* an input was not an events stream: write nothing */
	const char *event;	/* chosen event, or NULL until the first is seen */
	char kind;		/* 'S' samples or 'O' spans, 0 until chosen */
	struct skips skips;
	struct intern stacks;	/* key (see make_key) -> weight */
	struct intern tnames;	/* "pid\ttid" -> aux: index in names */
	struct intern pnames;	/* "pid" -> aux: index in names */
	struct intern names;
	struct intern other;	/* other events -> samples skipped */
	struct intern threads;	/* "pid\ttid" -> aux: index in spans */
	struct span_thread *spans;
	size_t nspans, spans_cap;
	uint64_t unmatched_close, forced_close, unclosed, reordered;
	struct buf key, line, tmp, prev;
	int64_t prev_weight;
	int have_prev;
} g;

static int comm_absent(struct slice comm)
{
	return comm.n == 0 || ev_absent(comm);
}

/* comm \t pid \t tid \t stack: ids only where the root frame needs them. */
static void make_key(struct buf *k, const struct ev_rec *r, struct slice stack)
{
	int absent = comm_absent(r->comm);

	k->len = 0;
	buf_add(k, r->comm.p, r->comm.n);
	buf_addc(k, '\t');
	if (g.pid || g.tid || absent)
		buf_add(k, r->pid.p, r->pid.n);
	buf_addc(k, '\t');
	if (g.tid || absent)
		buf_add(k, r->tid.p, r->tid.n);
	buf_addc(k, '\t');
	buf_add(k, stack.p, stack.n);
}

static struct slice field(const char **p, const char *end)
{
	const char *t = memchr(*p, '\t', (size_t)(end - *p));
	struct slice s = { *p, (size_t)((t ? t : end) - *p) };

	*p = t ? t + 1 : end;
	return s;
}

static int lookup_name(struct intern *t, const char *key, size_t len, struct slice *name)
{
	size_t i = intern_find(t, key, len);

	if (i == (size_t)-1)
		return 0;
	i = (size_t)t->ents[i].aux;
	name->p = g.names.ents[i].key;
	name->n = g.names.ents[i].len;
	return 1;
}

/* Turn a key into the folded stack text in g.line. */
static void fold_key(const char *k, size_t n)
{
	const char *p = k, *end = k + n;
	struct slice comm = field(&p, end), pid = field(&p, end), tid = field(&p, end);
	struct slice stack = { p, (size_t)(end - p) }, name = comm;
	struct ev_frame f;
	int have_name = !comm_absent(comm), first = 1, java;

	g.line.len = 0;
	if (!have_name) {
		ev_thread_key(&g.tmp, pid, tid);
		have_name = lookup_name(&g.tnames, g.tmp.p, g.tmp.len, &name) ||
			    lookup_name(&g.pnames, pid.p, pid.n, &name);
		if (!have_name && (g.pid || g.tid)) {
			name.p = "[unknown]";
			name.n = 9;
			have_name = 1;
		}
	}
	g.tmp.len = 0;
	if (have_name)
		ev_unescape(&g.tmp, name.p, name.n);
	java = g.tmp.len >= 4 && memcmp(g.tmp.p, "java", 4) == 0;
	if (have_name && !g.no_comm) {
		fold_text(&g.line, g.tmp.p, g.tmp.len, 1);
		if (g.pid || g.tid) {
			buf_addc(&g.line, '-');
			if (pid.n == 0 || ev_absent(pid))
				buf_addc(&g.line, '?');
			else
				ev_unescape(&g.line, pid.p, pid.n);
		}
		if (g.tid) {
			buf_addc(&g.line, '/');
			if (tid.n == 0 || ev_absent(tid))
				buf_addc(&g.line, '?');
			else
				ev_unescape(&g.line, tid.p, tid.n);
		}
		first = 0;
	}
	if (stack.n == 0)
		stack.p = NULL;
	while (ev_frame_next(&stack, &f)) {
		if (!first)
			buf_addc(&g.line, ';');
		first = 0;
		fold_frame(&g.line, &f, &g.fold, java, &g.tmp);
	}
	if (g.line.len == 0)
		buf_adds(&g.line, "[no frames]");	/* a sample without a stack, with no root */
	fold_fix_leaf(&g.line, 0);
}

static void put_line(const char *s, size_t n, int64_t w)
{
	out_write(s, n);
	out_putc(' ');
	out_i64(w);
	out_putc('\n');
}

/* Ordered mode: print runs of equal consecutive lines. */
static void ordered_add(int64_t w)
{
	if (g.have_prev && g.prev.len == g.line.len && memcmp(g.prev.p, g.line.p, g.line.len) == 0) {
		g.prev_weight += w;
		return;
	}
	if (g.have_prev)
		put_line(g.prev.p, g.prev.len, g.prev_weight);
	g.prev.len = 0;
	buf_add(&g.prev, g.line.p, g.line.len);
	g.prev_weight = w;
	g.have_prev = 1;
}

static void add(const char *key, size_t len, int64_t w)
{
	if (g.ordered) {
		fold_key(key, len);
		ordered_add(w);
		return;
	}
	intern_add(&g.stacks, key, len)->value += w;
}

/* Is this record's event the one we fold? Samples (S) and spans (O/C) are
 * different measures even under one event name; the first record of the
 * chosen event (or of any event without --event) decides which is folded. */
static int wanted(char type, struct slice ev)
{
	char kind = type == 'S' ? 'S' : 'O';
	int same = g.event && strlen(g.event) == ev.n && memcmp(g.event, ev.p, ev.n) == 0;

	if (!g.kind && (!g.event || same)) {
		g.kind = kind;
		if (!g.event)
			g.event = fp_strndup(ev.p, ev.n);
		same = 1;
	}
	if (same && kind == g.kind)
		return 1;
	g.tmp.len = 0;
	buf_adds(&g.tmp, kind == 'S' ? "samples of " : "spans of ");
	buf_add(&g.tmp, ev.p, ev.n);
	intern_add(&g.other, g.tmp.p, g.tmp.len)->value++;
	return 0;
}

static void set_name(struct intern *t, const char *key, size_t len, struct slice name)
{
	int added;
	size_t n = intern_get(&g.names, name.p, name.n, &added);

	intern_add(t, key, len)->aux = (int64_t)n;
}

static struct span_thread *thread_of(const struct ev_rec *r)
{
	int added;
	size_t i;

	ev_thread_key(&g.tmp, r->pid, r->tid);
	i = intern_get(&g.threads, g.tmp.p, g.tmp.len, &added);
	if (added) {
		fp_grow(&g.spans, &g.spans_cap, g.nspans + 1, sizeof *g.spans);
		memset(&g.spans[g.nspans], 0, sizeof *g.spans);
		g.spans[g.nspans].last = INT64_MIN;
		g.threads.ents[i].aux = (int64_t)g.nspans++;
	}
	return &g.spans[g.threads.ents[i].aux];
}

/* Close the top frame of th at time t: its self time goes to its stack. */
static void close_top(struct span_thread *th, int64_t t)
{
	struct open_frame *o = &th->open[--th->nopen];
	int64_t dur = t > o->t ? t - o->t : 0;
	int64_t self = dur - o->child;

	add(th->keys.p + o->off, o->len, g.count ? 1 : (self > 0 ? self : 0));
	th->keys.len = o->off;
	if (th->nopen > 0)
		th->open[th->nopen - 1].child += dur;
}

static void span(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	struct span_thread *th = thread_of(r);
	int64_t t = r->time;
	size_t i;

	if (t == EV_NONE) {
		skip_record(&g.skips, file, lineno, "span record without a time");
		return;
	}
	if (t < th->last) {	/* unsorted: moved, like events2speedscope */
		g.reordered++;
		t = th->last;
	}
	th->last = t;
	make_key(&g.key, r, r->stack);
	if (r->type == 'O') {
		struct open_frame *o;

		fp_grow(&th->open, &th->cap, th->nopen + 1, sizeof *th->open);
		o = &th->open[th->nopen++];
		o->t = t;
		o->child = 0;
		o->off = th->keys.len;
		o->len = g.key.len;
		buf_add(&th->keys, g.key.p, g.key.len);
		return;
	}
	/* C: the innermost open frame with this stack */
	for (i = th->nopen; i-- > 0;) {
		const struct open_frame *o = &th->open[i];

		if (o->len == g.key.len && memcmp(th->keys.p + o->off, g.key.p, g.key.len) == 0)
			break;
	}
	if (i == (size_t)-1) {
		g.unmatched_close++;
		skip_record(&g.skips, file, lineno, "close (C) of a frame that is not open");
		return;
	}
	while (th->nopen > i + 1) {
		g.forced_close++;
		close_top(th, t);
	}
	close_top(th, t);
}

static void record(const struct ev_rec *r, const char *file, uint64_t lineno)
{
	switch (r->type) {
	case 'S':
		if (!wanted(r->type, r->event))
			return;
		make_key(&g.key, r, r->stack);
		add(g.key.p, g.key.len, g.count ? 1 : r->weight);
		break;
	case 'O':
	case 'C':
		if (!wanted(r->type, r->event))
			return;
		span(r, file, lineno);
		break;
	case 'T':
		ev_thread_key(&g.tmp, r->pid, r->tid);
		set_name(&g.tnames, g.tmp.p, g.tmp.len, r->name);
		break;
	case 'P':
		set_name(&g.pnames, r->pid.p, r->pid.n, r->name);
		break;
	default:
		break;	/* E, I and unknown types do not contribute */
	}
}

static int fold_input(const char *path, void *ctx)
{
	struct ev_reader rd;
	struct ev_rec r;
	int k;

	(void)ctx;
	if (ev_reader_open(&rd, path, &g.skips) < 0)
		return 1;
	while ((k = ev_reader_next(&rd, &r)) != EV_EOF && k != EV_ERROR) {
		if (k != EV_RECORD)
			continue;
		if (r.type == 'D')
			fp_die("%s:%" PRIu64 ": %s", rd.in.name, rd.in.lineno, order_unnested);
		record(&r, rd.in.name, rd.in.lineno);
	}
	ev_reader_close(&rd);
	if (k == EV_ERROR)
		g.bad_input = 1;
	return k == EV_ERROR;
}

/* Frames still open at the end close at their thread's last time. */
static void close_all(void)
{
	size_t i;

	for (i = 0; i < g.nspans; i++) {
		struct span_thread *th = &g.spans[i];

		while (th->nopen > 0) {
			g.unclosed++;
			close_top(th, th->last);
		}
	}
	if (g.unclosed)
		fp_warn("%" PRIu64 " frames never closed; closed at their thread's last time",
			g.unclosed);
	if (g.forced_close)
		fp_warn("%" PRIu64 " frames closed by the close of an enclosing frame",
			g.forced_close);
	if (g.reordered)
		fp_warn("%" PRIu64 " span records earlier than the previous one of their thread; "
			"moved to its time (sort the stream with eventsort)", g.reordered);
}

static const struct intern *sort_tab;

static int by_key(const void *a, const void *b)
{
	const struct ient *x = &sort_tab->ents[*(const size_t *)a];
	const struct ient *y = &sort_tab->ents[*(const size_t *)b];
	int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static void print_sorted(void)
{
	struct intern folded = { 0 };
	size_t i, *idx;

	/* Different keys can fold to one line (names tidied, dso dropped). */
	for (i = 0; i < g.stacks.count; i++) {
		const struct ient *e = &g.stacks.ents[i];

		fold_key(e->key, e->len);
		intern_add(&folded, g.line.p, g.line.len)->value += e->value;
	}
	idx = fp_malloc((folded.count ? folded.count : 1) * sizeof *idx);
	for (i = 0; i < folded.count; i++)
		idx[i] = i;
	sort_tab = &folded;
	qsort(idx, folded.count, sizeof *idx, by_key);
	for (i = 0; i < folded.count; i++) {
		const struct ient *e = &folded.ents[idx[i]];

		put_line(e->key, e->len, e->value);
	}
	free(idx);
	intern_free(&folded);
}

static void report_other_events(void)
{
	size_t i;
	uint64_t n = 0;

	for (i = 0; i < g.other.count; i++)
		n += (uint64_t)g.other.ents[i].value;
	if (n == 0)
		return;
	fp_warn("folded %s of event '%s'; skipped %" PRIu64 " records of %zu other kind%s "
		"(choose with --event)", g.kind == 'S' ? "samples" : "spans", g.event, n,
		g.other.count, g.other.count == 1 ? "" : "s");
	for (i = 0; i < g.other.count; i++)
		fprintf(stderr, "  %.*s: %" PRId64 "\n", (int)g.other.ents[i].len,
			g.other.ents[i].key, g.other.ents[i].value);
}

int main(int argc, char **argv)
{
	enum { OPT_ADDRS = CLI_FIRST_LONG, OPT_NO_INLINED, OPT_STRICT };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "count", no_argument, NULL, 'c' },
		{ "pid", no_argument, NULL, 'p' },
		{ "tid", no_argument, NULL, 't' },
		{ "no-comm", no_argument, NULL, 'n' },
		{ "kernel", no_argument, NULL, 'k' },
		{ "jit", no_argument, NULL, 'j' },
		{ "inlined", no_argument, NULL, 'i' },
		{ "no-inlined", no_argument, NULL, OPT_NO_INLINED },
		{ "all", no_argument, NULL, 'a' },
		{ "addrs", no_argument, NULL, OPT_ADDRS },
		{ "raw", no_argument, NULL, 'r' },
		{ "ordered", no_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	g.fold.inlined = 1;	/* _[i] by default, as stackcollapse-perf.pl and inferno */
	while ((c = getopt_long(argc, argv, "ace:ijknoprt", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': g.event = optarg; break;
		case 'c': g.count = 1; break;
		case 'p': g.pid = 1; break;
		case 't': g.tid = 1; break;
		case 'n': g.no_comm = 1; break;
		case 'k': g.fold.kernel = 1; break;
		case 'j': g.fold.jit = 1; break;
		case 'i': g.fold.inlined = 1; break;
		case OPT_NO_INLINED: g.fold.inlined = 0; break;
		case 'a': g.fold.kernel = g.fold.jit = 1; break;
		case OPT_ADDRS: g.fold.addrs = 1; break;
		case 'r': g.fold.raw = 1; break;
		case 'o': g.ordered = 1; break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	status = cli_each_input(argc - optind, argv + optind, fold_input, NULL);
	close_all();
	if (g.bad_input) {
		/* a wrong input: nothing on stdout (--ordered has streamed what it
		 * read before it) */
	} else if (g.ordered) {
		if (g.have_prev)
			put_line(g.prev.p, g.prev.len, g.prev_weight);
	} else {
		print_sorted();
	}
	if (!g.bad_input)
		report_other_events();
	out_close();
	return status;
}
