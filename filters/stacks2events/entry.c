/* entry.c - stacks2events: the map entries of bpftrace (@NAME[keys]:
 * VALUE, a stack key over several indented lines) and DTrace (indented
 * scalar keys and stacks, then the count), key by key into struct st */
#include <stdint.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "stacks.h"

void st_entry_reset(struct st *st)
{
	st->in_entry = 0;
	st->text.len = 0;
	st->map.len = 0;
	st->nkeys = 0;
	st->nfr = 0;
}

static struct key *new_key(struct st *st)
{
	struct key *k;

	fp_grow(&st->keys, &st->keys_cap, st->nkeys + 1, sizeof *st->keys);
	k = &st->keys[st->nkeys++];
	memset(k, 0, sizeof *k);
	k->first = st->nfr;
	return k;
}

static void add_frame(struct st *st, const char *p, size_t n)
{
	struct key *k = &st->keys[st->nkeys - 1];

	fp_grow(&st->fr, &st->fr_cap, st->nfr + 1, sizeof *st->fr);
	st->fr[st->nfr].off = st->text.len;
	st->fr[st->nfr].len = n;
	buf_add(&st->text, p, n);
	st->nfr++;
	k->n++;
}

void st_skip(struct st *st, uint64_t line, const char *why)
{
	skip_record(&st->skips, st->tin.file, line, why);
}

void st_entry_broken(struct st *st, const char *why)
{
	if (st->in_entry)
		st_skip(st, st->entry_line, why);
	st_entry_reset(st);
}

/* A bpftrace line that is not a frame, inside an entry: keys separated by
 * ", " (or a ',' at the end of the line), maybe "]: VALUE" at the end. */
static void bpf_segment(struct st *st, const char *p, size_t n, uint64_t lineno)
{
	size_t i, body = n, start = 0;
	int64_t w = 0;
	int end = 0;

	/* "]: VALUE" at the end */
	i = n;
	while (i > 0 && is_digit(p[i - 1]))
		i--;
	if (i < n && i > 0 && p[i - 1] == '-')
		i--;
	if (i < n && i >= 3 && p[i - 1] == ' ' && p[i - 2] == ':' && p[i - 3] == ']') {
		if (ev_parse_i64(p + i, n - i, &w) < 0) {
			st_skip(st, lineno, "bad value");
			st_entry_reset(st);
			return;
		}
		body = i - 3;
		end = 1;
	}
	for (i = 0; i <= body; i++) {
		int sep = i < body && p[i] == ',' && (i + 1 == body || p[i + 1] == ' ');

		if (i < body && !sep)
			continue;
		if (i > start) {	/* text for the current key */
			struct key *k = &st->keys[st->nkeys - 1];

			if (k->n || k->has_text) {
				st_skip(st, lineno, "text after a key without a separator");
				st_entry_reset(st);
				return;
			}
			k->text.off = st->text.len;
			k->text.len = i - start;
			k->has_text = 1;
			buf_add(&st->text, p + start, i - start);
		}
		if (sep) {
			new_key(st);
			i += i + 1 < body ? 1 : 0;	/* the space */
			start = i + 1;
		}
	}
	if (end) {
		st_emit(st, w);
		st_entry_reset(st);
	}
}

/* A line inside a bpftrace entry, p[indent..n) not blank: 1 if it was
 * used, 0 if it is a new entry's start (the open one is then skipped). */
int st_bpf_inside(struct st *st, const char *p, size_t n, size_t indent, uint64_t lineno)
{
	if (indent > 0) {
		struct key *k = &st->keys[st->nkeys - 1];

		if (k->has_text) {
			st_skip(st, lineno, "a frame after a key without a separator");
			st_entry_reset(st);
			return 1;
		}
		add_frame(st, p + indent, n - indent);
		return 1;
	}
	if (p[0] == '@') {
		st_entry_broken(st, "entry without a value");
		return 0;
	}
	bpf_segment(st, p, n, lineno);
	return 1;
}

/* "@NAME[" or "@NAME: VALUE" */
int st_bpf_start(struct st *st, const char *p, size_t n, uint64_t lineno)
{
	size_t i = 1;
	int64_t w;

	while (i < n && (is_digit(p[i]) || p[i] == '_' || ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')))
		i++;
	if (i < n && p[i] == '[') {
		st_entry_reset(st);
		st->in_entry = 'b';
		st->entry_line = lineno;
		buf_add(&st->map, p + 1, i - 1);
		new_key(st);
		bpf_segment(st, p + i + 1, n - i - 1, lineno);
		return 0;
	}
	if (i + 2 <= n && p[i] == ':' && p[i + 1] == ' ' && ev_parse_i64(p + i + 2, n - i - 2, &w) == 0) {
		st_entry_reset(st);
		buf_add(&st->map, p + 1, i - 1);
		st_emit(st, w);
		st_entry_reset(st);
		return 0;
	}
	return -1;
}

/* A DTrace line (indented); p is trimmed, indent is the leading blanks. */
void st_dtrace_line(struct st *st, const char *p, size_t n, size_t indent, uint64_t lineno)
{
	int64_t w;

	if (!st->in_entry) {
		st_entry_reset(st);
		st->in_entry = 'd';
		st->entry_line = lineno;
		new_key(st);
	}
	if (ev_parse_i64(p, n, &w) == 0 && (st->nfr > 0 || st->keys[0].has_text || indent >= 8)) {
		st_emit(st, w);
		st_entry_reset(st);
		return;
	}
	if (indent < 8 && st->nfr == 0) {	/* a scalar key before the stack */
		struct key *k = st->keys[st->nkeys - 1].has_text ? new_key(st) : &st->keys[st->nkeys - 1];

		k->text.off = st->text.len;
		k->text.len = n;
		k->has_text = 1;
		buf_add(&st->text, p, n);
		new_key(st);
		return;
	}
	if (st->keys[st->nkeys - 1].has_text)
		new_key(st);
	add_frame(st, p, n);
}
