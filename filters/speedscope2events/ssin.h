/* ssin.h - speedscope2events' private header: the frames and profiles of
 * one file, the store that keeps events, samples and weights until the
 * document ends (keys come in any order), and the state of one run. */
#ifndef SSIN_H
#define SSIN_H

#include <stddef.h>
#include <stdint.h>

#include "../../common/buf.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/json.h"
#include "../../common/skip.h"
#include "../../common/store.h"

#define NONE ((size_t)-1)

/* ---- items in the store ---- */
enum { EVK_OPEN = 'O', EVK_CLOSE = 'C', EVK_OTHER = '?', EVK_NOTMAP = 'x' };
#define TEXT_BAD 0xffff	/* a value that is not a number (or too long) */
struct ev_item {		/* followed by atlen bytes: the at value's text */
	uint64_t line;
	int64_t frame;		/* -1: missing or not an integer */
	uint16_t atlen;		/* TEXT_BAD: missing or not a number */
	char kind;
};
struct smp_item {		/* followed by n int64 frame indices */
	uint64_t line;
	uint32_t n;
	uint32_t bad;		/* not an array of integers */
};
struct wt_item {		/* followed by len bytes: the weight's text */
	uint64_t line;
	uint16_t len;		/* TEXT_BAD: not a number */
};

/* ---- one file ---- */
struct frame {
	size_t name_off, name_len, file_off, file_len;	/* in strs */
	int has_name, has_file;
	int64_t line, col;	/* 0: absent */
};

struct range {
	uint64_t start, end;	/* in the store */
	int seen;
};

enum { PT_NONE, PT_EVENTED, PT_SAMPLED, PT_OTHER };

struct str {
	size_t off, len;	/* in strs */
	int set;
};

struct profile {
	int type;
	struct str name, unit, start, end;	/* start, end: number text */
	struct range ev, smp, wt;
	uint64_t nev, nsmp, nwt;
};

enum ctx {
	C_TOP, C_SHARED, C_FRAMES, C_FRAME, C_PROFILES, C_PROFILE,
	C_EVENTS, C_EVENT, C_SAMPLES, C_SAMPLE, C_WEIGHTS,
};

/* The state of one run of cmd_speedscope2events: options, the current
 * file (reset per input), and what lasts over the inputs. */
struct run {
	struct skips skips;
	/* the current file */
	const char *file;
	enum ctx *lv;
	size_t nlv, lv_cap, skip_depth;
	struct frame *frames;
	size_t nframes, frames_cap;
	struct profile *prof;
	size_t nprof, prof_cap;
	int seen_profiles;
	struct buf strs;
	struct store store;
	struct ev_item ev;	/* the event being parsed */
	struct buf at;
	struct smp_item smp;	/* the sample being parsed */
	int64_t *sfr;
	size_t sfr_cap;
	/* emitting */
	struct ev_frame_out *fout;	/* the frames, ready to write */
	size_t fout_cap;
	size_t *stk;		/* the open frames of an evented profile */
	size_t nstk, stk_cap;
	struct buf name, event, unitz, key;
	struct intern events, units;	/* event -> unit (aux: index in units) */
	struct intern threads;	/* "PID\tTID" of the threads written */
	uint64_t nthreads;	/* the last thread number given */
};

/* parse.c: the JSON walk; json_init(&j, &ssin_json_handler, run). */
extern const struct json_handler ssin_json_handler;
/* emit.c: write the file's profiles (after the whole document). */
void ssin_emit(struct run *r);

#endif
