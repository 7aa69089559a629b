/* u64map.c - a hash map from 64-bit keys to 64-bit values */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "err.h"
#include "u64map.h"

/* A key's hash: its low bits choose the slot, its high half is kept in
 * the slot beside the entry's index + 1, so that a probe reads an entry
 * only when the halves match (entries of a large map are not in the cache). */
static inline uint64_t hash_of(uint64_t key)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ULL;
	return key ^ (key >> 29);
}

static inline uint64_t slot_val(uint64_t h, size_t i)
{
	return (h & 0xffffffff00000000ULL) | (uint32_t)(i + 1);
}

static void rehash(struct u64map *m, size_t nslots)
{
	size_t i;

	free(m->slots);
	m->slots = fp_calloc(nslots, sizeof *m->slots);
	m->mask = nslots - 1;
	for (i = 0; i < m->count; i++) {
		uint64_t h = hash_of(m->ents[i].key);
		size_t j = h & m->mask;

		while (m->slots[j])
			j = (j + 1) & m->mask;
		m->slots[j] = slot_val(h, i);
	}
}

/* The slot of key: its entry's, or the empty one where it would go. */
static size_t probe(const struct u64map *m, uint64_t key, uint64_t h)
{
	size_t j;
	uint64_t v;

	for (j = h & m->mask; (v = m->slots[j]) != 0; j = (j + 1) & m->mask)
		if ((v >> 32) == (h >> 32) && m->ents[(uint32_t)v - 1].key == key)
			break;
	return j;
}

struct u64ent *u64map_find(const struct u64map *m, uint64_t key)
{
	size_t j;

	if (!m->slots)
		return NULL;
	j = probe(m, key, hash_of(key));
	return m->slots[j] ? &m->ents[(uint32_t)m->slots[j] - 1] : NULL;
}

struct u64ent *u64map_add(struct u64map *m, uint64_t key)
{
	uint64_t h = hash_of(key);
	size_t j;

	if (!m->slots)
		rehash(m, 1024);
	j = probe(m, key, h);
	if (m->slots[j])
		return &m->ents[(uint32_t)m->slots[j] - 1];
	if (m->count >= UINT32_MAX - 1)
		fp_die("too many distinct keys");
	fp_grow(&m->ents, &m->cap, m->count + 1, sizeof *m->ents);
	m->ents[m->count] = (struct u64ent){ key, 0 };
	m->slots[j] = slot_val(h, m->count++);
	if (m->count * 4 > m->mask * 3)	/* load factor 3/4 */
		rehash(m, (m->mask + 1) * 2);
	return &m->ents[m->count - 1];
}

void u64map_freeze(struct u64map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->ents);
	free(m->slots);
	memset(m, 0, sizeof *m);
}
