/* evwrite.c - the flamepipe events format (docs/events.md): the writers
 * (ev_put_*, ev_buf_*), to the buffered stdout of out.h or a buffer; the
 * reader is events.c */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "digits.h"
#include "events.h"
#include "out.h"

/* ---- emitting ---- */

/* 1 for the bytes that need an escape inside a field. */
static const unsigned char needs_escape[256] = {
	[0 ... 0x1f] = 1, ['\\'] = 1, [';'] = 1, ['`'] = 1, [0x7f] = 1,
};

void ev_put_magic(void)
{
	out_puts(EV_MAGIC "\n");
}

void ev_put_time(int64_t ns)
{
	char tmp[32], *p;

	if (ns == EV_NONE) {
		out_putc('-');
		return;
	}
	p = digits_time(tmp + sizeof tmp, ns);
	out_write(p, (size_t)(tmp + sizeof tmp - p));
}

/* Nonzero if any byte of the 8 in x needs an escape (SWAR: a byte below
 * 0x20, or equal to '\\', ';', '`' or 0x7f). */
static inline uint64_t word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t r = (x - ones * 0x20) & ~x & high;

#define HAS_BYTE(b) ((((x ^ (ones * (b))) - ones) & ~(x ^ (ones * (b)))) & high)
	r |= HAS_BYTE('\\') | HAS_BYTE(';') | HAS_BYTE('`') | HAS_BYTE(0x7f);
#undef HAS_BYTE
	return r;
}

/* The length of the prefix of p that needs no escape. */
static size_t clean_prefix(const char *p, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i lim = _mm_set1_epi8(0x1f), bs = _mm_set1_epi8('\\'),
		      semi = _mm_set1_epi8(';'), tick = _mm_set1_epi8('`'),
		      del = _mm_set1_epi8(0x7f);

	while (i + 16 <= n) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(x, lim), x);	/* x <= 0x1f */

		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, bs));
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, semi));
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, tick));
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, del));
		if (_mm_movemask_epi8(hit))
			break;
		i += 16;
	}
#endif
	while (i + 8 <= n) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (word_needs_escape(w))
			break;
		i += 8;
	}
	while (i < n && !needs_escape[(unsigned char)p[i]])
		i++;
	return i;
}

/* The escape sequence of a byte that needs one, into e; its length. */
static size_t escape_seq(unsigned char c, char e[4])
{
	static const char hex[] = "0123456789abcdef";

	e[0] = '\\';
	switch (c) {
	case '\\': e[1] = '\\'; return 2;
	case '\t': e[1] = 't'; return 2;
	case '\n': e[1] = 'n'; return 2;
	case '\r': e[1] = 'r'; return 2;
	default:
		e[1] = 'x';
		e[2] = hex[c >> 4];
		e[3] = hex[c & 15];
		return 4;
	}
}

/* The writers below go to b, or to stdout (out.h) when b is NULL. */
static inline void put_or_add(struct buf *b, const char *p, size_t n)
{
	if (b)
		buf_add(b, p, n);
	else
		out_write(p, n);
}

static void escaped(struct buf *b, const char *p, size_t n)
{
	size_t i, run = 0;
	char e[4];

	if (n == 0)	/* p may be NULL */
		return;
	i = clean_prefix(p, n);
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!needs_escape[c])
			continue;
		put_or_add(b, p + run, i - run);
		run = i + 1;
		put_or_add(b, e, escape_seq(c, e));
	}
	put_or_add(b, p + run, n - run);
}

static void field(struct buf *b, const char *p, size_t n)
{
	if (p == NULL || n == 0)
		put_or_add(b, "-", 1);
	else if (n == 1 && p[0] == '-')
		put_or_add(b, "\\x2d", 4);
	else
		escaped(b, p, n);
}

void ev_put_escaped(const char *p, size_t n)
{
	escaped(NULL, p, n);
}

void ev_buf_escaped(struct buf *b, const char *p, size_t n)
{
	escaped(b, p, n);
}

void ev_buf_field(struct buf *b, const char *p, size_t n)
{
	field(b, p, n);
}

void ev_put_field(const char *p, size_t n)
{
	field(NULL, p, n);
}

static void put_type_time(char type, int64_t time)
{
	out_putc(type);
	out_putc('\t');
	ev_put_time(time);
	out_putc('\t');
}

static void put_weight(int64_t weight)
{
	if (weight == EV_NONE)
		out_putc('-');
	else
		out_i64(weight);
	out_putc('\t');
}

/* In place (the head's room reserved in the output buffer, with the
 * margin the _wide digit writers need): what ev_put_field() writes, at w;
 * the end. */
static char *field_at(char *w, const char *p, size_t n)
{
	size_t i;

	if (p == NULL || n == 0) {
		*w++ = '-';
		return w;
	}
	if (n == 1 && p[0] == '-')
		return memcpy(w, "\\x2d", 4), w + 4;
	i = clean_prefix(p, n);
	memcpy(w, p, i);
	w += i;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (needs_escape[c])
			w += escape_seq(c, w);
		else
			*w++ = (char)c;
	}
	return w;
}

void ev_put_head(char type, int64_t time, struct slice pid, struct slice tid, int cpu,
		 struct slice comm, struct slice event, int64_t weight)
{
	size_t text = pid.n + tid.n + comm.n + event.n;
	char *w;

	/* the worst case: every byte escaped as \xHH, numbers of 21 bytes and 8
	 * more stored past them */
	if (text < OUT_BUFSIZE / 8 && (w = out_reserve(4 * text + 3 * 32)) != NULL) {
		*w++ = type;
		*w++ = '\t';
		w = ev_time_at(w, time);
		*w++ = '\t';
		w = field_at(w, pid.p, pid.n);
		*w++ = '\t';
		w = field_at(w, tid.p, tid.n);
		*w++ = '\t';
		w = ev_i64_at(w, cpu >= 0 ? cpu : EV_NONE);
		*w++ = '\t';
		w = field_at(w, comm.p, comm.n);
		*w++ = '\t';
		w = field_at(w, event.p, event.n);
		*w++ = '\t';
		w = ev_i64_at(w, weight);
		*w++ = '\t';
		out_commit(w);
		return;
	}
	put_type_time(type, time);
	ev_put_field(pid.p, pid.n);
	out_putc('\t');
	ev_put_field(tid.p, tid.n);
	out_putc('\t');
	if (cpu >= 0)
		out_i64(cpu);
	else
		out_putc('-');
	out_putc('\t');
	ev_put_field(comm.p, comm.n);
	out_putc('\t');
	ev_put_field(event.p, event.n);
	out_putc('\t');
	put_weight(weight);
}

static void put_text(struct slice s)
{
	if (s.n)
		out_write(s.p, s.n);
}

void ev_put_head_escaped(char type, int64_t time, struct slice pid, struct slice tid,
			 struct slice cpu_comm_event, int64_t weight)
{
	size_t text = pid.n + tid.n + cpu_comm_event.n;
	char *w;

	/* in place as ev_put_head(), the fields copied as they are */
	if (text < OUT_BUFSIZE / 2 && (w = out_reserve(text + 2 * 32 + 8)) != NULL) {
		*w++ = type;
		*w++ = '\t';
		w = ev_time_at(w, time);
		*w++ = '\t';
		w = bytes_put(w, pid.p, pid.n);
		*w++ = '\t';
		w = bytes_put(w, tid.p, tid.n);
		*w++ = '\t';
		w = bytes_put(w, cpu_comm_event.p, cpu_comm_event.n);
		*w++ = '\t';
		w = ev_i64_at(w, weight);
		*w++ = '\t';
		out_commit(w);
		return;
	}
	put_type_time(type, time);
	put_text(pid);
	out_putc('\t');
	put_text(tid);
	out_putc('\t');
	put_text(cpu_comm_event);
	out_putc('\t');
	put_weight(weight);
}

static void put_attr(const char *key, struct slice v)
{
	if (v.n == 0)
		return;
	out_putc('`');
	out_puts(key);
	ev_put_escaped(v.p, v.n);
}

void ev_put_frame(const struct ev_frame_out *f)
{
	if (f->name.n)
		ev_put_escaped(f->name.p, f->name.n);
	else
		out_puts("[unknown]");
	if (f->kind & EVK_KERNEL)
		out_puts("`kernel");
	if (f->kind & EVK_JIT)
		out_puts("`jit");
	if (f->kind & EVK_INLINED)
		out_puts("`inlined");
	if ((f->kind & EVK_UNKNOWN) || f->name.n == 0)
		out_puts("`unknown");
	if (f->kind & EVK_IDLE)
		out_puts("`idle");
	put_attr("dso=", f->dso);
	put_attr("addr=", f->addr);
	put_attr("file=", f->file);
	if (f->line > 0) {
		out_puts("`line=");
		out_i64(f->line);
	}
	if (f->col > 0) {
		out_puts("`col=");
		out_i64(f->col);
	}
}

/* ---- typed writers: headers, E, T, P, D ---- */

void ev_put_header(const char *key, struct slice value)
{
	size_t i;

	out_putc('#');
	out_puts(key);
	if (value.n == 0)
		goto end;
	out_putc(' ');
	for (i = 0; i < value.n; i++) {
		unsigned char c = (unsigned char)value.p[i];

		out_putc(c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
end:
	out_putc('\n');
}

void ev_put_header_time(const char *key, int64_t ns)
{
	out_putc('#');
	out_puts(key);
	out_putc(' ');
	ev_put_time(ns);
	out_putc('\n');
}

void ev_put_input(const char *name)
{
	out_puts("#input ");
	ev_put_escaped(name, strlen(name));
	out_putc('\n');
}

/* Fields, each escaped (ev_put_field), TAB between them, then the end of line. */
static void put_fields(const struct slice *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			out_putc('\t');
		ev_put_field(f[i].p, f[i].n);
	}
	out_putc('\n');
}

void ev_put_unit(struct slice event, const char *unit)
{
	struct slice f[2] = { event, { unit, strlen(unit) } };

	put_type_time('E', EV_NONE);
	put_fields(f, 2);
}

void ev_put_tname(int64_t time, struct slice pid, struct slice tid, struct slice name)
{
	struct slice f[3] = { pid, tid, name };

	put_type_time('T', time);
	put_fields(f, 3);
}

void ev_put_pname(int64_t time, struct slice pid, struct slice name)
{
	struct slice f[2] = { pid, name };

	put_type_time('P', time);
	put_fields(f, 2);
}

void ev_put_d_end(uint64_t order)
{
	out_putc('\t');
	out_u64(order);
	out_putc('\n');
}
