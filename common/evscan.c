/* evscan.c - a faster events reader for filters that do not need the STACK field split */
#include <string.h>

#include "bytes.h"
#include "evscan.h"

/* The field at *p up to the next TAB; 0 if there is no TAB. */
static inline int next_field(const char **p, const char *end, struct slice *f)
{
	const char *t = bytes_find(*p, end, '\t');	/* short fields: no call */

	if (!t)
		return 0;
	f->p = *p;
	f->n = (size_t)(t - *p);
	*p = t + 1;
	return 1;
}

/* ev_parse_i64() without its per-digit overflow division: up to 18
 * digits cannot overflow; anything else goes to ev_parse_i64(). */
static inline int fast_i64(const char *p, size_t n, int64_t *v)
{
	int64_t x = 0;
	size_t i;

	if (n == 0 || n > 18 || p[0] == '-')
		return ev_parse_i64(p, n, v);
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* ev_parse_time() for the common case: no sign, up to 9 integer digits
 * (below 10^9 s, no overflow) and up to 9 decimals. */
static inline int fast_time(const char *p, size_t n, int64_t *ns)
{
	int64_t s = 0, f = 0;
	size_t i = 0, fd;

	for (; i < n && i < 10 && p[i] >= '0' && p[i] <= '9'; i++)
		s = s * 10 + (p[i] - '0');
	if (i == 0 || i > 9 || (i < n && p[i] != '.'))
		return ev_parse_time(p, n, ns);
	if (i < n) {
		for (i++, fd = 0; i < n; i++, fd++) {
			unsigned d = (unsigned char)p[i] - '0';

			if (d > 9 || fd >= 9)
				return ev_parse_time(p, n, ns);
			f = f * 10 + d;
		}
		for (; fd < 9; fd++)
			f *= 10;
	}
	*ns = s * 1000000000 + f;
	return 0;
}

int ev_parse_fast(struct ev_rec *r, const char *line, size_t len, const char **why)
{
	const char *p = line + 2, *end = line + len;
	struct slice time, weight;

	if (len < 2 || line[1] != '\t' ||
	    (line[0] != 'S' && line[0] != 'O' && line[0] != 'C' && line[0] != 'I'))
		return ev_parse(r, line, len, why);
	if (!next_field(&p, end, &time) || !next_field(&p, end, &r->pid) ||
	    !next_field(&p, end, &r->tid) || !next_field(&p, end, &r->cpu) ||
	    !next_field(&p, end, &r->comm) || !next_field(&p, end, &r->event) ||
	    !next_field(&p, end, &weight))
		return ev_parse(r, line, len, why);
	r->type = line[0];
	r->line.p = line;
	r->line.n = len;
	r->stack.p = p;
	r->stack.n = (size_t)(end - p);
	r->weight = EV_NONE;
	if (r->type == 'S' && fast_i64(weight.p, weight.n, &r->weight) < 0)
		return ev_parse(r, line, len, why);
	if (ev_absent(time))
		r->time = EV_NONE;
	else if (fast_time(time.p, time.n, &r->time) < 0)
		return ev_parse(r, line, len, why);
	return EV_RECORD;
}

int evscan_next(struct ev_reader *r, struct ev_rec *rec)
{
	return ev_reader_next_with(r, rec, ev_parse_fast);
}
