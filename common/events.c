/* events.c - the flamepipe events format (docs/events.md): the reader
 * (text to values, frames, record parsing, ev_reader_*); the writers are
 * evwrite.c */
#include <string.h>

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
