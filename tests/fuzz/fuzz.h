/* fuzz.h - helpers shared by the libFuzzer targets in tests/fuzz/
 *
 * Each target defines LLVMFuzzerTestOneInput(); it is linked either with
 * libFuzzer (make fuzz, make fuzz-smoke) or with replay.c, a plain main()
 * that runs the saved inputs of tests/fuzz/regress/TARGET/ without the
 * fuzzer engine (tests/check.d/fuzz-regress.sh).
 *
 * A property violation calls FUZZ_CHECK, which prints the failed condition
 * and aborts, so libFuzzer saves the input as a crash.
 */
#ifndef FP_FUZZ_H
#define FP_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/events.h"
#include "../../common/out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: property failed: %s\n",       \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static inline char *fuzz_copy(const void *p, size_t n)
{
	char *c = malloc(n ? n : 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, p, n);
	return c;
}

/* The emitters of events.h write to the stdout buffer of out.h. The targets
 * keep what they emit under OUT_BUFSIZE so nothing is flushed, and read it
 * back from fp_out.buf (a test-only use of out.h's internals). */
static inline void fuzz_out_reset(void)
{
	fp_out.len = 0;
}

static inline int slice_inside(struct slice s, const char *p, size_t n)
{
	if (s.n == 0)
		return 1;
	return s.p >= p && s.p + s.n <= p + n;
}

static inline int fuzz_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

#endif
