/* idle.c - the one definition of an idle sample (see idle.h) */
#include <string.h>

#include "idle.h"

/* memmem for short haystacks: glibc's two-way setup costs more here. */
static const char *find(const char *p, const char *end, const char *word, size_t wlen)
{
	while ((size_t)(end - p) >= wlen) {
		const char *q = memchr(p, word[0], (size_t)(end - p) - wlen + 1);

		if (!q)
			return NULL;
		if (memcmp(q + 1, word + 1, wlen - 1) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* The first occurrence of word in a frame NAME of stack [p, end) (not in
 * an attribute), or NULL. One search over the stack, not one per frame. */
static const char *find_name(const char *p, const char *end, const char *word, size_t wlen)
{
	const char *start = p;

	while (p < end) {
		const char *m = find(p, end, word, wlen), *q;

		if (!m)
			return NULL;
		for (q = m; q > start && q[-1] != ';' && q[-1] != '`'; q--)
			;
		if (q == start || q[-1] == ';')
			return m;
		p = m + 1;	/* inside an attribute */
	}
	return NULL;
}

/* The first `idle attribute in [p, end), or NULL. */
static const char *find_idle_attr(const char *p, const char *end)
{
	while (p < end) {
		const char *m = find(p, end, "`idle", 5);

		if (!m)
			return NULL;
		if (m + 5 == end || m[5] == '`' || m[5] == ';')
			return m;
		p = m + 1;
	}
	return NULL;
}

#define W(s) { s, sizeof s - 1 }
static const struct word { const char *s; size_t n; } idle_names[] = {
	W("cpuidle"), W("cpu_idle"), W("cpu_bringup_and_idle"), W("native_safe_halt"),
	W("xen_hypercall_sched_op"), W("xen_hypercall_vcpu_op"),
}, irq_names[] = {
	W("softirq"), W("irq_exit"), W("do_IRQ"), W("interrupt"),
};
#undef W

/* Hot: called for every sample, and memmem's setup costs more than this. */
static int is_swapper(struct slice comm)
{
	size_t i;

	for (i = 0; i + 7 <= comm.n; i++)
		if (comm.p[i] == 's' && memcmp(comm.p + i, "swapper", 7) == 0)
			return 1;
	return 0;
}

int idle_sample(struct slice comm, struct slice stack)
{
	const char *p = stack.p, *end, *first, *m;
	size_t i;

	if (!is_swapper(comm) || stack.n == 0)
		return 0;
	end = memchr(p, '\t', stack.n);	/* extra fields after the stack (evscan.h) */
	if (!end)
		end = stack.p + stack.n;
	first = find_idle_attr(p, end);
	for (i = 0; i < sizeof idle_names / sizeof idle_names[0]; i++) {
		m = find_name(p, first ? first : end, idle_names[i].s, idle_names[i].n);
		if (m && (!first || m < first))
			first = m;
	}
	if (!first)
		return 0;
	/* interrupt work in a frame leafward of the first idle frame */
	p = memchr(first, ';', (size_t)(end - first));
	if (!p)
		return 1;
	for (i = 0; i < sizeof irq_names / sizeof irq_names[0]; i++)
		if (find_name(p + 1, end, irq_names[i].s, irq_names[i].n))
			return 0;
	return 1;
}
