/* walk.c - trace2events: the JSON walk (the array and object forms, the
 * samples and stackFrames tables), event fields into struct tev */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "../../common/bytes.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/json.h"
#include "../../common/out.h"
#include "trace.h"

/* The args keys of a Hermes (React Native) frame event. */
static const char *const hermes_keys[] = {
	"line", "column", "name", "category", "url", "params", "allocatedCategory", "allocatedName",
};
static const unsigned char hermes_lens[] = { 4, 6, 4, 8, 3, 6, 17, 13 };

/* Is p[0..n) a plain integer with no sign, no leading zero and at most
 * 18 digits (the common pid and tid)? */
static inline int plain_int(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 18 || p[0] == '0')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned)(p[i] - '0') > 9)
			return 0;
	return 1;
}

/* A pid or tid: numbers as integers, strings as they are. */
static __attribute__((noinline)) void set_id_slow(struct buf *b, enum json_type t, const char *p,
						  size_t n)
{
	int64_t v;

	b->len = 0;
	if (t == JSON_NUMBER && plain_int(p, n)) {
		sset(b, p, n);	/* the common case: a plain integer */
	} else if (t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0) {
		char tmp[24];

		buf_add(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "%" PRId64, v));
	} else if (t == JSON_NUMBER || t == JSON_STRING) {
		buf_add(b, p, n);
	}
}

#ifdef BYTES_LE_WORDS
/* How many bytes at the start of w (loaded from text, zeros above it)
 * are digits. A carry out of a byte that is not a digit only reaches the
 * bytes after it. */
static inline unsigned digit_run(uint64_t w)
{
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0ULL, zeros = 0x3030303030303030ULL;
	uint64_t bad = ((w & hi) ^ zeros) | (((w + 0x0606060606060606ULL) & hi) ^ zeros);

	return bad ? (unsigned)__builtin_ctzll(bad) >> 3 : 8;
}

/* The value of the k (1..8) digits at the start of w. */
static inline uint64_t digits_value(uint64_t w, unsigned k)
{
	w = (w - 0x3030303030303030ULL) << (8 * (8 - k));	/* as leading zeros */
	w = w * 10 + (w >> 8);
	w = (((w & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
	     (((w >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >> 32;
	return w;
}
#endif

/* set_id_slow(), the common case first: up to 7 digits, as one word (a
 * lone 0 gives the same text both ways). */
static inline void set_id(struct buf *b, enum json_type t, const char *p, size_t n)
{
#ifdef BYTES_LE_WORDS
	if (t == JSON_NUMBER && n - 1 < 7 && b->cap >= 8) {
		uint64_t w = json_word(p, n);

		if (digit_run(w) == n && (p[0] != '0' || n == 1)) {
			memcpy(b->p, &w, 8);
			b->len = n;
			return;
		}
	}
#endif
	set_id_slow(b, t, p, n);
}

/* A time in µs (number or numeric string) to ns. The common case, up to
 * 15 digits with up to 3 decimals, here (json_decimal() gives the same);
 * the rest by json_decimal(). */
static int set_time(enum json_type t, const char *p, size_t n, int64_t *ns)
{
	const char *q = p, *end, *lim;
	uint64_t x = 0;
	unsigned c, d, e;

	if (t != JSON_NUMBER && t != JSON_STRING)
		return -1;	/* before any arithmetic on p: NULL for a container */
	end = p + n;
	lim = p + (n < 15 ? n : 15);
#ifdef BYTES_LE_WORDS
	if (n >= 8) {	/* up to 8 digits at once */
		uint64_t w;
		unsigned k;

		memcpy(&w, p, 8);
		k = digit_run(w);
		if (k > 0) {
			x = digits_value(w, k);
			q = p + k;
		}
	}
#endif
	while (q < lim && (c = (unsigned)(*q - '0')) <= 9) {
		x = x * 10 + c;
		q++;
	}
	if (q == p)
		return json_decimal(p, n, 3, ns);
	if (q == end) {
		*ns = (int64_t)(x * 1000);
		return 0;
	}
	if (*q == '.') {
		switch (end - q) {
		case 2:
			if ((c = (unsigned)(q[1] - '0')) > 9)
				break;
			*ns = (int64_t)(x * 1000 + c * 100);
			return 0;
		case 3:
			if ((c = (unsigned)(q[1] - '0')) > 9 || (d = (unsigned)(q[2] - '0')) > 9)
				break;
			*ns = (int64_t)(x * 1000 + c * 100 + d * 10);
			return 0;
		case 4:
			if ((c = (unsigned)(q[1] - '0')) > 9 || (d = (unsigned)(q[2] - '0')) > 9 ||
			    (e = (unsigned)(q[3] - '0')) > 9)
				break;
			*ns = (int64_t)(x * 1000 + c * 100 + d * 10 + e);
			return 0;
		}
	}
	return json_decimal(p, n, 3, ns);
}

/* ---- the JSON walk ---- */

/* Is the current key at level d the literal k? (length known at compile time) */
static inline int key_n(struct trace *tr, size_t d, const char *k, size_t n)
{
	struct slice s = json_key(&tr->j, d);

	return s.n == n && memcmp(s.p, k, n) == 0;
}
#define key(d, lit) key_n(tr, (d), "" lit, sizeof(lit) - 1)

static inline void text_value(struct buf *b, enum json_type t, const char *p, size_t n)
{
	if (t != JSON_STRING && t != JSON_NUMBER)
		return;
#ifdef BYTES_LE_WORDS
	if (n - 1 < 7 && b->cap >= 8) {	/* a short text, as one word */
		uint64_t w = json_word(p, n);

		memcpy(b->p, &w, 8);
		b->len = n;
		return;
	}
#endif
	sset(b, p, n);
}

/* Append p[0..n) and a \0 to a \0-separated list: one entry, so cut at a
 * \0 inside (a JSON string may hold one) that would make two. */
static void add0(struct buf *b, const char *p, size_t n)
{
	const char *z = n ? memchr(p, 0, n) : NULL;

	buf_add(b, p, z ? (size_t)(z - p) : n);
	buf_addc(b, 0);
}

/* The frame text of a V8 profile node being read. */
static void node_done(struct trace *tr)
{
	struct buf *f = &tr->e.node_frames;

	add0(&tr->e.node_ids, tr->e.nid.p, tr->e.nid.len);
	add0(&tr->e.node_parents, tr->e.nparent.p, tr->e.nparent.len);
	if (beq(&tr->e.fname, "(root)") || beq(&tr->e.furl, "native dummy.js")) {
		/* not frames: the tree's root, and V8's placeholder DevTools hides */
		buf_addc(f, 0);
		tr->e.nnodes++;
		return;
	}
	if (tr->e.fname.len)
		ev_buf_escaped(f, tr->e.fname.p, tr->e.fname.len);
	else
		buf_adds(f, "(anonymous)");
	if (beq(&tr->e.fname, "(idle)"))
		buf_adds(f, "`idle");
	if (tr->e.furl.len) {
		buf_adds(f, "`file=");
		ev_buf_escaped(f, tr->e.furl.p, tr->e.furl.len);
	}
	if (tr->e.fline >= 0) {
		char tmp[32];

		buf_add(f, tmp, (size_t)snprintf(tmp, sizeof tmp, "`line=%" PRIu64,
						 (uint64_t)tr->e.fline + 1));
		if (tr->e.fcol >= 0)
			buf_add(f, tmp, (size_t)snprintf(tmp, sizeof tmp, "`col=%" PRIu64,
							 (uint64_t)tr->e.fcol + 1));
	}
	buf_addc(f, 0);
	tr->e.nnodes++;
}

static void list_add(struct buf *b, int64_t *count, enum json_type t, const char *p, size_t n)
{
	if (t != JSON_NUMBER && t != JSON_STRING)
		return;
	add0(b, p, n);
	(*count)++;
}

/* A value inside args.data (profiles); d = depth - E. */
static void data_value(struct trace *tr, size_t E, size_t d, enum json_type t, const char *p, size_t n)
{
	int64_t v;
	int64_t dummy = 0;

	if (d == 3 && (key(E + 2, "startTime"))) {
		if (set_time(t, p, n, &tr->e.start) == 0)
			tr->e.has_start = 1;
	} else if (d == 4 && key(E + 2, "timeDeltas")) {
		list_add(&tr->e.deltas, &tr->e.ndeltas, t, p, n);
	} else if (!key(E + 2, "cpuProfile")) {
		return;
	} else if (d == 4 && key(E + 3, "startTime")) {
		if (set_time(t, p, n, &tr->e.start) == 0)
			tr->e.has_start = 1;
	} else if (d == 5 && key(E + 3, "timeDeltas")) {
		list_add(&tr->e.deltas, &tr->e.ndeltas, t, p, n);
	} else if (d == 5 && key(E + 3, "samples")) {
		list_add(&tr->e.samples, &tr->e.nsamples, t, p, n);
	} else if (key(E + 3, "nodes")) {
		if (d == 5 && t == JSON_MAP) {
			tr->e.nid.len = tr->e.nparent.len = tr->e.fname.len = tr->e.furl.len = 0;
			tr->e.fline = tr->e.fcol = -1;
		} else if (d == 6 && key(E + 5, "id")) {
			text_value(&tr->e.nid, t, p, n);
		} else if (d == 6 && key(E + 5, "parent")) {
			text_value(&tr->e.nparent, t, p, n);
		} else if (d == 7 && key(E + 5, "children")) {
			add0(&tr->e.children, tr->e.nid.p, tr->e.nid.len);
			list_add(&tr->e.children, &dummy, t, p, n);
		} else if (d == 7 && key(E + 5, "callFrame")) {
			if (key(E + 6, "functionName"))
				text_value(&tr->e.fname, t, p, n);
			else if (key(E + 6, "url"))
				text_value(&tr->e.furl, t, p, n);
			else if (key(E + 6, "lineNumber") && t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0)
				tr->e.fline = v;
			else if (key(E + 6, "columnNumber") && t == JSON_NUMBER &&
				 json_decimal(p, n, 0, &v) == 0)
				tr->e.fcol = v;
		}
	}
}

/* The top-level keys of an event (or samples entry). */
enum ekey {
	K_OTHER, K_PH, K_NAME, K_CAT, K_PID, K_TID, K_TS, K_DUR, K_TDUR, K_ID, K_CPU, K_SF,
	K_STACK, K_WEIGHT, K_UNTIMED, K_ATTRS, K_ARGS, K_COUNT
};

/* They by their key word (JSON_KW), in a table of 32 slots: the slot of a
 * word is its product with EKEY_MUL, top 5 bits (no two keys share one;
 * tr_walk_init() checks). Any other key finds another word, or none. */
#define EKEY_MUL 0x5d5f576cdeb8fc4dULL
#define EKEY_SLOT(w) ((size_t)(((w) * EKEY_MUL) >> 59))
static const uint64_t ekey_words[K_COUNT] = {
	[K_PH] = JSON_KW2('p', 'h'), [K_NAME] = JSON_KW4('n', 'a', 'm', 'e'),
	[K_CAT] = JSON_KW3('c', 'a', 't'), [K_PID] = JSON_KW3('p', 'i', 'd'),
	[K_TID] = JSON_KW3('t', 'i', 'd'), [K_TS] = JSON_KW2('t', 's'),
	[K_DUR] = JSON_KW3('d', 'u', 'r'), [K_TDUR] = JSON_KW4('t', 'd', 'u', 'r'),
	[K_ID] = JSON_KW2('i', 'd'), [K_CPU] = JSON_KW3('c', 'p', 'u'), [K_SF] = JSON_KW2('s', 'f'),
	[K_STACK] = JSON_KW5('s', 't', 'a', 'c', 'k'),
	[K_WEIGHT] = JSON_KW6('w', 'e', 'i', 'g', 'h', 't'),
	[K_UNTIMED] = JSON_KW7('u', 'n', 't', 'i', 'm', 'e', 'd'),
	[K_ATTRS] = JSON_KW5('a', 't', 't', 'r', 's'), [K_ARGS] = JSON_KW4('a', 'r', 'g', 's'),
};
static struct ekey_slot {
	uint64_t word;
	unsigned char key;	/* enum ekey */
} ekey_table[32];

void tr_walk_init(void)
{
	size_t k;

	if (ekey_table[EKEY_SLOT(ekey_words[K_PH])].word)
		return;
	for (k = 1; k < K_COUNT; k++) {
		struct ekey_slot *s = &ekey_table[EKEY_SLOT(ekey_words[k])];

		if (s->word)
			fp_die("internal error: event keys %zu and %u share a slot", k, s->key);
		s->word = ekey_words[k];
		s->key = (unsigned char)k;
	}
}

/* A top-level field of the event (or samples entry) being read. */
static inline __attribute__((always_inline)) void event_field(struct trace *tr, enum json_type t,
							      const char *p, size_t n)
{
	/* the event's object, level E, is the innermost one: its key as one word */
	uint64_t w = tr->j.top->key_word;
	const struct ekey_slot *s = &ekey_table[EKEY_SLOT(w)];
	unsigned k = s->word == w ? s->key : K_OTHER;

	if (k >= K_COUNT)
		__builtin_unreachable();
	switch (k) {
	case K_PH:
		tr->e.has_ph = 1;
		tr->e.ph = t == JSON_STRING && n == 1 ? p[0] : '?';
		break;
	case K_NAME:
		tr->e.has_name = 1;
		text_value(&tr->e.name, t, p, n);
		break;
	case K_CAT:
		text_value(&tr->e.cat, t, p, n);
		break;
	case K_PID:
		tr->e.has_pid = 1;
		set_id(&tr->e.pid, t, p, n);
		break;
	case K_TID:
		tr->e.has_tid = 1;
		set_id(&tr->e.tid, t, p, n);
		break;
	case K_TS:
		tr->e.has_ts = 1;
		tr->e.bad_ts = set_time(t, p, n, &tr->e.ts) < 0;
		break;
	case K_DUR:
		tr->e.has_dur = 1;
		tr->e.bad_dur = set_time(t, p, n, &tr->e.dur) < 0;
		break;
	case K_TDUR:
		tr->e.has_tdur = set_time(t, p, n, &tr->e.tdur) == 0;
		break;
	case K_ID:
		text_value(&tr->e.id, t, p, n);
		break;
	case K_CPU:
		set_id(&tr->e.cpu, t, p, n);
		break;
	case K_SF:
		tr->e.has_sf = 1;
		text_value(&tr->e.sfid, t, p, n);
		break;
	case K_STACK:
		if (t == JSON_ARRAY)
			tr->e.is_stack = 1;
		break;
	case K_WEIGHT:
		if (t == JSON_NUMBER)
			tr->e.has_weight = json_decimal(p, n, 0, &tr->e.weight) == 0;
		break;
	case K_UNTIMED:
		tr->e.untimed = t == JSON_TRUE;
		break;
	case K_ATTRS:
		text_value(&tr->e.attrs, t, p, n);
		break;
	case K_ARGS:
		tr->e.has_args = 1;
		if (tr->args)	/* the JSON text is needed only for -a */
			json_capture(&tr->j, &tr->e.args);
		break;
	default:
		break;
	}
}

/* A value inside the event's args (d = depth - E >= 2): the name of an M
 * event, a Hermes frame's location, profile data. */
static void args_value(struct trace *tr, size_t E, size_t d, enum json_type t, const char *p,
		       size_t n)
{
	if (d == 2) {
		/* the key at level E + 1, the innermost one (hermes_keys[] by their
		 * key words; the longer ones by their text) */
		uint64_t w = tr->j.top->key_word;
		int64_t v;

		switch (w) {
		case JSON_KW4('l', 'i', 'n', 'e'):
			tr->e.hermes |= 1u << 0;
			if (t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0)
				tr->e.hline = v;
			break;
		case JSON_KW6('c', 'o', 'l', 'u', 'm', 'n'):
			tr->e.hermes |= 1u << 1;
			if (t == JSON_NUMBER && json_decimal(p, n, 0, &v) == 0)
				tr->e.hcol = v;
			break;
		case JSON_KW4('n', 'a', 'm', 'e'):
			tr->e.hermes |= 1u << 2;
			tr->e.has_argname = 1;
			text_value(&tr->e.argname, t, p, n);
			break;
		case JSON_KW3('u', 'r', 'l'):
			tr->e.hermes |= 1u << 4;
			if (t == JSON_STRING)
				sset(&tr->e.hurl, p, n);
			break;
		case JSON_KW6('p', 'a', 'r', 'a', 'm', 's'):
			tr->e.hermes |= 1u << 5;
			break;
		case 0: {
			struct slice hk = json_key(&tr->j, E + 1);
			size_t i;

			if (hk.n >= 8 && hk.n <= 17)
				for (i = 0; i < sizeof hermes_keys / sizeof *hermes_keys; i++)
					if (hermes_lens[i] == hk.n && same(hermes_keys[i], hk.p, hk.n))
						tr->e.hermes |= 1u << i;
			break;
		}
		}
	} else if (d >= 3 && key(E + 1, "data")) {
		data_value(tr, E, d, t, p, n);
	}
}

/* A value of the event (or samples entry) being read. */
static void event_value(struct trace *tr, enum json_type t, const char *p, size_t n)
{
	size_t E = (size_t)tr->e.level, d = tr->j.depth - E;

	if (d == 1) {
		event_field(tr, t, p, n);
		return;
	}
	if (d == 2 && key(E, "stack") && (t == JSON_STRING || t == JSON_NUMBER)) {
		if (tr->e.stack.len)
			buf_addc(&tr->e.stack, ';');
		if (n == 0)
			buf_adds(&tr->e.stack, "[unnamed]");
		else
			ev_buf_escaped(&tr->e.stack, p, n);
		return;
	}
	if (key(E, "args"))
		args_value(tr, E, d, t, p, n);
}

static void sframe_value(struct trace *tr, enum json_type t, const char *p, size_t n)
{
	if (tr->j.depth != 3)
		return;
	if (key(2, "name")) {
		text_value(&tr->walk.cur_sf_name, t, p, n);
	} else if (key(2, "attrs")) {
		text_value(&tr->walk.cur_sf_attrs, t, p, n);
	} else if (key(2, "parent") && (t == JSON_STRING || t == JSON_NUMBER)) {
		sset(&tr->walk.cur_sf_parent, p, n);
		tr->walk.cur_sf.has_parent = 1;
	}
}

static void sframe_done(struct trace *tr)
{
	struct slice id = json_key(&tr->j, 1);
	int added;
	size_t i = intern_get(&tr->smp.sfid, id.p, id.n, &added);
	struct sframe *f;

	if (!added)
		return;
	fp_grow(&tr->smp.sf, &tr->smp.sfcap, tr->smp.nsf + 1, sizeof *tr->smp.sf);
	f = &tr->smp.sf[tr->smp.nsf];
	*f = tr->walk.cur_sf;
	f->off = tr->smp.sf_text.len;
	if (tr->walk.cur_sf_name.len)
		ev_buf_escaped(&tr->smp.sf_text, tr->walk.cur_sf_name.p, tr->walk.cur_sf_name.len);
	else
		buf_adds(&tr->smp.sf_text, "[unnamed]");
	tr_put_attrs(&tr->smp.sf_text, &tr->walk.cur_sf_attrs);
	f->len = tr->smp.sf_text.len - f->off;
	f->poff = tr->smp.sf_text.len;
	f->plen = f->has_parent ? tr->walk.cur_sf_parent.len : 0;
	buf_add(&tr->smp.sf_text, tr->walk.cur_sf_parent.p, f->plen);
	tr->smp.sfid.ents[i].aux = (int64_t)tr->smp.nsf++;
}

void tr_put_attrs(struct buf *b, const struct buf *attrs)
{
	size_t i;

	if (!attrs->len)
		return;
	buf_addc(b, '`');
	for (i = 0; i < attrs->len; i++) {
		unsigned char c = (unsigned char)attrs->p[i];

		if (c < 0x20 || c == 0x7f || c == ';') {
			char x[4] = { '\\', 'x', "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15] };

			buf_add(b, x, 4);
		} else {
			buf_addc(b, (char)c);
		}
	}
}

/* events2trace's "flamepipe" key: {"version":1,"units":{"EVENT":"UNIT"}} */
static void fp_value(struct trace *tr, enum json_type t, const char *p, size_t n)
{
	struct slice ev = json_key(&tr->j, 2);

	if (tr->j.depth == 3 && key(1, "units") && t == JSON_STRING) {
		struct buf *u = &tr->walk.fp_unit;

		sset(u, p, n);
		buf_addc(u, 0);
		tr_declare(tr, ev.p, ev.n, u->p);
	}
}

/* "#trace-KEY VALUE" for other keys of the object form: KEY lower case,
 * other bytes than letters and digits as '-'; VALUE escaped. */
static void put_meta(struct trace *tr, struct slice k, const char *v, size_t n)
{
	struct buf *key = &tr->walk.meta_key, *val = &tr->walk.meta_val;
	size_t i;

	sset(key, "trace-", 6);
	for (i = 0; i < k.n; i++) {
		unsigned char c = (unsigned char)k.p[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		buf_addc(key, (char)c);
	}
	buf_addc(key, 0);
	val->len = 0;
	ev_buf_escaped(val, v, n);
	ev_put_header(key->p, (struct slice){ val->p, val->len });
}

static void event_start(struct trace *tr, int level)
{
	/* one store each (a loop over their addresses costs more, per event) */
	tr->e.name.len = tr->e.cat.len = tr->e.pid.len = tr->e.tid.len = tr->e.args.len = 0;
	tr->e.argname.len = tr->e.id.len = tr->e.sfid.len = tr->e.stack.len = tr->e.sname.len = 0;
	tr->e.cpu.len = tr->e.node_ids.len = tr->e.node_parents.len = tr->e.node_frames.len = 0;
	tr->e.children.len = tr->e.samples.len = tr->e.deltas.len = tr->e.attrs.len = 0;
	tr->e.level = level;
	tr->walk.field_depth = (size_t)level + 1;
	tr->e.ph = 0;
	tr->e.has_ph = tr->e.has_name = tr->e.has_pid = tr->e.has_tid = tr->e.has_args = tr->e.has_ts = 0;
	tr->e.has_dur = tr->e.has_tdur = tr->e.has_sf = tr->e.has_argname = tr->e.bad_ts = tr->e.bad_dur = 0;
	tr->e.is_stack = tr->e.has_start = 0;
	tr->e.nnodes = 0;
	tr->e.hermes = 0;
	tr->e.hurl.len = 0;
	tr->e.hline = tr->e.hcol = -1;
	tr->e.nsamples = tr->e.ndeltas = 0;
	tr->e.has_weight = tr->e.untimed = 0;
	tr->e.seq = tr->seq++;
}

/* on_value() but for the fields of an event (out of line, so that the
 * common case costs the least). */
static __attribute__((noinline)) int other_value(struct json *j, enum json_type t, const char *p,
						 size_t n)
{
	struct trace *tr = j->ctx;
	size_t d = j->depth;

	if (tr->walk.active) {
		if (tr->walk.kind == 'f')
			sframe_value(tr, t, p, n);
		else
			event_value(tr, t, p, n);
		return 1;
	}
	if (d == 0) {
		if (t != JSON_MAP && t != JSON_ARRAY) {
			fp_warn("%s: not a Trace Event Format document (neither an array nor an object)",
				tr->file);
			return 0;
		}
		tr->walk.form = t == JSON_MAP ? '{' : '[';
		return 1;
	}
	if (d == 1 && tr->walk.form == '[') {
		if (t != JSON_MAP) {
			tr_skip(tr, "array element is not an object");
			return 1;
		}
		event_start(tr, 1);
		tr->walk.active = 1;
		tr->walk.kind = 'e';
		return 1;
	}
	if (d >= 1 && tr->walk.form == '{' && key(0, "flamepipe")) {
		tr->fp_weights = 1;
		fp_value(tr, t, p, n);
		return 1;
	}
	if (d == 1) {
		struct slice k = json_key(j, 0);

		if (key(0, "traceEvents") || key(0, "samples") || key(0, "stackFrames"))
			return 1;
		if (key(0, "systemTraceEvents"))
			return 1;	/* ftrace or ETW text: not read */
		if (t == JSON_MAP || t == JSON_ARRAY) {
			tr->walk.meta.len = 0;
			json_capture(j, &tr->walk.meta);
		} else {
			put_meta(tr, k, p, n);
		}
		return 1;
	}
	if (d == 2 && t == JSON_MAP && (key(0, "traceEvents") || key(0, "samples"))) {
		event_start(tr, 2);
		tr->walk.active = 1;
		tr->walk.kind = key(0, "samples") ? 's' : 'e';
		return 1;
	}
	if (d == 2 && t == JSON_MAP && key(0, "stackFrames")) {
		memset(&tr->walk.cur_sf, 0, sizeof tr->walk.cur_sf);
		tr->walk.cur_sf_name.len = tr->walk.cur_sf_parent.len = tr->walk.cur_sf_attrs.len = 0;
		tr->walk.active = 1;
		tr->walk.kind = 'f';
		return 1;
	}
	return 1;
}

static int on_value(struct json *j, enum json_type t, const char *p, size_t n)
{
	struct trace *tr = j->ctx;

	if (j->depth == tr->walk.field_depth) {
		event_field(tr, t, p, n);
		return 1;
	}
	if (j->depth == 1 && t == JSON_MAP && tr->walk.form == '[' && !tr->walk.active) {
		/* an event of the array form (other_value() in short) */
		event_start(tr, 1);
		tr->walk.active = 1;
		tr->walk.kind = 'e';
		return 1;
	}
	return other_value(j, t, p, n);
}

static int on_end(struct json *j, enum json_type t)
{
	struct trace *tr = j->ctx;
	size_t d = j->depth;

	if (tr->walk.active) {
		size_t E = tr->walk.kind == 'f' ? 2 : (size_t)tr->e.level;

		if (d == E && t == JSON_MAP) {
			tr->walk.active = 0;
			tr->walk.field_depth = (size_t)-1;
			if (tr->walk.kind == 'f')
				sframe_done(tr);
			else if (tr->walk.kind == 's')
				tr_sample_entry_done(tr);
			else
				tr_event_done(tr);
		} else if (tr->walk.kind != 'f' && d == E + 5 && t == JSON_MAP && key(E, "args") &&
			   key(E + 1, "data") && key(E + 2, "cpuProfile") && key(E + 3, "nodes")) {
			node_done(tr);
		}
		return 1;
	}
	if (d == 1 && tr->walk.form == '{') {
		if (key(0, "stackFrames")) {
			tr->smp.sf_done = 1;
			tr_release_held(tr);
		} else if (!key(0, "traceEvents") && !key(0, "samples") &&
			   !key(0, "systemTraceEvents") && !key(0, "flamepipe")) {
			put_meta(tr, json_key(j, 0), tr->walk.meta.p, tr->walk.meta.len);
		}
	}
	return 1;
}

const struct json_handler tr_json_handler = { on_value, on_end };
