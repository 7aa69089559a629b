/* progress.c - one progress line on a terminal during long runs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "progress.h"

int progress_quiet;

static struct {
	int on;			/* -1 not decided yet, 0 off, 1 on */
	int64_t t0, after;	/* run start, delay (ns) */
	int64_t file_t0, last;	/* this input's start, last draw (0: never) */
	uint64_t total;		/* size of this input, 0 if unknown */
	const char *name;
	int shown;
} pg = { -1, 0, 0, 0, 0, 0, NULL, 0 };

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void progress_init(void)
{
	pg.on = -1;
	pg.t0 = now_ns();
	pg.last = 0;
	pg.shown = 0;
	progress_quiet = 0;
}

static int enabled(void)
{
	if (pg.on < 0) {
		const char *a = getenv("FLAMEPIPE_PROGRESS_AFTER");

		/* only in filters (cli_init), never in tests that call input.c */
		pg.on = pg.t0 != 0 && !progress_quiet && isatty(STDERR_FILENO);
		pg.after = 2000000000;
		if (a && *a)
			pg.after = (int64_t)(strtod(a, NULL) * 1e9);
	}
	return pg.on;
}

static void put(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);

		if (w <= 0)
			return;	/* never an error of the run */
		s += w;
		n -= (size_t)w;
	}
}

void progress_clear(void)
{
	if (pg.shown)
		put("\r\033[K", 4);
	pg.shown = 0;
	pg.last = 0;
}

void progress_start(const char *name, int fd)
{
	struct stat st;

	if (!enabled())
		return;
	progress_clear();
	pg.name = name;
	pg.file_t0 = now_ns();
	pg.total = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

static double mib(uint64_t b)
{
	return (double)b / (1024.0 * 1024.0);
}

void progress_tick(uint64_t bytes)
{
	char line[256], name[40];
	int64_t t;
	double secs, rate;
	size_t nl;
	int n;

	if (pg.on <= 0 || !pg.name)
		return;
	t = now_ns();
	if (t - pg.t0 < pg.after || (pg.last && t - pg.last < 250000000))
		return;
	pg.last = t;
	nl = strlen(pg.name);
	if (nl < sizeof name)
		memcpy(name, pg.name, nl + 1);
	else
		snprintf(name, sizeof name, "...%s", pg.name + nl - (sizeof name - 4));
	secs = (double)(t - pg.file_t0) / 1e9;
	rate = secs > 0 ? mib(bytes) / secs : 0;
	if (pg.total > 0 && bytes <= pg.total) {
		double left = rate > 0 ? mib(pg.total - bytes) / rate : 0;
		long eta = (long)(left + 0.5);

		n = snprintf(line, sizeof line, "\r%s: %s: %.1f MiB of %.1f MiB (%d%%), %.1f MiB/s, ETA %ld:%02ld\033[K",
			     fp_progname, name, mib(bytes), mib(pg.total),
			     (int)(100.0 * (double)bytes / (double)pg.total), rate, eta / 60, eta % 60);
	} else {
		n = snprintf(line, sizeof line, "\r%s: %s: %.1f MiB, %.1f MiB/s\033[K",
			     fp_progname, name, mib(bytes), rate);
	}
	if (n > 0)
		put(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	pg.shown = 1;
}
