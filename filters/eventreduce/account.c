/* account.c - eventreduce's accounting: records and weights (per event)
 * in, out, and dropped, changed or merged by each rule; the figures on
 * stderr and as #reduce-* headers, with the check in = out + dropped */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/err.h"
#include "../../common/out.h"
#include "reduce.h"

void acct_init(struct acct *a, size_t nrules)
{
	a->nrules = nrules;
	a->ev_id = -1;
	a->st = fp_calloc(nrules ? nrules : 1, sizeof *a->st);
}

void acct_free(struct acct *a)
{
	size_t i;

	for (i = 0; i < a->nrules; i++) {
		free(a->st[i].dw);
		free(a->st[i].cw);
	}
	free(a->st);
	free(a->in_w);
	free(a->out_w);
	intern_free(&a->events);
}

/* Room for event ids up to i in every counter, the new ones 0. */
static void grow_events(struct acct *a, size_t i)
{
	size_t k, old = a->evcap;

	fp_grow(&a->in_w, &a->evcap, i + 1, sizeof *a->in_w);
	a->out_w = fp_realloc(a->out_w, a->evcap * sizeof *a->out_w);
	for (k = 0; k < a->nrules; k++) {
		a->st[k].dw = fp_realloc(a->st[k].dw, a->evcap * sizeof(int64_t));
		a->st[k].cw = fp_realloc(a->st[k].cw, a->evcap * sizeof(int64_t));
	}
	for (k = old; k < a->evcap; k++) {
		size_t j;

		a->in_w[k] = a->out_w[k] = 0;
		for (j = 0; j < a->nrules; j++)
			a->st[j].dw[k] = a->st[j].cw[k] = 0;
	}
}

int event_id_new(struct acct *a, struct slice ev)
{
	int added;
	size_t i;

	i = intern_get(&a->events, ev.p, ev.n, &added);
	if (added) {
		if (i >= a->evcap)
			grow_events(a, i);
		a->nev = i + 1;
	}
	a->ev_id = (int)i;
	a->last_ev = (struct slice){ a->events.ents[i].key, ev.n };
	return (int)i;
}

/* Does in = out + dropped + merged hold, records and each event's weight? */
static int balanced(const struct acct *a)
{
	size_t i, e;
	uint64_t dropped = 0, merged = 0;

	for (i = 0; i < a->nrules; i++) {
		dropped += a->st[i].dropped;
		merged += a->st[i].merged;
	}
	if (a->in_n != a->out_n + dropped + merged)
		return 0;
	for (e = 0; e < a->nev; e++) {
		int64_t d = 0;

		for (i = 0; i < a->nrules; i++)
			d += a->st[i].dw[e];
		if (a->in_w[e] != a->out_w[e] + d)
			return 0;
	}
	return 1;
}

static void put_weights(const struct acct *a, const int64_t *w)
{
	size_t i;

	for (i = 0; i < a->nev; i++)
		fprintf(stderr, ", %.*s %" PRId64, (int)a->events.ents[i].len, a->events.ents[i].key,
			w[i]);
}

static int dropper(enum rule_kind k)
{
	return k == R_KEEP || k == R_DROP || k == R_IDLE || k == R_FOCUS || k == R_IGNORE;
}

static void report_rule(const struct acct *a, const struct rule *ru, size_t i,
			const char *rules_path)
{
	const struct stat_row *s = &a->st[i];

	fprintf(stderr, "eventreduce: rule %zu %s (%s:%d):", i + 1, rule_name(ru->kind), rules_path,
		ru->line);
	if (ru->kind == R_BUCKET) {
		fprintf(stderr, " merged %" PRIu64 " records\n", s->merged);
		return;
	}
	if (dropper(ru->kind)) {
		fprintf(stderr, " dropped %" PRIu64 " records", s->dropped);
		put_weights(a, s->dw);
	} else {
		fprintf(stderr, " changed %" PRIu64 " records", s->changed);
		put_weights(a, s->cw);
		if (s->dropped) {
			fprintf(stderr, "; dropped %" PRIu64 " span records", s->dropped);
			put_weights(a, s->dw);
		}
	}
	fputc('\n', stderr);
}

static void report_stderr(const struct acct *a, const struct rules *rs, const char *rules_path)
{
	size_t i;

	fprintf(stderr, "eventreduce: in: %" PRIu64 " records", a->in_n);
	put_weights(a, a->in_w);
	fputc('\n', stderr);
	for (i = 0; i < rs->n; i++)
		report_rule(a, &rs->r[i], i, rules_path);
	fprintf(stderr, "eventreduce: out: %" PRIu64 " records", a->out_n);
	put_weights(a, a->out_w);
	fputc('\n', stderr);
}

/* " PREFIX:EVENT=W" for each event */
static void stats_weight(const struct acct *a, size_t e, const char *prefix, int64_t w)
{
	out_puts(prefix);
	out_write(a->events.ents[e].key, a->events.ents[e].len);
	out_putc('=');
	out_i64(w);
}

static void stats_total(const struct acct *a, const char *what, uint64_t n, const int64_t *w)
{
	size_t e;

	out_puts(what);
	out_u64(n);
	for (e = 0; e < a->nev; e++)
		stats_weight(a, e, " weight:", w[e]);
	out_putc('\n');
}

static void report_stats(const struct acct *a, const struct rules *rs)
{
	size_t i, e;

	stats_total(a, "#reduce-in records=", a->in_n, a->in_w);
	for (i = 0; i < rs->n; i++) {
		const struct stat_row *s = &a->st[i];

		out_puts("#reduce-rule ");
		out_u64(i + 1);
		out_putc(' ');
		out_puts(rule_name(rs->r[i].kind));
		out_puts(" dropped=");
		out_u64(s->dropped);
		out_puts(" changed=");
		out_u64(s->changed);
		out_puts(" merged=");
		out_u64(s->merged);
		for (e = 0; e < a->nev; e++) {
			stats_weight(a, e, " dropped:", s->dw[e]);
			stats_weight(a, e, " changed:", s->cw[e]);
		}
		out_putc('\n');
	}
	stats_total(a, "#reduce-out records=", a->out_n, a->out_w);
}

void report(const struct acct *a, const struct rules *rs, const char *rules_path, int quiet,
	    int stats)
{
	int bad = !balanced(a);

	if (!quiet)
		report_stderr(a, rs, rules_path);
	if (stats)
		report_stats(a, rs);
	if (bad)
		fp_die("internal error: in != out + dropped (please report)");
}
