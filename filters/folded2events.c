/* folded2events - convert folded (collapsed) stacks to the flamepipe events format */
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
#include "../common/foldedin.h"
#include "../common/input.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "cmds.h"

static const struct cli_info info = {
	"folded2events",
	"folded2events [-cd] [-e EVENT] [-u UNIT] [--before NAME] [--after NAME] "
	"[--decimals N] [--strict] [FILE ...]",
	"Convert folded stacks (\"root;...;leaf COUNT\" lines: stackcollapse-*.pl,\n"
	"inferno, events2folded; plain, gzip or zstd; UTF-8 or UTF-16) to a flamepipe\n"
	"events stream (events(5)): one untimed S record per line, weighing COUNT.\n"
	"Frame suffixes _[k] _[j] _[i] become the kinds kernel, jit, inlined.\n"
	"FILE - or no FILE reads stdin.\n"
	"\n"
	"  -c, --comm          the first frame is the thread name: the COMM field\n"
	"  -d, --diff          differential input \"STACK BEFORE AFTER\" (difffolded.pl):\n"
	"                      one S record of each of two events per line\n"
	"  -e, --event=EVENT   the event's name (default samples)\n"
	"  -u, --unit=UNIT     the weights' unit (default samples; period, nanoseconds)\n"
	"      --before=NAME   the event of the first count with --diff (default before)\n"
	"      --after=NAME    the event of the second count with --diff (default after)\n"
	"      --decimals=N    counts have up to N decimals: weight = count * 10^N\n"
	"      --strict        stop at the first line that is not folded\n"
	"      --help          show this help and exit\n"
	"      --version       show the version and exit\n",
};

/* The state of one run of cmd_folded2events: options, the output so far,
 * then the current file (reset per input). */
struct folded {
	int comm, diff;
	const char *event, *unit, *before, *after;
	struct skips skips;
	int started;		/* the stream's header is written */
	struct buf ev[2];	/* the escaped event names, with a TAB each side */
	struct foldedin in;	/* the parser (its diff and decimals are ours) */
};

/* ---- output ---- */

static void start_output(struct folded *fo)
{
	int i;

	if (fo->started)
		return;
	fo->started = 1;
	ev_put_magic();
	out_puts("#source folded\n#clock none\n");
	for (i = 0; i < 1 + fo->diff; i++) {
		const char *name = fo->diff ? (i ? fo->after : fo->before) : fo->event;

		out_puts("E\t-\t");
		ev_put_field(name, strlen(name));
		out_putc('\t');
		ev_put_field(fo->unit, strlen(fo->unit));
		out_putc('\n');
		fo->ev[i].len = 0;
		buf_addc(&fo->ev[i], '\t');
		ev_buf_field(&fo->ev[i], name, strlen(name));
		buf_addc(&fo->ev[i], '\t');
	}
}

static void accept_file(void *ctx)
{
	struct folded *fo = ctx;

	start_output(fo);
	ev_put_input(fo->in.tin.file);
}

/* Bytes that need attention in a stack: what events.md §5 escapes, and ']'
 * (the end of _[k] _[j] _[i] and of [unknown]). */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 - 0x1f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['\\'] = 1, [']'] = 1, ['`'] = 1, [0x7f] = 1,
};

#ifdef __SSE2__
#include <emmintrin.h>

/* The bytes of p[0..16) that need attention, and the first ';' of ";;",
 * as a bit mask (reads p[16] too). */
static inline unsigned block_special(const char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
	__m128i semi = _mm_set1_epi8(';');
	__m128i m = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);	/* x <= 0x1f */

	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('`')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8(']')));
	m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(x, semi), _mm_cmpeq_epi8(y, semi)));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The first i' >= i where s[i'] needs attention or starts ";;"; n if none. */
static inline size_t next_special(const char *s, size_t n, size_t i)
{
#ifdef __SSE2__
	while (i + 17 <= n) {
		unsigned m = block_special(s + i);

		if (m)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	for (; i < n; i++)
		if (special[(unsigned char)s[i]] || (s[i] == ';' && i + 1 < n && s[i + 1] == ';'))
			return i;
	return n;
}

static void put_escape(unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '\\': out_write("\\\\", 2); return;
	case '\t': out_write("\\t", 2); return;
	case '\n': out_write("\\n", 2); return;
	case '\r': out_write("\\r", 2); return;
	default: out_write(e, 4); return;
	}
}

/* s[j] is ']' ending a frame: write the frame's text from run to the end
 * of its name and its kind attributes. */
static void frame_end(const char *s, size_t j, size_t run)
{
	size_t end = j + 1;	/* the end of the name */
	const char *kind = NULL;
	size_t nk = 0;

	if (j >= 3 && s[j - 3] == '_' && s[j - 2] == '[') {
		switch (s[j - 1]) {
		case 'k': kind = "`kernel"; nk = 7; break;
		case 'j': kind = "`jit"; nk = 4; break;
		case 'i': kind = "`inlined"; nk = 8; break;
		default: break;
		}
		if (kind)
			end = j - 3;
	}
	out_write(s + run, end - run);
	if (end == 0 || s[end - 1] == ';') {	/* empty: as ev_put_frame() writes it */
		out_puts("[unknown]");
		if (kind)
			out_puts(kind);
		out_puts("`unknown");
		return;
	}
	if (nk)
		out_write(kind, nk);
	if (end >= 9 && memcmp(s + end - 9, "[unknown]", 9) == 0 && (end == 9 || s[end - 10] == ';'))
		out_puts("`unknown");
}

/* Write a folded stack as an events STACK field in one pass: runs of plain
 * bytes are copied, found sixteen bytes at a time. Empty names (";;", a
 * leading or trailing ';') become [unknown] as ev_put_frame() writes them. */
static void put_stack(const char *s, size_t n)
{
	size_t i = 0, run = 0;

	if (n == 0)
		return;
	if (n == 1 && s[0] == '-') {	/* not the absent value */
		out_puts("\\x2d");
		return;
	}
	if (s[0] == ';')
		out_puts("[unknown]`unknown");
	while ((i = next_special(s, n, i)) < n) {
		if (s[i] == ';') {	/* ";;" */
			out_write(s + run, i + 1 - run);
			out_puts("[unknown]`unknown");
			run = i + 1;
		} else if (s[i] == ']') {
			if (i + 1 == n || s[i + 1] == ';') {
				frame_end(s, i, run);
				run = i + 1;
			}
		} else {
			out_write(s + run, i - run);
			put_escape((unsigned char)s[i]);
			run = i + 1;
		}
		i++;
	}
	out_write(s + run, n - run);
	if (s[n - 1] == ';')
		out_puts("[unknown]`unknown");
}

static void put_record(const struct folded *fo, int which, const char *comm, size_t ncomm, int64_t w,
		       const char *stack, size_t nstack)
{
	out_write("S\t-\t-\t-\t-\t", 10);
	if (fo->comm)
		ev_put_field(comm, ncomm);
	else
		out_putc('-');
	out_write(fo->ev[which].p, fo->ev[which].len);
	out_i64(w);
	out_putc('\t');
	put_stack(stack, nstack);
	out_putc('\n');
}


/* A folded line (foldedin.h): one S record, or with --diff one of each
 * event whose count is not 0. */
static void line(void *ctx, const char *p, size_t e, int64_t w0, int64_t w)
{
	struct folded *fo = ctx;
	const char *s = p;
	size_t ncomm = e, ns = e;

	if (fo->comm) {
		const char *semi = memchr(p, ';', e);

		ncomm = semi ? (size_t)(semi - p) : e;
		s = semi ? semi + 1 : p + e;
		ns = (size_t)(p + e - s);
	}
	if (fo->diff && w0)
		put_record(fo, 0, p, ncomm, w0, s, ns);
	if (!fo->diff || w)
		put_record(fo, fo->diff, p, ncomm, w, s, ns);
}

int cmd_folded2events(int argc, char **argv)
{
	enum { OPT_BEFORE = CLI_FIRST_LONG, OPT_AFTER, OPT_DECIMALS, OPT_STRICT };
	static const struct option longopts[] = {
		{ "comm", no_argument, NULL, 'c' },
		{ "diff", no_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "unit", required_argument, NULL, 'u' },
		{ "before", required_argument, NULL, OPT_BEFORE },
		{ "after", required_argument, NULL, OPT_AFTER },
		{ "decimals", required_argument, NULL, OPT_DECIMALS },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct folded *fo = fp_calloc(1, sizeof *fo);
	int c, status;

	cli_init(&info);
	fo->event = fo->unit = "samples";
	fo->before = "before";
	fo->after = "after";
	while ((c = getopt_long(argc, argv, "cde:u:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': fo->comm = 1; break;
		case 'd': fo->diff = 1; break;
		case 'e': fo->event = optarg; break;
		case 'u': fo->unit = optarg; break;
		case OPT_BEFORE: fo->before = optarg; break;
		case OPT_AFTER: fo->after = optarg; break;
		case OPT_DECIMALS:
			fo->in.decimals = (int)cli_number(&info, "--decimals", optarg, 0, 9);
			break;
		case OPT_STRICT: fo->skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (!*fo->event || !*fo->unit || !*fo->before || !*fo->after)
		cli_usage_error(&info, "event and unit names must not be empty");
	if (fo->diff && strcmp(fo->before, fo->after) == 0)
		cli_usage_error(&info, "--before and --after must differ");
	fo->in.diff = fo->diff;
	fo->in.skips = &fo->skips;
	fo->in.accept = accept_file;
	fo->in.line = line;
	fo->in.ctx = fo;
	status = cli_each_input(argc - optind, argv + optind, foldedin_read, &fo->in);
	buf_free(&fo->ev[0]);
	buf_free(&fo->ev[1]);
	foldedin_free(&fo->in);
	free(fo);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_folded2events(argc, argv); }
#endif
