/* foldedin.c - reading folded stacks (folded2events, events2folded) */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "bytes.h"
#include "err.h"
#include "foldedin.h"
#include "input.h"
#include "skip.h"
#include "textin.h"

enum { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE };

/* The file is folded: the caller's header once it is decided. */
static void accept(void *ctx)
{
	struct foldedin *fo = ctx;

	fo->tin.decided = 1;
	fo->accept(fo->ctx);
}

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
static const char *count_back(const struct foldedin *fo, const char *p, size_t e, size_t *start, int64_t *w)
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

static int bpftrace_line(const char *p, size_t n)
{
	size_t i = 1;

	if (bytes_starts(p, n, "Attaching ") || bytes_starts(p, n, "dtrace: "))
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

static int do_line(struct foldedin *fo, const char *p, size_t n, uint64_t lineno)
{
	const char *why;
	size_t st, st2 = 0, e;
	int64_t w, w0 = 0;

	while (n > 0 && (is_ws(p[n - 1]) || p[n - 1] == '\r'))
		n--;
	if (!fo->tin.decided) {
		if (bytes_starts(p, n, "#flamepipe-events"))
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
		if (why && textin_perf_header(p, n))
			return textin_reject(&fo->tin, "perf script text (use perf2events)");
		accept(fo);
	}
	if (why) {
		skip_record(fo->skips, fo->tin.file, lineno, why);
		return 0;
	}
	e = st - 1;	/* the stack is p[0..e) */
	fo->lines++;
	if (!fo->diff && ends_in_number(p, e))
		fo->two_numbers++;
	fo->line(fo->ctx, p, e, w0, w);
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
static int u16_unit(struct foldedin *fo, unsigned u)
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

static int u16_feed(struct foldedin *fo, const char *p, size_t n)
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

static int u16_end(struct foldedin *fo)
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

int foldedin_read(const char *path, void *ctx)
{
	struct foldedin *fo = ctx;
	struct input *in = &fo->tin.in;
	char *line;
	size_t len;
	int r, first = 1;

	if (textin_open(&fo->tin, path, "folded stacks") < 0)
		return 1;
	buf_reserve(&fo->u8, 256);	/* never NULL: do_line(fo, fo->u8.p, 0) */
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
	return textin_close(&fo->tin, r, fo->skips, accept, fo);
}

void foldedin_free(struct foldedin *fo)
{
	buf_free(&fo->u8);
}
