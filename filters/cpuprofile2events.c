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
#include "cmds.h"
#include "cpuprofile2events/cpuprofile.h"

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


static int streq(const struct cp *cp, size_t off, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(cp->strs.p + off, s, len) == 0;
}

/* A parent cycle (broken input) would make stacks endless: cut it, in O(n). */
static void cut_cycles(struct cp *cp)
{
	unsigned char *state = fp_calloc(cp->nnodes + 1, 1);	/* 1 on the walk, 2 done */
	size_t i, p, q;

	for (i = 0; i < cp->nnodes; i++) {
		for (p = i; p != NONE && state[p] == 0; p = cp->nodes[p].parent)
			state[p] = 1;
		if (p != NONE && state[p] == 1) {
			/* the walk came back to p: cut the link that closes the loop */
			for (q = p; cp->nodes[q].parent != p; q = cp->nodes[q].parent)
				;
			cp->nodes[q].parent = NONE;
		}
		for (p = i; p != NONE && state[p] == 1; p = cp->nodes[p].parent)
			state[p] = 2;
	}
	free(state);
}

/* Link parents (by "parent" keys, then "children" lists), cut cycles. */
static void link_parents(struct cp *cp, struct intern *ids)
{
	size_t i;

	for (i = 0; i < cp->nnodes; i++) {
		struct node *n = &cp->nodes[i];

		if (n->id != NO_ID)
			intern_add(ids, &n->id, sizeof n->id)->aux = (int64_t)i;
	}
	for (i = 0; i < cp->nnodes; i++) {
		struct node *n = &cp->nodes[i];
		size_t j;

		if (n->parent_id != NO_ID &&
		    (j = intern_find(ids, &n->parent_id, sizeof n->parent_id)) != NONE)
			n->parent = (size_t)ids->ents[j].aux;
	}
	for (i = 0; i < cp->nkids; i++) {
		size_t j = intern_find(ids, &cp->kids[i].child, sizeof cp->kids[i].child);

		if (j != NONE && (size_t)ids->ents[j].aux != cp->kids[i].parent)
			cp->nodes[ids->ents[j].aux].parent = cp->kids[i].parent;
	}
	cut_cycles(cp);
}

/* Classify pseudo-frames and make display names (in strs). */
static void name_nodes(struct cp *cp)
{
	size_t i;

	for (i = 0; i < cp->nnodes; i++) {
		struct node *n = &cp->nodes[i];

		if (streq(cp, n->fn_off, n->fn_len, "(root)"))
			n->flags |= F_ROOT;
		else if (streq(cp, n->fn_off, n->fn_len, "(idle)"))
			n->flags |= F_IDLE;
		else if (streq(cp, n->fn_off, n->fn_len, "(program)"))
			n->flags |= F_PROGRAM;
		else if (streq(cp, n->fn_off, n->fn_len, "(garbage collector)"))
			n->flags |= F_GC;
		if (streq(cp, n->url_off, n->url_len, "native dummy.js"))
			n->flags |= F_DUMMY;
		/* speedscope's and DevTools' name for anonymous functions */
		/* reserve first: the name is copied from strs itself */
		buf_reserve(&cp->strs, n->fn_len + n->url_len + 48);
		n->name_off = cp->strs.len;
		if (n->fn_len) {
			buf_add(&cp->strs, cp->strs.p + n->fn_off, n->fn_len);
		} else if (n->url_len) {
			const char *u = cp->strs.p + n->url_off, *b = u + n->url_len;
			char num[32];

			while (b > u && b[-1] != '/')
				b--;
			buf_adds(&cp->strs, "(anonymous ");
			buf_add(&cp->strs, b, n->url_len - (size_t)(b - u));
			snprintf(num, sizeof num, ":%" PRIu64 ")", (uint64_t)n->line + 1);
			buf_adds(&cp->strs, num);
		} else {
			buf_adds(&cp->strs, "(anonymous)");
		}
		n->name_len = cp->strs.len - n->name_off;
	}
}

/* Each frame's text once, escaped: samples repeat the same frames many times. */
static void frame_texts(struct cp *cp)
{
	size_t i;

	cp->ftext.len = 0;
	for (i = 0; i < cp->nnodes; i++) {
		struct node *n = &cp->nodes[i];

		n->text_off = cp->ftext.len;
		ev_buf_escaped(&cp->ftext, cp->strs.p + n->name_off, n->name_len);
		if (n->flags & F_IDLE)
			buf_adds(&cp->ftext, "`idle");
		if (!(n->flags & (F_ROOT | F_IDLE | F_PROGRAM | F_GC))) {
			/* pseudo-frames have no source position */
			char num[48];

			if (n->url_len) {
				buf_adds(&cp->ftext, "`file=");
				ev_buf_escaped(&cp->ftext, cp->strs.p + n->url_off, n->url_len);
			}
			if (n->line >= 0) {
				snprintf(num, sizeof num, "`line=%" PRIu64, (uint64_t)n->line + 1);
				buf_adds(&cp->ftext, num);
			}
			if (n->col >= 0) {
				snprintf(num, sizeof num, "`col=%" PRIu64, (uint64_t)n->col + 1);
				buf_adds(&cp->ftext, num);
			}
		}
		n->text_len = cp->ftext.len - n->text_off;
	}
}

static void resolve(struct cp *cp, struct intern *ids)
{
	link_parents(cp, ids);
	name_nodes(cp);
	frame_texts(cp);
}

static int placed_on_top(const struct cp *cp, size_t k)
{
	return !cp->raw && (cp->nodes[k].flags & (F_PROGRAM | F_GC));
}

static int ignored(const struct cp *cp, size_t k)
{
	return (cp->nodes[k].flags & (F_ROOT | F_IDLE | F_DUMMY)) != 0;
}

static void stack_truncate(struct cp *cp, size_t n)
{
	while (cp->nstk > n)
		cp->nodes[cp->stk[--cp->nstk]].depth_pos = 0;
}

/*
 * The stack of a sample of node k, following speedscope (chrome.ts): the
 * lowest common ancestor with the previous stack is kept, (program) and
 * (garbage collector) go on top of the previous stack, (root), (idle) and
 * "native dummy.js" frames end the walk towards the root.
 */
static void build_stack(struct cp *cp, size_t k)
{
	size_t lca = k, n, i, first;

	while (lca != NONE && cp->nodes[lca].depth_pos == 0)
		lca = placed_on_top(cp, lca) ? (cp->nstk ? cp->stk[cp->nstk - 1] : NONE) : cp->nodes[lca].parent;
	stack_truncate(cp, lca == NONE ? 0 : cp->nodes[lca].depth_pos);
	first = cp->nstk;
	for (n = k; n != NONE && n != lca && !ignored(cp, n);
	     n = placed_on_top(cp, n) ? (first ? cp->stk[first - 1] : NONE) : cp->nodes[n].parent) {
		fp_grow(&cp->stk, &cp->stk_cap, cp->nstk + 1, sizeof *cp->stk);
		cp->stk[cp->nstk++] = n;
	}
	/* the walk went leaf to root: reverse the new part */
	for (i = first, n = cp->nstk; i + 1 < n; i++, n--) {
		size_t t = cp->stk[i];

		cp->stk[i] = cp->stk[n - 1];
		cp->stk[n - 1] = t;
	}
	for (i = first; i < cp->nstk; i++)
		cp->nodes[cp->stk[i]].depth_pos = i + 1;
}

static void put_sample(const struct cp *cp, int64_t t, int64_t w, size_t k)
{
	static const struct slice none = { NULL, 0 }, wall = { "wall", 4 };
	size_t i;

	ev_put_head('S', t, none, none, -1, none, wall, w);
	if (cp->nodes[k].flags & F_IDLE) {
		out_write(cp->ftext.p + cp->nodes[k].text_off, cp->nodes[k].text_len);
	} else {
		for (i = 0; i < cp->nstk; i++) {
			const struct node *n = &cp->nodes[cp->stk[i]];

			if (i)
				out_putc(';');
			out_write(cp->ftext.p + n->text_off, n->text_len);
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
static uint64_t sample_times(struct cp *cp, int64_t *t, size_t *np)
{
	uint64_t clamped = 0;
	int64_t now = cp->start == NO_ID ? 0 : cp->start, span = 0;
	size_t i, n = *np;

	if (!cp->legacy && !cp->deltas.n && __builtin_sub_overflow(cp->end, cp->start, &span))
		n = 0;
	for (i = 0; i < n; i++) {
		int64_t raw;

		if (cp->legacy) {
			raw = cp->stamps.v[i];
		} else if (cp->deltas.n) {
			if (__builtin_add_overflow(now, cp->deltas.v[i], &raw))
				break;
			now = raw;	/* deltas are relative to the raw previous time */
		} else {	/* no times: DevTools spreads samples evenly (span * i / n) */
			raw = cp->start + span / (int64_t)n * (int64_t)i +
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
			cp->file, *np - i);
		*np = i;
	}
	return clamped;
}

/* startTime and endTime; how many samples have a time (warns when they
 * do not all have one); writes #start and #end. */
static size_t profile_times(struct cp *cp)
{
	size_t n = cp->samples.n;

	/* startTime and endTime are µs, seconds in the old format */
	if (cp->start_len && json_decimal(cp->strs.p + cp->start_off, cp->start_len, cp->legacy ? 9 : 3,
				      &cp->start) < 0)
		cp->start = NO_ID;
	if (cp->end_len && json_decimal(cp->strs.p + cp->end_off, cp->end_len, cp->legacy ? 9 : 3, &cp->end) < 0)
		cp->end = NO_ID;
	if (cp->legacy) {
		if (cp->stamps.n < n) {
			fp_warn("%s: %zu samples but %zu timestamps; extra samples dropped",
				cp->file, n, cp->stamps.n);
			n = cp->stamps.n;
		}
	} else if (cp->deltas.n && cp->deltas.n != n) {
		fp_warn("%s: %zu samples but %zu timeDeltas; extra ones dropped", cp->file, n,
			cp->deltas.n);
		if (cp->deltas.n < n)
			n = cp->deltas.n;
	} else if (!cp->deltas.n && n && (cp->start == NO_ID || cp->end == NO_ID)) {
		fp_warn("%s: no timeDeltas and no startTime/endTime: samples not converted",
			cp->file);
		n = 0;
	}
	if (cp->start != NO_ID)
		ev_put_header_time("start", cp->start);
	if (cp->end != NO_ID)
		ev_put_header_time("end", cp->end);
	return n;
}

/* The samples (node indexes in samples.v, -1 unknown) at times t[0..n],
 * t[n] the end of the last one. */
static void put_samples(struct cp *cp, const int64_t *t, size_t n)
{
	size_t i, next;

	for (i = 0, next = 0; i < n; i++) {
		size_t k;

		if (cp->samples.v[i] < 0)
			continue;
		k = (size_t)cp->samples.v[i];
		for (next = i + 1; next < n && cp->samples.v[next] < 0; next++)
			;
		if (cp->nodes[k].flags & F_IDLE) {
			stack_truncate(cp, 0);
			if (cp->no_idle)
				continue;
		} else {
			build_stack(cp, k);
		}
		put_sample(cp, t[i], cp->count ? 1 : ns_between(t[i], t[next]), k);
	}
}

/* No samples array: with --count, hit counts are all there is. */
static void put_hits(struct cp *cp)
{
	size_t i;

	if (!cp->count) {
		fp_warn("%s: no samples (use --count to convert hit counts)", cp->file);
		return;
	}
	for (i = 0; i < cp->nnodes; i++) {
		if (cp->nodes[i].hits <= 0 || (cp->no_idle && (cp->nodes[i].flags & F_IDLE)))
			continue;
		stack_truncate(cp, 0);
		if (!(cp->nodes[i].flags & F_IDLE))
			build_stack(cp, i);
		put_sample(cp, EV_NONE, cp->nodes[i].hits, i);
	}
}

static void emit(struct cp *cp)
{
	struct intern ids = { 0 };
	size_t n, i;
	struct i64vec *tv;
	int64_t *t;
	uint64_t clamped;

	resolve(cp, &ids);
	n = profile_times(cp);
	/* times overwrite the deltas (or timestamps) they are made from */
	tv = cp->legacy ? &cp->stamps : cp->deltas.n ? &cp->deltas : NULL;
	if (tv) {
		fp_grow(&tv->v, &tv->cap, n + 1, sizeof *tv->v);
		t = tv->v;
	} else {
		t = fp_malloc((n + 1) * sizeof *t);
	}
	clamped = sample_times(cp, t, &n);
	if (clamped)
		fp_warn("%s: %" PRIu64 " samples earlier than the one before; moved to its time",
			cp->file, clamped);
	/* the last sample lasts until the old format's extra timestamp, else the mean interval */
	if (n > 0 && cp->legacy && cp->stamps.n > n && cp->stamps.v[n] >= t[n - 1])
		t[n] = cp->stamps.v[n];
	else if (n > 0 && __builtin_add_overflow(t[n - 1], n > 1 ? ns_between(t[0], t[n - 1]) /
						 (int64_t)(n - 1) : 0, &t[n]))
		t[n] = INT64_MAX;
	/* node index per sample; a sample of an unknown node is skipped and the
	 * one before it lasts until the next known one (as in speedscope) */
	for (i = 0; i < n; i++) {
		size_t j = intern_find(&ids, &cp->samples.v[i], sizeof cp->samples.v[i]);

		if (j == NONE)
			skip_record(&cp->skips, cp->file, cp->samples_line, "sample of a node id not in nodes");
		cp->samples.v[i] = j == NONE ? -1 : ids.ents[j].aux;
	}
	put_samples(cp, t, n);
	if (cp->samples.n == 0)
		put_hits(cp);
	stack_truncate(cp, 0);
	if (!tv)
		free(t);
	intern_free(&ids);
}

static void reset(struct cp *cp)
{
	cp->nlv = cp->skip_depth = 0;
	cp->nnodes = cp->nkids = 0;
	cp->samples.n = cp->deltas.n = cp->stamps.n = 0;
	cp->strs.len = 0;
	cp->start = cp->end = NO_ID;
	cp->start_len = cp->end_len = 0;
	cp->legacy = cp->bad_number = 0;
	cp->samples_line = 0;
	cp->nstk = 0;
}

static int convert(const char *path, void *ctx)
{
	struct cp *cp = ctx;
	struct input in;
	struct json j;
	enum json_result r;
	int bad;

	if (input_open(&in, path) < 0)
		return 1;
	reset(cp);
	cp->file = in.name;
	ev_put_input(in.name);
	json_init(&j, &cp_json_handler, cp);
	r = json_parse_input(&j, &in);
	json_free(&j);
	bad = r != JSON_OK;
	if (r == JSON_TRUNCATED)
		fp_warn("%s: truncated JSON: the samples before the cut are converted", in.name);
	if ((r == JSON_OK || r == JSON_TRUNCATED) && cp->nnodes == 0) {
		fp_warn("%s: not a CPU profile (no nodes and no head)", in.name);
		bad = 1;
	} else if (r == JSON_OK || r == JSON_TRUNCATED) {
		if (cp->bad_number)
			fp_warn("%s: %d numbers could not be read", in.name, cp->bad_number);
		emit(cp);
	}
	skip_file_done(&cp->skips, in.name, "samples");
	input_close(&in);
	return bad;
}

static void cp_free(struct cp *cp)
{
	free(cp->lv);
	free(cp->nodes);
	free(cp->kids);
	free(cp->samples.v);
	free(cp->deltas.v);
	free(cp->stamps.v);
	buf_free(&cp->strs);
	free(cp->stk);
	buf_free(&cp->ftext);
}

int cmd_cpuprofile2events(int argc, char **argv)
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
	struct cp cp = { 0 };
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "cirq", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': cp.count = 1; break;
		case 'i': cp.no_idle = 1; break;
		case 'r': cp.raw = 1; break;
		case OPT_STRICT: cp.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	ev_put_magic();
	ev_put_header("source", ev_str("cpuprofile"));
	ev_put_header("clock", ev_str("v8"));
	ev_put_unit(ev_str("wall"), cp.count ? "samples" : "nanoseconds");
	status = cli_each_input(argc - optind, argv + optind, convert, &cp);
	cp_free(&cp);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_cpuprofile2events(argc, argv); }
#endif
