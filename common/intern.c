/* intern.c - interning byte strings: open addressing over an entry vector */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bytes.h"
#include "err.h"
#include "intern.h"

#define ARENA_CHUNK (1 << 20)

uint64_t fp_hash(const void *p, size_t n)
{
	return fp_hash_inline(p, n);
}

static void rehash(struct intern *t, size_t nslots)
{
	size_t i;

	free(t->slots);
	t->slots = fp_calloc(nslots, sizeof *t->slots);
	t->mask = nslots - 1;
	for (i = 0; i < t->count; i++) {
		size_t j = t->ents[i].hash & t->mask;

		while (t->slots[j])
			j = (j + 1) & t->mask;
		t->slots[j] = (uint32_t)(i + 1);
	}
}

static void keep_chunk(struct intern *t, char *p)
{
	fp_grow(&t->chunks, &t->chunks_cap, t->nchunks + 1, sizeof *t->chunks);
	t->chunks[t->nchunks++] = p;
}

static const char *store(struct intern *t, const void *key, size_t len)
{
	char *p;

	if (len > ARENA_CHUNK / 4) {
		p = fp_malloc(len);
		keep_chunk(t, p);
	} else {
		if (t->chunk_left < len || !t->chunk) {	/* also an empty first key: no NULL + 0 */
			t->chunk = fp_malloc(ARENA_CHUNK);
			t->chunk_left = ARENA_CHUNK;
			keep_chunk(t, t->chunk);
		}
		p = t->chunk;
		t->chunk += len;
		t->chunk_left -= len;
	}
	if (len)
		memcpy(p, key, len);
	return p;
}

size_t intern_find(const struct intern *t, const void *key, size_t len)
{
	return intern_find_hash(t, key, len, fp_hash_inline(key, len));
}

size_t intern_get(struct intern *t, const void *key, size_t len, int *added)
{
	uint64_t h = fp_hash_inline(key, len);
	size_t j;
	struct ient *e;

	if (!t->slots)
		rehash(t, 1024);
	for (j = h & t->mask; t->slots[j]; j = (j + 1) & t->mask) {
		e = &t->ents[t->slots[j] - 1];
		if (e->hash == h && e->len == len && bytes_eq(e->key, key, len)) {
			*added = 0;
			return t->slots[j] - 1;
		}
	}
	if (t->count >= UINT32_MAX - 1)
		fp_die("too many distinct keys");
	fp_grow(&t->ents, &t->ents_cap, t->count + 1, sizeof *t->ents);
	e = &t->ents[t->count];
	e->key = store(t, key, len);
	e->len = len;
	e->hash = h;
	e->value = 0;
	e->aux = 0;
	t->slots[j] = (uint32_t)(t->count + 1);
	t->count++;
	if (t->count * 2 > t->mask)
		rehash(t, (t->mask + 1) * 2);
	*added = 1;
	return t->count - 1;
}

void intern_clear(struct intern *t)
{
	char *base = t->chunk ? t->chunk - (ARENA_CHUNK - t->chunk_left) : NULL;
	size_t i;

	for (i = 0; i < t->nchunks; i++)
		if (t->chunks[i] != base)
			free(t->chunks[i]);
	t->nchunks = 0;
	if (base)
		t->chunks[t->nchunks++] = base;
	t->chunk = base;
	t->chunk_left = base ? ARENA_CHUNK : 0;
	t->count = 0;
	if (t->slots)
		memset(t->slots, 0, (t->mask + 1) * sizeof *t->slots);
}

void intern_free(struct intern *t)
{
	size_t i;

	for (i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->ents);
	free(t->slots);
	memset(t, 0, sizeof *t);
}
