/* eventreduce - apply the rules of a YAML file to every record of an events stream
 *
 * Options, the rule file, the inputs and the end; the parts (the record,
 * matching, the rules, the bucket, the accounting): eventreduce/reduce.h.
 * Design: docs/reduce.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/evscan.h"
#include "../common/out.h"
#include "../common/rules.h"
#include "cmds.h"
#include "eventreduce/reduce.h"

static const struct cli_info info = {
	"eventreduce",
	"eventreduce [-qz] -c RULES [--check] [--stats] [--level=N] [--strict] [FILE ...]",
	"Apply the ordered rules of the YAML file RULES to every record of a\n"
	"flamepipe events stream (events(5)): keep/drop, idle, rename, strip,\n"
	"hide, focus, ignore, prune, depth, recursion, threads, bucket. Headers,\n"
	"T, P, E and unknown records pass through. At the end, each rule's\n"
	"dropped and changed records and weights go to stderr, with the check\n"
	"in = out + dropped. FILE - or no FILE reads stdin. See docs/reduce.md.\n"
	"\n"
	"  -c, --rules=RULES  the rule file (YAML, docs/reduce.md)\n"
	"      --check        validate RULES and exit without reading data\n"
	"      --stats        also write the figures as #reduce-* headers at the end\n"
	"  -q, --quiet        no figures on stderr (errors and skips still)\n"
	"  -z, --zstd         compress the output with zstd\n"
	"      --level=N      zstd level, 1 to 19 (default 3)\n"
	"      --strict       stop at the first malformed record\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

/* Options into rd; returns optind. */
static int options(struct red *rd, int argc, char **argv)
{
	enum { OPT_CHECK = CLI_FIRST_LONG, OPT_STATS, OPT_LEVEL, OPT_STRICT };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "zstd", no_argument, NULL, 'z' },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:qz", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': rd->rules_path = optarg; break;
		case OPT_CHECK: rd->check = 1; break;
		case OPT_STATS: rd->stats = 1; break;
		case 'q': rd->quiet = 1; break;
		case 'z': rd->zstd = 1; break;
		case OPT_LEVEL: rd->level = (int)cli_number(&info, "--level", optarg, 1, 19); break;
		case OPT_STRICT: rd->skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (!rd->rules_path)
		cli_usage_error(&info, "-c RULES is required");
	return optind;
}

/* The rule file, whole, into text. With stdio rather than input.h: a rule
 * file is a small plain file (or "-"), and the first read(2) of a run is
 * then the first input's, which the fault tests make fail (faults.sh
 * inject-read-eio: the message must name the input). */
static void read_rules(const char *path, struct buf *text)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t n;

	if (!f)
		fp_die("%s: %s", path, strerror(errno));
	do {
		buf_reserve(text, 4096);
		n = fread(text->p + text->len, 1, text->cap - text->len, f);
		text->len += n;
	} while (n > 0);
	if (ferror(f))
		fp_die("%s: %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
}

static void load_rules(struct red *rd)
{
	struct buf text = { 0 }, err = { 0 };

	read_rules(rd->rules_path, &text);
	if (rules_parse(&rd->rules, rd->rules_path, text.p ? text.p : "", text.len, &err) < 0)
		fp_die("%.*s", (int)err.len, err.p);
	buf_free(&text);
	buf_free(&err);
}

/* Counters, the bucket rule, the caches, the #filter header. */
static void setup(struct red *rd)
{
	const char *s;
	size_t i;

	acct_init(&rd->a, rd->rules.n);
	for (i = 0; i < rd->rules.n; i++)
		if (rd->rules.r[i].kind == R_BUCKET)
			rd->b.rule = &rd->rules.r[i];
	rd->b.gen = rd->b.batch = 1;
	runs_init(rd);
	buf_adds(&rd->filter, "#filter eventreduce ");
	for (s = rd->rules_path; *s; s++)
		buf_addc(&rd->filter, (unsigned char)*s < 0x20 ? '?' : *s);
	buf_addc(&rd->filter, '\n');
}

static void red_free(struct red *rd)
{
	size_t i;

	runs_free(rd);
	for (i = 0; i < rd->rules.n; i++) {
		struct rule *ru = &rd->rules.r[i];

		memo_free(&ru->re);
		memo_free(&ru->m.comm);
		memo_free(&ru->m.event);
		memo_free(&ru->m.frame);
		memo_free(&ru->m.leaf);
		memo_free(&ru->m.root);
	}
	rules_free(&rd->rules);
	acct_free(&rd->a);
	bucket_free(&rd->b);
	rec_free(&rd->c);
	buf_free(&rd->filter);
}

static void header(struct red *rd, const struct ev_rec *r)
{
	if (rd->b.rule)
		order_header(&rd->b.order, r->line.p, r->line.n);
	put_line(r->line.p, r->line.n);
	if (!rd->magic_done) {
		rd->magic_done = 1;
		out_write(rd->filter.p, rd->filter.len);
	}
}

static int reduce_input(const char *path, void *ctx)
{
	struct red *rd = ctx;
	struct ev_reader evr;
	struct ev_rec r;
	int k;

	if (ev_reader_open(&evr, path, &rd->skips) < 0)
		return 1;
	while ((k = evscan_next(&evr, &r)) != EV_EOF && k != EV_ERROR) {
		if (k == EV_HEADER) {
			header(rd, &r);
		} else if (r.type == 'S' || r.type == 'O' || r.type == 'C' || r.type == 'I') {
			thread_record(rd, &r, evr.in.name, evr.in.lineno);
		} else if (r.type == 'D' && rd->b.rule) {
			fp_die("%s:%" PRIu64 ": %s", evr.in.name, evr.in.lineno, order_unnested);
		} else if (r.type == 'T') {
			t_record(rd, &r);
		} else {
			put_line(r.line.p, r.line.n);
		}
	}
	ev_reader_close(&evr);
	return k == EV_ERROR;
}

int cmd_eventreduce(int argc, char **argv)
{
	struct red *rd = fp_calloc(1, sizeof *rd);
	int first, status = 0;

	cli_init(&info);
	rd->level = 3;
	scratch_reset(&rd->c);
	first = options(rd, argc, argv);
	load_rules(rd);
	if (rd->check) {
		if (!rd->quiet)
			fprintf(stderr, "eventreduce: %s: %zu rules, valid\n", rd->rules_path, rd->rules.n);
	} else {
		setup(rd);
		if (rd->zstd)
			out_zstd(rd->level);
		status = cli_each_input(argc - first, argv + first, reduce_input, rd);
		if (rd->b.rule && rd->b.have_window)
			bucket_flush(rd);
		report(&rd->a, &rd->rules, rd->rules_path, rd->quiet, rd->stats);
		out_close();
	}
	red_free(rd);
	free(rd);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_eventreduce(argc, argv); }
#endif
