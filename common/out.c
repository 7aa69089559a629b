/* out.c - buffered stdout that writes whole records */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "buf.h"
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

int fd_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A write to stdout failed (errno): a closed pipe ends quietly, anything
 * else is fatal. */
static void stdout_failed(void)
{
	if (errno == EPIPE) {
		progress_clear();
		exit(FP_EXIT_OK);
	}
	fp_out.len = 0;	/* fp_die drops the rest */
	fp_die("stdout:");
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			stdout_failed();
		}
		p += w;
		n -= (size_t)w;
	}
}

/* -z: stdout as one zstd frame (out_zstd), fed by put_bytes() */
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

/* out_gzip: stdout as one gzip member, fed by put_bytes() */
static z_stream gz;
static int gz_on;

void out_gzip(int level)
{
	memset(&gz, 0, sizeof gz);
	if (deflateInit2(&gz, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		fp_die("gzip: cannot initialise zlib");
	if (!zbuf) {
		zcap = 1 << 16;
		zbuf = malloc(zcap);
		if (!zbuf)
			fp_die("gzip: out of memory");
	}
	gz_on = 1;
}

/* Feed p[0..n) to zlib (in pieces: it counts in uInt); end the member
 * when end is set. */
static void gzwrite_(const char *p, size_t n, int end)
{
	do {
		size_t k = n > (1u << 30) ? (1u << 30) : n;
		int flush = end && k == n ? Z_FINISH : Z_NO_FLUSH, r;

		gz.next_in = (unsigned char *)(uintptr_t)p;
		gz.avail_in = (uInt)k;
		do {
			gz.next_out = (unsigned char *)zbuf;
			gz.avail_out = (uInt)zcap;
			r = deflate(&gz, flush);
			if (r == Z_STREAM_ERROR)
				fp_die("gzip: deflate failed");
			write_all(zbuf, zcap - gz.avail_out);
		} while (gz.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
		if (k == 0)
			break;	/* only the end (p may be NULL) */
		p += k;
		n -= k;
	} while (n > 0);
}

static void put_bytes(const char *p, size_t n)
{
	if (zc)
		zwrite(p, n, 0);
	else if (gz_on)
		gzwrite_(p, n, 0);
	else
		write_all(p, n);
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
	put_bytes(fp_out.buf, n - keep);
	fp_out.flushed += n - keep;
	if (keep)
		memmove(fp_out.buf, fp_out.buf + n - keep, keep);
	fp_out.len = keep;
}

void out_write_slow(const void *p, size_t n)
{
	const char *s = p;

	if (n == 0)
		return;	/* p may be NULL */
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

/* The kernel copies n bytes of fd from off to stdout (sendfile(2)), after
 * everything buffered. -1, with nothing written, when it cannot: output
 * compressed or aborted, or stdout refusing sendfile at the first try.
 * A pipe is grown to 256 KiB first: its reader then wakes a quarter as
 * often (events2trace's 68 MiB into cat: 0.189 -> 0.175 s). */
int out_copy_file(int fd, off_t off, size_t n)
{
	static int pipe_grown;
	int first = 1;

	if (fp_out.aborted || zc || gz_on)
		return -1;
	if (!pipe_grown) {	/* fails harmlessly for what is not a pipe */
		pipe_grown = 1;
		(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 18);
	}
	if (fp_out.len > 0) {
		size_t k = fp_out.len;

		fp_out.len = 0;	/* re-entry from fp_die writes nothing */
		write_all(fp_out.buf, k);
		fp_out.flushed += k;
	}
	while (n > 0) {
		ssize_t w = sendfile(STDOUT_FILENO, fd, &off, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (first && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
				return -1;
			stdout_failed();
		}
		if (w == 0)
			fp_die("temporary file: shorter than written");
		first = 0;
		n -= (size_t)w;
		fp_out.flushed += (uint64_t)w;
	}
	return 0;
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
		put_bytes(fp_out.buf, n);
	}
	fp_out.len = 0;
	if (zc) {
		if (!fp_out.aborted)
			zwrite(NULL, 0, 1);
		ZSTD_freeCCtx(zc);
		zc = NULL;
	}
	if (gz_on) {
		if (!fp_out.aborted)
			gzwrite_(NULL, 0, 1);
		deflateEnd(&gz);
		gz_on = 0;
	}
	free(zbuf);
	zbuf = NULL;
	if (close(STDOUT_FILENO) < 0 && errno != EBADF)
		stdout_failed();
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

int out_kept_put(const struct buf *text, const struct out_kept *k)
{
	if (k->len == OUT_NOT_KEPT)
		return 0;
	if (k->len > 0)	/* an empty piece kept: text may have no bytes (p NULL) */
		out_write(text->p + k->off, k->len);
	return 1;
}

void out_keep(struct buf *text, struct out_kept *k, uint64_t pos)
{
	const char *p;
	size_t n;

	if ((p = out_since(pos, &n)) != NULL) {
		k->off = text->len;
		k->len = n;
		buf_add(text, p, n);
	}
}
