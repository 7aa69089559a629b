/* input.h - read files or stdin line by line, with transparent zstd/gzip */
#ifndef FP_INPUT_H
#define FP_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct buf;

enum input_codec { INPUT_PLAIN, INPUT_GZIP, INPUT_ZSTD };

struct input {
	const char *name;	/* for messages: the path, or "<stdin>" */
	int fd;
	enum input_codec codec;
	char *buf;		/* decoded bytes: [start, end) not yet returned */
	size_t cap, start, end;
	unsigned char *raw;	/* compressed bytes: [raw_pos, raw_len) unread */
	size_t raw_len, raw_pos;
	void *dec;		/* ZSTD_DCtx or z_stream */
	int raw_eof, eof, failed, frame_done;
	uint64_t lineno;	/* number of the line last returned, 1-based */
	uint64_t bytes;		/* bytes read from the file (compressed size) */
	int kind;		/* enum sniff_kind of the first bytes (sniff.h) */
	struct buf *keep;	/* input_open_keep(): every raw byte read is added */
	char *replay;		/* input_handover(): raw bytes read before, given first */
	size_t replay_n, replay_pos;
	void *map;		/* input_slurp() of a plain regular file: it mapped */
	size_t map_len;
};

/* Open PATH ("-" is stdin). On failure print "PROG: PATH: REASON" and return -1.
 * The first bytes are sniffed (sniff.h): a file that looks like a kind the
 * program does not read is refused ("PROG: PATH: this looks like ...: use
 * FILTER"), and out_abort() keeps stdout empty of what was buffered. */
int input_open(struct input *in, const char *path);
/* input_open() for a reader that takes the input whole (input_slurp()):
 * the first read is small, as a plain file will be mapped. */
int input_open_whole(struct input *in, const char *path);
/* Next line without its LF (a final line without LF is returned too).
 * Returns 1 with *line and *len set (valid until the next call), 0 at end of
 * input, -1 on a read or decompression error (already reported). */
int input_getline(struct input *in, char **line, size_t *len);
/* The first decoded bytes (at least 4 KiB unless the input is shorter),
 * without consuming them: *p and *n are valid until the next call. 0, or
 * -1 on a read or decompression error (reported). */
int input_peek(struct input *in, const char **p, size_t *n);
/* All the rest of the decoded input at once, for formats that cannot be
 * read in pieces (protobuf messages): memory is the decoded size, but for
 * a plain regular file read from its start, which is mapped (a file that
 * shrinks under the map ends the program with a message, exit 1). *p and
 * *n are valid until input_close(). 0, or -1 on a read or decompression
 * error (reported). */
int input_slurp(struct input *in, const char **p, size_t *n);
void input_close(struct input *in);
/* Raw bytes (compressed as they are in the file) from the descriptor,
 * after the replayed ones (input_handover): up to n, 0 at the end, -1 on
 * an error (reported). For readers of plain input in blocks (json.c). */
ssize_t input_read(struct input *in, void *p, size_t n);
/* The next decoded bytes, as many as are buffered: 1 with *p, *n set
 * (valid until the next call), 0 at the end, -1 on an error (reported). */
int input_block(struct input *in, const char **p, size_t *n);

/* Lines read in place, for a reader that finds their ends itself
 * (evscan.c): input_buffered() is the decoded bytes buffered and not yet
 * returned, *n of them at the result (none after an error); they stay
 * valid until the next call of another input_*() function.
 * input_take_line() returns the first n of them and the LF after them as
 * input_getline() would have (n < the count buffered, the byte at n an
 * LF). Neither reads. */
static inline const char *input_buffered(const struct input *in, size_t *n)
{
	*n = in->failed ? 0 : in->end - in->start;
	return in->buf + in->start;
}

static inline void input_take_line(struct input *in, size_t n)
{
	in->start += n + 1;
	in->lineno++;
}

/* Reading an input twice (toevents: detect, then convert) when it cannot
 * seek (stdin, a pipe): input_open_keep() is input_open() that adds every
 * raw byte it reads to raw; input_handover() gives in's open descriptor
 * and those bytes to the next input_open() of the same path, which
 * returns the bytes first and then reads on; in is left without its
 * descriptor (close it as usual), raw empty (its bytes are taken, not
 * copied). input_handover_end() closes what no input_open() took. */
int input_open_keep(struct input *in, const char *path, struct buf *raw);
void input_handover(struct input *in, const char *path, struct buf *raw);
void input_handover_end(void);

/* Reading part of a file (perf2events --part): input_open() of PATH, a
 * regular file that is not compressed, its first bytes sniffed as usual,
 * then lines from byte off on; they run on to the end of the file (the
 * caller stops at the end of its range). 0; -1 on an error (reported);
 * -2 (not reported, nothing open) when PATH is "-" or not a regular file
 * (a pipe, a device); -3 (not reported) when it is gzip or zstd. */
int input_open_range(struct input *in, const char *path, uint64_t off);

#endif
