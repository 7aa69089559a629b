/* foldtree.h - the merged tree of a flame graph's frames, and their
 * colours (flamegraph.pl's palettes); events2svg, events2html */
#ifndef FP_FOLDTREE_H
#define FP_FOLDTREE_H

#include <stdint.h>

#include "buf.h"
#include "foldagg.h"
#include "intern.h"
#include "u64map.h"

/*
 * foldagg.h gives weights per (root, stack node); a frame of a picture is
 * a (parent frame, folded name, class), so stacks whose frames fold alike
 * merge, as their folded lines would. Node 0 is "all"; a root's frame
 * (its COMM) is a child of it. Children are made after their parent, so
 * a node's id is larger than its parent's. Memory: one node per distinct
 * frame path, one memo entry per distinct (root, stack node).
 */
/* Frame classes: the palette (docs/svg.md, "Colours"). */
enum ft_cls { CLS_USER, CLS_KERNEL, CLS_JIT, CLS_INLINED };

struct tnode {
	uint32_t parent, name, depth;
	uint32_t first, nkids;	/* children: t->order[first .. first + nkids) (ftree_sort) */
	uint8_t cls;
	int64_t w[2];		/* weights, for the caller */
};

struct ftree {
	struct fagg *a;
	struct tnode *n;
	size_t nn, ncap;
	struct u64map child;	/* parent << 32 | name << 2 | cls -> id + 1 */
	struct u64map memo;	/* root << 32 | stack node -> id + 1 */
	struct intern names;	/* display names */
	uint32_t *fname;	/* frame id * 2 + java -> name id + 1 */
	size_t nfname;
	uint32_t *order;	/* node ids, children of a node adjacent, by name */
	uint32_t *path;
	size_t pathcap;
	struct buf line;
};

/* An empty tree (node 0, "all") over a's frames. */
void ftree_init(struct ftree *t, struct fagg *a);
void ftree_free(struct ftree *t);
/* The node of (root, stack node) of a, made when new; a stack with no
 * frame at all under no root frame is "[no frames]", as events2folded. */
uint32_t ftree_node(struct ftree *t, uint32_t root, uint32_t node);
/* A frame's class from its kind bits (EVK_*). */
unsigned ftree_cls(unsigned kind);
/* The display name id of a frame (folded, no _[k] suffix: the class says
 * it), and of a text. */
uint32_t ftree_frame_name(struct ftree *t, uint32_t frame, int java);
uint32_t ftree_name(struct ftree *t, const char *p, size_t n);
/* Once every node is made: children adjacent in t->order by name, then
 * class (first, nkids); the lookup tables are freed. */
void ftree_sort(struct ftree *t);
/* flamegraph.pl's palette for a name and class, a shade from a hash of
 * the name: "rgb(R,G,B)". */
void ftree_colour(const struct ftree *t, uint32_t name, unsigned cls, char out[48]);

#endif
