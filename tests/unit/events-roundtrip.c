/* Round trip of the events format's escaping, times and frames:
 * parse(emit(x)) == x for every escape case and for random byte strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/events.h"
#include "../../common/out.h"

static int pass, fail;

static void check(int ok, const char *what, int i)
{
	if (ok) {
		pass++;
	} else {
		fail++;
		fprintf(stderr, "FAIL %s (case %d)\n", what, i);
	}
}

/* Emit with ev_put_escaped into the stdout buffer and take it back. */
static size_t emit(const char *s, size_t n, char *dst)
{
	size_t len;

	fp_out.len = 0;
	ev_put_escaped(s, n);
	len = fp_out.len;
	memcpy(dst, fp_out.buf, len);
	fp_out.len = 0;
	return len;
}

static void roundtrip(const char *s, size_t n, int i)
{
	static char enc[OUT_BUFSIZE];
	struct buf dec = { 0 };
	size_t k, len = emit(s, n, enc);
	int clean = 1;

	for (k = 0; k < len; k++)
		if (enc[k] == '\t' || enc[k] == '\n' || enc[k] == ';' || enc[k] == '`' ||
		    enc[k] == '\r')
			clean = 0;
	check(clean, "escaped text has no separator bytes", i);
	ev_unescape(&dec, enc, len);
	check(dec.len == n && (n == 0 || memcmp(dec.p, s, n) == 0), "unescape(escape(x)) == x", i);
	buf_free(&dec);
}

static void time_roundtrip(int64_t ns, int i)
{
	char text[64];
	int64_t back;

	fp_out.len = 0;
	ev_put_time(ns);
	memcpy(text, fp_out.buf, fp_out.len);
	text[fp_out.len] = '\0';
	fp_out.len = 0;
	check(ev_parse_time(text, strlen(text), &back) == 0 && back == ns, "time round trip", i);
}

/* ev_put_head_escaped() writes TYPE TIME PID TID CPU_COMM_EVENT WEIGHT and a
 * tab, the fields as they are, in place or (long fields) piece by piece.
 * A LONG_PID takes the second way and still fits in fp_out.buf. */
#define LONG_PID (OUT_BUFSIZE / 2 + 100)

static void head_escaped(int64_t t, int64_t w, size_t long_pid, int i)
{
	static char pid[LONG_PID];
	struct buf want = { 0 };
	char num[32];
	size_t n;

	memset(pid, '7', sizeof pid);
	fp_out.len = 0;
	ev_put_time(t);
	buf_add(&want, "O\t", 2);
	buf_add(&want, fp_out.buf, fp_out.len);
	buf_addc(&want, '\t');
	n = long_pid ? long_pid : 3;
	buf_add(&want, pid, n);
	buf_adds(&want, "\t\t-\tc\\x3bd\tev\t");
	if (w == EV_NONE)
		buf_addc(&want, '-');
	else
		buf_add(&want, num, (size_t)snprintf(num, sizeof num, "%lld", (long long)w));
	buf_addc(&want, '\t');
	fp_out.len = 0;
	ev_put_head_escaped('O', t, (struct slice){ pid, n }, (struct slice){ NULL, 0 },
			    ev_str("-\tc\\x3bd\tev"), w);
	check(fp_out.len == want.len && memcmp(fp_out.buf, want.p, want.len) == 0,
	      "ev_put_head_escaped", i);
	fp_out.len = 0;
	buf_free(&want);
}

int main(void)
{
	static const char *cases[] = {
		"", "plain", "semi;colon", "tab\there", "new\nline", "cr\rhere",
		"back\\slash", "\\\\", "\\x3b", "tick`mark", "-", "\\", "a;b`c\\d\te\nf",
		"\x01\x1f\x7f", "caf\xc3\xa9", "\xff\xfe invalid utf-8", "\\t literal",
		"trailing\\",
	};
	static const int64_t times[] = {
		0, 1, 999999999, 1000000000, 417502694000, 1700000000123456789LL,
		-1, -999999999, -1000000001, INT64_MAX / 2,
	};
	char buf[512];
	size_t i;
	unsigned seed = 12345;

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		roundtrip(cases[i], strlen(cases[i]), (int)i);
	roundtrip("nul\0inside", 10, 100);
	for (i = 0; i < 20000; i++) {
		size_t n = (size_t)(rand_r(&seed) % 64), k;

		for (k = 0; k < n; k++)
			buf[k] = (char)(rand_r(&seed) & 0xff);
		roundtrip(buf, n, (int)(1000 + i));
	}
	for (i = 0; i < sizeof times / sizeof *times; i++) {
		time_roundtrip(times[i], (int)i);
		head_escaped(times[i], times[i], 0, (int)i);
		head_escaped(times[i], -times[i], LONG_PID, (int)i);
	}
	head_escaped(EV_NONE, EV_NONE, 0, 100);
	head_escaped(EV_NONE, INT64_MIN + 1, LONG_PID, 101);
	head_escaped(INT64_MAX, INT64_MAX, 0, 102);

	/* A frame with every attribute parses back to its parts. */
	{
		struct ev_frame_out fo = { 0 };
		struct ev_frame f;
		struct slice st;
		struct buf name = { 0 };

		fo.name = ev_str("a;b`c");
		fo.dso = ev_str("/lib/x (deleted)");
		fo.addr = ev_str("7f00");
		fo.file = ev_str("src/a`b.c");
		fo.kind = EVK_KERNEL | EVK_INLINED;
		fo.line = 12;
		fo.col = 3;
		fp_out.len = 0;
		ev_put_frame(&fo);
		out_puts(";leaf");
		memcpy(buf, fp_out.buf, fp_out.len);
		st.p = buf;
		st.n = fp_out.len;
		fp_out.len = 0;
		check(ev_frame_next(&st, &f), "frame parses", 0);
		ev_unescape(&name, f.name.p, f.name.n);
		check(name.len == 5 && memcmp(name.p, "a;b`c", 5) == 0, "frame name", 0);
		check(f.kind == (EVK_KERNEL | EVK_INLINED), "frame kind", 0);
		check(f.line.n == 2 && memcmp(f.line.p, "12", 2) == 0, "frame line", 0);
		check(f.col.n == 1 && f.col.p[0] == '3', "frame col", 0);
		check(f.addr.n == 4, "frame addr", 0);
		name.len = 0;
		ev_unescape(&name, f.file.p, f.file.n);
		check(name.len == 9 && memcmp(name.p, "src/a`b.c", 9) == 0, "frame file", 0);
		name.len = 0;
		ev_unescape(&name, f.dso.p, f.dso.n);
		check(name.len == 16 && memcmp(name.p, "/lib/x (deleted)", 16) == 0, "frame dso", 0);
		check(ev_frame_next(&st, &f) && f.name.n == 4, "second frame", 0);
		check(!ev_frame_next(&st, &f), "no third frame", 0);
		buf_free(&name);
	}
	printf("events-roundtrip: %d passed, %d failed\n", pass, fail);
	return fail != 0;
}
