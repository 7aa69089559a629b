/* perfsplit.h - cut a perf script text file into N parts at sample
 * headers, to convert the parts at once (perf2events --part K/N,
 * docs/scale-out.md §3)
 *
 * Part K of N starts at the first line that begins at or after byte
 * SIZE*(K-1)/N and is a timed sample header (part 1 at 0), and ends where
 * part K+1 starts (part N at the end of the file). A part may be empty.
 * A timed header (not indented by a tab, not a '#' comment, with perf's
 * " SECS.FRAC:" time) starts a new sample whatever came before it
 * (perfscript.c), so the parts hold every sample of the file once, and
 * each part converts to what the whole file gives for its samples.
 */
#ifndef FP_PERFSPLIT_H
#define FP_PERFSPLIT_H

#include <stddef.h>
#include <stdint.h>

#define PERFSPLIT_MAX_PARTS 1000000

/* Is line s[0..n) (without its LF) a sample header that starts a sample
 * in any state of the parser: not tab-indented, not blank, not '#', with
 * the time token perf_find_time() (perfscript.h) looks for? */
int perfsplit_is_header(const char *s, size_t n);
/* Where part k of n (1 <= k <= n) of the file fd of size bytes starts:
 * 0 in *start, or -1 on a read error (reported, name for the message). */
int perfsplit_start(int fd, const char *name, uint64_t size, uint64_t k, uint64_t n,
		    uint64_t *start);
/* The number of LFs in the first upto bytes of fd, for the line numbers
 * of a part's messages: 0 in *lines, or -1 on a read error (reported). */
int perfsplit_lines(int fd, const char *name, uint64_t upto, uint64_t *lines);

#endif
