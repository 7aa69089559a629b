/* toevents - recognise any profile by its content and convert it to events
 *
 * Each input is opened once to detect its kind (common/sniff.h, the same
 * table every filter's wrong-kind check uses), then given to its
 * converter, run in-process (cmd_NAME, filters/cmds.h). docs/toevents.md.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/out.h"
#include "../common/progress.h"
#include "../common/sniff.h"
#include "cmds.h"

static const struct cli_info info = {
	"toevents",
	"toevents [-q] [--detect] [--strict] [-O CONVERTER:ARG]... [FILE ...]",
	"Recognise each FILE (or stdin; gzip or zstd too) by its content - perf script\n"
	"text, perf.data, Trace Event JSON, .cpuprofile, OTLP spans, Ferret's SQLite\n"
	"store, callgrind, folded stacks, DTrace/bpftrace stacks, speedscope, pprof,\n"
	"nflxprofile, flamepipe events - and convert it with the right converter.\n"
	"The output is one events stream. See docs/toevents.md.\n"
	"\n"
	"      --detect                  print what each input is and why; convert nothing\n"
	"  -O, --option CONVERTER:ARG    give ARG to CONVERTER when it runs (repeatable)\n"
	"      --strict                  give --strict to every converter\n"
	"  -q, --quiet                   no progress line on a terminal\n"
	"      --help                    show this help and exit\n"
	"      --version                 show the version and exit\n",
};

typedef int (*cmd_fn)(int, char **);

/* Who converts what. cmd NULL: a separate program. seek: the converter
 * needs an uncompressed input (1: perf2events copies a pipe for perf
 * script -i itself) and a file it can seek (2: SQLite). */
static const struct conv {
	enum sniff_kind kind;
	const char *name;
	cmd_fn cmd;
	int seek;
} convs[] = {
	{ SNIFF_PERF_SCRIPT, "perf2events", cmd_perf2events, 0 },
	{ SNIFF_PERF_DATA, "perf2events", cmd_perf2events, 1 },
	{ SNIFF_TRACE_EVENT, "trace2events", cmd_trace2events, 0 },
	{ SNIFF_CPUPROFILE, "cpuprofile2events", cmd_cpuprofile2events, 0 },
	{ SNIFF_OTLP, "spans2events", cmd_spans2events, 0 },
	{ SNIFF_SQLITE, "spans2events", cmd_spans2events, 2 },
	{ SNIFF_CALLGRIND, "callgrind2events", cmd_callgrind2events, 0 },
	{ SNIFF_FOLDED, "folded2events", cmd_folded2events, 0 },
	{ SNIFF_STACKS, "stacks2events", cmd_stacks2events, 0 },
	{ SNIFF_SPEEDSCOPE, "speedscope2events", cmd_speedscope2events, 0 },
	{ SNIFF_PPROF, "pprof2events", cmd_pprof2events, 0 },
	{ SNIFF_NFLXPROFILE, "nflxprofile2events", cmd_nflxprofile2events, 0 },
};
#define NCONVS (sizeof convs / sizeof convs[0])

struct tv {
	int detect, strict, quiet;
	char **opt;		/* -O CONVERTER:ARG, as given */
	size_t nopt, optcap;
	int out_fd;		/* a copy of stdout: converters close theirs */
};

static char *tmp_path;	/* a temporary copy (spill), removed at exit */

static void remove_tmp(void)
{
	if (tmp_path) {
		unlink(tmp_path);
		free(tmp_path);
		tmp_path = NULL;
	}
}

static const struct conv *conv_of(enum sniff_kind k)
{
	size_t i;

	for (i = 0; i < NCONVS; i++)
		if (convs[i].kind == k)
			return &convs[i];
	return NULL;
}

static const char *codec_name(const struct input *in)
{
	return in->codec == INPUT_GZIP ? ", gzip" : in->codec == INPUT_ZSTD ? ", zstd" : "";
}

/* The argument vector of a converter: its options, then "--" and path. */
static char **conv_argv(const struct tv *tv, const struct conv *c, const char *path, int *argc)
{
	char **argv = fp_malloc((tv->nopt + 6) * sizeof *argv);
	size_t i, n = strlen(c->name);
	int k = 0;

	argv[k++] = (char *)c->name;
	if (tv->quiet)
		argv[k++] = "-q";
	if (tv->strict)
		argv[k++] = "--strict";
	for (i = 0; i < tv->nopt; i++)
		if (strncmp(tv->opt[i], c->name, n) == 0 && tv->opt[i][n] == ':')
			argv[k++] = tv->opt[i] + n + 1;
	argv[k++] = "--";
	argv[k++] = (char *)path;
	argv[k] = NULL;
	*argc = k;
	return argv;
}

/* Run an in-process converter on path; stdout is restored after it. */
static int run_cmd(struct tv *tv, const struct conv *c, const char *path)
{
	int argc, status;
	char **argv = conv_argv(tv, c, path, &argc);

	out_flush();	/* whole records only: nothing of ours can be dropped */
	optind = 0;	/* glibc: getopt starts afresh */
	status = c->cmd(argc, argv);
	free(argv);
	if (dup2(tv->out_fd, STDOUT_FILENO) < 0)
		fp_die("stdout:");
	cli_init(&info);
	progress_quiet = tv->quiet;
	return status;
}


/* A decoded copy of the input in a temporary file (converters that
 * seek); its path, or NULL (reported). */
static const char *spill(struct input *in)
{
	const char *dir = getenv("TMPDIR"), *p;
	size_t n;
	int fd, r = 0, w = 0;

	if (!dir || !*dir)
		dir = "/tmp";
	remove_tmp();
	tmp_path = fp_malloc(strlen(dir) + 32);
	sprintf(tmp_path, "%s/toevents.XXXXXX", dir);
	fd = mkstemp(tmp_path);
	if (fd < 0) {
		fp_warn("%s: cannot create a temporary copy in %s:", in->name, dir);
		free(tmp_path);
		tmp_path = NULL;
		return NULL;
	}
	in->keep = NULL;
	while (w == 0 && (r = input_block(in, &p, &n)) > 0)
		w = fd_write_all(fd, p, n);
	if (w < 0 || close(fd) < 0) {
		fp_warn("%s: copying it to %s:", in->name, tmp_path);
		return NULL;
	}
	return r < 0 ? NULL : tmp_path;
}

/* Flamepipe events: through unchanged, ending in a newline. */
static int pass_through(struct input *in)
{
	const char *p;
	size_t n;
	int r, last = '\n';

	while ((r = input_block(in, &p, &n)) > 0) {
		out_write(p, n);
		if (n)
			last = p[n - 1];
	}
	if (last != '\n')
		out_putc('\n');
	return r < 0;
}

static void unknown(const char *name, enum sniff_kind k)
{
	struct buf b = { 0 };
	size_t i;

	buf_adds(&b, sniff_name(SNIFF_EVENTS));
	for (i = 0; i < NCONVS; i++) {
		buf_adds(&b, i + 1 < NCONVS ? ", " : " or ");
		buf_adds(&b, sniff_name(convs[i].kind));
	}
	buf_addc(&b, '\0');
	if (k == SNIFF_ELF)
		fp_warn("%s: this looks like %s", name, sniff_name(k));
	else
		fp_warn("%s: not a profile toevents knows (%s); it looked for %s "
			"('toevents --detect' says what it saw)", name, sniff_name(k), b.p);
	buf_free(&b);
}

static int detect_line(struct input *in, enum sniff_kind k, const char *why)
{
	const struct conv *c = conv_of(k);
	const char *to = c ? c->name : k == SNIFF_EVENTS ? "pass-through" : "none";

	out_puts(in->name);
	out_puts(": ");
	out_puts(sniff_name(k));
	out_puts(codec_name(in));
	out_puts(" -> ");
	out_puts(to);
	out_puts(": ");
	out_puts(why);
	out_putc('\n');
	return !c && k != SNIFF_EVENTS && k != SNIFF_EMPTY;
}

/* Give an open input to its converter. */
static int convert(struct tv *tv, const struct conv *c, struct input *in, const char *path,
		   struct buf *raw)
{
	struct stat st;
	int seekable = strcmp(path, "-") != 0 && fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode);
	const char *tmp;
	int r;

	if ((c->seek && in->codec != INPUT_PLAIN) || (c->seek > 1 && !seekable)) {
		tmp = spill(in);
		input_close(in);
		r = tmp ? run_cmd(tv, c, tmp) : 1;
		remove_tmp();
		return r;
	}
	if (seekable) {
		input_close(in);
		return run_cmd(tv, c, path);
	}
	input_handover(in, path, raw);
	input_close(in);
	r = run_cmd(tv, c, path);
	input_handover_end();
	return r;
}

static int one_input(const char *path, void *ctx)
{
	struct tv *tv = ctx;
	struct buf raw = { 0 };
	struct input in;
	const struct conv *c;
	const char *p;
	char why[512];
	size_t n;
	enum sniff_kind k;
	int r;

	if (input_open_keep(&in, path, &raw) < 0) {
		buf_free(&raw);
		return 1;
	}
	if (input_peek(&in, &p, &n) < 0) {
		r = 1;
		goto done;
	}
	k = sniff_explain(p, n, in.codec != INPUT_PLAIN, why, sizeof why);
	c = conv_of(k);
	if (tv->detect) {
		r = detect_line(&in, k, why);
	} else if (k == SNIFF_EMPTY) {
		ev_put_magic();
		ev_put_input(in.name);
		r = 0;
	} else if (k == SNIFF_EVENTS) {
		r = pass_through(&in);
	} else if (!c) {
		unknown(in.name, k);
		r = 1;
	} else {
		r = convert(tv, c, &in, path, &raw);
		buf_free(&raw);
		return r;
	}
done:
	input_close(&in);
	buf_free(&raw);
	return r;
}

static void add_option(struct tv *tv, const char *arg)
{
	const char *colon = strchr(arg, ':');
	size_t i;

	for (i = 0; colon && i < NCONVS; i++)
		if (strlen(convs[i].name) == (size_t)(colon - arg) &&
		    strncmp(arg, convs[i].name, (size_t)(colon - arg)) == 0)
			break;
	if (!colon || i == NCONVS)
		cli_usage_error(&info, "-O %s: expected CONVERTER:ARG, CONVERTER one of toevents' "
				"converters (perf2events, trace2events, ...)", arg);
	fp_grow(&tv->opt, &tv->optcap, tv->nopt + 1, sizeof *tv->opt);
	tv->opt[tv->nopt++] = (char *)arg;
}

int cmd_toevents(int argc, char **argv)
{
	enum { OPT_DETECT = CLI_FIRST_LONG, OPT_STRICT };
	static const struct option longopts[] = {
		{ "detect", no_argument, NULL, OPT_DETECT },
		{ "option", required_argument, NULL, 'O' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct tv tv = { 0 };
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "O:q", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DETECT: tv.detect = 1; break;
		case OPT_STRICT: tv.strict = 1; break;
		case 'O': add_option(&tv, optarg); break;
		case 'q': tv.quiet = 1; /* fall through */
		default: cli_common(&info, c);
		}
	}
	tv.out_fd = dup(STDOUT_FILENO);
	if (tv.out_fd < 0)
		fp_die("stdout:");
	atexit(remove_tmp);
	status = cli_each_input(argc - optind, argv + optind, one_input, &tv);
	close(tv.out_fd);
	out_close();
	free(tv.opt);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_toevents(argc, argv); }
#endif
