/* out.c - buffered stdout that writes whole records */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "digits.h"
#include "err.h"
#include "out.h"
#include "progress.h"

struct out fp_out;

void out_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	fp_out.aborted = 0;
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				progress_clear();
				exit(FP_EXIT_OK);
			}
			fp_out.len = 0;	/* fp_die drops the rest */
			fp_die("stdout:");
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Write buf up to its last '\n' and move the partial record after it to
 * the front; with no '\n' at all, write everything (a line longer than the
 * buffer cannot be held back). Runs once per OUT_BUFSIZE bytes: the
 * backward scan stops at the first '\n', one record from the end. */
void out_flush(void)
{
	size_t keep = 0, n = fp_out.len;
	const char *nl;

	if (fp_out.aborted) {
		fp_out.len = 0;
		return;
	}
	if (n == 0)
		return;
	nl = memrchr(fp_out.buf, '\n', n);
	if (nl)
		keep = n - (size_t)(nl + 1 - fp_out.buf);
	fp_out.len = 0;		/* re-entry from fp_die writes nothing */
	write_all(fp_out.buf, n - keep);
	if (keep)
		memmove(fp_out.buf, fp_out.buf + n - keep, keep);
	fp_out.len = keep;
}

void out_write_slow(const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		size_t room = OUT_BUFSIZE - fp_out.len, k = n < room ? n : room;

		memcpy(fp_out.buf + fp_out.len, s, k);
		fp_out.len += k;
		s += k;
		n -= k;
		if (fp_out.len == OUT_BUFSIZE)
			out_flush();
	}
}

void out_abort(void)
{
	fp_out.len = 0;
	fp_out.aborted = 1;
}

void out_close(void)
{
	if (!fp_out.aborted && fp_out.len > 0) {
		size_t n = fp_out.len;

		fp_out.len = 0;
		write_all(fp_out.buf, n);
	}
	fp_out.len = 0;
	if (close(STDOUT_FILENO) < 0 && errno != EBADF) {
		if (errno == EPIPE) {
			progress_clear();
			exit(FP_EXIT_OK);
		}
		fp_die("stdout:");
	}
}

void out_u64(uint64_t v)
{
	char tmp[24], *p = digits_u64(tmp + sizeof tmp, v);

	out_write(p, (size_t)(tmp + sizeof tmp - p));
}

void out_i64(int64_t v)
{
	if (v < 0) {
		out_putc('-');
		out_u64((uint64_t)0 - (uint64_t)v);
	} else {
		out_u64((uint64_t)v);
	}
}
