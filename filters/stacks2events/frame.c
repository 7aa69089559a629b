/* frame.c - stacks2events: one frame line of a bpftrace or DTrace stack:
 * its name (offsets removed), dso and address, and whether it looks like
 * a kernel or a user frame */
#include <stdint.h>
#include <string.h>

#include "../../common/events.h"
#include "stacks.h"

static int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex digits p[0..n) into f->addr; 0 if they are not an address. */
static int set_addr(struct pframe *f, const char *p, size_t n)
{
	size_t i;

	while (n > 1 && p[0] == '0') {	/* leading zeros */
		p++;
		n--;
	}
	if (n == 0 || n > 16)
		return 0;
	for (i = 0; i < n; i++) {
		if (hexval(p[i]) < 0)
			return 0;
		f->addr[i] = (char)(p[i] | (is_digit(p[i]) ? 0 : 0x20));
	}
	f->addr[n] = 0;
	/* the kernel half of x86-64 and arm64 */
	f->evidence = n == 16 && memcmp(f->addr, "ffff8", 5) >= 0 ? CLASS_KERNEL : CLASS_USER;
	return 1;
}

static size_t hex_run(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && hexval(p[i]) >= 0)
		i++;
	return i;
}

/* Remove "+DIGITS" or "+0xHEX" from the end of a symbol. */
static struct slice strip_offset(struct slice s)
{
	size_t i = s.n;

	while (i > 0 && s.p[i - 1] != '+')
		i--;
	if (i < 2)	/* no '+', or a name that would be empty */
		return s;
	if (s.n - i > 2 && s.p[i] == '0' && (s.p[i + 1] | 0x20) == 'x' &&
	    hex_run(s.p + i + 2, s.n - i - 2) == s.n - i - 2) {
		s.n = i - 1;
	} else if (s.n > i) {
		size_t k;

		for (k = i; k < s.n && is_digit(s.p[k]); k++)
			;
		if (k == s.n)
			s.n = i - 1;
	}
	return s;
}

static void dso_evidence(struct pframe *f)
{
	struct slice d = f->dso;

	if (d.n == 0 || bytes_is(d.p, d.n, "[unknown]"))
		return;
	if (bytes_is(d.p, d.n, "[kernel.kallsyms]") || bytes_is(d.p, d.n, "[kernel]") || bytes_is(d.p, d.n, "unix") ||
	    bytes_is(d.p, d.n, "genunix") || bytes_is(d.p, d.n, "kernel") || bytes_is(d.p, d.n, "mach_kernel") ||
	    bytes_ends(d.p, d.n, ".ko") || bytes_starts(d.p, d.n, "[kernel") ||
	    bytes_starts(d.p, d.n, "vmlinux"))
		f->evidence = CLASS_KERNEL;
	else if (!f->evidence)
		f->evidence = CLASS_USER;
}

void st_parse_frame(const char *s, size_t n, struct pframe *f)
{
	size_t h = hex_run(s, n);
	const char *bq;

	memset(f, 0, sizeof *f);
	if (n > 2 && s[0] == '0' && (s[1] | 0x20) == 'x' && hex_run(s + 2, n - 2) == n - 2 &&
	    set_addr(f, s + 2, n - 2)) {
		f->unknown = 1;	/* 0x7f72aa59892b */
		return;
	}
	if (h >= 4 && h < n && is_ws(s[h]) && set_addr(f, s, h)) {
		/* bpftrace's perf mode: "ffffffff81000e8c sym+113 ([kernel.kallsyms])" */
		const char *r = s + h, *end = s + n;

		while (r < end && is_ws(*r))
			r++;
		if (end - r >= 3 && end[-1] == ')') {
			const char *o = end - 2;

			while (o > r && !(o[0] == '(' && is_ws(o[-1])))
				o--;
			if (o > r) {
				f->dso.p = o + 1;
				f->dso.n = (size_t)(end - 1 - (o + 1));
				end = o - 1;
				while (end > r && is_ws(end[-1]))
					end--;
			}
		}
		f->name.p = r;
		f->name.n = (size_t)(end - r);
	} else if ((bq = memchr(s, '`', n)) != NULL) {
		/* DTrace: module`function+0x1c or module`0x1234 */
		const char *r = bq + 1;
		size_t rn = (size_t)(s + n - r);

		f->dso.p = s;
		f->dso.n = (size_t)(bq - s);
		if (rn > 2 && r[0] == '0' && (r[1] | 0x20) == 'x' && hex_run(r + 2, rn - 2) == rn - 2 &&
		    set_addr(f, r + 2, rn - 2)) {
			f->unknown = 1;
			f->evidence = 0;
			dso_evidence(f);
			return;
		}
		f->name.p = r;
		f->name.n = rn;
	} else {
		f->name.p = s;
		f->name.n = n;
	}
	f->name = strip_offset(f->name);
	if (f->name.n == 0 || bytes_is(f->name.p, f->name.n, "[unknown]"))
		f->unknown = 1;
	if (bytes_is(f->dso.p, f->dso.n, "[unknown]"))
		f->dso.n = 0;	/* perf mode's "([unknown])": no dso */
	if (f->addr[0] && f->dso.n)
		f->evidence = 0;	/* the dso says more than the address */
	dso_evidence(f);
	if (!f->evidence && f->addr[0])
		set_addr(f, f->addr, strlen(f->addr));
}

int st_kernel_root(struct slice s)
{
	static const char *const roots[] = {
		"entry_SYSCALL", "entry_INT80", "entry_SYSENTER", "ret_from_fork",
		"secondary_startup", "common_startup", "start_kernel", "x86_64_start",
		"asm_", "kthread", "cpu_startup_entry", "do_idle", "rest_init",
		"start_secondary", "el0t_", "el1h_", "do_syscall_64", "smpboot_thread_fn",
		"worker_thread", "__do_softirq", "handle_softirqs", "sysvec_", "irq_exit",
	};
	size_t i;

	for (i = 0; i < sizeof roots / sizeof roots[0]; i++)
		if (bytes_starts(s.p, s.n, roots[i]))
			return 1;
	return 0;
}
