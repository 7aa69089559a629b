/* sniff.h - what kind of file is this? (from its first bytes)
 *
 * Every filter checks its input before it writes anything (input_open
 * does it, with the table of who reads what in sniff.c): a file that
 * positively looks like another known kind is refused with
 *   PROG: PATH: this looks like a Chrome Trace Event JSON file: use trace2events
 * Anything not recognized is let through to the filter's own parser.
 */
#ifndef FP_SNIFF_H
#define FP_SNIFF_H

#include <stddef.h>

enum sniff_kind {
	SNIFF_EMPTY,		/* no bytes at all */
	SNIFF_UNKNOWN,		/* text of no known kind */
	SNIFF_BINARY,		/* bytes of no known kind */
	SNIFF_JSON,		/* a JSON document of no known kind */
	SNIFF_EVENTS,		/* #flamepipe-events */
	SNIFF_PERF_SCRIPT,
	SNIFF_PERF_DATA,	/* PERFILE2 */
	SNIFF_TRACE_EVENT,	/* Chrome Trace Event JSON */
	SNIFF_CPUPROFILE,	/* V8 .cpuprofile JSON */
	SNIFF_OTLP,		/* OpenTelemetry spans JSON (or JSON lines) */
	SNIFF_SQLITE,		/* SQLite (Ferret span store) */
	SNIFF_SPEEDSCOPE,
	SNIFF_PPROF,
	SNIFF_FOLDED,
	SNIFF_CALLGRIND,
	SNIFF_NFLXPROFILE,
	SNIFF_ELF,
	SNIFF_STACKS,		/* DTrace / bpftrace stack aggregations */
	SNIFF_NKINDS
};

/* The kind of the first bytes of a (decoded) input. compressed: the bytes
 * were gzip or zstd (pprof files are gzip'd protobuf). */
enum sniff_kind sniff(const void *p, size_t n, int compressed);
/* The same, with the evidence for people in why (size bytes, NUL-ended;
 * why may be NULL): the rule that matched and what it saw, e.g. "a
 * \"traceEvents\" key in the top-level object" (docs/toevents.md). */
enum sniff_kind sniff_explain(const void *p, size_t n, int compressed, char *why, size_t size);
/* "a Chrome Trace Event JSON file" */
const char *sniff_name(enum sniff_kind k);
/* The filter that reads kind k ("trace2events", "perf2events", for events
 * streams "heatmap, timeslice, ..."), NULL when flamepipe does not. */
const char *sniff_reader(enum sniff_kind k);
/* Does program prog refuse kind k? Returns 0 when it reads it, when k is
 * not a known kind, or when prog is not a filter sniff.c knows; else 1 with
 * the message (without "PROG: PATH: ") in msg, e.g. "this looks like perf
 * script text: pipe it through perf2events first". */
int sniff_refuse(const char *prog, enum sniff_kind k, char *msg, size_t size);

#endif
