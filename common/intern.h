/* intern.h - interning byte strings with a counter each (aggregation) */
#ifndef FP_INTERN_H
#define FP_INTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"

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

/* A hash of p[0..n) (p may be NULL when n is 0); fp_hash_inline() is the
 * same for hot paths. */
uint64_t fp_hash(const void *p, size_t n);
static inline uint64_t fp_hash_inline(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	w = bytes_load(s, n);	/* not read when n is 0 */
	h = (h ^ w) * 0x100000001b3ULL;
	h ^= h >> 33;		/* the final mix */
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

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
/* The same, given h = fp_hash(key, len). */
static inline size_t intern_find_hash(const struct intern *t, const void *key, size_t len,
				      uint64_t h)
{
	size_t j;

	if (!t->slots)
		return (size_t)-1;
	for (j = h & t->mask; t->slots[j]; j = (j + 1) & t->mask) {
		const struct ient *e = &t->ents[t->slots[j] - 1];

		if (e->hash == h && e->len == len && bytes_eq(e->key, key, len))
			return t->slots[j] - 1;
	}
	return (size_t)-1;
}
/* Forget every key but keep the memory for the next ones (an aggregation
 * that restarts, e.g. per time window): no allocation in steady state. */
void intern_clear(struct intern *t);
void intern_free(struct intern *t);

#endif
