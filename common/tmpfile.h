/* tmpfile.h - spill files: an unlinked temporary file and writes to it */
#ifndef FP_TMPFILE_H
#define FP_TMPFILE_H

#include <stddef.h>

/* A new file PREFIX.XXXXXX in $TMPDIR (default /tmp), unlinked at once so
 * it is gone on every exit path (signals and crashes included); its fd.
 * Failure is fatal. */
int tmpfile_open(const char *prefix);
/* The same in DIR (NULL or empty: $TMPDIR, then /tmp). */
int tmpfile_open_in(const char *dir, const char *prefix);
/* Write all n bytes (retrying on EINTR and short writes); failure is
 * fatal ("temporary file: ..."). */
void tmpfile_write(int fd, const void *p, size_t n);

#endif
