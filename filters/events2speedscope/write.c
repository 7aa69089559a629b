/* write.c - events2speedscope's document: the profiles kept (--top),
 * their names and units, the frames, and the warnings at the end */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/jsonout.h"
#include "../../common/timeunit.h"
#include "ss.h"

struct busy {
	uint64_t records;
	size_t i;
};

static int busier(const void *a, const void *b)
{
	const struct busy *x = a, *y = b;

	if (x->records != y->records)
		return x->records > y->records ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Keep the N busiest profiles (ties: the earlier one). */
void ss_choose_top(struct ss *s)
{
	struct busy *b;
	size_t i;

	if (s->top <= 0 || (size_t)s->top >= s->np)
		return;
	b = fp_malloc(s->np * sizeof *b);
	for (i = 0; i < s->np; i++)
		b[i] = (struct busy){ s->p[i].records, i };
	qsort(b, s->np, sizeof *b, busier);
	for (i = 0; i < s->np; i++)
		s->p[b[i].i].keep = i < (size_t)s->top;
	free(b);
}

static void add_unescaped(struct buf *b, struct slice s)
{
	ev_unescape(b, s.p, s.n);
}

/* Its name: from T records, else its last COMM, else from P records. */
static void thread_name(const struct ss *s, struct buf *b, uint32_t t)
{
	const struct md_thread *th = model_thread(&s->m, t);
	struct slice name;

	if (th->tname != MD_NONE)
		add_unescaped(b, model_name(&s->m, th->tname));
	else if (th->comm != MD_NONE)
		add_unescaped(b, model_comm(&s->m, th->comm));
	else if (model_tp_name(&s->m, t, &name))
		add_unescaped(b, name);
}

void ss_thread_label(const struct ss *s, struct buf *b, uint32_t t, int ids)
{
	const struct md_thread *th = model_thread(&s->m, t);
	struct slice pid = th->pid, tid = th->tid;
	int havepid = pid.n && !ev_absent(pid), havetid = tid.n && !ev_absent(tid);
	size_t start = b->len;

	thread_name(s, b, t);
	if (!ids && b->len > start)
		return;
	if (!havepid && !havetid) {
		if (b->len == start && s->input.len)	/* a .cpuprofile: its file name */
			ev_unescape(b, s->input.p, s->input.len);
		else if (b->len == start)
			buf_adds(b, "unknown thread");
		return;
	}
	buf_adds(b, b->len > start ? " (" : "(");
	if (havepid) {
		buf_adds(b, "pid ");
		add_unescaped(b, pid);
	}
	if (havetid) {
		buf_adds(b, havepid ? ", tid " : "tid ");
		add_unescaped(b, tid);
	}
	buf_addc(b, ')');
}

static int several_kinds(const struct ss *s)
{
	const struct ss_profile *p = s->p;
	size_t i;

	for (i = 1; i < s->np; i++)
		if (p[i].kind != p[0].kind || (p[i].kind == 'S' &&
		    (p[i].event.n != p[0].event.n || memcmp(p[i].event.p, p[0].event.p, p[0].event.n))))
			return 1;
	return 0;
}

/* speedscope's ValueUnit for the profile: time units (also perf's period
 * of cpu-clock and task-clock, which is nanoseconds) so speedscope shows
 * "3.50s" rather than a bare count, bytes, else none. */
static const char *unit_of(const struct ss *s, const struct ss_profile *p)
{
	const struct intern *units = &s->m.units;
	size_t i = intern_find(units, p->event.n ? p->event.p : "", p->event.n);
	struct slice unit;
	const char *name;

	if (p->kind == 'O')
		return "nanoseconds";
	if (i == (size_t)-1)
		return "none";
	unit = model_name(&s->m, (uint32_t)units->ents[i].aux);
	name = timeunit_name(timeunit_ns(p->event, unit));
	if (name)
		return name;
	if (unit.n == 5 && memcmp(unit.p, "bytes", 5) == 0)
		return "bytes";
	return "none";	/* period of other events, samples, count and others */
}

static void profile_name(const struct ss *s, struct buf *b, const struct ss_profile *p, int suffix)
{
	b->len = 0;
	if (p->thread == MD_NONE)
		buf_adds(b, "all threads");
	else
		ss_thread_label(s, b, p->thread, 1);
	if (suffix || p->thread == MD_NONE) {
		buf_adds(b, ": ");
		if (p->kind == 'O')
			buf_adds(b, "spans");
		else
			add_unescaped(b, p->event);
	}
}

static void write_profile(struct ss *s, const struct ss_profile *p, int suffix)
{
	profile_name(s, &s->elem, p, suffix);
	jo_map_open();
	jo_key("type");
	jo_key(p->kind == 'S' ? "sampled" : "evented");
	jo_key("name");
	jo_string(s->elem.p, s->elem.len);
	jo_key("unit");
	jo_key(unit_of(s, p));
	jo_key("startValue");
	if (p->kind == 'S') {
		jo_int(0);
		jo_key("endValue");
		jo_int(p->total);
		jo_key("samples");
		stream_write(&s->sp, &p->s[0]);
		jo_key("weights");
		stream_write(&s->sp, &p->s[1]);
	} else {
		int64_t end = s->have_end_hdr && s->end_hdr - s->origin > s->tmax ?
			      s->end_hdr - s->origin : s->tmax;

		jo_int(s->tmin < 0 ? s->tmin : 0);
		jo_key("endValue");
		jo_int(end);
		jo_key("events");
		stream_write(&s->sp, &p->s[0]);
	}
	jo_map_close();
}

/* speedscope rejects a file without profiles: one empty profile. */
static void write_empty_profile(void)
{
	jo_map_open();
	jo_key("type");
	jo_key("sampled");
	jo_key("name");
	jo_key("no samples");
	jo_key("unit");
	jo_key("none");
	jo_key("startValue");
	jo_int(0);
	jo_key("endValue");
	jo_int(0);
	jo_key("samples");
	jo_array_open();
	jo_array_close();
	jo_key("weights");
	jo_array_open();
	jo_array_close();
	jo_map_close();
}

/* The index among the profiles kept of the busiest one; *n: how many. */
static size_t active_profile(const struct ss *s, size_t *n)
{
	size_t i, busiest = 0, active = 0;

	*n = 0;
	for (i = 0; i < s->np; i++) {
		if (!s->p[i].keep)
			continue;
		if (*n == 0 || s->p[i].records > s->p[busiest].records) {
			busiest = i;
			active = *n;
		}
		(*n)++;
	}
	return active;
}

static void write_name(const struct ss *s)
{
	const char *in = s->first_input && strcmp(s->first_input, "-") ? s->first_input : "stdin";

	if (s->name)
		jo_string(s->name, strlen(s->name));
	else if (s->command.len)
		jo_string(s->command.p, s->command.len);
	else
		jo_string(in, strlen(in));
}

void ss_write(struct ss *s)
{
	size_t i, n, active = active_profile(s, &n);
	int suffix = several_kinds(s);

	jo_begin(s->gzip);
	jo_map_open();
	jo_key("$schema");
	jo_key("https://www.speedscope.app/file-format-schema.json");
	jo_key("exporter");
	jo_key("events2speedscope@" FP_VERSION);
	jo_key("name");
	write_name(s);
	jo_key("activeProfileIndex");
	jo_int((int64_t)active);
	jo_key("shared");
	jo_map_open();
	jo_key("frames");
	frames_write(s);
	jo_map_close();
	jo_key("profiles");
	jo_array_open();
	for (i = 0; i < s->np; i++)
		if (s->p[i].keep)
			write_profile(s, &s->p[i], suffix);
	if (n == 0)
		write_empty_profile();
	jo_array_close();
	jo_map_close();
	jo_end();
}

void ss_report(const struct ss *s)
{
	if (s->truncated)
		fp_warn("%" PRIu64 " stacks deeper than %lld frames truncated (--max-depth)",
			s->truncated, s->max_depth);
	model_warn(&s->m, MD_FORCED);
	model_warn(&s->m, MD_UNCLOSED);
	model_warn(&s->m, MD_REORDERED);
	if (s->np == 0)
		fp_warn("no samples or spans in the input; wrote an empty profile");
}
