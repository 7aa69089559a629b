/* input.c - read files or stdin line by line, with transparent zstd/gzip */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "out.h"
#include "progress.h"
#include "input.h"
#include "sniff.h"

/* 128 KiB: a pipe hands over 64 KiB a read, a file as much as asked.
 * 256 KiB saved perf2events 0.6% of its instructions on a file (fewer
 * lines across the end of the buffer, which take the slow path), for
 * 128 KiB more memory in every filter and every input of eventmerge. */
#define CHUNK (1 << 17)
#define PEEK_MIN 4096	/* bytes input_peek() waits for (or the end) */

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
static const unsigned char gzip_magic[2] = { 0x1f, 0x8b };

/* The descriptor and bytes input_handover() gives the next input_open()
 * of path (one at a time: toevents converts one input at a time). */
static struct {
	char *path, *bytes;
	size_t n;
	int fd;
} handover = { NULL, NULL, 0, -1 };

/* read(2) up to n bytes, retrying on EINTR; -1 on error (reported). The
 * bytes handed over (input_handover) come first. */
static ssize_t read_some(struct input *in, void *p, size_t n)
{
	if (in->replay_pos < in->replay_n) {
		size_t k = in->replay_n - in->replay_pos;

		if (k > n)
			k = n;
		memcpy(p, in->replay + in->replay_pos, k);
		in->replay_pos += k;
		in->bytes += k;
		return (ssize_t)k;
	}
	for (;;) {
		ssize_t r = read(in->fd, p, n);

		if (r >= 0) {
			in->bytes += (uint64_t)r;
			if (in->keep)
				buf_add(in->keep, p, (size_t)r);
			progress_tick(in->bytes);
			return r;
		}
		if (errno != EINTR) {
			fp_warn("%s:", in->name);
			in->failed = 1;
			return -1;
		}
	}
}

static int check_kind(struct input *in);

static void start_decoder(struct input *in, enum input_codec codec)
{
	in->codec = codec;
	in->raw = fp_malloc(CHUNK);
	memcpy(in->raw, in->buf, in->end);
	in->raw_len = in->end;
	in->raw_pos = 0;
	in->end = 0;
	if (codec == INPUT_ZSTD) {
		in->dec = ZSTD_createDCtx();
		if (!in->dec)
			fp_die("out of memory");
	} else {
		z_stream *zs = fp_calloc(1, sizeof *zs);

		if (inflateInit2(zs, 16 + MAX_WBITS) != Z_OK)
			fp_die("%s: cannot start gzip decoder", in->name);
		in->dec = zs;
	}
}

ssize_t input_read(struct input *in, void *p, size_t n)
{
	return read_some(in, p, n);
}

void input_handover(struct input *in, const char *path, struct buf *raw)
{
	input_handover_end();
	handover.path = fp_strndup(path, strlen(path));
	handover.fd = in->fd;
	handover.n = raw->len;
	handover.bytes = raw->p;	/* taken, not copied */
	raw->p = NULL;
	raw->len = raw->cap = 0;
	in->fd = -1;
	in->keep = NULL;
}

void input_handover_end(void)
{
	if (handover.fd > STDIN_FILENO)
		close(handover.fd);
	free(handover.path);
	free(handover.bytes);
	handover.path = handover.bytes = NULL;
	handover.fd = -1;
	handover.n = 0;
}

/* Take the descriptor and bytes handed over for path, if any. */
static int take_handover(struct input *in, const char *path)
{
	if (!handover.path || strcmp(handover.path, path) != 0)
		return 0;
	in->fd = handover.fd;
	in->replay = handover.bytes;
	in->replay_n = handover.n;
	free(handover.path);
	handover.path = handover.bytes = NULL;
	handover.fd = -1;
	return 1;
}

/* first: the size of the first read (CHUNK, or PEEK_MIN for a file that
 * input_slurp() may map: then one page of the buffer is touched, not 32;
 * page faults were a tenth of the time of a 1 MB nflxprofile). */
static int open_input(struct input *in, const char *path, struct buf *keep, size_t first)
{
	struct stat st;

	memset(in, 0, sizeof *in);
	in->keep = keep;
	if (take_handover(in, path)) {
		in->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	} else if (strcmp(path, "-") == 0) {
		in->name = "<stdin>";
		in->fd = STDIN_FILENO;
	} else {
		in->name = path;
		in->fd = open(path, O_RDONLY);
		if (in->fd < 0) {
			fp_warn("%s:", path);
			return -1;
		}
		if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			fp_warn("%s: is a directory", path);
			close(in->fd);
			return -1;
		}
	}
	progress_start(in->name, in->fd);
	in->cap = CHUNK;
	in->buf = fp_malloc(in->cap);
	/* Sniff the magic bytes: read until 4 bytes are there or EOF. */
	while (in->end < 4) {
		ssize_t r = read_some(in, in->buf + in->end, first - in->end);

		if (r < 0) {
			input_close(in);
			return -1;
		}
		if (r == 0) {
			in->raw_eof = 1;
			break;
		}
		in->end += (size_t)r;
	}
	if (in->end >= 4 && memcmp(in->buf, zstd_magic, 4) == 0)
		start_decoder(in, INPUT_ZSTD);
	else if (in->end >= 2 && memcmp(in->buf, gzip_magic, 2) == 0)
		start_decoder(in, INPUT_GZIP);
	else if (in->raw_eof)
		in->eof = 1;
	if (check_kind(in) < 0) {
		input_close(in);
		return -1;
	}
	return 0;
}

int input_open(struct input *in, const char *path)
{
	return open_input(in, path, NULL, CHUNK);
}

int input_open_whole(struct input *in, const char *path)
{
	return open_input(in, path, NULL, PEEK_MIN);
}

int input_open_keep(struct input *in, const char *path, struct buf *raw)
{
	return open_input(in, path, raw, CHUNK);
}

static int fill(struct input *in);

/* Refuse a file that positively looks like a kind this program does not
 * read (sniff.c), before the filter writes anything: out_abort() drops
 * what it has buffered (its headers), so stdout stays empty. */
static int check_kind(struct input *in)
{
	const char *p;
	size_t n;
	char msg[256];

	if (input_peek(in, &p, &n) < 0)
		return -1;
	in->kind = sniff(p, n, in->codec != INPUT_PLAIN);
	if (!sniff_refuse(fp_progname, in->kind, msg, sizeof msg))
		return 0;
	fp_warn("%s: %s", in->name, msg);
	out_abort();
	return -1;
}

static int truncated(struct input *in, const char *what)
{
	fp_warn("%s: truncated or corrupt %s input", in->name, what);
	in->failed = 1;
	return -1;
}

/* Decode more bytes into buf[end..cap). Returns bytes added, 0 at EOF, -1 on error. */
static int decode_more(struct input *in)
{
	for (;;) {
		size_t before = in->end;

		if (in->raw_pos == in->raw_len && !in->raw_eof) {
			ssize_t r = read_some(in, in->raw, CHUNK);

			if (r < 0)
				return -1;
			in->raw_len = (size_t)r;
			in->raw_pos = 0;
			if (r == 0)
				in->raw_eof = 1;
		}
		if (in->raw_pos == in->raw_len && in->raw_eof) {
			if (!in->frame_done)
				return truncated(in, in->codec == INPUT_ZSTD ? "zstd" : "gzip");
			return 0;
		}
		if (in->codec == INPUT_ZSTD) {
			ZSTD_inBuffer ib = { in->raw, in->raw_len, in->raw_pos };
			ZSTD_outBuffer ob = { in->buf, in->cap, in->end };
			size_t rc = ZSTD_decompressStream(in->dec, &ob, &ib);

			if (ZSTD_isError(rc)) {
				fp_warn("%s: zstd: %s", in->name, ZSTD_getErrorName(rc));
				in->failed = 1;
				return -1;
			}
			in->raw_pos = ib.pos;
			in->end = ob.pos;
			in->frame_done = rc == 0;
		} else {
			z_stream *zs = in->dec;
			int rc;

			if (in->frame_done) {
				/* another gzip member follows */
				if (inflateReset(zs) != Z_OK)
					return truncated(in, "gzip");
				in->frame_done = 0;
			}
			zs->next_in = in->raw + in->raw_pos;
			zs->avail_in = (uInt)(in->raw_len - in->raw_pos);
			zs->next_out = (Bytef *)in->buf + in->end;
			zs->avail_out = (uInt)(in->cap - in->end);
			rc = inflate(zs, Z_NO_FLUSH);
			in->raw_pos = in->raw_len - zs->avail_in;
			in->end = in->cap - zs->avail_out;
			if (rc == Z_STREAM_END)
				in->frame_done = 1;
			else if (rc != Z_OK && rc != Z_BUF_ERROR)
				return truncated(in, "gzip");
		}
		if (in->end > before)
			return (int)(in->end - before);
		if (in->end == in->cap)
			return 0;	/* caller makes room */
	}
}

/* Make room and read more. Returns >0 if bytes were added, 0 at EOF, -1 on error. */
static int fill(struct input *in)
{
	if (in->eof)
		return 0;
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap)
		fp_grow(&in->buf, &in->cap, in->cap + 1, 1);
	if (in->codec == INPUT_PLAIN) {
		ssize_t r = read_some(in, in->buf + in->end, in->cap - in->end);

		if (r < 0)
			return -1;
		if (r == 0) {
			in->eof = 1;
			return 0;
		}
		in->end += (size_t)r;
		return 1;
	}
	for (;;) {
		int r = decode_more(in);

		if (r < 0)
			return -1;
		if (r > 0)
			return 1;
		if (in->end < in->cap) {
			in->eof = 1;
			return 0;
		}
		fp_grow(&in->buf, &in->cap, in->cap + 1, 1);
	}
}

int input_peek(struct input *in, const char **p, size_t *n)
{
	while (!in->failed && in->end - in->start < PEEK_MIN) {
		int r = fill(in);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	if (in->failed)
		return -1;
	*p = in->buf + in->start;
	*n = in->end - in->start;
	return 0;
}

/* A mapped input's message for SIGBUS: the file shrank under the map. */
static char sigbus_msg[512];
static size_t sigbus_len;

static void on_sigbus(int sig)
{
	ssize_t r = write(STDERR_FILENO, sigbus_msg, sigbus_len);

	(void)sig;
	(void)r;	/* nothing more to do if it fails */
	_exit(FP_EXIT_ERROR);
}

/* input_slurp() of a plain regular file read from its start, nothing
 * consumed: the file mapped, not copied (no memory of its own, and no
 * page faults on fresh memory, the most of the time of a small file);
 * 0, or -1 to read it instead. */
static int map_whole(struct input *in)
{
	struct stat st;
	struct sigaction sa;
	void *m;
	off_t at;
	int k;

	if (in->codec != INPUT_PLAIN || in->eof || in->start != 0 || in->end != in->bytes ||
	    in->replay || in->keep || fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size <= in->end || (uint64_t)st.st_size > SIZE_MAX ||
	    (at = lseek(in->fd, 0, SEEK_CUR)) < 0 || (uint64_t)at != in->bytes)
		return -1;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, in->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	k = snprintf(sigbus_msg, sizeof sigbus_msg, "%s: %s: the file shrank while being read\n",
		     fp_progname, in->name);
	sigbus_len = k < 0 ? 0 : (size_t)k < sizeof sigbus_msg ? (size_t)k : sizeof sigbus_msg - 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	in->map = m;
	in->map_len = (size_t)st.st_size;
	in->bytes = (uint64_t)st.st_size;
	in->eof = 1;
	progress_tick(in->bytes);
	return 0;
}

int input_slurp(struct input *in, const char **p, size_t *n)
{
	if (in->map || map_whole(in) == 0) {
		*p = in->map;
		*n = in->map_len;
		return 0;
	}
	while (!in->failed && fill(in) > 0)
		;
	if (in->failed)
		return -1;
	*p = in->buf + in->start;
	*n = in->end - in->start;
	return 0;
}

int input_block(struct input *in, const char **p, size_t *n)
{
	if (in->failed)
		return -1;
	if (in->start == in->end) {
		int r = fill(in);

		if (r <= 0)
			return r;
	}
	*p = in->buf + in->start;
	*n = in->end - in->start;
	in->start = in->end;
	return 1;
}

int input_getline(struct input *in, char **line, size_t *len)
{
	size_t scanned = 0;

	if (in->failed)
		return -1;
	for (;;) {
		char *s = in->buf + in->start;
		size_t avail = in->end - in->start;
		char *nl = memchr(s + scanned, '\n', avail - scanned);
		int r;

		if (nl) {
			*line = s;
			*len = (size_t)(nl - s);
			in->start += *len + 1;
			in->lineno++;
			return 1;
		}
		scanned = avail;
		r = fill(in);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (in->end == in->start)
				return 0;
			*line = in->buf + in->start;
			*len = in->end - in->start;
			in->start = in->end;
			in->lineno++;
			return 1;
		}
	}
}

void input_close(struct input *in)
{
	progress_clear();
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	if (in->dec) {
		if (in->codec == INPUT_ZSTD) {
			ZSTD_freeDCtx(in->dec);
		} else {
			inflateEnd(in->dec);
			free(in->dec);
		}
	}
	free(in->buf);
	free(in->raw);
	free(in->replay);
	if (in->map) {
		munmap(in->map, in->map_len);
		signal(SIGBUS, SIG_DFL);
	}
	memset(in, 0, sizeof *in);
	in->fd = -1;
}

/* input_open() of a regular, uncompressed file, then a seek to off: its
 * first bytes are sniffed (check_kind) and dropped, lines start at off. */
int input_open_range(struct input *in, const char *path, uint64_t off)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return -2;
	if (stat(path, &st) < 0) {
		fp_warn("%s:", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return -2;
	if (open_input(in, path, NULL, CHUNK) < 0)
		return -1;
	if (in->codec != INPUT_PLAIN) {
		input_close(in);
		return -3;
	}
	if (lseek(in->fd, (off_t)off, SEEK_SET) < 0) {
		fp_warn("%s:", path);
		input_close(in);
		return -1;
	}
	in->start = in->end = 0;
	in->eof = in->raw_eof = 0;
	in->bytes = off;
	return 0;
}
