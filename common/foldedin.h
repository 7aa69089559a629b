/* foldedin.h - reading folded stacks ("root;...;leaf COUNT" lines)
 *
 * The parser of folded2events, shared with events2folded (which sums
 * folded inputs with events inputs): one file at a time, plain, gzip or
 * zstd, UTF-8 (a BOM is dropped) or UTF-16; the format decided from the
 * first lines (textin.h: an events stream, perf script text, JSON or
 * bpftrace output is refused); a line that is not folded is skipped and
 * reported (skip.h).
 *
 *	struct foldedin f = { .skips = &skips, .accept = acc, .line = ln, .ctx = me };
 *	status |= foldedin_read(&f, path);	(for each input)
 *	foldedin_free(&f);
 */
#ifndef FP_FOLDEDIN_H
#define FP_FOLDEDIN_H

#include <stdint.h>

#include "buf.h"
#include "skip.h"
#include "textin.h"

struct foldedin {
	/* options */
	int diff;		/* "STACK BEFORE AFTER" lines (difffolded.pl) */
	int decimals;		/* counts have up to N decimals: weight = count * 10^N */
	struct skips *skips;
	/* The file is folded (called once per file, before its first line):
	 * the caller's header and #input; f->tin.file names the file. */
	void (*accept)(void *ctx);
	/* A line: its stack (without the count) and weight; with diff, the
	 * first count in before (else 0). */
	void (*line)(void *ctx, const char *stack, size_t n, int64_t before, int64_t w);
	void *ctx;
	/* the current file */
	struct textin tin;	/* the file and its format decision */
	uint64_t lines, two_numbers;	/* data lines; those ending in two numbers */
	/* UTF-16 input converted to UTF-8 */
	int enc;
	struct buf u8;
	unsigned char pend[2];
	int npend;
	unsigned hi;		/* a high surrogate waiting for its pair, or 0 */
	uint64_t u16_line;
};

/* Read one file (cli_each_input()'s fn, with f as ctx): 0, or 1 when it
 * failed (missing, refused, a read error). */
int foldedin_read(const char *path, void *f);
void foldedin_free(struct foldedin *f);

#endif
