/* events2html/html.h - events2html's state, shared by its parts:
 * events2html.c (options, the model's sink: cells of (thread, stack)
 * weights) and write.c (the page: the data as JSON, the viewer script). */
#ifndef FP_E2HTML_H
#define FP_E2HTML_H

#include <stdint.h>

#include "../../common/foldagg.h"
#include "../../common/heatgrid.h"
#include "../../common/u64map.h"

/* One aggregated entry: a cell, a (comm, thread, stack) key, the sum of
 * its samples' weights and their number. */
struct hentry {
	uint32_t cell, key;
	int64_t weight, count;
};

struct html {
	struct fagg a;		/* the event choice, roots, folded names */
	struct hgrid g;		/* the cells (heatgrid.h) */
	int keep_idle;
	const char *title;
	char **files;		/* the FILE operands read, for the timeslice command */
	int nfiles;
	char *input;		/* the #input header */
	uint64_t idle, spans;	/* idle samples left out; O/C/I records not drawn */
	/* comm << 32 | thread -> id + 1; stack keys: ct << 32 | node -> id + 1 */
	struct u64map ct, keys, cells, ents;
	uint32_t *ct_comm, *ct_thread, *key_ct, *key_node;
	size_t nct, ctcap, nkeys, keycap;
	int64_t *cell_col;	/* cell id -> column from anchor << 14 | bucket */
	size_t ncells, cellcap;
	struct hentry *e;
	size_t ne, ecap;
};

/* write.c */
void html_write(struct html *h);
/* the viewer: filters/events2html/viewer.js, a C string made by the Makefile */
extern const char events2html_js[];

#endif
