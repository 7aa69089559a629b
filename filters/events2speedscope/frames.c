/* frames.c - events2speedscope's frame table: a speedscope frame is
 * (name, file, line, col), so several model frames (which also differ in
 * kind, dso or address) may share one. Each model frame id is mapped to
 * its speedscope index once, on first use, in an array indexed by frame
 * id; a merged profile's thread roots and the --max-depth marker get
 * their own. Indices follow the order of first use. */
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/jsonout.h"
#include "ss.h"

static uint32_t frame_new(struct ss_frames *fr, enum ss_kind kind, uint32_t id)
{
	struct ss_frame *f;
	struct ss_text *t;
	size_t n;

	if (fr->n >= UINT32_MAX - 1)
		fp_die("too many distinct frames");
	fp_grow(&fr->f, &fr->cap, fr->n + 1, sizeof *fr->f);
	fp_grow(&fr->txt, &fr->txtcap, fr->n + 1, sizeof *fr->txt);
	f = &fr->f[fr->n];
	f->kind = kind;
	f->id = id;
	f->line = f->col = 0;
	t = &fr->txt[fr->n];
	memset(t, 0, sizeof *t);
	n = jo_fmt_i64(t->c, (int64_t)fr->n);	/* at most 10 digits */
	t->c[n] = ',';
	t->c[SS_TEXT_LEN] = (char)(n + 1);
	return (uint32_t)fr->n++;
}

/* Slot i of a map from ids to index + 1, grown and zeroed as needed. */
static uint32_t *slot(uint32_t **map, size_t *cap, uint32_t i)
{
	if (i >= *cap) {
		size_t old = *cap;

		fp_grow(map, cap, (size_t)i + 1, sizeof **map);
		memset(*map + old, 0, (*cap - old) * sizeof **map);
	}
	return &(*map)[i];
}

/* A positive LINE or COL attribute's value, else 0. */
static int64_t positive(struct slice s)
{
	int64_t v;

	return s.n > 0 && ev_parse_i64(s.p, s.n, &v) == 0 && v > 0 ? v : 0;
}

/* The identity of a speedscope frame in fr->key: "U" dso for an unknown
 * frame ("[unknown]" as nothing), else "F" name \t file (else dso) \t
 * line \t col (escaped text; line and col when positive). */
static void frame_key(struct ss_frames *fr, const struct ev_frame *f)
{
	struct buf *k = &fr->key;

	k->len = 0;
	if ((f->kind & EVK_UNKNOWN) || f->name.n == 0) {
		buf_addc(k, 'U');
		if (!(f->dso.n == 9 && memcmp(f->dso.p, "[unknown]", 9) == 0))
			buf_add(k, f->dso.p, f->dso.n);
		return;
	}
	buf_addc(k, 'F');
	buf_add(k, f->name.p, f->name.n);
	buf_addc(k, '\t');
	if (f->file.n)
		buf_add(k, f->file.p, f->file.n);
	else
		buf_add(k, f->dso.p, f->dso.n);
	buf_addc(k, '\t');
	if (positive(f->line))
		buf_add(k, f->line.p, f->line.n);
	buf_addc(k, '\t');
	if (positive(f->col))
		buf_add(k, f->col.p, f->col.n);
}

uint32_t frames_model_first(struct ss_frames *fr, const struct stacks *st, uint32_t id)
{
	struct ev_frame f;
	size_t i;
	int added;

	stacks_frame_get(st, id, &f);
	frame_key(fr, &f);
	i = intern_get(&fr->keys, fr->key.p, fr->key.len, &added);
	if (added) {
		uint32_t n = frame_new(fr, fr->key.p[0] == 'U' ? SSF_UNKNOWN : SSF_FRAME, id);

		fr->f[n].line = positive(f.line);
		fr->f[n].col = positive(f.col);
		fr->keys.ents[i].aux = n;
	}
	*slot(&fr->of_frame, &fr->of_frame_cap, id) = (uint32_t)fr->keys.ents[i].aux + 1;
	return (uint32_t)fr->keys.ents[i].aux;
}

uint32_t frames_root(struct ss_frames *fr, uint32_t comm, uint32_t thread)
{
	uint32_t *e = comm != MD_NONE ? slot(&fr->of_comm, &fr->of_comm_cap, comm)
				      : slot(&fr->of_thread, &fr->of_thread_cap, thread);

	if (*e == 0)
		*e = frame_new(fr, comm != MD_NONE ? SSF_COMM : SSF_THREAD,
			       comm != MD_NONE ? comm : thread) + 1;
	return *e - 1;
}

uint32_t frames_marker(struct ss_frames *fr)
{
	if (fr->marker == 0)
		fr->marker = frame_new(fr, SSF_MARKER, 0) + 1;
	return fr->marker - 1;
}

uint32_t frames_none(struct ss_frames *fr)
{
	int added;
	size_t i = intern_get(&fr->keys, "U", 1, &added);

	if (added)
		fr->keys.ents[i].aux = frame_new(fr, SSF_UNKNOWN, MD_NONE);
	return (uint32_t)fr->keys.ents[i].aux;
}

/* An unknown frame: "[dso's base name]" (or "[unknown]"), file the dso. */
static void write_unknown(struct buf *tmp, struct slice dso)
{
	size_t i, b = 0;

	if (dso.n == 9 && memcmp(dso.p, "[unknown]", 9) == 0)
		dso.n = 0;
	tmp->len = 0;
	buf_addc(tmp, '[');
	if (dso.n == 0)
		buf_adds(tmp, "unknown");
	ev_unescape(tmp, dso.p, dso.n);
	for (i = 1; i < tmp->len; i++)
		if (tmp->p[i] == '/')
			b = i;
	if (b) {
		memmove(tmp->p + 1, tmp->p + b + 1, tmp->len - b - 1);
		tmp->len -= b;
	}
	buf_addc(tmp, ']');
	jo_string(tmp->p, tmp->len);
	if (dso.n) {
		tmp->len = 0;
		ev_unescape(tmp, dso.p, dso.n);
		jo_key("file");
		jo_string(tmp->p, tmp->len);
	}
}

static void write_model_frame(struct buf *tmp, const struct ss_frame *sf, const struct ev_frame *f)
{
	struct slice file = f->file.n ? f->file : f->dso;

	tmp->len = 0;
	ev_unescape(tmp, f->name.p, f->name.n);
	jo_string(tmp->p, tmp->len);
	if (file.n) {
		tmp->len = 0;
		ev_unescape(tmp, file.p, file.n);
		jo_key("file");
		jo_string(tmp->p, tmp->len);
	}
	if (sf->line) {
		jo_key("line");
		jo_int(sf->line);
	}
	if (sf->col) {
		jo_key("col");
		jo_int(sf->col);
	}
}

static void write_frame(struct ss *s, const struct ss_frame *sf)
{
	struct buf *tmp = &s->fr.tmp;
	struct ev_frame f;
	struct slice comm;

	jo_map_open();
	jo_key("name");
	tmp->len = 0;
	switch (sf->kind) {
	case SSF_FRAME:
		stacks_frame_get(&s->m.stacks, sf->id, &f);
		write_model_frame(tmp, sf, &f);
		break;
	case SSF_UNKNOWN:
		if (sf->id == MD_NONE)
			f.dso = ev_str("");
		else
			stacks_frame_get(&s->m.stacks, sf->id, &f);
		write_unknown(tmp, f.dso);
		break;
	case SSF_COMM:
		comm = model_comm(&s->m, sf->id);
		ev_unescape(tmp, comm.p, comm.n);
		jo_string(tmp->p, tmp->len);
		break;
	case SSF_THREAD:
		ss_thread_label(s, tmp, sf->id, 0);
		jo_string(tmp->p, tmp->len);
		break;
	case SSF_MARKER:
		jo_string(SS_MARKER, strlen(SS_MARKER));
		break;
	}
	jo_map_close();
}

void frames_write(struct ss *s)
{
	size_t i;

	jo_array_open();
	for (i = 0; i < s->fr.n; i++)
		write_frame(s, &s->fr.f[i]);
	jo_array_close();
}

void frames_free(struct ss_frames *fr)
{
	free(fr->f);
	free(fr->txt);
	intern_free(&fr->keys);
	free(fr->of_frame);
	free(fr->of_comm);
	free(fr->of_thread);
	buf_free(&fr->key);
	buf_free(&fr->tmp);
	memset(fr, 0, sizeof *fr);
}
