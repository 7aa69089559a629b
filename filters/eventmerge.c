/* eventmerge - merge time-sorted events streams into one (docs/eventmerge.md) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/intern.h"
#include "../common/order.h"
#include "../common/out.h"
#include "../common/timespec.h"
#include "cmds.h"

static const struct cli_info info = {
	"eventmerge",
	"eventmerge [-anq] [-o FILE=SECONDS] [--align-to=TIME] [--strict] [FILE ...]",
	"Merge flamepipe events streams (events(5)), each sorted by time, into one\n"
	"stream sorted by time, one record buffered per input. Each input's order\n"
	"is checked: an unsorted input stops the merge (sort it with eventsort).\n"
	"FILE - (once) or no FILE reads stdin.\n"
	"\n"
	"  -o, --offset=FILE=SECONDS  add SECONDS (exact; s, ms, us, ns) to the times\n"
	"                     of input FILE (the operand as given); may be repeated\n"
	"  -a, --align        shift each input so its #start is the first input's\n"
	"      --align-to=TIME  shift each input so its #start is TIME\n"
	"  -n, --namespace-pids  pid P of the N-th input becomes N:P\n"
	"      --strict       stop at the first malformed record\n"
	"  -q, --quiet        no progress line on a terminal\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

#define FD_SPARE 16	/* descriptors kept for stdio, the decoder, the shell */

/* One input: its reader and its head record. */
struct cursor {
	struct ev_reader rd;
	struct skips skips;
	const char *arg;	/* the operand as given */
	unsigned pos;		/* 1-based position among the operands */
	int64_t offset;
	int64_t start, end;	/* #start, #end of its head (EV_NONE: none) */
	char *clock;		/* #clock of its head, or NULL */
	struct ev_rec rec;	/* the head record; rec.line is valid until the next read */
	int header;		/* the head is a header line */
	int64_t time;		/* the head record's time (EV_NONE: untimed, a header) */
	int ordered;		/* the head is an S O C I T P record with a time */
	int64_t last;		/* its previous timed record's time (EV_NONE: none yet) */
	int64_t key;		/* merge key: time after the offset */
	int cls, depth;		/* ties: C (0, deeper first), O (1, shallower first), rest (2) */
	int done, failed;	/* failed: not read to its end */
	int open;		/* opened, and its head was an events stream's */
};

struct merge {
	struct cursor *c;
	size_t n;
	struct cursor **heap;
	size_t nheap;
	struct intern headers;	/* distinct header lines written or to write */
	struct intern units;	/* event -> aux: cursor index + 1, key of unit in names */
	struct intern names;	/* units' text */
	int namespace_pids, align;
	int64_t align_to;	/* EV_NONE: not given */
	int skips_strict;	/* --strict */
	const char **offsets;	/* the -o arguments */
	size_t noffsets;
	int status;
};

/* ---- options ---- */

/* "FILE=SECONDS" (the last '=' splits) -> the cursor named FILE. */
static void add_offset(struct merge *g, const char *arg)
{
	const char *eq = strrchr(arg, '=');
	int64_t ns;
	size_t i, hit = 0;

	if (!eq || eq == arg || timespec_parse(eq + 1, &ns) < 0)
		cli_usage_error(&info, "-o: want FILE=SECONDS (exact, as 1.5, -250ms), not '%s'", arg);
	for (i = 0; i < g->n; i++) {
		struct cursor *c = &g->c[i];

		if (strlen(c->arg) == (size_t)(eq - arg) && memcmp(c->arg, arg, (size_t)(eq - arg)) == 0) {
			if (c->offset > 0 ? ns > INT64_MAX - c->offset : ns < INT64_MIN + 1 - c->offset)
				cli_usage_error(&info, "-o %s: the offsets of this input overflow", arg);
			c->offset += ns;
			hit = 1;
		}
	}
	if (!hit)
		cli_usage_error(&info, "-o %s: no input is named '%.*s'", arg, (int)(eq - arg), arg);
}

/* Every input is open at once: raise the soft limit on open files to what
 * k inputs need, up to the hard limit; beyond it, stop with a message. */
static void fd_limit(size_t k)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)k + FD_SPARE;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
		fp_die("%zu inputs need %llu open files, but the limit is %llu (hard limit; ulimit -n): "
		       "merge them in groups of at most %llu, then merge the results",
		       k, (unsigned long long)need, (unsigned long long)rl.rlim_max,
		       (unsigned long long)(rl.rlim_max > FD_SPARE ? rl.rlim_max - FD_SPARE : 1));
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		fp_die("cannot raise the limit on open files to %llu for %zu inputs:",
		       (unsigned long long)need, k);
}

/* ---- reading ---- */

/* The time of a record of unknown type: its second field, when it is one. */
static int64_t unknown_time(const struct ev_rec *r)
{
	const char *p = memchr(r->line.p, '\t', r->line.n), *e;
	int64_t t;

	if (!p)
		return EV_NONE;
	p++;
	e = memchr(p, '\t', (size_t)(r->line.p + r->line.n - p));
	if (!e)
		e = r->line.p + r->line.n;
	if (ev_absent((struct slice){ p, (size_t)(e - p) }) || ev_parse_time(p, (size_t)(e - p), &t) < 0)
		return EV_NONE;
	return t;
}

static int stack_depth(struct slice s)
{
	int d = s.n > 0;
	size_t i;

	for (i = 0; i < s.n; i++)
		d += s.p[i] == ';';
	return d;
}

/* Is type t one of set? (strchr alone would find a NUL type.) */
static int type_in(const char *set, char t)
{
	return t != '\0' && strchr(set, t) != NULL;
}

/* The types whose time ev_parse() reads (L is parsed here, as unknown). */
static int known_type(char t)
{
	return type_in("SOCITPE", t);
}

static const char *cname(const struct cursor *c)
{
	return strcmp(c->arg, "-") == 0 ? "<stdin>" : c->arg;
}

/* t + offset, or an error when it overflows int64 (INT64_MIN is kept
 * for "before every time"). */
static int64_t shifted(const struct cursor *c, int64_t t)
{
	if (c->offset > 0 ? t > INT64_MAX - c->offset : t < INT64_MIN + 1 - c->offset)
		fp_die("%s: time %" PRId64 " ns plus the offset %" PRId64 " ns overflows", cname(c), t, c->offset);
	return t + c->offset;
}

/* The merge key of c's head: its time after the offset; untimed records
 * and headers take their input's previous time (before all: INT64_MIN). */
static void set_key(struct cursor *c)
{
	int64_t t = c->ordered ? c->time : c->last;

	c->key = t == EV_NONE ? INT64_MIN : shifted(c, t);
}

/* Advance c to its next record or header; set its merge key. */
static void cursor_next(struct merge *g, struct cursor *c)
{
	int k = ev_reader_next(&c->rd, &c->rec);
	int64_t t;

	if (k == EV_EOF || k == EV_ERROR) {
		if (k == EV_ERROR)
			g->status = 1;
		c->done = 1;
		c->failed = k == EV_ERROR;
		ev_reader_close(&c->rd);
		return;
	}
	c->header = k == EV_HEADER;
	c->cls = 2;
	c->depth = 0;
	t = c->header ? EV_NONE : known_type(c->rec.type) ? c->rec.time : unknown_time(&c->rec);
	c->time = t;
	c->ordered = t != EV_NONE && !c->header && type_in("SOCITP", c->rec.type);
	if (!c->header && c->rec.type == 'D')
		fp_die("%s:%" PRIu64 ": %s", cname(c), c->rd.in.lineno, order_unnested);
	if (!c->ordered) {	/* untimed, L, unknown types: their place in the input */
		set_key(c);
		return;
	}
	if (c->last != EV_NONE && t < c->last) {
		char a[32], b[32];

		timespec_format(a, t);
		timespec_format(b, c->last);
		fp_die("%s:%" PRIu64 ": time %s is earlier than %s before it in this input: "
		       "eventmerge needs inputs sorted by time; pipe it through eventsort first",
		       cname(c), c->rd.in.lineno, a, b);
	}
	c->last = t;
	set_key(c);
	if (c->rec.type == 'C' || c->rec.type == 'O') {
		c->cls = c->rec.type == 'C' ? 0 : 1;
		c->depth = stack_depth(c->rec.stack);
	}
}

/* A header value after "#KEY ": 1 and *v set when line is that header. */
static int header_is(struct slice line, const char *key, struct slice *v)
{
	size_t n = strlen(key);

	if (line.n < n || memcmp(line.p, key, n) != 0)
		return 0;
	if (line.n == n) {
		*v = (struct slice){ line.p + n, 0 };
		return 1;
	}
	if (line.p[n] != ' ')
		return 0;
	*v = (struct slice){ line.p + n + 1, line.n - n - 1 };
	return 1;
}

/* The headers before c's first record: the ones the merge computes are
 * kept apart (#start #end #clock), the rest go into g->headers once. */
static void read_head(struct merge *g, struct cursor *c)
{
	struct slice v;

	c->start = c->end = c->last = EV_NONE;
	for (cursor_next(g, c); !c->done && c->header; cursor_next(g, c)) {
		struct slice l = c->rec.line;

		if (l.n == strlen(EV_MAGIC) && memcmp(l.p, EV_MAGIC, l.n) == 0)
			continue;
		if (header_is(l, "#order", &v)) {
			if (v.n == 8 && memcmp(v.p, "unsorted", 8) == 0)
				fp_die("%s:%" PRIu64 ": the input is marked '#order unsorted': "
				       "pipe it through eventsort first", cname(c), c->rd.in.lineno);
		} else if (header_is(l, "#start", &v)) {
			if (ev_parse_time(v.p, v.n, &c->start) < 0)
				c->start = EV_NONE;
		} else if (header_is(l, "#end", &v)) {
			if (ev_parse_time(v.p, v.n, &c->end) < 0)
				c->end = EV_NONE;
		} else if (header_is(l, "#clock", &v)) {
			if (!c->clock)
				c->clock = fp_strndup(v.p, v.n);
		} else {
			intern_add(&g->headers, l.p, l.n);
		}
	}
}

/* ---- the heap: the cursor with the smallest (key, cls, depth, pos) on top ---- */

static int before(const struct cursor *a, const struct cursor *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (a->cls != b->cls)
		return a->cls < b->cls;
	if (a->depth != b->depth)
		return a->cls == 0 ? a->depth > b->depth : a->depth < b->depth;
	return a->pos < b->pos;
}

static void sift_down(struct merge *g, size_t i)
{
	struct cursor **h = g->heap;
	size_t n = g->nheap;

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct cursor *t;

		if (l < n && before(h[l], h[m]))
			m = l;
		if (l + 1 < n && before(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* ---- writing ---- */

/* An E record: the first unit of an event is written, equal ones are
 * dropped, another unit is an error. 1 when the record is to be written. */
static int unit_first(struct merge *g, struct cursor *c)
{
	const struct ev_rec *r = &c->rec;
	int added;
	size_t i = intern_get(&g->units, r->event.p, r->event.n, &added);
	size_t u = intern_get(&g->names, r->name.p, r->name.n, &added);
	struct ient *e = &g->units.ents[i];

	if (e->value == 0) {
		e->value = (int64_t)(c - g->c) + 1;
		e->aux = (int64_t)u;
		return 1;
	}
	if ((size_t)e->aux == u)
		return 0;
	fp_die("%s:%" PRIu64 ": event '%.*s' has unit '%.*s' here but '%.*s' in %s: "
	       "weights in different units cannot be merged", cname(c), c->rd.in.lineno,
	       (int)r->event.n, r->event.p, (int)r->name.n, r->name.p,
	       (int)g->names.ents[e->aux].len, g->names.ents[e->aux].key,
	       cname(&g->c[e->value - 1]));
}

/* A header after the first record: once, and not the ones that describe
 * a part of a stream. */
static void put_late_header(struct merge *g, struct slice l)
{
	struct slice v;
	int added;

	if (l.n > 17 && memcmp(l.p, "#flamepipe-events", 17) == 0)
		return;
	if (header_is(l, "#order", &v) || header_is(l, "#start", &v) || header_is(l, "#end", &v) ||
	    header_is(l, "#clock", &v))
		return;
	intern_get(&g->headers, l.p, l.n, &added);
	if (!added)
		return;
	out_write(l.p, l.n);
	out_putc('\n');
}

/* The head record of c, with its offset and pid namespace. */
static void put_record(struct merge *g, struct cursor *c)
{
	const struct ev_rec *r = &c->rec;
	const char *p = r->line.p, *e = p + r->line.n, *t1, *t2;
	int ns = g->namespace_pids && type_in("SOCITP", r->type);

	if (r->type == 'E' && !unit_first(g, c))
		return;
	if ((c->offset == 0 || c->time == EV_NONE) && !ns) {
		out_write(p, r->line.n);
		out_putc('\n');
		return;
	}
	t1 = memchr(p, '\t', r->line.n);
	if (!t1) {	/* a lone type letter (unknown type) */
		out_write(p, r->line.n);
		out_putc('\n');
		return;
	}
	t2 = memchr(t1 + 1, '\t', (size_t)(e - t1 - 1));
	if (!t2)
		t2 = e;
	out_write(p, (size_t)(t1 + 1 - p));
	if (c->offset != 0 && c->time != EV_NONE)
		ev_put_time(shifted(c, c->time));
	else
		out_write(t1 + 1, (size_t)(t2 - t1 - 1));
	if (t2 < e) {
		out_putc('\t');
		if (ns) {
			out_i64(c->pos);
			out_putc(':');
		}
		out_write(t2 + 1, (size_t)(e - t2 - 1));
	}
	out_putc('\n');
}

/* ---- the output's head ---- */

static void put_name_header(const char *key, const char *value, const char *name)
{
	out_puts(key);
	if (value) {
		out_putc(' ');
		out_puts(value);
	}
	out_putc(' ');
	ev_put_escaped(name, strlen(name));
	out_putc('\n');
}

/* #clock: the common one; inputs with different clocks are comparable only
 * once offsets put them on one timeline (then: the first input's). */
static void put_clock(struct merge *g, int shifted_any)
{
	const char *first = NULL;
	int differ = 0;
	size_t i;

	for (i = 0; i < g->n; i++) {
		const char *k = g->c[i].open ? g->c[i].clock : NULL;

		if (!k)
			continue;
		if (!first)
			first = k;
		else if (strcmp(first, k) != 0)
			differ = 1;
	}
	if (differ && !shifted_any) {
		fp_warn("inputs have different clocks (%s, ...): their times are not comparable; "
			"put them on one timeline with --offset or --align", first);
		return;
	}
	if (first)
		ev_put_header("clock", ev_str(first));
}

/* #start (the smallest) and #end (the largest), when every input has one. */
static void put_bounds(struct merge *g)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int all_start = 1, all_end = 1, any = 0;
	size_t i;

	for (i = 0; i < g->n; i++) {
		const struct cursor *c = &g->c[i];

		if (!c->open)
			continue;
		any = 1;
		if (c->start == EV_NONE)
			all_start = 0;
		else if (shifted(c, c->start) < lo)
			lo = shifted(c, c->start);
		if (c->end == EV_NONE)
			all_end = 0;
		else if (shifted(c, c->end) > hi)
			hi = shifted(c, c->end);
	}
	if (any && all_start)
		ev_put_header_time("start", lo);
	if (any && all_end)
		ev_put_header_time("end", hi);
}

static void put_head(struct merge *g)
{
	char sec[32];
	int shifted_any = g->align || g->align_to != EV_NONE || g->noffsets > 0;
	size_t i;

	ev_put_magic();
	out_puts("#order sorted\n");
	put_clock(g, shifted_any);
	put_bounds(g);
	for (i = 0; i < g->n; i++) {
		const struct cursor *c = &g->c[i];

		if (!c->open)
			continue;
		ev_put_input(cname(c));
		if (c->offset != 0) {
			timespec_format(sec, c->offset);
			put_name_header("#offset", sec, cname(c));
		}
		if (g->namespace_pids) {
			snprintf(sec, sizeof sec, "%u", c->pos);
			put_name_header("#pid-namespace", sec, cname(c));
		}
	}
	for (i = 0; i < g->headers.count; i++) {
		out_write(g->headers.ents[i].key, g->headers.ents[i].len);
		out_putc('\n');
	}
}

/* --align, --align-to: each input's #start onto the reference. */
static void align(struct merge *g)
{
	int64_t ref = g->align_to;
	size_t i;

	for (i = 0; i < g->n; i++) {
		struct cursor *c = &g->c[i];

		if (!c->open)
			continue;
		if (c->start == EV_NONE)
			fp_die("%s: no #start header: --align%s needs one in every input "
			       "(or give its offset with -o)", cname(c), g->align ? "" : "-to");
		if (ref == EV_NONE)
			ref = c->start;	/* --align: the first input's */
		if ((ref - c->start > 0 && c->offset > INT64_MAX - (ref - c->start)) ||
		    (ref - c->start < 0 && c->offset < INT64_MIN + 1 - (ref - c->start)))
			fp_die("%s: the offset overflows", cname(c));
		c->offset += ref - c->start;
	}
}

/* ---- the merge ---- */

static void open_all(struct merge *g)
{
	size_t i;

	fd_limit(g->n);
	for (i = 0; i < g->n; i++) {
		struct cursor *c = &g->c[i];

		c->skips.strict = g->skips_strict;
		if (ev_reader_open(&c->rd, c->arg, &c->skips) < 0) {
			g->status = 1;
			c->done = c->failed = 1;
			continue;
		}
		read_head(g, c);
		c->open = !c->failed;
	}
}

static void merge(struct merge *g)
{
	size_t i;

	g->heap = fp_calloc(g->n ? g->n : 1, sizeof *g->heap);
	for (i = 0; i < g->n; i++) {
		if (g->c[i].open && !g->c[i].done) {
			set_key(&g->c[i]);
			g->heap[g->nheap++] = &g->c[i];
		}
	}
	for (i = g->nheap / 2; i-- > 0;)
		sift_down(g, i);
	while (g->nheap > 0) {
		struct cursor *c = g->heap[0];

		if (c->header)
			put_late_header(g, c->rec.line);
		else
			put_record(g, c);
		cursor_next(g, c);
		if (c->done)
			g->heap[0] = g->heap[--g->nheap];
		sift_down(g, 0);
	}
}

static void merge_free(struct merge *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (!g->c[i].done && !g->c[i].failed)
			ev_reader_close(&g->c[i].rd);
		free(g->c[i].clock);
	}
	free(g->c);
	free(g->heap);
	free(g->offsets);
	intern_free(&g->headers);
	intern_free(&g->units);
	intern_free(&g->names);
}

/* The operands become cursors ("-" when there are none; once at most). */
static void make_cursors(struct merge *g, int argc, char **argv)
{
	static char *dash[] = { "-" };
	int i, stdin_seen = 0;

	if (argc == 0) {
		argc = 1;
		argv = dash;
	}
	g->c = fp_calloc((size_t)argc, sizeof *g->c);
	g->n = (size_t)argc;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0 && stdin_seen++)
			cli_usage_error(&info, "standard input (-) can be merged once only");
		g->c[i].arg = argv[i];
		g->c[i].pos = (unsigned)i + 1;
	}
	for (i = 0; i < (int)g->noffsets; i++)
		add_offset(g, g->offsets[i]);
}

int cmd_eventmerge(int argc, char **argv)
{
	enum { OPT_ALIGN_TO = CLI_FIRST_LONG, OPT_STRICT };
	static const struct option longopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "align", no_argument, NULL, 'a' },
		{ "align-to", required_argument, NULL, OPT_ALIGN_TO },
		{ "namespace-pids", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct merge g;
	int c;

	memset(&g, 0, sizeof g);
	g.align_to = EV_NONE;
	cli_init(&info);
	g.offsets = fp_calloc((size_t)argc + 1, sizeof *g.offsets);
	while ((c = getopt_long(argc, argv, "ano:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': g.offsets[g.noffsets++] = optarg; break;
		case 'a': g.align = 1; break;
		case OPT_ALIGN_TO:
			if (timespec_parse(optarg, &g.align_to) < 0 || g.align_to == EV_NONE)
				cli_usage_error(&info, "--align-to: not an exact time: '%s'", optarg);
			break;
		case 'n': g.namespace_pids = 1; break;
		case OPT_STRICT: g.skips_strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (g.align && g.align_to != EV_NONE)
		cli_usage_error(&info, "--align and --align-to exclude each other");
	make_cursors(&g, argc - optind, argv + optind);
	open_all(&g);
	if (g.align || g.align_to != EV_NONE)
		align(&g);
	put_head(&g);
	merge(&g);
	out_close();
	merge_free(&g);
	return g.status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_eventmerge(argc, argv); }
#endif
