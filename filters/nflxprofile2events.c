/* nflxprofile2events - convert Netflix nflxprofile (FlameScope) profiles to the flamepipe events format */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nflxprofile.pb-c.h"

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/digits.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/pbinput.h"
#include "../common/pbwire.h"
#include "../common/out.h"
#include "../common/skip.h"
#include "../common/u64map.h"
#include "cmds.h"

typedef Nflxprofile__Profile Profile;
typedef Nflxprofile__Profile__Node Node;

#define NONE ((size_t)-1)

static const struct cli_info info = {
	"nflxprofile2events",
	"nflxprofile2events [-q] [--strict] [FILE ...]",
	"Convert Netflix nflxprofile files (FlameScope's protobuf format; plain,\n"
	"gzip or zstd) to a flamepipe events stream (events(5)). Each sample\n"
	"becomes an S record at start_time plus its time deltas, of event\n"
	"\"samples\" weighing 1, or of event \"value\" weighing its value when the\n"
	"file has per-sample values. FILE - or no FILE reads stdin.\n"
	"\n"
	"      --strict    stop at the first sample that cannot be used\n"
	"  -q, --quiet     no progress line on a terminal\n"
	"      --help      show this help and exit\n"
	"      --version   show the version and exit\n",
};

/* What params say the file holds (docs/nflxprofile.md). */
enum {
	P_NODE_STACK = 1, P_PARENT = 2, P_CPU = 4, P_PID = 8, P_TID = 16, P_VALUES = 32
};

/* The per-sample arrays, read in place (pbinput.h): their field numbers
 * and wire types, in the order of nflx_arrays[]. */
enum { A_SAMPLES, A_DELTAS, A_CPU, A_PID, A_TID, A_VALUE, A_N };
static const struct pb_array nflx_arrays[A_N + 1] = {
	[A_SAMPLES] = { 3, PBW_VARINT }, [A_DELTAS] = { 4, PBW_I64 },
	[A_CPU] = { 9, PBW_VARINT }, [A_PID] = { 10, PBW_VARINT },
	[A_TID] = { 11, PBW_VARINT }, [A_VALUE] = { 12, PBW_VARINT },
};

/* The arrays of a sample's ids, which the node's texts do not hold. */
#define USED_IDS (1u << A_CPU | 1u << A_PID | 1u << A_TID)

/* Sample i's entries of the arrays: bit a of has when array a has one. */
struct sample {
	uint64_t v[A_N];
	unsigned has;
};

/* A node's texts, rendered once and copied into every sample of it (a
 * node is the same text in every sample): its frames (its whole stack
 * with has_node_stack); with has_node_stack, for samples whose ids are
 * the node's, its fields from PID to EVENT ("\tPID\tTID\tCPU\tCOMM\tEVENT\t")
 * for samples of event mid_ev (1 samples, 2 value; 0 none yet), and the
 * whole record after the time for samples of event tail_ev weighing
 * tail_w (the weight of its first such sample: most weigh the same). Kept
 * in struct nx's text, which has COPY_SLACK bytes after its end. */
struct node_text {
	struct out_kept frames, mid, comm, tail;
	int64_t tail_w;
	unsigned char mid_ev, tail_ev;
};

/* The digits of the last v written, stored whole (24 bytes) past what
 * they need. */
struct memo {
	uint64_t v;
	size_t n;		/* 0: none yet */
	char d[24];
};

static inline char *memo_put(char *o, struct memo *m, uint64_t v)
{
	if (m->v != v || !m->n) {
		m->v = v;
		m->n = (size_t)(digits_put(m->d, v) - m->d);
	}
	memcpy(o, m->d, sizeof m->d);
	return o + m->n;
}

/* Cached texts are copied COPY_SLACK bytes at a time, past their end. */
#define COPY_SLACK 64

struct nx {
	struct skips skips;
	int units;		/* E records written: 1 samples, 2 value */
	/* per input */
	const char *file;
	const Profile *p;
	const struct pb_raw *raw;
	struct pbw_rep arr[A_N];
	unsigned active;	/* bit a: array a has elements */
	unsigned used;		/* bit a: the params say to use array a */
	unsigned flags;
	struct u64map ids;	/* node key -> index in p->nodes */
	size_t *dense, ndense;	/* or, for keys below ndense, this array */
	size_t *parent;		/* per node index, NONE at the root */
	size_t *chain, chain_cap;
	uint64_t clamped;
	struct node_text *nt;	/* per node index */
	struct buf text, comms;
	struct buf head;	/* a sample's fields from PID to EVENT */
	struct memo secs, weight;
};

static unsigned param_flags(const Profile *p)
{
	static const struct {
		const char *key;
		unsigned flag;
	} known[] = {
		{ "has_node_stack", P_NODE_STACK }, { "has_parent", P_PARENT },
		{ "has_samples_cpu", P_CPU }, { "has_samples_pid", P_PID },
		{ "has_samples_tid", P_TID }, { "hasValues", P_VALUES },
	};
	unsigned flags = 0;
	size_t i, k;

	for (i = 0; i < p->n_params; i++)
		for (k = 0; k < sizeof known / sizeof known[0]; k++)
			if (p->params[i]->key && p->params[i]->value &&
			    strcmp(p->params[i]->key, known[k].key) == 0 &&
			    strcmp(p->params[i]->value, "true") == 0)
				flags |= known[k].flag;
	return flags;
}

static const Node *node_at(const struct nx *nx, size_t i)
{
	return nx->p->nodes[i]->value;
}

static size_t node_index(const struct nx *nx, uint32_t key)
{
	const struct u64ent *e;

	if (key < nx->ndense)
		return nx->dense[key];
	if (nx->dense)
		return NONE;
	e = u64map_find(&nx->ids, key);
	return e && node_at(nx, (size_t)e->value) ? (size_t)e->value : NONE;
}

/* Node keys to indexes: an array when the keys are small (writers number
 * nodes from 0 or 1), else the map; a key given twice is its last node,
 * as in protobuf-c's map. */
static void index_nodes(struct nx *nx)
{
	size_t n = nx->p->n_nodes, i, max = 0;

	for (i = 0; i < n; i++)
		if (nx->p->nodes[i]->key > max)
			max = nx->p->nodes[i]->key;
	if (n > 0 && max < 2 * n + 1024) {
		nx->ndense = max + 1;
		nx->dense = fp_malloc(nx->ndense * sizeof *nx->dense);
		for (i = 0; i < nx->ndense; i++)
			nx->dense[i] = NONE;
	}
	for (i = 0; i < n; i++)
		u64map_add(&nx->ids, nx->p->nodes[i]->key)->value = (int64_t)i;
	if (nx->dense)
		for (i = 0; i < n; i++) {
			const struct u64ent *e = u64map_find(&nx->ids, nx->p->nodes[i]->key);

			if (e && (size_t)e->value == i && node_at(nx, i))
				nx->dense[nx->p->nodes[i]->key] = i;
		}
}

/* Parents: from the parent fields, or (old files) breadth-first from node
 * 0 over the children lists; node 0 is the implicit root, never a frame. */
static void link_parents(struct nx *nx)
{
	size_t n = nx->p->n_nodes, i, head = 0, tail = 0, *queue;

	nx->parent = fp_malloc((n + 1) * sizeof *nx->parent);
	for (i = 0; i < n; i++)
		nx->parent[i] = NONE;
	if (nx->flags & P_PARENT) {
		for (i = 0; i < n; i++) {
			const Node *nd = node_at(nx, i);

			if (nd && nd->has_parent && nd->parent != 0)
				nx->parent[i] = node_index(nx, nd->parent);
		}
		return;
	}
	queue = fp_malloc((n + 1) * sizeof *queue);
	if ((i = node_index(nx, 0)) != NONE)
		queue[tail++] = i;
	while (head < tail) {
		const Node *nd = node_at(nx, queue[head]);
		size_t c;

		for (c = 0; c < nd->n_children; c++) {
			size_t k = node_index(nx, nd->children[c]);

			/* a node is reached once: cycles and shared children end here */
			if (k == NONE || k == queue[0] || nx->parent[k] != NONE)
				continue;
			nx->parent[k] = queue[head];
			queue[tail++] = k;
		}
		head++;
	}
	free(queue);
}

static void put_frame(const char *name, const char *libtype, const Nflxprofile__File *file)
{
	struct ev_frame_out f = { 0 };

	f.name = ev_str(name);
	if (libtype && strcmp(libtype, "kernel") == 0)
		f.kind = EVK_KERNEL;
	else if (libtype && strcmp(libtype, "jit") == 0)
		f.kind = EVK_JIT;
	else if (libtype && strcmp(libtype, "inlined") == 0)
		f.kind = EVK_INLINED;
	if (file) {
		f.file = ev_str(file->file_name);
		f.line = file->has_line ? file->line : 0;
		f.col = file->has_column ? file->column : 0;
	}
	ev_put_frame(&f);
}

/* The chain of node k's parents in nx->chain, leaf first, without the
 * root (node 0, or a parent 0); its length, or NONE for a parent cycle. */
static size_t chain(struct nx *nx, size_t k)
{
	size_t n = 0, i;

	for (i = k; i != NONE; i = nx->parent[i]) {
		if (n >= nx->p->n_nodes)
			return NONE;
		fp_grow(&nx->chain, &nx->chain_cap, n + 1, sizeof *nx->chain);
		nx->chain[n++] = i;
	}
	if (n > 0 && nx->p->nodes[nx->chain[n - 1]]->key == 0)
		n--;
	return n;
}

/* Node k's frame (its stack with has_node_stack), root first. */
static void put_node(struct nx *nx, size_t k)
{
	const Node *nd = node_at(nx, k);
	size_t i;

	if (nx->flags & P_NODE_STACK) {
		for (i = 0; i < nd->n_stack; i++) {
			if (i)
				out_putc(';');
			put_frame(nd->stack[i]->function_name, nd->stack[i]->libtype, nd->stack[i]->file);
		}
		return;
	}
	put_frame(nd->function_name, nd->libtype, nd->file);
}

/* Keep what was written since pos as piece k of nx->text, which keeps
 * COPY_SLACK bytes after its end for copy_text(). */
static void keep_text(struct nx *nx, struct out_kept *k, uint64_t pos)
{
	out_keep(&nx->text, k, pos);
	buf_reserve(&nx->text, COPY_SLACK);
}

/* put_node once, then copied from the cache: memory is the nodes' text. */
static void put_node_cached(struct nx *nx, size_t k)
{
	uint64_t pos;

	if (out_kept_put(&nx->text, &nx->nt[k].frames))
		return;
	pos = out_pos();
	put_node(nx, k);
	keep_text(nx, &nx->nt[k].frames, pos);
}

/* The frames of node k, root first: its stack (has_node_stack), or the
 * n nodes of nx->chain. */
static void put_stack(struct nx *nx, size_t k, size_t n)
{
	size_t i;

	if (nx->flags & P_NODE_STACK) {
		put_node_cached(nx, k);
		return;
	}
	for (i = n; i-- > 0;) {
		put_node_cached(nx, nx->chain[i]);
		if (i)
			out_putc(';');
	}
}

/* Seconds (a double) to ns: the double's exact value times 1e9, rounded
 * to the nearest integer, ties to even: what printf's "%.9f" gives, in
 * integers (printf was most of the time per sample). |s| = m 2^e with
 * m < 2^53, so |s| 1e9 = m 1e9 / 2^(53-e), m 1e9 < 2^83. */
static int secs_to_ns(double s, int64_t *ns)
{
	unsigned __int128 p, q, half, r;
	uint64_t bits, m;
	int e, shift;

	/* m and e from the double's bits (frexp and ldexp were calls): a
	 * normal |s| is m 2^(e-53), m with its implicit bit 52; a subnormal
	 * one is below 2^-1022: 0 ns, as zero; exponent 0x7ff is not finite */
	memcpy(&bits, &s, sizeof bits);
	e = (int)(bits >> 52 & 0x7ff);
	if (e == 0) {
		*ns = 0;
		return 0;
	}
	if (e == 0x7ff || fabs(s) > 9.2e9)
		return -1;
	m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
	e -= 1022;
	p = (unsigned __int128)m * 1000000000u;
	shift = 53 - e;
	if (shift > 0 && shift < 64) {	/* |s| in [2^-10, 2^52): the low word holds r */
		uint64_t lo = (uint64_t)p, h = UINT64_C(1) << (shift - 1), rr = lo & ((h << 1) - 1);

		q = p >> shift;
		if (rr > h || (rr == h && (q & 1)))
			q++;
	} else if (shift <= 0) {
		q = p << -shift;
	} else if (shift >= 120) {
		q = 0;		/* below 2^-30 ns */
	} else {
		half = (unsigned __int128)1 << (shift - 1);
		r = p & ((half << 1) - 1);
		q = p >> shift;
		if (r > half || (r == half && (q & 1)))
			q++;
	}
	*ns = s < 0 ? -(int64_t)q : (int64_t)q;
	return 0;
}

/* n bytes of kept text to o, COPY_SLACK at a time: o has room for n +
 * COPY_SLACK bytes, p is followed by COPY_SLACK readable bytes. */
static inline char *copy_text(char *o, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += COPY_SLACK)
		memcpy(o + i, p + i, COPY_SLACK);
	return o + n;
}

/* A tab and the digits of v, or "-" when there is none, to b. */
static void put_id(struct buf *b, int has, uint64_t v)
{
	char tmp[24], *q = tmp + sizeof tmp;

	buf_addc(b, '\t');
	if (has)
		q = digits_u64(q, v);
	else
		*--q = '-';
	buf_add(b, q, (size_t)(tmp + sizeof tmp - q));
}

/* The fields from PID to EVENT between tabs, to b. */
static void put_mid(struct buf *b, uint64_t pid, int has_pid, uint64_t tid, int has_tid, int cpu,
		    struct slice comm, int values)
{
	put_id(b, has_pid, pid);
	put_id(b, has_tid, tid);
	put_id(b, cpu >= 0, (uint64_t)(cpu >= 0 ? cpu : 0));
	buf_addc(b, '\t');
	buf_add(b, comm.p, comm.n);
	buf_add(b, values ? "\tvalue\t" : "\tsamples\t", values ? 7 : 9);
}

/* "S\tTIME" to o (room for 40 bytes): the digits of the whole seconds
 * from nx->secs (samples come in time order). */
static inline char *put_s_time(struct nx *nx, char *o, int64_t t)
{
	*o++ = 'S';
	*o++ = '\t';
	if (t < 0)
		return ev_time_at(o, t);
	o = memo_put(o, &nx->secs, (uint64_t)t / 1000000000);
	return digits_put_frac9(o, (uint32_t)((uint64_t)t % 1000000000));
}

/* WEIGHT to o (room for 24 bytes), from nx->weight (most weigh the same). */
static inline char *put_weight(struct nx *nx, char *o, int64_t w)
{
	return w >= 0 ? memo_put(o, &nx->weight, (uint64_t)w) : ev_i64_at(o, w);
}

/* S TIME, the fields from PID to EVENT (mid, between tabs), WEIGHT and a
 * tab, as ev_put_head() writes them; in one piece when it fits the
 * buffer. */
static void put_head(struct nx *nx, int64_t t, struct slice mid, int64_t w)
{
	char *o = out_reserve(mid.n + 72), tmp[72];

	if (!o) {
		o = put_s_time(nx, tmp, t);
		out_write(tmp, (size_t)(o - tmp));
		out_write(mid.p, mid.n);
		o = put_weight(nx, tmp, w);
		*o++ = '\t';
		out_write(tmp, (size_t)(o - tmp));
		return;
	}
	o = put_s_time(nx, o, t);
	memcpy(o, mid.p, mid.n);
	o = put_weight(nx, o + mid.n, w);
	*o++ = '\t';
	out_commit(o);
}

/* Keep node x's whole record after the time for samples of event ev
 * weighing w, once: from its kept fields and frames. */
static void keep_tail(struct nx *nx, struct node_text *x, int ev, int64_t w)
{
	char tmp[32], *o;

	if (x->tail.len != OUT_NOT_KEPT || x->mid_ev != ev || x->frames.len == OUT_NOT_KEPT)
		return;
	o = ev_i64_at(tmp, w);
	*o++ = '\t';
	x->tail.off = nx->text.len;
	buf_reserve(&nx->text, x->mid.len + (size_t)(o - tmp) + x->frames.len + 1 + COPY_SLACK);
	buf_add(&nx->text, nx->text.p + x->mid.off, x->mid.len);
	buf_add(&nx->text, tmp, (size_t)(o - tmp));
	buf_add(&nx->text, nx->text.p + x->frames.off, x->frames.len);
	buf_addc(&nx->text, '\n');
	x->tail.len = nx->text.len - x->tail.off;
	x->tail_ev = (unsigned char)ev;
	x->tail_w = w;
}

/* A whole S record from node k's kept texts, when they are kept and fit
 * the buffer: 1, else 0. */
static inline int put_kept_sample(struct nx *nx, size_t k, int64_t t, int ev, int64_t w)
{
	struct node_text *x = &nx->nt[k];
	char *o;

	if (x->mid_ev != ev || x->frames.len == OUT_NOT_KEPT ||
	    !(o = out_reserve(x->mid.len + x->frames.len + 72 + 2 * COPY_SLACK)))
		return 0;
	o = put_s_time(nx, o, t);
	o = copy_text(o, nx->text.p + x->mid.off, x->mid.len);
	o = put_weight(nx, o, w);
	*o++ = '\t';
	o = copy_text(o, nx->text.p + x->frames.off, x->frames.len);
	*o++ = '\n';
	out_commit(o);
	keep_tail(nx, x, ev, w);
	return 1;
}

/* A whole S record from node k's kept tail, when it is the one for event
 * ev and weight w and fits the buffer: 1, else 0. */
static inline int put_tail_sample(struct nx *nx, size_t k, int64_t t, int ev, int64_t w)
{
	const struct node_text *x = &nx->nt[k];
	char *o;

	if (x->tail_ev != ev || x->tail_w != w || !(o = out_reserve(x->tail.len + 40 + COPY_SLACK)))
		return 0;
	o = put_s_time(nx, o, t);
	o = copy_text(o, nx->text.p + x->tail.off, x->tail.len);
	out_commit(o);
	return 1;
}

/* Node k's comm field (has_node_stack: its function_name, the outermost
 * element), rendered as a field once. */
static struct slice node_comm(struct nx *nx, size_t k)
{
	struct out_kept *c = &nx->nt[k].comm;

	if (c->len == OUT_NOT_KEPT) {
		struct slice comm = ev_str(node_at(nx, k)->function_name);

		c->off = nx->comms.len;
		ev_buf_field(&nx->comms, comm.p, comm.n);
		c->len = nx->comms.len - c->off;
	}
	return (struct slice){ nx->comms.p + c->off, c->len };
}

/* The event of a sample that takes from the arrays in used: 2 (value)
 * with its value as *w (-1 beyond INT64_MAX: put_sample skips it), or 1
 * (samples) weighing 1. */
static inline int sample_event(const struct sample *sm, unsigned used, int64_t *w)
{
	if (!(used & 1u << A_VALUE)) {
		*w = 1;
		return 1;
	}
	*w = sm->v[A_VALUE] > INT64_MAX ? -1 : (int64_t)sm->v[A_VALUE];
	return 2;
}

/* Sample i (its array entries in *sm, of which it takes those in used)
 * of node k at time t. */
static void put_sample(struct nx *nx, size_t i, const struct sample *sm, unsigned used, size_t k,
		       int64_t t)
{
	const Node *nd = node_at(nx, k);
	struct slice comm;
	int64_t w;
	int cpu = -1, ev = sample_event(sm, used, &w), values = ev == 2;
	int own_ids = !(used & USED_IDS);
	int own_pid = !(used & 1u << A_PID), own_tid = !(used & 1u << A_TID);
	int own_cpu = !(used & 1u << A_CPU);
	size_t n = 0;

	if (!(nx->flags & P_NODE_STACK) && (n = chain(nx, k)) == NONE) {
		skip_record(&nx->skips, nx->file, i + 1, "sample of a node in a parent cycle");
		return;
	}
	if (!(nx->units & ev)) {
		ev_put_unit(ev_str(values ? "value" : "samples"), values ? "count" : "samples");
		nx->units |= ev;
	}
	if (w < 0) {
		skip_record(&nx->skips, nx->file, i + 1, "sample value beyond the int64 range");
		return;
	}
	if ((nx->flags & P_NODE_STACK) && own_ids && put_kept_sample(nx, k, t, ev, w))
		return;

	if (!own_cpu)
		cpu = sm->v[A_CPU] > INT32_MAX ? -1 : (int)sm->v[A_CPU];
	else if (nd->has_cpu && nd->cpu <= INT32_MAX)
		cpu = (int)nd->cpu;
	comm = nx->flags & P_NODE_STACK ? node_comm(nx, k) : ev_str("-");
	nx->head.len = 0;
	put_mid(&nx->head, own_pid ? nd->pid : (uint32_t)sm->v[A_PID], own_pid ? nd->has_pid : 1,
		own_tid ? nd->tid : (uint32_t)sm->v[A_TID], own_tid ? nd->has_tid : 1, cpu, comm,
		values);
	put_head(nx, t, (struct slice){ nx->head.p, nx->head.len }, w);
	put_stack(nx, k, n);
	out_putc('\n');
	/* keep the fields once per node and event: a node whose frames are
	 * not kept (longer than the output buffer) comes here every time */
	if ((nx->flags & P_NODE_STACK) && own_ids && nx->nt[k].mid_ev != ev) {
		struct node_text *x = &nx->nt[k];

		x->mid.off = nx->text.len;
		x->mid.len = nx->head.len;
		buf_add(&nx->text, nx->head.p, nx->head.len);
		buf_reserve(&nx->text, COPY_SLACK);
		x->mid_ev = (unsigned char)ev;
		keep_tail(nx, x, ev, w);
	}
}

/* Sample i's entries of the arrays it has (the first when i is 0). */
static inline void next_sample(struct nx *nx, struct sample *sm)
{
	int a;

	sm->has = (unsigned)pbw_rep_next_varint(&nx->arr[A_SAMPLES], &sm->v[A_SAMPLES]) << A_SAMPLES;
	if (nx->active & 1u << A_DELTAS)
		sm->has |= (unsigned)pbw_rep_next_i64(&nx->arr[A_DELTAS], &sm->v[A_DELTAS]) << A_DELTAS;
	if (nx->active & 1u << A_VALUE)
		sm->has |= (unsigned)pbw_rep_next_varint(&nx->arr[A_VALUE], &sm->v[A_VALUE]) << A_VALUE;
	if (nx->active & USED_IDS)
		for (a = A_CPU; a <= A_TID; a++)
			if (nx->active & 1u << a)
				sm->has |= (unsigned)pbw_rep_next_varint(&nx->arr[a], &sm->v[a]) << a;
}

/* The samples: times from start_time and the deltas (seconds); a time
 * earlier than the one before (a negative delta) is moved to it. */
static void put_samples(struct nx *nx)
{
	const Profile *p = nx->p;
	double now = p->has_start_time ? p->start_time : 0;
	int64_t t, last = EV_NONE;
	struct sample sm = { 0 };
	size_t i, n = (size_t)nx->raw->count[A_SAMPLES];
	unsigned used;		/* the arrays sample i takes from */
	int a;

	nx->active = 0;
	nx->used = (nx->flags & P_VALUES ? 1u << A_VALUE : 0) | (nx->flags & P_PID ? 1u << A_PID : 0) |
		   (nx->flags & P_TID ? 1u << A_TID : 0) | (nx->flags & P_CPU ? 1u << A_CPU : 0);
	for (a = 0; a < A_N; a++) {
		pbw_rep_init(&nx->arr[a], nx->raw->p, nx->raw->n, nflx_arrays[a].num,
			     nflx_arrays[a].wt);
		if (nx->raw->count[a] > 0)
			nx->active |= 1u << a;
	}
	for (i = 0; i < n; i++) {
		size_t k;

		next_sample(nx, &sm);
		if (!(sm.has & 1u << A_SAMPLES))
			break;	/* (only if the file changed under its map) */
		k = node_index(nx, (uint32_t)sm.v[A_SAMPLES]);
		t = EV_NONE;
		if (nx->raw->count[A_DELTAS]) {
			double d;

			if (!(sm.has & 1u << A_DELTAS)) {
				skip_record(&nx->skips, nx->file, i + 1, "sample has no time delta");
				continue;
			}
			memcpy(&d, &sm.v[A_DELTAS], sizeof d);
			now += d;
			if (secs_to_ns(now, &t) < 0) {
				skip_record(&nx->skips, nx->file, i + 1, "sample time beyond the nanosecond range");
				continue;
			}
			if (last != EV_NONE && t < last) {
				t = last;
				nx->clamped++;
			}
			last = t;
		}
		if (k == NONE) {
			skip_record(&nx->skips, nx->file, i + 1, "sample of a node id not in nodes");
			continue;
		}
		/* the common case first: a sample like the node's first */
		used = sm.has & nx->used;
		if ((nx->flags & P_NODE_STACK) && !(used & USED_IDS)) {
			int64_t w;
			int ev = sample_event(&sm, used, &w);

			if (w >= 0 && put_tail_sample(nx, k, t, ev, w))
				continue;
		}
		put_sample(nx, i, &sm, used, k, t);
	}
}

static void put_headers(struct nx *nx)
{
	const Profile *p = nx->p;
	int64_t t;

	ev_put_input(nx->file);
	if (p->has_start_time && secs_to_ns(p->start_time, &t) == 0)
		ev_put_header_time("start", t);
	if (p->has_end_time && secs_to_ns(p->end_time, &t) == 0)
		ev_put_header_time("end", t);
	if (p->title)
		ev_put_header("", ev_str(p->title));	/* "# TITLE" */
}

static const char *empty(const ProtobufCMessage *msg, const struct pb_raw *raw)
{
	const Profile *p = (const Profile *)msg;

	return p->n_nodes == 0 && raw->count[A_SAMPLES] == 0 ? "no nodes and no samples" : NULL;
}

static int convert_profile(const ProtobufCMessage *msg, const struct pb_raw *raw, const char *file,
			   void *ctx)
{
	struct nx *nx = ctx;
	const Profile *p = (const Profile *)msg;
	size_t i;

	nx->p = p;
	nx->raw = raw;
	nx->file = file;
	nx->flags = param_flags(p);
	nx->clamped = 0;
	index_nodes(nx);
	link_parents(nx);
	nx->nt = fp_malloc((p->n_nodes + 1) * sizeof *nx->nt);
	for (i = 0; i < p->n_nodes; i++) {
		nx->nt[i].frames.len = nx->nt[i].comm.len = nx->nt[i].tail.len = OUT_NOT_KEPT;
		nx->nt[i].mid_ev = nx->nt[i].tail_ev = 0;
	}
	nx->text.len = 0;
	nx->comms.len = 0;
	put_headers(nx);
	put_samples(nx);
	if (nx->clamped)
		fp_warn("%s: %" PRIu64 " samples earlier than the one before; moved to its time",
			nx->file, nx->clamped);
	if (p->has_idle_sample_count && p->idle_sample_count)
		fp_warn("%s: the file counts %" PRIu32 " idle samples it does not hold", nx->file,
			p->idle_sample_count);
	u64map_free(&nx->ids);
	free(nx->dense);
	nx->dense = NULL;
	nx->ndense = 0;
	free(nx->parent);
	nx->parent = NULL;
	free(nx->nt);
	nx->nt = NULL;
	return 0;
}

static const struct pb_input nflx_input = {
	&nflxprofile__profile__descriptor, "an nflxprofile", NULL, empty, convert_profile,
	nflx_arrays,
};

static int convert(const char *path, void *ctx)
{
	struct nx *nx = ctx;

	return pb_convert(path, &nflx_input, &nx->skips, nx);
}

int cmd_nflxprofile2events(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct nx nx = { 0 };
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		if (c == OPT_STRICT)
			nx.skips.strict = 1;
		else
			cli_common(&info, c);
	}
	ev_put_magic();
	ev_put_header("source", ev_str("nflxprofile"));
	ev_put_header("clock", ev_str("trace"));	/* the producer's (perf's, or 0-based) */
	status = cli_each_input(argc - optind, argv + optind, convert, &nx);
	free(nx.chain);
	buf_free(&nx.text);
	buf_free(&nx.comms);
	buf_free(&nx.head);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_nflxprofile2events(argc, argv); }
#endif
