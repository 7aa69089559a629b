/* nx.h - events2nflxprofile's private header: the state of one run of
 * cmd_events2nflxprofile and the functions its parts share.
 *
 *   ../events2nflxprofile.c  options, the model's callbacks (which event,
 *                            time order, nodes), the end
 *   spill.c     per-field byte streams held in memory, spilled to one
 *               unlinked temporary file each when they grow
 *   write.c     the protobuf: nflxprofile's wire format written by hand,
 *               field by field, from the spilled streams and the nodes
 *
 * Design: docs/nflxprofile.md §4. Memory grows with the distinct nodes
 * (thread, COMM, stack), never with the samples: each sample is a few
 * bytes appended to the streams, which spill.
 */
#ifndef NX_H
#define NX_H

#include <stddef.h>
#include <stdint.h>

#include "../../common/buf.h"
#include "../../common/model.h"
#include "../../common/u64map.h"

/* ---- spill.c ---- */

/* One packed field's bytes: the part in memory (b), after the part
 * spilled to fd (0: none yet). */
struct nx_spill {
	struct buf b;
	int fd;
	uint64_t len;		/* all bytes: spilled and in b */
};

#define NX_SPILL_AT (1u << 16)	/* b spills when it holds this much */

void nx_spill_slow(struct nx_spill *s);
static inline char *nx_spill_room(struct nx_spill *s, size_t max)
{
	if (s->b.cap - s->b.len < max)
		nx_spill_slow(s);
	return s->b.p + s->b.len;
}
static inline void nx_spill_done(struct nx_spill *s, const char *end)
{
	size_t n = (size_t)(end - (s->b.p + s->b.len));

	s->b.len += n;
	s->len += n;
}
/* Call fn on the stream's bytes in order, in pieces; buf is scratch. */
void nx_spill_each(struct nx_spill *s, struct buf *scratch,
		   void (*fn)(void *ctx, const char *p, size_t n), void *ctx);
void nx_spill_free(struct nx_spill *s);

/* ---- write.c ---- */

/* v as a protobuf varint at p (up to 10 bytes); the end. */
static inline char *nx_varint(char *p, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		*p++ = (char)(v | 0x80);
	*p++ = (char)v;
	return p;
}

/* A node of the profile: one per distinct (thread, COMM, stack). */
struct nx_node {
	uint32_t thread, comm, stack;	/* model ids (comm MD_NONE: none) */
	uint32_t next;			/* index + 1 of the next node with the same
					 * thread and stack (another COMM), 0 = none */
	uint64_t hits;
};

enum { NX_IDS, NX_TIMES, NX_CPUS, NX_VALUES, NX_NSTREAMS };

struct nx {
	struct model m;
	/* options */
	const char *event;	/* chosen, or the first sampled one (owned then) */
	size_t event_len;	/* its length: an event may hold a NUL byte */
	char *event_alloc;
	/* the samples kept */
	struct nx_spill st[NX_NSTREAMS];	/* node ids (varints), times (int64
						 * ns, host order), CPUs, weights (varints) */
	uint64_t nsamples;
	int weighted;		/* a weight is not 1: write samples_value */
	int all_cpus;		/* every sample has a CPU: write samples_cpu */
	int64_t first, last;	/* times of the first and last sample */
	int have_start, have_end;
	int failed;		/* an untimed or unordered sample: no output */
	int64_t start_hdr, end_hdr;	/* smallest #start, largest #end */
	/* nodes: thread << 32 | stack -> index + 1 of the first such node */
	struct u64map of;
	struct nx_node *nodes;
	size_t nnodes, nodecap;
	/* what was left out, reported at the end */
	uint64_t other_events, spans, instants, bad_utf8;
	struct buf tmp, tmp2, enc, enc2;
	uint32_t *path;
	size_t pathcap;
};

/* The whole protobuf on stdout. */
void nx_write(struct nx *x);

#endif
