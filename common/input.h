/* input.h - read files or stdin line by line, with transparent zstd/gzip */
#ifndef FP_INPUT_H
#define FP_INPUT_H

#include <stddef.h>
#include <stdint.h>

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
};

/* Open PATH ("-" is stdin). On failure print "PROG: PATH: REASON" and return -1. */
int input_open(struct input *in, const char *path);
/* Next line without its LF (a final line without LF is returned too).
 * Returns 1 with *line and *len set (valid until the next call), 0 at end of
 * input, -1 on a read or decompression error (already reported). */
int input_getline(struct input *in, char **line, size_t *len);
void input_close(struct input *in);

#endif
