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
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/out.h"
#include "../common/skip.h"

static const struct cli_info info = {
	"callgrind2events",
	"callgrind2events [-e EVENT] [--strict] [FILE ...]",
	"Convert valgrind --tool=callgrind output (callgrind.out.*; plain, gzip or\n"
	"zstd; several files of --separate-threads=yes at once) to a flamepipe\n"
	"events stream (events(5)). Stacks are made from the call graph; each\n"
	"function's self cost is conserved exactly. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -e, --event EVENT  the cost column to convert (default: the first of\n"
	"                     the file's events: line, usually Ir)\n"
	"      --strict       stop at the first line that cannot be used\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

#define NONE ((size_t)-1)
#define MAX_COST ((uint64_t)INT64_MAX)
#define STEP_BUDGET 5000000	/* walk steps per part before only the heaviest branch is followed */

struct node {
	size_t ob, fl, name;	/* string indices (g.strs), NONE when absent */
	uint64_t self, in_sum, out_sum;
	double denom, root;	/* incoming + root share; the root share */
	size_t first_in;	/* edge list of callers */
	size_t first_part;	/* self cost per file */
	size_t text_off, text_len;	/* the escaped frame (name, dso, file) */
	size_t ctx_off, ctx_len;	/* the escaped frames of the name's callers, root first */
	int onpath, reach;
};

struct edge {
	size_t caller, callee, next_in;
	uint64_t cost;
};

struct spart {
	size_t file, next;
	uint64_t cost;
};

struct frame {			/* one level of the walk up from a leaf */
	size_t node, opt_begin, opt_end, opt_next;
	double p;
};

struct opt {
	size_t caller;		/* NONE: the root */
	double p;
};

struct path {
	size_t off, len;	/* in g.pnodes, leaf first */
	double p;
	int dead;
};

static struct {
	const char *event;	/* --event */
	struct skips skips;
	int started;		/* the magic line is out */
	struct buf last_e;	/* the event of the last E record */
	/* the current file */
	const char *file;
	uint64_t lineno;
	int recognized, file_out;
	struct intern strs;	/* names: index = string id */
	struct intern ids;	/* (namespace, compressed id) -> aux = string id */
	struct buf pid, tid, cmd;
	int cmd_out;
	size_t npos, nev;
	long evidx;		/* the chosen column, -1 none */
	struct buf evname;
	/* the current part */
	int body;		/* a body line was seen */
	uint64_t totals, summary;
	int has_totals, has_summary;
	size_t ob, fl, fi, fn;	/* fn: node index */
	size_t cob, cfl, cfn;
	int call_pending, jump_pending;
	uint64_t call_line;
	size_t call_callee;
	struct intern nodekeys, edgekeys, partkeys;
	struct node *nodes;
	size_t nnodes, nodes_cap;
	struct edge *edges;
	size_t nedges, edges_cap;
	struct spart *sparts;
	size_t nsparts, sparts_cap;
	/* emitting */
	struct buf ftext;
	struct frame *fr;
	size_t nfr, fr_cap;
	struct opt *opts;
	size_t nopts, opts_cap;
	struct path *paths;
	size_t npaths, paths_cap;
	size_t *pnodes;
	size_t npnodes, pnodes_cap;
	uint64_t steps;
} g;

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > MAX_COST - b ? MAX_COST : a + b;
}

/* ---- strings and name compression ---- */

static size_t str_id(const char *p, size_t n)
{
	int added;

	return intern_get(&g.strs, p, n, &added);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A number: decimal or 0x hex, saturating. Returns the bytes read, 0 if none. */
static size_t number(const char *p, size_t n, uint64_t *v)
{
	size_t i = 0;
	uint64_t x = 0;
	int hex = n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');

	if (hex) {
		for (i = 2; i < n; i++) {
			int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' :
				(p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f' ? (p[i] | 0x20) - 'a' + 10 : -1;

			if (d < 0)
				break;
			x = x > (MAX_COST >> 4) ? MAX_COST : x * 16 + (uint64_t)d;
		}
		if (i == 2)
			return 0;
	} else {
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			x = x > (MAX_COST - 9) / 10 ? MAX_COST : x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = x;
	return i;
}

/* The value of a name specification ("(N) name", "(N)" or "name") in
 * namespace ns: the string id, or NONE (reported) for an unknown id. */
static size_t name_value(char ns, const char *p, size_t n)
{
	size_t i = 0, k;
	uint64_t id;
	char key[1 + sizeof id];

	while (i < n && is_space(p[i]))
		i++;
	if (i < n && p[i] == '(' && (k = number(p + i + 1, n - i - 1, &id)) > 0 &&
	    i + 1 + k < n && p[i + 1 + k] == ')') {
		size_t j = i + 2 + k, s;

		while (j < n && is_space(p[j]))
			j++;
		key[0] = ns;
		memcpy(key + 1, &id, sizeof id);
		if (j < n) {	/* a definition */
			s = str_id(p + j, n - j);
			intern_add(&g.ids, key, sizeof key)->aux = (int64_t)s;
			return s;
		}
		s = intern_find(&g.ids, key, sizeof key);
		if (s == NONE) {
			skip_record(&g.skips, g.file, g.lineno, "reference to a name id never defined");
			return NONE;
		}
		return (size_t)g.ids.ents[s].aux;
	}
	return str_id(p + i, n - i);
}

/* ---- the graph of a part ---- */

static size_t node_of(size_t ob, size_t fl, size_t name)
{
	size_t key[3] = { ob, fl, name };
	int added;
	size_t i = intern_get(&g.nodekeys, key, sizeof key, &added);

	if (added) {
		struct node *n;

		fp_grow(&g.nodes, &g.nodes_cap, g.nnodes + 1, sizeof *g.nodes);
		n = &g.nodes[g.nnodes++];
		memset(n, 0, sizeof *n);
		n->ob = ob;
		n->fl = fl;
		n->name = name;
		n->first_in = n->first_part = NONE;
	}
	return i;
}

static void add_self(size_t node, size_t file, uint64_t cost)
{
	size_t key[2] = { node, file };
	int added;
	size_t i = intern_get(&g.partkeys, key, sizeof key, &added);

	if (added) {
		fp_grow(&g.sparts, &g.sparts_cap, g.nsparts + 1, sizeof *g.sparts);
		g.sparts[i].file = file;
		g.sparts[i].cost = 0;
		g.sparts[i].next = g.nodes[node].first_part;
		g.nodes[node].first_part = i;
		g.nsparts++;
	}
	g.sparts[i].cost = sat_add(g.sparts[i].cost, cost);
	g.nodes[node].self = sat_add(g.nodes[node].self, cost);
}

static void add_edge(size_t caller, size_t callee, uint64_t cost)
{
	size_t key[2] = { caller, callee };
	int added;
	size_t i = intern_get(&g.edgekeys, key, sizeof key, &added);

	if (added) {
		fp_grow(&g.edges, &g.edges_cap, g.nedges + 1, sizeof *g.edges);
		g.edges[i].caller = caller;
		g.edges[i].callee = callee;
		g.edges[i].cost = 0;
		g.edges[i].next_in = g.nodes[callee].first_in;
		g.nodes[callee].first_in = i;
		g.nedges++;
	}
	g.edges[i].cost = sat_add(g.edges[i].cost, cost);
}

static void reset_part(void)
{
	intern_free(&g.nodekeys);
	intern_free(&g.edgekeys);
	intern_free(&g.partkeys);
	memset(&g.nodekeys, 0, sizeof g.nodekeys);
	memset(&g.edgekeys, 0, sizeof g.edgekeys);
	memset(&g.partkeys, 0, sizeof g.partkeys);
	g.nnodes = g.nedges = g.nsparts = 0;
	g.body = 0;
	g.has_totals = g.has_summary = 0;
	g.ob = g.fl = g.fi = g.fn = NONE;
	g.cob = g.cfl = g.cfn = NONE;
	g.call_pending = g.jump_pending = 0;
}

/* ---- emitting ---- */

static struct slice str_of(size_t s)
{
	struct slice r = { NULL, 0 };

	if (s != NONE) {
		r.p = g.strs.ents[s].key;
		r.n = g.strs.ents[s].len;
	}
	return r;
}

/* Split a name "f'2'g'h" into the function (and level) and its callers:
 * *fn_len is the length of the function's part; callers start at *ctx
 * (0 if none). Only when every part is non-empty. */
static void split_name(struct slice s, size_t *fn_len, size_t *ctx)
{
	size_t i, parts = 1, first = NONE, second_end = NONE;

	*fn_len = s.n;
	*ctx = 0;
	if (s.n == 0 || s.p[0] == '\'' || s.p[s.n - 1] == '\'')
		return;
	for (i = 1; i < s.n; i++) {
		if (s.p[i] != '\'')
			continue;
		if (s.p[i - 1] == '\'')
			return;	/* an empty part */
		if (first == NONE)
			first = i;
		else if (second_end == NONE)
			second_end = i;
		parts++;
	}
	if (parts < 2)
		return;
	*fn_len = first;
	/* a recursion level: digits right after the function */
	{
		size_t e = second_end == NONE ? s.n : second_end, j;

		for (j = first + 1; j < e && s.p[j] >= '0' && s.p[j] <= '9'; j++)
			;
		if (j == e) {
			*ctx = e == s.n ? 0 : e + 1;
			return;
		}
	}
	*ctx = first + 1;
}

static void frame_text(struct buf *b, size_t node, size_t file)
{
	struct node *n = &g.nodes[node];
	struct slice name = str_of(n->name), dso = str_of(n->ob), fl = str_of(file);
	size_t fn_len, ctx;

	split_name(name, &fn_len, &ctx);
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

static void prepare_texts(void)
{
	size_t i;

	g.ftext.len = 0;
	for (i = 0; i < g.nnodes; i++) {
		struct node *n = &g.nodes[i];
		struct slice name = str_of(n->name);
		size_t fn_len, ctx, end;

		n->text_off = g.ftext.len;
		frame_text(&g.ftext, i, n->fl);
		n->text_len = g.ftext.len - n->text_off;
		/* the callers a context name lists, deepest first */
		n->ctx_off = g.ftext.len;
		split_name(name, &fn_len, &ctx);
		for (end = name.n; ctx && end > ctx;) {
			size_t b = end;

			while (b > ctx && name.p[b - 1] != '\'')
				b--;
			ev_buf_escaped(&g.ftext, name.p + b, end - b);
			buf_addc(&g.ftext, ';');
			end = b - 1;
		}
		n->ctx_len = g.ftext.len - n->ctx_off;
	}
}

/* Shares (docs/callgrind.md §2); returns 1 if some stack must be inferred. */
static int prepare_shares(void)
{
	size_t i, e, *queue, qn = 0;
	int inferred = 0;

	for (i = 0; i < g.nnodes; i++)
		g.nodes[i].in_sum = g.nodes[i].out_sum = 0;
	for (e = 0; e < g.nedges; e++) {
		struct edge *ed = &g.edges[e];

		g.nodes[ed->callee].in_sum = sat_add(g.nodes[ed->callee].in_sum, ed->cost);
		g.nodes[ed->caller].out_sum = sat_add(g.nodes[ed->caller].out_sum, ed->cost);
	}
	queue = fp_malloc((g.nnodes + 1) * sizeof *queue);
	for (i = 0; i < g.nnodes; i++) {
		struct node *n = &g.nodes[i];
		uint64_t incl = sat_add(n->self, n->out_sum);

		n->root = incl > n->in_sum ? (double)(incl - n->in_sum) : 0;
		n->denom = (double)n->in_sum + n->root;
		n->onpath = 0;
		n->reach = n->self > 0;
		if (n->reach)
			queue[qn++] = i;
	}
	/* everything a walk can reach: more than one way up anywhere = inferred */
	while (qn) {
		struct node *n = &g.nodes[queue[--qn]];
		int ways = n->root > 0;

		for (e = n->first_in; e != NONE; e = g.edges[e].next_in) {
			struct node *c = &g.nodes[g.edges[e].caller];

			if (g.edges[e].cost == 0)
				continue;
			ways++;
			if (!c->reach) {
				c->reach = 1;
				queue[qn++] = g.edges[e].caller;
			}
		}
		if (ways > 1)
			inferred = 1;
	}
	free(queue);
	return inferred;
}

static void add_path(int dead)
{
	struct path *p;
	size_t i;

	fp_grow(&g.paths, &g.paths_cap, g.npaths + 1, sizeof *g.paths);
	p = &g.paths[g.npaths++];
	p->off = g.npnodes;
	p->len = g.nfr;
	p->p = g.fr[g.nfr - 1].p;
	p->dead = dead;
	fp_grow(&g.pnodes, &g.pnodes_cap, g.npnodes + g.nfr, sizeof *g.pnodes);
	for (i = 0; i < g.nfr; i++)
		g.pnodes[g.npnodes++] = g.fr[i].node;
}

static void push_frame(size_t node, double p, uint64_t self, double thr)
{
	struct node *n = &g.nodes[node];
	struct frame *f;
	size_t e, best = NONE, begin = g.nopts, i, k;
	double bestp = -1;

	fp_grow(&g.fr, &g.fr_cap, g.nfr + 1, sizeof *g.fr);
	f = &g.fr[g.nfr++];
	f->node = node;
	f->p = p;
	n->onpath = 1;
	g.steps++;
	/* the ways up: the root, then the callers not on the walk */
	if (n->root > 0) {
		fp_grow(&g.opts, &g.opts_cap, g.nopts + 1, sizeof *g.opts);
		g.opts[g.nopts].caller = NONE;
		g.opts[g.nopts++].p = p * n->root / n->denom;
	}
	for (e = n->first_in; e != NONE; e = g.edges[e].next_in) {
		if (g.edges[e].cost == 0 || g.nodes[g.edges[e].caller].onpath)
			continue;
		fp_grow(&g.opts, &g.opts_cap, g.nopts + 1, sizeof *g.opts);
		g.opts[g.nopts].caller = g.edges[e].caller;
		g.opts[g.nopts++].p = p * (double)g.edges[e].cost / n->denom;
	}
	/* keep the heavy ones and the heaviest (callers were added latest
	 * first: they are reversed below so the file's order comes out) */
	for (i = begin; i < g.nopts; i++) {
		if (g.opts[i].p > bestp) {
			bestp = g.opts[i].p;
			best = i;
		}
	}
	for (i = k = begin; i < g.nopts; i++) {
		if (i == best || (g.steps < STEP_BUDGET && g.opts[i].p * (double)self >= thr))
			g.opts[k++] = g.opts[i];
	}
	g.nopts = k;
	for (i = begin + (n->root > 0 && k > begin && g.opts[begin].caller == NONE); i + 1 < k; i++, k--) {
		struct opt t = g.opts[i];

		g.opts[i] = g.opts[k - 1];
		g.opts[k - 1] = t;
	}
	f = &g.fr[g.nfr - 1];
	f->opt_begin = f->opt_next = begin;
	f->opt_end = g.nopts;
	if (f->opt_begin == f->opt_end)
		add_path(1);	/* only through a cycle: a dead end */
}

/* All the stacks of a leaf (with their shares) into g.paths. */
static void walk(size_t leaf, uint64_t self, double thr)
{
	g.npaths = g.npnodes = g.nfr = g.nopts = 0;
	push_frame(leaf, 1.0, self, thr);
	while (g.nfr) {
		struct frame *f = &g.fr[g.nfr - 1];

		if (f->opt_next < f->opt_end) {
			struct opt o = g.opts[f->opt_next++];

			if (o.caller == NONE) {
				f->p = o.p;	/* the path's share, kept in the top frame */
				add_path(0);
			} else {
				push_frame(o.caller, o.p, self, thr);
			}
			continue;
		}
		g.nodes[f->node].onpath = 0;
		g.nopts = f->opt_begin;
		g.nfr--;
	}
}

static void put_stack(const struct path *p, size_t leaf_file)
{
	size_t i, top = g.pnodes[p->off + p->len - 1];
	const struct node *t = &g.nodes[top];

	out_write(g.ftext.p + t->ctx_off, t->ctx_len);
	for (i = p->len; i-- > 1;) {
		const struct node *n = &g.nodes[g.pnodes[p->off + i]];

		out_write(g.ftext.p + n->text_off, n->text_len);
		out_putc(';');
	}
	if (leaf_file == g.nodes[g.pnodes[p->off]].fl) {
		const struct node *n = &g.nodes[g.pnodes[p->off]];

		out_write(g.ftext.p + n->text_off, n->text_len);
	} else {
		size_t at = g.ftext.len;

		frame_text(&g.ftext, g.pnodes[p->off], leaf_file);
		out_write(g.ftext.p + at, g.ftext.len - at);
		g.ftext.len = at;
	}
	out_putc('\n');
}

static void put_header(const char *key, struct buf *v)
{
	size_t i;

	out_puts(key);
	for (i = 0; i < v->len; i++)	/* a header is one line of text */
		out_putc((unsigned char)v->p[i] < 0x20 || v->p[i] == 0x7f ? ' ' : v->p[i]);
	out_putc('\n');
}

static void start_output(void)
{
	if (g.file_out)
		return;
	g.file_out = 1;
	if (!g.started) {
		ev_put_magic();
		out_puts("#source callgrind\n#clock none\n");
		g.started = 1;
	}
	out_puts("#input ");
	ev_put_escaped(g.file, strlen(g.file));
	out_putc('\n');
}

static void emit_part(void)
{
	struct slice pid = { g.pid.p, g.pid.len }, tid = { g.tid.p, g.tid.len };
	struct slice comm = { NULL, 0 }, ev = { g.evname.p, g.evname.len };
	uint64_t total = 0;
	size_t i, j;
	double thr;
	int inferred;

	if (g.evidx < 0 || g.nnodes == 0)
		return;
	start_output();
	for (i = 0; i < g.nnodes; i++)
		total = sat_add(total, g.nodes[i].self);
	if (g.has_totals && g.totals != total)
		fp_warn("%s: the self costs add up to %" PRIu64 " but totals: says %" PRIu64,
			g.file, total, g.totals);
	else if (!g.has_totals && g.has_summary && g.summary != total)
		fp_warn("%s: the self costs add up to %" PRIu64 " but summary: says %" PRIu64,
			g.file, total, g.summary);
	/* comm: the basename of the command's first word */
	if (g.cmd.len) {
		const char *p = g.cmd.p, *e;

		while (p < g.cmd.p + g.cmd.len && is_space(*p))
			p++;
		for (e = p; e < g.cmd.p + g.cmd.len && !is_space(*e); e++)
			;
		comm.p = p;
		for (; p < e; p++)
			if (*p == '/')
				comm.p = p + 1;
		comm.n = (size_t)(e - comm.p);
	}
	if (g.cmd.len && !g.cmd_out) {
		put_header("#command ", &g.cmd);
		g.cmd_out = 1;
	}
	if (g.last_e.len != g.evname.len || memcmp(g.last_e.p, g.evname.p, g.evname.len) != 0) {
		out_puts("E\t-\t");
		ev_put_field(g.evname.p, g.evname.len);
		out_putc('\t');
		ev_put_field(g.evname.p, g.evname.len);
		out_putc('\n');
		g.last_e.len = 0;
		buf_add(&g.last_e, g.evname.p, g.evname.len);
	}
	inferred = prepare_shares();
	if (inferred)
		out_puts("#stacks inferred\n");
	prepare_texts();
	thr = 1e-5 * (double)total;
	if (thr < 0.5)
		thr = 0.5;
	g.steps = 0;
	for (i = 0; i < g.nnodes; i++) {
		uint64_t self = g.nodes[i].self;
		size_t sp, live = 0;
		double sum = 0;

		if (self == 0)
			continue;
		walk(i, self, thr);
		for (j = 0; j < g.npaths; j++)
			live += !g.paths[j].dead;
		for (j = 0; j < g.npaths; j++) {
			if (live && g.paths[j].dead)
				g.paths[j].p = 0;
			if (!(g.paths[j].p >= 0))	/* NaN from broken sums */
				g.paths[j].p = 0;
			sum += g.paths[j].p;
		}
		if (!(sum > 0)) {	/* all shares underflowed: equal parts */
			for (j = 0; j < g.npaths; j++)
				g.paths[j].p = !live || !g.paths[j].dead;
			sum = (double)(live ? live : g.npaths);
		}
		/* each file's cost over the stacks, rounding the running sum */
		for (sp = g.nodes[i].first_part; sp != NONE; sp = g.sparts[sp].next) {
			uint64_t c = g.sparts[sp].cost, before = 0;
			long double cum = 0;

			for (j = 0; j < g.npaths; j++) {
				uint64_t upto;
				int64_t w;

				cum += g.paths[j].p;
				if (j + 1 == g.npaths) {
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
				ev_put_head('S', EV_NONE, pid, tid, -1, comm, ev, w);
				put_stack(&g.paths[j], g.sparts[sp].file);
			}
		}
	}
}

/* ---- reading ---- */

static int key_is(const char *k, size_t kn, const char *s)
{
	return strlen(s) == kn && memcmp(k, s, kn) == 0;
}

static void set_text(struct buf *b, const char *p, size_t n)
{
	while (n && is_space(*p))
		p++, n--;
	while (n && is_space(p[n - 1]))
		n--;
	b->len = 0;
	buf_add(b, p, n);
}

/* events: NAMES. Returns -1 when the chosen event is not there (fatal). */
static int set_events(const char *p, size_t n)
{
	size_t i = 0, k = 0;

	g.evidx = -1;
	while (i < n) {
		size_t b;

		while (i < n && is_space(p[i]))
			i++;
		if (i == n)
			break;
		for (b = i; i < n && !is_space(p[i]); i++)
			;
		if (g.evidx < 0 && (g.event ? key_is(p + b, i - b, g.event) : k == 0)) {
			g.evidx = (long)k;
			g.evname.len = 0;
			buf_add(&g.evname, p + b, i - b);
		}
		k++;
	}
	g.nev = k;
	if (k == 0) {
		skip_record(&g.skips, g.file, g.lineno, "events: names no event");
		return 0;
	}
	if (g.evidx < 0) {
		fp_warn("%s:%" PRIu64 ": no event %s in events:%.*s", g.file, g.lineno, g.event,
			(int)n, p);
		return -1;
	}
	return 0;
}

static int header(const char *k, size_t kn, const char *v, size_t vn)
{
	static const char *known[] = {
		"version", "creator", "pid", "cmd", "part", "thread", "desc", "positions",
		"events", "event", "summary", "totals",
	};
	size_t i;
	int is_known = 0;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		is_known |= key_is(k, kn, known[i]);
	if (!g.recognized && !is_known)
		return -2;	/* not callgrind */
	if (key_is(k, kn, "totals") || key_is(k, kn, "summary")) {
		uint64_t x = 0;
		size_t col = 0, j = 0;

		/* the chosen event's column */
		while (j < vn) {
			size_t m;

			while (j < vn && is_space(v[j]))
				j++;
			if (j == vn)
				break;
			m = number(v + j, vn - j, &x);
			if (m == 0 || (j + m < vn && !is_space(v[j + m]))) {
				skip_record(&g.skips, g.file, g.lineno, "bad number in totals:/summary:");
				return 0;
			}
			if ((long)col == g.evidx)
				break;
			col++, j += m, x = 0;
		}
		if (key_is(k, kn, "totals")) {
			g.totals = x;
			g.has_totals = 1;
		} else {
			g.summary = x;
			g.has_summary = 1;
		}
		return 0;
	}
	if (g.body) {		/* a new part begins */
		emit_part();
		reset_part();
	}
	if (key_is(k, kn, "pid")) {
		set_text(&g.pid, v, vn);
	} else if (key_is(k, kn, "thread")) {
		set_text(&g.tid, v, vn);
	} else if (key_is(k, kn, "cmd")) {
		set_text(&g.cmd, v, vn);
		g.cmd_out = 0;
	} else if (key_is(k, kn, "positions")) {
		size_t j = 0, m = 0;

		while (j < vn) {
			while (j < vn && is_space(v[j]))
				j++;
			if (j == vn)
				break;
			m++;
			while (j < vn && !is_space(v[j]))
				j++;
		}
		g.npos = m ? m : 1;
	} else if (key_is(k, kn, "events")) {
		g.recognized = 1;
		return set_events(v, vn);
	}
	return 0;
}

/* A cost line: the chosen cost in *cost; -1 (reported) if bad. */
static int cost_line(const char *p, size_t n, uint64_t *cost)
{
	size_t i = 0, col = 0;

	*cost = 0;
	while (i < n) {
		uint64_t v;
		size_t m;

		while (i < n && is_space(p[i]))
			i++;
		if (i == n)
			break;
		if (col < g.npos) {	/* a position: N, +N, -N, * */
			if (p[i] == '*') {
				m = 1;
			} else {
				size_t s = p[i] == '+' || p[i] == '-';

				m = number(p + i + s, n - i - s, &v);
				if (m == 0)
					goto bad;
				m += s;
			}
		} else {
			m = number(p + i, n - i, &v);
			if (m == 0)
				goto bad;
			if (col - g.npos >= g.nev) {
				skip_record(&g.skips, g.file, g.lineno, "more costs than events");
				return -1;
			}
			if ((long)(col - g.npos) == g.evidx)
				*cost = v;
		}
		if (i + m < n && !is_space(p[i + m]))
			goto bad;
		i += m;
		col++;
	}
	if (col < g.npos && !g.jump_pending)
		goto bad;
	return 0;
bad:
	skip_record(&g.skips, g.file, g.lineno, "bad cost line");
	return -1;
}

static void call_done(void)
{
	g.call_pending = 0;
	g.cob = g.cfl = NONE;	/* as KCachegrind: cfn= stays */
}

static void spec(const char *k, size_t kn, const char *v, size_t vn)
{
	size_t s;

	g.body = 1;
	if (key_is(k, kn, "calls")) {
		uint64_t count;
		size_t i = 0;

		while (i < vn && is_space(v[i]))
			i++;
		if (g.fn == NONE || g.cfn == NONE || number(v + i, vn - i, &count) == 0) {
			skip_record(&g.skips, g.file, g.lineno,
				    g.fn == NONE ? "calls= outside a function" :
				    g.cfn == NONE ? "calls= without cfn=" : "bad calls= line");
			call_done();
			return;
		}
		g.call_callee = node_of(g.cob != NONE ? g.cob : g.ob, g.cfl != NONE ? g.cfl : g.fi,
					g.cfn);
		g.call_pending = 1;
		g.call_line = g.lineno;
		return;
	}
	if (key_is(k, kn, "jump") || key_is(k, kn, "jcnd")) {
		g.jump_pending = 1;
		return;
	}
	if (key_is(k, kn, "ob") || key_is(k, kn, "cob")) {
		s = name_value('o', v, vn);
		if (k[0] == 'o')
			g.ob = s;
		else
			g.cob = s;
	} else if (key_is(k, kn, "fl") || key_is(k, kn, "fi") || key_is(k, kn, "fe") ||
		   key_is(k, kn, "cfi") || key_is(k, kn, "cfl") || key_is(k, kn, "jfi")) {
		s = name_value('f', v, vn);
		if (k[0] == 'f') {
			g.fi = s;
			if (k[1] == 'l')
				g.fl = s;
		} else if (k[0] == 'c') {
			g.cfl = s;
		}
	} else if (key_is(k, kn, "fn") || key_is(k, kn, "cfn") || key_is(k, kn, "jfn")) {
		s = name_value('n', v, vn);
		if (k[0] == 'f') {
			/* the function is in the current file (callgrind writes no
			 * fl= when it is the file of the fi= before) */
			g.fl = g.fi;
			g.fn = s == NONE ? NONE : node_of(g.ob, g.fi, s);
		} else if (k[0] == 'c') {
			g.cfn = s;
		}
	} else {
		skip_record(&g.skips, g.file, g.lineno, "unknown specification line");
	}
}

static int line(const char *p, size_t n)
{
	size_t i;

	if (n && p[n - 1] == '\r')
		n--;
	if (n == 0 || p[0] == '#')
		return 0;
	if ((p[0] >= '0' && p[0] <= '9') || p[0] == '+' || p[0] == '-' || p[0] == '*') {
		uint64_t cost;

		if (!g.recognized)
			return -2;
		if (g.nev == 0) {
			skip_record(&g.skips, g.file, g.lineno, "cost line before events:");
			return 0;
		}
		g.body = 1;
		if (cost_line(p, n, &cost) < 0) {
			if (g.call_pending)
				call_done();
			g.jump_pending = 0;
			return 0;
		}
		if (g.jump_pending) {
			g.jump_pending = 0;
		} else if (g.call_pending) {
			add_edge(g.fn, g.call_callee, cost);
			call_done();
		} else if (g.fn == NONE) {
			skip_record(&g.skips, g.file, g.lineno, "cost line outside a function");
		} else {
			add_self(g.fn, g.fi, cost);
		}
		return 0;
	}
	for (i = 0; i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')); i++)
		;
	if (i > 0 && i < n && p[i] == ':') {
		if (g.call_pending) {
			skip_record(&g.skips, g.file, g.call_line, "calls= without its cost line");
			call_done();
		}
		return header(p, i, p + i + 1, n - i - 1);
	}
	if (!g.recognized)
		return -2;
	if (g.call_pending || g.jump_pending) {
		if (g.call_pending)
			skip_record(&g.skips, g.file, g.call_line, "calls= without its cost line");
		call_done();
		g.jump_pending = 0;
	}
	if (i > 0 && i < n && p[i] == '=') {
		spec(p, i, p + i + 1, n - i - 1);
		return 0;
	}
	skip_record(&g.skips, g.file, g.lineno, "not a callgrind line");
	return 0;
}

static void reset_file(void)
{
	intern_free(&g.strs);
	intern_free(&g.ids);
	memset(&g.strs, 0, sizeof g.strs);
	memset(&g.ids, 0, sizeof g.ids);
	g.pid.len = g.tid.len = g.cmd.len = g.evname.len = 0;
	g.cmd_out = 0;
	g.npos = 1;
	g.nev = 0;
	g.evidx = -1;
	g.recognized = g.file_out = 0;
	reset_part();
}

static int convert(const char *path, void *ctx)
{
	struct input in;
	char *p;
	size_t n;
	int r, bad = 0;

	(void)ctx;
	if (input_open(&in, path) < 0)
		return 1;
	reset_file();
	g.file = in.name;
	while ((r = input_getline(&in, &p, &n)) > 0) {
		int k;

		g.lineno = in.lineno;
		k = line(p, n);
		if (k == -2) {
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
	if (!bad && !g.recognized && in.lineno == 0) {
		/* --separate-threads=yes leaves an empty callgrind.out.PID */
		fp_warn("%s: empty file", in.name);
	} else if (!bad && !g.recognized) {
		fp_warn("%s: not a callgrind profile (no events: line)", in.name);
		bad = 1;
	}
	if (g.recognized && !(bad && g.evidx < 0)) {
		if (g.call_pending)
			skip_record(&g.skips, g.file, g.call_line, "calls= without its cost line");
		emit_part();
		start_output();
	}
	skip_file_done(&g.skips, in.name, "lines");
	input_close(&in);
	return bad;
}

int main(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "e:", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (!*optarg)
				cli_usage_error(&info, "--event needs a name");
			g.event = optarg;
			break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	status = cli_each_input(argc - optind, argv + optind, convert, NULL);
	out_close();
	return status;
}
