/* write.c - perf2events' S records written in one go
 *
 * Most samples need no escape anywhere (the parser marks the frames whose
 * text it saw clean, comm and event are checked here): their record is
 * copied straight into the output buffer, field by field, with no escape
 * scan and no per-byte bookkeeping. A frame not seen clean (Java's
 * "Lcom/Foo;" symbols) is escaped here too, 16 bytes at a time. Anything
 * else (a comm or event to escape, a srcline, a record bigger than the
 * buffer) goes through the general writer of events.h; both give the same
 * bytes (tests/check.d/perf-captures.sh).
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../../common/bytes.h"
#include "../../common/digits.h"
#include "../../common/events.h"
#include "../../common/out.h"
#include "../../common/perfscan.h"
#include "write.h"

/* An identity field written as it is: empty (written "-") or clean and
 * not a lone "-" (ev_put_field's rules). */
static int plain_field(const char *text, struct ptext t)
{
	struct pscan sc;

	if (t.len == 0)
		return 1;
	if (t.len == 1 && text[t.off] == '-')
		return 0;
#ifdef __SSE2__
	if (t.len < 16)	/* one load: the text has 16 bytes past a field */
		return ((unsigned)_mm_movemask_epi8(pscan_special(
				_mm_loadu_si128((const __m128i *)(const void *)(text + t.off)), 0)) &
			((1u << t.len) - 1)) == 0;
#endif
	pscan(text + t.off, t.len, &sc);
	return !sc.escape;
}

/* a[0..n) == b[0..n), n <= 64, 16 bytes at a time: both have the bytes
 * up to the next multiple of 16 readable (the parser's text has 16 more
 * after a field, p2e_plain's texts are 64 bytes). */
static inline __attribute__((always_inline)) int same16(const char *a, const char *b, size_t n)
{
#ifdef __SSE2__
	size_t i = 0;

	for (;;) {
		unsigned d = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(a + i)),
			_mm_loadu_si128((const __m128i *)(const void *)(b + i)))) & 0xffff;

		if (n - i <= 16)
			return (d & ((1u << (n - i)) - 1)) == 0;
		if (d)
			return 0;
		i += 16;
	}
#else
	return bytes_eq(a, b, n);
#endif
}

/* plain_cached() of a field that is not the one remembered */
static __attribute__((noinline)) int plain_new(struct p2e_plain *c, int k, const char *text,
					      struct ptext t)
{
	if (!plain_field(text, t))
		return 0;
	if (t.len <= sizeof c->text[k]) {
		memcpy(c->text[k], text + t.off, t.len);
		c->len[k] = t.len;
	}
	return 1;
}

/* The last comm (k 0) and event (k 1) found plain: samples repeat them
 * (that check inlined, the rest in plain_new()). */
static inline int plain_cached(struct p2e_plain *c, int k, const char *text, struct ptext t)
{
	if (t.len == c->len[k] && (t.len == 0 || same16(text + t.off, c->text[k], t.len)))
		return 1;
	return plain_new(c, k, text, t);
}

/* A field of at least one byte, 16 at a time: the parser's copy of a line
 * has 16 more bytes after it, the record's bound 16 more than it needs. */
static char *put(char *w, const char *text, struct ptext t)
{
	const char *p = text + t.off;
	size_t k = 0;

	do {
		memcpy(w + k, p + k, 16);
		k += 16;
	} while (k < t.len);
	return w + t.len;
}

/* A frame's symbol (at least one byte): its first 32 bytes in one go
 * (most symbols are shorter), then 16 at a time. A frame line has 32
 * readable bytes past its end (perfscript.c's LINE_PAD and BLOCK_MARGIN),
 * the record's bound 64 a frame. */
static inline char *put_sym(char *w, const char *text, struct ptext t)
{
	const char *p = text + t.off;
	size_t k = 32;

	memcpy(w, p, 16);
	memcpy(w + 16, p + 16, 16);
	while (k < t.len) {
		memcpy(w + k, p + k, 16);
		k += 16;
	}
	return w + t.len;
}

static char *put_field(char *w, const char *text, struct ptext t)
{
	if (t.len == 0) {
		*w++ = '-';
		return w;
	}
	return put(w, text, t);
}

static char *put_lit(char *w, const char *lit, size_t n)
{
	memcpy(w, lit, n);
	return w + n;
}

/* Is the header's "SECS.FRAC" (6 or 9 decimals: perfscript.c) what
 * ev_put_time() writes of it, once 6 decimals are made 9? Yes if SECS has
 * no leading zero and at most 9 digits (its value then needs no check). */
static int time_as_printed(const char *text, struct ptext t)
{
	const char *p = text + t.off;
	size_t il;

	if (t.len < 8)
		return 0;
	il = t.len - (p[t.len - 7] == '.' ? 7 : 10);
	return il <= 9 && (p[0] != '0' || il == 1);
}

/* "S\tTIME\tPID\tTID\tCPU\tCOMM\tEVENT\tWEIGHT\t" (ev_put_head) */
static char *put_head(char *w, const struct perf_sample *s, const char *text)
{
	w = put_lit(w, "S\t", 2);
	if (s->time == EV_NONE) {
		*w++ = '-';
	} else if (time_as_printed(text, s->time_text)) {
		/* 6 decimals made 9 */
		w = put(w, text, s->time_text);
		if (w[-7] == '.')
			w = put_lit(w, "000", 3);
	} else {
		w = digits_put_time(w, (uint64_t)s->time);
	}
	*w++ = '\t';
	w = put_field(w, text, s->pid);
	*w++ = '\t';
	w = put_field(w, text, s->tid);
	*w++ = '\t';
	if (s->cpu >= 0)
		w = digits_put(w, (uint64_t)s->cpu);
	else
		*w++ = '-';
	*w++ = '\t';
	w = put_field(w, text, s->comm);
	*w++ = '\t';
	w = put_field(w, text, s->event);
	*w++ = '\t';
	if (s->period >= 0 && s->period_text.len &&
	    (text[s->period_text.off] != '0' || s->period_text.len == 1))
		w = put(w, text, s->period_text);	/* the digits as printed, no leading zero */
	else
		w = digits_put(w, (uint64_t)(s->period >= 0 ? s->period : 1));
	*w++ = '\t';
	return w;
}

/* The escape of byte c (evwrite.c's rules): "\\", "\t", "\n", "\r" or
 * "\xHH". */
static char *put_esc1(char *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	w[0] = '\\';
	switch (c) {
	case '\\': w[1] = '\\'; return w + 2;
	case '\t': w[1] = 't'; return w + 2;
	case '\n': w[1] = 'n'; return w + 2;
	case '\r': w[1] = 'r'; return w + 2;
	default:
		w[1] = 'x';
		w[2] = hex[c >> 4];
		w[3] = hex[c & 15];
		return w + 4;
	}
}

/* p[0..n) escaped as ev_put_escaped() does (a byte below 0x20, '\\',
 * ';', '`' or 0x7f), a byte at a time: put_escaped() of the builds
 * without SSE2 (tests/unit/p2e-write.c checks both on the same fields). */
static inline char *put_escaped_bytes(char *w, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == '\\' || c == ';' || c == '`' || c == 0x7f)
			w = put_esc1(w, c);
		else
			*w++ = (char)c;
	}
	return w;
}

/* A field of at least one byte, escaped (put_escaped_bytes), 16 bytes at
 * a time: the clean bytes before the next escape stored in one go (the
 * record's bound leaves 16 bytes after 4 per byte of the field). */
static char *put_escaped(char *w, const char *text, struct ptext t)
{
#ifdef __SSE2__
	const char *p = text + t.off;
	size_t i = 0, n = t.len;

	for (;;) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(pscan_special(x, 0));
		size_t k = m ? (size_t)__builtin_ctz(m) : 16;

		_mm_storeu_si128((__m128i *)(void *)w, x);
		if (k >= n - i)
			return w + (n - i);
		w += k;
		i += k;
		if (k < 16)
			w = put_esc1(w, (unsigned char)p[i++]);
		if (i == n)
			return w;
	}
#else
	return put_escaped_bytes(w, text + t.off, t.len);
#endif
}

/* One frame as ev_put_frame() writes it, with perf2events' attributes,
 * its fields escaped (put_escaped) when esc, else copied as the parser
 * saw them clean; always inlined, so each caller's esc is a constant. */
static inline __attribute__((always_inline)) char *frame_as(char *w, const struct perf_frame *f,
							    const char *text, int addrs, int dso, int esc)
{
	int unknown = (f->kind & EVK_UNKNOWN) != 0;

	if (!esc && !(f->kind | addrs | dso))	/* the usual frame: its symbol (never empty then) */
		return put(w, text, f->sym);
	if (f->sym.len)
		w = esc ? put_escaped(w, text, f->sym) : put(w, text, f->sym);
	else
		w = put_lit(w, "[unknown]", 9);
	if (f->kind & EVK_KERNEL)
		w = put_lit(w, "`kernel", 7);
	if (f->kind & EVK_JIT)
		w = put_lit(w, "`jit", 4);
	if (f->kind & EVK_INLINED)
		w = put_lit(w, "`inlined", 8);
	if (unknown || f->sym.len == 0)
		w = put_lit(w, "`unknown", 8);
	if (f->kind & EVK_IDLE)
		w = put_lit(w, "`idle", 5);
	if ((unknown || dso) && f->dso.len) {
		w = put_lit(w, "`dso=", 5);
		w = esc ? put_escaped(w, text, f->dso) : put(w, text, f->dso);
	}
	if ((unknown || addrs) && f->ip.len) {
		w = put_lit(w, "`addr=", 6);
		w = esc ? put_escaped(w, text, f->ip) : put(w, text, f->ip);
	}
	return w;
}

/* A frame the parser saw clean (inlined: the plain samples' loop is the
 * hot one) */
static inline __attribute__((always_inline)) char *put_frame(char *w, const struct perf_frame *f, const char *text, int addrs, int dso)
{
	return frame_as(w, f, text, addrs, dso, 0);
}

/* The frames of a plain sample, root first, each followed by ';', with
 * no addr= or dso= asked for (f: past the last, first: the first): a
 * frame neither unknown nor idle is its symbol (never empty then) and
 * `kernel, `jit or `inlined (8-byte stores: the record's bound has 64
 * bytes a frame); the others as put_frame() writes them. */
static char *put_frames_plain(char *w, const struct perf_frame *first, const struct perf_frame *f,
			      const char *text)
{
	do {
		unsigned k = (--f)->kind;

		if (k & (EVK_UNKNOWN | EVK_IDLE)) {
			w = put_frame(w, f, text, 0, 0);
		} else {
			w = put_sym(w, text, f->sym);
			if (k & EVK_KERNEL)
				w = put_lit(w, "`kernel", 8) - 1;
			if (k & EVK_JIT)
				w = put_lit(w, "`jit", 4);
			if (k & EVK_INLINED)
				w = put_lit(w, "`inlined", 8);
		}
		*w++ = ';';
	} while (f != first);
	return w;
}

/* A frame whose fields need escaping */
static char *put_frame_escaped(char *w, const struct perf_frame *f, const char *text, int addrs, int dso)
{
	return frame_as(w, f, text, addrs, dso, 1);
}

/* The frames of a sample not plain (none with a file or a line): those
 * not clean escaped. */
static __attribute__((noinline)) char *put_frames_escaped(char *w, const struct perf_sample *s,
							 const char *text, int addrs, int dso)
{
	size_t i;

	for (i = s->nframes; i-- > 0;) {
		const struct perf_frame *f = &s->frames[i];

		w = f->clean ? put_frame(w, f, text, addrs, dso) :
			       put_frame_escaped(w, f, text, addrs, dso);
		if (i > 0)
			*w++ = ';';
	}
	return w;
}

int p2e_write_direct(struct p2e_plain *c, const struct perf_sample *s, const char *text,
		     int addrs, int dso)
{
	size_t bound = 112 + s->pid.len + s->tid.len + s->comm.len + s->event.len +
			  (s->plain ? 1 : 4) * s->frame_bytes + 64 * s->nframes;
	char *w;

	if ((s->time != EV_NONE && s->time < 0) || s->srcline)
		return -1;
	/* pid and tid are digits (perfscript.c) */
	if (!plain_cached(c, 0, text, s->comm) || !plain_cached(c, 1, text, s->event))
		return -1;
	w = out_reserve(bound);
	if (!w)
		return -1;
	w = put_head(w, s, text);
	if (!s->plain) {
		w = put_frames_escaped(w, s, text, addrs, dso);
		*w++ = '\n';
	} else if (s->nframes == 0) {
		*w++ = '\n';
	} else {
		/* root first, each frame followed by ';': the last one
		 * becomes the LF */
		const struct perf_frame *f = s->frames + s->nframes, *first = s->frames;

		if (!(addrs | dso)) {
			w = put_frames_plain(w, first, f, text);
		} else {
			do {
				w = put_frame(w, --f, text, addrs, dso);
				*w++ = ';';
			} while (f != first);
		}
		w[-1] = '\n';
	}
	out_commit(w);
	return 0;
}
