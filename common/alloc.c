/* alloc.c - allocation that never returns NULL */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "err.h"

static void oom(void)
{
	fp_die("out of memory");
}

void *fp_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *fp_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *fp_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void fp_grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;
	size_t c = *cap;

	if (need <= c)
		return;
	if (c < 16)
		c = 16;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			oom();
		c *= 2;
	}
	*p = fp_realloc(*p, c * size);
	*cap = c;
}

char *fp_strndup(const char *s, size_t n)
{
	char *d = fp_malloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}
