/* events.c - fuzz the events reader (common/events.h) and frame folding
 *
 * Each line (CR stripped, as ev_reader_next does) goes through ev_parse();
 * records are taken apart with ev_frame_next() and every field through
 * ev_unescape(); frames through fold_frame() (common/fold.h) as
 * events2folded does. Properties:
 *  - every slice points inside the line;
 *  - a stack of k ';' separators yields exactly k + 1 frames;
 *  - an ev_unescape() result is never longer than its input;
 *  - a time that parses prints back (ev_put_time) to text that parses to
 *    the same value; a weight likewise with out_i64().
 */
#include "fuzz.h"

#include "../../common/fold.h"

static struct buf tmp, tmp2, folded;

static void unescape_check(struct slice s)
{
	tmp.len = 0;
	ev_unescape(&tmp, s.p, s.n);
	FUZZ_CHECK(tmp.len <= s.n);
}

/* v printed by put parses back (parse) to v */
static void roundtrip(int64_t v, void (*put)(int64_t), int (*parse)(const char *, size_t, int64_t *))
{
	int64_t back = 0;
	char *copy;

	fuzz_out_reset();
	put(v);
	copy = fuzz_copy(fp_out.buf, fp_out.len);
	FUZZ_CHECK(parse(copy, fp_out.len, &back) == 0);
	FUZZ_CHECK(back == v);
	free(copy);
	fuzz_out_reset();
}

static void time_roundtrip(int64_t t)
{
	if (t != EV_NONE)
		roundtrip(t, ev_put_time, ev_parse_time);
}

static void weight_roundtrip(int64_t w)
{
	roundtrip(w, out_i64, ev_parse_i64);
}

static void frames(const struct ev_rec *r, const char *line, size_t len, unsigned optbits)
{
	struct slice stack = r->stack;
	struct ev_frame f;
	struct fold_opts o = { 0 };
	size_t n = 0, semis = 0, i;

	o.kernel = optbits & 1;
	o.jit = optbits & 2;
	o.inlined = optbits & 4;
	o.addrs = optbits & 8;
	o.raw = optbits & 16;
	for (i = 0; i < stack.n; i++)
		semis += stack.p[i] == ';';
	if (stack.n == 0)
		stack.p = NULL;	/* as events2folded does: no frames */
	folded.len = 0;
	while (ev_frame_next(&stack, &f)) {
		n++;
		FUZZ_CHECK(slice_inside(f.name, line, len));
		FUZZ_CHECK(slice_inside(f.attrs, line, len));
		FUZZ_CHECK(slice_inside(f.dso, line, len));
		FUZZ_CHECK(slice_inside(f.addr, line, len));
		FUZZ_CHECK(slice_inside(f.file, line, len));
		FUZZ_CHECK(slice_inside(f.line, line, len));
		FUZZ_CHECK(slice_inside(f.col, line, len));
		FUZZ_CHECK(memchr(f.name.p, ';', f.name.n) == NULL);
		FUZZ_CHECK(memchr(f.name.p, '`', f.name.n) == NULL);
		unescape_check(f.name);
		unescape_check(f.dso);
		unescape_check(f.file);
		if (n > 1)
			buf_addc(&folded, ';');
		fold_frame(&folded, &f, &o, (optbits & 32) != 0, &tmp2);
		FUZZ_CHECK(n <= semis + 1);
	}
	FUZZ_CHECK(r->stack.n == 0 ? n == 0 : n == semis + 1);
	fold_fix_leaf(&folded, 0);
	/* a folded stack is one line */
	FUZZ_CHECK(memchr(folded.p, '\n', folded.len) == NULL);
	tmp.len = 0;
	fold_text(&tmp, line, len, optbits & 64);
	FUZZ_CHECK(tmp.len == len);
	FUZZ_CHECK(memchr(tmp.p, ';', tmp.len) == NULL);
	FUZZ_CHECK(memchr(tmp.p, '\n', tmp.len) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	unsigned optbits = size ? data[0] : 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);
		char *line = fuzz_copy(s, n);
		struct ev_rec r;
		const char *why = NULL;
		int k;

		s += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		memset(&r, 0, sizeof r);
		k = ev_parse(&r, line, n, &why);
		FUZZ_CHECK(k == EV_RECORD || k == EV_HEADER || k == EV_ERROR);
		if (k == EV_ERROR) {
			FUZZ_CHECK(why != NULL && why[0] != '\0');
		} else if (k == EV_RECORD) {
			FUZZ_CHECK(r.line.p == line && r.line.n == n);
			time_roundtrip(r.time);
			switch (r.type) {
			case 'S': case 'O': case 'C': case 'I':
				FUZZ_CHECK(slice_inside(r.pid, line, n));
				FUZZ_CHECK(slice_inside(r.tid, line, n));
				FUZZ_CHECK(slice_inside(r.cpu, line, n));
				FUZZ_CHECK(slice_inside(r.comm, line, n));
				FUZZ_CHECK(slice_inside(r.event, line, n));
				FUZZ_CHECK(slice_inside(r.stack, line, n));
				FUZZ_CHECK(memchr(r.stack.p, '\t', r.stack.n) == NULL);
				unescape_check(r.pid);
				unescape_check(r.tid);
				unescape_check(r.comm);
				unescape_check(r.event);
				if (r.type == 'S')
					weight_roundtrip(r.weight);
				frames(&r, line, n, optbits);
				break;
			case 'T': case 'P': case 'E':
				FUZZ_CHECK(slice_inside(r.name, line, n));
				unescape_check(r.name);
				break;
			}
		}
		free(line);
	}
	{
		/* the number parsers on the whole input */
		char *c = fuzz_copy(data, size);
		int64_t v;

		if (ev_parse_time(c, size, &v) == 0)
			time_roundtrip(v);
		if (ev_parse_i64(c, size, &v) == 0)
			weight_roundtrip(v);
		free(c);
	}
	return 0;
}
