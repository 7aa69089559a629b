/* Unit tests of perf2events' escaping writer (filters/perf2events/
 * write.c): its SSE2 put_escaped() and the byte loop the builds without
 * SSE2 use (put_escaped_bytes()) against the general writer's
 * ev_buf_escaped(), on fields of every length up to 100 at every offset
 * of a 16-byte chunk, from a fixed pseudo-random sequence biased towards
 * the bytes escaped; and each result unescaped back to the field. Then
 * whole records of frames of every kind (check_kinds). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../filters/perf2events/write.c"

static int failed, passed;

#define CHECK(c, ...) do { if (c) passed++; else { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

/* A byte: half of them one the events format escapes or next to one. */
static char pick(void)
{
	static const char special[] = "\\;`\x7f\t\n\r\x01\x1f =-x>()";
	unsigned r = next();

	if (r & 1)
		return special[(r >> 1) % (sizeof special - 1)];
	return (char)(r >> 8);
}

/* The text holds the field at off, 16 more bytes after it (write.c's
 * loads); the output, 4 per byte and 16 more (the record's bound). */
static void check(size_t off, size_t n)
{
	char text[16 + 100 + 16], out1[4 * 100 + 16], out2[4 * 100 + 16];
	struct ptext t = { off, n };
	struct buf want = { 0 }, back = { 0 };
	size_t i, l1, l2;

	for (i = 0; i < sizeof text; i++)
		text[i] = pick();
	ev_buf_escaped(&want, text + off, n);
	l1 = (size_t)(put_escaped(out1, text, t) - out1);
	l2 = (size_t)(put_escaped_bytes(out2, text + off, n) - out2);
	CHECK(l1 == want.len && memcmp(out1, want.p, l1) == 0, "put_escaped, %zu bytes at %zu", n, off);
	CHECK(l2 == want.len && memcmp(out2, want.p, l2) == 0, "put_escaped_bytes, %zu bytes at %zu",
	      n, off);
	ev_unescape(&back, out2, l2);
	CHECK(back.len == n && memcmp(back.p, text + off, n) == 0, "unescaped, %zu bytes at %zu", n, off);
	buf_free(&want);
	buf_free(&back);
}

/* The record p2e_write_direct() writes of a sample whose frames have
 * every kind (EVK_* bits, an unknown one without a symbol or with one),
 * with and without addr= and dso=, against the general writer's (as
 * perf2events.c's sample() calls it): the short paths of the plain
 * frames (put_frames_plain) write the same bytes. */
static void check_kinds(int plain, int addrs, int dso)
{
	/* the fields, 16 readable bytes past each (write.c's loads) */
	static const char text[] = "1000.000001 42 43 comm ev 7 "
				   "ffff81 sym_a (/lib/x.so) 4a2 sym;b\\ ([kernel.kallsyms])"
				   "                                ";
	struct perf_frame fr[32];
	struct perf_sample s;
	struct p2e_plain c;
	char got[OUT_BUFSIZE / 2];
	size_t i, glen;

	memset(&s, 0, sizeof s);
	memset(&c, 0, sizeof c);
	memset(fr, 0, sizeof fr);
	s.time = 1000000001000;
	s.time_text = (struct ptext){ 0, 11 };
	s.pid = (struct ptext){ 12, 2 };
	s.tid = (struct ptext){ 15, 2 };
	s.comm = (struct ptext){ 18, 4 };
	s.event = (struct ptext){ 23, 2 };
	s.period = 7;
	s.period_text = (struct ptext){ 26, 1 };
	s.cpu = -1;
	s.plain = plain;
	for (i = 0; i < 32; i++) {
		struct perf_frame *f = &fr[i];

		f->kind = (unsigned)i;
		f->clean = plain || i % 3 != 0;
		f->ip = f->clean ? (struct ptext){ 28, 6 } : (struct ptext){ 53, 3 };
		f->sym = f->clean ? (struct ptext){ 35, 5 } : (struct ptext){ 57, 7 };
		f->dso = f->clean ? (struct ptext){ 42, 9 } : (struct ptext){ 66, 17 };
		if ((i & EVK_UNKNOWN) && i % 2)	/* unknown: no symbol, or "[unknown]" */
			f->sym.len = 0;
		if (i == EVK_INLINED + 1)	/* an inlined frame has no dso */
			f->dso = (struct ptext){ 0, 0 };
		s.frame_bytes += f->ip.len + f->sym.len + f->dso.len;
	}
	s.frames = fr;
	s.nframes = 32;
	fp_out.len = 0;
	CHECK(p2e_write_direct(&c, &s, text, addrs, dso) == 0, "p2e_write_direct refused");
	glen = fp_out.len;
	memcpy(got, fp_out.buf, glen);
	fp_out.len = 0;
	ev_put_head('S', s.time, (struct slice){ text + s.pid.off, s.pid.len },
		    (struct slice){ text + s.tid.off, s.tid.len }, s.cpu,
		    (struct slice){ text + s.comm.off, s.comm.len },
		    (struct slice){ text + s.event.off, s.event.len }, s.period);
	for (i = s.nframes; i-- > 0;) {
		const struct perf_frame *pf = &fr[i];
		int unknown = (pf->kind & EVK_UNKNOWN) != 0;
		struct ev_frame_out f = { 0 };

		f.name = (struct slice){ text + pf->sym.off, pf->sym.len };
		f.kind = pf->kind;
		if (unknown || dso)
			f.dso = (struct slice){ text + pf->dso.off, pf->dso.len };
		if (unknown || addrs)
			f.addr = (struct slice){ text + pf->ip.off, pf->ip.len };
		ev_put_frame(&f);
		if (i > 0)
			out_putc(';');
	}
	out_putc('\n');
	CHECK(glen == fp_out.len && memcmp(got, fp_out.buf, glen) == 0,
	      "kinds, plain %d addrs %d dso %d:\n%.*s%.*s", plain, addrs, dso, (int)glen, got,
	      (int)fp_out.len, fp_out.buf);
	fp_out.len = 0;
}

int main(void)
{
	size_t off, n, k;

	for (k = 0; k < 20; k++)
		for (off = 0; off < 16; off++)
			for (n = 1; n <= 100; n++)
				check(off, n);
	for (k = 0; k < 8; k++)
		check_kinds(k & 1, (k >> 1) & 1, (k >> 2) & 1);
	if (failed)
		fprintf(stderr, "p2e-write: %d failed, %d passed\n", failed, passed);
	else
		printf("p2e-write: %d passed\n", passed);
	return failed != 0;
}
