/* stacks.h - the frames and stacks of an events stream, interned */
#ifndef FP_STACKS_H
#define FP_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "intern.h"

/*
 * A frame table and a stack tree (docs/hacking.md, "The stream model").
 *
 * Frames: each distinct frame text (name and attributes, still escaped, as
 * it stands in a STACK field) is stored once and gets an id, in order of
 * first appearance. stacks_frame_get() hands back the parsed frame (name,
 * kind, dso, addr, file, line, col slices into the stored text).
 *
 * Stacks: a prefix tree. A node is (parent node, frame); a stack is the id
 * of its leaf node, STK_ROOT the empty stack. Two records with the same
 * STACK text get the same node, and a stack shares its nodes with every
 * stack that has the same prefix, so memory grows with the distinct nodes,
 * not with the number or length of the records (12 bytes a node, plus
 * 8 to 16 bytes of hash slot).
 */
#define STK_ROOT 0u

struct stk_node {
	uint32_t parent;	/* STK_ROOT for a root frame */
	uint32_t frame;		/* frame id */
	uint32_t depth;		/* 1 for a root frame; 0 for STK_ROOT itself */
};

/* The last STACK interned through a cursor, to reuse the frames the next
 * one shares with it: its text, and for each of its frames the offset
 * where it ends and its node (its frame id for stacks_frames_at). Keep one per thread: a thread's consecutive
 * stacks share long prefixes. */
struct stk_cursor {
	struct buf text;
	size_t *end;
	uint32_t *nodes;
	size_t depth, cap, ncap;
};

/* A direct-mapped cache of whole stacks (STK_CACHE entries), for a STACK
 * text that shares less than half with its cursor's last: a repeated one
 * costs one hash and a walk up its nodes that checks it and makes it the
 * cursor's, so the thread's next record finds it there. */
#define STK_CACHE (1u << 14)	/* 128 KiB: stays in the CPU's cache */
struct stk_cached {
	uint32_t tag;		/* the text hash's high half */
	uint32_t node;
};

/* A direct-mapped cache of frame ids by their text (STK_FCACHE entries),
 * in front of the frame table for the frame that changed between a
 * cursor's stacks: a text of up to 8 bytes is its key itself; a longer
 * one's key is made of its first and last 8 bytes, checked against the
 * stored text on a hit. No hash of the whole text, no probe. */
#define STK_FCACHE 1024
struct stk_fcached {
	uint64_t key;
	uint32_t n1;		/* the text's length + 1; 0 = empty entry */
	uint32_t id;
};

struct stacks {
	struct intern frames;	/* frame text -> id; ent.aux: kind bits */
	struct stk_node *nodes;	/* nodes[0] is STK_ROOT */
	size_t nnodes, cap;
	uint64_t *slots;	/* open addressing over nodes: hash high half | index, 0 = empty */
	size_t mask;
	struct stk_cursor cur;	/* for stacks_intern() */
	struct stk_cached *cache;	/* whole STACK text hash -> node */
	struct stk_fcached *fcache;	/* frame text -> id (stacks_frames_at) */
	uint32_t cache_tries, cache_hits, cache_skip;	/* how well it does (stacks.c) */
	int cache_off;
};

void stacks_init(struct stacks *s);
void stacks_free(struct stacks *s);
/* Drop the hash slots: no more interning, everything else stays. */
void stacks_freeze(struct stacks *s);

/* The id of one frame's text (escaped: name and attributes). */
uint32_t stacks_frame(struct stacks *s, const char *p, size_t n);
/* The node for frame under parent, added if new. */
uint32_t stacks_child(struct stacks *s, uint32_t parent, uint32_t frame);
/* The node of a whole STACK field (root first, ';'-separated). */
uint32_t stacks_intern(struct stacks *s, struct slice stack);
/* The same, reusing and updating cursor c. */
uint32_t stacks_intern_at(struct stacks *s, struct stk_cursor *c, struct slice stack);
/* Only the frame ids of a STACK field, root first, in *ids (valid until
 * the cursor's next use); returns their number. No stack node is made, so
 * memory grows with the distinct frames only. A cursor serves either this
 * or stacks_intern_at(), never both. */
size_t stacks_frames_at(struct stacks *s, struct stk_cursor *c, struct slice stack,
			const uint32_t **ids);
void stk_cursor_free(struct stk_cursor *c);

/* Frame id's text, parsed again into *f (slices into the table). */
void stacks_frame_get(const struct stacks *s, uint32_t frame, struct ev_frame *f);
/* Its kind bits (EVK_*). */
static inline unsigned stacks_frame_kind(const struct stacks *s, uint32_t frame)
{
	return (unsigned)s->frames.ents[frame].aux;
}
static inline uint32_t stacks_depth(const struct stacks *s, uint32_t node)
{
	return s->nodes[node].depth;
}
/* The frame ids of node, root first, into *ids (grown as needed; *cap is
 * its size in elements); returns the depth. */
size_t stacks_path(const struct stacks *s, uint32_t node, uint32_t **ids, size_t *cap);
/* Is a an ancestor of b, or b itself? */
int stacks_is_prefix(const struct stacks *s, uint32_t a, uint32_t b);

#endif
