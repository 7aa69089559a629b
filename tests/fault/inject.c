/* inject.c - an LD_PRELOAD shim that makes read(2), write(2) and close(2) fail
 *
 * Build: cc -shared -fPIC -o inject.so tests/fault/inject.c -ldl
 * Use:   FP_INJECT=WHAT LD_PRELOAD=./inject.so FILTER ...
 * WHAT is one of
 *   read-eio:N    read() of an input (fd 0 or >= 3) fails with EIO once N
 *                 bytes have been read from inputs
 *   write-eio:N   write() to stdout fails with EIO once N bytes went out
 *   write-enospc:N  the same with ENOSPC
 *   close-eio     close(1) closes stdout but returns EIO (NFS-style
 *                 deferred write error)
 *   short         reads and writes move at most 7 bytes per call and
 *                 every other call fails with EINTR first: a correct
 *                 filter gives the same output
 * When FP_INJECT_LOG is set, the shim appends "injected WHAT" to that file
 * the first time it injects a failure, so a test can tell a filter that
 * ignored the error from one that never called read(2)/write(2) (stdio's
 * fread does not go through the read symbol).
 * Under ASan set ASAN_OPTIONS=verify_asan_link_order=0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_close)(int);
static enum { NONE, READ_EIO, WRITE_EIO, WRITE_ENOSPC, CLOSE_EIO, SHORT } mode;
static unsigned long long limit, nread, nwritten;
static int logged, tick;

static void setup(void)
{
	const char *w = getenv("FP_INJECT");

	if (real_read)
		return;
	real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	if (!w)
		return;
	if (strncmp(w, "read-eio:", 9) == 0) {
		mode = READ_EIO;
		limit = strtoull(w + 9, NULL, 10);
	} else if (strncmp(w, "write-eio:", 10) == 0) {
		mode = WRITE_EIO;
		limit = strtoull(w + 10, NULL, 10);
	} else if (strncmp(w, "write-enospc:", 13) == 0) {
		mode = WRITE_ENOSPC;
		limit = strtoull(w + 13, NULL, 10);
	} else if (strcmp(w, "close-eio") == 0) {
		mode = CLOSE_EIO;
	} else if (strcmp(w, "short") == 0) {
		mode = SHORT;
	}
}

static void note(void)
{
	const char *path = getenv("FP_INJECT_LOG");
	int fd;

	if (logged || !path)
		return;
	logged = 1;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		const char *w = getenv("FP_INJECT");

		real_write(fd, "injected ", 9);
		real_write(fd, w, strlen(w));
		real_write(fd, "\n", 1);
		real_close(fd);
	}
}

/* Before a read or write of *n bytes: fail it (errno err) when fail is
 * set; in SHORT mode, every other call is interrupted (EINTR) and the
 * others pass at most 7 bytes. -1 to fail the call, else 0. */
static int inject(int fail, int err, size_t *n)
{
	if (fail) {
		note();
		errno = err;
		return -1;
	}
	if (mode == SHORT) {
		if (tick++ % 2 == 0) {
			note();
			errno = EINTR;
			return -1;
		}
		if (*n > 7)
			*n = 7;
	}
	return 0;
}

ssize_t read(int fd, void *p, size_t n)
{
	ssize_t r;

	setup();
	if (fd == 1 || fd == 2)
		return real_read(fd, p, n);
	if (inject(mode == READ_EIO && nread >= limit, EIO, &n) < 0)
		return -1;
	r = real_read(fd, p, n);
	if (r > 0)
		nread += (unsigned long long)r;
	return r;
}

ssize_t write(int fd, const void *p, size_t n)
{
	ssize_t r;

	setup();
	if (fd != 1)
		return real_write(fd, p, n);
	if (inject((mode == WRITE_EIO || mode == WRITE_ENOSPC) && nwritten + n > limit,
		   mode == WRITE_EIO ? EIO : ENOSPC, &n) < 0)
		return -1;
	r = real_write(fd, p, n);
	if (r > 0)
		nwritten += (unsigned long long)r;
	return r;
}

int close(int fd)
{
	setup();
	if (fd == 1 && mode == CLOSE_EIO) {
		real_close(fd);
		note();
		errno = EIO;
		return -1;
	}
	return real_close(fd);
}
