/* trace.h - trace2events' private header: the state of one run of
 * cmd_trace2events, grouped by concern, and the functions the parts share.
 *
 *   ../trace2events.c  options, one input after the other, the end of a file
 *   walk.c             the JSON walk: containers and tokens into struct tev
 *   phases.c           one event by its phase: B/E/X/i spans as D records,
 *                      metadata (M) as P/T records, the thread table
 *   samples.c          samples (P events, the samples array with its
 *                      stackFrames table) and V8 profiles, as S records
 *
 * Everything is reached from one struct trace, allocated per call of
 * cmd_trace2events and passed explicitly; each scratch buffer belongs to
 * the one function that uses it.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/intern.h"
#include "../../common/json.h"
#include "../../common/skip.h"

/* A B event waiting for its E. */
struct bopen {
	int64_t ts;
	uint64_t seq;
	size_t off;		/* name, frame text, event in th->text */
	size_t name_len, frame_len, event_len;
};

struct thread {
	char *pid, *tid;
	size_t pid_len, tid_len;
	struct bopen *b;
	size_t nb, cap;
	struct buf text;
	struct buf head;	/* "PID\tTID\t-\t-\t" of its D records, escaped */
	int64_t last;		/* the largest time seen on the thread */
	int has_last;
	size_t next;		/* 1 + the thread of the event after the last
				 * one on this thread, 0: none (thread_of()) */
};

/* One profile of samples: per-thread pending sample, so each sample
 * weighs the time to the next one. */
struct pending {
	int have;
	int64_t t;
	struct buf head;	/* "pid\ttid\tcpu\tcomm\tevent" fields, escaped */
	struct buf stack;	/* escaped stack text */
};

/* A V8 CPU profile (Profile + ProfileChunks joined on pid and id, or one
 * CpuProfile event). */
struct prof {
	struct intern nodes;	/* node id text -> aux: index */
	int64_t *parent;	/* index of the parent, -1 root, -2 unknown */
	size_t *off, *len;	/* frame text in text */
	size_t n, cap;
	struct buf text;
	struct buf parent_ids;	/* parent id per node as text, resolved lazily */
	size_t *pid_off, *pid_len;
	int64_t t;		/* time of the last sample */
	int started;
	struct buf held_samples, held_deltas;	/* chunks before the Profile event */
	int64_t nheld;
	struct buf pidtid;	/* escaped "pid\ttid" of the sampled thread */
	struct pending pend;
};

/* The args keys of a Hermes (React Native) frame event (walk.c). */
#define HERMES_NKEYS 8
#define HERMES_ALL 0xffu

/* The event being read. */
struct tev {
	int level;		/* json level of the event's map */
	char ph;
	uint64_t seq;
	struct buf name, cat, pid, tid, args, argname, id, sfid, stack, sname, cpu;
	int has_ph, has_name, has_pid, has_tid, has_args, has_ts, has_dur, has_tdur, has_sf;
	int has_argname, bad_ts, bad_dur, is_stack, has_start;
	int64_t ts, dur, tdur, start;
	unsigned hermes;	/* Hermes frame keys seen in args (HERMES_ALL: all) */
	struct buf hurl;
	int64_t hline, hcol;
	/* profile data: per node id, parent id ("" none), frame; \0-separated */
	struct buf node_ids, node_parents, node_frames, children;
	struct buf nid, nparent, fname, furl;
	int64_t fline, fcol;
	size_t nnodes;
	struct buf samples, deltas;	/* \0-separated number texts */
	int64_t nsamples, ndeltas;
	/* events2trace's keys (docs/events2trace.md) */
	struct buf attrs;	/* the frame's attributes, events text */
	int has_weight, untimed;
	int64_t weight;
};

struct sframe {
	size_t off, len;	/* escaped frame text in sf_text */
	size_t poff, plen;	/* parent id in sf_text, plen 0: root */
	int has_parent;
};

/* A sample waiting for stackFrames. */
struct held {
	int64_t ts, weight;	/* weight: with tr->fp_weights */
	uint64_t line;
	size_t off;		/* head, sf id in held_text */
	size_t head_len, id_len;
};

/* Where the JSON walk is (walk.c). */
struct tr_walk {
	int active;		/* an event or sample is being read */
	int kind;		/* 'e' trace event, 's' samples entry, 'f' stackFrames entry */
	size_t field_depth;	/* reading an event or samples entry: the depth of
				 * its fields (tr->e.level + 1), else (size_t)-1 */
	int form;		/* '[' or '{' */
	struct sframe cur_sf;	/* the stackFrames entry being read */
	struct buf cur_sf_name, cur_sf_parent, cur_sf_attrs;
	struct buf meta;	/* a captured top-level value (#trace-KEY) */
	struct buf meta_key, meta_val;	/* put_meta()'s */
	struct buf fp_unit;		/* fp_value()'s */
};

/* Threads and their open B events (phases.c). */
struct tr_threads {
	struct intern ids;	/* pid \0 tid -> aux: index */
	struct thread *th;
	size_t n, cap;
	struct buf key;		/* thread_of()'s */
	struct buf frame;	/* span_begin()'s and span_complete()'s frame text */
	size_t last;		/* the thread of the last event (thread_of()) */
	struct buf ev_raw, ev_field;	/* the last EVENT field, raw and escaped */
	int ev_ok;		/* ev_raw, ev_field are set */
	char seq_text[32];	/* the digits of seq_last (put_seq()), and room */
	size_t seq_len;		/* 0: none yet */
	uint64_t seq_last;
	uint64_t unmatched, unclosed, nodur;
};

/* Sample streams and the stackFrames table (samples.c). */
struct tr_samples {
	struct intern pends;	/* pid \0 tid \0 event -> aux: index */
	struct pending *pe;
	size_t n, cap;
	struct buf key;		/* pending_of()'s */
	struct intern sfid;	/* stackFrames id -> aux: index */
	struct sframe *sf;
	size_t nsf, sfcap;
	struct buf sf_text;
	int sf_done;		/* the stackFrames table is complete */
	struct held *held;
	size_t nheld, heldcap;
	struct buf held_text;
	struct buf stack;	/* sf_sample()'s */
	size_t *chain;		/* sf_stack()'s frames, leaf first */
	size_t chaincap;
	struct buf held_head;	/* tr_release_held()'s */
	struct buf event;	/* tr_sample_event()'s */
};

/* V8 profiles (samples.c). */
struct tr_profs {
	struct intern ids;	/* pid \0 id -> aux: index */
	struct prof *pr;
	size_t n, cap;
	struct buf key;		/* tr_profile_event()'s */
	struct buf stack;	/* prof_samples()'s */
};

struct trace {
	/* options */
	int args;
	const char *event;
	/* the document has events2trace's "flamepipe" key: samples weigh
	 * their "weight", in the units it gives (docs/events2trace.md) */
	int fp_weights;
	struct skips skips;
	/* the current input */
	struct json j;
	const char *file;
	uint64_t skip_line;	/* when not 0: the line to report instead of the parser's */
	struct tr_walk walk;
	struct tev e;
	uint64_t seq;
	struct tr_threads thr;
	struct tr_samples smp;
	struct tr_profs prof;
	/* the whole stream */
	struct intern declared;	/* events with an E record */
	struct intern ignored;	/* phase -> count */
};

/* walk.c: append "`" and events2trace's attrs text, control bytes and
 * separators escaped (the text is already escaped: backslashes stay) */
void tr_put_attrs(struct buf *b, const struct buf *attrs);
/* ../trace2events.c */
void tr_skip(struct trace *tr, const char *why);
void tr_declare(struct trace *tr, const char *event, size_t n, const char *unit);
/* walk.c: json_init(&tr->j, &tr_json_handler, tr), after tr_walk_init() */
void tr_walk_init(void);
extern const struct json_handler tr_json_handler;
/* phases.c */
void tr_event_done(struct trace *tr);
void tr_sample_entry_done(struct trace *tr);
void tr_spans_end(struct trace *tr);	/* close the B events left open, free threads */
/* samples.c */
void tr_sample_event(struct trace *tr);
void tr_profile_event(struct trace *tr);
void tr_release_held(struct trace *tr);
void tr_samples_end(struct trace *tr);	/* flush pending samples, free per-input tables */


static inline void sset(struct buf *b, const char *p, size_t n)
{
	b->len = 0;
	if (n <= 16 && b->cap >= n) {
		bytes_copy(b->p, p, n);
		b->len = n;
	} else {
		buf_add(b, p, n);
	}
}

/* p[0..n) == q[0..n), byte by byte: for the short texts of an event
 * (keys, pids, tids, categories) cheaper than a call of memcmp. */
static inline int same(const char *p, const char *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != q[i])
			return 0;
	return 1;
}

static inline int beq(const struct buf *b, const char *s)
{
	size_t n = strlen(s);

	return b->len == n && memcmp(b->p, s, n) == 0;
}

/* end - start if end is later, else 0; INT64_MAX if that does not fit
 * (times of broken input). */
static inline int64_t ns_until(int64_t start, int64_t end)
{
	int64_t d;

	if (end <= start)
		return 0;
	return __builtin_sub_overflow(end, start, &d) ? INT64_MAX : d;
}

#endif
