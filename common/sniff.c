/* sniff.c - what kind of file is this? (from its first bytes) */
#include <stdio.h>
#include <string.h>

#include "sniff.h"

#define EVENTS_READERS "events2folded, events2speedscope, eventsort, heatmap or timeslice"

static const struct {
	const char *name, *reader;
} kinds[SNIFF_NKINDS] = {
	[SNIFF_EMPTY] = { "an empty file", NULL },
	[SNIFF_UNKNOWN] = { "text of no known kind", NULL },
	[SNIFF_BINARY] = { "binary data", NULL },
	[SNIFF_JSON] = { "a JSON document of no known kind", NULL },
	[SNIFF_EVENTS] = { "a flamepipe events stream", EVENTS_READERS },
	[SNIFF_PERF_SCRIPT] = { "perf script text", "perf2events" },
	[SNIFF_PERF_DATA] = { "a perf.data file", "perf2events" },
	[SNIFF_TRACE_EVENT] = { "a Chrome Trace Event JSON file", "trace2events" },
	[SNIFF_CPUPROFILE] = { "a V8 .cpuprofile JSON file", "cpuprofile2events" },
	[SNIFF_OTLP] = { "an OpenTelemetry (OTLP) spans JSON file", "spans2events" },
	[SNIFF_SQLITE] = { "a SQLite database (Ferret span store)", "spans2events" },
	[SNIFF_SPEEDSCOPE] = { "a speedscope JSON file", "speedscope2events" },
	[SNIFF_PPROF] = { "a pprof profile (gzip'd protobuf)", NULL },
	[SNIFF_FOLDED] = { "folded stacks (\"a;b;c 123\" lines)", "folded2events" },
	[SNIFF_CALLGRIND] = { "a callgrind profile", "callgrind2events" },
	[SNIFF_NFLXPROFILE] = { "an nflxprofile (FlameScope protobuf)", NULL },
	[SNIFF_ELF] = { "an ELF binary (a program or library, not a profile)", NULL },
};

const char *sniff_name(enum sniff_kind k)
{
	return k < SNIFF_NKINDS ? kinds[k].name : "?";
}

const char *sniff_reader(enum sniff_kind k)
{
	return k < SNIFF_NKINDS ? kinds[k].reader : NULL;
}

static int prefix(const unsigned char *p, size_t n, const char *s, size_t m)
{
	return n >= m && memcmp(p, s, m) == 0;
}

/* ---- JSON: the keys of the top-level value, without a full parser ---- */

enum {
	J_TRACEEVENTS = 1, J_RESOURCESPANS = 2, J_SPEEDSCOPE = 4, J_NODES = 8,
	J_SAMPLES = 16, J_HEAD = 32, J_PH = 64, J_PROFILES = 128, J_SHARED = 256,
	J_CALLFRAME = 512
};

/* Read the string at p[*i] (a '"'); copy up to size-1 bytes into s. */
static void json_string(const unsigned char *p, size_t n, size_t *i, char *s, size_t size)
{
	size_t k = 0, j = *i + 1;

	while (j < n && p[j] != '"') {
		if (p[j] == '\\')
			j++;
		else if (k + 1 < size)
			s[k++] = (char)p[j];
		j++;
	}
	s[k] = 0;
	*i = j + 1;
}

static size_t skip_ws(const unsigned char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

static enum sniff_kind sniff_json(const unsigned char *p, size_t n)
{
	char stack[64], key[32];
	int depth = 0, seen = 0;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];

		if (c == '{' || c == '[') {
			if (depth < (int)sizeof stack)
				stack[depth] = (char)c;
			depth++;
			i++;
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
			i++;
		} else if (c == '"') {
			json_string(p, n, &i, key, sizeof key);
			i = skip_ws(p, n, i);
			if (i >= n || p[i] != ':' || depth < 1 || depth > (int)sizeof stack ||
			    stack[depth - 1] != '{')
				continue;
			i = skip_ws(p, n, i + 1);
			if (depth == 1) {
				/* a key of the top-level object (or of a JSON line) */
				if (strcmp(key, "traceEvents") == 0)
					seen |= J_TRACEEVENTS;
				else if (strcmp(key, "resourceSpans") == 0)
					seen |= J_RESOURCESPANS;
				else if (strcmp(key, "nodes") == 0)
					seen |= J_NODES;
				else if (strcmp(key, "samples") == 0 || strcmp(key, "startTime") == 0 ||
					 strcmp(key, "timeDeltas") == 0)
					seen |= J_SAMPLES;
				else if (strcmp(key, "head") == 0)
					seen |= J_HEAD;
				else if (strcmp(key, "profiles") == 0)
					seen |= J_PROFILES;
				else if (strcmp(key, "shared") == 0)
					seen |= J_SHARED;
				else if (strcmp(key, "$schema") == 0 && i < n && p[i] == '"') {
					char val[128];

					json_string(p, n, &i, val, sizeof val);
					if (strstr(val, "speedscope"))
						seen |= J_SPEEDSCOPE;
				}
			} else if (depth == 2 && stack[0] == '[' && strcmp(key, "ph") == 0) {
				seen |= J_PH;	/* an event of a Trace Event array */
			} else if (depth == 3 && stack[0] == '{' && stack[1] == '[' &&
				   strcmp(key, "callFrame") == 0) {
				seen |= J_CALLFRAME;	/* {"nodes":[{"callFrame" ... */
			}
		} else {
			i++;
		}
	}
	if (seen & (J_TRACEEVENTS | J_PH))
		return SNIFF_TRACE_EVENT;
	if (seen & J_RESOURCESPANS)
		return SNIFF_OTLP;
	if ((seen & J_SPEEDSCOPE) || (seen & (J_PROFILES | J_SHARED)) == (J_PROFILES | J_SHARED))
		return SNIFF_SPEEDSCOPE;
	if (((seen & J_NODES) && (seen & (J_SAMPLES | J_CALLFRAME))) ||
	    (seen & (J_HEAD | J_SAMPLES)) == (J_HEAD | J_SAMPLES))
		return SNIFF_CPUPROFILE;
	return SNIFF_JSON;
}

/* ---- text ---- */

struct line {
	const unsigned char *p;
	size_t n;
	int whole;		/* ends with '\n' within the bytes */
};

static int next_line(const unsigned char *p, size_t n, size_t *i, struct line *l)
{
	const unsigned char *nl;

	if (*i >= n)
		return 0;
	l->p = p + *i;
	nl = memchr(l->p, '\n', n - *i);
	l->whole = nl != NULL;
	l->n = nl ? (size_t)(nl - l->p) : n - *i;
	*i += l->n + 1;
	if (l->n > 0 && l->p[l->n - 1] == '\r')
		l->n--;
	return 1;
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A perf script sample header has its time as " 123.456789:" (6 to 9
 * decimals, then a colon). */
static int has_perf_time(const struct line *l)
{
	size_t i;

	for (i = 1; i < l->n; i++) {
		size_t j = i, d;

		if (!is_digit(l->p[i]) || (l->p[i - 1] != ' ' && l->p[i - 1] != '\t'))
			continue;
		while (j < l->n && is_digit(l->p[j]))
			j++;
		if (j >= l->n || l->p[j] != '.')
			continue;
		d = ++j;
		while (j < l->n && is_digit(l->p[j]))
			j++;
		d = j - d;
		if (d >= 6 && d <= 9 && j < l->n && l->p[j] == ':')
			return 1;
	}
	return 0;
}

/* A callchain line: blanks, a hex address, a blank (old perf versions
 * wrote no blanks: then a long address and a "(dso)"). */
static int is_perf_frame(const struct line *l)
{
	size_t i = 0, h;

	while (i < l->n && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	h = i;
	while (i < l->n && is_hex(l->p[i]))
		i++;
	if (i == h || i >= l->n || l->p[i] != ' ')
		return 0;
	return h > 0 || (i - h >= 8 && memchr(l->p, '(', l->n) != NULL);
}

/* "a;b;c 123": no tab, a count after the last blank. */
static int is_folded(const struct line *l)
{
	size_t i = l->n;

	if (l->n == 0 || memchr(l->p, '\t', l->n))
		return 0;
	while (i > 0 && is_digit(l->p[i - 1]))
		i--;
	return i < l->n && i > 1 && l->p[i - 1] == ' ';
}

static enum sniff_kind sniff_text(const unsigned char *p, size_t n)
{
	struct line l, first = { 0 };
	size_t i = 0;
	int lines = 0, folded = 0, semis = 0, events = 0, callgrind = 0, have_first = 0;

	while (lines < 64 && next_line(p, n, &i, &l)) {
		lines++;
		if (lines == 1 && prefix(l.p, l.n, "# callgrind format", 18))
			return SNIFF_CALLGRIND;
		if (l.n > 0 && l.p[0] == '#') {
			if (prefix(l.p, l.n, "# ========", 10) || prefix(l.p, l.n, "# captured on", 13) ||
			    prefix(l.p, l.n, "# perf version", 14))
				return SNIFF_PERF_SCRIPT;	/* perf script --header */
			continue;
		}
		if (prefix(l.p, l.n, "events:", 7))
			events = 1;
		if (prefix(l.p, l.n, "creator:", 8) || prefix(l.p, l.n, "cmd:", 4) ||
		    prefix(l.p, l.n, "positions:", 10) || prefix(l.p, l.n, "fn=", 3))
			callgrind = 1;
		if (l.n == 0)
			continue;
		if (!have_first) {
			/* the first sample header, then its first frame */
			if (l.p[0] == ' ' || l.p[0] == '\t') {
				have_first = -1;
			} else {
				first = l;
				have_first = 1;
				if (has_perf_time(&l))
					return SNIFF_PERF_SCRIPT;
			}
		} else if (have_first == 1) {
			if (is_perf_frame(&l))
				return SNIFF_PERF_SCRIPT;
			have_first = -1;
		}
		if (l.whole) {
			if (is_folded(&l))
				folded++;
			else
				folded = -1000;
			semis += memchr(l.p, ';', l.n) != NULL;
		}
	}
	(void)first;
	if (events && callgrind)
		return SNIFF_CALLGRIND;
	if (folded > 0 && semis * 2 >= folded)
		return SNIFF_FOLDED;
	return SNIFF_UNKNOWN;
}

/* Bytes that text does not have: NUL, or many control bytes. */
static int binary(const unsigned char *p, size_t n)
{
	size_t i, ctl = 0;

	if (n > 4096)
		n = 4096;
	for (i = 0; i < n; i++) {
		if (p[i] == 0)
			return 1;
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' &&
		    p[i] != '\f' && p[i] != '\v' && p[i] != '\b' && p[i] != 0x1b)
			ctl++;
	}
	return ctl * 10 > n;
}

/* The protobuf of a pprof Profile begins with field 1 (sample_type, a
 * ValueType message, whose own field 1 is a varint). */
static int pprof_like(const unsigned char *p, size_t n)
{
	size_t i = 1;

	if (n < 4 || p[0] != 0x0a)
		return 0;
	while (i < n && i < 4 && (p[i] & 0x80))
		i++;
	return i + 1 < n && p[i + 1] == 0x08;
}

enum sniff_kind sniff(const void *data, size_t n, int compressed)
{
	const unsigned char *p = data;
	size_t i = 0;

	if (n == 0)
		return SNIFF_EMPTY;
	if (prefix(p, n, "#flamepipe-events", 17))
		return SNIFF_EVENTS;
	if (prefix(p, n, "PERFILE2", 8) || prefix(p, n, "PERFFILE", 8))
		return SNIFF_PERF_DATA;
	if (prefix(p, n, "\177ELF", 4))
		return SNIFF_ELF;
	if (prefix(p, n, "SQLite format 3", 16))
		return SNIFF_SQLITE;
	if (binary(p, n)) {
		if (pprof_like(p, n))
			return SNIFF_PPROF;
		/* nflxprofile: double start_time (field 1), double end_time (2) */
		if (n >= 18 && p[0] == 0x09 && p[9] == 0x11)
			return SNIFF_NFLXPROFILE;
		/* gzip'd bytes that start with a protobuf tag */
		if (compressed && p[0] >= 0x08 && ((p[0] & 7) <= 2 || (p[0] & 7) == 5))
			return SNIFF_PPROF;
		return SNIFF_BINARY;
	}
	if (prefix(p, n, "\357\273\277", 3))
		i = 3;	/* UTF-8 byte order mark */
	i = skip_ws(p, n, i);
	if (i < n && (p[i] == '{' || p[i] == '['))
		return sniff_json(p + i, n - i);
	return sniff_text(p, n);
}

/* Who reads what: a filter refuses a known kind that is not its own. */
static const struct {
	const char *prog;
	enum sniff_kind kind, kind2;
} readers[] = {
	{ "perf2events", SNIFF_PERF_SCRIPT, SNIFF_PERF_DATA },
	{ "trace2events", SNIFF_TRACE_EVENT, SNIFF_TRACE_EVENT },
	{ "cpuprofile2events", SNIFF_CPUPROFILE, SNIFF_CPUPROFILE },
	{ "spans2events", SNIFF_OTLP, SNIFF_SQLITE },
	{ "callgrind2events", SNIFF_CALLGRIND, SNIFF_CALLGRIND },
	{ "folded2events", SNIFF_FOLDED, SNIFF_FOLDED },
	{ "speedscope2events", SNIFF_SPEEDSCOPE, SNIFF_SPEEDSCOPE },
	{ "events2folded", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "events2speedscope", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "eventsort", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "heatmap", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "timeslice", SNIFF_EVENTS, SNIFF_EVENTS },
};

int sniff_refuse(const char *prog, enum sniff_kind k, char *msg, size_t size)
{
	const char *reader = sniff_reader(k);
	size_t i;
	int events_reader = 0;

	if (k <= SNIFF_JSON || k >= SNIFF_NKINDS)
		return 0;	/* not a known kind: the filter's parser decides */
	for (i = 0; i < sizeof readers / sizeof readers[0]; i++)
		if (strcmp(prog, readers[i].prog) == 0)
			break;
	if (i == sizeof readers / sizeof readers[0])
		return 0;
	if (readers[i].kind == k || readers[i].kind2 == k)
		return 0;
	events_reader = readers[i].kind == SNIFF_EVENTS;
	if (k == SNIFF_ELF)
		snprintf(msg, size, "this looks like %s", sniff_name(k));
	else if (!reader)
		snprintf(msg, size, "this looks like %s: flamepipe does not read it (not supported yet)",
			 sniff_name(k));
	else if (k == SNIFF_EVENTS)
		snprintf(msg, size, "this looks like %s, converted already: read it with %s",
			 sniff_name(k), reader);
	else if (events_reader)
		snprintf(msg, size, "this looks like %s: pipe it through %s first", sniff_name(k), reader);
	else
		snprintf(msg, size, "this looks like %s: use %s", sniff_name(k), reader);
	return 1;
}
