/* tables.c - events2pprof's string, function, location and mapping tables
 *
 * A Function's or a Location's fields but its id, encoded, are the key
 * that deduplicates it (intern.h); the id is the key's index + 1, and the
 * key is what is written after the id at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/events.h"
#include "pp.h"

void pp_tables_init(struct pp_tables *t)
{
	memset(t, 0, sizeof *t);
	pp_string(t, "", 0);	/* string_table[0] = "" */
}

void pp_tables_free(struct pp_tables *t)
{
	intern_free(&t->strings);
	intern_free(&t->funcs);
	intern_free(&t->locs);
	u64map_free(&t->mapids);
	free(t->maps);
	free(t->fr);
	free(t->locids);
	buf_free(&t->key);
	buf_free(&t->line);
	buf_free(&t->tmp);
	memset(t, 0, sizeof *t);
}

uint32_t pp_string(struct pp_tables *t, const char *p, size_t n)
{
	int added;

	return (uint32_t)intern_get(&t->strings, n ? p : "", n, &added);
}

uint32_t pp_string_esc(struct pp_tables *t, struct slice esc)
{
	t->tmp.len = 0;
	ev_unescape(&t->tmp, esc.p, esc.n);
	return pp_string(t, t->tmp.p, t->tmp.len);
}

static int has_attr(struct slice attrs, const char *a)
{
	size_t n = strlen(a), i = 0;

	while (i < attrs.n) {
		size_t j = i + 1;

		while (j < attrs.n && attrs.p[j] != '`')
			j++;
		if (j - i - 1 == n && memcmp(attrs.p + i + 1, a, n) == 0)
			return 1;
		i = j;
	}
	return 0;
}

static uint64_t hex(struct slice s)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < s.n && i < 16; i++) {
		char c = s.p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;

		if (d == 16)
			return 0;
		v = v << 4 | d;
	}
	return i == s.n ? v : 0;
}

static int64_t number(struct slice s)
{
	int64_t v;

	return s.n && ev_parse_i64(s.p, s.n, &v) == 0 && v > 0 ? v : 0;
}

/* Is the unescaped name "0x" + the addr attribute (pprof2events' name for
 * a location without lines), or empty? */
static int unsymbolized(const struct pp_tables *t, struct slice addr)
{
	if (t->tmp.len == 0)
		return 1;
	return addr.n && t->tmp.len == addr.n + 2 && memcmp(t->tmp.p, "0x", 2) == 0 &&
	       memcmp(t->tmp.p + 2, addr.p, addr.n) == 0;
}

/* Room in t->fr for frame id (the array moves: no pointers into it are
 * held across this call). */
static void frames_room(struct pp_tables *t, uint32_t id)
{
	size_t n = t->nfr;

	if (id < n)
		return;
	fp_grow(&t->fr, &t->nfr, (size_t)id + 1, sizeof *t->fr);
	memset(t->fr + n, 0, (t->nfr - n) * sizeof *t->fr);
}

static struct pp_frame *frame(struct pp_tables *t, const struct stacks *s, uint32_t id)
{
	struct pp_frame *p;
	struct ev_frame f;
	uint32_t name, file;
	int added;

	frames_room(t, id);
	p = &t->fr[id];
	if (p->state & PPF_PARSED)
		return p;
	p->state = PPF_PARSED;
	stacks_frame_get(s, id, &f);
	if (has_attr(f.attrs, "label"))
		p->state |= PPF_LABEL;
	p->addr = hex(f.addr);
	p->line = number(f.line);
	p->col = number(f.col);
	p->dso = f.dso.n ? pp_string_esc(t, f.dso) : 0;
	file = f.file.n ? pp_string_esc(t, f.file) : 0;
	if (file)
		p->state |= PPF_FILE;
	t->tmp.len = 0;
	ev_unescape(&t->tmp, f.name.p, f.name.n);
	if (unsymbolized(t, f.addr))
		return p;	/* fid 0: a location without lines */
	name = pp_string(t, t->tmp.p, t->tmp.len);
	t->key.len = 0;
	pb_uint(&t->key, PB_FUNCTION_NAME, name);
	pb_uint(&t->key, PB_FUNCTION_SYSTEM_NAME, name);
	pb_uint(&t->key, PB_FUNCTION_FILENAME, file);
	p->fid = (uint32_t)intern_get(&t->funcs, t->key.p, t->key.len, &added) + 1;
	return p;
}

int pp_is_label(struct pp_tables *t, const struct stacks *s, uint32_t id)
{
	return (frame(t, s, id)->state & PPF_LABEL) != 0;
}

/* The mapping of dso (a string index), made on first use. */
static struct pp_map *mapping(struct pp_tables *t, uint32_t dso, uint64_t *id)
{
	struct u64ent *e = u64map_add(&t->mapids, dso);

	if (e->value == 0) {
		fp_grow(&t->maps, &t->mapcap, t->nmaps + 1, sizeof *t->maps);
		memset(&t->maps[t->nmaps], 0, sizeof *t->maps);
		t->maps[t->nmaps].file = dso;
		e->value = (int64_t)++t->nmaps;
	}
	*id = (uint64_t)e->value;
	return &t->maps[e->value - 1];
}

/* The location of fr[0..n): fr[0] the caller, the others inlined into it
 * one after the other; its mapping and address are the caller's, else
 * those of the first frame that has them. */
static uint32_t location(struct pp_tables *t, struct pp_frame *const *fr, size_t n)
{
	struct pp_map *m = NULL;
	uint64_t mid = 0, addr = 0;
	uint32_t dso = 0;
	size_t i, k;
	int added;

	for (i = 0; i < n && !dso; i++)
		dso = fr[i]->dso;
	for (i = 0; i < n && !addr; i++)
		addr = fr[i]->addr;
	if (dso)
		m = mapping(t, dso, &mid);
	t->key.len = 0;
	pb_uint(&t->key, PB_LOCATION_MAPPING_ID, mid);
	pb_uint(&t->key, PB_LOCATION_ADDRESS, addr);
	for (k = n; k-- > 0;) {	/* line[0] is the innermost */
		if (!fr[k]->fid)
			continue;
		t->line.len = 0;
		pb_uint(&t->line, PB_LINE_FUNCTION_ID, fr[k]->fid);
		pb_uint(&t->line, PB_LINE_LINE, (uint64_t)fr[k]->line);
		pb_uint(&t->line, PB_LINE_COLUMN, (uint64_t)fr[k]->col);
		pb_bytes(&t->key, PB_LOCATION_LINE, t->line.p, t->line.len);
		if (m) {
			m->functions = 1;
			m->filenames |= (fr[k]->state & PPF_FILE) != 0;
			m->lines |= fr[k]->line > 0;
			m->inlines |= n > 1;
		}
	}
	if (m && addr) {
		if (m->hi == 0 || addr < m->lo)
			m->lo = addr;
		if (addr >= m->hi)
			m->hi = addr + 1 ? addr + 1 : addr;
	}
	return (uint32_t)intern_get(&t->locs, t->key.p, t->key.len, &added) + 1;
}

void pp_locations(struct pp_tables *t, const struct stacks *s, const uint32_t *frames, size_t n)
{
	struct pp_frame *run[64], **fr = run, **heap = NULL;
	size_t i = 0, j, k;

	for (k = 0; k < n; k++)
		frames_room(t, frames[k]);	/* frame() then never moves t->fr */
	t->nlocids = 0;
	while (i < n) {
		for (j = i + 1; j < n && (stacks_frame_kind(s, frames[j]) & EVK_INLINED); j++)
			;
		if (j - i > sizeof run / sizeof *run) {
			heap = fp_malloc((j - i) * sizeof *heap);
			fr = heap;
		}
		for (k = i; k < j; k++)
			fr[k - i] = frame(t, s, frames[k]);
		fp_grow(&t->locids, &t->locidcap, t->nlocids + 1, sizeof *t->locids);
		if (j - i == 1) {
			if (!fr[0]->loc)
				fr[0]->loc = location(t, fr, 1);
			t->locids[t->nlocids++] = fr[0]->loc;
		} else {
			t->locids[t->nlocids++] = location(t, fr, j - i);
		}
		free(heap);
		heap = NULL;
		fr = run;
		i = j;
	}
	for (i = 0, j = t->nlocids; i + 1 < j; i++, j--) {	/* leaf first */
		uint64_t x = t->locids[i];

		t->locids[i] = t->locids[j - 1];
		t->locids[j - 1] = x;
	}
}

static void put_with_id(unsigned field, unsigned idfield, uint64_t id, const char *key,
			size_t n, struct buf *msg)
{
	msg->len = 0;
	pb_uint(msg, idfield, id);
	buf_add(msg, key, n);
	pb_put_field(field, msg->p, msg->len);
}

void pp_tables_write(struct pp_tables *t)
{
	size_t i;

	for (i = 0; i < t->nmaps; i++) {
		const struct pp_map *m = &t->maps[i];

		t->key.len = 0;
		pb_uint(&t->key, PB_MAPPING_ID, i + 1);
		pb_uint(&t->key, PB_MAPPING_MEMORY_START, m->lo);
		pb_uint(&t->key, PB_MAPPING_MEMORY_LIMIT, m->hi);
		pb_uint(&t->key, PB_MAPPING_FILENAME, m->file);
		pb_uint(&t->key, PB_MAPPING_HAS_FUNCTIONS, m->functions);
		pb_uint(&t->key, PB_MAPPING_HAS_FILENAMES, m->filenames);
		pb_uint(&t->key, PB_MAPPING_HAS_LINE_NUMBERS, m->lines);
		pb_uint(&t->key, PB_MAPPING_HAS_INLINE_FRAMES, m->inlines);
		pb_put_field(PB_PROFILE_MAPPING, t->key.p, t->key.len);
	}
	for (i = 0; i < t->locs.count; i++)
		put_with_id(PB_PROFILE_LOCATION, PB_LOCATION_ID, i + 1, t->locs.ents[i].key,
			    t->locs.ents[i].len, &t->key);
	for (i = 0; i < t->funcs.count; i++)
		put_with_id(PB_PROFILE_FUNCTION, PB_FUNCTION_ID, i + 1, t->funcs.ents[i].key,
			    t->funcs.ents[i].len, &t->key);
	for (i = 0; i < t->strings.count; i++)
		pb_put_field(PB_PROFILE_STRING_TABLE, t->strings.ents[i].key, t->strings.ents[i].len);
}
