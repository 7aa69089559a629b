/* stacks2events - convert bpftrace and DTrace stack aggregations to the flamepipe events format */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/out.h"
#include "../common/skip.h"

static const struct cli_info info = {
	"stacks2events",
	"stacks2events [-k KEYS] [-e EVENT] [-u UNIT] [--strict] [FILE ...]",
	"Convert bpftrace maps keyed by stacks (@[kstack, ustack, comm]: 3) and DTrace\n"
	"stack aggregations (plain, gzip or zstd) to a flamepipe events stream\n"
	"(events(5)): one untimed S record per entry, weighing its value; stacks\n"
	"root-first, offsets removed, kernel frames marked. FILE - or no FILE reads\n"
	"stdin.\n"
	"\n"
	"  -k, --keys=KEYS    the map's keys, comma-separated: kstack, ustack, stack,\n"
	"                     comm, pid, tid, cpu, frame (a root frame), - (ignored)\n"
	"  -e, --event=EVENT  the event of the anonymous map @ (default samples;\n"
	"                     a map @NAME is event NAME)\n"
	"  -u, --unit=UNIT    the values' unit (default samples)\n"
	"      --strict       stop at the first line that cannot be used\n"
	"      --help         show this help and exit\n"
	"      --version      show the version and exit\n",
};

enum ktype { K_AUTO, K_KSTACK, K_USTACK, K_STACK, K_COMM, K_PID, K_TID, K_CPU, K_FRAME, K_IGNORE };

struct span {
	size_t off, len;	/* in g.text */
};

struct key {
	struct span text;	/* a scalar key's text */
	size_t first, n;	/* its frames: g.fr[first .. first + n) */
	int has_text;
	int kernel;		/* at emit: a stack's class */
};

static struct {
	enum ktype *types;	/* --keys */
	size_t ntypes;
	const char *event, *unit;
	struct skips skips;
	int started;
	struct intern events;	/* events whose E record is written */
	/* the current file */
	const char *file;
	int decided, rejected;
	/* the current entry */
	int in_entry;		/* 'b' bpftrace, 'd' DTrace, 0 none */
	uint64_t entry_line;
	struct buf text, map;
	struct key *keys;
	size_t nkeys, keys_cap;
	struct span *fr;
	size_t nfr, fr_cap;
	struct buf tmp;
} g;

static void start_output(void)
{
	if (g.started)
		return;
	g.started = 1;
	ev_put_magic();
	out_puts("#source stacks\n#clock none\n");
}

static void accept_file(void)
{
	start_output();
	g.decided = 1;
	out_puts("#input ");
	ev_put_escaped(g.file, strlen(g.file));
	out_putc('\n');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int has_prefix(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(p, lit, k) == 0;
}

static int has_suffix(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(p + n - k, lit, k) == 0;
}

static int slice_is(struct slice s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* An integer (optional '-'), int64. */
static int parse_i64(const char *p, size_t n, int64_t *v)
{
	size_t i = 0;
	int neg = 0;
	uint64_t x = 0;

	if (n > 0 && p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (!is_digit(p[i]) || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	if (x > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

/* ---- frames ---- */

enum { EV_NONE_CLASS = 0, CLASS_KERNEL = 1, CLASS_USER = 2 };

struct pframe {
	struct slice name, dso;
	char addr[17];		/* lower-case hex, no 0x; "" if none */
	int unknown;
	int evidence;		/* CLASS_KERNEL, CLASS_USER or 0 */
};

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

	if (d.n == 0 || slice_is(d, "[unknown]"))
		return;
	if (slice_is(d, "[kernel.kallsyms]") || slice_is(d, "[kernel]") || slice_is(d, "unix") ||
	    slice_is(d, "genunix") || slice_is(d, "kernel") || slice_is(d, "mach_kernel") ||
	    has_suffix(d.p, d.n, ".ko") || has_prefix(d.p, d.n, "[kernel") ||
	    has_prefix(d.p, d.n, "vmlinux"))
		f->evidence = CLASS_KERNEL;
	else if (!f->evidence)
		f->evidence = CLASS_USER;
}

/* One frame line, trimmed. */
static void parse_frame(const char *s, size_t n, struct pframe *f)
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
	if (f->name.n == 0 || slice_is(f->name, "[unknown]"))
		f->unknown = 1;
	if (slice_is(f->dso, "[unknown]"))
		f->dso.n = 0;	/* perf mode's "([unknown])": no dso */
	if (f->addr[0] && f->dso.n)
		f->evidence = 0;	/* the dso says more than the address */
	dso_evidence(f);
	if (!f->evidence && f->addr[0])
		set_addr(f, f->addr, strlen(f->addr));
}

static int kernel_root(struct slice s)
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
		if (has_prefix(s.p, s.n, roots[i]))
			return 1;
	return 0;
}

static struct slice frame_text(size_t i)
{
	struct slice s = { g.text.p + g.fr[i].off, g.fr[i].len };

	return s;
}

/* Kernel or user by the frames' evidence; 0 when they say nothing. */
static int stack_evidence(const struct key *k)
{
	size_t i, kern = 0, user = 0;
	struct pframe f;

	for (i = 0; i < k->n; i++) {
		struct slice s = frame_text(k->first + i);

		parse_frame(s.p, s.n, &f);
		kern += f.evidence == CLASS_KERNEL;
		user += f.evidence == CLASS_USER;
	}
	return kern > user ? CLASS_KERNEL : user > kern ? CLASS_USER : 0;
}

static void put_frames(const struct key *k, int kernel, int *first)
{
	size_t i;
	struct pframe f;

	for (i = k->n; i-- > 0;) {	/* leaf first in the input */
		struct slice s = frame_text(k->first + i);
		struct ev_frame_out o = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 0, 0, 0 };

		parse_frame(s.p, s.n, &f);
		if (!*first)
			out_putc(';');
		*first = 0;
		o.name = f.unknown ? ev_str("[unknown]") : f.name;
		o.dso = f.dso;
		o.addr = ev_str(f.addr);
		o.kind = (kernel ? EVK_KERNEL : 0) | (f.unknown ? EVK_UNKNOWN : 0);
		ev_put_frame(&o);
	}
}

/* ---- entries ---- */

static void entry_reset(void)
{
	g.in_entry = 0;
	g.text.len = 0;
	g.map.len = 0;
	g.nkeys = 0;
	g.nfr = 0;
}

static struct key *new_key(void)
{
	struct key *k;

	fp_grow(&g.keys, &g.keys_cap, g.nkeys + 1, sizeof *g.keys);
	k = &g.keys[g.nkeys++];
	memset(k, 0, sizeof *k);
	k->first = g.nfr;
	return k;
}

static void add_frame(const char *p, size_t n)
{
	struct key *k = &g.keys[g.nkeys - 1];

	fp_grow(&g.fr, &g.fr_cap, g.nfr + 1, sizeof *g.fr);
	g.fr[g.nfr].off = g.text.len;
	g.fr[g.nfr].len = n;
	buf_add(&g.text, p, n);
	g.nfr++;
	k->n++;
}

static enum ktype type_of(size_t i)
{
	return i < g.ntypes ? g.types[i] : K_AUTO;
}

static int is_number(struct slice s)
{
	int64_t v;

	return parse_i64(s.p, s.n, &v) == 0;
}

static void put_event(struct slice ev)
{
	int added;

	intern_get(&g.events, ev.p, ev.n, &added);
	if (!added)
		return;
	out_puts("E\t-\t");
	ev_put_field(ev.p, ev.n);
	out_putc('\t');
	ev_put_field(g.unit, strlen(g.unit));
	out_putc('\n');
}

/* Write the entry as an S record of weight w. */
static void emit(int64_t w)
{
	struct slice comm = { NULL, 0 }, pid = { NULL, 0 }, tid = { NULL, 0 }, cpu = { NULL, 0 };
	struct slice ev = { g.map.p, g.map.len };
	size_t i, nstacks = 0, unclassified = 0;
	int any_kernel = 0, first = 1, pass;

	if (ev.n == 0)
		ev = ev_str(g.event);
	/* scalar keys */
	for (i = 0; i < g.nkeys; i++) {
		struct key *k = &g.keys[i];
		struct slice t = { g.text.p + k->text.off, k->text.len };
		enum ktype ty = type_of(i);

		if (k->n) {
			nstacks++;
			continue;
		}
		switch (ty) {
		case K_COMM: comm = t; break;
		case K_PID: pid = t; break;
		case K_TID: tid = t; break;
		case K_CPU: cpu = t; break;
		case K_AUTO:
			if (t.n && !comm.p && !is_number(t) && !(i < g.ntypes))
				comm = t;
			break;
		default: break;
		}
	}
	/* stacks: kernel or user (docs/stacks.md) */
	for (i = 0; i < g.nkeys; i++) {
		struct key *k = &g.keys[i];
		enum ktype ty = type_of(i);

		if (!k->n)
			continue;
		k->kernel = ty == K_KSTACK ? CLASS_KERNEL : ty == K_USTACK ? CLASS_USER : stack_evidence(k);
		any_kernel |= k->kernel == CLASS_KERNEL;
		unclassified += k->kernel == 0;
	}
	/* a kernel entry point at the root (the last line: leaf first) */
	for (i = 0; i < g.nkeys && unclassified; i++) {
		struct key *k = &g.keys[i];

		if (k->n && !k->kernel && kernel_root(frame_text(k->first + k->n - 1))) {
			k->kernel = CLASS_KERNEL;
			any_kernel = 1;
			unclassified--;
		}
	}
	/* by position: the first of two stacks is the kernel's ([kstack, ustack]) */
	for (i = 0; i < g.nkeys && unclassified; i++) {
		struct key *k = &g.keys[i];

		if (!k->n || k->kernel)
			continue;
		if (nstacks >= 2 && !any_kernel) {
			k->kernel = CLASS_KERNEL;
			any_kernel = 1;
		} else {
			k->kernel = CLASS_USER;
		}
	}
	put_event(ev);
	out_puts("S\t-\t");
	ev_put_field(pid.p, pid.n);
	out_putc('\t');
	ev_put_field(tid.p, tid.n);
	out_putc('\t');
	if (cpu.n && is_number(cpu) && cpu.p[0] != '-')
		out_write(cpu.p, cpu.n);
	else
		out_putc('-');
	out_putc('\t');
	ev_put_field(comm.p, comm.n);
	out_putc('\t');
	ev_put_field(ev.p, ev.n);
	out_putc('\t');
	out_i64(w);
	out_putc('\t');
	/* root frames from scalar keys */
	for (i = 0; i < g.nkeys; i++) {
		struct key *k = &g.keys[i];
		struct slice t = { g.text.p + k->text.off, k->text.len };
		enum ktype ty = type_of(i);
		struct ev_frame_out o = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 0, 0, 0 };

		if (k->n || t.n == 0 || (t.p == comm.p && t.n == comm.n))
			continue;
		if (ty != K_FRAME && !(ty == K_AUTO && i >= g.ntypes))
			continue;
		if (!first)
			out_putc(';');
		first = 0;
		o.name = t;
		ev_put_frame(&o);
	}
	/* user stacks, then kernel stacks on top */
	for (pass = CLASS_USER; pass >= CLASS_KERNEL; pass--)
		for (i = 0; i < g.nkeys; i++)
			if (g.keys[i].n && g.keys[i].kernel == pass)
				put_frames(&g.keys[i], pass == CLASS_KERNEL, &first);
	out_putc('\n');
}

static void skip(uint64_t line, const char *why)
{
	skip_record(&g.skips, g.file, line, why);
}

static void entry_broken(const char *why)
{
	if (g.in_entry)
		skip(g.entry_line, why);
	entry_reset();
}

/* A bpftrace line that is not a frame, inside an entry: keys separated by
 * ", " (or a ',' at the end of the line), maybe "]: VALUE" at the end. */
static void bpf_segment(const char *p, size_t n, uint64_t lineno)
{
	size_t i, body = n, start = 0;
	int64_t w = 0;
	int end = 0;

	/* "]: VALUE" at the end */
	i = n;
	while (i > 0 && is_digit(p[i - 1]))
		i--;
	if (i < n && i > 0 && p[i - 1] == '-')
		i--;
	if (i < n && i >= 3 && p[i - 1] == ' ' && p[i - 2] == ':' && p[i - 3] == ']') {
		if (parse_i64(p + i, n - i, &w) < 0) {
			skip(lineno, "bad value");
			entry_reset();
			return;
		}
		body = i - 3;
		end = 1;
	}
	for (i = 0; i <= body; i++) {
		int sep = i < body && p[i] == ',' && (i + 1 == body || p[i + 1] == ' ');

		if (i < body && !sep)
			continue;
		if (i > start) {	/* text for the current key */
			struct key *k = &g.keys[g.nkeys - 1];

			if (k->n || k->has_text) {
				skip(lineno, "text after a key without a separator");
				entry_reset();
				return;
			}
			k->text.off = g.text.len;
			k->text.len = i - start;
			k->has_text = 1;
			buf_add(&g.text, p + start, i - start);
		}
		if (sep) {
			new_key();
			i += i + 1 < body ? 1 : 0;	/* the space */
			start = i + 1;
		}
	}
	if (end) {
		emit(w);
		entry_reset();
	}
}

/* "@NAME[" or "@NAME: VALUE" */
static int bpf_start(const char *p, size_t n, uint64_t lineno)
{
	size_t i = 1;
	int64_t w;

	while (i < n && (is_digit(p[i]) || p[i] == '_' || ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')))
		i++;
	if (i < n && p[i] == '[') {
		entry_reset();
		g.in_entry = 'b';
		g.entry_line = lineno;
		buf_add(&g.map, p + 1, i - 1);
		new_key();
		bpf_segment(p + i + 1, n - i - 1, lineno);
		return 0;
	}
	if (i + 2 <= n && p[i] == ':' && p[i + 1] == ' ' && parse_i64(p + i + 2, n - i - 2, &w) == 0) {
		entry_reset();
		buf_add(&g.map, p + 1, i - 1);
		emit(w);
		entry_reset();
		return 0;
	}
	return -1;
}

/* A DTrace line (indented); p is trimmed, indent is the leading blanks. */
static void dtrace_line(const char *p, size_t n, size_t indent, uint64_t lineno)
{
	int64_t w;

	if (!g.in_entry) {
		entry_reset();
		g.in_entry = 'd';
		g.entry_line = lineno;
		new_key();
	}
	if (parse_i64(p, n, &w) == 0 && (g.nfr > 0 || g.keys[0].has_text || indent >= 8)) {
		emit(w);
		entry_reset();
		return;
	}
	if (indent < 8 && g.nfr == 0) {	/* a scalar key before the stack */
		struct key *k = g.keys[g.nkeys - 1].has_text ? new_key() : &g.keys[g.nkeys - 1];

		k->text.off = g.text.len;
		k->text.len = n;
		k->has_text = 1;
		buf_add(&g.text, p, n);
		new_key();
		return;
	}
	if (g.keys[g.nkeys - 1].has_text)
		new_key();
	add_frame(p, n);
}

/* ---- lines ---- */

/* A perf script sample header: "... 123.456789:" then a space or the end. */
static int perf_header(const char *p, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		size_t k = i;

		if (p[i] != ':' || (i + 1 < n && p[i + 1] != ' '))
			continue;
		while (k > 0 && is_digit(p[k - 1]))
			k--;
		if (k == i || k < 2 || p[k - 1] != '.' || !is_digit(p[k - 2]))
			continue;
		return 1;
	}
	return 0;
}

/* "a;b;c 5": a folded line */
static int folded_line(const char *p, size_t n)
{
	size_t i = n;

	while (i > 0 && is_digit(p[i - 1]))
		i--;
	return i < n && i > 0 && is_ws(p[i - 1]) && memchr(p, ';', i) != NULL;
}

static int reject(const char *what)
{
	fp_warn("%s: %s, not bpftrace or DTrace stacks", g.file, what);
	g.rejected = 1;
	return -1;
}

static int do_line(const char *p, size_t n, uint64_t lineno)
{
	size_t indent = 0;

	while (n > 0 && (is_ws(p[n - 1]) || p[n - 1] == '\r'))
		n--;
	while (indent < n && is_ws(p[indent]))
		indent++;
	if (!g.decided && n > 0) {
		if (has_prefix(p, n, "#flamepipe-events"))
			return reject("already a flamepipe events stream");
		if (p[0] == '{' || p[0] == '[')
			return reject("JSON");
		if (indent == 0 && p[0] != '@' && folded_line(p, n))
			return reject("folded stacks (use folded2events)");
		if (indent == 0 && p[0] != '@' && perf_header(p, n))
			return reject("perf script text (use perf2events)");
		accept_file();
	}
	if (g.in_entry == 'b') {
		if (n == 0) {
			/* a blank line inside a stack: bpftrace never prints one */
			return 0;
		}
		if (indent > 0) {
			struct key *k = &g.keys[g.nkeys - 1];

			if (k->has_text) {
				skip(lineno, "a frame after a key without a separator");
				entry_reset();
				return 0;
			}
			add_frame(p + indent, n - indent);
			return 0;
		}
		if (p[0] == '@') {
			entry_broken("entry without a value");
		} else {
			bpf_segment(p, n, lineno);
			return 0;
		}
	}
	if (n == 0) {
		if (g.in_entry == 'd')
			entry_broken("stack without a value");
		return 0;
	}
	if (indent > 0) {
		dtrace_line(p + indent, n - indent, indent, lineno);
		return 0;
	}
	if (g.in_entry == 'd')
		entry_broken("stack without a value");
	if (p[0] == '@' && bpf_start(p, n, lineno) == 0)
		return 0;
	if (has_prefix(p, n, "Attaching ") || has_prefix(p, n, "dtrace: ") || p[0] == '#')
		return 0;
	skip(lineno, "not part of a map entry");
	return 0;
}

static int convert(const char *path, void *ctx)
{
	struct input in;
	char *line;
	size_t len;
	int r, bad = 0;

	(void)ctx;
	if (input_open(&in, path) < 0)
		return 1;
	g.file = in.name;
	g.decided = g.rejected = 0;
	entry_reset();
	while ((r = input_getline(&in, &line, &len)) > 0) {
		if (in.lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			len -= 3;
		}
		if (do_line(line, len, in.lineno) < 0)
			break;
	}
	if (r < 0)
		bad = 1;
	if (!g.rejected && g.in_entry)
		entry_broken(g.in_entry == 'b' ? "entry without a value" : "stack without a value");
	if (!g.rejected && !g.decided)
		accept_file();
	if (g.rejected)
		bad = 1;
	skip_file_done(&g.skips, in.name, "lines");
	input_close(&in);
	return bad;
}

static void parse_keys(const char *arg)
{
	static const struct {
		const char *s;
		enum ktype t;
	} names[] = {
		{ "kstack", K_KSTACK }, { "ustack", K_USTACK }, { "stack", K_STACK },
		{ "comm", K_COMM }, { "pid", K_PID }, { "tid", K_TID }, { "cpu", K_CPU },
		{ "frame", K_FRAME }, { "-", K_IGNORE },
	};
	const char *p = arg;

	free(g.types);
	g.types = NULL;
	g.ntypes = 0;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p), i;
		size_t cap = g.ntypes;

		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		while (n > 0 && p[n - 1] == ' ')
			n--;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].s) == n && memcmp(names[i].s, p, n) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			cli_usage_error(&info, "--keys: unknown key '%.*s' (kstack, ustack, stack, "
					"comm, pid, tid, cpu, frame, -)", (int)n, p);
		fp_grow(&g.types, &cap, g.ntypes + 1, sizeof *g.types);
		g.types[g.ntypes++] = names[i].t;
		if (!c)
			break;
		p = c + 1;
	}
}

int main(int argc, char **argv)
{
	enum { OPT_STRICT = CLI_FIRST_LONG };
	static const struct option longopts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "event", required_argument, NULL, 'e' },
		{ "unit", required_argument, NULL, 'u' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	g.event = g.unit = "samples";
	g.started = 0;
	g.skips.strict = 0;
	g.ntypes = 0;
	intern_free(&g.events);
	memset(&g.events, 0, sizeof g.events);
	while ((c = getopt_long(argc, argv, "k:e:u:", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': parse_keys(optarg); break;
		case 'e': g.event = optarg; break;
		case 'u': g.unit = optarg; break;
		case OPT_STRICT: g.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	if (!*g.event || !*g.unit)
		cli_usage_error(&info, "event and unit names must not be empty");
	buf_reserve(&g.text, 256);	/* never NULL: slices are made from g.text.p + offset */
	status = cli_each_input(argc - optind, argv + optind, convert, NULL);
	out_close();
	return status;
}
