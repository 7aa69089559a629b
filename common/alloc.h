/* alloc.h - allocation that never returns NULL */
#ifndef FP_ALLOC_H
#define FP_ALLOC_H

#include <stddef.h>

void *fp_malloc(size_t n);
void *fp_calloc(size_t n, size_t size);
void *fp_realloc(void *p, size_t n);
/* Grow *p (holding *cap elements of size) to at least need elements. */
void fp_grow(void *pp, size_t *cap, size_t need, size_t size);
char *fp_strndup(const char *s, size_t n);

#endif
