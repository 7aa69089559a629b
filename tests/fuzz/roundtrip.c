/* roundtrip.c - parse(emit(x)) == x for the events format (common/events.h)
 *
 * The input is cut into values: a header of fixed-size numbers (record
 * type, time, cpu, weight, frame kinds, line, col) and then length-prefixed
 * byte strings for pid, tid, comm, event and the frames' name, dso, addr
 * and file. They are written with ev_put_head()/ev_put_frame() (and each
 * string alone with ev_put_escaped()/ev_put_field()), read back with
 * ev_parse()/ev_frame_next()/ev_unescape(), and must come back unchanged:
 * any byte string, including TAB, LF, CR, ';', '`', '\', '-', NUL and
 * invalid UTF-8.
 */
#include "fuzz.h"

#define MAXFRAMES 64

struct reader {
	const uint8_t *p, *end;
};

static uint64_t take_u64(struct reader *r, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | (r->p < r->end ? *r->p++ : 0);
	return v;
}

static struct slice take_str(struct reader *r)
{
	struct slice s;
	size_t n = (size_t)take_u64(r, 1);

	if (n == 255)
		n = (size_t)take_u64(r, 2);	/* long strings: 16-bit length */
	if (n > (size_t)(r->end - r->p))
		n = (size_t)(r->end - r->p);
	s.p = (const char *)r->p;
	s.n = n;
	r->p += n;
	return s;
}

static struct buf tmp;

static void same(struct slice esc, struct slice raw)
{
	tmp.len = 0;
	ev_unescape(&tmp, esc.p, esc.n);
	FUZZ_CHECK(fuzz_eq(tmp.p, tmp.len, raw.p, raw.n));
}

/* An identity field written by ev_put_field(): "-" when empty. */
static void same_field(struct slice esc, struct slice raw)
{
	if (raw.n == 0) {
		FUZZ_CHECK(ev_absent(esc));
		return;
	}
	FUZZ_CHECK(!ev_absent(esc));
	same(esc, raw);
}

static void escaped_alone(struct slice raw)
{
	struct slice esc;
	size_t i;

	fuzz_out_reset();
	ev_put_escaped(raw.p, raw.n);
	esc.p = fp_out.buf;
	esc.n = fp_out.len;
	for (i = 0; i < esc.n; i++) {
		unsigned char c = (unsigned char)esc.p[i];

		/* never a separator or a control byte in the escaped text */
		FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != ';' && c != '`');
	}
	same(esc, raw);
	fuzz_out_reset();
	ev_put_field(raw.p, raw.n);
	esc.p = fp_out.buf;
	esc.n = fp_out.len;
	same_field(esc, raw);
	fuzz_out_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader rd = { data, data + size };
	static const char types[] = "SOCI";
	char type;
	int64_t time, weight;
	int cpu;
	struct slice pid, tid, comm, event;
	struct ev_frame_out fr[MAXFRAMES];
	size_t nfr, i;
	struct ev_rec r;
	struct ev_frame f;
	struct slice stack;
	const char *why = NULL;
	char *line;
	size_t len;

	if (size > 12000)
		return 0;	/* the escaped record must fit in fp_out.buf */
	fuzz_out_reset();
	type = types[take_u64(&rd, 1) & 3];
	time = (int64_t)take_u64(&rd, 8);
	cpu = (int)(take_u64(&rd, 4) & 0x7fffffff);
	if (take_u64(&rd, 1) & 1)
		cpu = -1;
	weight = (int64_t)take_u64(&rd, 8);
	if (type != 'S')
		weight = EV_NONE;
	else if (weight == EV_NONE)
		weight = 0;	/* INT64_MIN is the "absent" marker, not a weight */
	nfr = (size_t)take_u64(&rd, 1) % MAXFRAMES;
	pid = take_str(&rd);
	tid = take_str(&rd);
	comm = take_str(&rd);
	event = take_str(&rd);
	for (i = 0; i < nfr; i++) {
		memset(&fr[i], 0, sizeof fr[i]);
		fr[i].kind = (unsigned)take_u64(&rd, 1) & 31;
		fr[i].line = (long long)(take_u64(&rd, 4) & 0xffffffff) - 0x100;
		fr[i].col = (long long)(take_u64(&rd, 2)) - 0x10;
		fr[i].name = take_str(&rd);
		fr[i].dso = take_str(&rd);
		fr[i].addr = take_str(&rd);
		fr[i].file = take_str(&rd);
	}

	escaped_alone(pid);
	escaped_alone(comm);
	for (i = 0; i < nfr; i++)
		escaped_alone(fr[i].name);

	fuzz_out_reset();
	ev_put_head(type, time, pid, tid, cpu, comm, event, weight);
	for (i = 0; i < nfr; i++) {
		if (i > 0)
			out_putc(';');
		ev_put_frame(&fr[i]);
	}
	FUZZ_CHECK(fp_out.len < OUT_BUFSIZE);
	FUZZ_CHECK(memchr(fp_out.buf, '\n', fp_out.len) == NULL);
	len = fp_out.len;
	line = fuzz_copy(fp_out.buf, len);
	fuzz_out_reset();

	FUZZ_CHECK(ev_parse(&r, line, len, &why) == EV_RECORD);
	FUZZ_CHECK(r.type == type);
	FUZZ_CHECK(r.time == time);
	FUZZ_CHECK(r.weight == weight);
	same_field(r.pid, pid);
	same_field(r.tid, tid);
	same_field(r.comm, comm);
	same_field(r.event, event);
	if (cpu < 0) {
		FUZZ_CHECK(ev_absent(r.cpu));
	} else {
		int64_t c;

		FUZZ_CHECK(ev_parse_i64(r.cpu.p, r.cpu.n, &c) == 0 && c == cpu);
	}
	stack = r.stack;
	if (stack.n == 0)
		stack.p = NULL;
	for (i = 0; i < nfr; i++) {
		int64_t v;

		FUZZ_CHECK(ev_frame_next(&stack, &f));
		if (fr[i].name.n) {
			same(f.name, fr[i].name);
			FUZZ_CHECK(f.kind == fr[i].kind);
		} else {
			FUZZ_CHECK(f.kind == (fr[i].kind | EVK_UNKNOWN));
		}
		if (fr[i].dso.n)
			same(f.dso, fr[i].dso);
		else
			FUZZ_CHECK(f.dso.n == 0);
		if (fr[i].addr.n)
			same(f.addr, fr[i].addr);
		else
			FUZZ_CHECK(f.addr.n == 0);
		if (fr[i].file.n)
			same(f.file, fr[i].file);
		else
			FUZZ_CHECK(f.file.n == 0);
		if (fr[i].line > 0)
			FUZZ_CHECK(ev_parse_i64(f.line.p, f.line.n, &v) == 0 && v == fr[i].line);
		else
			FUZZ_CHECK(f.line.n == 0);
		if (fr[i].col > 0)
			FUZZ_CHECK(ev_parse_i64(f.col.p, f.col.n, &v) == 0 && v == fr[i].col);
		else
			FUZZ_CHECK(f.col.n == 0);
	}
	FUZZ_CHECK(!ev_frame_next(&stack, &f));
	free(line);
	return 0;
}
