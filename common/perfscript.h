/* perfscript.h - a parser for `perf script` text (docs/perf2events.md) */
#ifndef FP_PERFSCRIPT_H
#define FP_PERFSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Offsets from the text pointer the callbacks get (perf_parser.base: the
 * text may move while a sample grows). */
struct ptext {
	size_t off, len;
};

struct perf_frame {
	struct ptext ip, sym, dso, file, line;
	unsigned kind;		/* EVK_* of events.h */
	int clean;		/* ip, sym and dso need no escape (events.h) */
};

struct perf_sample {
	struct ptext comm, pid, tid, event;
	int cpu;		/* -1 if absent */
	int64_t time;		/* ns; EV_NONE if absent */
	struct ptext time_text;	/* the time as printed, "SECS.FRAC" (6 or 9
				 * decimals); len 0 if absent */
	int64_t period;		/* -1 if absent */
	struct ptext period_text;	/* its digits as printed (at most 18);
					 * len 0 if absent */
	uint64_t lineno;	/* line of the sample's header */
	struct perf_frame *frames;	/* leaf first, as perf prints them */
	size_t nframes;
	size_t frame_bytes;	/* the frames' ip, sym and dso bytes, all added */
	int plain;		/* every frame clean, none with a file or line */
	int srcline;		/* a frame has a file or a line */
};

/* A side-band record (docs/events.md, formats.md §12): perf's
 * "COMM PID/TID [CPU] TIME: PERF_RECORD_NAME PAYLOAD" lines. */
enum perf_sb_kind {
	PERF_SB_COMM,		/* PERF_RECORD_COMM[ exec]: NAME:PID/TID (parsed) */
	PERF_SB_LOST,		/* PERF_RECORD_LOST*: count lost */
	PERF_SB_OTHER		/* anything else PERF_RECORD_* */
};

struct perf_sideband {
	enum perf_sb_kind kind;
	struct ptext record;	/* "PERF_RECORD_MMAP2" */
	struct ptext comm, pid, tid;	/* COMM: the new name and its ids; else the header's */
	int cpu;		/* -1 if absent */
	int64_t time;		/* ns; EV_NONE if absent */
	int64_t lost;		/* LOST: the number lost, -1 if not printed */
	uint64_t lineno;
};

#define PERF_DSO_CACHE 4

/* perfscript.c's memo of frame lines already parsed (AVX2 path) */
struct perf_line_memo;
/* and of sample headers (their parts left and right of the time) */
struct perf_head_memo;

struct perf_parser {
	struct buf text;	/* the lines of the current sample: comm, ids, frames */
	const char *base;	/* where the sample's offsets count from: text.p, or
				 * the block being fed (perf_feed) */
	int avx2;		/* the frame scan may use AVX2 (perfscan.h) */
	int feeding, in_block;	/* a block's line is parsed; the sample lies in it */
	struct buf carry;	/* perf_feed: a line begun at the end of a block */
	uint64_t lineno;	/* perf_feed: lines fed */
	struct perf_sample s;
	size_t frames_cap;
	int in_sample;
	int last_was_frame;	/* for srcline lines */
	/* called for each complete sample, root-first order is the caller's job */
	void (*sample)(const struct perf_sample *s, const char *text, void *ctx);
	/* called for "# cmdline : ..." (key "command") */
	void (*header)(const char *key, const char *val, size_t len, void *ctx);
	/* called for each side-band record (never for samples); NULL: ignored */
	void (*sideband)(const struct perf_sideband *sb, const char *text, void *ctx);
	/* perf_feed: called for each line that is not perf script output */
	void (*skip)(uint64_t lineno, const char *why, void *ctx);
	void *ctx;
	struct perf_dso_cache {	/* the last dsos classified, and their kinds */
		char name[256];
		size_t len;
		unsigned kind;
	} dso_cache[PERF_DSO_CACHE];
	struct perf_line_memo *memo;	/* NULL until the first frame fed */
	struct perf_head_memo *head_memo;	/* NULL until the first header fed */
};

void perf_init(struct perf_parser *p);
/* Feed one line (without LF). Returns 0, or -1 with *why for a line that is
 * not perf script output (the caller counts and reports it). */
int perf_line(struct perf_parser *p, const char *line, size_t len, uint64_t lineno,
	      const char **why);
/* Feed the next n bytes of the input, any number of lines: what
 * perf_line() does for each (numbered from 1, a refused one reported to
 * p->skip), most of them read in place rather than copied. d[0..n) is not
 * used after the call. */
/* " SECS.FRAC:" in s[0..n) with 6 or 9 decimals, SECS after a blank, a
 * blank or the end after the ':' (a sample header's time): the offset of
 * SECS, *end that of the ':'; -1 if there is none (perfsplit.c's cut rule
 * uses it too). */
long perf_find_time(const char *s, size_t n, size_t *end);

void perf_feed(struct perf_parser *p, const char *d, size_t n);
/* End of input: feeds the last line if it has no LF, emits the last sample. */
void perf_end(struct perf_parser *p);
void perf_free(struct perf_parser *p);

/* Classify a dso path: EVK_KERNEL, EVK_JIT or 0 (docs/perf2events.md). */
unsigned perf_dso_kind(const char *dso, size_t len);
/* The same, remembered in p for the next frames (perfdso.c); 16 bytes
 * past dso + len must be readable (the parser's text is padded). */
unsigned perf_dso_kind_cached(struct perf_parser *p, const char *dso, size_t len);

#endif
