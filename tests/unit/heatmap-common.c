/* Unit tests of the modules heatmap and timeslice added to common/:
 * evscan (ev_parse_fast must accept, reject and split exactly like
 * ev_parse, checked on crafted lines and 200 000 random mutations;
 * ev_reader_next_cut must read a stream exactly like ev_reader_next_with
 * and ev_parse_cut, lines in the buffer or across its end, short and long),
 * timespec (parsing and exact formatting) and idle (the idle rule). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/events.h"
#include "../../common/evscan.h"
#include "../../common/idle.h"
#include "../../common/timespec.h"

static int failed;

#define CHECK(c, ...) do { if (!(c)) { failed++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static int same(struct slice a, struct slice b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* parse (ev_parse_fast or ev_parse_cut, named name) is ev_parse() for
 * every line: the same kind, reason, fields; the STACK field the same
 * once cut at its TAB when cut_stack (ev_parse_fast leaves the rest of the
 * line in it), as it is otherwise. */
static void differential(const char *name, int (*parse)(struct ev_rec *, const char *, size_t, const char **),
			 int cut_stack, const char *line, size_t len)
{
	struct ev_rec a, b;
	const char *wa = NULL, *wb = NULL;
	int ka = ev_parse(&a, line, len, &wa), kb = parse(&b, line, len, &wb);

	CHECK(ka == kb, "'%.*s': ev_parse %d, %s %d", (int)len, line, ka, name, kb);
	if (ka != kb)
		return;
	if (ka == EV_ERROR) {
		CHECK(strcmp(wa, wb) == 0, "'%.*s': reasons '%s' / %s '%s'", (int)len, line, wa, name, wb);
		return;
	}
	if (ka != EV_RECORD || !strchr("SOCI", a.type))
		return;
	CHECK(a.type == b.type && a.time == b.time && a.weight == b.weight,
	      "'%.*s': %s: type/time/weight differ (%" PRId64 "/%" PRId64 ")", (int)len, line, name, a.time, b.time);
	CHECK(same(a.pid, b.pid) && same(a.tid, b.tid) && same(a.cpu, b.cpu) &&
	      same(a.comm, b.comm) && same(a.event, b.event), "'%.*s': %s: fields differ", (int)len, line, name);
	CHECK(same(a.stack, cut_stack ? ev_stack_cut(b.stack) : b.stack), "'%.*s': %s: stacks differ",
	      (int)len, line, name);
}

/* ev_parse_fast() and ev_parse_cut() against ev_parse() on one line */
static void differentials(const char *line, size_t len)
{
	differential("fast", ev_parse_fast, 1, line, len);
	differential("cut", ev_parse_cut, 0, line, len);
}

/* One line of the stream test_reader() reads: a crafted line, mutated,
 * its STACK field grown to a length around the 64 bytes a scan takes at
 * once, or made another line (CR, empty, header, bad record). */
static size_t reader_line(char *buf, size_t cap, unsigned *seed, const char *const *lines, size_t nlines)
{
	static const char alphabet[] = "0123456789.-\t;`xS\r\n";
	size_t n, k;

	*seed = *seed * 1103515245 + 12345;
	n = strlen(lines[(*seed >> 8) % nlines]);
	memcpy(buf, lines[(*seed >> 8) % nlines], n);
	*seed = *seed * 1103515245 + 12345;
	switch ((*seed >> 8) % 8) {
	case 0:		/* mutated */
		*seed = *seed * 1103515245 + 12345;
		k = (*seed >> 8) % n;
		*seed = *seed * 1103515245 + 12345;
		buf[k] = alphabet[(*seed >> 8) % (sizeof alphabet - 1)];
		break;
	case 1:		/* a CR before the LF */
		buf[n++] = '\r';
		break;
	case 2: case 3: case 4:	/* a longer STACK: up to 200 bytes more */
		*seed = *seed * 1103515245 + 12345;
		for (k = (*seed >> 8) % 200; k > 0 && n < cap - 1; k--)
			buf[n++] = k % 7 ? 'f' : ';';
		break;
	default:
		break;
	}
	return n;
}

/* ev_reader_next_cut() against ev_reader_next_with(ev_parse_cut) on a
 * stream of 20 000 lines: the same results, line numbers and fields. */
static void test_reader(const char *const *lines, size_t nlines)
{
	char path[] = "/tmp/fp-unit-reader.XXXXXX", buf[512];
	struct ev_reader ra, rb;
	struct skips sa = { 0 }, sb = { 0 };
	unsigned seed = 777;
	int fd = mkstemp(path), ka, kb;
	size_t i, recs = 0;
	FILE *f;

	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs("#flamepipe-events 1\n", f);
	for (i = 0; i < 20000; i++) {
		size_t n = reader_line(buf, sizeof buf, &seed, lines, nlines);

		fwrite(buf, 1, n, f);
		fputc('\n', f);
	}
	fputs("S\t1\t1\t2\t3\tc\te\t1\tlast;line;without;LF", f);
	fclose(f);
	if (ev_reader_open(&ra, path, &sa) < 0 || ev_reader_open(&rb, path, &sb) < 0) {
		CHECK(0, "ev_reader_open");
		unlink(path);
		return;
	}
	do {
		struct ev_rec a, b;

		ka = ev_reader_next_with(&ra, &a, ev_parse_cut);
		kb = ev_reader_next_cut(&rb, &b);
		CHECK(ka == kb && ra.in.lineno == rb.in.lineno, "line %" PRIu64 ": %d / %d (line %" PRIu64 ")",
		      ra.in.lineno, ka, kb, rb.in.lineno);
		if (ka != kb)
			break;
		if (ka != EV_RECORD)
			continue;
		recs++;
		CHECK(a.type == b.type && a.time == b.time && a.weight == b.weight &&
		      same(a.pid, b.pid) && same(a.tid, b.tid) && same(a.cpu, b.cpu) &&
		      same(a.comm, b.comm) && same(a.event, b.event) && same(a.stack, b.stack) &&
		      same(a.line, b.line),
		      "line %" PRIu64 ": records differ", ra.in.lineno);
	} while (ka != EV_EOF && ka != EV_ERROR);
	CHECK(sa.total == sb.total && sa.total > 0, "skipped %" PRIu64 " / %" PRIu64, sa.total, sb.total);
	CHECK(recs > 10000, "only %zu records", recs);
	ev_reader_close(&ra);
	ev_reader_close(&rb);
	unlink(path);
}

static void test_evscan(void)
{
	static const char *lines[] = {
		"S\t1.5\t1\t2\t3\tcomm\tcycles\t10\tmain;f",
		"S\t-\t1\t2\t3\tcomm\tcycles\t10\tmain",
		"S\t1.5\t1\t2\t3\tcomm\tcycles\t10\tmain\textra\tfields",
		"S\t1.5\t1\t2\t3\tcomm\tcycles\t-5\t",
		"S\t1.5\t1\t2\t3\tcomm\tcycles\tx\tmain",
		"S\t1.5\t1\t2\t3\tcomm\tcycles\t99999999999999999999\tmain",
		"S\t1.1234567891\t1\t2\t3\tcomm\tcycles\t1\tmain",
		"S\t-0.5\t1\t2\t3\tcomm\tcycles\t1\tmain",
		"S\t9223372036.854775807\t1\t2\t3\tc\te\t1\tm",
		"S\t9223372036.854775808\t1\t2\t3\tc\te\t1\tm",
		"S\t0000000000001.5\t1\t2\t3\tc\te\t1\tm",
		"S\t5.\t1\t2\t3\tc\te\t1\tm",
		"S\t.5\t1\t2\t3\tc\te\t1\tm",
		"S\t1.5\t1\t2\t3\tcomm\tcycles\t10",
		"O\t1.5\t1\t2\t3\tcomm\tspan\t-\tmain",
		"C\t2\t1\t2\t3\tcomm\tspan\t-\tmain",
		"I\t2\t1\t2\t3\tcomm\tmark\t-\tmain;x",
		"T\t2\t1\t2\tname",
		"E\t-\tcycles\tperiod",
		"X\twhatever",
		"SS\t1",
		"S",
		"S\t",
		"#start 1",
		/* the STACK's end in the TAB scan: in the first 16 bytes, in a
		 * later block, in a last short block, none */
		"S\t1\t1\t2\t3\tc\te\t1\tm\tx",
		"S\t100000.003999000\t-\t3606\t-\tmy worker\tcpu-clock:pppH\t1001001\tstart_thread;worker_entry;hash_block.constprop.0\textra",
		"S\t100000.003999000\t-\t3606\t-\tmy worker\tcpu-clock:pppH\t1001001\tstart_thread;worker_entry;hash_block.constprop.0;x\ty",
		"S\t100000.003999000\t-\t3606\t-\tmy worker\tcpu-clock:pppH\t1001001\tstart_thread;worker_entry;hash_block.constprop.0",
		"O\t1.5\t1\t2\t3\tcomm\tspan\t-\tmain;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\t\t",
	};
	size_t i;
	unsigned seed = 12345;
	static const char alphabet[] = "0123456789.-\t;`xS";

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		differentials(lines[i], strlen(lines[i]));
	}
	for (i = 0; i < 200000; i++) {
		char buf[160];
		const char *base = lines[i % (sizeof lines / sizeof lines[0])];
		size_t n = strlen(base), k, muts;

		memcpy(buf, base, n);
		for (muts = 1 + i % 3; muts > 0; muts--) {
			seed = seed * 1103515245 + 12345;
			k = (seed >> 8) % n;
			seed = seed * 1103515245 + 12345;
			buf[k] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
		}
		differentials(buf, n);
	}
	test_reader(lines, sizeof lines / sizeof lines[0]);
}

static void test_timespec(void)
{
	static const struct { const char *s; int ok; int64_t ns; } cases[] = {
		{ "1.2", 1, 1200000000 }, { "1200ms", 1, 1200000000 }, { "1.5s", 1, 1500000000 },
		{ "500us", 1, 500000 }, { "20ns", 1, 20 }, { "0", 1, 0 }, { "-0.5", 1, -500000000 },
		{ "10.18", 1, 10180000000 }, { "0.000000001", 1, 1 }, { "1.0000000000", 1, 1000000000 },
		{ "0.0000000001", 0, 0 }, { "1.5ns", 0, 0 }, { "1.25ms", 1, 1250000 },
		{ "", 0, 0 }, { "-", 0, 0 }, { ".", 0, 0 }, { "1m", 0, 0 }, { "abc", 0, 0 },
		{ "9223372036.854775807", 1, INT64_MAX }, { "9223372037", 0, 0 }, { ".5", 1, 500000000 },
	};
	size_t i;
	char buf[32];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = -1;
		int r = timespec_parse(cases[i].s, &v);

		CHECK((r == 0) == cases[i].ok, "timespec_parse('%s') = %d", cases[i].s, r);
		if (r == 0 && cases[i].ok)
			CHECK(v == cases[i].ns, "timespec_parse('%s') = %" PRId64, cases[i].s, v);
	}
	timespec_format(buf, 10180000000);
	CHECK(strcmp(buf, "10.18") == 0, "format 10.18: %s", buf);
	timespec_format(buf, 3000000000);
	CHECK(strcmp(buf, "3") == 0, "format 3: %s", buf);
	timespec_format(buf, -500000000);
	CHECK(strcmp(buf, "-0.5") == 0, "format -0.5: %s", buf);
	timespec_format(buf, 20408164);
	CHECK(strcmp(buf, "0.020408164") == 0, "format 0.020408164: %s", buf);
	CHECK(floor_div(-1, 10) == -1 && floor_div(-10, 10) == -1 && floor_div(9, 10) == 0,
	      "floor_div");
}

static void test_idle(void)
{
	static const struct { const char *comm, *stack; int idle; } cases[] = {
		{ "swapper", "start_secondary`kernel;cpu_startup_entry`kernel;arch_cpu_idle`kernel;default_idle`kernel;native_safe_halt`kernel", 1 },
		{ "swapper/3", "secondary_startup_64;do_idle;cpuidle_enter_state;intel_idle", 1 },
		{ "swapper", "do_idle;cpuidle_enter_state;asm_common_interrupt;common_interrupt;irq_exit_rcu;handle_softirqs;net_rx_action", 0 },
		{ "swapper", "do_idle;cpuidle_enter_state;__do_softirq", 0 },
		{ "swapper", "rest_init;kernel_init", 0 },
		{ "swapper", "start_secondary;poll_idle`idle", 1 },
		{ "swapper", "start_secondary;poll`idlex", 0 },
		{ "swapper", "start_secondary;f`dso=/lib/cpuidle.so", 0 },
		{ "java", "native_safe_halt", 0 },
		{ "-", "cpuidle", 0 },
		{ "swapper", "", 0 },
		{ "swapper", "cpuidle_enter\tinterrupt", 1 },
		{ "swapper", "xen_hypercall_sched_op", 1 },
		{ "swapper", "cpuidle;f`dso=interrupt.so", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct slice c = ev_str(cases[i].comm), s = ev_str(cases[i].stack);

		CHECK(idle_sample(c, s) == cases[i].idle, "idle_sample(%s, %s) != %d",
		      cases[i].comm, cases[i].stack, cases[i].idle);
	}
}

int main(void)
{
	test_evscan();
	test_timespec();
	test_idle();
	return failed != 0;
}
