/* callgrind.h - valgrind's callgrind profile format: a line parser that
 * builds the call graph of each part (docs/callgrind.md §1)
 *
 * Feed lines with cg_line(); when a part is complete (a new part's header
 * arrives, or cg_finish() at the end) the part_done callback sees the
 * graph: nodes (functions keyed by object, file and full name), their self
 * cost per file, and caller -> callee edges with the calls' inclusive cost,
 * all for the chosen event. Bad lines are reported through skip.h.
 */
#ifndef FP_CALLGRIND_H
#define FP_CALLGRIND_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "events.h"
#include "intern.h"
#include "skip.h"

#define CG_NONE ((size_t)-1)
#define CG_MAX_COST ((uint64_t)INT64_MAX)	/* costs saturate here */

enum { CG_OK = 0, CG_NO_EVENT = -1, CG_NOT_CALLGRIND = -2 };

struct cg_node {
	size_t ob, fl, name;	/* string ids (cg_str), CG_NONE when absent */
	uint64_t self;		/* the sum of the parts below */
	size_t first_in;	/* the callers: edges linked by next_in */
	size_t first_part;	/* self cost per file: cg_part linked by next */
};

struct cg_edge {
	size_t caller, callee, next_in;
	uint64_t line;		/* the call site's line (by_line), else 0 */
	uint64_t cost;		/* inclusive cost of all the calls */
};

struct cg_part {
	size_t file, next;	/* file: the fl=, fi= or fe= file of the cost */
	uint64_t line;		/* the source line (by_line), else 0 */
	uint64_t cost;
};

struct cg_reader;
typedef void cg_part_fn(struct cg_reader *r, void *ctx);

struct cg_reader {
	/* set by cg_init */
	const char *file;	/* for messages */
	struct skips *skips;
	const char *event;	/* the wanted event, NULL: the first */
	int by_line;		/* keep self costs and calls apart per source line */
	cg_part_fn *part_done;
	void *ctx;
	uint64_t lineno;	/* set by the caller before cg_line */
	/* the file so far */
	int recognized;		/* an events: line was seen */
	struct intern strs;	/* every name: index = string id */
	struct buf pid, tid, cmd;	/* header values, trimmed */
	long evidx;		/* the event's column, -1 none */
	struct buf evname;
	/* the current part */
	uint64_t totals, summary;	/* of the event */
	int has_totals, has_summary;
	struct cg_node *nodes;
	size_t nnodes;
	struct cg_edge *edges;
	size_t nedges;
	struct cg_part *parts;
	size_t nparts;
	/* private */
	struct intern ids, nodekeys, edgekeys, partkeys;
	size_t nodes_cap, edges_cap, parts_cap, npos, nev;
	long line_col;		/* the line column of positions:, -1 none */
	uint64_t last_line;	/* of the last cost line (subposition compression) */
	int body, call_pending, jump_pending;
	size_t ob, fl, fi, fn, cob, cfl, cfn, call_callee;
	uint64_t call_line;
};

/* Start a file (also after an earlier one: the memory is reused); r is
 * zeroed before the first call (static, or memset). */
void cg_init(struct cg_reader *r, const char *file, struct skips *skips, const char *event,
	     int by_line, cg_part_fn *part_done, void *ctx);
/* One line (without LF; a CR at the end is ignored): CG_OK, or
 * CG_NOT_CALLGRIND (the file is not callgrind, nothing was reported), or
 * CG_NO_EVENT (events: lacks the wanted event; reported). */
int cg_line(struct cg_reader *r, const char *p, size_t n);
/* At the end of the input: the last part goes to part_done. */
void cg_finish(struct cg_reader *r);
void cg_free(struct cg_reader *r);

/* The text of string id s (empty for CG_NONE). */
struct slice cg_str(const struct cg_reader *r, size_t s);
/* a + b, saturating at CG_MAX_COST */
uint64_t cg_add(uint64_t a, uint64_t b);
/* A name with context, "f'2'g'h" (--separate-recs, --separate-callers):
 * *fn_len is the length of the function's part ("f"), *ctx where its
 * callers begin ("g'h", nearest first), 0 if none. Only when every part
 * between ' is non-empty; otherwise the whole name is the function. */
void cg_split_name(struct slice s, size_t *fn_len, size_t *ctx);

#endif
