/* pbinput.h - protobuf inputs, read and decoded whole (nflxprofile)
 *
 * protobuf-c cannot decode a message in pieces: the input (files or stdin,
 * gzip/zstd by magic, input.h) is read whole with input_slurp() and
 * decoded whole, so memory is the decompressed size plus protobuf-c's
 * structures, per input (docs/nflxprofile.md). pprof2events streams its
 * input with pbwire.h instead (docs/pprof.md).
 */
#ifndef FP_PBINPUT_H
#define FP_PBINPUT_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

#include "skip.h"

struct pb_input {
	const ProtobufCMessageDescriptor *desc;	/* the top-level message */
	const char *what;	/* "a pprof profile": "FILE: not a pprof profile (why)" */
	/* Before decoding: the message refusing bytes of another format, or
	 * NULL (the hook may be NULL). */
	const char *(*refuse)(const char *data, size_t n);
	/* After decoding: why the message is not one (an empty one), or NULL. */
	const char *(*empty)(const ProtobufCMessage *msg);
	/* Convert it; returns the input's status (0 ok). */
	int (*convert)(const ProtobufCMessage *msg, const char *file, void *ctx);
};

/* Open, read, decode and convert PATH ("-" is stdin); problems are
 * reported as "PROG: FILE: ...". Reports the samples skipped (skip.h)
 * when done. Returns 0, or 1 when the input could not be used. */
int pb_convert(const char *path, const struct pb_input *pb, struct skips *skips, void *ctx);

#endif
