/* events.h - the flamepipe events format (docs/events.md): parse (events.c)
 * and emit (evwrite.c) */
#ifndef FP_EVENTS_H
#define FP_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "digits.h"
#include "input.h"
#include "skip.h"

#define EV_MAGIC "#flamepipe-events 1"
#define EV_NONE INT64_MIN	/* an absent time or weight */

struct slice {
	const char *p;
	size_t n;
};

/* A record; slices point into the line and are still escaped. */
struct ev_rec {
	char type;		/* 'S' 'O' 'C' 'I' 'T' 'P' 'E' or another letter */
	int64_t time;		/* ns, or EV_NONE for "-" */
	int64_t weight;		/* S only; EV_NONE otherwise */
	struct slice pid, tid, cpu, comm, event, stack;	/* S O C I */
	struct slice name;	/* T P: the name; E: the unit */
	struct slice line;	/* the whole line */
};

/* Frame kinds (bit set). */
enum {
	EVK_KERNEL = 1,
	EVK_JIT = 2,
	EVK_INLINED = 4,
	EVK_UNKNOWN = 8,
	EVK_IDLE = 16,
};

/* One frame of a STACK field, still escaped. */
struct ev_frame {
	struct slice name;
	struct slice attrs;	/* everything after the name, from the first '`' */
	unsigned kind;
	struct slice dso, addr, file, line, col;
};

/* ---- text <-> values ---- */
int ev_parse_time(const char *p, size_t n, int64_t *ns);	/* 0 ok, -1 bad */
int ev_parse_i64(const char *p, size_t n, int64_t *v);	/* 0 ok, -1 bad */
static inline int ev_absent(struct slice s)
{
	return s.n == 1 && s.p[0] == '-';
}
/* Append the unescaped bytes of p[0..n) to b. */
void ev_unescape(struct buf *b, const char *p, size_t n);
/* Take the next frame off *stack (advancing it); 0 when none is left. */
int ev_frame_next(struct slice *stack, struct ev_frame *f);

/* b = "PID\tTID": the key of a thread in hash tables (intern.h). */
void ev_thread_key(struct buf *b, struct slice pid, struct slice tid);

/* ---- parsing ---- */
enum ev_kind { EV_EOF = 0, EV_RECORD, EV_HEADER, EV_ERROR };

/* Parse one line (no LF). Returns EV_RECORD, EV_HEADER (a '#' line) or
 * EV_ERROR with *why set. Unknown record types are EV_RECORD. */
int ev_parse(struct ev_rec *r, const char *line, size_t len, const char **why);

/* Reads events streams from files: checks the magic line, counts and
 * reports bad records (struct skips), strips a CR before LF. */
struct ev_reader {
	struct input in;
	struct skips *skips;
	int started;		/* the first line was read */
	int failed;
};
int ev_reader_open(struct ev_reader *r, const char *path, struct skips *skips);
/* EV_RECORD, EV_HEADER, EV_EOF, or EV_ERROR (read error; reported). */
int ev_reader_next(struct ev_reader *r, struct ev_rec *rec);
/* ev_reader_next() with another parser for record lines (evscan.h). */
typedef int ev_parse_fn(struct ev_rec *r, const char *line, size_t len, const char **why);
int ev_reader_next_with(struct ev_reader *r, struct ev_rec *rec, ev_parse_fn *parse);
void ev_reader_close(struct ev_reader *r);

/* ---- emitting (to the buffered stdout of out.h; evwrite.c) ---- */
void ev_put_magic(void);
void ev_put_time(int64_t ns);		/* EV_NONE prints "-" */
void ev_put_escaped(const char *p, size_t n);
/* An identity field: escaped; empty or NULL prints "-", a literal "-" prints \x2d. */
void ev_put_field(const char *p, size_t n);
/* The same two into a buffer, for writers that build a record first. */
void ev_buf_escaped(struct buf *b, const char *p, size_t n);
void ev_buf_field(struct buf *b, const char *p, size_t n);

/* The fields of a thread record (S O C I) up to the stack, values raw
 * (unescaped; ev_put_field rules); writes "TYPE\tTIME\t...\tWEIGHT\t".
 * cpu < 0 prints "-"; weight EV_NONE prints "-". The caller then writes
 * the stack with ev_put_frame() calls separated by ';' and a '\n'. */
void ev_put_head(char type, int64_t time, struct slice pid, struct slice tid, int cpu,
		 struct slice comm, struct slice event, int64_t weight);
/* ev_put_head() for fields already escaped (as a stream carries them):
 * pid, tid and "CPU\tCOMM\tEVENT" are copied as they are, empty ones
 * too; weight EV_NONE prints "-". The stack follows as for ev_put_head(). */
void ev_put_head_escaped(char type, int64_t time, struct slice pid, struct slice tid,
			 struct slice cpu_comm_event, int64_t weight);
/* For writers that format a record in place in the output buffer
 * (out_reserve(); ev_put_head() and ev_put_head_escaped() do): what
 * ev_put_time() and out_i64() write, EV_NONE as "-", at w; the end. They
 * may store up to 8 bytes past it (digits.h's _wide writers): the room
 * reserved has that margin. */
static inline char *ev_time_at(char *w, int64_t ns)
{
	if (ns == EV_NONE) {
		*w++ = '-';
		return w;
	}
	if (ns < 0) {
		*w++ = '-';
		return digits_put_time_wide(w, (uint64_t)0 - (uint64_t)ns);
	}
	return digits_put_time_wide(w, (uint64_t)ns);
}

static inline char *ev_i64_at(char *w, int64_t v)
{
	if (v == EV_NONE) {
		*w++ = '-';
		return w;
	}
	if (v < 0) {
		*w++ = '-';
		return digits_put_wide(w, (uint64_t)0 - (uint64_t)v);
	}
	return digits_put_wide(w, (uint64_t)v);
}
/* One frame: the raw name and attributes (kind bits; raw dso/file text,
 * empty slices are left out; line/col <= 0 are left out). */
struct ev_frame_out {
	struct slice name, dso, addr, file;
	unsigned kind;
	long long line, col;
};
void ev_put_frame(const struct ev_frame_out *f);
/* Typed writers for the other records and for headers; values are raw
 * (unescaped), identity fields follow ev_put_field's rules. */
/* "#KEY VALUE": VALUE's control characters (LF, CR, TAB...) become spaces,
 * so a header is always one line; an empty value writes "#KEY". */
void ev_put_header(const char *key, struct slice value);
void ev_put_header_time(const char *key, int64_t ns);	/* "#start 1.500000000" */
/* "#input NAME": the input's name, escaped like a field (docs/events.md §2). */
void ev_put_input(const char *name);
/* "E - EVENT UNIT": the unit of EVENT's weights (docs/events.md §3.2). */
void ev_put_unit(struct slice event, const char *unit);
/* "T TIME PID TID NAME" and "P TIME PID NAME" (TIME EV_NONE: "-"). */
void ev_put_tname(int64_t time, struct slice pid, struct slice tid, struct slice name);
void ev_put_pname(int64_t time, struct slice pid, struct slice name);
/* The end of a D record (docs/ordering.md §1): after ev_put_head('D', ...,
 * duration) and its frames, "\tORDER\n". */
void ev_put_d_end(uint64_t order);

static inline struct slice ev_str(const char *s)
{
	struct slice r = { s, s ? strlen(s) : 0 };

	return r;
}

#endif
