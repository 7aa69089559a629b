/* parse.c - cpuprofile2events: the JSON walk (both the DevTools format and
 * the old "head" format), into the node table and sample arrays of struct cp */
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/bytes.h"
#include "../../common/json.h"
#include "cpuprofile.h"

static void push_i64(struct i64vec *a, int64_t v)
{
	fp_grow(&a->v, &a->cap, a->n + 1, sizeof *a->v);
	a->v[a->n++] = v;
}

static struct level *top(struct cp *cp)
{
	return &cp->lv[cp->nlv - 1];
}

static void push(struct cp *cp, enum ctx c, size_t node)
{
	fp_grow(&cp->lv, &cp->lv_cap, cp->nlv + 1, sizeof *cp->lv);
	cp->lv[cp->nlv].ctx = c;
	cp->lv[cp->nlv].node = node;
	cp->nlv++;
}

static size_t new_node(struct cp *cp, size_t parent)
{
	struct node *n;

	fp_grow(&cp->nodes, &cp->nodes_cap, cp->nnodes + 1, sizeof *cp->nodes);
	n = &cp->nodes[cp->nnodes];
	memset(n, 0, sizeof *n);
	n->id = NO_ID;
	n->parent_id = NO_ID;
	n->parent = parent;
	n->line = n->col = -1;
	return cp->nnodes++;
}

static enum key key_of(struct json *j)
{
	static const struct bytes_keyword keys[] = {
		BYTES_KEYWORD("nodes", K_NODES), BYTES_KEYWORD("samples", K_SAMPLES),
		BYTES_KEYWORD("timeDeltas", K_DELTAS),
		BYTES_KEYWORD("timestamps", K_TIMESTAMPS), BYTES_KEYWORD("startTime", K_START),
		BYTES_KEYWORD("endTime", K_END), BYTES_KEYWORD("head", K_HEAD),
		BYTES_KEYWORD("profile", K_PROFILE), BYTES_KEYWORD("cpuProfile", K_PROFILE),
		BYTES_KEYWORD("id", K_ID), BYTES_KEYWORD("callFrame", K_CALLFRAME),
		BYTES_KEYWORD("children", K_CHILDREN), BYTES_KEYWORD("parent", K_PARENT),
		BYTES_KEYWORD("hitCount", K_HITS), BYTES_KEYWORD("functionName", K_FN),
		BYTES_KEYWORD("url", K_URL), BYTES_KEYWORD("lineNumber", K_LINE),
		BYTES_KEYWORD("columnNumber", K_COL),
	};
	struct slice k;

	if (j->depth == 0)
		return K_NONE;
	k = json_key(j, j->depth - 1);
	return (enum key)bytes_keyword(keys, sizeof keys / sizeof keys[0], k.p, k.n, K_OTHER);
}

/* A map or array opens: what is it, given where we are? */
static void open_value(struct cp *cp, struct json *j, int is_map)
{
	enum ctx c = C_SKIP;
	size_t node = NONE;
	enum key key = key_of(j);

	if (cp->skip_depth) {
		cp->skip_depth++;
		return;
	}
	if (cp->nlv == 0) {
		c = is_map ? C_PROFILE : C_SKIP;
	} else {
		struct level *l = top(cp);

		switch (l->ctx) {
		case C_PROFILE:
			if (is_map && key == K_PROFILE) {
				c = C_PROFILE;
			} else if (is_map && key == K_HEAD) {
				cp->legacy = 1;
				c = C_NODE;
				node = new_node(cp, NONE);
			} else if (!is_map) {
				c = key == K_NODES ? C_NODES : key == K_SAMPLES ? C_SAMPLES :
				    key == K_DELTAS ? C_DELTAS :
				    key == K_TIMESTAMPS ? C_TIMESTAMPS : C_SKIP;
				if (c == C_SAMPLES)
					cp->samples_line = json_line(j);
			}
			break;
		case C_NODES:
			if (is_map) {
				c = C_NODE;
				node = new_node(cp, NONE);
			}
			break;
		case C_NODE:
			node = l->node;
			if (is_map && key == K_CALLFRAME)
				c = C_CALLFRAME;
			else if (!is_map && key == K_CHILDREN)
				c = C_CHILDREN;
			break;
		case C_CHILDREN:
			if (is_map) {	/* the old format nests child nodes */
				c = C_NODE;
				node = new_node(cp, l->node);
			}
			break;
		default:
			break;
		}
	}
	if (c == C_SKIP) {
		cp->skip_depth = 1;
		return;
	}
	push(cp, c, node);
}

static int on_end(struct json *j, enum json_type t)
{
	struct cp *cp = j->ctx;

	(void)t;
	if (cp->skip_depth)
		cp->skip_depth--;
	else if (cp->nlv > 0)
		cp->nlv--;
	return 1;
}

static void number(struct cp *cp, enum key key, const char *s, size_t n)
{
	struct level *l = top(cp);
	struct node *nd = l->node != NONE ? &cp->nodes[l->node] : NULL;
	int64_t v;

	switch (l->ctx) {
	case C_PROFILE:
		if (key == K_START || key == K_END) {
			/* µs, or seconds in the old format: "head" may come later, keep the text */
			*(key == K_START ? &cp->start_off : &cp->end_off) = cp->strs.len;
			*(key == K_START ? &cp->start_len : &cp->end_len) = n;
			buf_add(&cp->strs, s, n);
		}
		return;
	case C_SAMPLES:
	case C_DELTAS:
	case C_TIMESTAMPS:
		if (json_decimal(s, n, l->ctx == C_SAMPLES ? 0 : 3, &v) < 0) {
			cp->bad_number++;
			v = l->ctx == C_SAMPLES ? NO_ID : 0;
		}
		push_i64(l->ctx == C_SAMPLES ? &cp->samples : l->ctx == C_DELTAS ? &cp->deltas :
			 &cp->stamps, v);
		return;
	case C_CHILDREN:
		if (json_decimal(s, n, 0, &v) == 0) {
			fp_grow(&cp->kids, &cp->kids_cap, cp->nkids + 1, sizeof *cp->kids);
			cp->kids[cp->nkids].parent = l->node;
			cp->kids[cp->nkids++].child = v;
		}
		return;
	case C_NODE:
	case C_CALLFRAME:
		if (json_decimal(s, n, 0, &v) < 0)
			return;
		switch (key) {
		case K_ID: nd->id = v; break;
		case K_PARENT: nd->parent_id = v; break;
		case K_HITS: nd->hits = v; break;
		case K_LINE: nd->line = v; break;
		case K_COL: nd->col = v; break;
		default: break;
		}
		return;
	default:
		return;
	}
}

static int on_value(struct json *j, enum json_type t, const char *s, size_t n)
{
	struct cp *cp = j->ctx;
	struct level *l;
	enum key key;

	if (t == JSON_MAP || t == JSON_ARRAY) {
		open_value(cp, j, t == JSON_MAP);
		return 1;
	}
	if (cp->skip_depth || cp->nlv == 0 || (t != JSON_NUMBER && t != JSON_STRING))
		return 1;
	l = top(cp);
	key = key_of(j);
	if (t == JSON_STRING && (l->ctx == C_NODE || l->ctx == C_CALLFRAME) &&
	    (key == K_FN || key == K_URL)) {
		struct node *nd = &cp->nodes[l->node];

		if (key == K_FN) {
			nd->fn_off = cp->strs.len;
			nd->fn_len = n;
		} else {
			nd->url_off = cp->strs.len;
			nd->url_len = n;
		}
		buf_add(&cp->strs, s, n);
		return 1;
	}
	number(cp, key, s, n);	/* numbers, also given as strings ("scriptId": "1") */
	return 1;
}

const struct json_handler cp_json_handler = { on_value, on_end };
