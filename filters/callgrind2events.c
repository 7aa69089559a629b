/* callgrind2events - convert valgrind callgrind profiles to the flamepipe events format
 *
 * The file is a call graph (docs/callgrind.md §1); stacks are made from it
 * walking up from every function (§2) with weights that conserve each
 * function's self cost exactly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/callgrind.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "cmds.h"

static const struct cli_info info = {
	"callgrind2events",
	"callgrind2events [-l] [-e EVENT] [--strict] [FILE ...]",
	"Convert valgrind --tool=callgrind output (callgrind.out.*; plain, gzip or\n"
	"zstd; several files of --separate-threads=yes at once) to a flamepipe\n"
	"events stream (events(5)). Stacks are made from the call graph; each\n"
	"function's self cost is conserved exactly. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -e, --event EVENT  the cost column to convert (default: the first of\n"
	"                     the file's events: line, usually Ir)\n"
	"  -l, --lines        source lines: a stack per line of the leaf's cost, and\n"
	"                     the line of each call (line=); more stacks\n"
	"      --strict       stop at the first line that cannot be used\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

#define NONE CG_NONE
#define STEP_BUDGET 5000000	/* walk steps per part before only the heaviest branch is followed */

/* What the walk needs per node of the part (parallel to cg_reader.nodes). */
struct nodex {
	uint64_t in_sum, out_sum;
	double denom, root;	/* incoming + root share; the root share */
	size_t text_off, text_len;	/* the escaped frame (name, dso, file) */
	size_t ctx_off, ctx_len;	/* the escaped frames of the name's callers, root first */
	int onpath, reach;
};

struct frame {			/* one level of the walk up from a leaf */
	size_t node, via;	/* via: the edge (call) up to node, NONE for the leaf */
	size_t opt_begin, opt_end, opt_next;
	double p;
};

struct opt {
	size_t edge;		/* the call to go up, NONE: the root */
	double p;
};

struct path {
	size_t off, len;	/* in pnodes, leaf first */
	double p;
	int dead;
};

/* The state of one run of cmd_callgrind2events: options, the output so
 * far, the reader, then the walk of the part being written. */
struct cgx {
	const char *event;	/* --event */
	int lines;		/* --lines */
	struct skips skips;
	int started;		/* the magic line is out */
	struct buf last_e;	/* the event of the last E record */
	struct cg_reader cg;
	int file_out;		/* the #input line of this file is out */
	struct buf last_cmd;	/* the last #command written for this file */
	/* the part being written */
	struct cg_reader *r;
	struct nodex *x;
	size_t x_cap;
	struct buf ftext;
	struct frame *fr;
	size_t nfr, fr_cap;
	struct opt *opts;
	size_t nopts, opts_cap;
	struct path *paths;
	size_t npaths, paths_cap;
	size_t *pnodes, *pvia;	/* the paths' frames */
	size_t npnodes, pnodes_cap, pvia_cap;
	uint64_t steps;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- emitting ---- */

static void frame_text(const struct cgx *g, struct buf *b, size_t node, size_t file)
{
	const struct cg_node *n = &g->r->nodes[node];
	struct slice name = cg_str(g->r, n->name), dso = cg_str(g->r, n->ob), fl = cg_str(g->r, file);
	size_t fn_len, ctx;

	cg_split_name(name, &fn_len, &ctx);
	if (fn_len)
		ev_buf_escaped(b, name.p, fn_len);
	else
		buf_adds(b, "???");
	if (dso.n) {
		buf_adds(b, "`dso=");
		ev_buf_escaped(b, dso.p, dso.n);
	}
	if (fl.n) {
		buf_adds(b, "`file=");
		ev_buf_escaped(b, fl.p, fl.n);
	}
}

static void prepare_texts(struct cgx *g)
{
	size_t i;

	g->ftext.len = 0;
	for (i = 0; i < g->r->nnodes; i++) {
		struct nodex *n = &g->x[i];
		struct slice name = cg_str(g->r, g->r->nodes[i].name);
		size_t fn_len, ctx, end;

		n->text_off = g->ftext.len;
		frame_text(g, &g->ftext, i, g->r->nodes[i].fl);
		n->text_len = g->ftext.len - n->text_off;
		/* the callers a context name lists, deepest first */
		n->ctx_off = g->ftext.len;
		cg_split_name(name, &fn_len, &ctx);
		for (end = name.n; ctx && end > ctx;) {
			size_t b = end;

			while (b > ctx && name.p[b - 1] != '\'')
				b--;
			ev_buf_escaped(&g->ftext, name.p + b, end - b);
			buf_addc(&g->ftext, ';');
			end = b - 1;
		}
		n->ctx_len = g->ftext.len - n->ctx_off;
	}
}

/* Shares (docs/callgrind.md §2); returns 1 if some stack must be inferred. */
static int prepare_shares(struct cgx *g)
{
	size_t i, e, *queue, qn = 0;
	int inferred = 0;

	fp_grow(&g->x, &g->x_cap, g->r->nnodes + 1, sizeof *g->x);
	memset(g->x, 0, g->r->nnodes * sizeof *g->x);
	for (e = 0; e < g->r->nedges; e++) {
		const struct cg_edge *ed = &g->r->edges[e];

		g->x[ed->callee].in_sum = cg_add(g->x[ed->callee].in_sum, ed->cost);
		g->x[ed->caller].out_sum = cg_add(g->x[ed->caller].out_sum, ed->cost);
	}
	queue = fp_malloc((g->r->nnodes + 1) * sizeof *queue);
	for (i = 0; i < g->r->nnodes; i++) {
		struct nodex *n = &g->x[i];
		uint64_t incl = cg_add(g->r->nodes[i].self, n->out_sum);

		n->root = incl > n->in_sum ? (double)(incl - n->in_sum) : 0;
		n->denom = (double)n->in_sum + n->root;
		n->onpath = 0;
		n->reach = g->r->nodes[i].self > 0;
		if (n->reach)
			queue[qn++] = i;
	}
	/* everything a walk can reach: more than one way up anywhere = inferred */
	while (qn) {
		size_t k = queue[--qn];
		int ways = g->x[k].root > 0;

		for (e = g->r->nodes[k].first_in; e != NONE; e = g->r->edges[e].next_in) {
			struct nodex *c = &g->x[g->r->edges[e].caller];

			if (g->r->edges[e].cost == 0)
				continue;
			ways++;
			if (!c->reach) {
				c->reach = 1;
				queue[qn++] = g->r->edges[e].caller;
			}
		}
		if (ways > 1)
			inferred = 1;
	}
	free(queue);
	return inferred;
}

static void add_path(struct cgx *g, int dead)
{
	struct path *p;
	size_t i;

	fp_grow(&g->paths, &g->paths_cap, g->npaths + 1, sizeof *g->paths);
	p = &g->paths[g->npaths++];
	p->off = g->npnodes;
	p->len = g->nfr;
	p->p = g->fr[g->nfr - 1].p;
	p->dead = dead;
	fp_grow(&g->pnodes, &g->pnodes_cap, g->npnodes + g->nfr, sizeof *g->pnodes);
	fp_grow(&g->pvia, &g->pvia_cap, g->npnodes + g->nfr, sizeof *g->pvia);
	for (i = 0; i < g->nfr; i++) {
		g->pvia[g->npnodes] = g->fr[i].via;
		g->pnodes[g->npnodes++] = g->fr[i].node;
	}
}

static void push_frame(struct cgx *g, size_t node, size_t via, double p, uint64_t self, double thr)
{
	struct nodex *n = &g->x[node];
	struct frame *f;
	size_t e, best = NONE, begin = g->nopts, i, k;
	double bestp = -1;

	fp_grow(&g->fr, &g->fr_cap, g->nfr + 1, sizeof *g->fr);
	f = &g->fr[g->nfr++];
	f->node = node;
	f->via = via;
	f->p = p;
	n->onpath = 1;
	g->steps++;
	/* the ways up: the root, then the callers not on the walk */
	if (n->root > 0) {
		fp_grow(&g->opts, &g->opts_cap, g->nopts + 1, sizeof *g->opts);
		g->opts[g->nopts].edge = NONE;
		g->opts[g->nopts++].p = p * n->root / n->denom;
	}
	for (e = g->r->nodes[node].first_in; e != NONE; e = g->r->edges[e].next_in) {
		if (g->r->edges[e].cost == 0 || g->x[g->r->edges[e].caller].onpath)
			continue;
		fp_grow(&g->opts, &g->opts_cap, g->nopts + 1, sizeof *g->opts);
		g->opts[g->nopts].edge = e;
		g->opts[g->nopts++].p = p * (double)g->r->edges[e].cost / n->denom;
	}
	/* keep the heavy ones and the heaviest (callers were added latest
	 * first: they are reversed below so the file's order comes out) */
	for (i = begin; i < g->nopts; i++) {
		if (g->opts[i].p > bestp) {
			bestp = g->opts[i].p;
			best = i;
		}
	}
	for (i = k = begin; i < g->nopts; i++) {
		if (i == best || (g->steps < STEP_BUDGET && g->opts[i].p * (double)self >= thr))
			g->opts[k++] = g->opts[i];
	}
	g->nopts = k;
	for (i = begin + (n->root > 0 && k > begin && g->opts[begin].edge == NONE); i + 1 < k; i++, k--) {
		struct opt t = g->opts[i];

		g->opts[i] = g->opts[k - 1];
		g->opts[k - 1] = t;
	}
	f = &g->fr[g->nfr - 1];
	f->opt_begin = f->opt_next = begin;
	f->opt_end = g->nopts;
	if (f->opt_begin == f->opt_end)
		add_path(g, 1);	/* only through a cycle: a dead end */
}

/* All the stacks of a leaf (with their shares) into g->paths. */
static void walk(struct cgx *g, size_t leaf, uint64_t self, double thr)
{
	g->npaths = g->npnodes = g->nfr = g->nopts = 0;
	push_frame(g, leaf, NONE, 1.0, self, thr);
	while (g->nfr) {
		struct frame *f = &g->fr[g->nfr - 1];

		if (f->opt_next < f->opt_end) {
			struct opt o = g->opts[f->opt_next++];

			if (o.edge == NONE) {
				f->p = o.p;	/* the path's share, kept in the top frame */
				add_path(g, 0);
			} else {
				push_frame(g, g->r->edges[o.edge].caller, o.edge, o.p, self, thr);
			}
			continue;
		}
		g->x[f->node].onpath = 0;
		g->nopts = f->opt_begin;
		g->nfr--;
	}
}

static void put_line(uint64_t line)
{
	if (line > 0) {
		out_puts("`line=");
		out_u64(line);
	}
}

/* A path's stack, root first; the leaf's cost is in leaf_file at leaf_line. */
static void put_stack(struct cgx *g, const struct path *p, size_t leaf_file, uint64_t leaf_line)
{
	size_t i, top = g->pnodes[p->off + p->len - 1];
	const struct nodex *t = &g->x[top];

	out_write(g->ftext.p + t->ctx_off, t->ctx_len);
	for (i = p->len; i-- > 1;) {
		const struct nodex *n = &g->x[g->pnodes[p->off + i]];

		out_write(g->ftext.p + n->text_off, n->text_len);
		put_line(g->r->edges[g->pvia[p->off + i]].line);	/* the call's line */
		out_putc(';');
	}
	if (leaf_file == g->r->nodes[g->pnodes[p->off]].fl) {
		const struct nodex *n = &g->x[g->pnodes[p->off]];

		out_write(g->ftext.p + n->text_off, n->text_len);
	} else {
		size_t at = g->ftext.len;

		frame_text(g, &g->ftext, g->pnodes[p->off], leaf_file);
		out_write(g->ftext.p + at, g->ftext.len - at);
		g->ftext.len = at;
	}
	put_line(leaf_line);
	out_putc('\n');
}

static void put_header(const char *key, const struct buf *v)
{
	size_t i;

	out_puts(key);
	for (i = 0; i < v->len; i++)	/* a header is one line of text */
		out_putc((unsigned char)v->p[i] < 0x20 || v->p[i] == 0x7f ? ' ' : v->p[i]);
	out_putc('\n');
}

static void start_output(struct cgx *g)
{
	if (g->file_out)
		return;
	g->file_out = 1;
	if (!g->started) {
		ev_put_magic();
		out_puts("#source callgrind\n#clock none\n");
		g->started = 1;
	}
	ev_put_input(g->cg.file);
}

/* The sum of the part's self costs, checked against totals: or summary:. */
static uint64_t part_total(const struct cg_reader *r)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < r->nnodes; i++)
		total = cg_add(total, r->nodes[i].self);
	if (r->has_totals && r->totals != total)
		fp_warn("%s: the self costs add up to %" PRIu64 " but totals: says %" PRIu64,
			r->file, total, r->totals);
	else if (!r->has_totals && r->has_summary && r->summary != total)
		fp_warn("%s: the self costs add up to %" PRIu64 " but summary: says %" PRIu64,
			r->file, total, r->summary);
	return total;
}

/* comm: the basename of the command's first word */
static struct slice part_comm(const struct cg_reader *r)
{
	struct slice comm = { NULL, 0 };
	const char *p = r->cmd.p, *e;

	if (!r->cmd.len)
		return comm;
	while (p < r->cmd.p + r->cmd.len && is_space(*p))
		p++;
	for (e = p; e < r->cmd.p + r->cmd.len && !is_space(*e); e++)
		;
	comm.p = p;
	for (; p < e; p++)
		if (*p == '/')
			comm.p = p + 1;
	comm.n = (size_t)(e - comm.p);
	return comm;
}

/* #command and the E record, when they differ from the last ones written. */
static void put_part_headers(struct cgx *g, const struct cg_reader *r)
{
	if (r->cmd.len && (r->cmd.len != g->last_cmd.len ||
			   memcmp(r->cmd.p, g->last_cmd.p, r->cmd.len) != 0)) {
		put_header("#command ", &r->cmd);
		g->last_cmd.len = 0;
		buf_add(&g->last_cmd, r->cmd.p, r->cmd.len);
	}
	if (g->last_e.len != r->evname.len || memcmp(g->last_e.p, r->evname.p, r->evname.len) != 0) {
		out_puts("E\t-\t");
		ev_put_field(r->evname.p, r->evname.len);
		out_putc('\t');
		ev_put_field(r->evname.p, r->evname.len);
		out_putc('\n');
		g->last_e.len = 0;
		buf_add(&g->last_e, r->evname.p, r->evname.len);
	}
}

/* The shares of the paths of a walk made usable (dead ends only when
 * nothing else, no NaN, equal parts when all underflowed); their sum. */
static double path_shares(struct cgx *g)
{
	size_t j, live = 0;
	double sum = 0;

	for (j = 0; j < g->npaths; j++)
		live += !g->paths[j].dead;
	for (j = 0; j < g->npaths; j++) {
		if (live && g->paths[j].dead)
			g->paths[j].p = 0;
		if (!(g->paths[j].p >= 0))	/* NaN from broken sums */
			g->paths[j].p = 0;
		sum += g->paths[j].p;
	}
	if (!(sum > 0)) {	/* all shares underflowed: equal parts */
		for (j = 0; j < g->npaths; j++)
			g->paths[j].p = !live || !g->paths[j].dead;
		sum = (double)(live ? live : g->npaths);
	}
	return sum;
}

/* The S records of one function's self cost: each file's cost over the
 * stacks of g->paths, rounding the running sum. */
static void put_costs(struct cgx *g, size_t node, double sum, const struct slice head[4])
{
	size_t sp, j;

	for (sp = g->r->nodes[node].first_part; sp != NONE; sp = g->r->parts[sp].next) {
		uint64_t c = g->r->parts[sp].cost, before = 0;
		long double cum = 0;

		for (j = 0; j < g->npaths; j++) {
			uint64_t upto;
			int64_t w;

			cum += g->paths[j].p;
			if (j + 1 == g->npaths) {
				upto = c;
			} else {
				long double x = (long double)c * cum / sum + 0.5L;

				upto = !(x > 0) ? 0 : x >= (long double)c ? c : (uint64_t)x;
			}
			if (upto < before)
				upto = before;
			w = (int64_t)(upto - before);
			before = upto;
			if (w == 0)
				continue;
			ev_put_head('S', EV_NONE, head[0], head[1], -1, head[2], head[3], w);
			put_stack(g, &g->paths[j], g->r->parts[sp].file, g->r->parts[sp].line);
		}
	}
}

/* cg_reader's part_done: the stacks of a part */
static void emit_part(struct cg_reader *r, void *ctx)
{
	struct cgx *g = ctx;
	struct slice head[4] = {	/* pid, tid, comm, event */
		{ r->pid.p, r->pid.len }, { r->tid.p, r->tid.len }, { NULL, 0 },
		{ r->evname.p, r->evname.len },
	};
	uint64_t total;
	size_t i;
	double thr;

	g->r = r;
	if (r->evidx < 0 || r->nnodes == 0)
		return;
	start_output(g);
	total = part_total(r);
	head[2] = part_comm(r);
	put_part_headers(g, r);
	if (prepare_shares(g))
		out_puts("#stacks inferred\n");
	prepare_texts(g);
	thr = 1e-5 * (double)total;
	if (thr < 0.5)
		thr = 0.5;
	g->steps = 0;
	for (i = 0; i < r->nnodes; i++) {
		uint64_t self = r->nodes[i].self;

		if (self == 0)
			continue;
		walk(g, i, self, thr);
		put_costs(g, i, path_shares(g), head);
	}
}

/* ---- reading ---- */

static int convert(const char *path, void *ctx)
{
	struct cgx *g = ctx;
	struct input in;
	char *p;
	size_t n;
	int r, bad = 0;

	if (input_open(&in, path) < 0)
		return 1;
	cg_init(&g->cg, in.name, &g->skips, g->event, g->lines, emit_part, g);
	g->file_out = 0;
	g->last_cmd.len = 0;
	while ((r = input_getline(&in, &p, &n)) > 0) {
		int k;

		g->cg.lineno = in.lineno;
		k = cg_line(&g->cg, p, n);
		if (k == CG_NOT_CALLGRIND) {
			fp_warn("%s:%" PRIu64 ": not a callgrind profile", in.name, in.lineno);
			bad = 1;
			break;
		}
		if (k < 0) {
			bad = 1;
			break;
		}
	}
	if (r < 0)
		bad = 1;
	if (!bad && !g->cg.recognized && in.lineno == 0) {
		/* --separate-threads=yes leaves an empty callgrind.out.PID */
		fp_warn("%s: empty file", in.name);
	} else if (!bad && !g->cg.recognized) {
		fp_warn("%s: not a callgrind profile (no events: line)", in.name);
		bad = 1;
	}
	if (g->cg.recognized && g->cg.evidx >= 0) {
		cg_finish(&g->cg);
		start_output(g);
	}
	skip_file_done(&g->skips, in.name, "lines");
	input_close(&in);
	return bad;
}

static void cgx_free(struct cgx *g)
{
	cg_free(&g->cg);
	buf_free(&g->last_e);
	buf_free(&g->last_cmd);
	buf_free(&g->ftext);
	free(g->x);
	free(g->fr);
	free(g->opts);
	free(g->paths);
	free(g->pnodes);
	free(g->pvia);
	free(g);
}

int cmd_callgrind2events(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "lines", no_argument, NULL, 'l' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cgx *g = fp_calloc(1, sizeof *g);	/* zeroed: cg_init's reader too */
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "e:l", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (!*optarg)
				cli_usage_error(&info, "--event needs a name");
			g->event = optarg;
			break;
		case 'l': g->lines = 1; break;
		case OPT_STRICT: g->skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	status = cli_each_input(argc - optind, argv + optind, convert, g);
	cgx_free(g);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_callgrind2events(argc, argv); }
#endif
