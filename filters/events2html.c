/* events2html - an events stream as one HTML page: FlameScope's heat map
 * and the flame graph of any range of it */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/idle.h"
#include "../common/out.h"
#include "events2html/html.h"
#include "cmds.h"

static const struct cli_info info = {
	"events2html",
	"events2html [-ciq] [-e EVENT] [-r ROWS] [--column DURATION] [--max-columns N] "
	"[--title TEXT] [--strict] [FILE ...]",
	"Write a flamepipe events stream (events(5)) as one self-contained HTML\n"
	"page: FlameScope's sub-second heat map of its samples (heatmap(1)'s\n"
	"cells) and, next to it, the flame graph of the range selected on it\n"
	"(drag, or click a start and an end cell), of all threads or one\n"
	"process or thread, with search, zoom and the timeslice(1) command that\n"
	"cuts the same range. Flame graphs are events2folded's. The data is\n"
	"aggregated per cell and stack. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -e, --event=EVENT      samples of EVENT (default: the first event seen)\n"
	"  -c, --count            flame graphs count samples instead of summing weights\n"
	"  -i, --idle             keep idle samples\n"
	"  -r, --rows=ROWS        rows per column (default 50: 20 ms each)\n"
	"      --column=DURATION  column width (default 1s; 500ms, 2s, ...)\n"
	"      --max-columns=N    refuse time spans wider than N columns (default 36000)\n"
	"      --title=TEXT       the page's title (default: the input's name)\n"
	"      --strict           stop at the first malformed record\n"
	"  -q, --quiet            no progress line on a terminal\n"
	"      --help             show this help and exit\n"
	"      --version          show the version and exit\n",
};

/* The id of x in map m (made when new: *added). */
static uint32_t id_of(struct u64map *m, uint64_t x, int *added)
{
	struct u64ent *e = u64map_add(m, x);

	*added = e->value == 0;
	if (*added) {
		if (m->count >= UINT32_MAX)
			fp_die("too many distinct cells, threads or stacks");
		e->value = (int64_t)m->count;
	}
	return (uint32_t)(e->value - 1);
}

static void sample(void *ctx, const struct md_sample *s)
{
	struct html *h = ctx;
	const struct ev_rec *r = s->rec;
	uint32_t ct, key, cell, ent;
	int64_t col;
	int b, added;

	if (!h->keep_idle && idle_sample(r->comm, r->stack)) {
		h->idle++;
		return;
	}
	hgrid_locate(&h->g, s->time, &col, &b);
	ct = id_of(&h->ct, (uint64_t)s->comm << 32 | s->thread, &added);
	if (added) {
		fp_grow(&h->ct_comm, &h->ctcap, h->nct + 1, sizeof *h->ct_comm);
		h->ct_thread = fp_realloc(h->ct_thread, h->ctcap * sizeof *h->ct_thread);
		h->ct_comm[h->nct] = s->comm;
		h->ct_thread[h->nct++] = s->thread;
	}
	key = id_of(&h->keys, (uint64_t)ct << 32 | s->stack, &added);
	if (added) {
		fp_grow(&h->key_ct, &h->keycap, h->nkeys + 1, sizeof *h->key_ct);
		h->key_node = fp_realloc(h->key_node, h->keycap * sizeof *h->key_node);
		h->key_ct[h->nkeys] = ct;
		h->key_node[h->nkeys++] = s->stack;
	}
	cell = id_of(&h->cells, (uint64_t)col << 14 | (uint64_t)b, &added);	/* rows <= 10000 */
	if (added) {
		fp_grow(&h->cell_col, &h->cellcap, h->ncells + 1, sizeof *h->cell_col);
		h->cell_col[h->ncells++] = col;
	}
	ent = id_of(&h->ents, (uint64_t)cell << 32 | key, &added);
	if (added) {
		fp_grow(&h->e, &h->ecap, h->ne + 1, sizeof *h->e);
		h->e[h->ne++] = (struct hentry){ cell, key, 0, 0 };
	}
	h->e[ent].weight = (int64_t)((uint64_t)h->e[ent].weight + (uint64_t)fagg_sample_weight(&h->a, s));
	h->e[ent].count++;
}

/* Thread records set the time axis; samples of the chosen event go on. */
static int wanted(void *ctx, const struct ev_rec *r)
{
	struct html *h = ctx;

	if (!hgrid_record(&h->g, &h->a.m, r, "sample without a time (events2html needs timed samples)"))
		return 0;
	if (r->type != 'S') {
		h->spans++;
		return 0;
	}
	return fagg_want(&h->a, r);
}

static void header(void *ctx, struct slice line)
{
	struct html *h = ctx;

	hgrid_header(&h->g, &h->a.m, line);
	if (line.n > 7 && memcmp(line.p, "#input ", 7) == 0 && !h->input)
		h->input = fp_strndup(line.p + 7, line.n - 7);
}

static int options(struct html *h, int argc, char **argv)
{
	enum { OPT_COLUMN = CLI_FIRST_LONG, OPT_MAXCOLS, OPT_TITLE, OPT_STRICT };
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "count", no_argument, NULL, 'c' },
		{ "idle", no_argument, NULL, 'i' },
		{ "rows", required_argument, NULL, 'r' },
		{ "column", required_argument, NULL, OPT_COLUMN },
		{ "max-columns", required_argument, NULL, OPT_MAXCOLS },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "ce:ir:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': h->a.event[0] = optarg; break;
		case 'c': h->a.count = 1; break;
		case 'i': h->keep_idle = 1; break;
		case 'r': h->g.rows = (int)cli_number(&info, "--rows", optarg, 1, HGRID_MAX_ROWS); break;
		case OPT_COLUMN:
			if (hgrid_column(optarg, &h->g.width) < 0)
				cli_usage_error(&info, HGRID_COLUMN_ERROR, optarg);
			break;
		case OPT_MAXCOLS:
			h->g.max_cols = cli_number(&info, "--max-columns", optarg, 1, 100000000);
			break;
		case OPT_TITLE: h->title = optarg; break;
		case OPT_STRICT: h->a.m.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	return optind;
}

/* model_read(), keeping the inputs read for the page's command */
static int read_input(const char *path, void *ctx)
{
	struct html *h = ctx;
	int st = model_read(path, &h->a.m);

	if (st == 0)
		h->files[h->nfiles++] = (char *)path;
	return st;
}

static void html_free(struct html *h)
{
	fagg_free(&h->a);
	u64map_free(&h->ct);
	u64map_free(&h->keys);
	u64map_free(&h->cells);
	u64map_free(&h->ents);
	free(h->ct_comm);
	free(h->ct_thread);
	free(h->key_ct);
	free(h->key_node);
	free(h->cell_col);
	free(h->e);
	free(h->input);
	free(h->files);
}

int cmd_events2html(int argc, char **argv)
{
	static const struct md_sink sink = { .want = wanted, .header = header, .sample = sample };
	struct md_sink s = sink;
	struct html *h = fp_calloc(1, sizeof *h);
	int status, first;

	cli_init(&info);
	s.ctx = h;
	fagg_init(&h->a, &s, NULL);
	h->g = (struct hgrid){ .rows = 50, .width = 1000000000LL, .max_cols = 36000 };
	first = options(h, argc, argv);
	h->files = fp_calloc((size_t)(argc - first) + 1, sizeof *h->files);
	status = cli_each_input(argc - first, argv + first, read_input, h);
	model_end(&h->a.m);
	if (!h->a.m.bad_input) {	/* a wrong input: no page, not an empty one */
		html_write(h);
		fagg_report_other(&h->a, "drew");
		if (h->spans)
			fp_warn("%" PRIu64 " span and instant records left out (the heat map is of "
				"samples; events2svg --chart draws spans)", h->spans);
	}
	out_close();
	html_free(h);
	free(h);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_events2html(argc, argv); }
#endif
