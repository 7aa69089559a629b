/* pprof2events - convert pprof profile.proto profiles to the flamepipe events format */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.pb-c.h"

#include "../common/alloc.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/pbinput.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "../common/u64map.h"
#include "cmds.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Label Label;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Mapping Mapping;

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

	if (l->str)
		snprintf(b, size, "%s", str(pp, l->str));
	else
		snprintf(b, size, "%" PRId64 "%s%s", l->num, unit && *u ? " " : "", unit ? u : "");
}

static int is_key(const char *k, const char *a, const char *b)
{
	return strcmp(k, a) == 0 || (b && strcmp(k, b) == 0);
}

/* Labels that are the thread's identity go to PID, TID and COMM. */
enum { L_PID, L_TID, L_COMM, L_OTHER };

static int label_role(struct pp *pp, const Label *l)
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

/* A sample's records, or 0 when it refers to a location that is not there. */
static int put_sample(struct pp *pp, const Sample *s, int64_t t)
{
	struct slice id[3] = { { 0 } };
	char b[3][128];
	size_t i, v;

	for (i = 0; i < s->n_location_id; i++)
		if (!by_id(&pp->locs, pp->p->location, s->location_id[i]))
			return 0;
	for (i = 0; i < s->n_label; i++) {
		int r = label_role(pp, s->label[i]);

		if (r != L_OTHER && !id[r].n) {
			label_value(pp, s->label[i], b[r], sizeof b[r], 0);
			id[r] = ev_str(b[r]);
		}
	}
	for (v = 0; v < s->n_value && v < pp->p->n_sample_type; v++) {
		if (s->value[v] == 0 || !pp->events[v])
			continue;
		ev_put_head('S', t, id[L_PID], id[L_TID], -1, id[L_COMM], ev_str(pp->events[v]),
			    s->value[v]);
		if (!pp->no_labels)
			put_label_frames(pp, s);
		/* location_id[0] is the leaf */
		for (i = s->n_location_id; i-- > 0;) {
			put_location(pp, by_id(&pp->locs, pp->p->location, s->location_id[i]));
			if (i)
				out_putc(';');
		}
		out_putc('\n');
	}
	return 1;
}

struct timed {
	int64_t t;
	size_t i;
};

static int by_time(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	/* untimed first (EV_NONE is INT64_MIN), then by time, then file order */
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void put_samples(struct pp *pp)
{
	const Profile *p = pp->p;
	struct timed *order = fp_malloc((p->n_sample + 1) * sizeof *order);
	size_t i;

	for (i = 0; i < p->n_sample; i++) {
		order[i].t = sample_time(pp, p->sample[i]);
		order[i].i = i;
	}
	if (pp->time_label)
		qsort(order, p->n_sample, sizeof *order, by_time);
	for (i = 0; i < p->n_sample; i++) {
		const Sample *s = p->sample[order[i].i];
		char why[96];
		/* messages say FILE:N: with N the sample's position in the file */

		if (s->n_value != p->n_sample_type) {
			snprintf(why, sizeof why, "sample has %zu values for %zu sample types",
				 s->n_value, p->n_sample_type);
			skip_record(&pp->skips, pp->file, order[i].i + 1, why);
		} else if (!put_sample(pp, s, order[i].t)) {
			skip_record(&pp->skips, pp->file, order[i].i + 1,
				    "sample refers to a location that is not in the profile");
		}
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

static const char *empty(const ProtobufCMessage *msg)
{
	const Profile *p = (const Profile *)msg;

	return p->n_sample_type == 0 && p->n_sample == 0 ? "no sample types" : NULL;
}

static int convert_profile(const ProtobufCMessage *msg, const char *file, void *ctx)
{
	struct pp *pp = ctx;
	const Profile *p = (const Profile *)msg;

	pp->p = p;
	pp->file = file;
	pp->bad_strings = pp->no_time = 0;

	index_ids(&pp->locs, p->n_location, p->location, offsetof(Location, id));
	index_ids(&pp->funcs, p->n_function, p->function, offsetof(Function, id));
	index_ids(&pp->maps, p->n_mapping, p->mapping, offsetof(Mapping, id));
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
	return 0;
}

static const struct pb_input pprof_input = {
	&perftools__profiles__profile__descriptor, "a pprof profile", legacy, empty, convert_profile,
};

static int convert(const char *path, void *ctx)
{
	struct pp *pp = ctx;

	return pb_convert(path, &pprof_input, &pp->skips, pp);
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
	ev_put_magic();
	ev_put_header("source", ev_str("pprof"));
	ev_put_header("clock", ev_str("unix"));	/* time_nanos and time labels */
	status = cli_each_input(argc - optind, argv + optind, convert, &pp);
	for (i = 0; i < pp.nunits; i++) {
		free(pp.units[i].event);
		free(pp.units[i].unit);
	}
	free(pp.units);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_pprof2events(argc, argv); }
#endif
