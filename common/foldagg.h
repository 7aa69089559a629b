/* foldagg.h - samples and spans of one event summed by (root, stack node):
 * events2folded's aggregation, shared with events2svg */
#ifndef FP_FOLDAGG_H
#define FP_FOLDAGG_H

#include <stdint.h>

#include "buf.h"
#include "fold.h"
#include "intern.h"
#include "model.h"
#include "u64map.h"

/*
 * On the stream model (model.h): fagg_want() chooses the records of one
 * event (or, with nevents 2, of two: a differential pair), samples (S) or
 * spans (O/C) by the first record of that event; a sample, or a span when
 * it closes, adds its weight (or 1 with count; a span its self time) to
 * (root, stack node), where the root is the record's COMM and, where the
 * root frame needs it (pid, tid, or no COMM), its thread. The folded text
 * of a root and of a frame follows stackcollapse-perf.pl (fold.h).
 * With all set, every event gets a slot of its own in order of first
 * appearance, up to FAGG_MAX (events2pprof's sample types).
 */
#define FAGG_MAX 16
struct fagg {
	struct model m;
	struct fold_opts fold;
	int pid, tid, count, no_comm;
	int nevents;		/* events to choose: 1, or 2 for a diff */
	int all;		/* every event (nevents grows, up to FAGG_MAX) */
	const char *event[FAGG_MAX];	/* chosen (or given) events, NULL until seen */
	char *event_alloc[FAGG_MAX];
	const char *evlen_of[FAGG_MAX];	/* the event whose length evlen holds */
	size_t evlen[FAGG_MAX];
	char kind[FAGG_MAX];	/* 'S' samples or 'O' spans, 0 until chosen */
	int which;		/* the event of the record fagg_want() last took */
	struct intern other;	/* other events -> records skipped */
	size_t last_other;
	struct u64map roots;	/* comm << 32 | thread (or MD_NONE) -> index + 1 */
	struct u64map stacks[FAGG_MAX];	/* root << 32 | node -> weight */
	uint32_t *path;
	size_t pathcap;
	/* each frame's folded text, once per java flag: frame << 1 | java ->
	 * offset in ftext << 32 | length (UINT64_MAX: not yet) */
	uint64_t *folded;
	size_t nfolded;
	struct buf ftext;
	struct buf tmp;
};

/* Zero a, model_init() its model with sink (sink->ctx is kept). */
void fagg_init(struct fagg *a, const struct md_sink *sink, const struct model_opts *o);
void fagg_free(struct fagg *a);
/* The md_sink.want test: is r of a chosen event (a->which tells which)? */
int fagg_want(struct fagg *a, const struct ev_rec *r);
/* The weight a sample or a closed span adds (count: 1; span: self time). */
int64_t fagg_sample_weight(const struct fagg *a, const struct md_sample *s);
int64_t fagg_span_weight(const struct fagg *a, const struct md_span *s);
/* The root id of a record with COMM comm (or MD_NONE) on thread. */
uint32_t fagg_root(struct fagg *a, uint32_t comm, uint32_t thread);
/* Add w to (root of comm and thread, node) of event a->which. */
void fagg_add(struct fagg *a, uint32_t comm, uint32_t thread, uint32_t node, int64_t w);
/* Append root's folded frame text (COMM[-PID[/TID]]) to out; 0 when
 * there is no root frame (no-comm, or no name). *java: the name starts
 * with "java". */
int fagg_root_text(struct fagg *a, uint32_t root, struct buf *out, int *java);
/* Append frame id's folded name to out. */
void fagg_frame_text(struct fagg *a, uint32_t frame, int java, struct buf *out);
/* "folded samples of event 'X'; skipped N records of K other kinds" on
 * stderr, when records were skipped; what: "folded", "drew" ... */
void fagg_report_other(struct fagg *a, const char *what);

#endif
