/* perf2events - convert `perf script` text to the flamepipe events format */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/bytes.h"
#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/out.h"
#include "../common/perfscript.h"
#include "../common/perfsplit.h"
#include "../common/sniff.h"
#include "../common/skip.h"
#include "cmds.h"
#include "perf2events/write.h"

static const struct cli_info info = {
	"perf2events",
	"perf2events [-adq] [--strict] [--part K/N] [FILE ...]",
	"Convert `perf script` text (plain, gzip or zstd) to a flamepipe events\n"
	"stream (events(5)) on standard output. FILE - or no FILE reads stdin.\n"
	"A perf.data file is converted by running `perf script` on it.\n"
	"\n"
	"  -a, --addrs     give every frame its address (addr=); unknown frames always have it\n"
	"  -d, --dso       give every frame its dso (dso=); unknown frames always have it\n"
	"      --part K/N  convert only the K-th of N parts of FILE (one regular, plain\n"
	"                  file), cut at sample headers: run K = 1..N at once and merge\n"
	"      --strict    stop at the first line that is not perf script output\n"
	"  -q, --quiet     no progress line on a terminal\n"
	"      --help      show this help and exit\n"
	"      --version   show the version and exit\n",
};

static struct {
	int addrs, dso;
	struct skips skips;
	struct intern events;	/* event name -> aux: 1 period, 2 no period, 3 warned */
	uint64_t samples;
	int started;		/* the stream's magic and headers are written */
	int ran_perf;		/* the current input is our own perf script run */
	struct intern sb;	/* side-band record name -> count, this input */
	uint64_t sb_total, lost[2], lost_records, lost_line;	/* lost[1]: samples */
	int lost_unknown;	/* a LOST line without its number */
	char *tmp;		/* a copy of perf.data from stdin, removed at exit */
	struct p2e_plain plain;	/* write.c's memory of the last comm and event */
	char last_event[64];	/* the event of the last sample, declared */
	size_t last_event_len;	/* (size_t)-1: none */
	int last_has_period;
	uint64_t part_k, part_n;	/* --part K/N (part_n 0: the whole input) */
	uint64_t part_left;	/* bytes of the part not read yet */
	uint64_t part_start;	/* where the part starts in the file */
	int part_fd;		/* the file, for file_line() */
	const char *part_name;
	int part_base_known;
	uint64_t part_base;	/* lines of the file before the part */
} opt;

/* The fields perf2events asks perf script for (man/perf2events.1,
 * docs/compat.md); a field perf cannot print for a capture is dropped. */
#define PERF_FIELDS "comm,pid,tid,cpu,time,period,event,ip,sym,dso"
#define PERF_STDERR_SHOWN 5	/* lines of perf's stderr relayed per run */

/* The file's number of a part's line (line numbers count from the part's
 * start): the lines before the part are counted once, when a message
 * first needs a number. */
static uint64_t file_line(uint64_t line)
{
	if (opt.part_n && !opt.part_base_known) {
		opt.part_base_known = 1;
		if (perfsplit_lines(opt.part_fd, opt.part_name, opt.part_start, &opt.part_base) < 0)
			opt.part_base = 0;
	}
	return line + opt.part_base;
}

static void put_text(const char *text, struct ptext t)
{
	ev_put_field(text + t.off, t.len);
}

static struct slice sl(const char *text, struct ptext t)
{
	struct slice s = { text + t.off, t.len };

	return s;
}

/* cpu-clock and task-clock (any :modifiers) count time: their period is ns. */
static int clock_event(const char *ev, size_t n)
{
	const char *colon = memchr(ev, ':', n);

	if (colon)
		n = (size_t)(colon - ev);
	return (n == 9 && memcmp(ev, "cpu-clock", 9) == 0) ||
	       (n == 10 && memcmp(ev, "task-clock", 10) == 0);
}

static void declare_event(const struct perf_sample *s, const char *text, const char *file)
{
	int added, has_period = s->period >= 0;
	size_t i;
	struct ient *e;

	/* samples repeat the last event: nothing to do for it again */
	if (s->event.len == opt.last_event_len && has_period == opt.last_has_period &&
	    bytes_eq(text + s->event.off, opt.last_event, s->event.len))
		return;
	i = intern_get(&opt.events, text + s->event.off, s->event.len, &added);
	e = &opt.events.ents[i];
	opt.last_event_len = (size_t)-1;
	if (s->event.len <= sizeof opt.last_event) {
		memcpy(opt.last_event, text + s->event.off, s->event.len);
		opt.last_event_len = s->event.len;
		opt.last_has_period = has_period;
	}
	if (added) {
		e->aux = has_period ? 1 : 2;
		out_puts("E\t-\t");
		put_text(text, s->event);
		out_puts(has_period ? (clock_event(text + s->event.off, s->event.len) ?
					"\tnanoseconds\n" : "\tperiod\n") : "\tsamples\n");
	} else if (e->aux != 3 && (e->aux == 1) != has_period) {
		fp_warn("%s:%llu: event %.*s: samples with and without a period; "
			"those without count 1", file, (unsigned long long)file_line(s->lineno),
			(int)s->event.len, text + s->event.off);
		e->aux = 3;
	}
}

static void sample(const struct perf_sample *s, const char *text, void *ctx)
{
	size_t i;

	declare_event(s, text, ctx);
	opt.samples++;
	if (p2e_write_direct(&opt.plain, s, text, opt.addrs, opt.dso) == 0)
		return;
	ev_put_head('S', s->time, sl(text, s->pid), sl(text, s->tid), s->cpu,
		    sl(text, s->comm), sl(text, s->event), s->period >= 0 ? s->period : 1);
	for (i = s->nframes; i-- > 0;) {
		const struct perf_frame *pf = &s->frames[i];
		int unknown = (pf->kind & EVK_UNKNOWN) != 0;
		struct ev_frame_out f = { 0 };

		f.name = sl(text, pf->sym);
		f.kind = pf->kind;
		if (unknown || opt.dso)
			f.dso = sl(text, pf->dso);
		if (unknown || opt.addrs)
			f.addr = sl(text, pf->ip);
		f.file = sl(text, pf->file);
		if (pf->line.len) {
			int64_t line;

			if (ev_parse_i64(text + pf->line.off, pf->line.len, &line) == 0)
				f.line = line;
		}
		ev_put_frame(&f);
		if (i > 0)
			out_putc(';');
	}
	out_putc('\n');
}

static void header(const char *key, const char *val, size_t len, void *ctx)
{
	(void)ctx;
	while (len > 0 && (val[len - 1] == ' ' || val[len - 1] == '\r'))
		len--;
	out_putc('#');
	out_puts(key);
	out_putc(' ');
	ev_put_escaped(val, len);
	out_putc('\n');
}

static void start_stream(void)
{
	if (opt.started)
		return;
	opt.started = 1;
	ev_put_magic();
	out_puts("#source perf-script\n#clock perf\n");
}

/* PERF_RECORD_COMM becomes a T record, PERF_RECORD_LOST* an L record
 * (docs/events.md §3.2); the others are counted for one summary line. */
static void sideband(const struct perf_sideband *sb, const char *text, void *ctx)
{
	int added;
	size_t i;

	if (sb->kind == PERF_SB_COMM) {
		out_puts("T\t");
		ev_put_time(sb->time);
		out_putc('\t');
		put_text(text, sb->pid);
		out_putc('\t');
		put_text(text, sb->tid);
		out_putc('\t');
		put_text(text, sb->comm);
		out_putc('\n');
		return;
	}
	if (sb->kind == PERF_SB_LOST) {
		int samples = sb->record.len > 16;	/* PERF_RECORD_LOST_SAMPLES */

		out_puts("L\t");
		ev_put_time(sb->time);
		out_putc('\t');
		if (sb->lost >= 0)
			out_i64(sb->lost);
		else
			out_putc('-');
		out_puts(samples ? "\tsamples\t" : "\trecords\t");
		if (sb->cpu >= 0)
			out_i64(sb->cpu);
		else
			out_putc('-');
		out_putc('\n');
		if (opt.lost_records++ == 0)
			opt.lost_line = file_line(sb->lineno);
		if (sb->lost > 0)
			opt.lost[samples] += (uint64_t)sb->lost;
		if (sb->lost < 0)
			opt.lost_unknown = 1;
		return;
	}
	if (sb->record.len == 16 && memcmp(text + sb->record.off, "PERF_RECORD_COMM", 16) == 0) {
		skip_record(&opt.skips, ctx, file_line(sb->lineno), "PERF_RECORD_COMM without NAME:PID/TID");
		return;
	}
	i = intern_get(&opt.sb, text + sb->record.off, sb->record.len, &added);
	opt.sb.ents[i].aux++;
	opt.sb_total++;
}

/* The per-input summaries of side-band and lost records. */
static void sideband_done(const char *name)
{
	if (opt.lost_records)
		fp_warn("%s: the profiler lost %s%llu records and %llu samples (%llu PERF_RECORD_LOST* "
			"lines, the first at line %llu): the profile is incomplete", name,
			opt.lost_unknown ? "at least " : "", (unsigned long long)opt.lost[0], (unsigned long long)opt.lost[1],
			(unsigned long long)opt.lost_records, (unsigned long long)opt.lost_line);
	if (opt.sb_total && !opt.ran_perf) {
		struct buf b = { 0 };
		size_t i, k = 0;

		for (i = 0; i < opt.sb.count; i++) {
			const struct ient *e = &opt.sb.ents[i];
			char num[32];

			snprintf(num, sizeof num, " %llu", (unsigned long long)e->aux);
			if (k++)
				buf_add(&b, ", ", 2);
			buf_add(&b, e->key, e->len);
			buf_add(&b, num, strlen(num));
		}
		fp_warn("%s: %llu side-band records (%.*s) are not samples, not written", name,
			(unsigned long long)opt.sb_total, (int)b.len, b.p);
		buf_free(&b);
	}
	intern_free(&opt.sb);
	memset(&opt.sb, 0, sizeof opt.sb);
	opt.sb_total = opt.lost[0] = opt.lost[1] = opt.lost_records = opt.lost_line = 0;
	opt.lost_unknown = 0;
}

static void skipped(uint64_t lineno, const char *why, void *ctx)
{
	skip_record(&opt.skips, ctx, file_line(lineno), why);
}

/* Feed a block to the parser, or the part's share of it (--part): 0 when
 * the part is done. */
static int feed(struct perf_parser *p, const char *b, size_t n)
{
	if (opt.part_n) {
		if (n > opt.part_left)
			n = (size_t)opt.part_left;
		opt.part_left -= n;
	}
	perf_feed(p, b, n);
	return !opt.part_n || opt.part_left > 0;
}

/* The headers of a file's head for a part that starts at start > 0: its
 * '#' lines before the first sample header (or start), as the whole file
 * gives them before its first record. */
static void part_head(struct perf_parser *p, struct input *head, uint64_t start)
{
	uint64_t at = 0;
	char *line;
	size_t len;
	const char *why;

	while (at < start && input_getline(head, &line, &len) > 0 && !perfsplit_is_header(line, len)) {
		if (len > 0 && line[0] == '#')
			(void)perf_line(p, line, len, head->lineno, &why);
		at += len + 1;
	}
}

/* Plain input: what input_open() buffered, then the file read straight
 * into the input's buffer from its first page boundary, as json.c reads
 * (the kernel copies into a page-aligned buffer much faster: 0.37 -> 0.15
 * s of system time for 480 MiB here). 0 at the end, -1 on an error. */
static int feed_plain(struct perf_parser *p, struct input *in)
{
	size_t skip = (size_t)(-(uintptr_t)in->buf & 4095), cap;
	char *blk;
	ssize_t got;
	int more = 1;

	if (in->end > in->start)
		more = feed(p, in->buf + in->start, in->end - in->start);
	in->start = in->end = 0;
	if (in->cap < 2 * 4096)
		skip = 0;
	blk = in->buf + skip;
	cap = in->cap - skip;
	while (more && !in->eof && (got = input_read(in, blk, cap)) != 0) {
		if (got < 0)
			return -1;
		more = feed(p, blk, (size_t)got);
	}
	in->eof = 1;
	return 0;
}

/* Parse the perf script text of an open input; name is for messages;
 * head, when not NULL, is the file from its start for a part's headers.
 * The input is fed to the parser in blocks (perf_feed: lines read in
 * place). */
static int parse_text(struct input *in, const char *name, struct input *head)
{
	struct perf_parser p;
	const char *b;
	size_t n;
	int r = input_peek(in, &b, &n);

	if (r == 0 && n >= 8 && memcmp(b, "PERFILE2", 8) == 0) {
		fp_warn("%s: a compressed perf.data file: decompress it and give it to "
			"perf2events, or pipe the text of 'perf script' in", name);
		return 1;
	}
	start_stream();
	out_puts("#input ");
	ev_put_escaped(name, strlen(name));
	out_putc('\n');
	perf_init(&p);
	p.sample = sample;
	p.header = header;
	p.sideband = sideband;
	p.skip = skipped;
	p.ctx = (void *)name;
	if (head)
		part_head(&p, head, opt.part_start);
	if (r == 0 && in->codec == INPUT_PLAIN)
		r = feed_plain(&p, in);
	while (r == 0 && (r = input_block(in, &b, &n)) > 0)
		r = feed(&p, b, n) ? 0 : 1;
	if (r > 0)
		r = 0;	/* the part is done */
	perf_end(&p);	/* the last sample counts even without a final blank line */
	perf_free(&p);
	skip_file_done(&opt.skips, name, "lines");
	sideband_done(name);
	return r < 0;
}

static void remove_tmp(void)
{
	if (opt.tmp)
		unlink(opt.tmp);
}

static const char *tmp_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/tmp";
}

/* perf script needs a file it can seek: copy a perf.data from a pipe to a
 * temporary file. Returns its path or NULL (reported). */
static const char *stdin_copy(struct input *in)
{
	const char *dir = tmp_dir();
	char chunk[1 << 16];
	ssize_t r;
	int fd;

	opt.tmp = fp_malloc(strlen(dir) + 32);
	sprintf(opt.tmp, "%s/perf2events.XXXXXX", dir);
	fd = mkstemp(opt.tmp);
	if (fd < 0) {
		fp_warn("%s: cannot create a temporary copy of the perf.data in %s:", in->name, dir);
		free(opt.tmp);
		opt.tmp = NULL;
		return NULL;
	}
	atexit(remove_tmp);
	/* the bytes input_open() has read already, then the rest */
	r = fd_write_all(fd, in->buf + in->start, in->end - in->start);
	while (r == 0) {
		ssize_t k = input_read(in, chunk, sizeof chunk);

		if (k <= 0) {
			r = k < 0 ? -2 : 1;	/* -2: a read error, reported */
			break;
		}
		r = fd_write_all(fd, chunk, (size_t)k);
	}
	if (r == -2) {
		close(fd);
		return NULL;
	}
	if (close(fd) < 0 || r < 0) {
		fp_warn("%s: copying it to %s:", in->name, opt.tmp);
		return NULL;
	}
	return opt.tmp;
}

/* Start `perf script` on data; its stdout is the returned fd, its stderr
 * goes to errfd. */
static int perf_spawn(const char *data, const char *fields, int errfd, pid_t *pid)
{
	char *argv[] = { "perf", "script", "-i", (char *)data, "-F", (char *)fields, "--ns",
			 "--show-task-events", "--show-lost-events", NULL };
	int pfd[2];

	if (pipe(pfd) < 0)
		fp_die("pipe:");
	fflush(NULL);
	*pid = fork();
	if (*pid < 0)
		fp_die("fork:");
	if (*pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		signal(SIGPIPE, SIG_DFL);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(errfd, STDERR_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execvp("perf", argv);
		_exit(127);
	}
	close(pfd[1]);
	return pfd[0];
}

/* Relay perf's stderr (errfd, from its start) without flooding: the first
 * PERF_STDERR_SHOWN lines, then their number. If field is not NULL and
 * perf said it "Cannot print 'F' field", copy F there instead. */
static int perf_stderr(int errfd, const char *name, char *field, size_t fsize)
{
	struct input e;
	char path[64], *line;
	size_t len;
	unsigned long n = 0;
	int bad_field = 0;

	snprintf(path, sizeof path, "/dev/fd/%d", errfd);
	lseek(errfd, 0, SEEK_SET);
	if (input_open(&e, path) < 0)
		return 0;
	while (input_getline(&e, &line, &len) > 0) {
		const char *f = memmem(line, len, "Cannot print '", 14);

		if (field && f) {
			const char *q = f + 14, *end = memchr(q, '\'', len - (size_t)(q - line));

			if (end && (size_t)(end - q) < fsize) {
				memcpy(field, q, (size_t)(end - q));
				field[end - q] = '\0';
				bad_field = 1;
			}
		}
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (!field && n < PERF_STDERR_SHOWN)
			fp_warn("%s: perf script: %.*s", name, (int)len, line);
		n++;
	}
	input_close(&e);
	if (!field && n > PERF_STDERR_SHOWN)
		fp_warn("%s: perf script: %lu more lines on stderr", name, n - PERF_STDERR_SHOWN);
	return bad_field;
}

/* Drop field f from the comma-separated list. */
static void drop_field(char *list, const char *f)
{
	size_t n = strlen(f);
	char *p = list;

	while (*p) {
		char *e = strchr(p, ',');
		size_t k = e ? (size_t)(e - p) : strlen(p);

		if (k == n && memcmp(p, f, n) == 0) {
			if (e)
				memmove(p, e + 1, strlen(e + 1) + 1);
			else if (p > list)
				p[-1] = '\0';
			else
				*p = '\0';
			return;
		}
		p += k + (e != NULL);
	}
}

/* Convert a perf.data file by running `perf script` on it. */
static int convert_perf_data(struct input *in, const char *path)
{
	char fields[] = PERF_FIELDS, bad[32];
	const char *data = path;
	struct stat sb;
	int tries;

	if (!cli_find_program("perf", NULL, NULL)) {
		fp_warn("%s: a perf.data file: run 'perf script' on it and pipe the text in "
			"(perf is not installed)", in->name);
		return 1;
	}
	/* perf seeks: stdin and pipes (/dev/stdin, <(...)) are copied first */
	if ((strcmp(path, "-") == 0 || fstat(in->fd, &sb) < 0 || !S_ISREG(sb.st_mode)) &&
	    !(data = stdin_copy(in)))
		return 1;
	for (tries = 0; tries < 10; tries++) {
		struct input pi;
		char fdpath[32];
		pid_t pid;
		int errfd, outfd, st, r = 0, got;
		struct buf errpath = { 0 };

		buf_add(&errpath, tmp_dir(), strlen(tmp_dir()));
		buf_add(&errpath, "/perf2events-err.XXXXXX", 24);	/* with the NUL */
		errfd = mkstemp(errpath.p);
		if (errfd < 0)
			fp_die("%s:", errpath.p);
		unlink(errpath.p);
		buf_free(&errpath);
		outfd = perf_spawn(data, fields, errfd, &pid);
		snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", outfd);
		if (input_open(&pi, fdpath) < 0)
			fp_die("%s: cannot read perf script's output", in->name);
		close(outfd);
		/* perf checks the fields before it prints anything: when it
		 * fails without output, drop the field it names and rerun */
		got = pi.end > 0;
		if (!got) {
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
			    perf_stderr(errfd, in->name, bad, sizeof bad)) {
				size_t before = strlen(fields);

				input_close(&pi);
				close(errfd);
				drop_field(fields, bad);
				if (strlen(fields) == before)
					break;
				continue;
			}
		}
		if (got || (WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			opt.ran_perf = 1;
			r = parse_text(&pi, in->name, NULL);
			opt.ran_perf = 0;
		}
		input_close(&pi);
		if (got)
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
		perf_stderr(errfd, in->name, NULL, 0);
		close(errfd);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			fp_warn("%s: cannot run perf", in->name);
		else if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			fp_warn("%s: perf script failed (%s %d)", in->name,
				WIFEXITED(st) ? "exit status" : "signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return r || !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	fp_warn("%s: perf script cannot print the fields perf2events needs", in->name);
	return 1;
}

/* A perf.data starts with "PERFILE2". input_open() has read at least 4
 * bytes (or all of a shorter input); a pipe may have given fewer than 8. */
static int is_perf_data(struct input *in)
{
	if (in->codec != INPUT_PLAIN || in->start != 0 || in->end < 4 ||
	    memcmp(in->buf, "PERF", 4) != 0)
		return 0;
	while (in->end < 8 && !in->eof && !in->raw_eof && memcmp(in->buf, "PERFILE2", in->end) == 0) {
		ssize_t r = input_read(in, in->buf + in->end, in->cap - in->end);

		if (r <= 0) {	/* a read error shows again in input_getline() */
			if (r == 0)
				in->eof = in->raw_eof = 1;
			break;
		}
		in->end += (size_t)r;
	}
	return in->end >= 8 && memcmp(in->buf, "PERFILE2", 8) == 0;
}

static int convert(const char *path, void *ctx)
{
	struct input in;
	int r;

	(void)ctx;
	if (input_open(&in, path) < 0)
		return 1;
	if (is_perf_data(&in))
		r = convert_perf_data(&in, path);
	else
		r = parse_text(&in, in.name, NULL);
	input_close(&in);
	return r;
}

/* --part K/N of the file path: its range found (perfsplit.h), the
 * headers of its head, then its lines. */
static int convert_part(const char *path)
{
	struct input in, head;
	struct stat st;
	uint64_t end = 0;
	int r = input_open_range(&head, path, 0);

	if (r == -2)
		cli_usage_error(&info, "--part: %s is not a regular file (a pipe or standard input "
				"cannot be read in parts)", path);
	if (r == -3)
		cli_usage_error(&info, "--part: %s is compressed: decompress it first (parts are "
				"byte ranges of the plain text)", path);
	if (r < 0)
		return 1;
	if (head.kind == SNIFF_PERF_DATA) {
		input_close(&head);
		cli_usage_error(&info, "--part: %s is a perf.data file: convert the text of "
				"'perf script' (perf script -i %s > FILE)", path, path);
	}
	if (fstat(head.fd, &st) < 0) {
		fp_warn("%s:", path);
		input_close(&head);
		return 1;
	}
	if (perfsplit_start(head.fd, path, (uint64_t)st.st_size, opt.part_k, opt.part_n,
			    &opt.part_start) < 0 ||
	    (opt.part_k < opt.part_n &&
	     perfsplit_start(head.fd, path, (uint64_t)st.st_size, opt.part_k + 1, opt.part_n, &end) < 0)) {
		input_close(&head);
		return 1;
	}
	if (opt.part_k == opt.part_n)
		end = (uint64_t)st.st_size;
	opt.part_left = end - opt.part_start;
	if (opt.part_start == 0) {	/* part 1, or every part of a file without headers */
		r = parse_text(&head, head.name, NULL);
		input_close(&head);
		return r;
	}
	if (input_open_range(&in, path, opt.part_start) < 0) {
		input_close(&head);
		return 1;
	}
	opt.part_fd = in.fd;
	opt.part_name = in.name;
	r = parse_text(&in, in.name, &head);
	input_close(&head);
	input_close(&in);
	return r;
}

/* "K/N" with 1 <= K <= N <= PERFSPLIT_MAX_PARTS, else a usage error. */
static void part_arg(const char *arg)
{
	char *e;
	unsigned long long k, n;

	errno = 0;
	k = strtoull(arg, &e, 10);
	if (*arg >= '0' && *arg <= '9' && *e == '/' && e[1] >= '0' && e[1] <= '9') {
		n = strtoull(e + 1, &e, 10);
		if (*e == '\0' && errno == 0 && k >= 1 && k <= n && n <= PERFSPLIT_MAX_PARTS) {
			opt.part_k = k;
			opt.part_n = n;
			return;
		}
	}
	cli_usage_error(&info, "--part: expected K/N, whole numbers with 1 <= K <= N <= %d, got '%s'",
			PERFSPLIT_MAX_PARTS, arg);
}

/* State per call: opt is reset here and its tables freed at the end (a
 * copy of perf.data from stdin is removed then, or by remove_tmp at exit). */
int cmd_perf2events(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "addrs", no_argument, NULL, 'a' },
		{ "dso", no_argument, NULL, 'd' },
		{ "strict", no_argument, NULL, 's' },
		{ "part", required_argument, NULL, 'P' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	memset(&opt, 0, sizeof opt);
	opt.last_event_len = (size_t)-1;
	cli_init(&info);
	while ((c = getopt_long(argc, argv, "adq", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': opt.addrs = 1; break;
		case 'd': opt.dso = 1; break;
		case 's': opt.skips.strict = 1; break;
		case 'P': part_arg(optarg); break;
		default: cli_common(&info, c);
		}
	}
	if (opt.part_n && argc - optind != 1)
		cli_usage_error(&info, "--part: give one FILE, a regular file (%d given)", argc - optind);
	if (opt.part_n)
		status = convert_part(argv[optind]);
	else
		status = cli_each_input(argc - optind, argv + optind, convert, NULL);
	out_close();
	remove_tmp();
	free(opt.tmp);
	opt.tmp = NULL;
	intern_free(&opt.events);
	intern_free(&opt.sb);
	return status;
}

#ifndef FP_NO_MAIN
int main(int argc, char **argv) { return cmd_perf2events(argc, argv); }
#endif
