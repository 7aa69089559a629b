/* rules.h - eventreduce's rule files (docs/reduce.md): YAML in, compiled rules out */
#ifndef FP_RULES_H
#define FP_RULES_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"

enum rule_kind {
	R_KEEP, R_DROP, R_IDLE, R_RENAME, R_STRIP, R_HIDE, R_FOCUS, R_IGNORE,
	R_PRUNE, R_DEPTH, R_RECURSION, R_THREADS, R_BUCKET, R_NKINDS
};

/* A compiled pattern with its own match data. */
struct rx {
	pcre2_code *code;
	pcre2_match_data *md;
	void *memo;		/* the user's cache of results (freed by the user) */
};

/* keep/drop: every field given must match. */
struct rule_match {
	struct buf pids, tids;	/* escaped values, each followed by '\n' */
	int npids, ntids;
	struct rx comm, event, frame, leaf, root;	/* code NULL: not given */
	int has_from, has_to;
	int64_t from, to;
};

/* strip: attribute kinds (events.h EVK_*) and keys */
enum { ST_DSO = 1, ST_ADDR = 2, ST_FILE = 4, ST_LINE = 8, ST_COL = 16, ST_ALL = 32 };

struct rule {
	enum rule_kind kind;
	int line, col;		/* 1-based position of the rule in the file */
	struct rule_match m;	/* keep, drop */
	struct rx re;		/* rename, strip (optional), hide, focus, ignore, prune */
	int comm;		/* rename: comms instead of frames */
	char *to;		/* rename: the replacement */
	size_t to_len;
	int global;		/* rename: every match */
	unsigned strip_kinds, strip_keys;	/* strip */
	int on;			/* idle: true */
	long root, leaf;	/* depth: -1 when not given */
	int indirect;		/* recursion */
	int all;		/* threads: all processes */
	int64_t window;		/* bucket, ns */
};

struct rules {
	struct rule *r;
	size_t n, cap;
};

/* Parse the YAML text of rule file NAME into rs. 0 on success; -1 with
 * "NAME:LINE:COL: message" (no prefix, no newline) in err. */
int rules_parse(struct rules *rs, const char *name, const char *text, size_t len,
		struct buf *err);
void rules_free(struct rules *rs);
const char *rule_name(enum rule_kind k);

#endif
