/* pprof2events - convert pprof profile.proto profiles to the flamepipe events format */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.pb-c.h"

#include "../common/alloc.h"
#include "../common/cli.h"
#include "../common/digits.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/out.h"
#include "../common/pbwire.h"
#include "../common/skip.h"
#include "../common/store.h"
#include "../common/u64map.h"
#include "cmds.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Label Label;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__ValueType ValueType;

/* fp_grow() only when the array is full (per sample: calls were 3%). */
#define GROW(pp, capp, need, size) do { if ((need) > *(capp)) fp_grow(pp, capp, need, size); } while (0)

/* Samples kept (store.h) in memory up to this, then in a temporary file;
 * PPROF2EVENTS_BUDGET (bytes) sets it (tests). With -t the file is read
 * at each sample's offset, one pread a sample: the budget is larger.
 * Without, it is read back in order, which costs less than the memory:
 * on the bench (1M samples, 32 MB) 16 MiB in memory took 0.16 s of CPU,
 * 4 MiB 0.11 s (each page of it faulted in). */
#define BUDGET (16u << 20)
#define BUDGET_IN_ORDER (4u << 20)

/* Bytes readable past the end of any text put_head() and put_frames()
 * copy (pp->ftext, pp->idtmp, pp->frames keep that much room spare):
 * they copy 8 or 16 bytes at a time. */
#define SLACK 32

static const struct cli_info info = {
	"pprof2events",
	"pprof2events [-aLq] [-t KEY] [--strict] [FILE ...]",
	"Convert pprof profiles (profile.proto, gzip'd or plain: Go runtime/pprof,\n"
	"pprof -proto, ...) to a flamepipe events stream (events(5)). Each sample\n"
	"becomes one S record per sample type with a non-zero value; the sample\n"
	"type is the event, its unit the E record's. Samples have no time (-)\n"
	"unless -t names a label that holds one. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -t, --time-label KEY  sample times from the numeric label KEY (epoch\n"
	"                        nanoseconds, or the label's unit: Datadog's\n"
	"                        end_timestamp_ns); samples are written in time order\n"
	"  -a, --all-labels      numeric labels become root frames too (KEY=N UNIT)\n"
	"  -L, --no-labels       no label frames (string labels are root frames\n"
	"                        KEY=VALUE`label by default)\n"
	"      --strict          stop at the first sample that cannot be used\n"
	"  -q, --quiet           no progress line on a terminal\n"
	"      --help            show this help and exit\n"
	"      --version         show the version and exit\n",
};

/* A sample decoded by the wire reader into arrays reused from one sample
 * to the next (protobuf-c would allocate each, its labels too). */
struct sdec {
	Sample s;		/* s.label: only once sdec_labels() decoded them */
	size_t loc_cap, val_cap, lab_cap, labp_cap;
	Label *lab, **labp;
	const Label *labp_for;	/* the lab that labp points into */
	const uint8_t *msg;	/* the Sample message (checked) */
	size_t msg_n;
	size_t nls;		/* its labels */
	struct slice run;	/* the label fields when one run of bytes, else n 0 */
	struct slice *ls;	/* the Label messages, once sdec_slices() found them */
	size_t ls_cap;
	int sliced;
};

/* A Label message of at most 8 bytes, its role and head field resolved
 * once (put_sample: most samples repeat a few labels, the thread's);
 * a table per input, by the label's bytes. */
struct lcache {
	uint64_t k;		/* the bytes (lkey) */
	uint64_t stamp;		/* the sample that used it last: not replaced then */
	struct out_kept text;	/* a string's field, in ftext */
	uint32_t n1;		/* the length + 1; 0: an empty slot */
	signed char role;
	unsigned char have;	/* the field has a value */
	unsigned char num;	/* a number: its digits in txt */
	unsigned char tlen;
	char txt[24];
};
#define LCACHE_BITS 8

/* A head field: text [p, p+n) as written, or (p NULL) the number num,
 * whose digits are written in place. */
struct idf {
	const char *p;
	size_t n;
	int64_t num;
};

/* The label fields of a sample when they are one run of 1 to RUN_MAX
 * bytes (sdec.run), with what they resolve to (put_sample): a thread's
 * samples repeat their labels whole. A table per input, by the bytes. */
#define RUN_MAX 128
struct rcache {
	size_t len;		/* 0: an empty slot */
	uint8_t b[RUN_MAX];
	size_t others;		/* labels of no head field */
	struct idf id[3];	/* the fields ("-", a number's digits in txt) */
	int is_kept[3];		/* or the field in ftext, kt */
	struct out_kept kt[3];
	char txt[3][24];
};
#define RCACHE_BITS 6

/* A profile's tables as read (decoded element by element by the wire
 * reader into arrays; p's arrays of pointers to them are made when the
 * input is read), its samples in a store (store_sample). */
struct tables {
	Profile p;		/* the tables; n_sample counts the stored samples */
	size_t com_cap;
	ValueType *st;
	Mapping *map;
	Location *loc;
	Function *fn;
	Perftools__Profiles__Line *line, **linep;
	size_t *loc_line;	/* per location: its first line in line */
	size_t st_cap, map_cap, loc_cap, loc_line_cap, fn_cap, n_line, line_cap;
	struct buf strs;	/* the strings, each with its NUL */
	size_t *str_off, str_cap;
};

/* An event's unit as declared by an earlier input (units must agree). */
struct unit {
	char *event, *unit;
};

struct pp {
	const char *time_label;
	int all_labels, no_labels;
	struct skips skips;
	struct unit *units;
	size_t nunits, units_cap;
	/* per input */
	const char *file;
	const Profile *p;
	struct tables t;
	struct store samples;
	struct sdec sd;
	struct lcache *lcache;			/* 1 << LCACHE_BITS */
	struct rcache *rcache;			/* 1 << RCACHE_BITS */
	int caches_on;				/* both emptied for this input */
	int64_t wlast;				/* the last weight written, */
	char wtxt[24];				/* its digits (wlen) */
	size_t wlen;
	uint64_t stamp;				/* samples put */
	size_t kept_max;			/* the longest frames kept in lc */
	struct buf raw;				/* one sample as stored */
	/* per location index: its frames as written, cached in frames */
	struct out_kept *lc;
	struct buf frames;
	/* head fields rendered once: per string (a pid, tid or comm label's
	 * value), per sample type (its event); len 0: an empty string */
	struct out_kept *sf, *ef;
	struct buf ftext;
	struct buf idtmp[3];			/* a label's field rendered anew */
	char num[3][24];			/* a numeric label's digits */
	unsigned char *role;			/* per string: label_role + 1, 0 unknown */
	int dense;				/* location i has id i + 1 */
	size_t *li, li_cap;			/* a sample's location indexes */
	struct u64map locs, funcs, maps;	/* id -> index */
	const char **events;			/* per sample type; NULL: skipped */
	uint64_t bad_strings, bad_locs, no_time;
};

/* String i of the table, "" (counted) when out of range. */
static const char *str(struct pp *pp, int64_t i)
{
	if (i >= 0 && (uint64_t)i < pp->p->n_string_table)
		return pp->p->string_table[i];
	pp->bad_strings++;
	return "";
}

static void index_ids(struct u64map *m, size_t n, const void *items, size_t off)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *msg = ((const char *const *)items)[i];
		uint64_t id;

		memcpy(&id, msg + off, sizeof id);
		u64map_add(m, id)->value = (int64_t)i;
	}
}

static const void *by_id(const struct u64map *m, const void *items, uint64_t id)
{
	const struct u64ent *e = id ? u64map_find(m, id) : NULL;

	return e ? ((const void *const *)items)[e->value] : NULL;
}

/* One E record per sample type; a type whose unit differs from the one an
 * earlier input gave its event is left out (events.md §3.2), reported. */
static void put_units(struct pp *pp)
{
	size_t i, j;

	pp->events = fp_calloc(pp->p->n_sample_type + 1, sizeof *pp->events);
	pp->ef = fp_calloc(pp->p->n_sample_type + 1, sizeof *pp->ef);
	for (i = 0; i < pp->p->n_sample_type; i++) {
		const char *ev = str(pp, pp->p->sample_type[i]->type);
		const char *unit = str(pp, pp->p->sample_type[i]->unit);

		if (!*unit)
			unit = "count";
		if (!*ev)
			ev = "value";
		for (j = 0; j < pp->nunits && strcmp(pp->units[j].event, ev) != 0; j++)
			;
		if (j < pp->nunits && strcmp(pp->units[j].unit, unit) != 0) {
			fp_warn("%s: sample type %s is in %s, an earlier input had it in %s: its values are skipped",
				pp->file, ev, unit, pp->units[j].unit);
			continue;
		}
		if (j == pp->nunits) {
			fp_grow(&pp->units, &pp->units_cap, pp->nunits + 1, sizeof *pp->units);
			pp->units[pp->nunits].event = fp_strndup(ev, strlen(ev));
			pp->units[pp->nunits++].unit = fp_strndup(unit, strlen(unit));
		}
		pp->events[i] = ev;
		pp->ef[i].off = pp->ftext.len;
		ev_buf_field(&pp->ftext, ev, strlen(ev));
		buf_reserve(&pp->ftext, SLACK);
		pp->ef[i].len = pp->ftext.len - pp->ef[i].off;
		ev_put_unit(ev_str(ev), unit);
	}
}

static void put_headers(struct pp *pp)
{
	const Profile *p = pp->p;
	size_t i;
	int64_t end;

	ev_put_input(pp->file);
	if (p->time_nanos)
		ev_put_header_time("start", p->time_nanos);
	if (p->time_nanos && p->duration_nanos > 0 &&
	    !__builtin_add_overflow(p->time_nanos, p->duration_nanos, &end))
		ev_put_header_time("end", end);
	for (i = 0; i < p->n_comment; i++) {
		ev_put_header("", ev_str(str(pp, p->comment[i])));	/* "# TEXT" */
	}
}

/* A label's value as text: the string, or the number (and its unit). */
static void label_value(struct pp *pp, const Label *l, char *b, size_t size, int unit)
{
	const char *u = l->num_unit ? str(pp, l->num_unit) : "";

	if (l->str) {
		const char *v = str(pp, l->str);
		size_t n = strlen(v);

		n = n < size ? n : size - 1;	/* as snprintf truncates */
		memcpy(b, v, n);
		b[n] = '\0';
	} else if (!unit || !*u) {
		char t[24], *e = t + sizeof t, *q = e;
		uint64_t m = l->num < 0 ? -(uint64_t)l->num : (uint64_t)l->num;

		do
			*--q = (char)('0' + m % 10);
		while ((m /= 10) != 0);
		if (l->num < 0)
			*--q = '-';
		memcpy(b, q, (size_t)(e - q));	/* at most 20 bytes: size is more */
		b[e - q] = '\0';
	} else {
		snprintf(b, size, "%" PRId64 " %s", l->num, u);
	}
}

static int is_key(const char *k, const char *a, const char *b)
{
	return strcmp(k, a) == 0 || (b && strcmp(k, b) == 0);
}

/* Labels that are the thread's identity go to PID, TID and COMM. */
enum { L_PID, L_TID, L_COMM, L_OTHER };

static int label_role_of(struct pp *pp, const Label *l)
{
	const char *k = str(pp, l->key);

	if (is_key(k, "pid", NULL))
		return L_PID;
	if (is_key(k, "tid", "thread id"))
		return L_TID;
	if (is_key(k, "thread name", NULL))
		return L_COMM;
	return L_OTHER;
}

/* The role, cached per key string (a key beyond the table: not cached,
 * so that it is counted in bad_strings every time, as before). */
static inline int label_role(struct pp *pp, const Label *l)
{
	if (l->key < 0 || (uint64_t)l->key >= pp->p->n_string_table)
		return label_role_of(pp, l);
	if (!pp->role[l->key])
		pp->role[l->key] = (unsigned char)(label_role_of(pp, l) + 1);
	return pp->role[l->key] - 1;
}

/* Nanoseconds per unit of a time label, 0 if the unit is not a time. */
static int64_t time_scale(const char *u)
{
	if (!*u || is_key(u, "nanoseconds", "ns"))
		return 1;
	if (is_key(u, "microseconds", "us"))
		return 1000;
	if (is_key(u, "milliseconds", "ms"))
		return 1000000;
	if (is_key(u, "seconds", "s"))
		return 1000000000;
	return 0;
}

/* The sample's time from the --time-label label, or EV_NONE. */
static int64_t sample_time(struct pp *pp, const Sample *s)
{
	size_t i;

	if (!pp->time_label)
		return EV_NONE;
	for (i = 0; i < s->n_label; i++) {
		const Label *l = s->label[i];
		int64_t scale, t;

		if (l->str || strcmp(str(pp, l->key), pp->time_label) != 0)
			continue;
		scale = time_scale(l->num_unit ? str(pp, l->num_unit) : "");
		if (scale && !__builtin_mul_overflow(l->num, scale, &t) && t != EV_NONE)
			return t;
	}
	pp->no_time++;
	return EV_NONE;
}

static void put_label_frames(struct pp *pp, const Sample *s)
{
	size_t i;
	char b[512];

	for (i = 0; i < s->n_label; i++) {
		const Label *l = s->label[i];
		const char *k = str(pp, l->key);

		if (label_role(pp, l) != L_OTHER || (!l->str && !pp->all_labels) ||
		    (pp->time_label && !l->str && strcmp(k, pp->time_label) == 0))
			continue;
		label_value(pp, l, b, sizeof b, 1);
		ev_put_escaped(k, strlen(k));
		out_putc('=');
		ev_put_escaped(b, strlen(b));
		out_puts("`label;");
	}
}

static void put_location(struct pp *pp, const Location *loc)
{
	const Mapping *m = by_id(&pp->maps, pp->p->mapping, loc->mapping_id);
	struct ev_frame_out f = { 0 };
	char addr[24], name[24];
	size_t k;

	if (m)
		f.dso = ev_str(str(pp, m->filename));
	if (loc->address) {
		snprintf(addr, sizeof addr, "%" PRIx64, loc->address);
		f.addr = ev_str(addr);
	}
	snprintf(name, sizeof name, "0x%" PRIx64, loc->address);
	if (m && f.dso.n > 8 && memcmp(f.dso.p, "[kernel.", 8) == 0)
		f.kind = EVK_KERNEL;
	if (loc->n_line == 0) {
		/* not symbolized: the address is the name (pprof's own view) */
		f.name = ev_str(loc->address ? name : "");
		ev_put_frame(&f);
		return;
	}
	/* line[0] is the innermost function, inlined into the next ones */
	for (k = loc->n_line; k-- > 0;) {
		const Perftools__Profiles__Line *ln = loc->line[k];
		const Function *fn = by_id(&pp->funcs, pp->p->function, ln->function_id);

		f.name = ev_str(fn ? str(pp, fn->name) : "");
		if (fn && !f.name.n)
			f.name = ev_str(str(pp, fn->system_name));
		if (!f.name.n && loc->address)
			f.name = ev_str(name);
		f.file = ev_str(fn ? str(pp, fn->filename) : "");
		f.line = ln->line;
		f.col = ln->column;
		f.kind = (f.kind & ~(unsigned)EVK_INLINED) | (k + 1 < loc->n_line ? EVK_INLINED : 0);
		ev_put_frame(&f);
		if (k)
			out_putc(';');
	}
}


/* The field of the role label l (PID, TID or COMM) into *f, as
 * label_value() and ev_put_field() write it, or (*kept set) kept in
 * pp->ftext, which may move until the sample's fields are all rendered;
 * 0 when its value is empty (then a later label of the role is used). */
static int id_field(struct pp *pp, const Label *l, int r, struct idf *f,
		    const struct out_kept **kept)
{
	char b[128];
	struct out_kept *k;

	if (l->num_unit < 0 || (uint64_t)l->num_unit >= pp->p->n_string_table ||
	    l->str < 0 || (uint64_t)l->str >= pp->p->n_string_table) {
		/* indexes beyond the table: counted in bad_strings each time */
		label_value(pp, l, b, sizeof b, 0);
		if (!*b)
			return 0;
		pp->idtmp[r].len = 0;
		ev_buf_field(&pp->idtmp[r], b, strlen(b));
		buf_reserve(&pp->idtmp[r], SLACK);
		*f = (struct idf){ pp->idtmp[r].p, pp->idtmp[r].len, 0 };
		return 1;
	}
	if (!l->str) {	/* a number: digits need no escape */
		*f = (struct idf){ NULL, 0, l->num };
		return 1;
	}
	k = &pp->sf[l->str];
	if (k->len == OUT_NOT_KEPT) {
		label_value(pp, l, b, sizeof b, 0);
		k->off = pp->ftext.len;
		if (*b)
			ev_buf_field(&pp->ftext, b, strlen(b));
		k->len = pp->ftext.len - k->off;
		buf_reserve(&pp->ftext, SLACK);
	}
	*kept = k;
	return k->len != 0;
}

/* The digits of v at o (room for 8 bytes past them); their end. */
static char *i64_at(char *o, int64_t v)
{
	if (v < 0) {
		*o++ = '-';
		return digits_put_wide(o, (uint64_t)0 - (uint64_t)v);
	}
	return digits_put_wide(o, (uint64_t)v);
}

/* f written at o (its text has SLACK bytes readable past it; o has room
 * for 8 bytes past the end, which is returned). */
static inline char *idf_at(char *o, const struct idf *f)
{
	if (!f->p)
		return i64_at(o, f->num);
	if (f->n <= 8) {	/* most fields: one word, not a memcpy call */
		memcpy(o, f->p, 8);
		return o + f->n;
	}
	memcpy(o, f->p, f->n);
	return o + f->n;
}

static void idf_put(const struct idf *f)
{
	if (f->p)
		out_write(f->p, f->n);
	else
		out_i64(f->num);
}

/* S TIME PID TID - COMM EVENT WEIGHT and a tab, the fields rendered (as
 * ev_put_head() writes them), in one piece when it fits the buffer. */
static void put_head(struct pp *pp, const struct idf *t, const struct idf id[3],
		     const struct idf *ev, int64_t w)
{
	/* numbers of at most 21 bytes, each with 8 more stored past it, the
	 * weight copied in 24 */
	char *o = out_reserve(id[0].n + id[1].n + id[2].n + ev->n + 5 * 32);

	if (!o) {
		out_puts("S\t");
		out_write(t->p, t->n);
		out_putc('\t');
		idf_put(&id[L_PID]);
		out_putc('\t');
		idf_put(&id[L_TID]);
		out_puts("\t-\t");
		idf_put(&id[L_COMM]);
		out_putc('\t');
		idf_put(ev);
		out_putc('\t');
		if (w == EV_NONE)
			out_putc('-');
		else
			out_i64(w);
		out_putc('\t');
		return;
	}
	*o++ = 'S';
	*o++ = '\t';
	memcpy(o, t->p, 24);	/* at most 21 bytes, 24 readable */
	o += t->n;
	*o++ = '\t';
	o = idf_at(o, &id[L_PID]);
	*o++ = '\t';
	o = idf_at(o, &id[L_TID]);
	memcpy(o, "\t-\t", 4);	/* the NUL is overwritten */
	o += 3;
	o = idf_at(o, &id[L_COMM]);
	*o++ = '\t';
	o = idf_at(o, ev);
	*o++ = '\t';
	if (w == EV_NONE) {
		*o++ = '-';
	} else {	/* weights repeat (a period, a count): their digits kept */
		if (w != pp->wlast || !pp->wlen) {
			pp->wlen = (size_t)(i64_at(pp->wtxt, w) - pp->wtxt);
			pp->wlast = w;
		}
		memcpy(o, pp->wtxt, sizeof pp->wtxt);
		o += pp->wlen;
	}
	*o++ = '\t';
	out_commit(o);
}

/* The n bytes at p written at o, 32 at a time: p has SLACK bytes
 * readable past them, o room for SLACK bytes past the end (returned). */
static inline char *copy_wide(char *o, const char *p, size_t n)
{
	char *end = o + n;

	for (;;) {
		memcpy(o, p, 32);
		if (n <= 32)
			return end;
		o += 32;
		p += 32;
		n -= 32;
	}
}

/* The stack of the sample's n locations, the table index of location i
 * li[i], or (li NULL, dense ids) lids[i] - 1; the '\n' after it. */
static void put_stack(struct pp *pp, const uint64_t *lids, const size_t *li, size_t n)
{
	size_t i = n, room = n * pp->kept_max + SLACK + 1;
	char *o = room < OUT_BUFSIZE / 2 ? out_reserve(room) : NULL;

	/* location_id[0] is the leaf; a location is kept with its ';' */
	if (o) {	/* those kept: copied in place, up to one that is not */
		const struct out_kept *lc = pp->lc;
		const char *text = pp->frames.p;

		for (; i > 0 && !li; i--) {
			const struct out_kept *k = &lc[lids[i - 1] - 1];

			if (k->len == OUT_NOT_KEPT)
				break;
			o = copy_wide(o, text + k->off, k->len);
		}
		for (; i > 0 && li; i--) {
			const struct out_kept *k = &lc[li[i - 1]];

			if (k->len == OUT_NOT_KEPT)
				break;
			o = copy_wide(o, text + k->off, k->len);
		}
		if (i == 0) {
			if (n)
				o--;	/* the last ';' */
			*o++ = '\n';
			out_commit(o);
			return;
		}
		out_commit(o);
	}
	while (i-- > 0) {
		size_t x = li ? li[i] : lids[i] - 1;
		struct out_kept *k = &pp->lc[x];
		uint64_t pos;

		if (k->len != OUT_NOT_KEPT) {
			out_write(pp->frames.p + k->off, k->len - (i == 0));
			continue;
		}
		pos = out_pos();
		put_location(pp, pp->p->location[x]);
		out_putc(';');
		out_keep(&pp->frames, k, pos);
		buf_reserve(&pp->frames, SLACK);
		if (k->len != OUT_NOT_KEPT && k->len > pp->kept_max)
			pp->kept_max = k->len;
		if (i == 0)
			fp_out.len--;	/* that ';': out_putc left it last in the buffer */
	}
	out_putc('\n');
}

static int label_decode(Label *l, const uint8_t *p, const uint8_t *end);
static int sdec_labels(struct sdec *d);
static void sdec_slices(struct sdec *d);

/* The Label message [p, p+n) (n <= 8) as a number: its two 4-byte ends,
 * which cover it (with n, they tell the bytes). */
static inline uint64_t lkey(const uint8_t *p, size_t n)
{
	uint32_t a, b;
	uint64_t k = 0;
	size_t i;

	if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return a | (uint64_t)b << 32;
	}
	for (i = 0; i < n; i++)
		k |= (uint64_t)p[i] << (8 * i);
	return k;
}

/* Fill the slot c for the label [p, p+n) (key k): c, or NULL when the
 * label is not cached (an index beyond the string table, counted each
 * time it is read). */
static const struct lcache *label_fill(struct pp *pp, struct lcache *c, const uint8_t *p,
				       size_t n, uint64_t k)
{
	uint64_t ns = pp->p->n_string_table;
	const struct out_kept *kept = NULL;
	struct idf f;
	Label l;
	int r;

	if (label_decode(&l, p, p + n) < 0 || (uint64_t)l.key >= ns ||
	    (uint64_t)l.str >= ns || (uint64_t)l.num_unit >= ns)
		return NULL;	/* (negative indexes are beyond it too) */
	r = label_role(pp, &l);
	c->k = k;
	c->n1 = (uint32_t)n + 1;
	c->stamp = pp->stamp;
	c->role = (signed char)r;
	c->have = c->num = 0;
	if (r == L_OTHER)
		return c;
	c->have = (unsigned char)id_field(pp, &l, r, &f, &kept);
	if (kept) {
		c->text = *kept;
	} else {	/* a number: its digits now */
		char *e = f.num < 0 ? (c->txt[0] = '-', c->txt + 1) : c->txt;

		e = digits_put(e, f.num < 0 ? (uint64_t)0 - (uint64_t)f.num : (uint64_t)f.num);
		c->tlen = (unsigned char)(e - c->txt);
		c->num = 1;
	}
	return c;
}

/* The cached role and field of the label [p, p+n), NULL when not cached. */
static inline const struct lcache *label_cached(struct pp *pp, const uint8_t *p, size_t n)
{
	uint64_t k;
	struct lcache *c;

	if (n > 8)
		return NULL;
	k = lkey(p, n);
	c = &pp->lcache[((k ^ n) * 0x9e3779b97f4a7c15ULL) >> (64 - LCACHE_BITS)];
	if (c->k == k && c->n1 == n + 1) {
		c->stamp = pp->stamp;
		return c;
	}
	if (c->stamp == pp->stamp)	/* this sample's fields point into it */
		return NULL;
	return label_fill(pp, c, p, n, k);
}

/* The label caches emptied for an input: when its first sample with
 * labels is put (a profile without labels pays nothing for them). */
static void caches_reset(struct pp *pp)
{
	if (!pp->lcache) {
		pp->lcache = fp_malloc(sizeof *pp->lcache << LCACHE_BITS);
		pp->rcache = fp_malloc(sizeof *pp->rcache << RCACHE_BITS);
	}
	memset(pp->lcache, 0, sizeof *pp->lcache << LCACHE_BITS);
	memset(pp->rcache, 0, sizeof *pp->rcache << RCACHE_BITS);
	pp->stamp = 0;
	pp->caches_on = 1;
}

/* The bytes [p, p+n) (8 <= n) as 8-byte words at 0, 8, ... and n - 8
 * (together they cover them): what run_hash() and run_same() read. */
static inline uint64_t run_word(const uint8_t *p, size_t n, size_t i)
{
	uint64_t w;

	memcpy(&w, p + (i + 8 <= n ? i : n - 8), 8);
	return w;
}

/* The run r's slot in the table: *slot, and it when it holds r (r.n 0,
 * beyond RUN_MAX or under 8 bytes: NULL, *slot NULL). */
static inline const struct rcache *run_cached(struct pp *pp, const struct slice *r,
					      struct rcache **slot)
{
	const uint8_t *p = (const uint8_t *)r->p;
	uint64_t h = r->n;
	size_t i;
	struct rcache *c;

	*slot = NULL;
	if (r->n == 0 || r->n > RUN_MAX)
		return NULL;
	if (r->n <= 8) {	/* one label, or two short ones */
		uint64_t k = lkey(p, r->n);

		c = &pp->rcache[((h ^ k) * 0x9e3779b97f4a7c15ULL) >> (64 - RCACHE_BITS)];
		*slot = c;
		return c->len == r->n && lkey(c->b, r->n) == k ? c : NULL;
	}
	for (i = 0; i < r->n; i += 8)
		h = (h ^ run_word(p, r->n, i)) * 0x9e3779b97f4a7c15ULL;
	c = &pp->rcache[h >> (64 - RCACHE_BITS)];
	*slot = c;
	if (c->len != r->n)
		return NULL;
	for (i = 0; i < r->n; i += 8)
		if (run_word(p, r->n, i) != run_word(c->b, r->n, i))
			return NULL;
	return c;
}

/* A sample's records, or 0 when it refers to a location that is not there. */
static int put_sample(struct pp *pp, struct sdec *d, int64_t t)
{
	static const char dash[32] = "-";
	const Sample *s = &d->s;
	struct idf id[3] = { { dash, 1, 0 }, { dash, 1, 0 }, { dash, 1, 0 } }, tf = { dash, 1, 0 };
	char tt[40];
	struct out_kept kt[3] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
	int have[3] = { 0 }, is_kept[3] = { 0 };
	size_t i, v, n = s->n_location_id, others = 0, *li = NULL;
	const struct rcache *rc;
	struct rcache *slot;

	/* dense: location i has id i + 1, no lookup (the common case) */
	if (pp->dense) {
		uint64_t nd = pp->p->n_location;

		for (i = 0; i < n && s->location_id[i] - 1 < nd; i++)
			;
	}
	if (!pp->dense || i < n) {	/* their indexes in pp->li */
		GROW(&pp->li, &pp->li_cap, n + 1, sizeof *pp->li);
		for (i = 0; i < n; i++) {
			uint64_t lid = s->location_id[i];
			const struct u64ent *e;

			if (pp->dense && lid - 1 < pp->p->n_location) {
				pp->li[i] = (size_t)(lid - 1);
				continue;
			}
			if (!(e = lid ? u64map_find(&pp->locs, lid) : NULL))
				return 0;
			pp->li[i] = (size_t)e->value;
		}
		li = pp->li;
	}
	if (t != EV_NONE) {	/* the time's digits, once for the sample's records */
		char *e = tt;

		if (t < 0)
			*e++ = '-';
		e = digits_put_time_wide(e, t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t);
		tf = (struct idf){ tt, (size_t)(e - tt), 0 };
	}
	if (d->nls && !pp->caches_on)
		caches_reset(pp);
	pp->stamp++;
	if ((rc = run_cached(pp, &d->run, &slot)) != NULL) {
		others = rc->others;
		memcpy(id, rc->id, sizeof id);
		memcpy(is_kept, rc->is_kept, sizeof is_kept);
		memcpy(kt, rc->kt, sizeof kt);
	} else if (d->nls) {
		int cached = 1;

		sdec_slices(d);
		for (i = 0; i < d->nls; i++) {
			const uint8_t *p = (const uint8_t *)d->ls[i].p;
			const struct lcache *c = label_cached(pp, p, d->ls[i].n);
			const struct out_kept *kept = NULL;
			struct idf f;
			Label l;
			int r;

			if (c) {
				r = c->role;
				if (r == L_OTHER) {
					others++;
				} else if (!have[r] && c->have) {
					have[r] = 1;
					if (c->num)
						id[r] = (struct idf){ c->txt, c->tlen, 0 };
					else
						kt[r] = c->text, is_kept[r] = 1;
				}
				continue;
			}
			cached = 0;
			if (label_decode(&l, p, p + d->ls[i].n) < 0)
				fp_die("internal error: stored label undecodable");
			r = label_role(pp, &l);
			if (r == L_OTHER) {
				others++;
			} else if (!have[r] && (have[r] = id_field(pp, &l, r, &f, &kept)) != 0) {
				if (kept)
					kt[r] = *kept, is_kept[r] = 1;
				else
					id[r] = f;
			}
		}
		if (slot && cached) {	/* what the run resolves to, for its next samples */
			slot->len = d->run.n;
			memcpy(slot->b, d->run.p, d->run.n);
			slot->others = others;
			memcpy(slot->is_kept, is_kept, sizeof is_kept);
			memcpy(slot->kt, kt, sizeof kt);
			for (i = 0; i < 3; i++) {
				slot->id[i] = id[i];
				if (have[i] && !is_kept[i]) {	/* a number: its digits */
					memcpy(slot->txt[i], id[i].p, id[i].n);
					slot->id[i].p = slot->txt[i];
				}
			}
		}
	}
	if (is_kept[L_PID])	/* now that ftext no longer moves */
		id[L_PID] = (struct idf){ pp->ftext.p + kt[L_PID].off, kt[L_PID].len, 0 };
	if (is_kept[L_TID])
		id[L_TID] = (struct idf){ pp->ftext.p + kt[L_TID].off, kt[L_TID].len, 0 };
	if (is_kept[L_COMM])
		id[L_COMM] = (struct idf){ pp->ftext.p + kt[L_COMM].off, kt[L_COMM].len, 0 };
	if (others && !pp->no_labels && sdec_labels(d) < 0)
		fp_die("internal error: stored label undecodable");
	for (v = 0; v < s->n_value; v++) {	/* as many as sample types */
		if (s->value[v] == 0 || !pp->events[v])
			continue;
		put_head(pp, &tf, id, &(struct idf){ pp->ftext.p + pp->ef[v].off, pp->ef[v].len, 0 },
			 s->value[v]);
		if (others && !pp->no_labels)
			put_label_frames(pp, s);
		put_stack(pp, s->location_id, li, n);
	}
	return 1;
}

/* A field of a message being decoded (kept in registers, unlike a
 * struct pbw_field passed to pbw_next). */
struct fld {
	unsigned num, wt;
	const uint8_t *p;	/* PBW_LEN: the bytes */
	size_t n;
	uint64_t v;		/* the others: the value */
};

/* next_field() past its common case. */
static const uint8_t *next_field_slow(const uint8_t *p, const uint8_t *end, struct fld *f)
{
	struct pbw r;
	struct pbw_field g = { 0 };

	pbw_init(&r, p, (size_t)(end - p));
	if (pbw_next(&r, &g) <= 0)
		return NULL;
	*f = (struct fld){ g.num, (unsigned)g.wt, g.p, g.n, g.v };
	return r.p;
}

/* The field at p (before end) into *f: its end, or NULL if malformed
 * (pbw_next's reading). Inline: a one-byte tag of a varint field or a
 * length-delimited one, the value or the length one byte. */
static inline const uint8_t *next_field(const uint8_t *p, const uint8_t *end, struct fld *f)
{
	if (end - p >= 2 && (p[0] | p[1]) < 0x80 && p[0] >= 8) {
		f->num = p[0] >> 3;
		f->wt = p[0] & 7;
		if (f->wt == PBW_LEN && p[1] <= end - p - 2) {
			f->p = p + 2;
			f->n = p[1];
			return p + 2 + p[1];
		}
		if (f->wt == PBW_VARINT) {
			f->v = p[1];
			return p + 2;
		}
	}
	return next_field_slow(p, end, f);
}

/* The Label message [p, end) into l: 0, or -1 if malformed. */
static int label_decode(Label *l, const uint8_t *p, const uint8_t *end)
{
	struct fld g;
	int64_t v[5] = { 0 };	/* fields 1 to 4: key, str, num, num_unit */

	while (p < end) {
		/* the common case: one-byte tags of varint fields 1 to 4, one-byte values */
		if (end - p >= 2 && p[1] < 0x80 && ((unsigned)(p[0] - 8) & ~0x18u) == 0) {
			v[p[0] >> 3] = p[1];
			p += 2;
			continue;
		}
		if (!(p = next_field(p, end, &g)))
			return -1;
		if (g.num >= 1 && g.num <= 4) {
			if (g.wt != PBW_VARINT)
				return -1;
			v[g.num] = (int64_t)g.v;
		}
	}
	l->key = v[1];
	l->str = v[2];
	l->num = v[3];
	l->num_unit = v[4];
	return 0;
}

/* A varint at *p (before end): 0 with *v set and *p advanced, -1 if
 * unterminated. */
static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	struct pbw r;

	pbw_init(&r, *p, (size_t)(end - *p));
	if (pbw_varint(&r, v) < 0)
		return -1;
	*p = r.p;
	return 0;
}

/* Packed values [p, end) of a field 1 or 2 of a Sample appended to *a
 * (n of them, cap *cap): 0, or -1 if a varint is unterminated. */
static int packed_decode(uint64_t **a, size_t *n, size_t *cap, const uint8_t *p,
			 const uint8_t *end)
{
	uint64_t *o;

	if (p == end)	/* empty: *a may still be NULL */
		return 0;
	/* room for every element at once: a varint is 1 byte at least */
	GROW(a, cap, *n + (size_t)(end - p), sizeof **a);
	o = *a + *n;
	while (p < end) {
		if (*p < 0x80) {
			*o++ = *p++;
		} else if (end - p >= 2 && p[1] < 0x80) {
			*o++ = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
			p += 2;
		} else if (get_varint(&p, end, o++) < 0) {
			return -1;
		}
	}
	*n = (size_t)(o - *a);
	return 0;
}

/* Whether p starts a length-delimited field whose tag and length take a
 * byte each, the bytes within end (the common case of every field of a
 * Sample): its bytes are [p + 2, p + 2 + p[1]). */
static inline int short_len(const uint8_t *p, const uint8_t *end)
{
	/* p[0] < 0x80, p[1] < 0x80, p[0] & 7 == PBW_LEN at once; p[0] >= 8 */
	return end - p >= 2 && ((p[0] | p[1] << 8) & 0x8087) == PBW_LEN && p[0] >= 8 &&
		p[1] <= end - p - 2;
}

/* Decode the Sample message [p, p+n) into d->s: 0, or -1 if malformed
 * (what protobuf-c refuses: wrong wire types for known fields). */
static int sample_decode(struct sdec *d, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n, *rs = NULL, *re = NULL;
	struct fld f;
	size_t nls = 0;
	int run = 1;

	d->msg = p;
	d->msg_n = n;
	d->sliced = 0;
	d->s.n_location_id = d->s.n_value = 0;
	d->s.label = NULL;
	d->s.n_label = 0;
	while (p < end) {
		const uint8_t *q, *fs = p;
		unsigned num;
		size_t len;

		if (short_len(p, end)) {
			num = p[0] >> 3;
			q = p + 2;
			len = p[1];
			p = q + len;
		} else {
			if (!(p = next_field_slow(p, end, &f)))
				return -1;
			num = f.num;
			if (num == 0 || num > 3)
				continue;
			if (f.wt == PBW_VARINT && num != 3) {	/* a value not packed */
				uint64_t **a = num == 1 ? &d->s.location_id : (uint64_t **)&d->s.value;
				size_t *na = num == 1 ? &d->s.n_location_id : &d->s.n_value;

				GROW(a, num == 1 ? &d->loc_cap : &d->val_cap, *na + 1, sizeof **a);
				(*a)[(*na)++] = f.v;
				continue;
			}
			if (f.wt != PBW_LEN)
				return -1;
			q = f.p;
			len = f.n;
		}
		if (num == 3) {	/* label: found again and decoded when needed */
			nls++;
			if (!rs)	/* the run: the bytes of the label fields */
				rs = fs;
			else if (fs != re)
				run = 0;
			re = p;
		} else if (num == 1 || num == 2) {	/* location_id, value: packed */
			if (packed_decode(num == 1 ? &d->s.location_id : (uint64_t **)&d->s.value,
					  num == 1 ? &d->s.n_location_id : &d->s.n_value,
					  num == 1 ? &d->loc_cap : &d->val_cap, q, q + len) < 0)
				return -1;
		}
	}
	d->nls = nls;
	d->run = (struct slice){ (const char *)rs, run && rs ? (size_t)(re - rs) : 0 };
	return 0;
}

/* The sample's Label messages into d->ls (sample_decode() counted them). */
static void sdec_slices(struct sdec *d)
{
	const uint8_t *p = d->msg, *end = d->msg + d->msg_n;
	struct fld f;
	size_t nls = 0;

	if (d->sliced)
		return;
	GROW(&d->ls, &d->ls_cap, d->nls + 1, sizeof *d->ls);
	while (p < end && nls < d->nls) {
		if (short_len(p, end)) {
			if (p[0] == (3 << 3 | PBW_LEN))
				d->ls[nls++] = (struct slice){ (const char *)p + 2, p[1] };
			p += 2 + p[1];
		} else if ((p = next_field_slow(p, end, &f)) == NULL) {
			break;	/* (decoded before: not reached) */
		} else if (f.num == 3 && f.wt == PBW_LEN) {
			d->ls[nls++] = (struct slice){ (const char *)f.p, f.n };
		}
	}
	if (nls != d->nls)
		fp_die("internal error: stored labels not found again");
	d->sliced = 1;
}

/* The sample's labels decoded into d->s.label (they were checked: 0, or
 * -1 if one is malformed all the same). */
static int sdec_labels(struct sdec *d)
{
	size_t i;

	if (d->s.n_label == d->nls && d->s.label)
		return 0;
	sdec_slices(d);
	GROW(&d->lab, &d->lab_cap, d->nls + 1, sizeof *d->lab);
	for (i = 0; i < d->nls; i++) {
		const uint8_t *p = (const uint8_t *)d->ls[i].p;

		if (label_decode(&d->lab[i], p, p + d->ls[i].n) < 0)
			return -1;
	}
	if (d->labp_cap < d->lab_cap || d->labp_for != d->lab) {
		d->labp = fp_realloc(d->labp, d->lab_cap * sizeof *d->labp);
		d->labp_cap = d->lab_cap;
		d->labp_for = d->lab;
		for (i = 0; i < d->lab_cap; i++)
			d->labp[i] = &d->lab[i];
	}
	d->s.label = d->labp;
	d->s.n_label = d->nls;
	return 0;
}

static void sdec_free(struct sdec *d)
{
	free(d->s.location_id);
	free(d->s.value);
	free(d->lab);
	free(d->labp);
	free(d->ls);
	memset(d, 0, sizeof *d);
}

/* Whether the varints [p, end) of a packed field all end, each within 10
 * bytes: what values_decode() accepts. */
static int packed_ok(const uint8_t *p, const uint8_t *end)
{
	unsigned run = 0;

	if (end - p < 10)	/* no room for 10 bytes of one varint */
		return p == end || end[-1] < 0x80;
	for (; p < end; p++) {
		if (*p < 0x80)
			run = 0;
		else if (++run == 10)
			return 0;
	}
	return run == 0;
}

/* Whether the Label message [p, end) is one label_decode() accepts. */
static int label_ok_slow(const uint8_t *p, const uint8_t *end)
{
	struct fld g;

	while (p < end) {
		if (end - p >= 2 && p[1] < 0x80 && ((unsigned)(p[0] - 8) & ~0x18u) == 0) {
			p += 2;
			continue;
		}
		if (!(p = next_field(p, end, &g)) || (g.num >= 1 && g.num <= 4 && g.wt != PBW_VARINT))
			return 0;
	}
	return 1;
}

/* Whether the two bytes at the low end of w are a one-byte tag of a
 * varint field 1 to 4 and a one-byte value. */
static inline int label_pair_ok(uint32_t w)
{
	return (w & 0x8000) == 0 && (((w & 0xff) - 8) & ~0x18u) == 0;
}

/* Whether the Label message [p, end) is one label_decode() accepts. The
 * common case at once: two such fields (key and str, or key and num). */
static inline int label_ok(const uint8_t *p, const uint8_t *end)
{
	uint32_t w;

	if (end - p == 4) {
		memcpy(&w, p, 4);
		if (label_pair_ok(w) && label_pair_ok(w >> 16))
			return 1;
	}
	return label_ok_slow(p, end);
}

/* Whether the Sample message [p, p+n) is one sample_decode() accepts,
 * without decoding it (the reading pass only checks a sample: it is
 * decoded when converted). */
static int sample_ok(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	struct fld f;

	while (p < end) {
		const uint8_t *q;
		unsigned num;
		size_t len;

		if (short_len(p, end)) {
			num = p[0] >> 3;
			q = p + 2;
			len = p[1];
			p = q + len;
		} else {
			if (!(p = next_field_slow(p, end, &f)))
				return 0;
			num = f.num;
			if (num == 0 || num > 3 || (f.wt == PBW_VARINT && num != 3))
				continue;
			if (f.wt != PBW_LEN)
				return 0;
			q = f.p;
			len = f.n;
		}
		if (num == 3) {
			if (!label_ok(q, q + len))
				return 0;
		} else if (num == 1 || num == 2) {
			if (!packed_ok(q, q + len))
				return 0;
		}
	}
	return 1;
}

/* A sample as stored: its message as read (checked by sample_ok, so
 * sample_decode takes it), after its length as a varint. */
static void store_sample(struct pp *pp, const uint8_t *p, size_t n)
{
	uint8_t h[10];
	size_t k = 0;
	uint64_t v = n;

	for (; v >= 0x80; v >>= 7)
		h[k++] = (uint8_t)(v | 0x80);
	h[k++] = (uint8_t)v;
	store_add(&pp->samples, h, k);
	store_add(&pp->samples, p, n);
}

/* stored_bytes() past the bytes in place: copied into pp->raw. */
static const uint8_t *stored_copy(struct pp *pp, struct store_rd *rd, uint64_t off, size_t n)
{
	int ok;

	pp->raw.len = 0;
	buf_reserve(&pp->raw, n + 1);
	ok = rd ? store_get(rd, pp->raw.p, n) : store_pread(&pp->samples, off, pp->raw.p, n) == 0;
	if (!ok)
		fp_die("internal error: sample beyond the store");
	return (const uint8_t *)pp->raw.p;
}

/* The n stored bytes at off: in place when the store is in memory or the
 * reader rd has them buffered, else copied into pp->raw through rd (in
 * order) or (rd NULL) from off. */
static inline const uint8_t *stored_bytes(struct pp *pp, struct store_rd *rd, uint64_t off,
					  size_t n)
{
	const uint8_t *p = store_at(&pp->samples, off, n);

	if (p || (rd && (p = store_peek(rd, n)) != NULL))
		return p;
	return stored_copy(pp, rd, off, n);
}

/* The stored sample at *off (advanced past it), decoded into pp->sd:
 * read in order through rd or (rd NULL) at *off. */
static struct sdec *stored_sample(struct pp *pp, struct store_rd *rd, uint64_t *off)
{
	const uint8_t *p;
	uint64_t n = 0;
	unsigned shift = 0;

	do {	/* the length, as store_sample wrote it */
		p = stored_bytes(pp, rd, (*off)++, 1);
		n |= (uint64_t)(*p & 0x7f) << shift;
		shift += 7;
	} while ((*p & 0x80) && shift < 64);
	if (n > SIZE_MAX - 1)
		fp_die("internal error: sample beyond the store");
	p = stored_bytes(pp, rd, *off, (size_t)n);
	if (sample_decode(&pp->sd, p, (size_t)n) < 0)
		fp_die("internal error: stored sample undecodable");
	*off += n;
	return &pp->sd;
}

/* The stored sample's labels decoded too (sample_time). */
static const Sample *with_labels(struct sdec *d)
{
	if (sdec_labels(d) < 0)
		fp_die("internal error: stored label undecodable");
	return &d->s;
}

/* The sample (position i in the file) at t, or skipped. */
static void convert_sample(struct pp *pp, struct sdec *d, size_t i, int64_t t)
{
	const Sample *s = &d->s;
	char why[96];
	/* messages say FILE:N: with N the sample's position in the file */

	if (s->n_value != pp->p->n_sample_type) {
		snprintf(why, sizeof why, "sample has %zu values for %zu sample types",
			 s->n_value, pp->p->n_sample_type);
		skip_record(&pp->skips, pp->file, i + 1, why);
	} else if (!put_sample(pp, d, t)) {
		skip_record(&pp->skips, pp->file, i + 1,
			    "sample refers to a location that is not in the profile");
	}
}

struct timed {
	int64_t t;
	size_t i;
	uint64_t off;		/* in pp->samples */
};

static int by_time(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	/* untimed first (EV_NONE is INT64_MIN), then by time, then file order */
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The stored samples: in file order, or (-t) in time order, which takes
 * 24 bytes per sample and a second decoding of each. */
static void put_samples(struct pp *pp)
{
	size_t n = pp->p->n_sample, i;
	uint64_t off = 0;
	struct timed *order;
	struct store_rd *rd = fp_malloc(sizeof *rd);

	store_rd_init(rd, &pp->samples, 0, pp->samples.len);
	if (!pp->time_label) {
		for (i = 0; i < n; i++)
			convert_sample(pp, stored_sample(pp, rd, &off), i, EV_NONE);
		free(rd);
		return;
	}
	order = fp_malloc((n + 1) * sizeof *order);
	for (i = 0; i < n; i++) {
		order[i].off = off;
		order[i].t = sample_time(pp, with_labels(stored_sample(pp, rd, &off)));
		order[i].i = i;
	}
	free(rd);
	qsort(order, n, sizeof *order, by_time);
	for (i = 0; i < n; i++) {	/* in time order: one pread per sample in the file */
		off = order[i].off;
		convert_sample(pp, stored_sample(pp, NULL, &off), order[i].i, order[i].t);
	}
	free(order);
}

/* Formats that circulate as "pprof" but are not profile.proto. */
static const char *legacy(const char *d, size_t n)
{
	static const char zeros[8] = { 0 };

	if (n >= 8 && memcmp(d, zeros, 8) == 0)
		return "this looks like a legacy gperftools CPU profile: not supported (pprof -proto FILE converts it)";
	if ((n >= 13 && memcmp(d, "heap profile:", 13) == 0) || (n >= 4 && memcmp(d, "--- ", 4) == 0))
		return "this looks like a legacy text profile: not supported (pprof -proto FILE converts it)";
	return NULL;
}

/* The fields of a table message [p, p+n): varint field k (1 to nf) into
 * v[k]; field sub (0: none) a message, each passed to add_sub. A known
 * field of another wire type is refused, as protobuf-c refuses it, except
 * the bool fields (bit k of bools): protobuf-c takes them in any wire
 * type (as unknown fields are), v[k] is then 1. Others are skipped. 0, or
 * -1 if malformed. */
static int table_msg(const uint8_t *p, size_t n, uint64_t *v, unsigned nf, unsigned sub,
		     unsigned bools,
		     int (*add_sub)(struct tables *t, const uint8_t *p, size_t n), struct tables *t)
{
	struct pbw r;
	struct pbw_field f;
	int k;

	memset(v, 0, (nf + 1) * sizeof *v);
	pbw_init(&r, p, n);
	while ((k = pbw_next_pbc(&r, &f)) > 0) {
		if (f.num == 0 || f.num > nf)
			continue;	/* unknown (0: a tag of 0 in more than one byte) */
		if (f.num == sub) {
			if (f.wt != PBW_LEN || add_sub(t, f.p, f.n) < 0)
				return -1;
		} else if (f.wt != PBW_VARINT && (bools >> f.num & 1)) {
			v[f.num] = 1;	/* not used */
		} else if (f.wt != PBW_VARINT) {
			return -1;
		} else {
			v[f.num] = f.v;
		}
	}
	return k;
}

/* A new element, zeroed, at the end of the table *items of *n elements
 * (room for *cap): *n grows by one. */
static void *table_append(void *items, size_t *cap, size_t *n, size_t size)
{
	char *e;

	GROW(items, cap, *n + 1, size);
	e = *(char **)items + *n * size;
	memset(e, 0, size);
	++*n;
	return e;
}

static int add_value_type(struct tables *t, const struct pbw_field *f, int keep)
{
	uint64_t v[3];
	ValueType *o;

	if (f->wt != PBW_LEN || table_msg(f->p, f->n, v, 2, 0, 0, NULL, t) < 0)
		return -1;
	if (!keep)
		return 0;
	o = table_append(&t->st, &t->st_cap, &t->p.n_sample_type, sizeof *o);
	o->type = (int64_t)v[1];
	o->unit = (int64_t)v[2];
	return 0;
}

static int add_mapping(struct tables *t, const struct pbw_field *f)
{
	uint64_t v[11];
	Mapping *o;

	if (f->wt != PBW_LEN || table_msg(f->p, f->n, v, 10, 0, 0x780, NULL, t) < 0)
		return -1;
	o = table_append(&t->map, &t->map_cap, &t->p.n_mapping, sizeof *o);
	o->id = v[1];
	o->memory_start = v[2];
	o->memory_limit = v[3];
	o->file_offset = v[4];
	o->filename = (int64_t)v[5];
	o->build_id = (int64_t)v[6];
	o->has_functions = v[7] != 0;
	o->has_filenames = v[8] != 0;
	o->has_line_numbers = v[9] != 0;
	o->has_inline_frames = v[10] != 0;
	return 0;
}

static int add_line(struct tables *t, const uint8_t *p, size_t n)
{
	uint64_t v[4];
	Perftools__Profiles__Line *o;

	if (table_msg(p, n, v, 3, 0, 0, NULL, t) < 0)
		return -1;
	o = table_append(&t->line, &t->line_cap, &t->n_line, sizeof *o);
	o->function_id = v[1];
	o->line = (int64_t)v[2];
	o->column = (int64_t)v[3];
	return 0;
}

static int add_location(struct tables *t, const struct pbw_field *f)
{
	uint64_t v[6];
	size_t first = t->n_line;
	Location *o;

	if (f->wt != PBW_LEN || table_msg(f->p, f->n, v, 5, 4, 0x20, add_line, t) < 0)
		return -1;
	GROW(&t->loc_line, &t->loc_line_cap, t->p.n_location + 1, sizeof *t->loc_line);
	t->loc_line[t->p.n_location] = first;
	o = table_append(&t->loc, &t->loc_cap, &t->p.n_location, sizeof *o);
	o->id = v[1];
	o->mapping_id = v[2];
	o->address = v[3];
	o->n_line = t->n_line - first;
	o->is_folded = v[5] != 0;
	return 0;
}

static int add_function(struct tables *t, const struct pbw_field *f)
{
	uint64_t v[6];
	Function *o;

	if (f->wt != PBW_LEN || table_msg(f->p, f->n, v, 5, 0, 0, NULL, t) < 0)
		return -1;
	o = table_append(&t->fn, &t->fn_cap, &t->p.n_function, sizeof *o);
	o->id = v[1];
	o->name = (int64_t)v[2];
	o->system_name = (int64_t)v[3];
	o->filename = (int64_t)v[4];
	o->start_line = (int64_t)v[5];
	return 0;
}

/* p's arrays of pointers to the table elements (they no longer move). */
static void *pointers(void *items, size_t n, size_t size)
{
	void **a = fp_malloc((n + 1) * sizeof *a);
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = (char *)items + i * size;
	return a;
}

static void link_tables(struct tables *t)
{
	Profile *p = &t->p;
	size_t i;

	p->sample_type = pointers(t->st, p->n_sample_type, sizeof *t->st);
	p->mapping = pointers(t->map, p->n_mapping, sizeof *t->map);
	p->location = pointers(t->loc, p->n_location, sizeof *t->loc);
	p->function = pointers(t->fn, p->n_function, sizeof *t->fn);
	t->linep = pointers(t->line, t->n_line, sizeof *t->line);
	for (i = 0; i < p->n_location; i++)
		t->loc[i].line = t->linep + t->loc_line[i];
}

static int add_comment(struct tables *t, int64_t v)
{
	GROW(&t->p.comment, &t->com_cap, t->p.n_comment + 1, sizeof *t->p.comment);
	t->p.comment[t->p.n_comment++] = v;
	return 0;
}

/* One top-level field of the Profile: 0, or -1 if malformed. */
static int add_field(struct pp *pp, const struct pbw_field *f)
{
	struct tables *t = &pp->t;
	Profile *p = &t->p;
	struct pbw r;
	uint64_t v;

	switch (f->num) {
	case 1:
		return add_value_type(t, f, 1);
	case 2:		/* samples come first: kept decoded, converted after the tables */
		if (f->wt != PBW_LEN || !sample_ok(f->p, f->n))
			return -1;
		store_sample(pp, f->p, f->n);
		p->n_sample++;
		return 0;
	case 3:
		return add_mapping(t, f);
	case 4:
		return add_location(t, f);
	case 5:
		return add_function(t, f);
	case 6:
		if (f->wt != PBW_LEN)
			return -1;
		GROW(&t->str_off, &t->str_cap, p->n_string_table + 1, sizeof *t->str_off);
		t->str_off[p->n_string_table++] = t->strs.len;
		buf_add(&t->strs, f->p, f->n);
		buf_addc(&t->strs, '\0');
		return 0;
	case 11:	/* period_type: checked, not used */
		return add_value_type(t, f, 0);
	case 13:	/* comment: plain or packed */
		if (f->wt == PBW_VARINT)
			return add_comment(t, (int64_t)f->v);
		if (f->wt != PBW_LEN)
			return -1;
		pbw_init(&r, f->p, f->n);
		while (r.p < r.end)
			if (pbw_varint(&r, &v) < 0 || add_comment(t, (int64_t)v) < 0)
				return -1;
		return 0;
	case 7: case 8: case 9: case 10: case 12: case 14: case 15:
		if (f->wt != PBW_VARINT)
			return -1;
		if (f->num == 9)
			p->time_nanos = (int64_t)f->v;
		else if (f->num == 10)
			p->duration_nanos = (int64_t)f->v;
		return 0;
	default:	/* unknown fields are skipped */
		return 0;
	}
}

/* Read the Profile from in, field by field: 0, -1 if malformed or
 * truncated, -2 on a read error (reported). */
static int read_profile(struct pp *pp, struct input *in)
{
	struct tables *t = &pp->t;
	struct pbw_stream st;
	struct pbw_field f;
	size_t i;
	int r;

	pbw_stream_init(&st, in);
	while ((r = pbw_stream_next(&st, &f)) > 0)
		if (add_field(pp, &f) < 0) {
			r = -1;
			break;
		}
	pbw_stream_free(&st);
	link_tables(t);
	t->p.string_table = fp_malloc((t->p.n_string_table + 1) * sizeof *t->p.string_table);
	for (i = 0; i < t->p.n_string_table; i++)
		t->p.string_table[i] = t->strs.p + t->str_off[i];
	return r;
}

static void tables_free(struct tables *t)
{
	free(t->p.sample_type);
	free(t->p.mapping);
	free(t->p.location);
	free(t->p.function);
	free(t->st);
	free(t->map);
	free(t->loc);
	free(t->loc_line);
	free(t->fn);
	free(t->line);
	free(t->linep);
	free(t->p.comment);
	free(t->p.string_table);
	free(t->str_off);
	buf_free(&t->strs);
	memset(t, 0, sizeof *t);
}

static void convert_profile(struct pp *pp)
{
	const Profile *p = &pp->t.p;
	size_t i;

	pp->p = p;
	pp->bad_strings = pp->no_time = 0;

	index_ids(&pp->locs, p->n_location, p->location, offsetof(Location, id));
	index_ids(&pp->funcs, p->n_function, p->function, offsetof(Function, id));
	index_ids(&pp->maps, p->n_mapping, p->mapping, offsetof(Mapping, id));
	pp->lc = fp_malloc((p->n_location + 1) * sizeof *pp->lc);
	pp->dense = 1;
	for (i = 0; i < p->n_location; i++) {
		pp->lc[i].len = OUT_NOT_KEPT;
		pp->dense &= p->location[i]->id == i + 1;
	}
	pp->role = fp_calloc(p->n_string_table + 1, 1);
	pp->sf = fp_malloc((p->n_string_table + 1) * sizeof *pp->sf);
	for (i = 0; i < p->n_string_table; i++)
		pp->sf[i].len = OUT_NOT_KEPT;
	pp->ftext.len = 0;
	pp->frames.len = 0;
	pp->kept_max = 0;
	pp->caches_on = 0;
	put_headers(pp);
	put_units(pp);
	put_samples(pp);
	if (pp->bad_strings)
		fp_warn("%s: %" PRIu64 " string indexes beyond the string table (read as \"\")",
			pp->file, pp->bad_strings);
	if (pp->no_time)
		fp_warn("%s: %" PRIu64 " samples have no numeric %s label: written untimed",
			pp->file, pp->no_time, pp->time_label);
	u64map_free(&pp->locs);
	u64map_free(&pp->funcs);
	u64map_free(&pp->maps);
	free(pp->events);
	pp->events = NULL;
	free(pp->lc);
	pp->lc = NULL;
	free(pp->role);
	pp->role = NULL;
	free(pp->sf);
	pp->sf = NULL;
	free(pp->ef);
	pp->ef = NULL;
}

/* Open, read (the tables decoded, the samples stored) and convert PATH;
 * problems are reported as "PROG: FILE: ...". 0, or 1 when the input
 * could not be used. */
static int convert(const char *path, void *ctx)
{
	struct pp *pp = ctx;
	struct input in;
	const char *d, *why = NULL;
	size_t n;
	int bad = 1, r;

	if (input_open(&in, path) < 0)
		return 1;
	pp->file = in.name;
	if (input_peek(&in, &d, &n) < 0)
		;	/* reported */
	else if ((why = legacy(d, n)) != NULL)
		fp_warn("%s: %s", in.name, why);
	else if ((r = read_profile(pp, &in)) == -2)
		;	/* reported */
	else if (r < 0)
		fp_warn("%s: not a pprof profile (truncated or corrupt protobuf)", in.name);
	else if (pp->t.p.n_sample_type == 0 && pp->t.p.n_sample == 0)
		fp_warn("%s: not a pprof profile (no sample types)", in.name);
	else {
		convert_profile(pp);
		bad = 0;
	}
	tables_free(&pp->t);
	store_reset(&pp->samples);
	skip_file_done(&pp->skips, in.name, "samples");
	input_close(&in);
	return bad;
}

int cmd_pprof2events(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "time-label", required_argument, NULL, 't' },
		{ "all-labels", no_argument, NULL, 'a' },
		{ "no-labels", no_argument, NULL, 'L' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pp pp = { 0 };
	int c, status;
	size_t i;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "t:aLq", longopts, NULL)) != -1) {
		switch (c) {
		case 't': pp.time_label = optarg; break;
		case 'a': pp.all_labels = 1; break;
		case 'L': pp.no_labels = 1; break;
		case OPT_STRICT: pp.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	{
		const char *e = getenv("PPROF2EVENTS_BUDGET");

		store_init(&pp.samples, "pprof2events", NULL,
			   e && *e ? (size_t)strtoull(e, NULL, 10) :
			   pp.time_label ? BUDGET : BUDGET_IN_ORDER);
	}
	ev_put_magic();
	ev_put_header("source", ev_str("pprof"));
	ev_put_header("clock", ev_str("unix"));	/* time_nanos and time labels */
	status = cli_each_input(argc - optind, argv + optind, convert, &pp);
	for (i = 0; i < pp.nunits; i++) {
		free(pp.units[i].event);
		free(pp.units[i].unit);
	}
	free(pp.units);
	store_free(&pp.samples);
	sdec_free(&pp.sd);
	buf_free(&pp.raw);
	buf_free(&pp.frames);
	buf_free(&pp.ftext);
	for (i = 0; i < 3; i++)
		buf_free(&pp.idtmp[i]);
	free(pp.li);
	free(pp.lcache);
	free(pp.rcache);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_pprof2events(argc, argv); }
#endif
