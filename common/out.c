/* out.c - buffered stdout */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

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

static ZSTD_CCtx *zc;
static char *zbuf;
static size_t zcap;

void out_zstd(int level)
{
	zc = ZSTD_createCCtx();
	if (!zc)
		fp_die("zstd: out of memory");
	ZSTD_CCtx_setParameter(zc, ZSTD_c_compressionLevel, level);
	zcap = ZSTD_CStreamOutSize();
	zbuf = malloc(zcap);
	if (!zbuf)
		fp_die("zstd: out of memory");
}

/* Feed p[0..n) to the compressor; end the frame when end is set. */
static void zwrite(const char *p, size_t n, int end)
{
	ZSTD_inBuffer in = { p, n, 0 };
	size_t left;

	do {
		ZSTD_outBuffer o = { zbuf, zcap, 0 };

		left = ZSTD_compressStream2(zc, &o, &in, end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			fp_die("zstd: %s", ZSTD_getErrorName(left));
		write_all(zbuf, o.pos);
	} while (end ? left != 0 : in.pos < in.size);
}

static void put_bytes(const char *p, size_t n)
{
	if (zc)
		zwrite(p, n, 0);
	else
		write_all(p, n);
}

void out_flush(void)
{
	put_bytes(fp_out.buf, fp_out.len);
	fp_out.len = 0;
}

void out_write_slow(const void *p, size_t n)
{
	out_flush();
	if (n >= OUT_BUFSIZE)
		put_bytes(p, n);
	else {
		memcpy(fp_out.buf, p, n);
		fp_out.len = n;
	}
}

void out_close(void)
{
	out_flush();
	if (zc) {
		zwrite(NULL, 0, 1);
		ZSTD_freeCCtx(zc);
		zc = NULL;
	}
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
