/* reduce.c - fuzz eventreduce's rule-file parser (common/rules.c)
 *
 * The input is a rule file. Properties:
 *  - rules_parse() returns 0 or -1 and never crashes or leaks (ASan);
 *  - on -1 the message starts with the file name and a ':', then either
 *    LINE:COL: or ' ', and has no newline;
 *  - on 0 every rule has a known kind, a position inside the input
 *    (line >= 1, col >= 1), bucket is only ever the last rule with a
 *    window > 0, depth counts are -1 or >= 0 with at least one given,
 *    rename has a pattern and a replacement, and every compiled pattern
 *    runs on a short subject.
 */
#include "fuzz.h"
#include "../../common/rules.h"

static void run(const struct rx *x)
{
	if (x->code)
		FUZZ_CHECK(pcre2_match(x->code, (PCRE2_SPTR) "abc", 3, 0, 0, x->md, NULL) >= -2 ||
			   1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules rs;
	struct buf err = { 0 };
	char *text = fuzz_copy(data, size);
	size_t i, lines = 1;

	/* YAML's line breaks are LF, CR, CR LF, and NEL, LS, PS in UTF-8 */
	for (i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 || data[i] == 0xa8 ||
			 data[i] == 0xa9;
	if (rules_parse(&rs, "f.yaml", text, size, &err) < 0) {
		FUZZ_CHECK(err.len > 7 && memcmp(err.p, "f.yaml:", 7) == 0);
		FUZZ_CHECK(memchr(err.p, '\n', err.len) == NULL);
		FUZZ_CHECK(rs.n == 0 && rs.r == NULL);
	} else {
		for (i = 0; i < rs.n; i++) {
			const struct rule *r = &rs.r[i];

			FUZZ_CHECK((unsigned)r->kind < R_NKINDS);
			FUZZ_CHECK(r->line >= 1 && (size_t)r->line <= lines + 1 && r->col >= 1);
			FUZZ_CHECK(r->kind != R_BUCKET || (i + 1 == rs.n && r->window > 0));
			if (r->kind == R_DEPTH)
				FUZZ_CHECK(r->root >= -1 && r->leaf >= -1 && (r->root >= 0 || r->leaf >= 0));
			if (r->kind == R_RENAME)
				FUZZ_CHECK(r->re.code && r->to);
			if (r->kind >= R_HIDE && r->kind <= R_PRUNE)
				FUZZ_CHECK(r->re.code != NULL);
			run(&r->re);
			run(&r->m.comm);
			run(&r->m.event);
			run(&r->m.frame);
			run(&r->m.leaf);
			run(&r->m.root);
		}
		rules_free(&rs);
	}
	buf_free(&err);
	free(text);
	return 0;
}
