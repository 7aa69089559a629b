/* ss.h - events2speedscope's private header: the state of one run of
 * cmd_events2speedscope, grouped by concern, and the functions the parts
 * share.
 *
 *   ../events2speedscope.c  options, inputs, the end
 *   records.c   the model's callbacks: which records, headers, the
 *               profiles, samples (runs of equal stacks) and spans
 *   frames.c    speedscope's frame table: model frames, thread roots and
 *               the truncation marker as frame indices; the frames array
 *   spill.c     profile bodies: per-stream buffers spilled in chunks to
 *               one unlinked temporary file, read back at the end
 *   write.c     the document: choice of profiles (--top), their names and
 *               units, the warnings
 *
 * Built on the stream model (common/model.h): it reads the input, keeps
 * the threads and their names, the units, the frames and stacks, and
 * repairs the spans. Everything is reached from one struct ss, made per
 * call of cmd_events2speedscope and passed explicitly.
 */
#ifndef SS_H
#define SS_H

#include <stddef.h>
#include <stdint.h>

#include "../../common/buf.h"
#include "../../common/intern.h"
#include "../../common/model.h"
#include "../../common/u64map.h"

#define SS_MARKER "[frames truncated]"

/* ---- spill.c ---- */

struct ss_chunk {
	uint64_t off;
	uint32_t len, next;	/* next: index + 1 in chunks, 0 = last */
};

/* The elements of one JSON array ("e1,e2,..."): spilled chunks, then b. */
struct ss_stream {
	struct buf b;
	uint32_t first, last;	/* chunk list, index + 1 */
};

struct ss_spill {
	struct ss_chunk *chunks;
	size_t nchunks, chunkcap;
	int fd;			/* -1 until the first spill */
	uint64_t off;
	size_t bufcap;		/* capacity of all stream buffers */
	size_t budget;		/* then every stream spills */
	int over;		/* bufcap > budget */
	size_t maxchunk;
	char *rbuf;		/* for reading a chunk back */
};

struct ss;
void spill_free(struct ss_spill *sp);
/* Append one element (p, n) to st; may spill st, or every profile's
 * streams when they are over the budget together. */
void stream_add(struct ss *s, struct ss_stream *st, const char *p, size_t n);
/* The same in place: room for an element of up to max bytes (its comma
 * written) with stream_room(), then stream_done() with its end (inline,
 * at the end); their slow paths: */
void stream_grow(struct ss *s, struct ss_stream *st, size_t max);
void stream_full(struct ss *s, struct ss_stream *st);

/* Write s as a JSON array (jsonout.h). */
void stream_write(struct ss_spill *sp, const struct ss_stream *s);

/* ---- frames.c ---- */

/* A speedscope frame: what it is made from. */
enum ss_kind {
	SSF_FRAME,	/* a model frame: name, file (else dso), line, col */
	SSF_UNKNOWN,	/* an unknown frame, by its dso (id MD_NONE: none) */
	SSF_COMM,	/* a merged profile's root: a COMM (comm id) */
	SSF_THREAD,	/* the same for a record without COMM: its thread, named at the end */
	SSF_MARKER	/* the --max-depth marker */
};

struct ss_frame {
	enum ss_kind kind;
	uint32_t id;		/* model frame id, comm id or thread id */
	int64_t line, col;	/* 0: none */
};

/* A frame index's text in a samples array: its digits and a comma, its
 * length in the last byte (copied whole, then the end moved by that) */
#define SS_TEXT_LEN 15
struct ss_text {
	char c[SS_TEXT_LEN + 1];
};

struct ss_frames {
	struct ss_frame *f;
	struct ss_text *txt;	/* of each frame */
	size_t n, cap, txtcap;
	struct intern keys;	/* SSF_FRAME and SSF_UNKNOWN: their identity -> aux: index */
	uint32_t *of_frame;	/* model frame id -> index + 1, 0 = not yet */
	size_t of_frame_cap;
	uint32_t *of_comm, *of_thread;	/* the same for roots */
	size_t of_comm_cap, of_thread_cap;
	uint32_t marker;	/* index + 1 */
	struct buf key, tmp;
};

void frames_free(struct ss_frames *fr);
/* The speedscope frame index of model frame id, of a merged profile's
 * root (a COMM, else the thread), of the marker. */
uint32_t frames_model_first(struct ss_frames *fr, const struct stacks *st, uint32_t id);
static inline uint32_t frames_model(struct ss_frames *fr, const struct stacks *st, uint32_t id)
{
	uint32_t v = id < fr->of_frame_cap ? fr->of_frame[id] : 0;

	return v ? v - 1 : frames_model_first(fr, st, id);
}
uint32_t frames_root(struct ss_frames *fr, uint32_t comm, uint32_t thread);
uint32_t frames_marker(struct ss_frames *fr);
/* An unknown frame for a STACK without frames. */
uint32_t frames_none(struct ss_frames *fr);
/* The "frames" array. */
void frames_write(struct ss *s);

/* ---- records.c ---- */

struct ss_profile {
	char kind;		/* 'S' sampled or 'O' evented */
	uint32_t thread;	/* model thread id, or MD_NONE (merged) */
	struct slice event;	/* escaped, owned */
	struct ss_stream s[2];	/* S: samples, weights; O: events */
	uint64_t records;	/* S or O records: how busy it is */
	int64_t total;		/* S: sum of weights */
	/* S: the pending run of equal consecutive stacks, its frame indices */
	uint32_t *prev;
	size_t nprev, prevcap;
	int64_t prevw;
	int have_prev;
	/* S: the last sample's model frames, thread and COMM */
	uint32_t *last;
	size_t nlast, lastcap;	/* nlast SIZE_MAX: none kept */
	uint32_t last_thread, last_comm;
	/* misses of the last sample's frames in a row; samples left that
	 * do not look at them (records.c, same_stack) */
	uint32_t last_misses, last_off;
	int keep;
};

/* Sampled profiles of one of the first events, by thread (ss.fast). */
#define SS_FAST_EVENTS 8
struct ss_fast {
	uint32_t *prof;		/* model thread (0 when merged) -> index + 1, 0 = none yet */
	size_t cap;
};

struct ss {
	struct model m;
	/* options */
	const char *event, *name;
	const char **pids, **tids;
	size_t npids, ntids;
	long long top, max_depth;
	size_t run_depth;	/* frames_run() for stacks of up to this many frames:
				 * 0 merged, else max_depth (0: SIZE_MAX) */
	int merge, gzip;
	int plain;		/* no --event, --pid, --tid */
	/* inputs and headers */
	const char *first_input;
	struct buf command;
	struct buf input;	/* basename of the first #input header */
	int origin_set, have_start_hdr, have_end_hdr;	/* origin_set: and tmin, tmax */
	int64_t origin, start_hdr, end_hdr, tmin, tmax;
	/* profiles: event id << 32 | thread -> value: index + 1 */
	struct u64map profs;
	uint32_t last_prof;	/* the last profile found: index + 1, 0 = none */
	struct intern events;	/* event texts of sampled profiles */
	uint32_t last_event;	/* id of the last record's event, or MD_NONE */
	struct slice last_ev;	/* its text (n SIZE_MAX while none) */
	struct ss_fast fast[SS_FAST_EVENTS];	/* sampled profiles by event id */
	struct ss_profile *p;
	size_t np, pcap;
	struct ss_frames fr;
	struct ss_spill sp;
	uint64_t truncated;
	uint32_t *idx;		/* a sample's frame indices (swapped with a profile's
				 * prev when it starts a run) */
	size_t idxcap;
	uint64_t wlast;		/* the last weight written, and its text */
	size_t wlen;		/* 0: none yet */
	char wtext[24];
	struct buf elem, listed;
};

void ss_init(struct ss *s);
void ss_free(struct ss *s);
/* model_read() for cli_each_input(), noting the first input read. */
int ss_read(const char *path, void *ss);
/* The end of the stream: close the runs and the spans still open. */
void ss_finish(struct ss *s);

/* ---- write.c ---- */

/* Keep the --top busiest profiles. */
void ss_choose_top(struct ss *s);
/* The thread's name at the end of the stream, and "(pid P, tid T)" when
 * ids or it has no name. */
void ss_thread_label(const struct ss *s, struct buf *b, uint32_t t, int ids);
void ss_write(struct ss *s);
void ss_report(const struct ss *s);

/* ---- spill.c, in place ---- */

#define SS_CHUNK (64 << 10)	/* a stream's buffer spills when it is this full */

static inline char *stream_room(struct ss *s, struct ss_stream *st, size_t max)
{
	if (st->b.cap - st->b.len < max + 1)
		stream_grow(s, st, max);
	if (st->b.len > 0)
		st->b.p[st->b.len++] = ',';
	return st->b.p + st->b.len;
}

static inline void stream_done(struct ss *s, struct ss_stream *st, const char *end)
{
	st->b.len = (size_t)(end - st->b.p);
	if (st->b.len >= SS_CHUNK || s->sp.over)
		stream_full(s, st);
}

#endif
