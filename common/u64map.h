/* u64map.h - a hash map from 64-bit keys to 64-bit values */
#ifndef FP_U64MAP_H
#define FP_U64MAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * For tuples of ids (a thread and a stack node, say) that would otherwise
 * be packed into strings for intern.h: 16 bytes an entry plus 8 to 16 of
 * hash slot. Entries stay in insertion order; their indices are stable.
 */
struct u64ent {
	uint64_t key;
	int64_t value;
};

struct u64map {
	struct u64ent *ents;
	size_t count, cap;
	uint64_t *slots;	/* hash high half | index + 1, 0 = empty */
	size_t mask;
};

/* The entry of key, added with value 0 if new; valid until the next add. */
struct u64ent *u64map_add(struct u64map *m, uint64_t key);
/* The entry of key, or NULL. */
struct u64ent *u64map_find(const struct u64map *m, uint64_t key);
/* Drop the hash slots (the entries stay, in order; no more adds or finds). */
void u64map_freeze(struct u64map *m);
void u64map_free(struct u64map *m);

#endif
