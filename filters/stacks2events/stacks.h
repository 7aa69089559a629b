/* stacks.h - stacks2events' private header: the keys of a map entry and
 * the state of one run of cmd_stacks2events, and the functions the parts
 * share.
 *
 *   ../stacks2events.c  options, one input after the other, the format
 *                       check (folded, perf script, JSON are refused), the
 *                       lines handed to the entry parser
 *   entry.c             map entries: bpftrace's @NAME[keys]: VALUE over
 *                       several lines, DTrace's indented stacks and counts
 *   frame.c             one frame line: name, dso, address, offsets
 *                       removed, kernel or user evidence
 *   emit.c              an entry as an S record: scalar keys, stacks
 *                       classified kernel or user, root-first frames
 *
 * Everything is reached from one struct st, allocated per call of
 * cmd_stacks2events and passed explicitly.
 */
#ifndef STACKS2EVENTS_H
#define STACKS2EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/bytes.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/skip.h"
#include "../../common/textin.h"

enum ktype { K_AUTO, K_KSTACK, K_USTACK, K_STACK, K_COMM, K_PID, K_TID, K_CPU, K_FRAME, K_IGNORE };

struct span {
	size_t off, len;	/* in st->text */
};

struct key {
	struct span text;	/* a scalar key's text */
	size_t first, n;	/* its frames: st->fr[first .. first + n) */
	int has_text;
	int kernel;		/* at emit: a stack's class */
};

/* The state of one run of cmd_stacks2events: options, the output so far,
 * then the current file and the entry being read (reset per input). */
struct st {
	enum ktype *types;	/* --keys */
	size_t ntypes;
	const char *event, *unit;
	struct skips skips;
	int started;
	struct intern events;	/* events whose E record is written */
	/* the current file */
	struct textin tin;	/* the file and its format decision */
	/* the current entry */
	int in_entry;		/* 'b' bpftrace, 'd' DTrace, 0 none */
	uint64_t entry_line;
	struct buf text, map;
	struct key *keys;
	size_t nkeys, keys_cap;
	struct span *fr;
	size_t nfr, fr_cap;
};

/* frame.c */
enum { CLASS_NONE = 0, CLASS_KERNEL = 1, CLASS_USER = 2 };

struct pframe {
	struct slice name, dso;
	char addr[17];		/* lower-case hex, no 0x; "" if none */
	int unknown;
	int evidence;		/* CLASS_KERNEL, CLASS_USER or 0 */
};

/* One frame line, trimmed. */
void st_parse_frame(const char *s, size_t n, struct pframe *f);
/* A kernel entry point (entry_SYSCALL_64, ret_from_fork, ...). */
int st_kernel_root(struct slice s);
/* An integer (optional '-'), int64: 0, or -1 if it is not one. */

/* entry.c */
void st_entry_reset(struct st *st);
/* An entry ends without its value: skipped (if one was open). */
void st_entry_broken(struct st *st, const char *why);
void st_skip(struct st *st, uint64_t line, const char *why);
/* A line inside a bpftrace entry, p[indent..n) not blank: 1 if it was
 * used, 0 if it is a new entry's start (the open one is then skipped). */
int st_bpf_inside(struct st *st, const char *p, size_t n, size_t indent, uint64_t lineno);
/* "@NAME[" or "@NAME: VALUE": 0, or -1 if p is neither. */
int st_bpf_start(struct st *st, const char *p, size_t n, uint64_t lineno);
/* A DTrace line (indented); p is trimmed, indent is the leading blanks. */
void st_dtrace_line(struct st *st, const char *p, size_t n, size_t indent, uint64_t lineno);

/* emit.c */
/* Write the entry as an S record of weight w (and its E record first). */
void st_emit(struct st *st, int64_t w);

static inline int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

#endif
