/* u64map.c - a hash map from 64-bit keys to 64-bit values */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "err.h"
#include "u64map.h"

static inline size_t slot_of(uint64_t key, size_t mask)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(key ^ (key >> 32)) & mask;
}

static void rehash(struct u64map *m, size_t nslots)
{
	size_t i;

	free(m->slots);
	m->slots = fp_calloc(nslots, sizeof *m->slots);
	m->mask = nslots - 1;
	for (i = 0; i < m->count; i++) {
		size_t j = slot_of(m->ents[i].key, m->mask);

		while (m->slots[j])
			j = (j + 1) & m->mask;
		m->slots[j] = (uint32_t)(i + 1);
	}
}

struct u64ent *u64map_find(const struct u64map *m, uint64_t key)
{
	size_t j;

	if (!m->slots)
		return NULL;
	for (j = slot_of(key, m->mask); m->slots[j]; j = (j + 1) & m->mask)
		if (m->ents[m->slots[j] - 1].key == key)
			return &m->ents[m->slots[j] - 1];
	return NULL;
}

struct u64ent *u64map_add(struct u64map *m, uint64_t key)
{
	size_t j;

	if (!m->slots)
		rehash(m, 1024);
	for (j = slot_of(key, m->mask); m->slots[j]; j = (j + 1) & m->mask)
		if (m->ents[m->slots[j] - 1].key == key)
			return &m->ents[m->slots[j] - 1];
	if (m->count >= UINT32_MAX - 1)
		fp_die("too many distinct keys");
	fp_grow(&m->ents, &m->cap, m->count + 1, sizeof *m->ents);
	m->ents[m->count] = (struct u64ent){ key, 0 };
	m->slots[j] = (uint32_t)(++m->count);
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
