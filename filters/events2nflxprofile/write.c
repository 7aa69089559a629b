/* write.c - events2nflxprofile's output: nflxprofile's protobuf wire
 * format (common/proto/nflxprofile.proto) written by hand, field by field,
 * so the packed sample arrays stream from the spilled bytes and are never
 * all in memory (protobuf-c packs only a whole message). */
#include <stdint.h>
#include <string.h>

#include "../../common/out.h"
#include "../../common/stacks.h"
#include "../../common/utf8.h"
#include "nx.h"

enum { VARINT = 0, I64 = 1, LEN = 2 };

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	for (; v >= 0x80; v >>= 7)
		n++;
	return n;
}

static void out_varint(uint64_t v)
{
	char b[10];

	out_write(b, (size_t)(nx_varint(b, v) - b));
}

static void out_tag(unsigned field, unsigned type)
{
	out_varint((uint64_t)field << 3 | type);
}

static void le64(char *b, double d)
{
	uint64_t u;
	int i;

	memcpy(&u, &d, sizeof u);
	for (i = 0; i < 8; i++)
		b[i] = (char)(u >> (8 * i));
}

static void out_double(unsigned field, double d)
{
	char b[8];

	out_tag(field, I64);
	le64(b, d);
	out_write(b, 8);
}

static void buf_varint(struct buf *b, uint64_t v)
{
	char t[10];

	buf_add(b, t, (size_t)(nx_varint(t, v) - t));
}

static void buf_tag(struct buf *b, unsigned field, unsigned type)
{
	buf_varint(b, (uint64_t)field << 3 | type);
}

static void buf_bytes(struct buf *b, unsigned field, const char *p, size_t n)
{
	buf_tag(b, field, LEN);
	buf_varint(b, n);
	buf_add(b, p, n);
}

/* An escaped events text (name, COMM, file) as its raw bytes, which a
 * protobuf string needs to be valid UTF-8 (FlameScope's Python gets
 * bytes for others, which its JSON cannot hold): bytes that are not are
 * replaced by U+FFFD, and counted. */
static void buf_text(struct nx *x, struct buf *b, unsigned field, struct slice s)
{
	x->tmp.len = 0;
	ev_unescape(&x->tmp, s.p, s.n);
	if (utf8_valid(x->tmp.p, x->tmp.len)) {
		buf_bytes(b, field, x->tmp.p, x->tmp.len);
		return;
	}
	x->enc2.len = 0;
	utf8_append(&x->enc2, x->tmp.p, x->tmp.len);
	x->bad_utf8++;
	buf_bytes(b, field, x->enc2.p, x->enc2.len);
}

/* A decimal text that fits a uint32 (pid, tid, line, column). */
static int u32_of(struct slice s, uint32_t *v)
{
	uint64_t n = 0;
	size_t i;

	if (s.n == 0 || s.n > 10)
		return 0;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
		n = n * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (n > UINT32_MAX)
		return 0;
	*v = (uint32_t)n;
	return 1;
}

/* FlameScope's libtype of a frame (formats.md §3.5, §8.2): one per frame,
 * the most specific kind first. */
static const char *libtype(const struct ev_frame *f)
{
	if (f->kind & EVK_INLINED)
		return "inlined";
	if (f->kind & EVK_KERNEL)
		return "kernel";
	if (f->kind & EVK_JIT)
		return "jit";
	return f->dso.n ? "user" : "";
}

/* A StackFrame: function_name, libtype, File (file_name, line, column). */
static void put_frame(struct nx *x, struct buf *node, uint32_t id)
{
	struct ev_frame f;
	const char *lt;
	uint32_t v;

	stacks_frame_get(&x->m.stacks, id, &f);
	x->tmp2.len = 0;
	buf_text(x, &x->tmp2, 1, f.name);
	lt = libtype(&f);
	buf_bytes(&x->tmp2, 2, lt, strlen(lt));
	if (f.file.n) {
		struct buf file = { 0 };

		buf_text(x, &file, 1, f.file);
		if (u32_of(f.line, &v)) {
			buf_tag(&file, 2, VARINT);
			buf_varint(&file, v);
		}
		if (u32_of(f.col, &v)) {
			buf_tag(&file, 3, VARINT);
			buf_varint(&file, v);
		}
		buf_bytes(&x->tmp2, 3, file.p, file.len);
		buf_free(&file);
	}
	buf_bytes(node, 10, x->tmp2.p, x->tmp2.len);
}

/* The root element's name: the COMM of the node's samples, else the
 * thread's name (T/P records, its last COMM), else empty. */
static struct slice node_name(const struct nx *x, const struct nx_node *nd)
{
	struct slice s = { "", 0 };

	if (nd->comm != MD_NONE)
		return model_comm(&x->m, nd->comm);
	model_thread_name(&x->m, nd->thread, &s);
	return s;
}

/* map entry {1: key, 2: Node} of node key k (node NULL: the root, 0). */
static void put_node(struct nx *x, uint32_t k, const struct nx_node *nd)
{
	struct buf *b = &x->enc;
	size_t i, depth;
	uint32_t v;

	b->len = 0;
	if (!nd) {
		buf_bytes(b, 1, "root", 4);
		buf_tag(b, 2, VARINT);
		buf_varint(b, 0);
	} else {
		const struct md_thread *th = model_thread(&x->m, nd->thread);

		buf_text(x, b, 1, node_name(x, nd));
		buf_tag(b, 2, VARINT);
		buf_varint(b, nd->hits > UINT32_MAX ? UINT32_MAX : nd->hits);
		if (u32_of(th->pid, &v)) {
			buf_tag(b, 6, VARINT);
			buf_varint(b, v);
		}
		if (u32_of(th->tid, &v)) {
			buf_tag(b, 7, VARINT);
			buf_varint(b, v);
		}
		depth = stacks_path(&x->m.stacks, nd->stack, &x->path, &x->pathcap);
		for (i = 0; i < depth; i++)
			put_frame(x, b, x->path[i]);
	}
	out_tag(5, LEN);
	out_varint(1 + varint_size(k) + 1 + varint_size(b->len) + b->len);
	out_tag(1, VARINT);
	out_varint(k);
	out_tag(2, LEN);
	out_varint(b->len);
	out_write(b->p, b->len);
}

static void put_param(const char *key, const char *value)
{
	size_t k = strlen(key), v = strlen(value);

	out_tag(8, LEN);
	out_varint(1 + varint_size(k) + k + 1 + varint_size(v) + v);
	out_tag(1, LEN);
	out_varint(k);
	out_write(key, k);
	out_tag(2, LEN);
	out_varint(v);
	out_write(value, v);
}

static void copy_bytes(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	out_write(p, n);
}

/* A packed field from its spilled stream, as it is. */
static void put_packed(struct nx *x, unsigned field, struct nx_spill *s)
{
	if (s->len == 0)
		return;
	out_tag(field, LEN);
	out_varint(s->len);
	nx_spill_each(s, &x->tmp, copy_bytes, NULL);
}

/* The deltas: each one is the sample's time less the sum so far, both
 * doubles, so that the reader's running sum (start_time + the deltas, in
 * doubles: FlameScope's Python, nflxprofile2events) lands on the double
 * nearest each sample's time; rounding errors never pile up. */
struct deltas {
	double now;
	char carry[8];
	size_t ncarry;
};

/* The double nearest t ns in seconds: t / 1e9 rounded once while t is
 * exact in a double (|t| <= 2^53 ns, 104 days); beyond, through a long
 * double (x86's 64-bit mantissa holds t exactly: within 1/2048 of an ulp
 * more). */
static double ns_to_secs(int64_t t)
{
	if (t <= (INT64_C(1) << 53) && t >= -(INT64_C(1) << 53))
		return (double)t / 1e9;
	return (double)((long double)t / 1e9L);
}

static void put_delta(struct deltas *d, const char *p)
{
	int64_t t;
	double target, delta;
	char b[8];

	memcpy(&t, p, sizeof t);
	target = ns_to_secs(t);
	delta = target - d->now;
	d->now += delta;
	le64(b, delta);
	out_write(b, 8);
}

static void put_deltas(void *ctx, const char *p, size_t n)
{
	struct deltas *d = ctx;

	while (d->ncarry && n) {	/* a time split between two reads */
		d->carry[d->ncarry++] = *p++;
		n--;
		if (d->ncarry == 8) {
			put_delta(d, d->carry);
			d->ncarry = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8)
		put_delta(d, p);
	memcpy(d->carry, p, n);
	d->ncarry = n;
}

void nx_write(struct nx *x)
{
	int64_t start = x->have_start ? x->start_hdr : 0, end = x->have_end ? x->end_hdr : start;
	struct deltas d = { 0 };
	size_t i;

	if (x->nsamples) {
		if (!x->have_start || x->first < start)
			start = x->first;
		if (!x->have_end || x->last > end)
			end = x->last;
	}
	if (end < start)
		end = start;
	d.now = ns_to_secs(start);
	out_double(1, d.now);
	out_double(2, ns_to_secs(end));
	put_packed(x, 3, &x->st[NX_IDS]);
	if (x->nsamples) {
		out_tag(4, LEN);
		out_varint(x->nsamples * 8);
		nx_spill_each(&x->st[NX_TIMES], &x->tmp, put_deltas, &d);
	}
	put_node(x, 0, NULL);
	for (i = 0; i < x->nnodes; i++)
		put_node(x, (uint32_t)(i + 1), &x->nodes[i]);
	put_param("has_node_stack", "true");
	put_param("has_node_pid", "true");
	put_param("has_node_tid", "true");
	if (x->all_cpus && x->nsamples) {
		put_param("has_samples_cpu", "true");
		put_packed(x, 9, &x->st[NX_CPUS]);
	}
	if (x->weighted) {
		put_param("hasValues", "true");
		put_packed(x, 12, &x->st[NX_VALUES]);
	}
}
