/* out.c - buffered stdout */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "digits.h"
#include "err.h"
#include "out.h"

struct out fp_out;

void out_init(void)
{
	signal(SIGPIPE, SIG_IGN);
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				exit(FP_EXIT_OK);
			fp_die("stdout:");
		}
		p += w;
		n -= (size_t)w;
	}
}

void out_flush(void)
{
	write_all(fp_out.buf, fp_out.len);
	fp_out.len = 0;
}

void out_write_slow(const void *p, size_t n)
{
	out_flush();
	if (n >= OUT_BUFSIZE)
		write_all(p, n);
	else {
		memcpy(fp_out.buf, p, n);
		fp_out.len = n;
	}
}

void out_close(void)
{
	out_flush();
	if (close(STDOUT_FILENO) < 0 && errno != EBADF) {
		if (errno == EPIPE)
			exit(FP_EXIT_OK);
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
