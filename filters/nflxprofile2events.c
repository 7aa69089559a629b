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

/* The digits of v, rendered again only when v differs from the last. */
struct digits_memo {
	uint64_t v;
	unsigned char n;	/* 0: none yet */
	char d[23];
};

struct nx {
	struct skips skips;
	int units;		/* E records written: 1 samples, 2 value */
	/* per input */
	const char *file;
	const Profile *p;
	unsigned flags;
	struct u64map ids;	/* node key -> index in p->nodes */
	size_t *parent;		/* per node index, NONE at the root */
	size_t *chain, chain_cap;
	uint64_t clamped;
	/* per node index: its frame (its whole stack with has_node_stack) as
	 * written, cached in frames */
	struct out_kept *fc;
	struct buf frames;
	/* per node index (has_node_stack): its comm field, cached in comms */
	struct out_kept *cc;
	struct buf comms;
	struct buf head;	/* a sample's CPU, COMM and EVENT fields */
	/* the digits of the last sample's whole seconds and weight (samples
	 * come in time order, most weigh the same) */
	struct digits_memo secs, weight;
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
	const struct u64ent *e = u64map_find(&nx->ids, key);

	return e && node_at(nx, (size_t)e->value) ? (size_t)e->value : NONE;
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

/* put_node once, then copied from the cache (a node is the same text in
 * every sample): memory is the nodes' text. */
static void put_node_cached(struct nx *nx, size_t k)
{
	uint64_t pos;

	if (out_kept_put(&nx->frames, &nx->fc[k]))
		return;
	pos = out_pos();
	put_node(nx, k);
	out_keep(&nx->frames, &nx->fc[k], pos);
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

	if (!isfinite(s) || fabs(s) > 9.2e9)
		return -1;
	/* m and e from the double's bits (frexp and ldexp were calls): a
	 * normal |s| is m 2^(e-53), m with its implicit bit 52; a subnormal
	 * one is below 2^-1022: 0 ns, as zero */
	memcpy(&bits, &s, sizeof bits);
	if ((bits >> 52 & 0x7ff) == 0) {
		*ns = 0;
		return 0;
	}
	m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
	e = (int)(bits >> 52 & 0x7ff) - 1022;
	p = (unsigned __int128)m * 1000000000u;
	shift = 53 - e;
	if (shift <= 0) {
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

static void put_id(char *b, size_t size, int has, uint64_t v, struct slice *s)
{
	char *e = b + size, *q;

	if (!has)
		return;
	q = digits_u64(e, v);	/* size is 24: room for 20 digits */
	s->p = q;
	s->n = (size_t)(e - q);
}

static inline char *put_memo(char *o, struct digits_memo *m, uint64_t v)
{
	if (!m->n || m->v != v) {
		char *q = digits_u64(m->d + sizeof m->d, v);

		m->v = v;
		m->n = (unsigned char)(m->d + sizeof m->d - q);
		memmove(m->d, q, m->n);
	}
	memcpy(o, m->d, m->n);
	return o + m->n;
}

/* S TIME PID TID CPU COMM EVENT WEIGHT and a tab, as ev_put_head() writes
 * them (comm rendered: ev_buf_field), in one piece when it fits the
 * buffer; the seconds of the time and the weight from their digit memos
 * (they repeat from one sample to the next). */
static void put_head(struct nx *nx, int64_t t, struct slice pid, struct slice tid, int cpu,
		     struct slice comm, int values, int64_t w)
{
	char *o = out_reserve(pid.n + tid.n + comm.n + 96);

	if (!o) {
		char tmp[24], *q = tmp + sizeof tmp;

		nx->head.len = 0;
		if (cpu >= 0)
			q = digits_u64(q, (unsigned)cpu);
		else
			*--q = '-';
		buf_add(&nx->head, q, (size_t)(tmp + sizeof tmp - q));
		buf_addc(&nx->head, '\t');
		buf_add(&nx->head, comm.p, comm.n);
		buf_add(&nx->head, values ? "\tvalue" : "\tsamples", values ? 6 : 8);
		ev_put_head_escaped('S', t, pid, tid, (struct slice){ nx->head.p, nx->head.len }, w);
		return;
	}
	*o++ = 'S';
	*o++ = '\t';
	if (t >= 0) {
		o = put_memo(o, &nx->secs, (uint64_t)t / 1000000000);
		*o++ = '.';
		digits_fixed(o + 9, (uint64_t)t % 1000000000, 9);
		o += 9;
	} else {
		o = ev_time_at(o, t);
	}
	*o++ = '\t';
	o = bytes_put(o, pid.p, pid.n);
	*o++ = '\t';
	o = bytes_put(o, tid.p, tid.n);
	*o++ = '\t';
	o = ev_i64_at(o, cpu >= 0 ? cpu : EV_NONE);
	*o++ = '\t';
	o = bytes_put(o, comm.p, comm.n);
	if (values) {
		memcpy(o, "\tvalue\t", 7);
		o += 7;
	} else {
		memcpy(o, "\tsamples\t", 9);
		o += 9;
	}
	o = w >= 0 ? put_memo(o, &nx->weight, (uint64_t)w) : ev_i64_at(o, w);
	*o++ = '\t';
	out_commit(o);
}

/* Sample i of node k at time t. */
static void put_sample(struct nx *nx, size_t i, size_t k, int64_t t)
{
	const Profile *p = nx->p;
	const Node *nd = node_at(nx, k);
	struct slice pid = { 0 }, tid = { 0 }, comm = { 0 };
	char bp[24], bt[24];
	int cpu = -1, values = (nx->flags & P_VALUES) && i < p->n_samples_value;
	size_t n = 0;

	if (!(nx->flags & P_NODE_STACK) && (n = chain(nx, k)) == NONE) {
		skip_record(&nx->skips, nx->file, i + 1, "sample of a node in a parent cycle");
		return;
	}

	if ((nx->flags & P_PID) && i < p->n_samples_pid)
		put_id(bp, sizeof bp, 1, p->samples_pid[i], &pid);
	else
		put_id(bp, sizeof bp, nd->has_pid, nd->pid, &pid);
	if ((nx->flags & P_TID) && i < p->n_samples_tid)
		put_id(bt, sizeof bt, 1, p->samples_tid[i], &tid);
	else
		put_id(bt, sizeof bt, nd->has_tid, nd->tid, &tid);
	if ((nx->flags & P_CPU) && i < p->n_samples_cpu)
		cpu = p->samples_cpu[i] > INT32_MAX ? -1 : (int)p->samples_cpu[i];
	else if (nd->has_cpu && nd->cpu <= INT32_MAX)
		cpu = (int)nd->cpu;
	if (nx->flags & P_NODE_STACK) {	/* the outermost element: the comm */
		struct out_kept *c = &nx->cc[k];

		if (c->len == OUT_NOT_KEPT) {
			comm = ev_str(nd->function_name);
			c->off = nx->comms.len;
			ev_buf_field(&nx->comms, comm.p, comm.n);
			c->len = nx->comms.len - c->off;
		}
		comm = (struct slice){ nx->comms.p + c->off, c->len };
	} else {
		comm = ev_str("-");
	}
	if (!(nx->units & (values ? 2 : 1))) {
		ev_put_unit(ev_str(values ? "value" : "samples"), values ? "count" : "samples");
		nx->units |= values ? 2 : 1;
	}
	if (values && p->samples_value[i] > INT64_MAX) {
		skip_record(&nx->skips, nx->file, i + 1, "sample value beyond the int64 range");
		return;
	}
	put_head(nx, t, pid.n ? pid : ev_str("-"), tid.n ? tid : ev_str("-"), cpu, comm,
		 values, values ? (int64_t)p->samples_value[i] : 1);
	put_stack(nx, k, n);
	out_putc('\n');
}

/* The samples: times from start_time and the deltas (seconds); a time
 * earlier than the one before (a negative delta) is moved to it. */
static void put_samples(struct nx *nx)
{
	const Profile *p = nx->p;
	double now = p->has_start_time ? p->start_time : 0;
	int64_t t, last = EV_NONE;
	size_t i;

	for (i = 0; i < p->n_samples; i++) {
		size_t k = node_index(nx, p->samples[i]);

		t = EV_NONE;
		if (p->n_time_deltas) {
			if (i >= p->n_time_deltas) {
				skip_record(&nx->skips, nx->file, i + 1, "sample has no time delta");
				continue;
			}
			now += p->time_deltas[i];
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
		if (k == NONE)
			skip_record(&nx->skips, nx->file, i + 1, "sample of a node id not in nodes");
		else
			put_sample(nx, i, k, t);
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

static const char *empty(const ProtobufCMessage *msg)
{
	const Profile *p = (const Profile *)msg;

	return p->n_nodes == 0 && p->n_samples == 0 ? "no nodes and no samples" : NULL;
}

static int convert_profile(const ProtobufCMessage *msg, const char *file, void *ctx)
{
	struct nx *nx = ctx;
	const Profile *p = (const Profile *)msg;
	size_t i;

	nx->p = p;
	nx->file = file;
	nx->flags = param_flags(p);
	nx->clamped = 0;
	for (i = 0; i < p->n_nodes; i++)
		u64map_add(&nx->ids, p->nodes[i]->key)->value = (int64_t)i;
	link_parents(nx);
	nx->fc = fp_malloc((p->n_nodes + 1) * sizeof *nx->fc);
	for (i = 0; i < p->n_nodes; i++)
		nx->fc[i].len = OUT_NOT_KEPT;
	nx->frames.len = 0;
	nx->cc = fp_malloc((p->n_nodes + 1) * sizeof *nx->cc);
	for (i = 0; i < p->n_nodes; i++)
		nx->cc[i].len = OUT_NOT_KEPT;
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
	free(nx->parent);
	nx->parent = NULL;
	free(nx->fc);
	nx->fc = NULL;
	free(nx->cc);
	nx->cc = NULL;
	return 0;
}

static const struct pb_input nflx_input = {
	&nflxprofile__profile__descriptor, "an nflxprofile", NULL, empty, convert_profile,
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
	buf_free(&nx.frames);
	buf_free(&nx.comms);
	buf_free(&nx.head);
	out_close();
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_nflxprofile2events(argc, argv); }
#endif
