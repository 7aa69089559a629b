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
#include "../common/foldagg.h"
#include "../common/foldedin.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/model.h"
#include "../common/out.h"
#include "../common/sniff.h"
#include "../common/u64map.h"
#include "cmds.h"

static const struct cli_info info = {
	"events2folded",
	"events2folded [-acijknopqrt] [-e EVENT] [--no-inlined] [--strict] [FILE ...]",
	"Aggregate a flamepipe events stream (events(5)) into folded stacks,\n"
	"\"comm;root;...;leaf COUNT\" sorted in byte order, compatible with\n"
	"stackcollapse-perf.pl. Samples (S) count their weights; spans (O/C)\n"
	"count their self time in nanoseconds. Folded inputs (this program's\n"
	"output) are added as they are: partial results merge into the whole.\n"
	"FILE - or no FILE reads stdin.\n"
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
 * Built on the stream model (model.h) through foldagg.h: a sample, or a
 * span when it closes, adds its weight to (root, stack node), where the
 * root is the COMM of the record and, where the root frame needs them (-p,
 * -t, or no COMM), its thread. At the end each (root, node) is folded into
 * its text once; lines that fold alike (names tidied, dso dropped) are
 * summed after sorting.
 */
static struct {
	struct fagg a;
	struct foldedin fin;	/* folded inputs: their lines ... */
	struct intern folded;	/* ... summed by text */
	int ordered;
	struct buf line, prev;
	int64_t prev_weight;
	int have_prev;
} g;

/* The folded text of (root, node) in g.line. */
static void fold_line(uint32_t root, uint32_t node)
{
	int java, first;
	size_t i, n;

	g.line.len = 0;
	first = !fagg_root_text(&g.a, root, &g.line, &java);
	n = stacks_path(&g.a.m.stacks, node, &g.a.path, &g.a.pathcap);
	for (i = 0; i < n; i++) {
		if (!first)
			buf_addc(&g.line, ';');
		first = 0;
		fagg_frame_text(&g.a, g.a.path[i], java, &g.line);
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
	if (g.ordered) {
		fold_line(fagg_root(&g.a, comm, thread), node);
		ordered_add(w);
		return;
	}
	fagg_add(&g.a, comm, thread, node, w);
}

static int wanted(void *ctx, const struct ev_rec *r)
{
	(void)ctx;
	return fagg_want(&g.a, r);
}

static void sample(void *ctx, const struct md_sample *s)
{
	(void)ctx;
	add(s->comm, s->thread, s->stack, fagg_sample_weight(&g.a, s));
}

/* A span counts its self time when it closes. */
static void span_close(void *ctx, const struct md_span *s)
{
	(void)ctx;
	add(s->comm, s->thread, s->stack, fagg_span_weight(&g.a, s));
}

/* A line of a folded input: added to the sums as it is (the options
 * shape frames of events inputs only). */
static void folded_line(void *ctx, const char *p, size_t n, int64_t before, int64_t w)
{
	(void)ctx;
	(void)before;
	if (g.ordered) {
		g.line.len = 0;
		buf_add(&g.line, p, n);
		ordered_add(w);
		return;
	}
	intern_add(&g.folded, p, n)->value += w;
}

static void folded_accept(void *ctx)
{
	(void)ctx;
}

/* Folded stacks? What sniff() says, or a first line of text longer than
 * the bytes it saw (a huge frame name, a deep stack): folded2events's
 * parser decides then (an events stream starts with its magic line). */
static int is_folded(struct input *in)
{
	const char *p;
	size_t n;

	if (in->kind == SNIFF_FOLDED)
		return 1;
	return in->kind == SNIFF_UNKNOWN && input_peek(in, &p, &n) == 0 && n >= 4096 &&
	       !memchr(p, '\n', n);
}

/* An input: folded stacks (partial results to merge), else an events
 * stream. The first bytes decide; a pipe is read on from them. */
static int read_input(const char *path, void *ctx)
{
	struct buf raw = { 0 };
	struct input in;
	int kind, r;

	(void)ctx;
	if (input_open_keep(&in, path, &raw) < 0) {
		buf_free(&raw);
		return 1;
	}
	kind = is_folded(&in) ? SNIFF_FOLDED : SNIFF_EVENTS;
	input_handover(&in, path, &raw);
	input_close(&in);
	buf_free(&raw);
	if (kind == SNIFF_FOLDED) {
		r = foldedin_read(path, &g.fin);
		if (g.fin.tin.rejected)
			g.a.m.bad_input = 1;
	} else {
		r = model_read(path, &g.a.m);
	}
	input_handover_end();
	return r;
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
	struct u64ent *e = g.a.stacks[0].ents;
	size_t i, n = g.a.stacks[0].count, nf = g.folded.count;

	u64map_freeze(&g.a.stacks[0]);
	stacks_freeze(&g.a.m.stacks);
	for (i = 0; i < n; i++) {
		fold_line((uint32_t)(e[i].key >> 32), (uint32_t)e[i].key);
		if (g.line.len > UINT32_MAX - 8)
			fp_die("a folded stack over 4 GiB");
		e[i].key = arena_add(g.line.p, (uint32_t)g.line.len);
	}
	model_free(&g.a.m);
	if (nf) {	/* the folded inputs' lines join the entries */
		e = fp_malloc((n + nf) * sizeof *e);
		if (n)
			memcpy(e, g.a.stacks[0].ents, n * sizeof *e);
		for (i = 0; i < nf; i++) {
			const struct ient *f = &g.folded.ents[i];

			if (f->len > UINT32_MAX - 8)
				fp_die("a folded stack over 4 GiB");
			e[n + i] = (struct u64ent){ arena_add(f->key, (uint32_t)f->len), f->value };
		}
		intern_free(&g.folded);
		free(g.a.stacks[0].ents);
		g.a.stacks[0].ents = e;
		n += nf;
	}
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

static void state_free(void)
{
	size_t i;

	fagg_free(&g.a);
	foldedin_free(&g.fin);
	intern_free(&g.folded);
	buf_free(&g.line);
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
	fagg_init(&g.a, &sink, NULL);
	while ((c = getopt_long(argc, argv, "ace:ijknoprtq", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': g.a.event[0] = optarg; break;
		case 'c': g.a.count = 1; break;
		case 'p': g.a.pid = 1; break;
		case 't': g.a.tid = 1; break;
		case 'n': g.a.no_comm = 1; break;
		case 'k': g.a.fold.kernel = 1; break;
		case 'j': g.a.fold.jit = 1; break;
		case 'i': g.a.fold.inlined = 1; break;
		case OPT_NO_INLINED: g.a.fold.inlined = 0; break;
		case 'a': g.a.fold.kernel = g.a.fold.jit = 1; break;
		case OPT_ADDRS: g.a.fold.addrs = 1; break;
		case 'r': g.a.fold.raw = 1; break;
		case 'o': g.ordered = 1; break;
		case OPT_STRICT: g.a.m.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	g.fin = (struct foldedin){ .skips = &g.a.m.skips, .accept = folded_accept, .line = folded_line };
	status = cli_each_input(argc - optind, argv + optind, read_input, NULL);
	model_end(&g.a.m);
	if (g.a.m.bad_input) {
		/* a wrong input: nothing on stdout (--ordered has streamed what it
		 * read before it) */
	} else if (g.ordered) {
		if (g.have_prev)
			put_line(g.prev.p, g.prev.len, g.prev_weight);
	} else {
		print_sorted();
	}
	if (!g.a.m.bad_input)
		fagg_report_other(&g.a, "folded");
	out_close();
	state_free();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2folded(argc, argv); }
#endif
