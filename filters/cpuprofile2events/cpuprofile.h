/* cpuprofile.h - cpuprofile2events' private header: the node table and
 * the state of one run, shared by the JSON walk (parse.c) and the
 * conversion (../cpuprofile2events.c). */
#ifndef CPUPROFILE_H
#define CPUPROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../../common/buf.h"
#include "../../common/json.h"
#include "../../common/skip.h"

#define NONE ((size_t)-1)
#define NO_ID INT64_MIN

enum { F_ROOT = 1, F_IDLE = 2, F_PROGRAM = 4, F_GC = 8, F_DUMMY = 16 };

struct node {
	int64_t id, parent_id;	/* parent_id: the node's "parent" key, or NO_ID */
	size_t parent;		/* index in nodes, NONE for a root */
	size_t fn_off, fn_len, url_off, url_len, name_off, name_len;	/* in strs */
	int64_t line, col;	/* 0-based as in the file; -1 unknown */
	int64_t hits;
	unsigned flags;
	size_t depth_pos;	/* position + 1 in the current stack, 0 if not in it */
	size_t text_off, text_len;	/* the escaped frame in cp->ftext */
};

/* Where the parser is: one level per open map or array. */
enum ctx {
	C_TOP, C_PROFILE, C_NODES, C_NODE, C_CALLFRAME, C_CHILDREN,
	C_SAMPLES, C_DELTAS, C_TIMESTAMPS, C_SKIP,
};
enum key {
	K_NONE, K_NODES, K_SAMPLES, K_DELTAS, K_TIMESTAMPS, K_START, K_END, K_HEAD,
	K_PROFILE, K_ID, K_CALLFRAME, K_CHILDREN, K_PARENT, K_HITS, K_FN, K_URL,
	K_LINE, K_COL, K_OTHER,
};

struct level {
	enum ctx ctx;
	size_t node;		/* C_NODE, C_CALLFRAME, C_CHILDREN: the node */
};

struct pair {
	size_t parent;
	int64_t child;
};

struct i64vec {
	int64_t *v;
	size_t n, cap;
};

/* The state of one run of cmd_cpuprofile2events: options, then the
 * current file (reset per input), then the stack being emitted. */
struct cp {
	int count, no_idle, raw;
	struct skips skips;
	/* the current file */
	const char *file;
	struct level *lv;
	size_t nlv, lv_cap, skip_depth;
	struct node *nodes;
	size_t nnodes, nodes_cap;
	struct pair *kids;
	size_t nkids, kids_cap;
	struct i64vec samples, deltas, stamps;
	struct buf strs;
	int64_t start, end;	/* ns or NO_ID */
	size_t start_off, start_len, end_off, end_len;	/* their text in strs */
	int legacy, bad_number;
	uint64_t samples_line;
	/* emitting */
	size_t *stk;
	size_t nstk, stk_cap;
	struct buf ftext;
};

/* The JSON walk (parse.c): fills cp's nodes, samples and times;
 * json_init(&j, &cp_json_handler, cp). */
extern const struct json_handler cp_json_handler;

#endif
