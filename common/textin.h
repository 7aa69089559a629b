/* textin.h - a text converter's input file and its format decision
 *
 * For converters that read text line by line and decide from the first
 * lines whether the file is their format at all (folded2events,
 * stacks2events):
 *
 *	if (textin_open(&t, path, "folded stacks") < 0)
 *		return 1;
 *	while ((r = input_getline(&t.in, &line, &len)) > 0)
 *		... textin_reject(&t, "JSON") or, once sure, accept ...
 *	... the filter's own end of file ...
 *	return textin_close(&t, r, &skips, accept, ctx);
 *
 * accept(ctx) (the filter's: its stream header once, t.decided = 1, the
 * #input record) is called by textin_close() for a file nothing decided
 * (blank lines and comments only).
 */
#ifndef FP_TEXTIN_H
#define FP_TEXTIN_H

#include <stddef.h>

#include "input.h"
#include "skip.h"

struct textin {
	struct input in;
	const char *file;	/* in.name, for messages */
	const char *format;	/* what the filter reads, for refusals */
	int decided, rejected;	/* the format is known; the file is refused */
};

/* Open PATH (input_open(): reported on failure, -1) with nothing decided. */
int textin_open(struct textin *t, const char *path, const char *format);
/* Refuse the file: "PROG: FILE: WHAT, not FORMAT". Returns -1. */
int textin_reject(struct textin *t, const char *what);
/* The end of the file, r the last input_getline() result: accept(ctx)
 * if nothing was decided nor refused, the skipped lines reported
 * (skip_file_done), the file closed. 1 when the file failed (a read
 * error or refused), else 0. */
int textin_close(struct textin *t, int r, struct skips *skips, void (*accept)(void *), void *ctx);
/* Is line p[0..n) a perf script sample header, to refuse ("perf script
 * text (use perf2events)")? Not indented, and "... 123.456789:" followed
 * by a blank or the end. Looser than sniff()'s evidence (any number of
 * decimals): a converter asks it only of lines that are not its own. */
int textin_perf_header(const char *p, size_t n);

#endif
