/* rules.c - eventreduce's rule files: libyaml's document API, PCRE2 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "alloc.h"
#include "events.h"
#include "rules.h"
#include "timespec.h"

static const char *const names[R_NKINDS] = {
	"keep", "drop", "idle", "rename", "strip", "hide", "focus", "ignore",
	"prune", "depth", "recursion", "threads", "bucket",
};

const char *rule_name(enum rule_kind k)
{
	return (unsigned)k < R_NKINDS ? names[k] : "?";
}

struct ctx {
	yaml_document_t *doc;
	const char *name;
	struct buf *err;
	const char *rule;	/* the rule being parsed, for messages */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->err->len = 0;
	buf_adds(c->err, c->name);
	if (n) {
		char pos[48];

		snprintf(pos, sizeof pos, ":%lu:%lu", (unsigned long)n->start_mark.line + 1,
			 (unsigned long)n->start_mark.column + 1);
		buf_adds(c->err, pos);
	}
	buf_adds(c->err, ": ");
	buf_adds(c->err, msg);
	return -1;
}

/* A short, printable form of a scalar for messages. */
static const char *shown(const yaml_node_t *n)
{
	static char s[68];
	size_t i, len = n->data.scalar.length;

	for (i = 0; i < len && i < 64; i++) {
		unsigned char ch = n->data.scalar.value[i];

		s[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (len > 64)
		memcpy(s + 61, "...", 3), i = 64;
	s[i] = 0;
	return s;
}

static const char *type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a sequence";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static yaml_node_t *node(struct ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static int is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

static const char *str(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int want_scalar(struct ctx *c, const yaml_node_t *n, const char *what)
{
	if (is_scalar(n))
		return 0;
	return fail(c, n, "%s: expected %s, got %s", c->rule, what, type_name(n));
}

static int parse_bool(struct ctx *c, const yaml_node_t *n, int *v)
{
	if (want_scalar(c, n, "true or false") < 0)
		return -1;
	if (strcmp(str(n), "true") == 0)
		*v = 1;
	else if (strcmp(str(n), "false") == 0)
		*v = 0;
	else
		return fail(c, n, "%s: expected true or false, got '%s'", c->rule, shown(n));
	return 0;
}

static int parse_count(struct ctx *c, const yaml_node_t *n, long *v)
{
	const char *s;
	long x = 0;

	if (want_scalar(c, n, "a number of frames") < 0)
		return -1;
	s = str(n);
	if (!*s)
		return fail(c, n, "%s: expected a number of frames, got ''", c->rule);
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > 100000000)
			return fail(c, n, "%s: expected a number of frames (0 to 100000000), got '%s'",
				    c->rule, shown(n));
		x = x * 10 + (*s - '0');
	}
	if (x > 100000000)
		return fail(c, n, "%s: expected a number of frames (0 to 100000000), got '%s'",
			    c->rule, shown(n));
	*v = x;
	return 0;
}

static int parse_time(struct ctx *c, const yaml_node_t *n, int64_t *v, const char *what)
{
	if (want_scalar(c, n, what) < 0)
		return -1;
	if (strlen(str(n)) != n->data.scalar.length || timespec_parse(str(n), v) < 0)
		return fail(c, n, "%s: expected %s such as 10ms, 1.5 or 500us, got '%s'",
			    c->rule, what, shown(n));
	return 0;
}

static int compile(struct ctx *c, const yaml_node_t *n, struct rx *rx)
{
	int code;
	PCRE2_SIZE off;

	if (want_scalar(c, n, "a regular expression") < 0)
		return -1;
	if (rx->code)
		pcre2_code_free(rx->code), rx->code = NULL;
	rx->code = pcre2_compile((PCRE2_SPTR)str(n), n->data.scalar.length, 0, &code, &off, NULL);
	if (!rx->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof msg);
		return fail(c, n, "%s: bad regular expression '%s': %s at offset %lu",
			    c->rule, shown(n), (const char *)msg, (unsigned long)off);
	}
	pcre2_jit_compile(rx->code, PCRE2_JIT_COMPLETE);	/* without JIT it still works */
	if (!rx->md)
		rx->md = pcre2_match_data_create_from_pattern(rx->code, NULL);
	else {
		pcre2_match_data_free(rx->md);
		rx->md = pcre2_match_data_create_from_pattern(rx->code, NULL);
	}
	return 0;
}

/* The group references of a rename's replacement must exist. */
static int check_replacement(struct ctx *c, const yaml_node_t *n, const struct rx *rx)
{
	const char *s = str(n), *end = s + n->data.scalar.length;
	uint32_t groups = 0;

	pcre2_pattern_info(rx->code, PCRE2_INFO_CAPTURECOUNT, &groups);
	while (s < end) {
		const char *p = memchr(s, '$', (size_t)(end - s));
		unsigned long g = 0;

		if (!p)
			break;
		p++;
		if (p < end && *p == '$') {
			s = p + 1;
			continue;
		}
		if (p < end && *p >= '0' && *p <= '9') {
			while (p < end && *p >= '0' && *p <= '9' && g < 100000)
				g = g * 10 + (unsigned long)(*p++ - '0');
		} else if (p < end && *p == '{') {
			const char *q = memchr(p, '}', (size_t)(end - p));
			char nm[128];

			if (!q || q == p + 1 || (size_t)(q - p - 1) >= sizeof nm)
				return fail(c, n, "%s: bad replacement '%s': '${' without a group and '}'",
					    c->rule, shown(n));
			memcpy(nm, p + 1, (size_t)(q - p - 1));
			nm[q - p - 1] = 0;
			for (char *z = nm; *z; z++)	/* for messages */
				if ((unsigned char)*z < 0x20 || *z == 0x7f)
					*z = '?';
			if (nm[0] >= '0' && nm[0] <= '9') {
				const char *d;

				for (d = nm; *d; d++) {
					if (*d < '0' || *d > '9')
						return fail(c, n, "%s: bad replacement '%s': bad group '${%s}'",
							    c->rule, shown(n), nm);
					if (g < 100000)
						g = g * 10 + (unsigned long)(*d - '0');
				}
			} else if (pcre2_substring_number_from_name(rx->code, (PCRE2_SPTR)nm) < 0) {
				return fail(c, n, "%s: bad replacement '%s': no group named '%s'",
					    c->rule, shown(n), nm);
			}
			p = q + 1;
		} else {
			return fail(c, n, "%s: bad replacement '%s': '$' must be followed by a group "
				    "number, {name} or '$'", c->rule, shown(n));
		}
		if (g > groups)
			return fail(c, n, "%s: bad replacement '%s': group %lu does not exist (the "
				    "pattern has %u)", c->rule, shown(n), g, (unsigned)groups);
		s = p;
	}
	return 0;
}

/* Check the keys of mapping n against the NULL-terminated list; the
 * values go to vals (NULL when absent). */
static int keys(struct ctx *c, yaml_node_t *n, const char *const *allowed, yaml_node_t **vals)
{
	yaml_node_pair_t *p;
	size_t i, nk = 0;
	char list[256] = "";

	for (i = 0; allowed[i]; i++)
		vals[i] = NULL, nk++;
	for (i = 0; allowed[i]; i++) {
		if (i)
			strcat(list, i + 1 == nk ? " or " : ", ");
		strcat(list, allowed[i]);
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);

		if (!is_scalar(k))
			return fail(c, k, "%s: expected a key, got %s", c->rule, type_name(k));
		for (i = 0; allowed[i]; i++)
			if (strcmp(str(k), allowed[i]) == 0 && strlen(str(k)) == k->data.scalar.length)
				break;
		if (!allowed[i])
			return fail(c, k, "%s: unknown key '%s' (expected %s)", c->rule, shown(k), list);
		if (vals[i])
			return fail(c, k, "%s: key '%s' given twice", c->rule, allowed[i]);
		vals[i] = v;
	}
	return 0;
}

static void add_value(struct buf *b, int *count, const yaml_node_t *n)
{
	if (n->data.scalar.length == 1 && str(n)[0] == '-')
		buf_adds(b, "\\x2d");
	else
		ev_buf_escaped(b, str(n), n->data.scalar.length);
	buf_addc(b, '\n');
	(*count)++;
}

static int id_list(struct ctx *c, yaml_node_t *n, struct buf *b, int *count)
{
	yaml_node_item_t *it;

	if (is_scalar(n)) {
		add_value(b, count, n);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "%s: expected a value or a sequence of values, got %s", c->rule,
			    type_name(n));
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		return fail(c, n, "%s: empty sequence", c->rule);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = node(c, *it);

		if (!is_scalar(v))
			return fail(c, v, "%s: expected a value, got %s", c->rule, type_name(v));
		add_value(b, count, v);
	}
	return 0;
}

static int parse_match(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	static const char *const allowed[] = { "pid", "tid", "comm", "event", "frame", "leaf",
					       "root", "from", "to", NULL };
	yaml_node_t *v[9];
	struct rule_match *m = &r->m;

	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, "%s: expected a mapping of pid, tid, comm, event, frame, leaf, "
			    "root, from, to; got %s", c->rule, type_name(n));
	if (keys(c, n, allowed, v) < 0)
		return -1;
	if (n->data.mapping.pairs.start == n->data.mapping.pairs.top)
		return fail(c, n, "%s: empty mapping (give at least one of pid, tid, comm, event, "
			    "frame, leaf, root, from, to)", c->rule);
	if ((v[0] && id_list(c, v[0], &m->pids, &m->npids) < 0) ||
	    (v[1] && id_list(c, v[1], &m->tids, &m->ntids) < 0) ||
	    (v[2] && compile(c, v[2], &m->comm) < 0) ||
	    (v[3] && compile(c, v[3], &m->event) < 0) ||
	    (v[4] && compile(c, v[4], &m->frame) < 0) ||
	    (v[5] && compile(c, v[5], &m->leaf) < 0) ||
	    (v[6] && compile(c, v[6], &m->root) < 0) ||
	    (v[7] && parse_time(c, v[7], &m->from, "a time") < 0) ||
	    (v[8] && parse_time(c, v[8], &m->to, "a time") < 0))
		return -1;
	m->has_from = v[7] != NULL;
	m->has_to = v[8] != NULL;
	if (m->has_from && m->has_to && m->from > m->to)
		return fail(c, v[8], "%s: 'to' is before 'from'", c->rule);
	return 0;
}

/* RE or {frame: RE} */
static int parse_frame_re(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	static const char *const allowed[] = { "frame", NULL };
	yaml_node_t *v[1];

	if (is_scalar(n))
		return compile(c, n, &r->re);
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, "%s: expected a regular expression or {frame: RE}, got %s",
			    c->rule, type_name(n));
	if (keys(c, n, allowed, v) < 0)
		return -1;
	if (!v[0])
		return fail(c, n, "%s: 'frame' is required", c->rule);
	return compile(c, v[0], &r->re);
}

static int parse_rename(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	static const char *const allowed[] = { "frame", "comm", "to", "global", NULL };
	yaml_node_t *v[4];

	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, "%s: expected {frame: RE, to: STRING} or {comm: RE, to: STRING}, "
			    "got %s", c->rule, type_name(n));
	if (keys(c, n, allowed, v) < 0)
		return -1;
	if (!v[0] == !v[1])
		return fail(c, n, "%s: give exactly one of 'frame' and 'comm'", c->rule);
	if (!v[2])
		return fail(c, n, "%s: 'to' is required", c->rule);
	r->comm = v[1] != NULL;
	if (compile(c, v[0] ? v[0] : v[1], &r->re) < 0)
		return -1;
	if (want_scalar(c, v[2], "a replacement string") < 0 || check_replacement(c, v[2], &r->re) < 0)
		return -1;
	r->to = fp_strndup(str(v[2]), v[2]->data.scalar.length);
	r->to_len = v[2]->data.scalar.length;
	if (v[3] && parse_bool(c, v[3], &r->global) < 0)
		return -1;
	return 0;
}

static int strip_one(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	static const struct { const char *name; unsigned kind, key; } a[] = {
		{ "dso", 0, ST_DSO }, { "addr", 0, ST_ADDR }, { "file", 0, ST_FILE | ST_LINE | ST_COL },
		{ "line", 0, ST_LINE }, { "col", 0, ST_COL }, { "kernel", EVK_KERNEL, 0 },
		{ "jit", EVK_JIT, 0 }, { "inlined", EVK_INLINED, 0 }, { "unknown", EVK_UNKNOWN, 0 },
		{ "idle", EVK_IDLE, 0 }, { "all", 0, ST_ALL },
	};
	size_t i;

	if (want_scalar(c, n, "an attribute name") < 0)
		return -1;
	for (i = 0; i < sizeof a / sizeof a[0]; i++) {
		if (strcmp(str(n), a[i].name) == 0) {
			r->strip_kinds |= a[i].kind;
			r->strip_keys |= a[i].key;
			return 0;
		}
	}
	return fail(c, n, "%s: unknown attribute '%s' (expected dso, addr, file, line, col, kernel, "
		    "jit, inlined, unknown, idle or all)", c->rule, shown(n));
}

static int strip_attrs(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	yaml_node_item_t *it;

	if (is_scalar(n))
		return strip_one(c, n, r);
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "%s: expected an attribute name or a sequence of them, got %s",
			    c->rule, type_name(n));
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		return fail(c, n, "%s: empty sequence", c->rule);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		if (strip_one(c, node(c, *it), r) < 0)
			return -1;
	return 0;
}

static int parse_strip(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	static const char *const allowed[] = { "attrs", "frame", NULL };
	yaml_node_t *v[2];

	if (n->type != YAML_MAPPING_NODE)
		return strip_attrs(c, n, r);
	if (keys(c, n, allowed, v) < 0)
		return -1;
	if (!v[0])
		return fail(c, n, "%s: 'attrs' is required", c->rule);
	if (strip_attrs(c, v[0], r) < 0)
		return -1;
	return v[1] ? compile(c, v[1], &r->re) : 0;
}

static int parse_depth(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	static const char *const allowed[] = { "root", "leaf", NULL };
	yaml_node_t *v[2];

	r->root = r->leaf = -1;
	if (is_scalar(n))
		return parse_count(c, n, &r->root);
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, "%s: expected a number or {root: N, leaf: M}, got %s", c->rule,
			    type_name(n));
	if (keys(c, n, allowed, v) < 0)
		return -1;
	if (!v[0] && !v[1])
		return fail(c, n, "%s: give 'root', 'leaf' or both", c->rule);
	if ((v[0] && parse_count(c, v[0], &r->root) < 0) || (v[1] && parse_count(c, v[1], &r->leaf) < 0))
		return -1;
	return 0;
}

static int parse_word(struct ctx *c, yaml_node_t *n, const char *a, const char *b, int *v)
{
	if (want_scalar(c, n, a) < 0)
		return -1;
	if (strcmp(str(n), a) == 0)
		*v = 0;
	else if (strcmp(str(n), b) == 0)
		*v = 1;
	else
		return fail(c, n, "%s: expected %s or %s, got '%s'", c->rule, a, b, shown(n));
	return 0;
}

static int parse_bucket(struct ctx *c, yaml_node_t *n, struct rule *r)
{
	static const char *const allowed[] = { "window", NULL };
	yaml_node_t *v[1];

	if (n->type == YAML_MAPPING_NODE) {
		if (keys(c, n, allowed, v) < 0)
			return -1;
		if (!v[0])
			return fail(c, n, "%s: 'window' is required", c->rule);
		n = v[0];
	}
	if (parse_time(c, n, &r->window, "a duration") < 0)
		return -1;
	if (r->window <= 0)
		return fail(c, n, "%s: the window must be longer than 0", c->rule);
	return 0;
}

static int parse_rule(struct ctx *c, yaml_node_t *n, struct rules *rs)
{
	yaml_node_t *k, *v;
	struct rule *r;
	int kind;

	if (!n || n->type != YAML_MAPPING_NODE)
		return fail(c, n, "a rule: expected a mapping such as '- drop: {comm: perf}', got %s",
			    n ? type_name(n) : "nothing");
	if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
		return fail(c, n, "a rule is a mapping with exactly one key, the rule's name (a "
			    "'- ' missing?)");
	k = node(c, n->data.mapping.pairs.start->key);
	v = node(c, n->data.mapping.pairs.start->value);
	if (!is_scalar(k))
		return fail(c, k, "a rule's name: expected a scalar, got %s", type_name(k));
	for (kind = 0; kind < R_NKINDS; kind++)
		if (strcmp(str(k), names[kind]) == 0)
			break;
	if (kind == R_NKINDS)
		return fail(c, k, "unknown rule '%s' (expected keep, drop, idle, rename, strip, hide, "
			    "focus, ignore, prune, depth, recursion, threads or bucket)", shown(k));
	if (rs->n > 0 && rs->r[rs->n - 1].kind == R_BUCKET)
		return fail(c, k, "bucket must be the last rule");
	fp_grow(&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r);
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	r->kind = (enum rule_kind)kind;
	r->line = (int)k->start_mark.line + 1;
	r->col = (int)k->start_mark.column + 1;
	c->rule = names[kind];
	switch (r->kind) {
	case R_KEEP: case R_DROP: return parse_match(c, v, r);
	case R_IDLE: return parse_bool(c, v, &r->on);
	case R_RENAME: return parse_rename(c, v, r);
	case R_STRIP: return parse_strip(c, v, r);
	case R_HIDE: case R_FOCUS: case R_IGNORE: case R_PRUNE: return parse_frame_re(c, v, r);
	case R_DEPTH: return parse_depth(c, v, r);
	case R_RECURSION: return parse_word(c, v, "direct", "indirect", &r->indirect);
	case R_THREADS: return parse_word(c, v, "process", "all", &r->all);
	case R_BUCKET: return parse_bucket(c, v, r);
	default: return -1;
	}
}

static int parse_doc(struct ctx *c, struct rules *rs)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc), *rules = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;

	c->rule = "the rule file";
	if (!root)
		return fail(c, NULL, "empty rule file (expected 'rules:' and a list of rules)");
	if (root->type != YAML_MAPPING_NODE)
		return fail(c, root, "expected a mapping with the key 'rules', got %s", type_name(root));
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(c, p->key);

		if (!is_scalar(k) || strcmp(str(k), "rules") != 0)
			return fail(c, k, "unknown key '%s' (expected rules)",
				    is_scalar(k) ? shown(k) : type_name(k));
		if (rules)
			return fail(c, k, "key 'rules' given twice");
		rules = node(c, p->value);
	}
	if (!rules)
		return fail(c, root, "'rules' is required");
	if (rules->type != YAML_SEQUENCE_NODE)
		return fail(c, rules, "rules: expected a sequence of rules ('- drop: ...'), got %s",
			    type_name(rules));
	for (it = rules->data.sequence.items.start; it < rules->data.sequence.items.top; it++)
		if (parse_rule(c, node(c, *it), rs) < 0)
			return -1;
	return 0;
}

int rules_parse(struct rules *rs, const char *name, const char *text, size_t len, struct buf *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ctx c = { &doc, name, err, "" };
	int status;

	memset(rs, 0, sizeof *rs);
	if (!yaml_parser_initialize(&parser))
		return fail(&c, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		char pos[48];

		err->len = 0;
		buf_adds(err, name);
		snprintf(pos, sizeof pos, ":%lu:%lu: ", (unsigned long)parser.problem_mark.line + 1,
			 (unsigned long)parser.problem_mark.column + 1);
		buf_adds(err, pos);
		buf_adds(err, "yaml: ");
		buf_adds(err, parser.problem ? parser.problem : "syntax error");
		if (parser.context) {
			buf_adds(err, " (");
			buf_adds(err, parser.context);
			snprintf(pos, sizeof pos, " at %lu:%lu)",
				 (unsigned long)parser.context_mark.line + 1,
				 (unsigned long)parser.context_mark.column + 1);
			buf_adds(err, pos);
		}
		yaml_parser_delete(&parser);
		return -1;
	}
	status = parse_doc(&c, rs);
	if (status == 0) {
		/* a second document is a mistake too */
		yaml_document_t more;

		if (yaml_parser_load(&parser, &more)) {
			if (yaml_document_get_root_node(&more))
				status = fail(&c, yaml_document_get_root_node(&more),
					      "a second YAML document (one rule file, one document)");
			yaml_document_delete(&more);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (status < 0)
		rules_free(rs);
	return status;
}

static void rx_free(struct rx *x)
{
	if (x->md)
		pcre2_match_data_free(x->md);
	if (x->code)
		pcre2_code_free(x->code);
	x->md = NULL;
	x->code = NULL;
}

void rules_free(struct rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];

		buf_free(&r->m.pids);
		buf_free(&r->m.tids);
		rx_free(&r->m.comm);
		rx_free(&r->m.event);
		rx_free(&r->m.frame);
		rx_free(&r->m.leaf);
		rx_free(&r->m.root);
		rx_free(&r->re);
		free(r->to);
	}
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}
