/* model.h - the model of an events stream that every reader shares */
#ifndef FP_MODEL_H
#define FP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "events.h"
#include "intern.h"
#include "skip.h"
#include "stacks.h"

/*
 * A filter that reads events gives the model its callbacks (struct
 * md_sink) and its inputs (model_read); the model does the rest once for
 * every filter (docs/hacking.md, "The stream model"):
 *
 *   - the reader loop: magic line, headers, skipped records, and D records
 *     (unnested spans) rejected with the message that names eventsort;
 *   - the thread table: each pid/tid pair an id, its last COMM, its name
 *     from T records and its process's from P records, resolved by the
 *     rule of docs/events.md §3.2 (the name with the latest time wins;
 *     an untimed name only where no timed one is given);
 *   - the frame table and stack tree (stacks.h): a record's STACK becomes
 *     one node id, parsed once;
 *   - units from E records (a second, different unit is skipped);
 *   - per-thread span stacks with ONE repair policy: a span record earlier
 *     than the previous one of its thread is moved to that time; a close
 *     (C) matches the innermost open span with the same stack, closing the
 *     spans opened inside it first ("forced"); a close that matches nothing
 *     is skipped; spans still open at the end close at their thread's last
 *     time. model_end() reports each kind of repair once.
 *
 * Ids: threads, comms, names and events are small integers in order of
 * first appearance; MD_NONE is "none".
 */
#define MD_NONE UINT32_MAX

struct md_open {
	int64_t start, child;	/* child: time spent in spans opened inside */
	uint32_t stack, comm;
};

struct md_thread {
	struct slice pid, tid;	/* escaped, as in the stream */
	uint32_t comm;		/* the last COMM field seen, or MD_NONE */
	struct slice comm_text;	/* its text (n 0 while none) */
	uint32_t tname;		/* name id from T records, or MD_NONE */
	int64_t tname_time;
	struct md_open *open;	/* the open spans, outermost first */
	size_t nopen, cap;
	int64_t last;		/* time of its last span record */
	int timed;		/* last is set */
	struct stk_cursor cur;	/* its last stack (stacks.h) */
	struct stk_cursor fcur;	/* its last sample's frames (flat_samples) */
};

/* A sample (S), or an instant (I: weight EV_NONE). */
struct md_sample {
	const struct ev_rec *rec;
	uint32_t thread, stack, comm;	/* comm: this record's COMM or MD_NONE */
	int64_t time, weight;
	/* with flat_samples: stack is MD_NONE, and these are its frame ids,
	 * root first (valid during the call) */
	const uint32_t *frames;
	size_t nframes;
};

/* A span: at open, end and self are EV_NONE; at close, self is its time
 * less the time of the spans opened inside it. */
struct md_span {
	const struct ev_rec *rec;	/* the record (NULL when the model closes it) */
	uint32_t thread, stack, comm;	/* comm: of the O record */
	size_t depth;			/* 1 for an outermost span */
	int64_t start, end, self;
	int forced;			/* closed by its parent's C, or at the end */
};

struct model;
struct md_sink {
	void *ctx;
	/* Records of types S O C I: handled only when this returns 1 (NULL:
	 * all). Called before anything else looks at the record. */
	int (*want)(void *ctx, const struct ev_rec *r);
	void (*header)(void *ctx, struct slice line);		/* '#' lines */
	void (*sample)(void *ctx, const struct md_sample *s);	/* S */
	void (*instant)(void *ctx, const struct md_sample *s);	/* I */
	void (*open)(void *ctx, const struct md_span *s);	/* O */
	void (*close)(void *ctx, const struct md_span *s);	/* C */
	/* Every record of another type (E T P and unknown letters), after the
	 * model has taken what it needs from it. */
	void (*other)(void *ctx, const struct ev_rec *r);
};

struct model_opts {
	int no_stacks;		/* samples and spans get stack MD_NONE (no parsing) */
	int no_threads;		/* with no_stacks: samples and instants get thread and
				 * comm MD_NONE (no lookup in the thread table; spans
				 * still have theirs) */
	int spans_need_frame;	/* skip O/C records with an empty STACK */
	int flat_samples;	/* samples and instants get their frame ids, not a
				 * stack node: memory grows with the distinct frames
				 * only, not with the distinct stacks (for writers
				 * that do not aggregate by stack) */
	/* O and C records (once want() took them) go to other() as they are:
	 * for a filter that keeps its own span handling (timeslice clips
	 * spans at its window, which the repair policy would change). */
	int own_spans;
	int keep_unnested;	/* D records go to other() instead of ending the run */
	int no_units;		/* E records are not read (nor checked): only other() sees them */
};

struct model {
	struct md_sink sink;
	struct model_opts opts;
	struct skips skips;
	struct stacks stacks;
	struct intern threads;	/* "pid\ttid" -> aux: index in th */
	struct md_thread *th;
	size_t nth, thcap;
	struct intern comms;	/* COMM field text (escaped) */
	struct intern names;	/* T/P name and unit text (escaped) */
	struct intern pnames;	/* pid -> aux: name id, value: its time */
	struct intern units;	/* event -> aux: unit id (in names) */
	const char *file;	/* the input being read, for messages */
	uint64_t lineno;
	uint64_t forced, unclosed, reordered;
	int bad_input;		/* an input was not an events stream, or not readable to its end */
	struct buf key;
	uint32_t last_thread;	/* of the last record, MD_NONE at first */
#define MD_TCACHE 256
	uint32_t tcache[MD_TCACHE];	/* threads by a hash of the last bytes of pid
					 * and tid, two slots each (model.c), MD_NONE = empty */
	unsigned ninputs;	/* inputs opened; file names the last one */
	int stop;		/* a callback sets it to stop reading (model_read returns 0) */
};

void model_init(struct model *m, const struct md_sink *sink, const struct model_opts *o);
/* Read one input through the sink; 0 ok, 1 when it could not be read.
 * Fits cli_each_input() with the model as ctx. Once a callback has set
 * m->stop, reads nothing more and returns 0. */
int model_read(const char *path, void *model);
/* Close the spans still open and report the repairs made: model_close_all(),
 * then model_warn() for MD_UNCLOSED, MD_FORCED and MD_REORDERED. */
void model_end(struct model *m);
/* The same in two steps, for a filter that reports in its own order (or
 * only when it writes its output): close the spans still open at their
 * thread's last time; and warn about one kind of repair, if any was made. */
enum md_repair { MD_FORCED, MD_UNCLOSED, MD_REORDERED };
void model_close_all(struct model *m);
void model_warn(const struct model *m, enum md_repair what);
void model_free(struct model *m);	/* leaves m zeroed: may be called twice */

/* The id of thread pid/tid in the thread table, added on first sight (for
 * a filter that handles O/C records itself: opts.own_spans). */
uint32_t model_thread_id(struct model *m, struct slice pid, struct slice tid);
static inline const struct md_thread *model_thread(const struct model *m, uint32_t t)
{
	return &m->th[t];
}
/* The escaped text of a comm or name id. */
struct slice model_comm(const struct model *m, uint32_t comm);
struct slice model_name(const struct model *m, uint32_t name);
/* Thread t's name from T records, else its process's from P records; 0
 * when there is none (*name untouched). */
int model_tp_name(const struct model *m, uint32_t t, struct slice *name);
/* model_tp_name(), else the last COMM the thread's records carried. */
int model_thread_name(const struct model *m, uint32_t t, struct slice *name);
/* The unit declared for event (EV text), or "count". */
struct slice model_unit(const struct model *m, struct slice event);

#endif
