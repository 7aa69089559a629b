/* evscan.h - a faster events reader for filters that do not need the STACK field split */
#ifndef FP_EVSCAN_H
#define FP_EVSCAN_H

#include "bytes.h"
#include "events.h"

/*
 * ev_parse() finds the end of the STACK field, which costs a scan of the
 * longest field of every record. Filters that only look at times, ids and
 * weights (heatmap, timeslice) can skip it:
 *
 * ev_parse_fast() is ev_parse() except that for S, O, C and I records
 * r->stack runs to the end of the line, so it also holds any extra fields
 * a later minor version adds (cut them with ev_stack_cut()). It accepts and
 * rejects exactly the lines ev_parse() does (on a bad line it calls
 * ev_parse() for the reason).
 *
 * ev_parse_cut() is ev_parse_fast() with r->stack cut at its TAB as
 * ev_parse() cuts it, found in the same scan as the other fields' TABs
 * (the stream model's parser: a second scan of STACK for a TAB cost as
 * much as the first).
 *
 * evscan_next() is ev_reader_next() with ev_parse_fast(): same magic-line
 * check, CR stripping, skip counting and return values. Open and close the
 * reader with ev_reader_open() and ev_reader_close().
 *
 * ev_reader_next_cut() is ev_reader_next_with() ev_parse_cut(), the same in
 * every way, but the usual record line is taken from the input's buffer in
 * place, its LF found in the scan of its TABs (the stream model's reader).
 */
int ev_parse_fast(struct ev_rec *r, const char *line, size_t len, const char **why);
int ev_parse_cut(struct ev_rec *r, const char *line, size_t len, const char **why);
int evscan_next(struct ev_reader *r, struct ev_rec *rec);
int ev_reader_next_cut(struct ev_reader *r, struct ev_rec *rec);

/* The STACK field alone: s up to its first TAB. */
static inline struct slice ev_stack_cut(struct slice s)
{
	const char *t = s.n ? bytes_find(s.p, s.p + s.n, '\t') : NULL;

	if (t)
		s.n = (size_t)(t - s.p);
	return s;
}

#endif
