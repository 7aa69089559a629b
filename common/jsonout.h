/* jsonout.h - one JSON document on stdout (out.h), made by yajl's generator
 *
 * A single global writer, like out.h: jo_begin(), the jo_* calls for the
 * document's values, jo_end(), then out_close(). The output is compact
 * JSON, optionally gzip-compressed (zlib). Generator errors are bugs in
 * the caller and end the program with a message. gzip is out.h's
 * out_gzip(): out_close() ends the member.
 */
#ifndef FP_JSONOUT_H
#define FP_JSONOUT_H

#include <stddef.h>
#include <stdint.h>

/* gzip_level: 0 for plain JSON, 1..9 for gzip output at that level. */
void jo_begin(int gzip_level);
void jo_end(void);

void jo_map_open(void);
void jo_map_close(void);
void jo_array_open(void);
void jo_array_close(void);
/* A map key, or a constant string value; s is NUL-terminated ASCII. */
void jo_key(const char *s);
/* A string of any bytes: bytes that are not valid UTF-8 become U+FFFD,
 * yajl escapes quotes, backslashes and control characters. */
void jo_string(const char *p, size_t n);
void jo_int(int64_t v);
/* Splice p[0..n) verbatim as one value of the current array or map: the
 * caller guarantees it is valid JSON (one value, or several values joined
 * by ',' when inside an array). Used for large pre-formatted number arrays. */
void jo_raw(const char *p, size_t n);

/* Append p[0..n) to b as a JSON string, quoted, escaped as jo_string()
 * writes it (invalid UTF-8 as U+FFFD): for elements formatted ahead and
 * spliced with jo_raw(). */
struct buf;
void jo_buf_string(struct buf *b, const char *p, size_t n);

/* Append the decimal text of v to dst (at least 21 bytes); returns the length. */
size_t jo_fmt_i64(char *dst, int64_t v);

#endif
