/* intern.h - interning byte strings with a counter each (aggregation) */
#ifndef FP_INTERN_H
#define FP_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct ient {
	const char *key;	/* not NUL-terminated */
	size_t len;
	uint64_t hash;
	int64_t value;		/* free for the user: a weight sum */
	int64_t aux;		/* free for the user */
};

struct intern {
	struct ient *ents;	/* in insertion order; indices are stable */
	size_t count, ents_cap;
	uint32_t *slots;	/* open addressing: index + 1, 0 = empty */
	size_t mask;
	char *chunk;		/* arena for key bytes */
	size_t chunk_left;
	char **chunks;
	size_t nchunks, chunks_cap;
};

uint64_t fp_hash(const void *p, size_t n);
/* Index of KEY, adding it (value 0) if new; *added tells which. */
size_t intern_get(struct intern *t, const void *key, size_t len, int *added);
/* The entry of KEY, added if new; valid until the next insertion. */
static inline struct ient *intern_add(struct intern *t, const void *key, size_t len)
{
	int added;
	size_t i = intern_get(t, key, len, &added);

	return &t->ents[i];
}
/* Index of KEY or (size_t)-1. */
size_t intern_find(const struct intern *t, const void *key, size_t len);
/* Forget every key but keep the memory for the next ones (an aggregation
 * that restarts, e.g. per time window): no allocation in steady state. */
void intern_clear(struct intern *t);
void intern_free(struct intern *t);

#endif
