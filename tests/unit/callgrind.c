/* Unit tests of common/callgrind: cg_split_name (context and recursion
 * names), and cg_line on small files: name compression across
 * namespaces, subposition decoding of the line column (--lines), calls=
 * cost lines as inclusive costs, cfi= for one call only, parts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/callgrind.h"

static int failed, parts_seen;

#define CHECK(c, ...) do { if (!(c)) { failed++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static void split(const char *name, const char *fn, const char *ctx)
{
	struct slice s = { name, strlen(name) };
	size_t fn_len, c;

	cg_split_name(s, &fn_len, &c);
	CHECK(fn_len == strlen(fn) && memcmp(name, fn, fn_len) == 0, "%s: function '%.*s', want '%s'",
	      name, (int)fn_len, name, fn);
	CHECK(ctx ? c > 0 && strcmp(name + c, ctx) == 0 : c == 0, "%s: callers '%s', want '%s'", name,
	      c ? name + c : "", ctx ? ctx : "");
}

static void test_split(void)
{
	split("main", "main", NULL);
	split("f'2", "f", NULL);
	split("f'g", "f", "g");
	split("work'odd'even'main", "work", "odd'even'main");
	split("even'2'odd'even'main", "even", "odd'even'main");
	split("f'2x'g", "f", "2x'g");
	split("go'", "go'", NULL);		/* an empty part: not a context name */
	split("'x", "'x", NULL);
	split("a''b", "a''b", NULL);
	split("(below main)", "(below main)", NULL);
	split("", "", NULL);
}

/* the graph of the last part, as text: "caller>callee@line cost" and "fn@file:line self" */
static char graph[4096];

static void text(struct cg_reader *r, void *ctx)
{
	size_t i, p, n = 0;

	(void)ctx;
	parts_seen++;
	graph[0] = 0;
	for (i = 0; i < r->nnodes; i++) {
		struct slice name = cg_str(r, r->nodes[i].name);

		for (p = r->nodes[i].first_part; p != CG_NONE; p = r->parts[p].next) {
			struct slice f = cg_str(r, r->parts[p].file);

			n += (size_t)snprintf(graph + n, sizeof graph - n, "%.*s@%.*s:%" PRIu64 " %" PRIu64 "\n",
					      (int)name.n, name.p, (int)f.n, f.p, r->parts[p].line, r->parts[p].cost);
		}
	}
	for (i = 0; i < r->nedges; i++) {
		struct slice a = cg_str(r, r->nodes[r->edges[i].caller].name);
		struct slice b = cg_str(r, r->nodes[r->edges[i].callee].name);
		struct slice f = cg_str(r, r->nodes[r->edges[i].callee].fl);

		n += (size_t)snprintf(graph + n, sizeof graph - n, "%.*s>%.*s(%.*s)@%" PRIu64 " %" PRIu64 "\n",
				      (int)a.n, a.p, (int)b.n, b.p, (int)f.n, f.p, r->edges[i].line,
				      r->edges[i].cost);
	}
}

static void run(const char *name, const char *file, const char *event, int by_line, const char *want)
{
	static struct cg_reader r;
	struct skips sk = { 0 };
	const char *p = file;

	parts_seen = 0;
	graph[0] = 0;
	cg_init(&r, name, &sk, event, by_line, text, NULL);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		r.lineno++;
		cg_line(&r, p, n);
		p += n + (nl != NULL);
	}
	cg_finish(&r);
	CHECK(strcmp(graph, want) == 0, "%s: graph\n%s\nwant\n%s", name, graph, want);
}

int main(void)
{
	test_split();
	run("compression",
	    "events: Ir\n"
	    "fl=(1) a.c\nfn=(1) main\n1 5\n"
	    "cfi=(2) b.c\ncfn=(2) g\ncalls=1 3\n2 40\n"
	    "fl=(2)\nfn=(2)\n3 40\n",
	    NULL, 0,
	    "main@a.c:0 5\ng@b.c:0 40\nmain>g(b.c)@0 40\n");
	run("subpositions",
	    "positions: instr line\nevents: Ir Dr\n"
	    "fl=a.c\nfn=f\n0x10 10 3 1\n+4 * 2\n+2 +1 1 1\n-6 -1 4\n"
	    "cfn=g\ncalls=1 0x20 30\n* * 100 7\n* +2 5 16\n"
	    "fn=g\n0x20 30 60 3\n+0x10 +3 40 4\n",
	    "Dr", 1,
	    /* a node's parts are listed latest first */
	    "f@a.c:12 16\nf@a.c:11 1\nf@a.c:10 1\ng@a.c:33 4\ng@a.c:30 3\nf>g(a.c)@10 7\n");
	run("cfi-once",
	    "events: Ir\nfl=a.c\nfn=a\n1 1\ncfi=b.c\ncfn=b\ncalls=1 1\n2 10\ncalls=1 1\n3 20\n"
	    "jump=1 5\n9\njcnd=1/2 6\n7\n",
	    NULL, 1,
	    "a@a.c:1 1\na>b(b.c)@2 10\na>b(a.c)@3 20\n");
	run("parts",
	    "events: Ir\nfn=a\n1 1\ntotals: 1\npart: 2\nevents: Dr Ir\nfn=b\n1 2 3\n",
	    NULL, 0, "b@:0 2\n");
	CHECK(parts_seen == 2, "parts: %d parts, want 2", parts_seen);
	printf("callgrind: %s\n", failed ? "FAILED" : "ok");
	return failed != 0;
}
