/* pp.h - events2pprof's private header (docs/events2pprof.md)
 *
 *   ../events2pprof.c  options, the model's callbacks, the samples and
 *                      the profile's order of fields
 *   encode.c           protobuf wire format into a struct buf (varints,
 *                      length-delimited fields, packed arrays)
 *   tables.c           the string, function, location and mapping
 *                      tables: a stack's frames to location ids
 *
 * Field numbers are those of common/proto/profile.proto (message
 * Profile and its parts); the encoder is hand-written, as Go's
 * runtime/pprof does, so no message tree of the whole profile is built.
 */
#ifndef PP_H
#define PP_H

#include <stddef.h>
#include <stdint.h>

#include "../../common/buf.h"
#include "../../common/intern.h"
#include "../../common/stacks.h"
#include "../../common/u64map.h"

/* profile.proto field numbers */
enum {
	PB_PROFILE_SAMPLE_TYPE = 1, PB_PROFILE_SAMPLE, PB_PROFILE_MAPPING, PB_PROFILE_LOCATION,
	PB_PROFILE_FUNCTION, PB_PROFILE_STRING_TABLE,
	PB_PROFILE_TIME_NANOS = 9, PB_PROFILE_DURATION_NANOS = 10, PB_PROFILE_COMMENT = 13,
	PB_VALUETYPE_TYPE = 1, PB_VALUETYPE_UNIT,
	PB_SAMPLE_LOCATION_ID = 1, PB_SAMPLE_VALUE, PB_SAMPLE_LABEL,
	PB_LABEL_KEY = 1, PB_LABEL_STR, PB_LABEL_NUM,
	PB_MAPPING_ID = 1, PB_MAPPING_MEMORY_START, PB_MAPPING_MEMORY_LIMIT,
	PB_MAPPING_FILENAME = 5, PB_MAPPING_HAS_FUNCTIONS = 7, PB_MAPPING_HAS_FILENAMES,
	PB_MAPPING_HAS_LINE_NUMBERS, PB_MAPPING_HAS_INLINE_FRAMES,
	PB_LOCATION_ID = 1, PB_LOCATION_MAPPING_ID, PB_LOCATION_ADDRESS, PB_LOCATION_LINE,
	PB_LINE_FUNCTION_ID = 1, PB_LINE_LINE, PB_LINE_COLUMN,
	PB_FUNCTION_ID = 1, PB_FUNCTION_NAME, PB_FUNCTION_SYSTEM_NAME, PB_FUNCTION_FILENAME,
};

/* ---- encode.c ---- */
void pb_varint(struct buf *b, uint64_t v);
/* A varint field; proto3 leaves out zero values. */
void pb_uint(struct buf *b, unsigned field, uint64_t v);
/* A length-delimited field (a message, a string). */
void pb_bytes(struct buf *b, unsigned field, const void *p, size_t n);
/* A packed repeated varint field (int64 values as two's complement). */
void pb_packed(struct buf *b, unsigned field, const uint64_t *v, size_t n);
/* Write a top-level field of Profile, the message msg, to stdout (out.h). */
void pb_put_field(unsigned field, const void *msg, size_t n);

/* ---- tables.c ---- */
struct pp_map {
	uint64_t lo, hi;	/* the addresses of its locations: [lo, hi) */
	uint32_t file;		/* string index */
	unsigned char functions, filenames, lines, inlines;	/* has_* */
};

/* A frame as pprof sees it */
struct pp_frame {
	uint64_t addr;
	int64_t line, col;
	uint32_t fid;		/* function id, 0 for an unsymbolized frame */
	uint32_t dso;		/* string index, 0: none */
	uint32_t loc;		/* the location of the frame alone, 0: not made yet */
	unsigned char state;	/* PPF_* */
};
enum { PPF_PARSED = 1, PPF_LABEL = 2, PPF_FILE = 4 };

struct pp_tables {
	struct intern strings;	/* index = string_table index; [0] = "" */
	struct intern funcs;	/* a Function's fields but its id -> id - 1 */
	struct intern locs;	/* a Location's fields but its id -> id - 1 */
	struct u64map mapids;	/* dso string index -> index in maps + 1 */
	struct pp_map *maps;
	size_t nmaps, mapcap;
	struct pp_frame *fr;	/* per frame id, parsed once */
	size_t nfr;
	uint64_t *locids;	/* a sample's locations, leaf first */
	size_t nlocids, locidcap;
	struct buf key, line, tmp;
};

void pp_tables_init(struct pp_tables *t);
void pp_tables_free(struct pp_tables *t);
/* The string table index of p[0..n) (raw bytes). */
uint32_t pp_string(struct pp_tables *t, const char *p, size_t n);
/* The same for escaped text (events fields), unescaped first. */
uint32_t pp_string_esc(struct pp_tables *t, struct slice esc);
/* Is frame a label frame (KEY=VALUE`label)? */
int pp_is_label(struct pp_tables *t, const struct stacks *s, uint32_t frame);
/* The locations of frames[0..n) (root first), leaf first, in t->locids. */
void pp_locations(struct pp_tables *t, const struct stacks *s, const uint32_t *frames, size_t n);
/* The mapping, location, function and string tables as Profile fields. */
void pp_tables_write(struct pp_tables *t);

#endif
