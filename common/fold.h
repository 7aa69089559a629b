/* fold.h - frame names for folded stacks, compatible with stackcollapse-perf.pl */
#ifndef FP_FOLD_H
#define FP_FOLD_H

#include "buf.h"
#include "events.h"

struct fold_opts {
	int kernel;	/* _[k] on kernel frames */
	int jit;	/* _[j] on JIT frames */
	int inlined;	/* _[i] on inlined frames */
	int addrs;	/* [dso <addr>] for unknown frames */
	int raw;	/* keep argument lists and quotes */
};

/* Append frame f's folded name to out (tmp is scratch). java: the root is
 * a java process (Java's "L" class prefix is dropped). */
void fold_frame(struct buf *out, const struct ev_frame *f, const struct fold_opts *o,
		int java, struct buf *tmp);
/* Append text made safe for a folded stack: ';' -> ':', TAB/CR/LF -> ' ';
 * with spaces_to_underscore (the comm root) ' ' -> '_' too. */
void fold_text(struct buf *out, const char *s, size_t n, int spaces_to_underscore);
/* A folded line must not end in " DIGITS" before the count: turn that
 * space of the leaf into '_' (the line is out->p[start..len)). */
void fold_fix_leaf(struct buf *out, size_t start);

#endif
