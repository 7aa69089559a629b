/* window.h - eventsort's sorting of timed records: in memory within a
 * bounded reordering window, sort(1) for what arrives too late for it,
 * and a merge of the two sorted runs (docs/ordering.md §2.1) */
#ifndef ES_WINDOW_H
#define ES_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../../common/buf.h"
#include "../../common/store.h"

/* The sort key of a timed record. Written out for sort(1) it is 16 hex
 * digits of t, the character sub, then nw times 16 hex digits: keys
 * compare as those strings do in the C locale (a prefix first). */
struct skey {
	uint64_t t;		/* the time, order-preserving (ord()) */
	uint64_t w[2];
	unsigned char sub;	/* '0' closes, '1' opens, '2' the rest */
	unsigned char nw;	/* words of w used */
};

/* Keys compare as their text for sort(1) does (a prefix first): with the
 * words past nw zero, that is (t, sub, w[0], w[1], nw) in turn. */
static inline int skey_cmp(const struct skey *a, const struct skey *b)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->sub != b->sub)
		return a->sub < b->sub ? -1 : 1;
	if (a->w[0] != b->w[0])
		return a->w[0] < b->w[0] ? -1 : 1;
	if (a->w[1] != b->w[1])
		return a->w[1] < b->w[1] ? -1 : 1;
	return (a->nw > b->nw) - (a->nw < b->nw);
}

struct ent;

struct win {
	struct ent *h;		/* the window: sorted by (key, seq) up to nsorted */
	size_t n, cap, nsorted;
	struct ent *tmp;	/* scratch for sorting the rest */
	char *chunk;		/* the texts' chunk being filled */
	size_t chunk_used;
	size_t tmpcap;
	size_t bytes, budget, max;	/* budget 0: every record goes to sort(1) */
	struct skey last;	/* the last record taken out of the window */
	uint64_t seq;
	int taken;
	struct store run;	/* the records taken out, in order */
	const char *size, *tmpdir;	/* sort(1)'s -S and -T */
	FILE *to_sort;		/* NULL until a record comes too late */
	pid_t pid;
	int from;		/* sort(1)'s output */
	uint64_t late;		/* records sent to sort(1) */
	uint64_t run_t, run_seq;	/* of the last record of the run */
};

/* Reordering window of up to budget bytes; the run spills to tmpdir. */
void win_init(struct win *w, size_t budget, const char *size, const char *tmpdir);
/* A timed record: in the window, or to sort(1) when its key is below
 * what the window already let out. */
void win_add(struct win *w, const struct skey *k, char tag, const char *line, size_t len);
/* Every record added, by (key, order added): fn(ctx, key, tag, line, len).
 * Waits for sort(1); its failure is fatal. */
typedef void win_fn(void *ctx, const struct skey *k, char tag, const char *line, size_t len);
void win_each(struct win *w, win_fn *fn, void *ctx);
void win_free(struct win *w);

#endif
