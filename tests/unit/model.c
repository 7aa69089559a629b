/* Unit tests of the stream model: the stack tree (stacks.h) against a
 * naive reference on random stacks (same text <=> same node, path and
 * depth give back the text, prefixes share nodes, the prefix-reuse cursor
 * and the whole-stack cache never confuse two stacks), and the model's
 * span repair (model.h) on a crafted stream. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/model.h"
#include "../../common/stacks.h"

static int failed, checks;

#define CHECK(c, ...) do { checks++; if (!(c)) { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* The text of node, rebuilt from its frames. */
static void node_text(const struct stacks *s, uint32_t node, struct buf *b)
{
	uint32_t *ids = NULL;
	size_t cap = 0, n = stacks_path(s, node, &ids, &cap), i;

	b->len = 0;
	for (i = 0; i < n; i++) {
		const struct ient *f = &s->frames.ents[ids[i]];

		if (i)
			buf_addc(b, ';');
		buf_add(b, f->key, f->len);
	}
	free(ids);
}

/* Random stacks over a small alphabet, so that texts repeat, share
 * prefixes, and differ inside frame names ("a" vs "ab"). */
static const char *names[] = { "a", "ab", "b", "a`kernel", "", "c;", "abc", "x`dso=a;b" };

static size_t random_stack(char *p, size_t cap)
{
	size_t n = 0, depth = (size_t)(rand() % 6), i;

	for (i = 0; i < depth; i++) {
		const char *f = names[rand() % 8];
		size_t k = strcspn(f, ";");	/* ';' only as a separator */

		if (i && n < cap)
			p[n++] = ';';
		if (n + k < cap) {
			memcpy(p + n, f, k);
			n += k;
		}
	}
	return n;
}

/* A stack made from prev (n bytes) by one or two edits of its frames:
 * one replaced, added or removed, so that it shares a prefix and a
 * suffix with prev (and frames of the same text at other depths). */
static size_t edited_stack(const char *prev, size_t n, char *p, size_t cap)
{
	const char *f[64];
	size_t len[64], nf = 0, i, k, edits = 1 + (size_t)(rand() % 2), out = 0;
	const char *at = prev, *end = prev + n;

	while (n > 0 && nf < 60) {	/* the frames of a non-empty text */
		const char *semi = memchr(at, ';', (size_t)(end - at));

		f[nf] = at;
		len[nf++] = semi ? (size_t)(semi - at) : (size_t)(end - at);
		if (!semi)
			break;
		at = semi + 1;
	}
	for (; edits > 0; edits--) {
		const char *name = names[rand() % 8];
		int op = rand() % 3;

		i = nf ? (size_t)rand() % (nf + (op == 1)) : 0;
		if (op == 2 && nf > 0) {	/* remove */
			memmove(f + i, f + i + 1, (nf - i - 1) * sizeof *f);
			memmove(len + i, len + i + 1, (nf - i - 1) * sizeof *len);
			nf--;
			continue;
		}
		if (op == 1 || nf == 0) {	/* add */
			memmove(f + i + 1, f + i, (nf - i) * sizeof *f);
			memmove(len + i + 1, len + i, (nf - i) * sizeof *len);
			nf++;
		}
		f[i] = name;
		len[i] = strcspn(name, ";");
	}
	for (k = 0; k < nf; k++) {
		if (k && out < cap)
			p[out++] = ';';
		if (out + len[k] < cap) {
			memcpy(p + out, f[k], len[k]);
			out += len[k];
		}
	}
	return out;
}

static void test_stacks(void)
{
	enum { N = 200000, CURSORS = 3 };
	struct stacks s;
	struct stk_cursor cur[CURSORS] = { { { 0 } } };
	struct intern ref = { 0 };	/* text -> aux: node */
	struct buf b = { 0 };
	char text[256];
	int i;

	stacks_init(&s);
	srand(7);
	for (i = 0; i < N; i++) {
		size_t n = random_stack(text, sizeof text);
		uint32_t node = i % 4 == 3 ? stacks_intern(&s, (struct slice){ text, n })
					   : stacks_intern_at(&s, &cur[rand() % CURSORS],
							      (struct slice){ text, n });
		int added;
		size_t k = intern_get(&ref, text, n, &added);

		if (added)
			ref.ents[k].aux = node;
		CHECK((uint32_t)ref.ents[k].aux == node, "stack %d '%.*s': node %u, first seen as %u",
		      i, (int)n, text, node, (unsigned)ref.ents[k].aux);
		node_text(&s, node, &b);
		CHECK(b.len == n && memcmp(b.p, text, n) == 0, "stack %d: '%.*s' came back as '%.*s'",
		      i, (int)n, text, (int)b.len, b.p);
	}
	/* every node is reached by exactly one text: no more nodes than the
	 * distinct non-empty prefixes ending at a frame boundary */
	CHECK(s.nnodes - 1 <= ref.count * 6, "%zu nodes for %zu texts", s.nnodes, ref.count);
	{
		uint32_t ab = stacks_intern(&s, (struct slice){ "a;b", 3 });
		uint32_t a = stacks_intern(&s, (struct slice){ "a", 1 });
		uint32_t abc = stacks_intern(&s, (struct slice){ "a;b;c", 5 });

		CHECK(s.nodes[ab].parent == a, "a;b is under a");
		CHECK(stacks_is_prefix(&s, a, abc) && !stacks_is_prefix(&s, abc, a), "prefix");
		CHECK(stacks_depth(&s, abc) == 3 && stacks_depth(&s, STK_ROOT) == 0, "depth");
		CHECK(stacks_frame_kind(&s, s.nodes[stacks_intern(&s, (struct slice){ "k`kernel", 8 })].frame)
			      == EVK_KERNEL, "kind");
	}
	{
		/* a whole-stack cache entry whose hash matches but whose node is
		 * another stack's (what a hash collision gives): the text's own
		 * node, and the cursor it leaves serves the next stacks */
		static const char t[] = "x;y;z;w", u[] = "x;y;z;w;v";
		struct stk_cursor fresh = { { 0 } };
		uint32_t xyzw = stacks_intern(&s, (struct slice){ t, 7 });
		uint32_t ab = stacks_intern(&s, (struct slice){ "a;b", 3 });
		uint64_t h = fp_hash(t, 7);
		uint32_t got;

		s.cache_off = 0;
		if (!s.cache)	/* the cache is made on its first use */
			stacks_intern_at(&s, &fresh, (struct slice){ "q;r;s", 5 }), stk_cursor_free(&fresh);
		CHECK(s.cache != NULL, "the cache is in use");
		if (s.cache) {
			s.cache[h & (STK_CACHE - 1)] = (struct stk_cached){ (uint32_t)(h >> 32), ab };
			got = stacks_intern_at(&s, &fresh, (struct slice){ t, 7 });
			CHECK(got == xyzw, "collision: node %u, want %u (not a;b's %u)", got, xyzw, ab);
			/* the same with a node whose check fails only at its root
			 * frame, after a cursor sharing the first frame */
			s.cache[h & (STK_CACHE - 1)] =
				(struct stk_cached){ (uint32_t)(h >> 32), stacks_intern(&s, (struct slice){ "y;z;w", 5 }) };
			stacks_intern_at(&s, &fresh, (struct slice){ "x;q", 3 });
			got = stacks_intern_at(&s, &fresh, (struct slice){ t, 7 });
			CHECK(got == xyzw, "collision after x;q: node %u, want %u", got, xyzw);
			got = stacks_intern_at(&s, &fresh, (struct slice){ t, 7 });
			CHECK(got == xyzw, "after a collision, the same text: node %u, want %u", got, xyzw);
			got = stacks_intern_at(&s, &fresh, (struct slice){ u, 9 });
			CHECK(s.nodes[got].parent == xyzw, "after a collision, a longer text: not under it");
			/* a cache hit makes that stack the cursor's */
			s.cache[h & (STK_CACHE - 1)] = (struct stk_cached){ (uint32_t)(h >> 32), xyzw };
			stacks_intern_at(&s, &fresh, (struct slice){ "a;b", 3 });
			got = stacks_intern_at(&s, &fresh, (struct slice){ t, 7 });
			CHECK(got == xyzw && fresh.depth == 4 && fresh.text.len == 7 &&
			      memcmp(fresh.text.p, t, 7) == 0 && fresh.nodes[3] == xyzw &&
			      fresh.end[0] == 1 && fresh.end[3] == 7,
			      "a cache hit: the cursor holds depth %zu, '%.*s'", fresh.depth,
			      (int)fresh.text.len, fresh.text.p);
			got = stacks_intern_at(&s, &fresh, (struct slice){ u, 9 });
			CHECK(s.nodes[got].parent == xyzw, "after a hit, a longer text: not under it");
		}
		stk_cursor_free(&fresh);
	}
	for (i = 0; i < CURSORS; i++)
		stk_cursor_free(&cur[i]);
	intern_free(&ref);
	buf_free(&b);
	stacks_free(&s);
}

/* stacks_frames_at() gives the frame ids of stacks_path() on the stack's
 * node, whatever the cursor saw before (frames reused from the previous
 * stack at the same depth, from its shared prefix, or from its shared
 * suffix): every other stack is an edit of the cursor's last one. */
static void test_frames_at(void)
{
	enum { N = 200000, CURSORS = 3 };
	struct stacks s;
	struct stk_cursor cur[CURSORS] = { { { 0 } } };
	uint32_t *path = NULL;
	size_t cap = 0;
	char text[256], last[CURSORS][256];
	size_t nlast[CURSORS] = { 0 };
	int i;

	stacks_init(&s);
	srand(11);
	for (i = 0; i < N; i++) {
		int c = rand() % CURSORS;
		size_t n = i % 2 ? edited_stack(last[c], nlast[c], text, sizeof text)
				 : random_stack(text, sizeof text), k, j;
		const uint32_t *ids;
		uint32_t node;

		memcpy(last[c], text, n);
		nlast[c] = n;
		k = stacks_frames_at(&s, &cur[c], (struct slice){ text, n }, &ids);
		node = stacks_intern(&s, (struct slice){ text, n });
		j = stacks_path(&s, node, &path, &cap);
		CHECK(k == j && (k == 0 || memcmp(ids, path, k * sizeof *ids) == 0),
		      "stack %d '%.*s': %zu frames, the tree has %zu", i, (int)n, text, k, j);
	}
	for (i = 0; i < CURSORS; i++)
		stk_cursor_free(&cur[i]);
	free(path);
	stacks_free(&s);
}

/* ---- the model's span repair ---- */

static struct buf log_;

static void on_close(void *ctx, const struct md_span *sp)
{
	struct model *m = ctx;
	struct buf t = { 0 };

	node_text(&m->stacks, sp->stack, &t);
	buf_add(&log_, t.p, t.len);
	{
		char n[96];

		snprintf(n, sizeof n, " %" PRId64 "-%" PRId64 " self %" PRId64 "%s\n", sp->start,
			 sp->end, sp->self, sp->forced ? " forced" : "");
		buf_adds(&log_, n);
	}
	buf_free(&t);
}

static void test_spans(void)
{
	static const char stream[] =
		"#flamepipe-events 1\n"
		"O\t1\t1\t1\t-\t-\t-\t-\ta\n"
		"O\t2\t1\t1\t-\t-\t-\t-\ta;b\n"
		"O\t3\t1\t1\t-\t-\t-\t-\ta;b;c\n"
		"C\t5\t1\t1\t-\t-\t-\t-\ta;b\n"		/* closes c first (forced) */
		"C\t4\t1\t1\t-\t-\t-\t-\tx\n"		/* not open: skipped; earlier: moved */
		"O\t6\t1\t2\t-\t-\t-\t-\tz\n"		/* never closed */
		"S\t7\t1\t2\t-\tcomm\tev\t1\tz;y\n"	/* a sample: not a span time */
		"C\t9\t1\t1\t-\t-\t-\t-\ta\n";
	static const char want[] =
		"a;b;c 3000000000-5000000000 self 2000000000 forced\n"
		"a;b 2000000000-5000000000 self 1000000000\n"
		"a 1000000000-9000000000 self 5000000000\n"
		"z 6000000000-6000000000 self 0 forced\n"	/* its last span time */;
	char path[] = "/tmp/fp-unit-model.XXXXXX";
	int fd = mkstemp(path);
	struct model m;
	struct md_sink sink = { 0 };

	CHECK(fd >= 0 && write(fd, stream, sizeof stream - 1) == (ssize_t)(sizeof stream - 1), "tmp");
	close(fd);
	sink.ctx = &m;
	sink.close = on_close;
	model_init(&m, &sink, NULL);
	CHECK(model_read(path, &m) == 0, "read");
	model_end(&m);
	unlink(path);
	CHECK(log_.len == sizeof want - 1 && memcmp(log_.p, want, log_.len) == 0,
	      "span repair:\n%.*s\nwanted:\n%s", (int)log_.len, log_.p, want);
	CHECK(m.forced == 1 && m.unclosed == 1 && m.reordered == 1 && m.skips.total == 1,
	      "counts: forced %" PRIu64 " unclosed %" PRIu64 " reordered %" PRIu64 " skipped %" PRIu64,
	      m.forced, m.unclosed, m.reordered, m.skips.total);
	CHECK(m.nth == 2, "%zu threads", m.nth);
	{
		struct slice name;

		CHECK(model_thread_name(&m, 1, &name) && name.n == 4 && memcmp(name.p, "comm", 4) == 0,
		      "thread 1 named by its comm");
		CHECK(!model_tp_name(&m, 1, &name), "no T/P name");
	}
	model_free(&m);
	buf_free(&log_);
}

int main(void)
{
	test_stacks();
	test_frames_at();
	test_spans();
	fprintf(stderr, "model: %d checks, %d failed\n", checks, failed);
	return failed != 0;
}
