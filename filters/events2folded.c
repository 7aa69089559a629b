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
#include "../common/model.h"
#include "../common/out.h"
#include "../common/u64map.h"
#include "cmds.h"

static const struct cli_info info = {
	"events2folded",
	"events2folded [-acijknopqrt] [-e EVENT] [--no-inlined] [--strict] [FILE ...]",
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
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

/*
 * Built on the stream model (model.h): a sample, or a span when it closes,
 * adds its weight to (root, stack node), where the root is the COMM of the
 * record and, where the root frame needs them (-p, -t, or no COMM), its
 * thread. At the end each (root, node) is folded into its text once; lines
 * that fold alike (names tidied, dso dropped) are summed after sorting.
 */
static struct {
	struct model m;
	struct fold_opts fold;
	int pid, tid, count, no_comm, ordered;
	const char *event;	/* chosen event, or NULL until the first is seen */
	char *event_alloc;	/* event when chosen from the first record */
	char kind;		/* 'S' samples or 'O' spans, 0 until chosen */
	struct intern other;	/* other events -> records skipped */
	size_t last_other;	/* the last one counted, or -1 */
	struct u64map roots;	/* comm << 32 | thread (or MD_NONE) -> value: index */
	struct u64map stacks;	/* root << 32 | node -> weight */
	uint32_t *path;
	size_t pathcap;
	/* each frame's folded text, once per java flag: frame << 1 | java ->
	 * offset in ftext << 32 | length (UINT64_MAX: not yet) */
	uint64_t *folded;
	size_t nfolded;
	struct buf ftext;
	struct buf line, tmp, prev;
	int64_t prev_weight;
	int have_prev;
} g;

/* The root of a record: its COMM, and its thread where the root frame
 * names the thread or the name must come from T/P records. */
static uint32_t root_of(uint32_t comm, uint32_t thread)
{
	uint64_t key;
	struct u64ent *e;

	if (comm != MD_NONE && !g.pid && !g.tid)
		thread = MD_NONE;
	key = (uint64_t)comm << 32 | thread;
	e = u64map_add(&g.roots, key);
	if (e->value == 0)
		e->value = (int64_t)g.roots.count;	/* index + 1 */
	return (uint32_t)(e->value - 1);
}

/* The root frame's text: COMM[-PID[/TID]]. */
static int root_text(uint32_t root, int *java)
{
	uint64_t key = g.roots.ents[root].key;
	uint32_t comm = (uint32_t)(key >> 32), thread = (uint32_t)key;
	struct slice name, pid = { "-", 1 }, tid = { "-", 1 };
	int have_name;

	if (thread != MD_NONE) {
		pid = model_thread(&g.m, thread)->pid;
		tid = model_thread(&g.m, thread)->tid;
	}
	if (comm != MD_NONE) {
		name = model_comm(&g.m, comm);
		have_name = 1;
	} else {
		have_name = model_tp_name(&g.m, thread, &name);
		if (!have_name && (g.pid || g.tid)) {
			name = ev_str("[unknown]");
			have_name = 1;
		}
	}
	g.tmp.len = 0;
	if (have_name)
		ev_unescape(&g.tmp, name.p, name.n);
	*java = g.tmp.len >= 4 && memcmp(g.tmp.p, "java", 4) == 0;
	if (!have_name || g.no_comm)
		return 0;
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
	return 1;
}

/* Append frame's folded text to g.line: it depends only on the frame and
 * on java, so each is folded once (a stack's frames are mostly folded
 * already for other stacks). */
static void add_frame(uint32_t frame, int java)
{
	size_t k = (size_t)frame << 1 | (size_t)java, start;
	struct ev_frame f;

	if (k >= g.nfolded) {
		size_t n = g.nfolded;

		fp_grow(&g.folded, &g.nfolded, k + 1, sizeof *g.folded);
		memset(g.folded + n, 0xff, (g.nfolded - n) * sizeof *g.folded);
	}
	if (g.folded[k] != UINT64_MAX) {
		buf_add(&g.line, g.ftext.p + (g.folded[k] >> 32), (uint32_t)g.folded[k]);
		return;
	}
	start = g.line.len;
	stacks_frame_get(&g.m.stacks, frame, &f);
	fold_frame(&g.line, &f, &g.fold, java, &g.tmp);
	if (g.ftext.len > UINT32_MAX || g.line.len - start > UINT32_MAX)
		return;	/* not kept: folded again next time */
	g.folded[k] = (uint64_t)g.ftext.len << 32 | (g.line.len - start);
	buf_add(&g.ftext, g.line.p + start, g.line.len - start);
}

/* The folded text of (root, node) in g.line. */
static void fold_line(uint32_t root, uint32_t node)
{
	int java, first;
	size_t i, n;

	g.line.len = 0;
	first = !root_text(root, &java);
	n = stacks_path(&g.m.stacks, node, &g.path, &g.pathcap);
	for (i = 0; i < n; i++) {
		if (!first)
			buf_addc(&g.line, ';');
		first = 0;
		add_frame(g.path[i], java);
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

static void add(uint32_t comm, uint32_t thread, uint32_t node, int64_t w)
{
	uint32_t root = root_of(comm, thread);

	if (g.ordered) {
		fold_line(root, node);
		ordered_add(w);
		return;
	}
	u64map_add(&g.stacks, (uint64_t)root << 32 | node)->value += w;
}

/* Is this record's event the one we fold? Samples (S) and spans (O/C) are
 * different measures even under one event name; the first record of the
 * chosen event (or of any event without --event) decides which is folded. */
static int wanted(void *ctx, const struct ev_rec *r)
{
	char kind = r->type == 'S' ? 'S' : 'O';
	struct slice ev = r->event;
	int same = g.event && strlen(g.event) == ev.n && memcmp(g.event, ev.p, ev.n) == 0;

	(void)ctx;
	if (r->type == 'I')
		return 0;	/* instants do not contribute */
	if (!g.kind && (!g.event || same)) {
		g.kind = kind;
		if (!g.event)
			g.event = g.event_alloc = fp_strndup(ev.p, ev.n);
		same = 1;
	}
	if (same && kind == g.kind)
		return 1;
	/* counted under "samples of EVENT" or "spans of EVENT"; the last
	 * such key is kept to skip the lookup for runs of one event */
	g.tmp.len = 0;
	buf_adds(&g.tmp, kind == 'S' ? "samples of " : "spans of ");
	buf_add(&g.tmp, ev.p, ev.n);
	if (g.last_other == (size_t)-1 || g.other.ents[g.last_other].len != g.tmp.len ||
	    memcmp(g.other.ents[g.last_other].key, g.tmp.p, g.tmp.len) != 0) {
		int added;

		g.last_other = intern_get(&g.other, g.tmp.p, g.tmp.len, &added);
	}
	g.other.ents[g.last_other].value++;
	return 0;
}

static void sample(void *ctx, const struct md_sample *s)
{
	(void)ctx;
	add(s->comm, s->thread, s->stack, g.count ? 1 : s->weight);
}

/* A span counts its self time when it closes. */
static void span_close(void *ctx, const struct md_span *s)
{
	(void)ctx;
	add(s->comm, s->thread, s->stack, g.count ? 1 : (s->self > 0 ? s->self : 0));
}

/* The folded texts, in chunks (no slack of a doubled buffer): a 4-byte
 * length and the text. An entry's key becomes chunk << 32 | offset. */
#define ARENA_CHUNK ((size_t)1 << 20)
static struct {
	char **chunk;
	size_t n, cap, used;	/* used: bytes used in the last chunk */
} arena;

static uint64_t arena_add(const char *p, uint32_t len)
{
	size_t need = sizeof len + len;

	if (arena.n == 0 || arena.used + need > ARENA_CHUNK) {
		if (arena.n >= UINT32_MAX)
			fp_die("too many folded stacks");
		fp_grow(&arena.chunk, &arena.cap, arena.n + 1, sizeof *arena.chunk);
		arena.chunk[arena.n++] = fp_malloc(need > ARENA_CHUNK ? need : ARENA_CHUNK);
		arena.used = 0;
	}
	memcpy(arena.chunk[arena.n - 1] + arena.used, &len, sizeof len);
	memcpy(arena.chunk[arena.n - 1] + arena.used + sizeof len, p, len);
	arena.used += need;
	return (uint64_t)(arena.n - 1) << 32 | (arena.used - need);
}

static struct slice arena_text(uint64_t at)
{
	const char *p = arena.chunk[at >> 32] + (uint32_t)at;
	uint32_t n;

	memcpy(&n, p, sizeof n);
	return (struct slice){ p + sizeof n, n };
}

static int by_text(const void *a, const void *b)
{
	struct slice x = arena_text(((const struct u64ent *)a)->key);
	struct slice y = arena_text(((const struct u64ent *)b)->key);
	int c = memcmp(x.p, y.p, x.n < y.n ? x.n : y.n);

	if (c)
		return c;
	return (x.n > y.n) - (x.n < y.n);
}

/* Fold every (root, node) once, into the arena; then the stack model is
 * no longer needed, and the entries, now (text, weight), are sorted in
 * place. Equal texts are adjacent: their weights are summed. */
static void print_sorted(void)
{
	struct u64ent *e = g.stacks.ents;
	size_t i, n = g.stacks.count;

	u64map_freeze(&g.stacks);
	stacks_freeze(&g.m.stacks);
	for (i = 0; i < n; i++) {
		fold_line((uint32_t)(e[i].key >> 32), (uint32_t)e[i].key);
		if (g.line.len > UINT32_MAX - 8)
			fp_die("a folded stack over 4 GiB");
		e[i].key = arena_add(g.line.p, (uint32_t)g.line.len);
	}
	model_free(&g.m);
	if (n)
		qsort(e, n, sizeof *e, by_text);
	for (i = 0; i < n;) {
		struct slice t = arena_text(e[i].key);
		int64_t w = e[i].value;

		while (++i < n && by_text(&e[i - 1], &e[i]) == 0)
			w += e[i].value;
		put_line(t.p, t.n, w);
	}
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

static void state_free(void)
{
	size_t i;

	model_free(&g.m);
	intern_free(&g.other);
	u64map_free(&g.roots);
	u64map_free(&g.stacks);
	free(g.path);
	free(g.folded);
	buf_free(&g.ftext);
	free(g.event_alloc);
	buf_free(&g.line);
	buf_free(&g.tmp);
	buf_free(&g.prev);
	for (i = 0; i < arena.n; i++)
		free(arena.chunk[i]);
	free(arena.chunk);
}

/* State per call: g and arena are reset here and freed at the end. */
int cmd_events2folded(int argc, char **argv)
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
	static const struct md_sink sink = {
		.want = wanted, .sample = sample, .close = span_close,
	};
	int c, status;

	memset(&g, 0, sizeof g);
	memset(&arena, 0, sizeof arena);
	cli_init(&info);
	model_init(&g.m, &sink, NULL);
	g.last_other = (size_t)-1;
	g.fold.inlined = 1;	/* _[i] by default, as stackcollapse-perf.pl and inferno */
	while ((c = getopt_long(argc, argv, "ace:ijknoprtq", longopts, NULL)) != -1) {
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
		case OPT_STRICT: g.m.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	status = cli_each_input(argc - optind, argv + optind, model_read, &g.m);
	model_end(&g.m);
	if (g.m.bad_input) {
		/* a wrong input: nothing on stdout (--ordered has streamed what it
		 * read before it) */
	} else if (g.ordered) {
		if (g.have_prev)
			put_line(g.prev.p, g.prev.len, g.prev_weight);
	} else {
		print_sorted();
	}
	if (!g.m.bad_input)
		report_other_events();
	out_close();
	state_free();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2folded(argc, argv); }
#endif
