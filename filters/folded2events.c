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
#include "../common/input.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "../common/textin.h"
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

enum { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE };

/* The state of one run of cmd_folded2events: options, the output so far,
 * then the current file (reset per input). */
struct folded {
	int comm, diff, decimals;
	const char *event, *unit, *before, *after;
	struct skips skips;
	int started;		/* the stream's header is written */
	struct buf ev[2];	/* the escaped event names, with a TAB each side */
	/* the current file */
	struct textin tin;	/* the file and its format decision */
	uint64_t lines, two_numbers;	/* data lines; those ending in two numbers */
	/* UTF-16 input converted to UTF-8 */
	int enc;
	struct buf u8;
	unsigned char pend[2];
	int npend;
	unsigned hi;		/* a high surrogate waiting for its pair, or 0 */
	uint64_t u16_line;
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
	fo->tin.decided = 1;
	ev_put_input(fo->tin.file);
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

/* ---- lines ---- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static const int64_t pow10s[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

/* The count that ends at p[e]: its first byte's index in *start and its
 * value in *w; NULL, or why it is not one. */
static const char *count_back(const struct folded *fo, const char *p, size_t e, size_t *start, int64_t *w)
{
	size_t i = e, k, dot = e;
	uint64_t v = 0;
	int frac = 0;

	while (i > 0 && (is_digit(p[i - 1]) || p[i - 1] == '.'))
		i--;
	if (i == e || (i > 0 && !is_ws(p[i - 1])))
		return "no count at the end of the line";
	if (i == 0)
		return "no stack before the count";
	if (!is_digit(p[i]))
		return "bad count";
	for (k = i; k < e; k++) {
		if (p[k] == '.') {
			if (dot != e)
				return "bad count";
			dot = k;
			continue;
		}
		if (dot != e) {
			if (frac == fo->decimals) {
				if (p[k] != '0')
					return fo->decimals ? "count has more decimals than --decimals"
							  : "count has a fraction (see --decimals)";
				continue;
			}
			frac++;
		}
		if (v > (uint64_t)INT64_MAX / 10)
			return "count out of range";
		v = v * 10 + (uint64_t)(p[k] - '0');
	}
	if (v > (uint64_t)INT64_MAX / (uint64_t)pow10s[fo->decimals - frac])
		return "count out of range";
	v *= (uint64_t)pow10s[fo->decimals - frac];
	if (v > (uint64_t)INT64_MAX)
		return "count out of range";
	*start = i;
	*w = (int64_t)v;
	return NULL;
}

static int has_prefix(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(p, lit, k) == 0;
}

/* A perf script sample header: "... 123.456789:" then a space or the end. */
static int perf_header(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || is_ws(p[0]))
		return 0;
	for (i = 1; i < n; i++) {
		size_t k = i;

		if (p[i] != ':' || (i + 1 < n && p[i + 1] != ' '))
			continue;
		while (k > 0 && is_digit(p[k - 1]))
			k--;
		if (k == i || k == 0 || p[k - 1] != '.')
			continue;
		k--;
		if (k > 0 && is_digit(p[k - 1]))
			return 1;
	}
	return 0;
}

static int bpftrace_line(const char *p, size_t n)
{
	size_t i = 1;

	if (has_prefix(p, n, "Attaching ") || has_prefix(p, n, "dtrace: "))
		return 1;
	if (n == 0 || p[0] != '@')
		return 0;
	while (i < n && (is_digit(p[i]) || p[i] == '_' || ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')))
		i++;
	return i < n && (p[i] == '[' || p[i] == ':');
}

/* Two numbers at the end of the stack: "foo;thread 123" read without --diff. */
static int ends_in_number(const char *p, size_t e)
{
	size_t i = e;

	while (i > 0 && is_digit(p[i - 1]))
		i--;
	return i < e && i > 0 && is_ws(p[i - 1]);
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

/* One line without its LF; -1 when the file turns out to be another format. */
static int do_line(struct folded *fo, const char *p, size_t n, uint64_t lineno)
{
	const char *why;
	size_t st, st2 = 0, e;
	int64_t w, w0 = 0;

	while (n > 0 && (is_ws(p[n - 1]) || p[n - 1] == '\r'))
		n--;
	if (!fo->tin.decided) {
		if (has_prefix(p, n, "#flamepipe-events"))
			return textin_reject(&fo->tin, "already a flamepipe events stream");
		if (n == 0 || p[0] == '#')
			return 0;
		if (bpftrace_line(p, n))
			return textin_reject(&fo->tin, "bpftrace or DTrace output (use stacks2events)");
	}
	if (n == 0 || p[0] == '#')
		return 0;
	why = count_back(fo, p, n, &st, &w);
	if (!why && fo->diff) {
		w0 = w;
		why = count_back(fo, p, st - 1, &st2, &w0);
		if (why)
			why = "one count where --diff expects two";
		else
			st = st2;
	}
	if (!fo->tin.decided) {
		if (why && (p[0] == '{' || p[0] == '['))
			return textin_reject(&fo->tin, "JSON (speedscope, Trace Event or cpuprofile?)");
		if (why && perf_header(p, n))
			return textin_reject(&fo->tin, "perf script text (use perf2events)");
		accept_file(fo);
	}
	if (why) {
		skip_record(&fo->skips, fo->tin.file, lineno, why);
		return 0;
	}
	e = st - 1;	/* the stack is p[0..e) */
	fo->lines++;
	if (!fo->diff && ends_in_number(p, e))
		fo->two_numbers++;
	if (fo->diff) {
		/* w0 is the first count, w the second */
		const char *comm = p;
		size_t ncomm = e;
		const char *s = p;
		size_t ns = e;

		if (fo->comm) {
			const char *semi = memchr(p, ';', e);

			ncomm = semi ? (size_t)(semi - p) : e;
			s = semi ? semi + 1 : p + e;
			ns = (size_t)(p + e - s);
		}
		if (w0)
			put_record(fo, 0, comm, ncomm, w0, s, ns);
		if (w)
			put_record(fo, 1, comm, ncomm, w, s, ns);
		return 0;
	}
	if (fo->comm) {
		const char *semi = memchr(p, ';', e);
		size_t ncomm = semi ? (size_t)(semi - p) : e;

		put_record(fo, 0, p, ncomm, w, semi ? semi + 1 : p + e, semi ? e - ncomm - 1 : 0);
	} else {
		put_record(fo, 0, NULL, 0, w, p, e);
	}
	return 0;
}

/* ---- UTF-16 ---- */

static void u8_put(struct buf *u8, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(u8, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(u8, (char)(0xc0 | cp >> 6));
		buf_addc(u8, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(u8, (char)(0xe0 | cp >> 12));
		buf_addc(u8, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(u8, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(u8, (char)(0xf0 | cp >> 18));
		buf_addc(u8, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(u8, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(u8, (char)(0x80 | (cp & 0x3f)));
	}
}

/* One UTF-16 code unit; a whole line goes to do_line(fo, ). */
static int u16_unit(struct folded *fo, unsigned u)
{
	if (fo->hi) {
		if (u >= 0xdc00 && u <= 0xdfff) {
			u8_put(&fo->u8, 0x10000 + ((fo->hi - 0xd800) << 10) + (u - 0xdc00));
			fo->hi = 0;
			return 0;
		}
		u8_put(&fo->u8, 0xfffd);	/* an unpaired high surrogate */
		fo->hi = 0;
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		fo->hi = u;
		return 0;
	}
	if (u >= 0xdc00 && u <= 0xdfff) {
		u8_put(&fo->u8, 0xfffd);
		return 0;
	}
	if (u == '\n') {
		int r = do_line(fo, fo->u8.p, fo->u8.len, ++fo->u16_line);

		fo->u8.len = 0;
		return r;
	}
	u8_put(&fo->u8, u);
	return 0;
}

static int u16_feed(struct folded *fo, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fo->pend[fo->npend++] = (unsigned char)p[i];
		if (fo->npend == 2) {
			unsigned u = fo->enc == ENC_UTF16LE ? (unsigned)(fo->pend[0] | fo->pend[1] << 8)
							   : (unsigned)(fo->pend[0] << 8 | fo->pend[1]);

			fo->npend = 0;
			if (u16_unit(fo, u) < 0)
				return -1;
		}
	}
	return 0;
}

static int u16_end(struct folded *fo)
{
	if (fo->hi || fo->npend)
		u8_put(&fo->u8, 0xfffd);	/* a lone surrogate or an odd byte at the end */
	fo->hi = 0;
	fo->npend = 0;
	if (fo->u8.len) {
		int r = do_line(fo, fo->u8.p, fo->u8.len, ++fo->u16_line);

		fo->u8.len = 0;
		return r;
	}
	return 0;
}

/* ---- files ---- */

static int convert(const char *path, void *ctx)
{
	struct folded *fo = ctx;
	struct input *in = &fo->tin.in;
	char *line;
	size_t len;
	int r, first = 1;

	if (textin_open(&fo->tin, path, "folded stacks") < 0)
		return 1;
	fo->lines = fo->two_numbers = 0;
	fo->enc = ENC_UTF8;
	fo->u8.len = 0;
	fo->npend = 0;
	fo->hi = 0;
	fo->u16_line = 0;
	while ((r = input_getline(in, &line, &len)) > 0) {
		const unsigned char *b = (const unsigned char *)line;
		size_t avail = (size_t)(in->buf + in->end - line);	/* the LF and beyond */
		int had_lf = line + len < in->buf + in->end;

		if (first) {
			first = 0;
			if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
				line += 3;
				len -= 3;
			} else if (avail >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
						  (b[0] == 0xfe && b[1] == 0xff))) {
				fo->enc = b[0] == 0xff ? ENC_UTF16LE : ENC_UTF16BE;
				/* "\n" right after the BOM: the line is the BOM or shorter */
				line += len >= 2 ? 2 : len;
				len -= len >= 2 ? 2 : len;
			} else if (avail >= 2 && b[0] && !b[1] && b[0] < 0x80) {
				fo->enc = ENC_UTF16LE;
			} else if (avail >= 2 && !b[0] && b[1] && b[1] < 0x80) {
				fo->enc = ENC_UTF16BE;
			}
		}
		if (fo->enc == ENC_UTF8) {
			if (do_line(fo, line, len, in->lineno) < 0)
				break;
		} else if (u16_feed(fo, line, len) < 0 || (had_lf && u16_feed(fo, "\n", 1) < 0)) {
			break;
		}
	}
	if (!fo->tin.rejected && fo->enc != ENC_UTF8 && r == 0)
		u16_end(fo);
	if (!fo->diff && fo->lines > 0 && fo->two_numbers == fo->lines)
		fp_warn("%s: every line ends in two numbers: a differential file? (use --diff)",
			fo->tin.file);
	return textin_close(&fo->tin, r, &fo->skips, accept_file, fo);
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
			fo->decimals = (int)cli_number(&info, "--decimals", optarg, 0, 9);
			break;
		case OPT_STRICT: fo->skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (!*fo->event || !*fo->unit || !*fo->before || !*fo->after)
		cli_usage_error(&info, "event and unit names must not be empty");
	if (fo->diff && strcmp(fo->before, fo->after) == 0)
		cli_usage_error(&info, "--before and --after must differ");
	buf_reserve(&fo->u8, 256);	/* never NULL: do_line(fo, fo->u8.p, 0) */
	status = cli_each_input(argc - optind, argv + optind, convert, fo);
	buf_free(&fo->ev[0]);
	buf_free(&fo->ev[1]);
	buf_free(&fo->u8);
	free(fo);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_folded2events(argc, argv); }
#endif
