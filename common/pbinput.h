/* pbinput.h - protobuf inputs, read and decoded whole (nflxprofile)
 *
 * protobuf-c cannot decode a message in pieces: the input (files or stdin,
 * gzip/zstd by magic, input.h) is read whole with input_slurp() (a plain
 * file is mapped, not read) and decoded whole, but for the repeated scalar
 * fields named in pb_input.arrays, which are read in place; memory is the
 * decompressed size (none for a mapped file) plus protobuf-c's structures
 * for the rest, per input (docs/nflxprofile.md). pprof2events streams its
 * input with pbwire.h instead (docs/pprof.md).
 */
#ifndef FP_PBINPUT_H
#define FP_PBINPUT_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "skip.h"

/* Repeated scalar fields of the top-level message that protobuf-c does not
 * decode: they are read in place with pbwire.h's pbw_rep (nflxprofile's
 * per-sample arrays, which protobuf-c would copy into arrays as large as
 * the file). */
enum { PB_MAX_ARRAYS = 8 };
struct pb_array {
	uint32_t num;		/* field number; 0 ends the list */
	int wt;			/* element wire type: PBW_VARINT or PBW_I64 */
};
struct pb_raw {
	const uint8_t *p;	/* the whole message, valid during convert */
	size_t n;
	int64_t count[PB_MAX_ARRAYS];	/* elements of each pb_input.arrays field */
};

struct pb_input {
	const ProtobufCMessageDescriptor *desc;	/* the top-level message */
	const char *what;	/* "a pprof profile": "FILE: not a pprof profile (why)" */
	/* Before decoding: the message refusing bytes of another format, or
	 * NULL (the hook may be NULL). */
	const char *(*refuse)(const char *data, size_t n);
	/* After decoding: why the message is not one (an empty one), or NULL. */
	const char *(*empty)(const ProtobufCMessage *msg, const struct pb_raw *raw);
	/* Convert it; returns the input's status (0 ok). */
	int (*convert)(const ProtobufCMessage *msg, const struct pb_raw *raw, const char *file,
		       void *ctx);
	const struct pb_array *arrays;	/* may be NULL */
};

/* Open, read, decode and convert PATH ("-" is stdin); problems are
 * reported as "PROG: FILE: ...". Reports the samples skipped (skip.h)
 * when done. Returns 0, or 1 when the input could not be used. */
int pb_convert(const char *path, const struct pb_input *pb, struct skips *skips, void *ctx);

#endif
