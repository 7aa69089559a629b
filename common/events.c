/* events.c - the flamepipe events format (docs/events.md): parse and emit */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "digits.h"
#include "err.h"
#include "events.h"
#include "sniff.h"
#include "out.h"

/* ---- text <-> values ---- */

int ev_parse_i64(const char *p, size_t n, int64_t *v)
{
	uint64_t x = 0;
	int neg = 0;
	size_t i = 0;

	if (n > 0 && p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	if (neg ? x > (uint64_t)INT64_MAX + 1 : x > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

int ev_parse_time(const char *p, size_t n, int64_t *ns)
{
	const char *dot = memchr(p, '.', n);
	size_t ilen = dot ? (size_t)(dot - p) : n;
	int64_t secs;
	int64_t frac = 0;
	size_t i, fd = 0;
	int neg = n > 0 && p[0] == '-';

	if (ilen == (size_t)neg || ev_parse_i64(p, ilen, &secs) < 0)
		return -1;
	if (dot) {
		for (i = ilen + 1; i < n; i++, fd++) {
			unsigned d = (unsigned char)p[i] - '0';

			if (d > 9 || fd >= 9)
				return -1;
			frac = frac * 10 + d;
		}
		for (; fd < 9; fd++)
			frac *= 10;
	}
	/* fuzz (issue 6): accept every time ev_put_time() prints, i.e. the
	 * whole int64 range but INT64_MIN (EV_NONE); the old bound rejected
	 * 9223372036.x (tests/fuzz/regress/roundtrip/time-int64-max) */
	if (__builtin_mul_overflow(secs, (int64_t)1000000000, &secs) ||
	    (neg ? __builtin_sub_overflow(secs, frac, &secs)
		 : __builtin_add_overflow(secs, frac, &secs)) ||
	    secs == EV_NONE)
		return -1;
	*ns = secs;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void ev_unescape(struct buf *b, const char *p, size_t n)
{
	const char *end;

	/* fuzz (issue 6): absent attributes are {NULL, 0}; NULL + 0 is
	 * undefined behaviour (UBSan, tests/fuzz/regress/events/) */
	if (n == 0)
		return;
	end = p + n;

	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		int hi, lo;

		if (!bs) {
			buf_add(b, p, (size_t)(end - p));
			return;
		}
		buf_add(b, p, (size_t)(bs - p));
		p = bs + 1;
		if (p == end) {
			buf_addc(b, '\\');
			return;
		}
		switch (*p) {
		case '\\': buf_addc(b, '\\'); p++; break;
		case 't': buf_addc(b, '\t'); p++; break;
		case 'n': buf_addc(b, '\n'); p++; break;
		case 'r': buf_addc(b, '\r'); p++; break;
		case 'x':
			if (end - p >= 3 && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
				buf_addc(b, (char)(hi << 4 | lo));
				p += 3;
				break;
			}
			/* fall through */
		default:
			buf_addc(b, '\\');	/* kept literally */
			break;
		}
	}
}

static int slice_eq(struct slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static void frame_attr(struct ev_frame *f, struct slice a)
{
	const char *eq = memchr(a.p, '=', a.n);

	if (!eq) {
		if (slice_eq(a, "kernel"))
			f->kind |= EVK_KERNEL;
		else if (slice_eq(a, "jit"))
			f->kind |= EVK_JIT;
		else if (slice_eq(a, "inlined"))
			f->kind |= EVK_INLINED;
		else if (slice_eq(a, "unknown"))
			f->kind |= EVK_UNKNOWN;
		else if (slice_eq(a, "idle"))
			f->kind |= EVK_IDLE;
		return;
	}
	struct slice k = { a.p, (size_t)(eq - a.p) };
	struct slice v = { eq + 1, a.n - k.n - 1 };

	if (slice_eq(k, "dso"))
		f->dso = v;
	else if (slice_eq(k, "addr"))
		f->addr = v;
	else if (slice_eq(k, "file"))
		f->file = v;
	else if (slice_eq(k, "line"))
		f->line = v;
	else if (slice_eq(k, "col"))
		f->col = v;
}

int ev_frame_next(struct slice *stack, struct ev_frame *f)
{
	const char *p = stack->p, *end;
	const char *semi, *bt;

	/* fuzz (issue 6): compute end only after the NULL check; NULL + 0 is
	 * undefined behaviour (UBSan, tests/fuzz/regress/roundtrip/) */
	if (stack->p == NULL)
		return 0;
	end = p + stack->n;
	semi = memchr(p, ';', stack->n);
	if (!semi)
		semi = end;
	memset(f, 0, sizeof *f);
	bt = memchr(p, '`', (size_t)(semi - p));
	f->name.p = p;
	f->name.n = (size_t)((bt ? bt : semi) - p);
	if (bt) {
		f->attrs.p = bt;
		f->attrs.n = (size_t)(semi - bt);
		while (bt < semi) {
			const char *a = bt + 1;
			const char *next = memchr(a, '`', (size_t)(semi - a));

			if (!next)
				next = semi;
			frame_attr(f, (struct slice){ a, (size_t)(next - a) });
			bt = next;
		}
	}
	if (semi == end) {
		stack->p = NULL;
		stack->n = 0;
	} else {
		stack->p = semi + 1;
		stack->n = (size_t)(end - semi - 1);
	}
	return 1;
}

/* ---- parsing ---- */

/* Split line into up to max tab-separated fields; returns the count. The
 * last field ends at the next tab (extra fields are ignored). */
static int split(const char *line, size_t len, struct slice *f, int max)
{
	const char *p = line, *end = line + len;
	int n = 0;

	while (n < max) {
		const char *t = memchr(p, '\t', (size_t)(end - p));

		f[n].p = p;
		f[n].n = (size_t)((t ? t : end) - p);
		n++;
		if (!t)
			break;
		p = t + 1;
	}
	return n;
}

static int parse_time_field(struct slice s, int64_t *t)
{
	if (ev_absent(s)) {
		*t = EV_NONE;
		return 0;
	}
	return ev_parse_time(s.p, s.n, t);
}

void ev_thread_key(struct buf *b, struct slice pid, struct slice tid)
{
	b->len = 0;
	buf_add(b, pid.p, pid.n);
	buf_addc(b, '\t');
	buf_add(b, tid.p, tid.n);
}

/* The fields a record of this type has at least (docs/events.md), 0 for
 * a type this version does not know. */
static int record_fields(int type)
{
	switch (type) {
	case 'S': case 'O': case 'C': case 'I':
		return 9;
	case 'T':
		return 5;
	case 'P': case 'E':
		return 4;
	default:
		return 0;
	}
}

int ev_parse(struct ev_rec *r, const char *line, size_t len, const char **why)
{
	struct slice f[9];
	int want;

	r->line.p = line;
	r->line.n = len;
	r->weight = EV_NONE;
	r->time = EV_NONE;
	if (len == 0) {
		*why = "empty line";
		return EV_ERROR;
	}
	if (line[0] == '#')
		return EV_HEADER;
	r->type = line[0];
	if (len > 1 && line[1] != '\t') {
		*why = "record type is not one character";
		return EV_ERROR;
	}
	want = record_fields(r->type);
	if (want == 0)
		return EV_RECORD;	/* unknown type: the caller passes it on */
	if (split(line, len, f, 9) < want) {
		*why = "too few fields";
		return EV_ERROR;
	}
	switch (r->type) {
	case 'S': case 'O': case 'C': case 'I':
		r->pid = f[2];
		r->tid = f[3];
		r->cpu = f[4];
		r->comm = f[5];
		r->event = f[6];
		r->stack = f[8];
		if (r->type == 'S' && ev_parse_i64(f[7].p, f[7].n, &r->weight) < 0) {
			*why = "bad weight";
			return EV_ERROR;
		}
		break;
	case 'T':
		r->pid = f[2];
		r->tid = f[3];
		r->name = f[4];
		break;
	case 'P':
		r->pid = f[2];
		r->name = f[3];
		break;
	case 'E':
		r->event = f[2];
		r->name = f[3];
		break;
	}
	if (parse_time_field(f[1], &r->time) < 0) {
		*why = "bad time";
		return EV_ERROR;
	}
	return EV_RECORD;
}

int ev_reader_open(struct ev_reader *r, const char *path, struct skips *skips)
{
	memset(r, 0, sizeof *r);
	r->skips = skips;
	return input_open(&r->in, path);
}

/* The magic line and header lines: the first line must be the magic line
 * of this major version; a later magic line of another version fails. */
static int reader_header(struct ev_reader *r, struct ev_rec *rec, const char *line, size_t len)
{
	size_t mlen = strlen(EV_MAGIC);
	int magic = len == mlen && memcmp(line, EV_MAGIC, len) == 0;
	int other = !magic && len > 18 && memcmp(line, "#flamepipe-events ", 18) == 0;

	if (!r->started) {
		r->started = 1;
		if (!magic) {
			if (other)
				fp_warn("%s: unsupported events format version: %.*s",
					r->in.name, (int)len - 18, line + 18);
			else if (r->in.kind == SNIFF_BINARY || r->in.kind == SNIFF_JSON)
				fp_warn("%s: this looks like %s, not a flamepipe events stream "
					"(the first line must be \"%s\"; convert with perf2events or another *2events filter first)",
					r->in.name, sniff_name((enum sniff_kind)r->in.kind), EV_MAGIC);
			else	/* known kinds are refused by input_open (sniff.h) */
				fp_warn("%s: not a flamepipe events stream "
					"(the first line must be \"%s\"; convert with perf2events or another *2events filter first)",
					r->in.name, EV_MAGIC);
			out_abort();	/* a wrong kind of input: nothing on stdout */
			r->failed = 1;
			return EV_ERROR;
		}
	} else if (other) {
		fp_warn("%s:%llu: unsupported events format version", r->in.name,
			(unsigned long long)r->in.lineno);
		r->failed = 1;
		return EV_ERROR;
	}
	rec->line.p = line;
	rec->line.n = len;
	return EV_HEADER;
}

int ev_reader_next_with(struct ev_reader *r, struct ev_rec *rec, ev_parse_fn *parse)
{
	char *line;
	size_t len;
	const char *why;

	for (;;) {
		int k = input_getline(&r->in, &line, &len);

		if (k < 0) {
			r->failed = 1;
			return EV_ERROR;
		}
		if (k == 0) {
			skip_file_done(r->skips, r->in.name, "records");
			return EV_EOF;
		}
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (!r->started || (len > 0 && line[0] == '#'))
			return reader_header(r, rec, line, len);
		if (len == 0) {
			skip_record(r->skips, r->in.name, r->in.lineno, "empty line");
			continue;
		}
		if (parse(rec, line, len, &why) == EV_RECORD)
			return EV_RECORD;
		skip_record(r->skips, r->in.name, r->in.lineno, why);
	}
}

int ev_reader_next(struct ev_reader *r, struct ev_rec *rec)
{
	return ev_reader_next_with(r, rec, ev_parse);
}

void ev_reader_close(struct ev_reader *r)
{
	input_close(&r->in);
}

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
	uint64_t u;

	if (ns == EV_NONE) {
		out_putc('-');
		return;
	}
	u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	p = digits_fixed(tmp + sizeof tmp, u % 1000000000, 9);
	*--p = '.';
	p = digits_u64(p, u / 1000000000);
	if (ns < 0)
		*--p = '-';
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

void ev_put_head(char type, int64_t time, struct slice pid, struct slice tid, int cpu,
		 struct slice comm, struct slice event, int64_t weight)
{
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
