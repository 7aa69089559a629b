/* cli.c - option conventions shared by every filter */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "err.h"
#include "out.h"
#include "progress.h"

void cli_init(const struct cli_info *info)
{
	fp_progname = info->name;
	out_init();
	progress_init();
}

static void print_usage(FILE *f, const struct cli_info *info)
{
	fprintf(f, "usage: %s\n", info->usage);
}

void cli_usage_error(const struct cli_info *info, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", info->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(stderr, info);
	fprintf(stderr, "Try '%s --help' for more information.\n", info->name);
	exit(FP_EXIT_USAGE);
}

void cli_refuse_terminal(const char *what, const char *how)
{
	if (isatty(STDOUT_FILENO))
		fp_die_status(FP_EXIT_USAGE, "not writing %s to a terminal: redirect stdout (%s)", what,
			      how);
}

void cli_common(const struct cli_info *info, int c)
{
	switch (c) {
	case CLI_HELP:
		out_puts("usage: ");
		out_puts(info->usage);
		out_puts("\n\n");
		out_puts(info->help);
		out_close();
		exit(FP_EXIT_OK);
	case CLI_VERSION:
		out_puts(info->name);
		out_puts(" (flamepipe) " FP_VERSION "\n");
		out_close();
		exit(FP_EXIT_OK);
	case 'q':
		progress_quiet = 1;
		return;
	case '?':
	case ':':
		/* getopt has printed the reason */
		print_usage(stderr, info);
		fprintf(stderr, "Try '%s --help' for more information.\n", info->name);
		exit(FP_EXIT_USAGE);
	default:
		return;
	}
}

long long cli_number(const struct cli_info *info, const char *opt, const char *arg,
		     long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		cli_usage_error(info, "%s: expected a whole number from %lld to %lld, got '%s'",
				opt, min, max, arg);
	return v;
}

int cli_each_input(int argc, char **argv, int (*fn)(const char *path, void *ctx), void *ctx)
{
	int i, status = 0;

	if (argc == 0)
		return fn("-", ctx);
	for (i = 0; i < argc; i++)
		status |= fn(argv[i], ctx);
	return status;
}

/* Is dir[0..n) + "/" + prog an executable file? Its path stays in b. */
static int executable(struct buf *b, const char *dir, size_t n, const char *prog)
{
	struct stat st;

	b->len = 0;
	if (n > 0) {
		buf_add(b, dir, n);
		buf_addc(b, '/');
	}
	buf_adds(b, prog);
	buf_addc(b, '\0');
	return stat(b->p, &st) == 0 && S_ISREG(st.st_mode) && access(b->p, X_OK) == 0;
}

int cli_find_program(const char *prog, const char *dir, struct buf *found)
{
	const char *path = getenv("PATH"), *p, *e;
	struct buf b = { 0 };
	int ok = dir && executable(&b, dir, strlen(dir), prog);

	if (!path)
		path = "/usr/bin:/bin";
	for (p = path; !ok; p = e + 1) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		ok = executable(&b, p, (size_t)(e - p), prog);
		if (!*e)
			break;
	}
	if (ok && found) {
		found->len = 0;
		buf_add(found, b.p, b.len);
	}
	buf_free(&b);
	return ok;
}
