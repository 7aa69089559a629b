/* callgrind.c - valgrind's callgrind profile format (callgrind.h) */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bytes.h"
#include "callgrind.h"
#include "err.h"

uint64_t cg_add(uint64_t a, uint64_t b)
{
	return a > CG_MAX_COST - b ? CG_MAX_COST : a + b;
}

/* ---- strings and name compression ---- */

static size_t str_id(struct cg_reader *r, const char *p, size_t n)
{
	int added;

	return intern_get(&r->strs, p, n, &added);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A number: decimal or 0x hex, saturating. Returns the bytes read, 0 if none. */
static size_t number(const char *p, size_t n, uint64_t *v)
{
	size_t i = 0;
	uint64_t x = 0;
	int hex = n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');

	if (hex) {
		for (i = 2; i < n; i++) {
			int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' :
				(p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f' ? (p[i] | 0x20) - 'a' + 10 : -1;

			if (d < 0)
				break;
			x = x > (CG_MAX_COST >> 4) ? CG_MAX_COST : x * 16 + (uint64_t)d;
		}
		if (i == 2)
			return 0;
	} else {
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			x = x > (CG_MAX_COST - 9) / 10 ? CG_MAX_COST : x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = x;
	return i;
}

/* The value of a name specification ("(N) name", "(N)" or "name") in
 * namespace ns: the string id, or CG_NONE (reported) for an unknown id. */
static size_t name_value(struct cg_reader *r, char ns, const char *p, size_t n)
{
	size_t i = 0, k;
	uint64_t id;
	char key[1 + sizeof id];

	while (i < n && is_space(p[i]))
		i++;
	if (i < n && p[i] == '(' && (k = number(p + i + 1, n - i - 1, &id)) > 0 &&
	    i + 1 + k < n && p[i + 1 + k] == ')') {
		size_t j = i + 2 + k, s;

		while (j < n && is_space(p[j]))
			j++;
		key[0] = ns;
		memcpy(key + 1, &id, sizeof id);
		if (j < n) {	/* a definition */
			s = str_id(r, p + j, n - j);
			intern_add(&r->ids, key, sizeof key)->aux = (int64_t)s;
			return s;
		}
		s = intern_find(&r->ids, key, sizeof key);
		if (s == CG_NONE) {
			skip_record(r->skips, r->file, r->lineno, "reference to a name id never defined");
			return CG_NONE;
		}
		return (size_t)r->ids.ents[s].aux;
	}
	return str_id(r, p + i, n - i);
}

/* ---- the graph of a part ---- */

static size_t node_of(struct cg_reader *r, size_t ob, size_t fl, size_t name)
{
	size_t key[3] = { ob, fl, name };
	int added;
	size_t i = intern_get(&r->nodekeys, key, sizeof key, &added);

	if (added) {
		struct cg_node *n;

		fp_grow(&r->nodes, &r->nodes_cap, r->nnodes + 1, sizeof *r->nodes);
		n = &r->nodes[r->nnodes++];
		memset(n, 0, sizeof *n);
		n->ob = ob;
		n->fl = fl;
		n->name = name;
		n->first_in = n->first_part = CG_NONE;
	}
	return i;
}

static void add_self(struct cg_reader *r, size_t node, size_t file, uint64_t line, uint64_t cost)
{
	uint64_t key[3] = { node, file, line };
	int added;
	size_t i = intern_get(&r->partkeys, key, sizeof key, &added);

	if (added) {
		fp_grow(&r->parts, &r->parts_cap, r->nparts + 1, sizeof *r->parts);
		r->parts[i].file = file;
		r->parts[i].line = line;
		r->parts[i].cost = 0;
		r->parts[i].next = r->nodes[node].first_part;
		r->nodes[node].first_part = i;
		r->nparts++;
	}
	r->parts[i].cost = cg_add(r->parts[i].cost, cost);
	r->nodes[node].self = cg_add(r->nodes[node].self, cost);
}

static void add_edge(struct cg_reader *r, size_t caller, size_t callee, uint64_t line,
		     uint64_t cost)
{
	uint64_t key[3] = { caller, callee, line };
	int added;
	size_t i = intern_get(&r->edgekeys, key, sizeof key, &added);

	if (added) {
		fp_grow(&r->edges, &r->edges_cap, r->nedges + 1, sizeof *r->edges);
		r->edges[i].caller = caller;
		r->edges[i].callee = callee;
		r->edges[i].line = line;
		r->edges[i].cost = 0;
		r->edges[i].next_in = r->nodes[callee].first_in;
		r->nodes[callee].first_in = i;
		r->nedges++;
	}
	r->edges[i].cost = cg_add(r->edges[i].cost, cost);
}

static void reset_part(struct cg_reader *r)
{
	intern_free(&r->nodekeys);
	intern_free(&r->edgekeys);
	intern_free(&r->partkeys);
	memset(&r->nodekeys, 0, sizeof r->nodekeys);
	memset(&r->edgekeys, 0, sizeof r->edgekeys);
	memset(&r->partkeys, 0, sizeof r->partkeys);
	r->nnodes = r->nedges = r->nparts = 0;
	r->body = 0;
	r->has_totals = r->has_summary = 0;
	r->ob = r->fl = r->fi = r->fn = CG_NONE;
	r->cob = r->cfl = r->cfn = CG_NONE;
	r->call_pending = r->jump_pending = 0;
}

/* Split a name "f'2'g'h" into the function (and level) and its callers:
 * *fn_len is the length of the function's part; callers start at *ctx
 * (0 if none). Only when every part is non-empty. */
void cg_split_name(struct slice s, size_t *fn_len, size_t *ctx)
{
	size_t i, parts = 1, first = CG_NONE, second_end = CG_NONE;

	*fn_len = s.n;
	*ctx = 0;
	if (s.n == 0 || s.p[0] == '\'' || s.p[s.n - 1] == '\'')
		return;
	for (i = 1; i < s.n; i++) {
		if (s.p[i] != '\'')
			continue;
		if (s.p[i - 1] == '\'')
			return;	/* an empty part */
		if (first == CG_NONE)
			first = i;
		else if (second_end == CG_NONE)
			second_end = i;
		parts++;
	}
	if (parts < 2)
		return;
	*fn_len = first;
	/* a recursion level: digits right after the function */
	{
		size_t e = second_end == CG_NONE ? s.n : second_end, j;

		for (j = first + 1; j < e && s.p[j] >= '0' && s.p[j] <= '9'; j++)
			;
		if (j == e) {
			*ctx = e == s.n ? 0 : e + 1;
			return;
		}
	}
	*ctx = first + 1;
}
static void set_text(struct buf *b, const char *p, size_t n)
{
	while (n && is_space(*p))
		p++, n--;
	while (n && is_space(p[n - 1]))
		n--;
	b->len = 0;
	buf_add(b, p, n);
}

/* events: NAMES. Returns -1 when the chosen event is not there (fatal). */
static int set_events(struct cg_reader *r, const char *p, size_t n)
{
	size_t i = 0, k = 0;

	r->evidx = -1;
	while (i < n) {
		size_t b;

		while (i < n && is_space(p[i]))
			i++;
		if (i == n)
			break;
		for (b = i; i < n && !is_space(p[i]); i++)
			;
		if (r->evidx < 0 && (r->event ? bytes_is(p + b, i - b, r->event) : k == 0)) {
			r->evidx = (long)k;
			r->evname.len = 0;
			buf_add(&r->evname, p + b, i - b);
		}
		k++;
	}
	r->nev = k;
	if (k == 0) {
		skip_record(r->skips, r->file, r->lineno, "events: names no event");
		return 0;
	}
	if (r->evidx < 0) {
		fp_warn("%s:%" PRIu64 ": no event %s in events:%.*s", r->file, r->lineno, r->event,
			(int)n, p);
		return -1;
	}
	return 0;
}

static int header(struct cg_reader *r, const char *k, size_t kn, const char *v, size_t vn)
{
	static const char *known[] = {
		"version", "creator", "pid", "cmd", "part", "thread", "desc", "positions",
		"events", "event", "summary", "totals",
	};
	size_t i;
	int is_known = 0;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		is_known |= bytes_is(k, kn, known[i]);
	if (!r->recognized && !is_known)
		return -2;	/* not callgrind */
	if (bytes_is(k, kn, "totals") || bytes_is(k, kn, "summary")) {
		uint64_t x = 0;
		size_t col = 0, j = 0;

		/* the chosen event's column */
		while (j < vn) {
			size_t m;

			while (j < vn && is_space(v[j]))
				j++;
			if (j == vn)
				break;
			m = number(v + j, vn - j, &x);
			if (m == 0 || (j + m < vn && !is_space(v[j + m]))) {
				skip_record(r->skips, r->file, r->lineno, "bad number in totals:/summary:");
				return 0;
			}
			if ((long)col == r->evidx)
				break;
			col++, j += m, x = 0;
		}
		if (bytes_is(k, kn, "totals")) {
			r->totals = x;
			r->has_totals = 1;
		} else {
			r->summary = x;
			r->has_summary = 1;
		}
		return 0;
	}
	if (r->body) {		/* a new part begins */
		r->part_done(r, r->ctx);
		reset_part(r);
	}
	if (bytes_is(k, kn, "pid")) {
		set_text(&r->pid, v, vn);
	} else if (bytes_is(k, kn, "thread")) {
		set_text(&r->tid, v, vn);
	} else if (bytes_is(k, kn, "cmd")) {
		set_text(&r->cmd, v, vn);
	} else if (bytes_is(k, kn, "positions")) {
		size_t j = 0, m = 0, b;

		r->line_col = -1;
		while (j < vn) {
			while (j < vn && is_space(v[j]))
				j++;
			if (j == vn)
				break;
			for (b = j; j < vn && !is_space(v[j]); j++)
				;
			if (bytes_is(v + b, j - b, "line"))
				r->line_col = (long)m;
			m++;
		}
		r->npos = m ? m : 1;
		if (m == 0)
			r->line_col = 0;
	} else if (bytes_is(k, kn, "events")) {
		r->recognized = 1;
		return set_events(r, v, vn);
	}
	return 0;
}

/* A cost line: the chosen cost in *cost; -1 (reported) if bad. */
static int cost_line(struct cg_reader *r, const char *p, size_t n, uint64_t *cost, uint64_t *line)
{
	size_t i = 0, col = 0;

	*cost = 0;
	*line = r->last_line;
	while (i < n) {
		uint64_t v;
		size_t m;

		while (i < n && is_space(p[i]))
			i++;
		if (i == n)
			break;
		if (col < r->npos) {	/* a position: N, +N, -N, * */
			if (p[i] == '*') {
				m = 1;
				v = r->last_line;
			} else {
				size_t s = p[i] == '+' || p[i] == '-';

				m = number(p + i + s, n - i - s, &v);
				if (m == 0)
					goto bad;
				if (p[i] == '+')
					v = cg_add(r->last_line, v);
				else if (p[i] == '-')
					v = v > r->last_line ? 0 : r->last_line - v;
				m += s;
			}
			if ((long)col == r->line_col)
				*line = v;
		} else {
			m = number(p + i, n - i, &v);
			if (m == 0)
				goto bad;
			if (col - r->npos >= r->nev) {
				skip_record(r->skips, r->file, r->lineno, "more costs than events");
				return -1;
			}
			if ((long)(col - r->npos) == r->evidx)
				*cost = v;
		}
		if (i + m < n && !is_space(p[i + m]))
			goto bad;
		i += m;
		col++;
	}
	if (col < r->npos && !r->jump_pending)
		goto bad;
	r->last_line = *line;	/* subpositions are relative to the last cost line */
	return 0;
bad:
	skip_record(r->skips, r->file, r->lineno, "bad cost line");
	return -1;
}

static void call_done(struct cg_reader *r)
{
	r->call_pending = 0;
	r->cob = r->cfl = CG_NONE;	/* as KCachegrind: cfn= stays */
}

static void spec(struct cg_reader *r, const char *k, size_t kn, const char *v, size_t vn)
{
	size_t s;

	r->body = 1;
	if (bytes_is(k, kn, "calls")) {
		uint64_t count;
		size_t i = 0;

		while (i < vn && is_space(v[i]))
			i++;
		if (r->fn == CG_NONE || r->cfn == CG_NONE || number(v + i, vn - i, &count) == 0) {
			skip_record(r->skips, r->file, r->lineno,
				    r->fn == CG_NONE ? "calls= outside a function" :
				    r->cfn == CG_NONE ? "calls= without cfn=" : "bad calls= line");
			call_done(r);
			return;
		}
		r->call_callee = node_of(r, r->cob != CG_NONE ? r->cob : r->ob, r->cfl != CG_NONE ? r->cfl : r->fi,
					r->cfn);
		r->call_pending = 1;
		r->call_line = r->lineno;
		return;
	}
	if (bytes_is(k, kn, "jump") || bytes_is(k, kn, "jcnd")) {
		r->jump_pending = 1;
		return;
	}
	if (bytes_is(k, kn, "ob") || bytes_is(k, kn, "cob")) {
		s = name_value(r, 'o', v, vn);
		if (k[0] == 'o')
			r->ob = s;
		else
			r->cob = s;
	} else if (bytes_is(k, kn, "fl") || bytes_is(k, kn, "fi") || bytes_is(k, kn, "fe") ||
		   bytes_is(k, kn, "cfi") || bytes_is(k, kn, "cfl") || bytes_is(k, kn, "jfi")) {
		s = name_value(r, 'f', v, vn);
		if (k[0] == 'f') {
			r->fi = s;
			if (k[1] == 'l')
				r->fl = s;
		} else if (k[0] == 'c') {
			r->cfl = s;
		}
	} else if (bytes_is(k, kn, "fn") || bytes_is(k, kn, "cfn") || bytes_is(k, kn, "jfn")) {
		s = name_value(r, 'n', v, vn);
		if (k[0] == 'f') {
			/* the function is in the current file (callgrind writes no
			 * fl= when it is the file of the fi= before) */
			r->fl = r->fi;
			r->fn = s == CG_NONE ? CG_NONE : node_of(r, r->ob, r->fi, s);
		} else if (k[0] == 'c') {
			r->cfn = s;
		}
	} else {
		skip_record(r->skips, r->file, r->lineno, "unknown specification line");
	}
}

int cg_line(struct cg_reader *r, const char *p, size_t n)
{
	size_t i;

	if (n && p[n - 1] == '\r')
		n--;
	if (n == 0 || p[0] == '#')
		return 0;
	if ((p[0] >= '0' && p[0] <= '9') || p[0] == '+' || p[0] == '-' || p[0] == '*') {
		uint64_t cost, line;

		if (!r->recognized)
			return -2;
		if (r->nev == 0) {
			skip_record(r->skips, r->file, r->lineno, "cost line before events:");
			return 0;
		}
		r->body = 1;
		if (cost_line(r, p, n, &cost, &line) < 0) {
			if (r->call_pending)
				call_done(r);
			r->jump_pending = 0;
			return 0;
		}
		if (r->jump_pending) {
			r->jump_pending = 0;
		} else if (r->call_pending) {
			add_edge(r, r->fn, r->call_callee, r->by_line ? line : 0, cost);
			call_done(r);
		} else if (r->fn == CG_NONE) {
			skip_record(r->skips, r->file, r->lineno, "cost line outside a function");
		} else {
			add_self(r, r->fn, r->fi, r->by_line ? line : 0, cost);
		}
		return 0;
	}
	for (i = 0; i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')); i++)
		;
	if (i > 0 && i < n && p[i] == ':') {
		if (r->call_pending) {
			skip_record(r->skips, r->file, r->call_line, "calls= without its cost line");
			call_done(r);
		}
		return header(r, p, i, p + i + 1, n - i - 1);
	}
	if (!r->recognized)
		return -2;
	if (r->call_pending || r->jump_pending) {
		if (r->call_pending)
			skip_record(r->skips, r->file, r->call_line, "calls= without its cost line");
		call_done(r);
		r->jump_pending = 0;
	}
	if (i > 0 && i < n && p[i] == '=') {
		spec(r, p, i, p + i + 1, n - i - 1);
		return 0;
	}
	skip_record(r->skips, r->file, r->lineno, "not a callgrind line");
	return 0;
}

void cg_init(struct cg_reader *r, const char *file, struct skips *skips, const char *event,
	     int by_line, cg_part_fn *part_done, void *ctx)
{
	intern_free(&r->strs);
	intern_free(&r->ids);
	memset(&r->strs, 0, sizeof r->strs);
	memset(&r->ids, 0, sizeof r->ids);
	r->file = file;
	r->skips = skips;
	r->event = event;
	r->by_line = by_line;
	r->part_done = part_done;
	r->ctx = ctx;
	r->lineno = 0;
	r->pid.len = r->tid.len = r->cmd.len = r->evname.len = 0;
	r->npos = 1;
	r->line_col = 0;
	r->last_line = 0;
	r->nev = 0;
	r->evidx = -1;
	r->recognized = 0;
	reset_part(r);
}

void cg_finish(struct cg_reader *r)
{
	if (r->call_pending)
		skip_record(r->skips, r->file, r->call_line, "calls= without its cost line");
	call_done(r);
	if (r->recognized && r->evidx >= 0)
		r->part_done(r, r->ctx);
	reset_part(r);
}

void cg_free(struct cg_reader *r)
{
	intern_free(&r->strs);
	intern_free(&r->ids);
	reset_part(r);
	free(r->nodes);
	free(r->edges);
	free(r->parts);
	buf_free(&r->pid);
	buf_free(&r->tid);
	buf_free(&r->cmd);
	buf_free(&r->evname);
	memset(r, 0, sizeof *r);
}

struct slice cg_str(const struct cg_reader *r, size_t s)
{
	struct slice v = { NULL, 0 };

	if (s != CG_NONE) {
		v.p = r->strs.ents[s].key;
		v.n = r->strs.ents[s].len;
	}
	return v;
}
