/* write.h - perf2events' direct writer of S records (write.c) */
#ifndef FP_P2E_WRITE_H
#define FP_P2E_WRITE_H

#include "../../common/perfscript.h"

/* The comm and event of the last sample written (zeroed at the start). */
struct p2e_plain {
	char text[2][64];
	size_t len[2];
};

/* Write sample s (its text at text) as an S record straight into the
 * output buffer, addr= and dso= on every frame if addrs and dso. 0, or
 * -1 (nothing written) if it needs the general writer: a comm or event
 * to escape, a srcline, a record larger than the buffer. */
int p2e_write_direct(struct p2e_plain *c, const struct perf_sample *s, const char *text,
		     int addrs, int dso);

#endif
