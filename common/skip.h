/* skip.h - count and report input that could not be used */
#ifndef FP_SKIP_H
#define FP_SKIP_H

#include <stdint.h>

#define SKIP_SHOWN 10	/* reasons printed per input before only counting */

struct skips {
	uint64_t total;		/* over all inputs */
	uint64_t in_file;	/* in the current input */
	int strict;		/* --strict: the first one is fatal */
};

/* Report "PROG: FILE:LINE: WHY" (the first SKIP_SHOWN per file), count it,
 * and exit 1 if strict. */
void skip_record(struct skips *s, const char *file, uint64_t line, const char *why);
/* At the end of an input: "PROG: FILE: N WHAT skipped" if any. */
void skip_file_done(struct skips *s, const char *file, const char *what);

#endif
