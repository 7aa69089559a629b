/* eventdiff - compare two events streams function by function (docs/eventdiff.md) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/bytes.h"
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
	"eventdiff",
	"eventdiff [-cqs] [-e EVENT] [-n N] [--by=self|total] [--fail-above=PCT] [--folded] [--strict] BASE NEW",
	"Compare two flamepipe events streams (events(5)) function by function:\n"
	"self and total weight, raw and as a share of each side's total; the\n"
	"largest changes of the share (percentage points) first. Folded files:\n"
	"convert them with folded2events first.\n"
	"\n"
	"  -e, --event=EVENT  compare EVENT (default: the first event of BASE)\n"
	"  -c, --count        count samples instead of summing their weights\n"
	"  -n, --lines=N      show N functions (default 20; 0: all)\n"
	"      --by=self|total  sort and check --fail-above by self (default) or\n"
	"                     total share\n"
	"      --fail-above=PCT  exit 3 when a function's share grew by more than\n"
	"                     PCT percentage points\n"
	"      --folded       write \"STACK BASE NEW\" lines (flamegraph.pl's\n"
	"                     differential input) instead of the report\n"
	"  -s, --scale        with --folded: scale BASE's weights to NEW's total\n"
	"      --strict       stop at the first malformed record\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

#define NO_FRAMES "[no frames]"	/* the leaf of a record without a stack */

struct diff;

/* One side (BASE or NEW): its model and its weights per stack node. */
struct side {
	struct diff *d;
	struct model m;
	const char *path;
	struct u64map w;	/* node -> weight */
	int64_t total;
	uint64_t records;	/* compared records */
	uint64_t other;		/* records of other events, not compared */
	uint32_t *fn;		/* frame id -> function index + 1 (0: not yet) */
	size_t fncap;
};

/* A function's weights: self and total, on each side. */
struct fn {
	int64_t self[2], total[2];
};

struct diff {
	struct side s[2];
	const char *event;	/* compared event, or NULL until chosen */
	char *event_alloc;
	char kind;		/* 'S' samples or 'O' spans, 0 until chosen */
	int count, by_total, folded, scale, strict;
	long long lines;
	const char *fail_arg;	/* --fail-above as given, or NULL */
	int64_t fail_micro;	/* PCT in millionths of a point */
	struct fold_opts fold;
	struct intern funcs;	/* folded function name -> index into f */
	struct fn *f;
	size_t fcap;
	uint64_t *stamp;	/* per function: the last record counted into total */
	size_t stampcap;
	uint64_t serial;
	struct intern stacks;	/* --folded: stack text -> index into sw */
	int64_t (*sw)[2];
	size_t swcap;
	uint32_t *path;
	size_t pathcap;
	struct buf line, tmp;
};

/* ---- reading ---- */

static int wanted(void *ctx, const struct ev_rec *r)
{
	struct side *s = ctx;
	struct diff *d = s->d;
	char kind = r->type == 'S' ? 'S' : 'O';
	struct slice ev = r->event;
	int same;

	if (r->type == 'I')
		return 0;	/* instants weigh nothing */
	same = d->event && bytes_is(ev.p, ev.n, d->event);
	if (!d->kind && (!d->event || same)) {
		d->kind = kind;
		if (!d->event)
			d->event = d->event_alloc = fp_strndup(ev.p, ev.n);
		same = 1;
	}
	if (same && kind == d->kind)
		return 1;
	s->other++;
	return 0;
}

static void add(struct side *s, uint32_t node, int64_t w)
{
	u64map_add(&s->w, node)->value += w;
	s->total += w;
	s->records++;
}

static void sample(void *ctx, const struct md_sample *m)
{
	struct side *s = ctx;

	add(s, m->stack, s->d->count ? 1 : m->weight);
}

static void span_close(void *ctx, const struct md_span *m)
{
	struct side *s = ctx;

	add(s, m->stack, s->d->count ? 1 : (m->self > 0 ? m->self : 0));
}

/* ---- functions ---- */

static size_t func_index(struct diff *d, const char *p, size_t n)
{
	int added;
	size_t i = intern_get(&d->funcs, p, n, &added);

	if (added) {
		fp_grow(&d->f, &d->fcap, i + 1, sizeof *d->f);
		memset(&d->f[i], 0, sizeof d->f[i]);
		fp_grow(&d->stamp, &d->stampcap, i + 1, sizeof *d->stamp);
		d->stamp[i] = 0;
	}
	return i;
}

/* The function of frame id fr of side s: its folded name, interned once. */
static size_t func_of(struct diff *d, struct side *s, uint32_t fr)
{
	struct ev_frame f;

	if (fr >= s->fncap) {
		size_t old = s->fncap;

		fp_grow(&s->fn, &s->fncap, (size_t)fr + 1, sizeof *s->fn);
		memset(s->fn + old, 0, (s->fncap - old) * sizeof *s->fn);
	}
	if (s->fn[fr] == 0) {
		stacks_frame_get(&s->m.stacks, fr, &f);
		d->line.len = 0;
		fold_frame(&d->line, &f, &d->fold, 0, &d->tmp);
		s->fn[fr] = (uint32_t)func_index(d, d->line.p, d->line.len) + 1;
	}
	return s->fn[fr] - 1;
}

/* Self and total per function; with --folded, the weight per stack text. */
static void tally(struct diff *d, int side)
{
	struct side *s = &d->s[side];
	size_t e, i, n;

	for (e = 0; e < s->w.count; e++) {
		int64_t w = s->w.ents[e].value;
		size_t leaf = 0;

		n = stacks_path(&s->m.stacks, (uint32_t)s->w.ents[e].key, &d->path, &d->pathcap);
		d->serial++;
		for (i = 0; i < n; i++) {
			leaf = func_of(d, s, d->path[i]);
			if (d->stamp[leaf] != d->serial) {	/* once per stack */
				d->stamp[leaf] = d->serial;
				d->f[leaf].total[side] += w;
			}
		}
		if (n == 0)
			leaf = func_index(d, NO_FRAMES, strlen(NO_FRAMES));
		d->f[leaf].self[side] += w;
		if (d->folded) {
			int added;
			size_t k;

			d->tmp.len = 0;
			for (i = 0; i < n; i++) {
				struct ient *fe = &d->funcs.ents[func_of(d, s, d->path[i])];

				if (i)
					buf_addc(&d->tmp, ';');
				buf_add(&d->tmp, fe->key, fe->len);
			}
			if (n == 0)
				buf_adds(&d->tmp, NO_FRAMES);
			fold_fix_leaf(&d->tmp, 0);
			k = intern_get(&d->stacks, d->tmp.p, d->tmp.len, &added);
			if (added) {
				fp_grow(&d->sw, &d->swcap, k + 1, sizeof *d->sw);
				d->sw[k][0] = d->sw[k][1] = 0;
			}
			d->sw[k][side] += w;
		}
	}
}

/* ---- arithmetic: shares and the --fail-above test, exact ---- */

/* The sign of x/tx - y/ty (x of side NEW over its total, y of BASE):
 * x*ty - y*tx in 128 bits. A side with total <= 0 has shares 0. */
static __int128 cross(int64_t x, int64_t tx, int64_t y, int64_t ty)
{
	if (tx <= 0)
		x = 0, tx = 1;
	if (ty <= 0)
		y = 0, ty = 1;
	return (__int128)x * ty - (__int128)y * tx;
}

static long double share(int64_t x, int64_t t)
{
	return t > 0 ? 100.0L * (long double)x / (long double)t : 0.0L;
}

/* Did x (NEW) grow more than PCT points over y (BASE)?
 * 100 * (x*ty - y*tx) > PCT * tx*ty, with PCT = fail_micro / 1e6. */
static int over(const struct diff *d, int64_t x, int64_t tx, int64_t y, int64_t ty)
{
	__int128 num = cross(x, tx, y, ty);
	__int128 den, lim = (__int128)1 << 100;

	if (tx <= 0)
		tx = 1;
	if (ty <= 0)
		ty = 1;
	den = (__int128)tx * ty;
	if (num <= 0)
		return 0;	/* PCT >= 0 */
	if (num < lim / 100000000 && den < lim / 100000000)
		return num * 100000000 > (__int128)d->fail_micro * den;
	/* beyond 2^73: long double, 64 bits of mantissa */
	return (long double)num * 1e8L > (long double)d->fail_micro * (long double)den;
}

/* ---- the report ---- */

static int64_t measure(const struct diff *d, const struct fn *f, int side)
{
	return d->by_total ? f->total[side] : f->self[side];
}

static long double change(const struct diff *d, const struct fn *f)
{
	return share(measure(d, f, 1), d->s[1].total) - share(measure(d, f, 0), d->s[0].total);
}

static const struct diff *sort_diff;	/* qsort's context (set per call) */

static int by_change(const void *a, const void *b)
{
	const struct diff *d = sort_diff;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	long double x = change(d, &d->f[i]), y = change(d, &d->f[j]);
	const struct ient *p = &d->funcs.ents[i], *q = &d->funcs.ents[j];
	int c;

	if (x < 0)
		x = -x;
	if (y < 0)
		y = -y;
	if (x != y)
		return x > y ? -1 : 1;
	c = memcmp(p->key, q->key, p->len < q->len ? p->len : q->len);
	return c ? c : (p->len > q->len) - (p->len < q->len);
}

static void put_pct(long double v, int sign)
{
	char b[64];

	snprintf(b, sizeof b, sign ? "%+.2Lf" : "%.2Lf", v);
	if (strcmp(b, "-0.00") == 0 || strcmp(b, "+0.00") == 0)
		strcpy(b, sign ? "+0.00" : "0.00");
	out_puts(b);
}

static const char *status_of(const struct diff *d, const struct fn *f)
{
	__int128 c;

	if (f->total[0] == 0 && f->self[0] == 0)
		return "new";
	if (f->total[1] == 0 && f->self[1] == 0)
		return "gone";
	c = cross(measure(d, f, 1), d->s[1].total, measure(d, f, 0), d->s[0].total);
	return c > 0 ? "grew" : c < 0 ? "shrank" : "same";
}

static void put_row(const struct diff *d, size_t i)
{
	const struct fn *f = &d->f[i];
	int64_t tb = d->s[0].total, tn = d->s[1].total;
	const int64_t raw[4] = { f->self[0], f->self[1], f->total[0], f->total[1] };
	int k;

	put_pct(share(f->self[1], tn) - share(f->self[0], tb), 1);
	out_putc('\t');
	put_pct(share(f->self[0], tb), 0);
	out_putc('\t');
	put_pct(share(f->self[1], tn), 0);
	out_putc('\t');
	put_pct(share(f->total[1], tn) - share(f->total[0], tb), 1);
	out_putc('\t');
	put_pct(share(f->total[0], tb), 0);
	out_putc('\t');
	put_pct(share(f->total[1], tn), 0);
	for (k = 0; k < 4; k++) {
		out_putc('\t');
		out_i64(raw[k]);
	}
	out_putc('\t');
	out_puts(status_of(d, f));
	out_putc('\t');
	out_write(d->funcs.ents[i].key, d->funcs.ents[i].len);
	out_putc('\n');
}

static void put_side(const char *label, const struct side *s)
{
	out_puts("# ");
	out_puts(label);
	out_putc('\t');
	out_puts(strcmp(s->path, "-") == 0 ? "<stdin>" : s->path);
	out_puts("\ttotal ");
	out_i64(s->total);
	out_putc('\n');
}

/* The functions over --fail-above, largest change first (order is sorted):
 * on stderr, and in the report unless it is --folded. */
static int put_failures(const struct diff *d, const size_t *order, size_t n)
{
	const char *what = d->by_total ? "total" : "self";
	char msg[160];
	size_t i;
	int failed = 0;

	for (i = 0; i < n; i++) {
		const struct fn *f = &d->f[order[i]];
		const struct ient *e = &d->funcs.ents[order[i]];
		long double b = share(measure(d, f, 0), d->s[0].total);
		long double a = share(measure(d, f, 1), d->s[1].total);

		if (!over(d, measure(d, f, 1), d->s[1].total, measure(d, f, 0), d->s[0].total))
			continue;
		snprintf(msg, sizeof msg, "%s share grew %+.2Lf points (%.2Lf%% -> %.2Lf%%), above %s",
			 what, a - b, b, a, d->fail_arg);
		if (!d->folded) {
			out_puts("# FAIL\t");
			out_write(e->key, e->len);
			out_putc('\t');
			out_puts(msg);
			out_putc('\n');
		}
		fp_warn("%.*s: %s", (int)e->len, e->key, msg);
		failed = 1;
	}
	if (!failed && !d->folded) {
		out_puts("# ok: no function grew more than ");
		out_puts(d->fail_arg);
		out_puts(" points\n");
	}
	return failed;
}

static struct slice unit_of(const struct diff *d);

/* The functions, the largest change first (free it). */
static size_t *sorted_functions(const struct diff *d)
{
	size_t n = d->funcs.count, i, *order = fp_calloc(n ? n : 1, sizeof *order);

	for (i = 0; i < n; i++)
		order[i] = i;
	sort_diff = d;
	if (n)
		qsort(order, n, sizeof *order, by_change);
	return order;
}

static void report(struct diff *d, const size_t *order)
{
	size_t n = d->funcs.count, i;
	size_t shown = d->lines == 0 || (size_t)d->lines > n ? n : (size_t)d->lines;
	struct slice unit = unit_of(d);

	out_puts("# eventdiff: ");
	out_puts(d->kind == 'O' ? "span self time of " : d->count ? "sample counts of " : "samples of ");
	out_puts(d->event ? d->event : "-");
	out_puts(" (");
	out_write(unit.p, unit.n);
	out_puts(d->by_total ? "), by total share\n" : "), by self share\n");
	put_side("base", &d->s[0]);
	put_side("new", &d->s[1]);
	out_puts("# change in percentage points of each side's total: new% - base%\n"
		 "self.change\tself.base%\tself.new%\ttotal.change\ttotal.base%\ttotal.new%\t"
		 "self.base\tself.new\ttotal.base\ttotal.new\tstatus\tfunction\n");
	for (i = 0; i < shown; i++)
		put_row(d, order[i]);
}

/* ---- --folded ---- */

static const struct intern *sort_stacks;

static int by_text(const void *a, const void *b)
{
	const struct ient *p = &sort_stacks->ents[*(const size_t *)a];
	const struct ient *q = &sort_stacks->ents[*(const size_t *)b];
	int c = memcmp(p->key, q->key, p->len < q->len ? p->len : q->len);

	return c ? c : (p->len > q->len) - (p->len < q->len);
}

/* round(x * tn / tb), halves away from zero, in 128 bits. */
static int64_t scaled(int64_t x, int64_t tn, int64_t tb)
{
	__int128 num = (__int128)x * tn, q;

	if (tb <= 0)
		return x;
	q = (num < 0 ? -num : num) * 2 + tb;
	q /= (__int128)tb * 2;
	return (int64_t)(num < 0 ? -q : q);
}

static void put_folded(struct diff *d)
{
	size_t n = d->stacks.count, i, *order = fp_calloc(n ? n : 1, sizeof *order);

	for (i = 0; i < n; i++)
		order[i] = i;
	sort_stacks = &d->stacks;
	if (n)
		qsort(order, n, sizeof *order, by_text);
	for (i = 0; i < n; i++) {
		const struct ient *e = &d->stacks.ents[order[i]];
		int64_t b = d->sw[order[i]][0];

		if (d->scale)
			b = scaled(b, d->s[1].total, d->s[0].total);
		out_write(e->key, e->len);
		out_putc(' ');
		out_i64(b);
		out_putc(' ');
		out_i64(d->sw[order[i]][1]);
		out_putc('\n');
	}
	free(order);
}

/* ---- options and the run ---- */

/* PCT: a decimal >= 0 with up to six decimals, in millionths. */
static int64_t parse_pct(const char *arg)
{
	int64_t v = 0;
	int dec = -1;
	const char *p;

	for (p = arg; *p; p++) {
		if (*p == '.' && dec < 0) {
			dec = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || dec >= 6 || v > INT64_MAX / 100)
			cli_usage_error(&info, "--fail-above: want percentage points, as 5 or 0.25 (up to six decimals), not '%s'", arg);
		v = v * 10 + (*p - '0');
		if (dec >= 0)
			dec++;
	}
	if (p == arg || (dec == 0 && p - arg == 1))
		cli_usage_error(&info, "--fail-above: want percentage points, as 5 or 0.25, not '%s'", arg);
	for (dec = dec < 0 ? 0 : dec; dec < 6; dec++)
		v *= 10;
	return v;
}

static void diff_free(struct diff *d)
{
	int i;

	for (i = 0; i < 2; i++) {
		model_free(&d->s[i].m);
		u64map_free(&d->s[i].w);
		free(d->s[i].fn);
	}
	intern_free(&d->funcs);
	intern_free(&d->stacks);
	free(d->f);
	free(d->stamp);
	free(d->sw);
	free(d->path);
	free(d->event_alloc);
	buf_free(&d->line);
	buf_free(&d->tmp);
}

/* Read both sides; 0, or 1 when one could not be read. */
static int read_sides(struct diff *d, char **paths)
{
	static const struct md_sink sink = { .want = wanted, .sample = sample, .close = span_close };
	int i, status = 0;

	for (i = 0; i < 2; i++) {
		struct side *s = &d->s[i];

		s->d = d;
		s->path = paths[i];
		model_init(&s->m, &sink, NULL);
		s->m.sink.ctx = s;
		s->m.skips.strict = d->strict;
	}
	for (i = 0; i < 2; i++) {
		struct side *s = &d->s[i];

		status |= model_read(s->path, &s->m);
		model_end(&s->m);
		if (s->other)
			fp_warn("%s: %" PRIu64 " record%s of other events not compared (choose with -e)",
				strcmp(s->path, "-") == 0 ? "<stdin>" : s->path, s->other,
				s->other == 1 ? "" : "s");
	}
	return status || d->s[0].m.bad_input || d->s[1].m.bad_input;
}

/* Both sides' E records must give the event one unit; a side without a
 * declaration (or without records of the event) has none to disagree. */
static void check_units(struct diff *d)
{
	struct slice a, b, ev = ev_str(d->event);

	if (!d->event || d->s[0].records == 0 || d->s[1].records == 0 ||
	    intern_find(&d->s[0].m.units, ev.p, ev.n) == (size_t)-1 ||
	    intern_find(&d->s[1].m.units, ev.p, ev.n) == (size_t)-1)
		return;
	a = model_unit(&d->s[0].m, ev);
	b = model_unit(&d->s[1].m, ev);
	if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0)
		fp_die("event '%s' has unit '%.*s' in %s but '%.*s' in %s: weights in different units "
		       "cannot be compared", d->event, (int)a.n, a.p, d->s[0].path, (int)b.n, b.p, d->s[1].path);
}

/* The unit for the report: a declared one, BASE's first. */
static struct slice unit_of(const struct diff *d)
{
	struct slice ev = ev_str(d->event);
	int i = intern_find(&d->s[0].m.units, ev.p, ev.n) == (size_t)-1 ? 1 : 0;

	return model_unit(&d->s[i].m, ev);
}

int cmd_eventdiff(int argc, char **argv)
{
	enum { OPT_BY = CLI_FIRST_LONG, OPT_FAIL, OPT_FOLDED, OPT_STRICT };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "count", no_argument, NULL, 'c' },
		{ "lines", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, OPT_BY },
		{ "fail-above", required_argument, NULL, OPT_FAIL },
		{ "folded", no_argument, NULL, OPT_FOLDED },
		{ "scale", no_argument, NULL, 's' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct diff d;
	int c, status, failed = 0;

	memset(&d, 0, sizeof d);
	d.lines = 20;
	cli_init(&info);
	while ((c = getopt_long(argc, argv, "ce:n:qs", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': d.event = optarg; break;
		case 'c': d.count = 1; break;
		case 'n': d.lines = cli_number(&info, "-n", optarg, 0, INT32_MAX); break;
		case OPT_BY:
			if (strcmp(optarg, "self") != 0 && strcmp(optarg, "total") != 0)
				cli_usage_error(&info, "--by: self or total, not '%s'", optarg);
			d.by_total = optarg[0] == 't';
			break;
		case OPT_FAIL: d.fail_arg = optarg; d.fail_micro = parse_pct(optarg); break;
		case OPT_FOLDED: d.folded = 1; break;
		case 's': d.scale = 1; break;
		case OPT_STRICT: d.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (argc - optind != 2)
		cli_usage_error(&info, "want two inputs, BASE and NEW (%d given)", argc - optind);
	if (d.scale && !d.folded)
		cli_usage_error(&info, "--scale goes with --folded");
	if (strcmp(argv[optind], "-") == 0 && strcmp(argv[optind + 1], "-") == 0)
		cli_usage_error(&info, "BASE and NEW cannot both be standard input");
	status = read_sides(&d, argv + optind);
	if (status == 0) {
		check_units(&d);
		size_t *order;

		tally(&d, 0);
		tally(&d, 1);
		order = sorted_functions(&d);
		if (d.folded)
			put_folded(&d);
		else
			report(&d, order);
		if (d.fail_arg)
			failed = put_failures(&d, order, d.funcs.count);
		free(order);
	}
	out_close();
	diff_free(&d);
	return status ? 1 : failed ? 3 : 0;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_eventdiff(argc, argv); }
#endif
