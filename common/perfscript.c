/* perfscript.c - a parser for `perf script` text
 *
 * The rules (formats.md §1.4): a header is found by its timestamp token
 * " SECS.FRAC:" (6 or 9 decimals) and split walking left (cpu, pid/tid,
 * comm with any spaces) and right (period, event, payload or a frame); a
 * frame is "hex-ip symbol (dso)" with the dso the last balanced
 * parenthesised group; a sample ends at the next header or at EOF.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bytes.h"
#include "events.h"
#include "perfscan.h"
#include "perfscript.h"

static inline int is_space(int c)
{
	return c == ' ' || c == '\t';
}

static inline int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static const unsigned char hex_digit[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
	['e'] = 1, ['f'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,
	['F'] = 1,
};

static inline int is_hex(int c)
{
	return hex_digit[(unsigned char)c];
}

/* Index of the first byte of s that is not a space or tab (8 at a time:
 * perf pads frame addresses with up to 16 spaces). */
static size_t skip_blanks(const char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;

	while (i < n && s[i] == '\t')
		i++;
	while (i + 8 <= n) {
		memcpy(&w, s + i, 8);
		if (w != 0x2020202020202020ULL)
			break;
		i += 8;
	}
	while (i < n && is_space(s[i]))
		i++;
	return i;
}

/* The parser works on its own copy of each line it keeps anything of
 * (copy_line): a field is where it lies in that copy, never copied again.
 * Lines fed in a block (perf_feed) are not copied: a sample that starts in
 * the block is read where it lies (keep_line), and copied whole only if
 * the block ends before it does (detach). Offsets count from p->base, the
 * start of the current sample's text. */
#define LINE_PAD 32
/* perf_feed() reads in place the lines with at least this many bytes of
 * the block after them (the 16-byte loads of the scans and of write.c) */
#define BLOCK_MARGIN 64

static const char *copy_line(struct perf_parser *p, const char *s, size_t n)
{
	size_t at = p->text.len;

	/* zero bytes after the copy: frame_fast() loads 32 at a time */
	if (p->text.cap - at < n + LINE_PAD)
		buf_reserve(&p->text, n + LINE_PAD);
	if (n)
		memcpy(p->text.p + at, s, n);
	memset(p->text.p + at + n, 0, LINE_PAD);
	p->text.len += n;
	p->base = p->text.p;
	return p->text.p + at;
}

/* The line s[0..n) the parser keeps fields of: in place if it lies in the
 * block being fed and so does the sample (or it begins one: begins), else
 * a copy. */
static const char *keep_line(struct perf_parser *p, const char *s, size_t n, int begins)
{
	if (p->feeding && (begins || p->in_block)) {
		if (begins) {
			p->base = s;
			p->in_block = 1;
		}
		return s;
	}
	return copy_line(p, s, n);
}

/* The block ends: the current sample's text, if it lies there, moves to
 * p->text (the same offsets). */
static void detach(struct perf_parser *p, const char *end)
{
	size_t n;

	if (!p->in_block)
		return;
	p->in_block = 0;
	n = (size_t)(end - p->base);
	p->text.len = 0;
	copy_line(p, p->base, n);
}

/* s[0..n) lies in the copy of the current line. */
static struct ptext save(struct perf_parser *p, const char *s, size_t n)
{
	struct ptext t = { (size_t)(s - p->base), n };

	return t;
}

/* digits+ followed by end-of-string at s+n? */
static int all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static void add_frame(struct perf_parser *p, struct perf_frame *f)
{
	if (p->s.nframes == p->frames_cap)
		fp_grow(&p->s.frames, &p->frames_cap, p->s.nframes + 1, sizeof *p->s.frames);
	p->s.frames[p->s.nframes++] = *f;
	p->s.frame_bytes += f->ip.len + f->sym.len + f->dso.len;
	if (!f->clean || f->file.len || f->line.len)
		p->s.plain = 0;
	if (f->file.len || f->line.len)
		p->s.srcline = 1;
}

/* Symbol text: strip "+0xHEX", split "a->b->c" (outermost first) into
 * frames pushed leaf first, the later parts marked inlined (only if
 * maybe_arrow: sym may hold a '>'). */
static void add_symbol(struct perf_parser *p, const char *sym, size_t n,
		       struct perf_frame *tmpl, int maybe_arrow)
{
	size_t i, cut = n, parts[64], np = 0;

	for (i = n; i > 0 && is_hex(sym[i - 1]); i--)
		;
	if (i < n && i >= 3 && sym[i - 1] == 'x' && sym[i - 2] == '0' && sym[i - 3] == '+')
		cut = i - 3;
	n = cut;
	/* split points of "->", not in "operator->" */
	parts[np++] = 0;
	for (i = 0; maybe_arrow && i + 2 < n && np < 63; i++) {
		const char *gt = memchr(sym + i + 1, '>', n - i - 2);

		if (!gt)
			break;
		i = (size_t)(gt - sym) - 1;
		if (sym[i] == '-' && !(i >= 8 && memcmp(sym + i - 8, "operator", 8) == 0))
			parts[np++] = i + 2;
	}
	for (i = np; i-- > 0;) {
		size_t start = parts[i];
		size_t end = i + 1 < np ? parts[i + 1] - 2 : n;
		struct perf_frame f = *tmpl;

		f.sym = save(p, sym + start, end - start);
		if (i > 0)
			f.kind |= EVK_INLINED;
		if (f.sym.len == 0 || (f.sym.len == 9 && memcmp(sym + start, "[unknown]", 9) == 0))
			f.kind |= EVK_UNKNOWN;
		add_frame(p, &f);
	}
}

/* Parse "ip symbol (dso)" at s (leading blanks already skipped).
 * Returns 0, or -1 if s is not a frame. */
static int parse_frame(struct perf_parser *p, const char *s, size_t n)
{
	size_t i = 0, symstart, symend;
	struct perf_frame f;
	struct pscan sc;

	while (i < n && is_hex(s[i]))
		i++;
	if (i == 0 || (i < n && !is_space(s[i])))
		return -1;
	memset(&f, 0, sizeof f);
	f.ip = save(p, s, i);
	while (i < n && is_space(s[i]))
		i++;
	symstart = i;
	symend = n;
	while (symend > symstart && is_space(s[symend - 1]))
		symend--;
	if (symend > symstart && s[symend - 1] == ')') {
		/* the last balanced parenthesised group, preceded by a blank */
		size_t j = symend - 1;
		int depth = 0;

		pscan(s + symstart, j - symstart, &sc);
		/* fast path: "(dso)" with no parenthesis inside */
		if (sc.open >= 0 && sc.close < sc.open)
			j = symstart + (size_t)sc.open;
		else for (;;) {
			if (s[j] == ')')
				depth++;
			else if (s[j] == '(' && --depth == 0)
				break;
			if (j == symstart)
				break;
			j--;
		}
		if (depth == 0 && (j == symstart || is_space(s[j - 1]))) {
			const char *dso = s + j + 1;
			size_t dlen = symend - 1 - (j + 1);

			if (dlen == 7 && memcmp(dso, "inlined", 7) == 0) {
				f.kind |= EVK_INLINED;
			} else {
				f.dso = save(p, dso, dlen);
				f.kind |= perf_dso_kind_cached(p, dso, dlen);
			}
			symend = j;
			while (symend > symstart && is_space(s[symend - 1]))
				symend--;
		}
	} else {
		pscan(s + symstart, symend - symstart, &sc);
	}
	f.clean = !sc.escape;	/* the scan saw the symbol and the dso */
	add_symbol(p, s + symstart, symend - symstart, &f, sc.gt);
	return 0;
}

static void finish(struct perf_parser *p)
{
	/* fuzz (issue 6): a sample with no text at all (" 1.000000: ") left
	 * text.p NULL, and callers compute text + off (NULL + 0, then
	 * memcpy(NULL) in intern.c; UBSan): always pass a valid pointer.
	 * tests/fuzz/regress/perfscript/ */
	if (p->in_sample && !p->base) {
		buf_reserve(&p->text, 1);
		p->base = p->text.p;
	}
	if (p->in_sample && p->sample)
		p->sample(&p->s, p->base, p->ctx);
	p->in_sample = 0;
	p->last_was_frame = 0;
}

static void begin(struct perf_parser *p, uint64_t lineno)
{
	finish(p);
	p->text.len = 0;
	p->in_block = 0;
	memset(&p->s.comm, 0, sizeof p->s.comm);
	p->s.pid = p->s.tid = p->s.event = p->s.comm;
	p->s.cpu = -1;
	p->s.time = EV_NONE;
	p->s.time_text.off = p->s.time_text.len = 0;
	p->s.period = -1;
	p->s.period_text.off = p->s.period_text.len = 0;
	p->s.nframes = 0;
	p->s.frame_bytes = 0;
	p->s.plain = 1;
	p->s.srcline = 0;
	p->s.lineno = lineno;
	p->in_sample = 1;
}

/* The left part of a header, "COMM [PID/]TID [CPU]": walk from the right. */
static void parse_left(struct perf_parser *p, const char *s, size_t n)
{
	size_t e = n, b;

	while (e > 0 && is_space(s[e - 1]))
		e--;
	/* [cpu] */
	if (e > 0 && s[e - 1] == ']') {
		b = e - 1;
		while (b > 0 && is_digit(s[b - 1]))
			b--;
		if (b > 0 && s[b - 1] == '[' && b < e - 1 && (b == 1 || is_space(s[b - 2]))) {
			int cpu = 0;
			size_t k;

			for (k = b; k < e - 1 && cpu < 100000000; k++)
				cpu = cpu * 10 + (s[k] - '0');
			p->s.cpu = cpu;
			e = b - 1;
			while (e > 0 && is_space(s[e - 1]))
				e--;
		}
	}
	/* PID/TID or TID: digits and at most one '/', digits either side */
	b = e;
	{
		size_t slash = 0, slashes = 0;

		while (b > 0 && (is_digit(s[b - 1]) || s[b - 1] == '/')) {
			b--;
			if (s[b] == '/') {
				slash = b;
				slashes++;
			}
		}
		if (b < e && (b == 0 || is_space(s[b - 1]))) {
			if (slashes == 1 && slash > b && slash + 1 < e) {
				p->s.pid = save(p, s + b, slash - b);
				p->s.tid = save(p, s + slash + 1, e - slash - 1);
				e = b;
			} else if (!slashes && b > 0) {
				p->s.tid = save(p, s + b, e - b);
				e = b;
			}
		}
	}
	while (e > 0 && is_space(s[e - 1]))
		e--;
	b = 0;
	while (b < e && is_space(s[b]))
		b++;
	p->s.comm = save(p, s + b, e - b);
}

#ifdef __SSE2__
/* The first blank of s[i..n), or ':' followed by a blank or the end, or
 * n: 16 bytes at a time (the line has 16 readable bytes past its end). */
static size_t event_end(const char *s, size_t i, size_t n)
{
	for (;;) {
		size_t rem = n - i;
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned bl = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
									_mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
		unsigned co = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
		unsigned stop;

		if (rem <= 16) {	/* the end counts as a blank after a ':' */
			bl = (bl & ((1u << rem) - 1)) | 1u << rem;
			co &= (1u << rem) - 1;
		} else if (is_space(s[i + 16])) {
			bl |= 1u << 16;
		}
		stop = bl | (co & (bl >> 1));
		if (stop)
			return i + (size_t)__builtin_ctz(stop);
		i += 16;
	}
}
#endif

/* The right part of a header: "[PERIOD] EVENT: [payload or frame]". */
static void parse_right(struct perf_parser *p, const char *s, size_t n)
{
	size_t i = 0, b;

	while (i < n && is_space(s[i]))
		i++;
	b = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i > b && (i == n || is_space(s[i]))) {
		int64_t v = 0;
		size_t k;

		if (i - b <= 18) {	/* no overflow: ev_parse_i64() without its checks */
			for (k = b; k < i; k++)
				v = v * 10 + (s[k] - '0');
			p->s.period = v;
			p->s.period_text = save(p, s + b, i - b);
		} else if (ev_parse_i64(s + b, i - b, &v) == 0) {
			p->s.period = v;
		}
		while (i < n && is_space(s[i]))
			i++;
	} else {
		i = b;
	}
	/* event: up to the first ':' followed by a blank or the end */
	b = i;
#ifdef __SSE2__
	if (i < n)
		i = event_end(s, i, n);
#else
	while (i < n && !is_space(s[i])) {
		if (s[i] == ':' && (i + 1 == n || is_space(s[i + 1])))
			break;
		i++;
	}
#endif
	if (i < n && s[i] == ':') {
		p->s.event = save(p, s + b, i - b);
		i++;
		while (i < n && is_space(s[i]))
			i++;
		/* no call chain: the one frame follows on this line */
		if (i < n && s[n - 1] == ')')
			(void)parse_frame(p, s + i, n - i);
	}
}

/* " SECS.FRAC:" with 6 or 9 decimals, followed by a blank or the end.
 * Returns the offset of SECS or -1. *end gets the offset of the ':'. */
long perf_find_time(const char *s, size_t n, size_t *end)
{
	const char *q = s, *lim = s + n;

	while ((q = memchr(q, '.', (size_t)(lim - q))) != NULL) {
		const char *a = q, *c = q + 1;

		while (a > s && is_digit(a[-1]))
			a--;
		while (c < lim && is_digit(*c))
			c++;
		if (a < q && a > s && is_space(a[-1]) && (c - q - 1 == 6 || c - q - 1 == 9) &&
		    c < lim && *c == ':' && (c + 1 == lim || is_space(c[1]))) {
			*end = (size_t)(c - s);
			return (long)(a - s);
		}
		q = c > q + 1 ? c : q + 1;
	}
	return -1;
}

/* The time perf_find_time() found, "SECS.FRAC" with 6 or 9 decimals: as
 * ev_parse_time() reads it, without its checks when SECS has at most 9
 * digits (no overflow then). */
/* The value of the k (1..9) digits at s, 8 at a time in a word (the
 * line has 8 readable bytes past them). */
static inline int64_t digits_value(const char *s, size_t k)
{
	uint64_t w, hi = 0;

	if (k == 9) {
		hi = (uint64_t)(s[0] - '0') * 100000000;
		s++;
		k = 8;
	}
	memcpy(&w, s, 8);
	/* the digits to the top bytes, zeros (digit 0) below; a borrow
	 * from a byte past them goes up, out of the word */
	w = (w - 0x3030303030303030ULL) << (8 * (8 - k));
	w = w * 10 + (w >> 8);	/* pairs */
	w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
	     (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >> 32;
	return (int64_t)(hi + w);
}

static int header_time(const char *s, size_t n, int64_t *ns)
{
	size_t fd = s[n - 7] == '.' ? 6 : 9, il = n - fd - 1;
	int64_t frac = digits_value(s + il + 1, fd);

	if (il > 9)
		return ev_parse_time(s, n, ns);
	*ns = digits_value(s, il) * 1000000000 + (fd == 6 ? frac * 1000 : frac);
	return 0;
}

/* Side-band records (formats.md §12): "PERF_RECORD_NAME PAYLOAD" where a
 * sample has its event. The header's left part and time are parsed. */

/* "[exec]: NAME:PID/TID" after PERF_RECORD_COMM; NAME may hold ':' and
 * spaces, so PID/TID is found from the right. */
static int sb_comm(struct perf_parser *p, struct perf_sideband *sb, const char *s, size_t n)
{
	size_t i = 0, e = n, slash, colon;

	while (i < n && is_space(s[i]))
		i++;
	if (bytes_starts(s + i, n - i, "exec"))
		i += 4;
	if (i >= n || s[i] != ':')
		return -1;
	i++;
	while (i < n && is_space(s[i]))
		i++;
	while (e > i && is_space(s[e - 1]))
		e--;
	for (slash = e; slash > i && is_digit(s[slash - 1]); slash--)
		;
	if (slash == e || slash == i || s[slash - 1] != '/')
		return -1;
	for (colon = slash - 1; colon > i && is_digit(s[colon - 1]); colon--)
		;
	if (colon == slash - 1 || colon == i || s[colon - 1] != ':')
		return -1;
	sb->comm = save(p, s + i, colon - 1 - i);
	sb->pid = save(p, s + colon, slash - 1 - colon);
	sb->tid = save(p, s + slash, e - slash);
	return 0;
}

/* "lost N" (PERF_RECORD_LOST), else the first number of the payload. */
static int64_t sb_lost(const char *s, size_t n)
{
	const char *hit = memmem(s, n, "lost ", 5);
	size_t i = hit ? (size_t)(hit - s) + 5 : 0, b;
	int64_t v;

	while (i < n && !is_digit(s[i]))
		i++;
	for (b = i; i < n && is_digit(s[i]); i++)
		;
	if (i == b || ev_parse_i64(s + b, i - b, &v) < 0)
		return -1;
	return v;
}

/* s points at "PERF_RECORD_"; begin() and parse_left() have run. */
static void sideband(struct perf_parser *p, const char *s, size_t n)
{
	struct perf_sideband sb;
	size_t i = 12;

	while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]) || s[i] == '_'))
		i++;
	memset(&sb, 0, sizeof sb);
	sb.kind = PERF_SB_OTHER;
	sb.record = save(p, s, i);
	sb.comm = p->s.comm;
	sb.pid = p->s.pid;
	sb.tid = p->s.tid;
	sb.cpu = p->s.cpu;
	sb.time = p->s.time;
	sb.lost = -1;
	sb.lineno = p->s.lineno;
	if (i == 16 && memcmp(s, "PERF_RECORD_COMM", 16) == 0) {
		if (sb_comm(p, &sb, s + i, n - i) == 0)
			sb.kind = PERF_SB_COMM;
	} else if (bytes_starts(s, i, "PERF_RECORD_LOST")) {
		sb.kind = PERF_SB_LOST;
		sb.lost = sb_lost(s + i, n - i);
	}
	p->in_sample = 0;	/* not a sample: frames cannot follow */
	p->last_was_frame = 0;
	if (p->sideband)
		p->sideband(&sb, p->base, p->ctx);
}

/* The offset of "PERF_RECORD_" right of a header's time, or -1. */
static long sideband_at(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_space(s[i]))
		i++;
	if (n - i > 12 && memcmp(s + i, "PERF_RECORD_", 12) == 0)
		return (long)i;
	return -1;
}

/* An old header without a time: "COMM TID [CPU] EVENT:" at the end. */
static int old_header(struct perf_parser *p, const char *s, size_t n, uint64_t lineno)
{
	size_t e = n, b;

	while (e > 0 && is_space(s[e - 1]))
		e--;
	if (e == 0 || s[e - 1] != ':' || is_space(s[0]))
		return -1;
	b = e - 1;
	while (b > 0 && !is_space(s[b - 1]))
		b--;
	if (b == 0 || b == e - 1)
		return -1;
	/* the token before the event must be a TID, PID/TID or [CPU] */
	{
		size_t te = b, tb;

		while (te > 0 && is_space(s[te - 1]))
			te--;
		tb = te;
		while (tb > 0 && !is_space(s[tb - 1]))
			tb--;
		if (te == tb || tb == 0)
			return -1;
		if (!(s[tb] == '[' || is_digit(s[tb])))
			return -1;
	}
	begin(p, lineno);
	s = keep_line(p, s, n, 1);
	parse_left(p, s, b);
	p->s.event = save(p, s + b, e - 1 - b);
	return 0;
}

static int all_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_space(s[i]) && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
			return 0;
	return 1;
}

/* "  file.c:12" after a frame (perf script -F+srcline). */
static int srcline(struct perf_parser *p, const char *s, size_t n)
{
	size_t i = 0, c;
	struct perf_frame *f;

	if (!p->last_was_frame || p->s.nframes == 0 || n < 3 || s[0] != ' ' || s[1] != ' ')
		return -1;
	while (i < n && is_space(s[i]))
		i++;
	f = &p->s.frames[p->s.nframes - 1];
	if (memchr(s + i, '[', n - i))
		return 0;	/* "libfoo.so[6750]": no line information */
	for (c = n; c > i && s[c - 1] != ':'; c--)
		;
	if (c > i + 1 && all_digits(s + c, n - c)) {
		s = keep_line(p, s, n, 0);
		f->file = save(p, s + i, c - 1 - i);
		f->line = save(p, s + c, n - c);
		p->s.plain = 0;
		p->s.srcline = 1;
	}
	return 0;
}

#ifdef __SSE2__
/* perf_dso_kind_cached() with its usual answer, the last dso of its slot,
 * found here (the dso has 16 readable bytes past its end). */
static inline unsigned dso_kind(struct perf_parser *p, const char *dso, size_t n)
{
	const struct perf_dso_cache *c;
	size_t i;

	if (n == 0)
		return 0;
	c = &p->dso_cache[(n + (unsigned char)dso[n - 1]) % PERF_DSO_CACHE];
	if (n != c->len)
		return perf_dso_kind_cached(p, dso, n);
	for (i = 0;; i += 16) {
		unsigned d = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(dso + i)),
			_mm_loadu_si128((const __m128i *)(const void *)(c->name + i)))) & 0xffff;

		if (n - i <= 16) {
			if (d & ((1u << (n - i)) - 1))
				break;
			return c->kind;
		}
		if (d)
			break;
	}
	return perf_dso_kind_cached(p, dso, n);
}

/* The start of a frame line, "\t" + spaces + "HEX ": the address is
 * s[*a, *e); returns the offset of the symbol after it, or 0. 16 bytes
 * past s + 1 must be readable. */
static inline size_t frame_ip(const char *s, size_t *a, size_t *e)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
	unsigned m = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' '))) & 0xffff;
	unsigned hex = pscan_hex16(x);
	size_t i, j;

	if (!m)
		return 0;
	i = (size_t)__builtin_ctz(m);	/* from s + 1 */
	j = i + (size_t)__builtin_ctz(~(hex >> i));
	if (j == i)
		return 0;
	i++;
	j++;
	if (j == 17)	/* the address goes on past the 16 bytes loaded */
		while (is_hex(s[j]))	/* stops at the line's end */
			j++;
	if (s[j] != ' ' || is_space(s[j + 1]))
		return 0;
	*a = i;
	*e = j;
	return j + 1;
}

/* The rest of a simple frame line s[0..n): the symbol from sym, the dso's
 * '(' at o (the last parenthesis before the final ')'), the address
 * s[a, e). Stores the frame and returns 0, or -1 if it is not that simple. */
__attribute__((always_inline))
static inline int frame_store(struct perf_parser *p, const char *s, size_t n, size_t a, size_t e,
			      size_t sym, size_t o)
{
	size_t d = o + 1, se, i, base;
	struct perf_frame *f;
	unsigned kind;

	if (o < sym + 2 || s[o - 1] != ' ' || s[o - 2] == ' ')
		return -1;
	if (n - 1 - d == 7 && memcmp(s + d, "inlined", 7) == 0)
		kind = EVK_INLINED;	/* no dso (parse_frame) */
	else
		kind = dso_kind(p, s + d, n - 1 - d);
	/* the symbol without "+0xHEX": the hex digits before se, 16 bytes
	 * at a time back to the blank before sym */
	se = o - 1;
	i = se;
	if (se >= 16) {
		unsigned h = pscan_hex16(_mm_loadu_si128((const __m128i *)(const void *)(s + se - 16)));
		unsigned run = (unsigned)__builtin_clz(~(h << 16));	/* 16 if all */

		i = se - run;
	}
	for (; i > sym && is_hex(s[i - 1]); i--)
		;
	if (i < se && i >= sym + 3 && s[i - 1] == 'x' && s[i - 2] == '0' && s[i - 3] == '+')
		se = i - 3;
	if (se == sym || (se - sym == 9 && memcmp(s + sym, "[unknown]", 9) == 0))
		kind |= EVK_UNKNOWN;
	if (p->s.nframes == p->frames_cap)
		fp_grow(&p->s.frames, &p->frames_cap, p->s.nframes + 1, sizeof *p->s.frames);
	f = &p->s.frames[p->s.nframes++];
	base = (size_t)(s - p->base);
	f->ip.off = base + a;
	f->ip.len = e - a;
	f->sym.off = base + sym;
	f->sym.len = se - sym;
	if (kind & EVK_INLINED) {
		f->dso.off = f->dso.len = 0;
	} else {
		f->dso.off = base + d;
		f->dso.len = n - 1 - d;
	}
	f->file.off = f->file.len = f->line.off = f->line.len = 0;
	f->kind = kind;
	f->clean = 1;
	p->s.frame_bytes += f->ip.len + f->sym.len + f->dso.len;
	return 0;
}
#endif

/* The usual frame line, "\t" + spaces + "HEX SYMBOL (DSO)" with nothing
 * to escape, no '>' and no other parenthesis, in fewer steps than
 * parse_frame() (and the same frame, stored in place): s is a copy
 * (copy_line, 32 bytes readable past its end). Returns 0, or -1 if the
 * line is not that simple (parse_frame() decides). */
static int frame_fast(struct perf_parser *p, const char *s, size_t n)
{
#ifdef __SSE2__
	size_t a, e, sym;
	long open;

	if (n < 8 || s[n - 1] != ')' || !(sym = frame_ip(s, &a, &e)))
		return -1;
#ifdef PSCAN_AVX2
	if (p->avx2)
		open = pscan_open_avx2(s + sym, n - 1 - sym);
	else
#endif
		open = pscan_open_sse2(s + sym, n - 1 - sym);
	if (open < 0)
		return -1;
	return frame_store(p, s, n, a, e, sym, sym + (size_t)open);
#else
	(void)p, (void)s, (void)n;
	return -1;
#endif
}

#ifdef PSCAN_AVX2
/* frame_fast() on a line of the block being fed whose end is not known
 * yet: one scan finds it (the first byte that needs an escape must be the
 * LF, before lim) and the dso's parenthesis. Returns the line's length
 * (without the LF), or -1 if it is not that simple (perf_line decides). */
__attribute__((target("avx2"), always_inline))
static inline long frame_feed(struct perf_parser *p, const char *s, const char *lim)
{
	size_t a, e, sym = frame_ip(s, &a, &e), k;
	long open;

	if (!sym || s + sym >= lim)
		return -1;
	open = pscan_frame_avx2(s + sym, (size_t)(lim - s) - sym, &k);
	if (open < 0 || sym + k < 8 || frame_store(p, s, sym + k, a, e, sym, sym + (size_t)open) < 0)
		return -1;
	return (long)(sym + k);
}

/* A memo of the frame lines frames_feed() took (each made one frame).
 * perf prints the same lines over and over (a call site is one line: its
 * address, symbol and dso), and a line equal to one parsed before is the
 * same frame: it is found by comparing the line with the two remembered
 * in its set (chosen by a hash of the address's last digits and the bytes
 * after), 32 bytes at a time, and its frame made from the offsets
 * remembered. A set's two lines share MEMO_SET_TEXT bytes: a new line
 * keeps the set's newer line if both fit, else it is alone (a line is at
 * most MEMO_SET_TEXT bytes; 81 on average in the bench). Its memory is
 * fixed: 256 sets of 232 bytes, 58 KiB, which keeps perf2events' peak
 * RSS at what it was before the memo (issue 16). Instructions on the
 * bench's 20 MiB (tests/bench/gen-perf.sh, 1454 distinct frame lines):
 * 1024 sets 79.7M, 512 sets 84.6M, 256 sets 87.7M. */
#define MEMO_BITS 8		/* sets of two lines */
#define MEMO_SET_TEXT 192	/* bytes of text a set */

struct perf_memo_line {
	/* from the line's start, in the order of struct perf_frame: one
	 * load widened makes the frame's ip and sym (frames_feed) */
	uint16_t ip, ip_len, sym, sym_len, dso, dso_len;
	uint16_t len;		/* its bytes, LF included; 0: an empty slot */
	uint16_t bytes;		/* ip_len + sym_len + dso_len */
	uint8_t at;		/* where its text starts in the set's */
	uint8_t has_dso;	/* 0: dso.off is 0 (no dso, or inlined) */
	uint8_t clean;
	uint8_t kind;
};

/* frames_feed() stores a frame's ip and sym (4 size_t) in one go, and its
 * file and line (zeros) in another */
_Static_assert(sizeof(size_t) == 8 && offsetof(struct perf_frame, ip) == 0 &&
	       offsetof(struct perf_frame, sym) == 16 &&
	       offsetof(struct perf_frame, line) == offsetof(struct perf_frame, file) + 16,
	       "struct perf_frame's layout (frames_feed)");

struct perf_memo_set {
	struct perf_memo_line line[2];	/* the newer first */
	char text[MEMO_SET_TEXT];
};

struct perf_line_memo {
	struct perf_memo_set set[1 << MEMO_BITS];
	char pad[32];		/* memo_eq() reads 32 bytes past any line */
};

/* The set of the frame line at s (32 readable bytes). */
static inline struct perf_memo_set *memo_set(struct perf_line_memo *m, const char *s)
{
	uint64_t a, b;

	memcpy(&a, s + 9, 8);
	memcpy(&b, s + 17, 8);
	return m->set + (((a * 0x9e3779b97f4a7c15ULL) ^ b) * 0xff51afd7ed558ccdULL >> (64 - MEMO_BITS));
}

/* Is the line at s the line l of set st? 32 bytes past its end must be
 * readable, and so must s[0..room). */
__attribute__((target("avx2"), always_inline))
static inline int memo_eq(const char *s, size_t room, const struct perf_memo_set *st,
			  const struct perf_memo_line *l)
{
	const char *t = st->text + l->at;
	size_t len = l->len, i = 0;

	if (len - 1 >= room)	/* an empty slot (len 0), or a line past room */
		return 0;
	for (;;) {
		unsigned ne = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
			_mm256_loadu_si256((const __m256i *)(const void *)(s + i)),
			_mm256_loadu_si256((const __m256i *)(const void *)(t + i))));
		size_t left = len - i;

		if (left <= 32)	/* only its first left bytes count */
			return (ne << (32 - left)) == 0;
		if (ne)
			return 0;
		i += 32;
	}
}

/* frame_feed()'s frame f of the line s[0..len) (LF included, len <=
 * MEMO_SET_TEXT) goes to set st, as its newer line. */
static void memo_put(struct perf_memo_set *st, const char *s, size_t len, const struct perf_frame *f,
		     size_t base)
{
	struct perf_memo_line *l = &st->line[0];
	size_t at = 0;

	/* the newer line stays (as the older) if the new one fits before or
	 * after it; the older goes */
	if (l->len && len > l->at) {
		at = (size_t)l->at + l->len;
		if (at + len > MEMO_SET_TEXT) {
			at = 0;
			l->len = 0;
		}
	}
	st->line[1] = *l;
	memcpy(st->text + at, s, len);
	l->at = (uint8_t)at;
	l->len = (uint16_t)len;
	l->ip = (uint16_t)(f->ip.off - base);
	l->ip_len = (uint16_t)f->ip.len;
	l->sym = (uint16_t)(f->sym.off - base);
	l->sym_len = (uint16_t)f->sym.len;
	l->has_dso = f->dso.off != 0;	/* a dso lies right of the ip */
	l->dso = l->has_dso ? (uint16_t)(f->dso.off - base) : 0;
	l->dso_len = (uint16_t)f->dso.len;
	l->bytes = (uint16_t)(f->ip.len + f->sym.len + f->dso.len);
	l->kind = (uint8_t)f->kind;
	l->clean = (uint8_t)f->clean;
}

static int frame_line(struct perf_parser *p, const char *s, size_t n, int tab);

/* A frame line from d that frame_feed() does not take (a symbol with
 * parentheses, bytes to escape), as perf_line() takes it, if its LF is
 * before lim: its length without the LF, or -1 (perf_line() decides). */
static long frame_general(struct perf_parser *p, const char *d, const char *lim)
{
	const char *nl = memchr(d, '\n', (size_t)(lim - d));
	size_t n;

	if (!nl)
		return -1;
	n = (size_t)(nl - d);
	while (n > 0 && d[n - 1] == '\r')	/* perf_line()'s trim */
		n--;
	if (n == 0 || frame_line(p, d, n, 1) < 0)
		return -1;
	return nl - d;
}

/* A frame line of frames_feed() not in the memo: frame_feed() or, if it
 * refuses, frame_general() (kept out of frames_feed()'s loop, which has
 * its registers for the memo's lines); its frame goes to set st. Returns
 * the line's length without the LF, or -1. */
__attribute__((target("avx2"), noinline))
static long frame_miss(struct perf_parser *p, struct perf_memo_set *st, const char *d,
		       const char *lim)
{
	size_t before = p->s.nframes, base = (size_t)(d - p->base);
	long k = frame_feed(p, d, lim);

	if (k < 0)
		k = frame_general(p, d, lim);
	/* one frame (an inlined chain, "a->b", makes more) */
	if (k >= 0 && (size_t)k < MEMO_SET_TEXT && p->s.nframes == before + 1)
		memo_put(st, d, (size_t)k + 1, &p->s.frames[p->s.nframes - 1], base);
	return k;
}

/* The frame lines from d on (d < lim): from the memo, else by
 * frame_miss(). A frame from the memo is stored with vector moves, and
 * the sample's counts are kept in locals (the stores to a frame could
 * alias them), written back around frame_miss() and at the end. Returns
 * where it stopped: a line perf_line() decides, or lim. */
__attribute__((target("avx2")))
static const char *frames_feed(struct perf_parser *p, const char *d, const char *lim)
{
	struct perf_line_memo *memo = p->memo;
	struct perf_memo_set *st;
	struct perf_memo_line *m;
	struct perf_frame *f, *fend;
	size_t bytes = p->s.frame_bytes;
	const char *pbase = p->base;
	uint64_t lines = 0;
	unsigned clean = 1;
	/* the offsets of ip and sym get base added, not their lengths */
	const __m256i offs = _mm256_set_epi64x(0, -1, 0, -1);

	if (!memo)
		memo = p->memo = fp_calloc(1, sizeof *memo);
	/* the pointers need an array (NULL + 0: UBSan, fuzz) */
	if (!p->s.frames)
		fp_grow(&p->s.frames, &p->frames_cap, 1, sizeof *p->s.frames);
	f = p->s.frames + p->s.nframes;
	fend = p->s.frames + p->frames_cap;
	while (d < lim && *d == '\t') {
		size_t room = (size_t)(lim - d);
		long k;

		if (f == fend) {
			size_t n = (size_t)(f - p->s.frames);

			fp_grow(&p->s.frames, &p->frames_cap, n + 1, sizeof *p->s.frames);
			f = p->s.frames + n;
			fend = p->s.frames + p->frames_cap;
		}
		st = memo_set(memo, d);
		m = st->line;
		if (memo_eq(d, room, st, m) || memo_eq(d, room, st, ++m)) {
			size_t base = (size_t)(d - pbase);
			__m256i ipsym = _mm256_cvtepu16_epi64(
				_mm_loadl_epi64((const __m128i *)(const void *)&m->ip));

			ipsym = _mm256_add_epi64(ipsym, _mm256_and_si256(
				_mm256_set1_epi64x((long long)base), offs));
			_mm256_storeu_si256((__m256i *)(void *)&f->ip, ipsym);
			_mm256_storeu_si256((__m256i *)(void *)&f->file, _mm256_setzero_si256());
			f->dso.off = m->has_dso ? base + m->dso : 0;
			f->dso.len = m->dso_len;
			f->kind = m->kind;
			f->clean = m->clean;
			f++;
			clean &= m->clean;
			bytes += m->bytes;
			lines++;
			d += m->len;
			continue;
		}
		p->s.nframes = (size_t)(f - p->s.frames);
		p->s.frame_bytes = bytes;
		k = frame_miss(p, st, d, lim);
		f = p->s.frames + p->s.nframes;
		fend = p->s.frames + p->frames_cap;
		bytes = p->s.frame_bytes;
		if (k < 0)
			break;
		lines++;
		d += k + 1;
	}
	p->s.nframes = (size_t)(f - p->s.frames);
	p->s.frame_bytes = bytes;
	if (!clean)
		p->s.plain = 0;
	if (lines) {
		p->lineno += lines;
		p->last_was_frame = 1;
	}
	return d;
}
#endif

/* A frame line from its first non-blank byte (tab: from a tab and then
 * spaces, perf's indent). Returns 0, or -1 if it is not one. */
static int frame_line(struct perf_parser *p, const char *s, size_t n, int tab)
{
	size_t mark = p->text.len, i = 0;

	s = keep_line(p, s, n, 0);
	if (tab && frame_fast(p, s, n) == 0) {
		p->last_was_frame = 1;
		return 0;
	}
	if (tab)
		i = skip_blanks(s, n);
	else
		while (i < n && is_space(s[i]))
			i++;
	if (i < n && parse_frame(p, s + i, n - i) == 0) {
		p->last_was_frame = 1;
		return 0;
	}
	p->text.len = mark;
	return -1;
}

/* A header's part right of its time: a side-band record's or a sample's. */
static void head_right(struct perf_parser *p, const char *r, size_t rn)
{
	long sb = sideband_at(r, rn);

	if (sb >= 0)
		sideband(p, r + sb, rn - (size_t)sb);
	else
		parse_right(p, r, rn);
}

#ifdef __SSE2__
/* A memo of sample headers, for the lines perf_feed() reads in place (64
 * bytes readable past their end): a thread's headers differ in their time
 * only, mostly. What parse_left() finds depends on the bytes before the
 * time alone, and what parse_right() finds on those after it: a header
 * whose bytes before the time are those of one remembered (in the slot of
 * its first 24 bytes), followed by a time as perf_find_time() takes it,
 * is that header's comm, ids and cpu; and if its bytes after the time are
 * those remembered too, its period and event. The bytes before the time
 * cannot hold one (perf_find_time() would have found it): so the time is
 * where it was. */
#define HEAD_SLOTS 64
#define HEAD_LEFT 64
#define HEAD_RIGHT 48

struct perf_head_memo {
	char left[HEAD_LEFT + 16];	/* the bytes before the time */
	char right[HEAD_RIGHT + 16];	/* the bytes after its ':' */
	size_t tlen;			/* of left; 0: an empty slot */
	size_t rlen;			/* of right; -1: not remembered */
	int cpu;
	struct ptext pid, tid, comm;	/* from the line's start */
	int64_t period;
	struct ptext period_text, event;	/* from the right part's start */
	int has_event;
};

static inline struct perf_head_memo *head_slot(struct perf_head_memo *m, const char *s)
{
	uint64_t a, b, c;

	memcpy(&a, s, 8);
	memcpy(&b, s + 8, 8);
	memcpy(&c, s + 16, 8);
	return m + (((a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL) ^ c) *
		    0xff51afd7ed558ccdULL >> 58);
}

/* a[0..n) == b[0..n), 16 bytes at a time (both readable up to the next
 * multiple of 16) */
static inline int eq16(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i + 16 <= n; i += 16)
		if ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const __m128i *)(const void *)(a + i)),
			    _mm_loadu_si128((const __m128i *)(const void *)(b + i)))) != 0xffffu)
			return 0;
	return i == n ||
	       ((~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(a + i)),
			_mm_loadu_si128((const __m128i *)(const void *)(b + i))))) &
		((1u << (n - i)) - 1)) == 0;
}

/* What head_right() found of r[0..rn) goes to m: a sample's period and
 * event, when no frame followed on the line (else m keeps no right part). */
static void head_remember_right(struct perf_parser *p, struct perf_head_memo *m, const char *r,
				size_t rn)
{
	size_t off = (size_t)(r - p->base);

	m->rlen = (size_t)-1;
	if (!p->in_sample || p->s.nframes || rn > HEAD_RIGHT)
		return;
	memcpy(m->right, r, rn);
	m->rlen = rn;
	m->period = p->s.period;
	m->period_text = p->s.period_text;
	if (m->period_text.len)	/* else absent */
		m->period_text.off -= off;
	/* a saved event lies right of the time (its offset is not 0), an
	 * absent one is {0, 0} */
	m->has_event = p->s.event.off != 0;
	m->event = p->s.event;
	if (m->has_event)
		m->event.off -= off;
}

/* The header just parsed, s[0..t) left of its time and r[0..rn) right of
 * it, goes to its slot of the memo. */
static void head_remember(struct perf_parser *p, const char *s, size_t t, const char *r, size_t rn)
{
	struct perf_head_memo *m;
	size_t off = (size_t)(s - p->base);

	if (t > HEAD_LEFT)
		return;
	if (!p->head_memo)
		p->head_memo = fp_calloc(HEAD_SLOTS, sizeof *p->head_memo);
	m = head_slot(p->head_memo, s);
	memcpy(m->left, s, t);
	m->tlen = t;
	m->cpu = p->s.cpu;
	m->pid = p->s.pid;
	m->tid = p->s.tid;
	m->comm = p->s.comm;
	if (m->pid.len)	/* else absent: {0, 0} */
		m->pid.off -= off;
	if (m->tid.len)
		m->tid.off -= off;
	m->comm.off -= off;
	head_remember_right(p, m, r, rn);
}

/* The length of the run of digits at s, 16 bytes at a time (the line
 * has 64 readable bytes past its end, and the byte at its end is not a
 * digit: an LF or a CR): it does not go past the line. */
static inline size_t digit_run(const char *s)
{
	size_t i = 0;

	for (;;) {
		__m128i x = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)),
					 _mm_set1_epi8('0'));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(9)), x));

		if (m != 0xffff)
			return i + (size_t)__builtin_ctz(~m);
		i += 16;
	}
}

/* The header s[0..n) from the memo (p->feeding: 64 bytes readable past
 * it): 0, or -1 if the memo does not know its left part. */
static int head_from_memo(struct perf_parser *p, const char *s, size_t n, uint64_t lineno)
{
	struct perf_head_memo *m;
	size_t t, q, c, tend, off, rn;
	const char *r;
	int64_t ns;

	if (!p->head_memo)
		return -1;
	m = head_slot(p->head_memo, s);
	t = m->tlen;
	if (!t || t >= n || !eq16(s, m->left, t))
		return -1;
	/* perf_find_time()'s time at t: digits '.' 6 or 9 digits ':' and a
	 * blank or the end */
	q = t + digit_run(s + t);
	if (q == t || q >= n || s[q] != '.')
		return -1;
	c = q + 1 + digit_run(s + q + 1);
	if ((c - q - 1 != 6 && c - q - 1 != 9) || c >= n || s[c] != ':' ||
	    (c + 1 != n && !is_space(s[c + 1])))
		return -1;
	tend = c;
	begin(p, lineno);
	s = keep_line(p, s, n, 1);
	off = (size_t)(s - p->base);
	p->s.cpu = m->cpu;
	if (m->pid.len)	/* else absent: {0, 0} */
		p->s.pid = (struct ptext){ m->pid.off + off, m->pid.len };
	if (m->tid.len)
		p->s.tid = (struct ptext){ m->tid.off + off, m->tid.len };
	p->s.comm = (struct ptext){ m->comm.off + off, m->comm.len };	/* always saved */
	if (header_time(s + t, tend - t, &ns) == 0) {
		p->s.time = ns;
		p->s.time_text = save(p, s + t, tend - t);
	}
	r = s + tend + 1;
	rn = n - tend - 1;
	if (rn == m->rlen && eq16(r, m->right, rn)) {
		off = (size_t)(r - p->base);
		p->s.period = m->period;
		if (m->period_text.len)
			p->s.period_text = (struct ptext){ m->period_text.off + off, m->period_text.len };
		if (m->has_event)
			p->s.event = (struct ptext){ m->event.off + off, m->event.len };
		return 0;
	}
	head_right(p, r, rn);
	head_remember_right(p, m, r, rn);
	return 0;
}
#endif

int perf_line(struct perf_parser *p, const char *s, size_t n, uint64_t lineno, const char **why)
{
	size_t tend;
	long t;
	const char *hit;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	/* perf indents frames with a tab; headers never start with one */
	if (n > 0 && s[0] == '\t' && p->in_sample && frame_line(p, s, n, 1) == 0)
		return 0;
	if (n == 0 || all_blank(s, n)) {
		p->last_was_frame = 0;
		return 0;
	}
	if (s[0] == '#') {
		if (n > 12 && memcmp(s, "# cmdline : ", 12) == 0 && p->header)
			p->header("command", s + 12, n - 12, p->ctx);
		return 0;
	}
#ifdef __SSE2__
	if (p->feeding && !is_space(s[0]) && head_from_memo(p, s, n, lineno) == 0)
		return 0;
#endif
	t = perf_find_time(s, n, &tend);
	if (t >= 0) {
		int64_t ns;

		begin(p, lineno);
		s = keep_line(p, s, n, 1);
		parse_left(p, s, (size_t)t);
		if (header_time(s + t, tend - (size_t)t, &ns) == 0) {
			p->s.time = ns;
			p->s.time_text = save(p, s + t, tend - (size_t)t);
		}
		head_right(p, s + tend + 1, n - tend - 1);
#ifdef __SSE2__
		if (p->feeding && !is_space(s[0]))
			head_remember(p, s, (size_t)t, s + tend + 1, n - tend - 1);
#endif
		return 0;
	}
	/* a side-band record printed without the time field */
	if (!is_space(s[0]) && (hit = memmem(s, n, " PERF_RECORD_", 13)) != NULL) {
		size_t at = (size_t)(hit - s);

		begin(p, lineno);
		s = keep_line(p, s, n, 1);
		parse_left(p, s, at);
		sideband(p, s + at + 1, n - at - 1);
		return 0;
	}
	if (old_header(p, s, n, lineno) == 0)
		return 0;
	if (p->in_sample && frame_line(p, s, n, 0) == 0)
		return 0;
	if (srcline(p, s, n) == 0)
		return 0;
	if (!p->in_sample) {
		*why = "frame or text before the first sample header";
		return -1;
	}
	*why = "unrecognized line";
	return -1;
}

void perf_init(struct perf_parser *p)
{
	memset(p, 0, sizeof *p);
#ifdef PSCAN_AVX2
	p->avx2 = pscan_avx2();
#endif
}

/* One line of perf_feed() (its LF excluded), counted. */
static void feed_line(struct perf_parser *p, const char *s, size_t n)
{
	const char *why;

	p->lineno++;
	if (perf_line(p, s, n, p->lineno, &why) < 0 && p->skip)
		p->skip(p->lineno, why, p->ctx);
}

void perf_feed(struct perf_parser *p, const char *d, size_t n)
{
	const char *end = d + n, *nl, *w, *fast;

	if (p->carry.len) {	/* the end of the line the last block began */
		size_t len;

		nl = memchr(d, '\n', n);
		if (!nl) {
			buf_add(&p->carry, d, n);
			return;
		}

		buf_add(&p->carry, d, (size_t)(nl - d));
		len = p->carry.len;
		p->carry.len = 0;
		feed_line(p, p->carry.p, len);
		d = nl + 1;
	}
	nl = d < end ? memrchr(d, '\n', (size_t)(end - d)) : NULL;
	if (!nl) {
		buf_add(&p->carry, d, (size_t)(end - d));
		return;
	}
	w = nl + 1;	/* the end of the whole lines */
	fast = w - d > BLOCK_MARGIN ? w - BLOCK_MARGIN : d;
	p->feeding = 1;
	while (d < fast) {
#ifdef PSCAN_AVX2
		if (*d == '\t' && p->in_block && p->in_sample && p->avx2) {
			const char *e = frames_feed(p, d, fast);

			if (e != d) {
				d = e;
				continue;
			}
		}
#endif
		if (*d == '\n') {	/* a blank line: what perf_line() does of it */
			p->lineno++;
			p->last_was_frame = 0;
			d++;
			continue;
		}
		nl = memchr(d, '\n', (size_t)(w - d));
		if (nl >= fast)
			break;
		feed_line(p, d, (size_t)(nl - d));
		d = nl + 1;
	}
	p->feeding = 0;
	detach(p, d);
	while (d < w) {
		nl = memchr(d, '\n', (size_t)(w - d));
		feed_line(p, d, (size_t)(nl - d));
		d = nl + 1;
	}
	buf_add(&p->carry, w, (size_t)(end - w));
}

void perf_end(struct perf_parser *p)
{
	if (p->carry.len) {	/* a last line without LF */
		size_t n = p->carry.len;

		p->carry.len = 0;
		feed_line(p, p->carry.p, n);
	}
	finish(p);
}

void perf_free(struct perf_parser *p)
{
	buf_free(&p->text);
	buf_free(&p->carry);
	free(p->s.frames);
	free(p->memo);
	free(p->head_memo);
	memset(p, 0, sizeof *p);
}
