/* tmpfile.c - spill files: an unlinked temporary file and writes to it */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "tmpfile.h"

int tmpfile_open(const char *prefix)
{
	return tmpfile_open_in(NULL, prefix);
}

int tmpfile_open_in(const char *dir, const char *prefix)
{
	char *path;
	size_t n;
	int fd;

	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	n = strlen(dir) + strlen(prefix) + 16;
	path = fp_malloc(n);
	snprintf(path, n, "%s/%s.XXXXXX", dir, prefix);
	fd = mkstemp(path);
	if (fd < 0)
		fp_die("%s:", path);
	/* unlinked at once: gone on every exit, signals and crashes included */
	unlink(path);
	free(path);
	return fd;
}

void tmpfile_write(int fd, const void *p, size_t n)
{
	const char *q = p;

	while (n > 0) {
		ssize_t w = write(fd, q, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			fp_die("temporary file:");
		}
		q += w;
		n -= (size_t)w;
	}
}
