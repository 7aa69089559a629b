/* sniff.c - what kind of file is this? (from its first bytes) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sniff.h"

/* Where the evidence goes (docs/toevents.md): nothing when p is NULL. */
struct why {
	char *p;
	size_t size;
};

__attribute__((format(printf, 2, 3)))
static void say(struct why *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->p || w->size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(w->p, w->size, fmt, ap);
	va_end(ap);
}

/* The filters that read events streams (the readers table below) */
#define EVENTS_READERS "events2folded, events2svg, events2html, events2speedscope, events2pprof, " \
	"events2trace, events2nflxprofile, eventsort, eventmerge, eventreduce, eventdiff, heatmap or timeslice"

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
	[SNIFF_PPROF] = { "a pprof profile (gzip'd protobuf)", "pprof2events" },
	[SNIFF_FOLDED] = { "folded stacks (\"a;b;c 123\" lines)", "folded2events" },
	[SNIFF_CALLGRIND] = { "a callgrind profile", "callgrind2events" },
	[SNIFF_NFLXPROFILE] = { "an nflxprofile (FlameScope protobuf)", "nflxprofile2events" },
	[SNIFF_ELF] = { "an ELF binary (a program or library, not a profile)", NULL },
	[SNIFF_STACKS] = { "DTrace or bpftrace stack aggregations", "stacks2events" },
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

/* The J_ flags of the keys found in the first n bytes of a JSON text. */
static int json_seen(const unsigned char *p, size_t n)
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
	return seen;
}

static enum sniff_kind sniff_json(const unsigned char *p, size_t n, struct why *w)
{
	int seen = json_seen(p, n);

	if (seen & J_TRACEEVENTS) {
		say(w, "a \"traceEvents\" key in the top-level object");
		return SNIFF_TRACE_EVENT;
	}
	if (seen & J_PH) {
		say(w, "a top-level array of objects with a \"ph\" key (Trace Event array form)");
		return SNIFF_TRACE_EVENT;
	}
	if (seen & J_RESOURCESPANS) {
		say(w, "a \"resourceSpans\" key in the top-level object (or a JSON line)");
		return SNIFF_OTLP;
	}
	if (seen & J_SPEEDSCOPE) {
		say(w, "a \"$schema\" key naming speedscope");
		return SNIFF_SPEEDSCOPE;
	}
	if ((seen & (J_PROFILES | J_SHARED)) == (J_PROFILES | J_SHARED)) {
		say(w, "\"profiles\" and \"shared\" keys in the top-level object (speedscope without $schema)");
		return SNIFF_SPEEDSCOPE;
	}
	if ((seen & J_NODES) && (seen & (J_SAMPLES | J_CALLFRAME))) {
		say(w, "a \"nodes\" key with %s in the top-level object",
		    seen & J_CALLFRAME ? "\"callFrame\" objects" : "\"samples\", \"startTime\" or \"timeDeltas\"");
		return SNIFF_CPUPROFILE;
	}
	if ((seen & (J_HEAD | J_SAMPLES)) == (J_HEAD | J_SAMPLES)) {
		say(w, "\"head\" and \"samples\" keys in the top-level object (legacy .cpuprofile)");
		return SNIFF_CPUPROFILE;
	}
	say(w, "JSON whose first bytes have none of the keys traceEvents, a \"ph\" array, resourceSpans, "
	    "$schema (speedscope), profiles+shared, nodes+samples/callFrame, head+samples");
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
 * decimals, then a colon): where it starts, with its length in *len, or
 * 0. */
static size_t has_perf_time(const struct line *l, size_t *len)
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
		if (d >= 6 && d <= 9 && j < l->n && l->p[j] == ':') {
			*len = j + 1 - i;
			return i;	/* > 0: where the time starts */
		}
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

/* "0 44 100.0 1": numbers and blanks only, a table rather than a stack. */
static int is_numbers(const struct line *l)
{
	size_t i, blanks = 0;

	for (i = 0; i < l->n; i++) {
		if (l->p[i] == ' ')
			blanks++;
		else if (!is_digit(l->p[i]) && l->p[i] != '.')
			return 0;
	}
	return blanks > 1;
}

static int is_indented(const struct line *l)
{
	return l->n > 0 && (l->p[0] == ' ' || l->p[0] == '\t');
}

/* Blanks, digits (a DTrace aggregation value), blanks. */
static int is_value(const struct line *l)
{
	size_t i = 0, d;

	while (i < l->n && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	if (i < l->n && l->p[i] == '-')
		i++;
	d = i;
	while (i < l->n && is_digit(l->p[i]))
		i++;
	if (i == d)
		return 0;
	while (i < l->n && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	return i == l->n;
}

/* bpftrace's and DTrace's own lines (stacks2events reads them). */
static const char *stacks_line(const struct line *l)
{
	size_t i = 1;

	if (prefix(l->p, l->n, "Attaching ", 10) && memmem(l->p, l->n, " probe", 6))
		return "bpftrace's \"Attaching N probes...\"";
	if (prefix(l->p, l->n, "dtrace: ", 8))
		return "DTrace's \"dtrace: \" banner";
	if (l->n == 0 || l->p[0] != '@')
		return NULL;
	while (i < l->n && (is_digit(l->p[i]) || l->p[i] == '_' ||
			    ((l->p[i] | 0x20) >= 'a' && (l->p[i] | 0x20) <= 'z')))
		i++;
	if (i < l->n && l->p[i] == '[')
		return "a bpftrace map entry (\"@NAME[\")";
	if (i + 1 < l->n && l->p[i] == ':' && l->p[i + 1] == ' ') {
		struct line v = { l->p + i + 1, l->n - i - 1, 1 };

		if (is_value(&v))
			return "a bpftrace map value (\"@NAME: N\")";
	}
	return NULL;
}

/* What the lines of a text head add up to (sniff_text). */
struct text_counts {
	int lines, folded, bad, semis, decided, callgrind_events, callgrind;
	int indented_only, dtrace, prev_frame, have_first;
	int first_folded;	/* line of the first folded line */
};

/* The evidence of lines that decide alone; SNIFF_UNKNOWN when none. */
static enum sniff_kind text_line(struct text_counts *c, const struct line *l, struct why *w)
{
	const char *s;

	if (c->lines == 1 && prefix(l->p, l->n, "# callgrind format", 18)) {
		say(w, "line 1 is \"# callgrind format\"");
		return SNIFF_CALLGRIND;
	}
	if (l->n > 0 && l->p[0] == '#') {
		if (prefix(l->p, l->n, "# ========", 10) || prefix(l->p, l->n, "# captured on", 13) ||
		    prefix(l->p, l->n, "# perf version", 14)) {
			say(w, "line %d is a 'perf script --header' comment (\"%.*s\")", c->lines,
			    (int)(l->n < 14 ? l->n : 14), (const char *)l->p);
			return SNIFF_PERF_SCRIPT;
		}
		return SNIFF_UNKNOWN;
	}
	if ((s = stacks_line(l))) {
		say(w, "line %d is %s", c->lines, s);
		return SNIFF_STACKS;
	}
	if (l->n == 0)
		return SNIFF_UNKNOWN;
	if (!c->have_first) {
		/* the first sample header, then its first frame */
		if (is_indented(l)) {
			c->have_first = -1;
		} else {
			size_t at, len;

			c->have_first = 1;
			if ((at = has_perf_time(l, &len)) > 0) {
				say(w, "line %d is a sample header with a perf time (\"%.*s\")", c->lines,
				    (int)len, (const char *)l->p + at);
				return SNIFF_PERF_SCRIPT;
			}
		}
	} else if (c->have_first == 1) {
		if (is_perf_frame(l)) {
			say(w, "line %d is a call-chain line (blanks, a hex address, a blank) after a "
			    "sample header", c->lines);
			return SNIFF_PERF_SCRIPT;
		}
		c->have_first = -1;
	}
	return SNIFF_UNKNOWN;
}

/* Count what a line is: callgrind keys, DTrace entries, folded lines. */
static void text_count(struct text_counts *c, const struct line *l)
{
	int folded;

	if (prefix(l->p, l->n, "events:", 7))
		c->callgrind_events = 1;
	if (prefix(l->p, l->n, "creator:", 8) || prefix(l->p, l->n, "cmd:", 4) ||
	    prefix(l->p, l->n, "positions:", 10) || prefix(l->p, l->n, "fn=", 3))
		c->callgrind = 1;
	if (!is_indented(l)) {
		c->indented_only = 0;
	} else if (is_value(l)) {
		if (c->prev_frame && !c->dtrace)
			c->dtrace = c->lines;
		c->prev_frame = 0;
	} else {
		c->prev_frame = 1;
	}
	/* folded: a cut last line counts only when it is folded */
	folded = is_folded(l) && !is_numbers(l);
	if (!l->whole && !folded)
		return;
	if (!c->decided && !prefix(l->p, l->n, "//", 2))
		c->decided = folded ? 1 : -1;
	if (folded) {
		c->folded++;
		if (!c->first_folded)
			c->first_folded = c->lines;
	} else {
		c->bad++;
	}
	c->semis += folded && memchr(l->p, ';', l->n) != NULL;
}

static enum sniff_kind sniff_text(const unsigned char *p, size_t n, struct why *w)
{
	struct text_counts c = { 0 };
	struct line l;
	size_t i = 0;

	c.indented_only = 1;
	while (c.lines < 64 && next_line(p, n, &i, &l)) {
		enum sniff_kind k;

		c.lines++;
		k = text_line(&c, &l, w);
		if (k != SNIFF_UNKNOWN)
			return k;
		if (l.n == 0 || l.p[0] == '#')
			continue;
		text_count(&c, &l);
	}
	if (c.callgrind_events && c.callgrind) {
		say(w, "an \"events:\" line and callgrind keys (creator:, cmd:, positions:, fn=)");
		return SNIFF_CALLGRIND;
	}
	if (c.indented_only && c.dtrace) {
		say(w, "every line indented, frames then a number-only line (line %d): DTrace "
		    "aggregation output", c.dtrace);
		return SNIFF_STACKS;
	}
	if (c.decided > 0 && c.semis * 2 >= c.folded && c.bad * 3 <= c.folded + c.bad) {
		say(w, "\"STACK COUNT\" lines from line %d: %d of %d lines, %d with ';'",
		    c.first_folded, c.folded, c.folded + c.bad, c.semis);
		return SNIFF_FOLDED;
	}
	say(w, "text of none of the kinds: no events magic, perf script header or call chain, "
	    "callgrind keys, bpftrace/DTrace lines or entries, folded \"STACK COUNT\" lines");
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

/* UTF-16 text (folded2events reads it): its ASCII characters, the others
 * as '?'. Returns their number, 0 when p does not look like UTF-16: a byte
 * order mark, or a zero byte beside an ASCII first character. */
static size_t utf16_ascii(const unsigned char *p, size_t n, unsigned char *out, size_t cap, int *be)
{
	size_t i = 0, k = 0;

	if (n < 4)
		return 0;
	if ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)) {
		*be = p[0] == 0xfe;
		i = 2;
	} else if (p[0] && p[0] < 0x80 && !p[1]) {
		*be = 0;
	} else if (!p[0] && p[1] && p[1] < 0x80) {
		*be = 1;
	} else {
		return 0;
	}
	for (; i + 1 < n && k < cap; i += 2) {
		unsigned hi = *be ? p[i] : p[i + 1], lo = *be ? p[i + 1] : p[i];

		out[k++] = (unsigned char)(hi == 0 && lo != 0 && lo < 0x80 ? lo : '?');
	}
	return k;
}

static enum sniff_kind sniff_binary(const unsigned char *p, size_t n, int compressed, struct why *w)
{
	if (pprof_like(p, n)) {
		say(w, "binary, protobuf field 1 (0a), a length, then a varint field 1 (08): "
		    "pprof's Profile.sample_type");
		return SNIFF_PPROF;
	}
	/* nflxprofile: double start_time (field 1), double end_time (2) */
	if (n >= 18 && p[0] == 0x09 && p[9] == 0x11) {
		say(w, "binary, protobuf double fields 1 and 2 first (09 at 0, 11 at 9): "
		    "nflxprofile's start_time and end_time");
		return SNIFF_NFLXPROFILE;
	}
	/* gzip'd bytes that start with a protobuf tag */
	if (compressed && p[0] >= 0x08 && ((p[0] & 7) <= 2 || (p[0] & 7) == 5)) {
		say(w, "compressed binary starting with a protobuf tag (%02x): pprof files are gzip'd protobuf",
		    p[0]);
		return SNIFF_PPROF;
	}
	say(w, "binary (a NUL byte or many control bytes) of no known kind: not pprof or nflxprofile");
	return SNIFF_BINARY;
}

static enum sniff_kind sniff_magic(const unsigned char *p, size_t n, struct why *w)
{
	if (n == 0) {
		say(w, "no bytes at all");
		return SNIFF_EMPTY;
	}
	if (prefix(p, n, "#flamepipe-events", 17)) {
		say(w, "line 1 is \"#flamepipe-events\"");
		return SNIFF_EVENTS;
	}
	if (prefix(p, n, "PERFILE2", 8) || prefix(p, n, "PERFFILE", 8)) {
		say(w, "magic \"%.8s\" at offset 0", (const char *)p);
		return SNIFF_PERF_DATA;
	}
	if (prefix(p, n, "\177ELF", 4)) {
		say(w, "magic \"\\177ELF\" at offset 0");
		return SNIFF_ELF;
	}
	if (prefix(p, n, "SQLite format 3", 16)) {
		say(w, "magic \"SQLite format 3\" at offset 0");
		return SNIFF_SQLITE;
	}
	return SNIFF_UNKNOWN;
}

enum sniff_kind sniff_explain(const void *data, size_t n, int compressed, char *why, size_t size)
{
	const unsigned char *p = data;
	struct why w = { why, size };
	unsigned char u16[2048];
	enum sniff_kind k;
	size_t i = 0, m;
	int be = 0;

	if (why && size)
		why[0] = '\0';
	if ((k = sniff_magic(p, n, &w)) != SNIFF_UNKNOWN)
		return k;
	if ((m = utf16_ascii(p, n, u16, sizeof u16, &be)) > 0 && !binary(u16, m)) {
		char text[256];
		struct why w16 = { why ? text : NULL, sizeof text };

		if (sniff_text(u16, m, &w16) == SNIFF_FOLDED) {
			say(&w, "UTF-16 %s text: %s", be ? "BE" : "LE", text);
			return SNIFF_FOLDED;
		}
	}
	if (binary(p, n))
		return sniff_binary(p, n, compressed, &w);
	if (prefix(p, n, "\357\273\277", 3))
		i = 3;	/* UTF-8 byte order mark */
	i = skip_ws(p, n, i);
	if (i < n && (p[i] == '{' || p[i] == '['))
		return sniff_json(p + i, n - i, &w);
	return sniff_text(p, n, &w);
}

enum sniff_kind sniff(const void *data, size_t n, int compressed)
{
	return sniff_explain(data, n, compressed, NULL, 0);
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
	{ "pprof2events", SNIFF_PPROF, SNIFF_PPROF },
	{ "nflxprofile2events", SNIFF_NFLXPROFILE, SNIFF_NFLXPROFILE },
	{ "folded2events", SNIFF_FOLDED, SNIFF_FOLDED },
	{ "stacks2events", SNIFF_STACKS, SNIFF_STACKS },
	{ "speedscope2events", SNIFF_SPEEDSCOPE, SNIFF_SPEEDSCOPE },
	/* the events readers (events2folded sums folded inputs too) */
	{ "eventdiff", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "eventmerge", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "eventreduce", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "events2folded", SNIFF_EVENTS, SNIFF_FOLDED },
	{ "events2html", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "events2nflxprofile", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "events2pprof", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "events2speedscope", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "events2svg", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "events2trace", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "eventsort", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "heatmap", SNIFF_EVENTS, SNIFF_EVENTS },
	{ "timeslice", SNIFF_EVENTS, SNIFF_EVENTS },
	/* toevents reads every kind: not listed, it refuses none */
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
