/* stacks.c - the frames and stacks of an events stream, interned */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bytes.h"
#include "err.h"
#include "stacks.h"

/* A node's slot comes from its parent and its frame's text (the text's
 * hash is kept in the frame table), so that a frame met again under the
 * same parent costs one hash and one probe (stacks_child_text). */
static inline uint64_t node_hash(uint32_t parent, uint64_t text_hash)
{
	uint64_t h = (text_hash ^ parent) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

void stacks_init(struct stacks *s)
{
	memset(s, 0, sizeof *s);
	fp_grow(&s->nodes, &s->cap, 1, sizeof *s->nodes);
	s->nodes[0] = (struct stk_node){ STK_ROOT, 0, 0 };
	s->nnodes = 1;
	s->mask = 1023;
	s->slots = fp_calloc(s->mask + 1, sizeof *s->slots);
}

void stacks_free(struct stacks *s)
{
	intern_free(&s->frames);
	free(s->nodes);
	free(s->slots);
	stk_cursor_free(&s->cur);
	free(s->cache);
	free(s->fcache);
	memset(s, 0, sizeof *s);
}

void stacks_freeze(struct stacks *s)
{
	free(s->slots);
	s->slots = NULL;
	s->mask = 0;
	free(s->frames.slots);
	s->frames.slots = NULL;
	s->frames.mask = 0;
}

static uint32_t frame_add(struct stacks *s, const char *p, size_t n)
{
	int added;
	size_t i = intern_get(&s->frames, n ? p : "", n, &added);

	if (added) {	/* parse the attributes once, for the kind */
		struct ev_frame f;

		stacks_frame_get(s, (uint32_t)i, &f);
		s->frames.ents[i].aux = f.kind;
	}
	return (uint32_t)i;
}

/* stacks_frame(), its hash th = fp_hash(p, n) given; a frame seen before
 * costs no call. */
static inline uint32_t frame_id(struct stacks *s, const char *p, size_t n, uint64_t th)
{
	size_t i = intern_find_hash(&s->frames, p, n, th);

	return i != (size_t)-1 ? (uint32_t)i : frame_add(s, p, n);
}

uint32_t stacks_frame(struct stacks *s, const char *p, size_t n)
{
	return frame_id(s, p, n, fp_hash(p, n));
}

/* frame_id() through the frame cache (stacks.h, struct stk_fcached). */
static inline uint32_t frame_cached(struct stacks *s, const char *p, size_t n)
{
	uint64_t key, last;
	struct stk_fcached *e;
	uint32_t id;

	if (n >= UINT32_MAX)
		return frame_id(s, p, n, fp_hash_inline(p, n));
	if (n < 8) {
		key = bytes_load(p, n);
	} else {
		memcpy(&key, p, 8);
		memcpy(&last, p + n - 8, 8);
		key ^= (last ^ n) * 0x9e3779b97f4a7c15ULL;
	}
	if (__builtin_expect(!s->fcache, 0))
		s->fcache = fp_calloc(STK_FCACHE, sizeof *s->fcache);
	e = &s->fcache[((key ^ n) * 0xff51afd7ed558ccdULL) >> 54];	/* 10 bits: STK_FCACHE */
	if (e->key == key && e->n1 == n + 1 &&
	    (n < 8 || bytes_eq(s->frames.ents[e->id].key, p, n)))
		return e->id;
	id = frame_id(s, p, n, fp_hash_inline(p, n));
	e->key = key;
	e->n1 = (uint32_t)n + 1;
	e->id = id;
	return id;
}

/* A slot holds a node's index (low half, 0 = empty) and the high half of
 * its hash, so that a probe reads a node only when the halves match: the
 * nodes of a large tree are not in the cache. */
static inline uint64_t slot_val(uint64_t h, uint32_t k)
{
	return (h & 0xffffffff00000000ULL) | k;
}

static void grow_slots(struct stacks *s)
{
	size_t i, nslots = (s->mask + 1) * 2;

	free(s->slots);
	s->slots = fp_calloc(nslots, sizeof *s->slots);
	s->mask = nslots - 1;
	for (i = 1; i < s->nnodes; i++) {
		uint64_t h = node_hash(s->nodes[i].parent, s->frames.ents[s->nodes[i].frame].hash);
		size_t j = h & s->mask;

		while (s->slots[j])
			j = (j + 1) & s->mask;
		s->slots[j] = slot_val(h, (uint32_t)i);
	}
}

static uint32_t add_node(struct stacks *s, size_t j, uint64_t h, uint32_t parent, uint32_t frame)
{
	uint32_t k;

	if (s->nnodes >= UINT32_MAX - 1)
		fp_die("too many distinct stacks");
	fp_grow(&s->nodes, &s->cap, s->nnodes + 1, sizeof *s->nodes);
	k = (uint32_t)s->nnodes++;
	s->nodes[k] = (struct stk_node){ parent, frame, s->nodes[parent].depth + 1 };
	s->slots[j] = slot_val(h, k);
	if (s->nnodes * 4 > s->mask * 3)	/* load factor 3/4 */
		grow_slots(s);
	return k;
}

uint32_t stacks_child(struct stacks *s, uint32_t parent, uint32_t frame)
{
	uint64_t h = node_hash(parent, s->frames.ents[frame].hash), v;
	size_t j = h & s->mask;

	for (; (v = s->slots[j]) != 0; j = (j + 1) & s->mask) {
		uint32_t k = (uint32_t)v;

		if (v == slot_val(h, k) && s->nodes[k].parent == parent && s->nodes[k].frame == frame)
			return k;
	}
	return add_node(s, j, h, parent, frame);
}

/* stacks_child() of the frame whose text is p[0..n). */
static uint32_t child_text(struct stacks *s, uint32_t parent, const char *p, size_t n)
{
	uint64_t th = fp_hash_inline(p, n), h = node_hash(parent, th), v;
	size_t j = h & s->mask;

	for (; (v = s->slots[j]) != 0; j = (j + 1) & s->mask) {
		uint32_t k = (uint32_t)v;
		const struct ient *f;

		if (v != slot_val(h, k) || s->nodes[k].parent != parent)
			continue;
		f = &s->frames.ents[s->nodes[k].frame];
		if (f->hash == th && f->len == n && bytes_eq(f->key, p, n))
			return k;
	}
	return add_node(s, j, h, parent, frame_id(s, p, n, th));
}

/* How many frames of the cursor's last stack this one starts with, when
 * their texts share their first p bytes: those that end before the first
 * differing byte, or at it when both texts have a frame boundary there. */
static size_t shared_frames(const struct stk_cursor *c, struct slice stack, size_t p)
{
	size_t k = 0;

	while (k < c->depth && (c->end[k] < p ||
	       (c->end[k] == p && (p == stack.n || stack.p[p] == ';'))))
		k++;
	return k;
}

/* Room for n frames in the cursor. */
static void cursor_reserve(struct stk_cursor *c, size_t n)
{
	if (n > c->cap)
		fp_grow(&c->end, &c->cap, n, sizeof *c->end);
	if (c->cap > c->ncap) {
		c->nodes = fp_realloc(c->nodes, c->cap * sizeof *c->nodes);
		c->ncap = c->cap;
	}
}

/* The cursor's text becomes p[0..n). */
static inline void cursor_text(struct stk_cursor *c, const char *p, size_t n)
{
	char *d;

	c->text.len = 0;
	if (c->text.cap < n)
		buf_reserve(&c->text, n);
	d = c->text.p;
	bytes_copy(d, p, n);
	c->text.len = n;
}

static void cursor_push(struct stk_cursor *c, size_t end, uint32_t id)
{
	if (c->depth == c->cap)
		cursor_reserve(c, c->depth + 1);
	c->end[c->depth] = end;
	c->nodes[c->depth++] = id;
}

/* The cursor becomes node's stack, when node's text is the STACK text
 * p[0..n): 1. Walks from the leaf up, checking each frame's text and
 * filling in its end and node. 0 when they differ (a hash collision in
 * the whole-stack cache), and the cursor is then empty. */
static int cursor_take(struct stacks *s, struct stk_cursor *c, uint32_t node, const char *p,
		       size_t n)
{
	size_t end = n, depth = s->nodes[node].depth, d = depth;

	cursor_reserve(c, depth);
	c->depth = 0;
	c->text.len = 0;
	while (node != STK_ROOT) {
		const struct ient *f = &s->frames.ents[s->nodes[node].frame];

		if (f->len > end || !bytes_eq(p + end - f->len, f->key, f->len))
			return 0;
		c->end[--d] = end;
		c->nodes[d] = node;
		end -= f->len;
		node = s->nodes[node].parent;
		if (node != STK_ROOT) {
			if (end == 0 || p[end - 1] != ';')
				return 0;
			end--;
		}
	}
	if (end != 0)
		return 0;
	c->depth = depth;
	cursor_text(c, p, n);
	return 1;
}

/* The cache entry for a STACK text (and its hash in *h), or NULL when the
 * cache is off. A stream whose stacks seldom come back (each one new, or
 * only ever the same as its thread's last) would pay a hash of the text
 * and a cache miss for nothing: after each STK_CACHE_ROUND lookups the
 * cache stays on only if one in STK_CACHE_MIN of them hit; while it is
 * off, one record in STK_CACHE_MIN still tries it, to notice a change. */
#define STK_CACHE_ROUND 65536u
#define STK_CACHE_MIN 16u
static struct stk_cached *cache_entry(struct stacks *s, struct slice stack, uint64_t *h)
{
	if (s->cache_off && ++s->cache_skip % STK_CACHE_MIN != 0)
		return NULL;
	if (++s->cache_tries == STK_CACHE_ROUND / (s->cache_off ? STK_CACHE_MIN : 1)) {
		s->cache_off = s->cache_hits * STK_CACHE_MIN < s->cache_tries;
		s->cache_tries = s->cache_hits = 0;
	}
	if (!s->cache)
		s->cache = fp_calloc(STK_CACHE, sizeof *s->cache);
	*h = fp_hash(stack.p, stack.n);
	return &s->cache[*h & (STK_CACHE - 1)];
}

uint32_t stacks_intern_at(struct stacks *s, struct stk_cursor *c, struct slice stack)
{
	size_t k, at = 0;
	uint32_t node = STK_ROOT;
	struct stk_cached *e = NULL;	/* the cache entry to fill, if consulted */
	uint64_t h = 0;

	if (stack.n == 0)
		return STK_ROOT;
	if (stack.n == c->text.len && bytes_eq(stack.p, c->text.p, stack.n))
		return c->nodes[c->depth - 1];
	k = shared_frames(c, stack, bytes_prefix(stack.p, c->text.p,
						 stack.n < c->text.len ? stack.n : c->text.len));
	if (k > 0)
		at = c->end[k - 1] + 1;
	/* The whole-stack cache only when the cursor shares less than half
	 * the text: a hash and check of the whole text costs more than the
	 * cursor's work on the smaller rest (perf streams: events2pprof 4%
	 * fewer instructions than with the cache for every record,
	 * events2trace 11% fewer than without it) */
	if (at < stack.n && (stack.n - at) * 2 > stack.n) {
		e = cache_entry(s, stack, &h);
		if (e && e->tag == (uint32_t)(h >> 32) && e->node != STK_ROOT) {
			if (cursor_take(s, c, e->node, stack.p, stack.n)) {
				s->cache_hits++;
				return e->node;
			}
			k = at = 0;	/* not that stack: the cursor is empty */
		}
	}
	c->depth = k;
	if (k > 0)
		node = c->nodes[k - 1];
	while (at <= stack.n) {
		const char *semi = bytes_find(stack.p + at, stack.p + stack.n, ';');
		size_t end = semi ? (size_t)(semi - stack.p) : stack.n;

		node = child_text(s, node, stack.p + at, end - at);
		cursor_push(c, end, node);
		at = end + 1;
	}
	cursor_text(c, stack.p, stack.n);
	if (e) {
		e->tag = (uint32_t)(h >> 32);
		e->node = node;
	}
	return node;
}

/* The frame of text p[0..n) at depth d of the stack after cursor c's
 * (whose old text and frames are still there below depth old): the old
 * one when it is the same text, as it often is below a frame that changed. */
static inline uint32_t frame_at(struct stacks *s, const struct stk_cursor *c, size_t d, size_t old,
				size_t ostart, const char *p, size_t n)
{
	if (d < old && c->end[d] - ostart == n && bytes_eq(c->text.p + ostart, p, n))
		return c->nodes[d];
	return frame_id(s, p, n, fp_hash_inline(p, n));
}

/* How many ';' in [p, end). */
static size_t count_semis(const char *p, const char *end)
{
	size_t k = 0;

#ifdef BYTES_LE_WORDS
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL, ones = 0x0101010101010101ULL;

	for (; end - p >= 8; p += 8) {
		uint64_t w, x;

		memcpy(&w, p, 8);
		x = w ^ (ones * ';');
		x = ~(((x & lo7) + lo7) | x | lo7) >> 7;	/* 1 in each ';' byte */
		k += (size_t)((x * ones) >> 56);
	}
#endif
	for (; p < end; p++)
		k += *p == ';';
	return k;
}

/* The first of the cursor's frames, after its first k, from which on all
 * lie in the last q bytes its text shares with the next one, each after a
 * ';' in them: the same frames, as far from the end. c->depth if none. */
static size_t suffix_frames(const struct stk_cursor *c, size_t k, size_t q)
{
	size_t j = c->depth, from = c->text.len - q;

	while (j > k && j > 1 && c->end[j - 2] >= from)
		j--;
	return j;
}

/* The cursor's frames [first, last) moved to depth to, their ends moved by
 * delta bytes (the room is there). */
static void cursor_move(struct stk_cursor *c, size_t first, size_t last, size_t to, ptrdiff_t delta)
{
	size_t i, n = last - first;

	if (to == first && delta == 0)	/* the frames stay where they are */
		return;
	if (to != first && n > 0) {
		memmove(c->end + to, c->end + first, n * sizeof *c->end);
		memmove(c->nodes + to, c->nodes + first, n * sizeof *c->nodes);
	}
	for (i = to; i < to + n; i++)
		c->end[i] = (size_t)((ptrdiff_t)c->end[i] + delta);
}

/* The new frames of a stack from byte at to byte stop (where its frames
 * that were moved start, after a ';', else its end), into the cursor from
 * depth d = c->depth on, up to its frames [*first, *last) that are kept
 * for after them: moved up when there are more new frames than room. The
 * frames of the old text at the same depth (below first0) are reused when
 * they have the same text. Returns the depth after them. */
static size_t frames_between(struct stacks *s, struct stk_cursor *c, struct slice stack, size_t at,
			     size_t stop, size_t *first, size_t *last)
{
	size_t d = c->depth, first0 = *first, ostart = at;

	while (at <= stop) {
		const char *semi;
		size_t end, oend;

		if (d == *first) {	/* no room left: as much as the frames left need */
			size_t to = d + count_semis(stack.p + at, stack.p + stop) + 1;

			cursor_reserve(c, to + *last - *first);
			cursor_move(c, *first, *last, to, 0);
			*last += to - *first;
			*first = to;
		}
		semi = bytes_find(stack.p + at, stack.p + stop, ';');
		end = semi ? (size_t)(semi - stack.p) : stop;
		oend = d < first0 ? c->end[d] : 0;
		c->nodes[d] = frame_at(s, c, d, first0, ostart, stack.p + at, end - at);
		c->end[d++] = end;
		ostart = oend + 1;
		at = end + 1;
	}
	return d;
}

/* The stack after the cursor's last one when it differs from it in one
 * frame only, the one where their texts first differ (at, the length of
 * the bytes they start with; 0 < c->depth): that frame is looked up, those
 * before it keep their ids, those after it too (the new text ends with
 * their old text), moved by the difference in length. The most common
 * change (a leaf, or a frame in the middle of a stack that keeps its
 * depth) without the bookkeeping of the general case (stacks_frames_at).
 * Returns 0, the cursor untouched, when it is not that case. */
static inline int one_frame(struct stacks *s, struct stk_cursor *c, struct slice stack, size_t at)
{
	size_t k = 0, start, tail, newend, olen = c->text.len, i;
	ptrdiff_t delta;

	while (c->end[k] < at)	/* the old frame where they differ; the last ends at olen >= at */
		k++;
	if (c->end[k] == at)	/* a frame of one is the start of the other's: no */
		return 0;
	tail = olen - c->end[k];	/* from the ';' after old frame k on */
	if (tail > stack.n - at)	/* the new text is too short to end with it */
		return 0;
	newend = stack.n - tail;	/* >= at */
	if (!bytes_eq(stack.p + newend, c->text.p + c->end[k], tail))
		return 0;
	/* old frame k has no ';' and the new one starts with its first bytes */
	if (bytes_find(stack.p + at, stack.p + newend, ';'))
		return 0;
	start = k ? c->end[k - 1] + 1 : 0;
	c->nodes[k] = frame_cached(s, stack.p + start, newend - start);
	delta = (ptrdiff_t)stack.n - (ptrdiff_t)olen;
	if (delta)
		for (i = k; i < c->depth; i++)
			c->end[i] = (size_t)((ptrdiff_t)c->end[i] + delta);
	cursor_text(c, stack.p, stack.n);
	return 1;
}

/* The frames of a stack that differs from the cursor's last one: those it
 * starts with are kept, those it ends with (in the bytes both texts end
 * with) are moved to their new depth, and only the frames in between are
 * looked up (stacks_frames_at). */
size_t stacks_frames_at(struct stacks *s, struct stk_cursor *c, struct slice stack,
			const uint32_t **ids)
{
	size_t old = c->depth, olen = c->text.len, n, k, first, at, q, stop, d;

	*ids = c->nodes;
	if (stack.n == 0)
		return 0;
	n = stack.n < olen ? stack.n : olen;
	at = bytes_prefix(stack.p, c->text.p, n);
	if (at == n && stack.n == olen)	/* the same text */
		return old;
	if (old > 0 && one_frame(s, c, stack, at))
		return old;
	q = n > at ? bytes_suffix(stack.p + stack.n, c->text.p + olen, n - at) : 0;
	k = shared_frames(c, stack, at);
	first = suffix_frames(c, k, q);
	at = k ? c->end[k - 1] + 1 : 0;
	stop = first < old ? c->end[first - 1] + stack.n - olen : stack.n;	/* the new ';' before them */
	if (stop + 1 < at) {	/* no frame between: cannot happen, but then none is moved */
		first = old;
		stop = stack.n;
	}
	c->depth = k;
	d = frames_between(s, c, stack, at, stop, &first, &old);
	if (first != d || stack.n != olen)	/* else they stay where they are */
		cursor_move(c, first, old, d, (ptrdiff_t)stack.n - (ptrdiff_t)olen);
	c->depth = d + old - first;
	cursor_text(c, stack.p, stack.n);
	*ids = c->nodes;
	return c->depth;
}

uint32_t stacks_intern(struct stacks *s, struct slice stack)
{
	return stacks_intern_at(s, &s->cur, stack);
}

void stk_cursor_free(struct stk_cursor *c)
{
	buf_free(&c->text);
	free(c->end);
	free(c->nodes);
	memset(c, 0, sizeof *c);
}

void stacks_frame_get(const struct stacks *s, uint32_t frame, struct ev_frame *f)
{
	const struct ient *e = &s->frames.ents[frame];
	struct slice text = { e->key, e->len };

	if (text.n == 0) {	/* an empty frame: ev_frame_next() takes NULL as no frame */
		memset(f, 0, sizeof *f);
		f->name.p = e->key;
		return;
	}
	ev_frame_next(&text, f);
}

size_t stacks_path(const struct stacks *s, uint32_t node, uint32_t **ids, size_t *cap)
{
	size_t d = s->nodes[node].depth, i = d;

	if (d)
		fp_grow(ids, cap, d, sizeof **ids);
	while (i > 0) {
		(*ids)[--i] = s->nodes[node].frame;
		node = s->nodes[node].parent;
	}
	return d;
}

int stacks_is_prefix(const struct stacks *s, uint32_t a, uint32_t b)
{
	while (s->nodes[b].depth > s->nodes[a].depth)
		b = s->nodes[b].parent;
	return a == b;
}
