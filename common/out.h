/* out.h - buffered stdout: write errors are fatal, a closed pipe ends quietly
 *
 * Records are lines: a flush writes up to the last '\n' in the buffer and
 * keeps the partial record after it, so stdout always ends at a record
 * boundary. A buffer with no '\n' at all (one huge line: JSON) is written
 * whole. On a fatal error (fp_die, out_abort) what is still buffered is
 * dropped, never written: the output of a failed run is a prefix of whole
 * records (docs/robustness.md).
 */
#ifndef FP_OUT_H
#define FP_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* 64 KiB: a pipe's capacity on Linux, so a full buffer is one write to
 * a reader keeping up; more only adds to every filter's memory. */
#define OUT_BUFSIZE (1 << 16)

struct out {
	char buf[OUT_BUFSIZE];
	size_t len;
	uint64_t flushed;	/* bytes moved out of buf before buf[0] (out_pos) */
	int aborted;		/* out_abort() was called: nothing more is written */
};

extern struct out fp_out;

/* Ignore SIGPIPE so a closed pipe shows up as EPIPE, handled in out_flush(). */
void out_init(void);
/* Write the buffer to stdout up to its last '\n' (all of it when it holds
 * none) and keep the rest. On EPIPE exit 0 quietly; on any other error
 * print "PROG: stdout: REASON" and exit 1. */
void out_flush(void);
/* Flush everything and close stdout, checking for deferred errors; call
 * last in main(). */
void out_close(void);
/* A fatal error that does not exit (main() must return: the fuzz targets
 * run it in-process): drop what is buffered and write nothing more, so
 * stdout ends at the last whole record written before. fp_die() does the
 * same before exiting. */
void out_abort(void);
void out_write_slow(const void *p, size_t n);
/* Write what is buffered, then n bytes of file fd from offset off, copied
 * by the kernel (sendfile(2): no pass through user memory). 0; -1 with
 * nothing of the file written when that cannot be done (compressed output,
 * or a stdout that refuses it), for the caller to copy by out_write().
 * Errors as out_flush(); a file shorter than n is fatal. */
int out_copy_file(int fd, off_t off, size_t n);
/* write(2) all of p[0..n) to fd, retrying on EINTR and short writes: 0, or
 * -1 with errno (for files and pipes other than stdout). */
int fd_write_all(int fd, const void *p, size_t n);
/* From now on compress everything written to stdout as one zstd frame at
 * LEVEL (1..19); out_close() ends the frame. */
void out_zstd(int level);
/* The same as one gzip member (zlib, LEVEL 1..9): binary writers
 * (events2pprof, events2speedscope --gzip); out_close() ends it. */
void out_gzip(int level);

/* Append p[0..n) (p may be NULL when n is 0: nothing is copied). */
static inline void out_write(const void *p, size_t n)
{
	if (n == 0)
		return;
	if (OUT_BUFSIZE - fp_out.len >= n) {
		memcpy(fp_out.buf + fp_out.len, p, n);
		fp_out.len += n;
	} else {
		out_write_slow(p, n);
	}
}

/* Room for n bytes at the end of the buffer, flushing first if need be:
 * the caller writes up to n bytes there and ends with out_commit(end of
 * what it wrote). NULL if n bytes do not fit (then use out_write). */
static inline char *out_reserve(size_t n)
{
	if (OUT_BUFSIZE - fp_out.len < n) {
		out_flush();
		if (OUT_BUFSIZE - fp_out.len < n)
			return NULL;
	}
	return fp_out.buf + fp_out.len;
}

/* The position of the next byte written in the output (for out_since). */
static inline uint64_t out_pos(void)
{
	return fp_out.flushed + fp_out.len;
}

/* The bytes written since out_pos() returned pos, with *n their number,
 * while they are still in the buffer (they stay there after a flush when
 * they are part of the record not yet ended); NULL once written out. For
 * out_keep(), which caches what a writer renders. */
static inline const char *out_since(uint64_t pos, size_t *n)
{
	if (pos < fp_out.flushed || pos > out_pos())
		return NULL;
	*n = (size_t)(out_pos() - pos);
	return fp_out.buf + (pos - fp_out.flushed);
}

/* A piece of output rendered once and written again from a copy (the
 * frames of a pprof location or an nflxprofile node): its bytes in a
 * caller's buffer. len OUT_NOT_KEPT: not kept yet. */
#define OUT_NOT_KEPT SIZE_MAX
struct out_kept {
	size_t off, len;
};

struct buf;

/* Write piece k again from text: 1; 0 when it is not kept (the caller
 * renders it between out_pos() and out_keep()). */
int out_kept_put(const struct buf *text, const struct out_kept *k);

/* Keep what was written since out_pos() returned pos as piece k in text,
 * when it is still in the buffer (else it is rendered anew next time). */
void out_keep(struct buf *text, struct out_kept *k, uint64_t pos);

static inline void out_commit(char *end)
{
	fp_out.len = (size_t)(end - fp_out.buf);
}

static inline void out_putc(char c)
{
	if (fp_out.len == OUT_BUFSIZE)
		out_flush();
	fp_out.buf[fp_out.len++] = c;
}

static inline void out_puts(const char *s)
{
	out_write(s, strlen(s));
}

void out_u64(uint64_t v);
void out_i64(int64_t v);

#endif
