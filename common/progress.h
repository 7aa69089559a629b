/* progress.h - one progress line on a terminal during long runs
 *
 * When stderr is a terminal and the run has taken more than 2 s, one line
 * on stderr, redrawn at most 4 times a second:
 *   PROG: FILE: 120.5 MiB of 400.0 MiB (30%), 85.1 MiB/s, ETA 0:03
 * (percent and ETA when the size is known: regular files, the compressed
 * bytes of compressed ones). It is erased at the end of each input and
 * before every message (err.h). Never when stderr is not a terminal; -q
 * (--quiet, cli.h) turns it off. input.c drives it: the clock is read once
 * per read(2) of an input chunk, never per line.
 * FLAMEPIPE_PROGRESS_AFTER=SECONDS (for tests) replaces the 2 s delay.
 */
#ifndef FP_PROGRESS_H
#define FP_PROGRESS_H

#include <stdint.h>

extern int progress_quiet;	/* -q */

/* The run starts (cli_init): the delay counts from here. */
void progress_init(void);
/* An input is opened: its name for the line, fd for its size. */
void progress_start(const char *name, int fd);
/* bytes of the current input were read so far (after each read). */
void progress_tick(uint64_t bytes);
/* Erase the line if it is shown; the next tick draws it again. */
void progress_clear(void);

#endif
