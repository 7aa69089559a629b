/* cpuprofile2events - convert Chrome/Node .cpuprofile JSON to the flamepipe events format */
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
#include "../common/json.h"
#include "../common/out.h"
#include "../common/skip.h"

static const struct cli_info info = {
	"cpuprofile2events",
	"cpuprofile2events [-ciqr] [--strict] [FILE ...]",
	"Convert Chrome DevTools / Node --cpu-prof .cpuprofile JSON (also the old\n"
	"\"head\" format; plain, gzip or zstd) to a flamepipe events stream\n"
	"(events(5)). Each sample becomes an S record of event \"wall\" weighing the\n"
	"nanoseconds until the next sample. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -c, --count     weigh every sample 1 (unit samples) instead of its duration\n"
	"  -i, --no-idle   drop (idle) samples instead of writing an (idle) frame\n"
	"  -r, --raw       stacks as recorded: (program) and (garbage collector)\n"
	"                  samples stay top-level instead of going on top of the\n"
	"                  previous sample's stack (speedscope's and DevTools' view)\n"
	"      --strict    stop at the first sample that cannot be used\n"
	"  -q, --quiet     no progress line on a terminal\n"
	"      --help      show this help and exit\n"
	"      --version   show the version and exit\n",
};

#define NONE ((size_t)-1)
#define NO_ID INT64_MIN

enum { F_ROOT = 1, F_IDLE = 2, F_PROGRAM = 4, F_GC = 8, F_DUMMY = 16 };

struct node {
	int64_t id, parent_id;	/* parent_id: the node's "parent" key, or NO_ID */
	size_t parent;		/* index in nodes, NONE for a root */
	size_t fn_off, fn_len, url_off, url_len, name_off, name_len;	/* in strs */
	int64_t line, col;	/* 0-based as in the file; -1 unknown */
	int64_t hits;
	unsigned flags;
	size_t depth_pos;	/* position + 1 in the current stack, 0 if not in it */
	size_t text_off, text_len;	/* the escaped frame in g.ftext */
};

/* Where the parser is: one level per open map or array. */
enum ctx {
	C_TOP, C_PROFILE, C_NODES, C_NODE, C_CALLFRAME, C_CHILDREN,
	C_SAMPLES, C_DELTAS, C_TIMESTAMPS, C_SKIP,
};
enum key {
	K_NONE, K_NODES, K_SAMPLES, K_DELTAS, K_TIMESTAMPS, K_START, K_END, K_HEAD,
	K_PROFILE, K_ID, K_CALLFRAME, K_CHILDREN, K_PARENT, K_HITS, K_FN, K_URL,
	K_LINE, K_COL, K_OTHER,
};

struct level {
	enum ctx ctx;
	size_t node;		/* C_NODE, C_CALLFRAME, C_CHILDREN: the node */
};

struct pair {
	size_t parent;
	int64_t child;
};

struct i64vec {
	int64_t *v;
	size_t n, cap;
};

static struct {
	int count, no_idle, raw;
	struct skips skips;
	/* the current file */
	const char *file;
	struct level *lv;
	size_t nlv, lv_cap, skip_depth;
	struct node *nodes;
	size_t nnodes, nodes_cap;
	struct pair *kids;
	size_t nkids, kids_cap;
	struct i64vec samples, deltas, stamps;
	struct buf strs;
	int64_t start, end;	/* ns or NO_ID */
	size_t start_off, start_len, end_off, end_len;	/* their text in strs */
	int legacy, bad_number;
	uint64_t samples_line;
	/* emitting */
	size_t *stk;
	size_t nstk, stk_cap;
	struct buf ftext;
} g;

static void push_i64(struct i64vec *a, int64_t v)
{
	fp_grow(&a->v, &a->cap, a->n + 1, sizeof *a->v);
	a->v[a->n++] = v;
}

static struct level *top(void)
{
	return &g.lv[g.nlv - 1];
}

static void push(enum ctx c, size_t node)
{
	fp_grow(&g.lv, &g.lv_cap, g.nlv + 1, sizeof *g.lv);
	g.lv[g.nlv].ctx = c;
	g.lv[g.nlv].node = node;
	g.nlv++;
}

static size_t new_node(size_t parent)
{
	struct node *n;

	fp_grow(&g.nodes, &g.nodes_cap, g.nnodes + 1, sizeof *g.nodes);
	n = &g.nodes[g.nnodes];
	memset(n, 0, sizeof *n);
	n->id = NO_ID;
	n->parent_id = NO_ID;
	n->parent = parent;
	n->line = n->col = -1;
	return g.nnodes++;
}

static enum key key_of(struct json *j)
{
	static const struct {
		const char *s;
		enum key k;
	} keys[] = {
		{ "nodes", K_NODES }, { "samples", K_SAMPLES }, { "timeDeltas", K_DELTAS },
		{ "timestamps", K_TIMESTAMPS }, { "startTime", K_START }, { "endTime", K_END },
		{ "head", K_HEAD }, { "profile", K_PROFILE }, { "cpuProfile", K_PROFILE },
		{ "id", K_ID }, { "callFrame", K_CALLFRAME }, { "children", K_CHILDREN },
		{ "parent", K_PARENT }, { "hitCount", K_HITS }, { "functionName", K_FN },
		{ "url", K_URL }, { "lineNumber", K_LINE }, { "columnNumber", K_COL },
	};
	struct slice k;
	size_t i;

	if (j->depth == 0)
		return K_NONE;
	k = json_key(j, j->depth - 1);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strlen(keys[i].s) == k.n && memcmp(keys[i].s, k.p, k.n) == 0)
			return keys[i].k;
	return K_OTHER;
}

/* A map or array opens: what is it, given where we are? */
static void open_value(struct json *j, int is_map)
{
	enum ctx c = C_SKIP;
	size_t node = NONE;
	enum key key = key_of(j);

	if (g.skip_depth) {
		g.skip_depth++;
		return;
	}
	if (g.nlv == 0) {
		c = is_map ? C_PROFILE : C_SKIP;
	} else {
		struct level *l = top();

		switch (l->ctx) {
		case C_PROFILE:
			if (is_map && key == K_PROFILE) {
				c = C_PROFILE;
			} else if (is_map && key == K_HEAD) {
				g.legacy = 1;
				c = C_NODE;
				node = new_node(NONE);
			} else if (!is_map) {
				c = key == K_NODES ? C_NODES : key == K_SAMPLES ? C_SAMPLES :
				    key == K_DELTAS ? C_DELTAS :
				    key == K_TIMESTAMPS ? C_TIMESTAMPS : C_SKIP;
				if (c == C_SAMPLES)
					g.samples_line = json_line(j);
			}
			break;
		case C_NODES:
			if (is_map) {
				c = C_NODE;
				node = new_node(NONE);
			}
			break;
		case C_NODE:
			node = l->node;
			if (is_map && key == K_CALLFRAME)
				c = C_CALLFRAME;
			else if (!is_map && key == K_CHILDREN)
				c = C_CHILDREN;
			break;
		case C_CHILDREN:
			if (is_map) {	/* the old format nests child nodes */
				c = C_NODE;
				node = new_node(l->node);
			}
			break;
		default:
			break;
		}
	}
	if (c == C_SKIP) {
		g.skip_depth = 1;
		return;
	}
	push(c, node);
}

static int on_end(struct json *j, enum json_type t)
{
	(void)j;
	(void)t;
	if (g.skip_depth)
		g.skip_depth--;
	else if (g.nlv > 0)
		g.nlv--;
	return 1;
}

static void number(enum key key, const char *s, size_t n)
{
	struct level *l = top();
	struct node *nd = l->node != NONE ? &g.nodes[l->node] : NULL;
	int64_t v;

	switch (l->ctx) {
	case C_PROFILE:
		if (key == K_START || key == K_END) {
			/* µs, or seconds in the old format: "head" may come later, keep the text */
			*(key == K_START ? &g.start_off : &g.end_off) = g.strs.len;
			*(key == K_START ? &g.start_len : &g.end_len) = n;
			buf_add(&g.strs, s, n);
		}
		return;
	case C_SAMPLES:
	case C_DELTAS:
	case C_TIMESTAMPS:
		if (json_decimal(s, n, l->ctx == C_SAMPLES ? 0 : 3, &v) < 0) {
			g.bad_number++;
			v = l->ctx == C_SAMPLES ? NO_ID : 0;
		}
		push_i64(l->ctx == C_SAMPLES ? &g.samples : l->ctx == C_DELTAS ? &g.deltas :
			 &g.stamps, v);
		return;
	case C_CHILDREN:
		if (json_decimal(s, n, 0, &v) == 0) {
			fp_grow(&g.kids, &g.kids_cap, g.nkids + 1, sizeof *g.kids);
			g.kids[g.nkids].parent = l->node;
			g.kids[g.nkids++].child = v;
		}
		return;
	case C_NODE:
	case C_CALLFRAME:
		if (json_decimal(s, n, 0, &v) < 0)
			return;
		switch (key) {
		case K_ID: nd->id = v; break;
		case K_PARENT: nd->parent_id = v; break;
		case K_HITS: nd->hits = v; break;
		case K_LINE: nd->line = v; break;
		case K_COL: nd->col = v; break;
		default: break;
		}
		return;
	default:
		return;
	}
}

static int on_value(struct json *j, enum json_type t, const char *s, size_t n)
{
	struct level *l;
	enum key key;

	if (t == JSON_MAP || t == JSON_ARRAY) {
		open_value(j, t == JSON_MAP);
		return 1;
	}
	if (g.skip_depth || g.nlv == 0 || (t != JSON_NUMBER && t != JSON_STRING))
		return 1;
	l = top();
	key = key_of(j);
	if (t == JSON_STRING && (l->ctx == C_NODE || l->ctx == C_CALLFRAME) &&
	    (key == K_FN || key == K_URL)) {
		struct node *nd = &g.nodes[l->node];

		if (key == K_FN) {
			nd->fn_off = g.strs.len;
			nd->fn_len = n;
		} else {
			nd->url_off = g.strs.len;
			nd->url_len = n;
		}
		buf_add(&g.strs, s, n);
		return 1;
	}
	number(key, s, n);	/* numbers, also given as strings ("scriptId": "1") */
	return 1;
}

static const struct json_handler handler = { on_value, on_end };

static int streq(size_t off, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(g.strs.p + off, s, len) == 0;
}

/* A parent cycle (broken input) would make stacks endless: cut it, in O(n). */
static void cut_cycles(void)
{
	unsigned char *state = fp_calloc(g.nnodes + 1, 1);	/* 1 on the walk, 2 done */
	size_t i, p, q;

	for (i = 0; i < g.nnodes; i++) {
		for (p = i; p != NONE && state[p] == 0; p = g.nodes[p].parent)
			state[p] = 1;
		if (p != NONE && state[p] == 1) {
			/* the walk came back to p: cut the link that closes the loop */
			for (q = p; g.nodes[q].parent != p; q = g.nodes[q].parent)
				;
			g.nodes[q].parent = NONE;
		}
		for (p = i; p != NONE && state[p] == 1; p = g.nodes[p].parent)
			state[p] = 2;
	}
	free(state);
}

/* Link parents, classify pseudo-frames, make display names. */
static void resolve(struct intern *ids)
{
	size_t i;

	for (i = 0; i < g.nnodes; i++) {
		struct node *n = &g.nodes[i];

		if (n->id != NO_ID)
			intern_add(ids, &n->id, sizeof n->id)->aux = (int64_t)i;
	}
	for (i = 0; i < g.nnodes; i++) {
		struct node *n = &g.nodes[i];
		size_t j;

		if (n->parent_id != NO_ID &&
		    (j = intern_find(ids, &n->parent_id, sizeof n->parent_id)) != NONE)
			n->parent = (size_t)ids->ents[j].aux;
	}
	for (i = 0; i < g.nkids; i++) {
		size_t j = intern_find(ids, &g.kids[i].child, sizeof g.kids[i].child);

		if (j != NONE && (size_t)ids->ents[j].aux != g.kids[i].parent)
			g.nodes[ids->ents[j].aux].parent = g.kids[i].parent;
	}
	cut_cycles();
	for (i = 0; i < g.nnodes; i++) {
		struct node *n = &g.nodes[i];

		if (streq(n->fn_off, n->fn_len, "(root)"))
			n->flags |= F_ROOT;
		else if (streq(n->fn_off, n->fn_len, "(idle)"))
			n->flags |= F_IDLE;
		else if (streq(n->fn_off, n->fn_len, "(program)"))
			n->flags |= F_PROGRAM;
		else if (streq(n->fn_off, n->fn_len, "(garbage collector)"))
			n->flags |= F_GC;
		if (streq(n->url_off, n->url_len, "native dummy.js"))
			n->flags |= F_DUMMY;
		/* speedscope's and DevTools' name for anonymous functions */
		/* reserve first: the name is copied from strs itself */
		buf_reserve(&g.strs, n->fn_len + n->url_len + 48);
		n->name_off = g.strs.len;
		if (n->fn_len) {
			buf_add(&g.strs, g.strs.p + n->fn_off, n->fn_len);
		} else if (n->url_len) {
			const char *u = g.strs.p + n->url_off, *b = u + n->url_len;
			char num[32];

			while (b > u && b[-1] != '/')
				b--;
			buf_adds(&g.strs, "(anonymous ");
			buf_add(&g.strs, b, n->url_len - (size_t)(b - u));
			snprintf(num, sizeof num, ":%" PRIu64 ")", (uint64_t)n->line + 1);
			buf_adds(&g.strs, num);
		} else {
			buf_adds(&g.strs, "(anonymous)");
		}
		n->name_len = g.strs.len - n->name_off;
	}
	/* each frame's text once: samples repeat the same frames many times */
	g.ftext.len = 0;
	for (i = 0; i < g.nnodes; i++) {
		struct node *n = &g.nodes[i];

		n->text_off = g.ftext.len;
		ev_buf_escaped(&g.ftext, g.strs.p + n->name_off, n->name_len);
		if (n->flags & F_IDLE)
			buf_adds(&g.ftext, "`idle");
		if (!(n->flags & (F_ROOT | F_IDLE | F_PROGRAM | F_GC))) {
			/* pseudo-frames have no source position */
			char num[48];

			if (n->url_len) {
				buf_adds(&g.ftext, "`file=");
				ev_buf_escaped(&g.ftext, g.strs.p + n->url_off, n->url_len);
			}
			if (n->line >= 0) {
				snprintf(num, sizeof num, "`line=%" PRIu64, (uint64_t)n->line + 1);
				buf_adds(&g.ftext, num);
			}
			if (n->col >= 0) {
				snprintf(num, sizeof num, "`col=%" PRIu64, (uint64_t)n->col + 1);
				buf_adds(&g.ftext, num);
			}
		}
		n->text_len = g.ftext.len - n->text_off;
	}
}

static int placed_on_top(size_t k)
{
	return !g.raw && (g.nodes[k].flags & (F_PROGRAM | F_GC));
}

static int ignored(size_t k)
{
	return (g.nodes[k].flags & (F_ROOT | F_IDLE | F_DUMMY)) != 0;
}

static void stack_truncate(size_t n)
{
	while (g.nstk > n)
		g.nodes[g.stk[--g.nstk]].depth_pos = 0;
}

/*
 * The stack of a sample of node k, following speedscope (chrome.ts): the
 * lowest common ancestor with the previous stack is kept, (program) and
 * (garbage collector) go on top of the previous stack, (root), (idle) and
 * "native dummy.js" frames end the walk towards the root.
 */
static void build_stack(size_t k)
{
	size_t lca = k, n, i, first;

	while (lca != NONE && g.nodes[lca].depth_pos == 0)
		lca = placed_on_top(lca) ? (g.nstk ? g.stk[g.nstk - 1] : NONE) : g.nodes[lca].parent;
	stack_truncate(lca == NONE ? 0 : g.nodes[lca].depth_pos);
	first = g.nstk;
	for (n = k; n != NONE && n != lca && !ignored(n);
	     n = placed_on_top(n) ? (first ? g.stk[first - 1] : NONE) : g.nodes[n].parent) {
		fp_grow(&g.stk, &g.stk_cap, g.nstk + 1, sizeof *g.stk);
		g.stk[g.nstk++] = n;
	}
	/* the walk went leaf to root: reverse the new part */
	for (i = first, n = g.nstk; i + 1 < n; i++, n--) {
		size_t t = g.stk[i];

		g.stk[i] = g.stk[n - 1];
		g.stk[n - 1] = t;
	}
	for (i = first; i < g.nstk; i++)
		g.nodes[g.stk[i]].depth_pos = i + 1;
}

static void put_sample(int64_t t, int64_t w, size_t k)
{
	static const struct slice none = { NULL, 0 }, wall = { "wall", 4 };
	size_t i;

	ev_put_head('S', t, none, none, -1, none, wall, w);
	if (g.nodes[k].flags & F_IDLE) {
		out_write(g.ftext.p + g.nodes[k].text_off, g.nodes[k].text_len);
	} else {
		for (i = 0; i < g.nstk; i++) {
			const struct node *n = &g.nodes[g.stk[i]];

			if (i)
				out_putc(';');
			out_write(g.ftext.p + n->text_off, n->text_len);
		}
	}
	out_putc('\n');
}

/* b - a, or INT64_MAX if that does not fit (times of broken input). */
static int64_t ns_between(int64_t a, int64_t b)
{
	int64_t d;

	return __builtin_sub_overflow(b, a, &d) ? INT64_MAX : d;
}

/* Sample times in ns, made non-decreasing; returns how many were clamped.
 * A time beyond the int64 range (broken input) ends the samples: *np. */
static uint64_t sample_times(int64_t *t, size_t *np)
{
	uint64_t clamped = 0;
	int64_t now = g.start == NO_ID ? 0 : g.start, span = 0;
	size_t i, n = *np;

	if (!g.legacy && !g.deltas.n && __builtin_sub_overflow(g.end, g.start, &span))
		n = 0;
	for (i = 0; i < n; i++) {
		int64_t raw;

		if (g.legacy) {
			raw = g.stamps.v[i];
		} else if (g.deltas.n) {
			if (__builtin_add_overflow(now, g.deltas.v[i], &raw))
				break;
			now = raw;	/* deltas are relative to the raw previous time */
		} else {	/* no times: DevTools spreads samples evenly (span * i / n) */
			raw = g.start + span / (int64_t)n * (int64_t)i +
			      span % (int64_t)n * (int64_t)i / (int64_t)n;
		}
		t[i] = raw;
		if (i > 0 && t[i] < t[i - 1]) {
			t[i] = t[i - 1];
			clamped++;
		}
	}
	if (i < *np) {
		fp_warn("%s: sample times beyond the int64 nanosecond range; %zu samples dropped",
			g.file, *np - i);
		*np = i;
	}
	return clamped;
}

static void emit(void)
{
	struct intern ids = { 0 };
	size_t n = g.samples.n, i, next;
	struct i64vec *tv;
	int64_t *t;
	uint64_t clamped;

	resolve(&ids);
	/* startTime and endTime are µs, seconds in the old format */
	if (g.start_len && json_decimal(g.strs.p + g.start_off, g.start_len, g.legacy ? 9 : 3,
				      &g.start) < 0)
		g.start = NO_ID;
	if (g.end_len && json_decimal(g.strs.p + g.end_off, g.end_len, g.legacy ? 9 : 3, &g.end) < 0)
		g.end = NO_ID;
	if (g.legacy) {
		if (g.stamps.n < n) {
			fp_warn("%s: %zu samples but %zu timestamps; extra samples dropped",
				g.file, n, g.stamps.n);
			n = g.stamps.n;
		}
	} else if (g.deltas.n && g.deltas.n != n) {
		fp_warn("%s: %zu samples but %zu timeDeltas; extra ones dropped", g.file, n,
			g.deltas.n);
		if (g.deltas.n < n)
			n = g.deltas.n;
	} else if (!g.deltas.n && n && (g.start == NO_ID || g.end == NO_ID)) {
		fp_warn("%s: no timeDeltas and no startTime/endTime: samples not converted",
			g.file);
		n = 0;
	}
	if (g.start != NO_ID) {
		out_puts("#start ");
		ev_put_time(g.start);
		out_putc('\n');
	}
	if (g.end != NO_ID) {
		out_puts("#end ");
		ev_put_time(g.end);
		out_putc('\n');
	}
	/* times overwrite the deltas (or timestamps) they are made from */
	tv = g.legacy ? &g.stamps : g.deltas.n ? &g.deltas : NULL;
	if (tv) {
		fp_grow(&tv->v, &tv->cap, n + 1, sizeof *tv->v);
		t = tv->v;
	} else {
		t = fp_malloc((n + 1) * sizeof *t);
	}
	clamped = sample_times(t, &n);
	if (clamped)
		fp_warn("%s: %" PRIu64 " samples earlier than the one before; moved to its time",
			g.file, clamped);
	/* the last sample lasts until the old format's extra timestamp, else the mean interval */
	if (n > 0 && g.legacy && g.stamps.n > n && g.stamps.v[n] >= t[n - 1])
		t[n] = g.stamps.v[n];
	else if (n > 0 && __builtin_add_overflow(t[n - 1], n > 1 ? ns_between(t[0], t[n - 1]) /
						 (int64_t)(n - 1) : 0, &t[n]))
		t[n] = INT64_MAX;
	/* node index per sample; a sample of an unknown node is skipped and the
	 * one before it lasts until the next known one (as in speedscope) */
	for (i = 0; i < n; i++) {
		size_t j = intern_find(&ids, &g.samples.v[i], sizeof g.samples.v[i]);

		if (j == NONE)
			skip_record(&g.skips, g.file, g.samples_line, "sample of a node id not in nodes");
		g.samples.v[i] = j == NONE ? -1 : ids.ents[j].aux;
	}
	for (i = 0, next = 0; i < n; i++) {
		size_t k;

		if (g.samples.v[i] < 0)
			continue;
		k = (size_t)g.samples.v[i];
		for (next = i + 1; next < n && g.samples.v[next] < 0; next++)
			;
		if (g.nodes[k].flags & F_IDLE) {
			stack_truncate(0);
			if (g.no_idle)
				continue;
		} else {
			build_stack(k);
		}
		put_sample(t[i], g.count ? 1 : ns_between(t[i], t[next]), k);
	}
	if (g.samples.n == 0 && g.count) {
		/* no samples array: hit counts are all there is */
		for (i = 0; i < g.nnodes; i++) {
			if (g.nodes[i].hits <= 0 || (g.no_idle && (g.nodes[i].flags & F_IDLE)))
				continue;
			stack_truncate(0);
			if (!(g.nodes[i].flags & F_IDLE))
				build_stack(i);
			put_sample(EV_NONE, g.nodes[i].hits, i);
		}
	} else if (g.samples.n == 0) {
		fp_warn("%s: no samples (use --count to convert hit counts)", g.file);
	}
	stack_truncate(0);
	if (!tv)
		free(t);
	intern_free(&ids);
}

static void reset(void)
{
	g.nlv = g.skip_depth = 0;
	g.nnodes = g.nkids = 0;
	g.samples.n = g.deltas.n = g.stamps.n = 0;
	g.strs.len = 0;
	g.start = g.end = NO_ID;
	g.start_len = g.end_len = 0;
	g.legacy = g.bad_number = 0;
	g.samples_line = 0;
	g.nstk = 0;
}

static int convert(const char *path, void *ctx)
{
	struct input in;
	struct json j;
	enum json_result r;
	int bad;

	(void)ctx;
	if (input_open(&in, path) < 0)
		return 1;
	reset();
	g.file = in.name;
	out_puts("#input ");
	ev_put_escaped(in.name, strlen(in.name));
	out_putc('\n');
	json_init(&j, &handler, NULL);
	r = json_parse_input(&j, &in);
	json_free(&j);
	bad = r != JSON_OK;
	if (r == JSON_TRUNCATED)
		fp_warn("%s: truncated JSON: the samples before the cut are converted", in.name);
	if ((r == JSON_OK || r == JSON_TRUNCATED) && g.nnodes == 0) {
		fp_warn("%s: not a CPU profile (no nodes and no head)", in.name);
		bad = 1;
	} else if (r == JSON_OK || r == JSON_TRUNCATED) {
		if (g.bad_number)
			fp_warn("%s: %d numbers could not be read", in.name, g.bad_number);
		emit();
	}
	skip_file_done(&g.skips, in.name, "samples");
	input_close(&in);
	return bad;
}

int main(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "no-idle", no_argument, NULL, 'i' },
		{ "raw", no_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "cirq", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': g.count = 1; break;
		case 'i': g.no_idle = 1; break;
		case 'r': g.raw = 1; break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	ev_put_magic();
	out_puts("#source cpuprofile\n#clock v8\n");
	out_puts(g.count ? "E\t-\twall\tsamples\n" : "E\t-\twall\tnanoseconds\n");
	status = cli_each_input(argc - optind, argv + optind, convert, NULL);
	out_close();
	return status;
}
