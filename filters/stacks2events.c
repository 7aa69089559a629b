/* stacks2events - convert bpftrace and DTrace stack aggregations to the flamepipe events format */
#include <inttypes.h>
#include <stdint.h>
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
#include "cmds.h"
#include "stacks2events/stacks.h"

static const struct cli_info info = {
	"stacks2events",
	"stacks2events [-k KEYS] [-e EVENT] [-u UNIT] [--strict] [FILE ...]",
	"Convert bpftrace maps keyed by stacks (@[kstack, ustack, comm]: 3) and DTrace\n"
	"stack aggregations (plain, gzip or zstd) to a flamepipe events stream\n"
	"(events(5)): one untimed S record per entry, weighing its value; stacks\n"
	"root-first, offsets removed, kernel frames marked. FILE - or no FILE reads\n"
	"stdin.\n"
	"\n"
	"  -k, --keys=KEYS    the map's keys, comma-separated: kstack, ustack, stack,\n"
	"                     comm, pid, tid, cpu, frame (a root frame), - (ignored)\n"
	"  -e, --event=EVENT  the event of the anonymous map @ (default samples;\n"
	"                     a map @NAME is event NAME)\n"
	"  -u, --unit=UNIT    the values' unit (default samples)\n"
	"      --strict       stop at the first line that cannot be used\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

/*
 * Each input is read line by line: the first lines decide whether it is
 * stacks at all (folded stacks, perf script and JSON are refused), then
 * the lines go to the entry parser (stacks2events/entry.c), which writes
 * each complete entry (emit.c; frames: frame.c). This file: options,
 * inputs, the format check.
 */

static void start_output(struct st *st)
{
	if (st->started)
		return;
	st->started = 1;
	ev_put_magic();
	out_puts("#source stacks\n#clock none\n");
}

static void accept_file(void *ctx)
{
	struct st *st = ctx;

	start_output(st);
	st->tin.decided = 1;
	ev_put_input(st->tin.file);
}

/* "a;b;c 5": a folded line */
static int folded_line(const char *p, size_t n)
{
	size_t i = n;

	while (i > 0 && is_digit(p[i - 1]))
		i--;
	return i < n && i > 0 && is_ws(p[i - 1]) && memchr(p, ';', i) != NULL;
}

static int do_line(struct st *st, const char *p, size_t n, uint64_t lineno)
{
	size_t indent = 0;

	while (n > 0 && (is_ws(p[n - 1]) || p[n - 1] == '\r'))
		n--;
	while (indent < n && is_ws(p[indent]))
		indent++;
	if (!st->tin.decided && n > 0) {
		if (bytes_starts(p, n, "#flamepipe-events"))
			return textin_reject(&st->tin, "already a flamepipe events stream");
		if (p[0] == '{' || p[0] == '[')
			return textin_reject(&st->tin, "JSON");
		if (indent == 0 && p[0] != '@' && folded_line(p, n))
			return textin_reject(&st->tin, "folded stacks (use folded2events)");
		if (indent == 0 && p[0] != '@' && textin_perf_header(p, n))
			return textin_reject(&st->tin, "perf script text (use perf2events)");
		accept_file(st);
	}
	if (st->in_entry == 'b') {
		/* a blank line inside a stack: bpftrace never prints one */
		if (n == 0 || st_bpf_inside(st, p, n, indent, lineno))
			return 0;
	}
	if (n == 0) {
		if (st->in_entry == 'd')
			st_entry_broken(st, "stack without a value");
		return 0;
	}
	if (indent > 0) {
		st_dtrace_line(st, p + indent, n - indent, indent, lineno);
		return 0;
	}
	if (st->in_entry == 'd')
		st_entry_broken(st, "stack without a value");
	if (p[0] == '@' && st_bpf_start(st, p, n, lineno) == 0)
		return 0;
	if (bytes_starts(p, n, "Attaching ") || bytes_starts(p, n, "dtrace: ") || p[0] == '#')
		return 0;
	st_skip(st, lineno, "not part of a map entry");
	return 0;
}

static int convert(const char *path, void *ctx)
{
	struct st *st = ctx;
	char *line;
	size_t len;
	int r;

	if (textin_open(&st->tin, path, "bpftrace or DTrace stacks") < 0)
		return 1;
	st_entry_reset(st);
	while ((r = input_getline(&st->tin.in, &line, &len)) > 0) {
		if (st->tin.in.lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			len -= 3;
		}
		if (do_line(st, line, len, st->tin.in.lineno) < 0)
			break;
	}
	if (!st->tin.rejected && st->in_entry)
		st_entry_broken(st, st->in_entry == 'b' ? "entry without a value" : "stack without a value");
	return textin_close(&st->tin, r, &st->skips, accept_file, st);
}

static void parse_keys(struct st *st, const char *arg)
{
	static const struct {
		const char *s;
		enum ktype t;
	} names[] = {
		{ "kstack", K_KSTACK }, { "ustack", K_USTACK }, { "stack", K_STACK },
		{ "comm", K_COMM }, { "pid", K_PID }, { "tid", K_TID }, { "cpu", K_CPU },
		{ "frame", K_FRAME }, { "-", K_IGNORE },
	};
	const char *p = arg;

	free(st->types);
	st->types = NULL;
	st->ntypes = 0;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p), i;
		size_t cap = st->ntypes;

		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		while (n > 0 && p[n - 1] == ' ')
			n--;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].s) == n && memcmp(names[i].s, p, n) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			cli_usage_error(&info, "--keys: unknown key '%.*s' (kstack, ustack, stack, "
					"comm, pid, tid, cpu, frame, -)", (int)n, p);
		fp_grow(&st->types, &cap, st->ntypes + 1, sizeof *st->types);
		st->types[st->ntypes++] = names[i].t;
		if (!c)
			break;
		p = c + 1;
	}
}

static void st_free(struct st *st)
{
	free(st->types);
	intern_free(&st->events);
	buf_free(&st->text);
	buf_free(&st->map);
	free(st->keys);
	free(st->fr);
	free(st);
}

int cmd_stacks2events(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "event", required_argument, NULL, 'e' },
		{ "unit", required_argument, NULL, 'u' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct st *st = fp_calloc(1, sizeof *st);
	int c, status;

	cli_init(&info);
	st->event = st->unit = "samples";
	while ((c = getopt_long(argc, argv, "k:e:u:", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': parse_keys(st, optarg); break;
		case 'e': st->event = optarg; break;
		case 'u': st->unit = optarg; break;
		case OPT_STRICT: st->skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (!*st->event || !*st->unit)
		cli_usage_error(&info, "event and unit names must not be empty");
	buf_reserve(&st->text, 256);	/* never NULL: slices are made from st->text.p + offset */
	status = cli_each_input(argc - optind, argv + optind, convert, st);
	st_free(st);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_stacks2events(argc, argv); }
#endif
