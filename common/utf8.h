/* utf8.h - valid UTF-8 from any bytes (JSON and protobuf strings) */
#ifndef FP_UTF8_H
#define FP_UTF8_H

#include <stddef.h>

#include "buf.h"

/* Length of the valid UTF-8 sequence at s[0..n) (n > 0), or 0 if it is not
 * one (overlong forms, surrogates and code points above U+10FFFF are not). */
size_t utf8_len(const unsigned char *s, size_t n);
/* Append p[0..n) to out with each byte that does not start a valid
 * sequence replaced by U+FFFD; returns how many were replaced. */
size_t utf8_append(struct buf *out, const char *p, size_t n);
/* Is p[0..n) valid UTF-8? */
int utf8_valid(const char *p, size_t n);

#endif
