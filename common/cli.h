/* cli.h - option conventions shared by every filter */
#ifndef FP_CLI_H
#define FP_CLI_H

#include <getopt.h>

#ifndef FP_VERSION
#define FP_VERSION "0.1.0"
#endif

/* What a filter says about itself: usage is the man page SYNOPSIS line(s),
 * help the option list printed by --help after it. */
struct cli_info {
	const char *name;
	const char *usage;
	const char *help;
};

enum { CLI_HELP = 0x1000, CLI_VERSION, CLI_FIRST_LONG };

/* Every filter also takes -q, --quiet (no progress line, progress.h): 'q'
 * in its getopt string, handled by cli_common(). */
#define CLI_COMMON_LONGOPTS \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, CLI_HELP }, \
	{ "version", no_argument, NULL, CLI_VERSION }

/* Set the program name, ignore SIGPIPE (out.h). */
void cli_init(const struct cli_info *info);
/* Handle --help, --version and getopt's '?' / ':' (exit), -q (returns);
 * returns for other c too. */
void cli_common(const struct cli_info *info, int c);
/* "PROG: MESSAGE" and the usage on stderr, exit 2. */
void cli_usage_error(const struct cli_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* Exit 2 with "not writing WHAT to a terminal: redirect stdout (HOW)"
 * when standard output is a terminal: for the binary writers. */
void cli_refuse_terminal(const char *what, const char *how);
/* Parse a non-negative integer option value or exit 2 naming the option. */
long long cli_number(const struct cli_info *info, const char *opt, const char *arg,
		     long long min, long long max);
/* Is prog an executable file in dir (when not NULL) or on PATH? 1 with
 * its path in *found (NUL-ended; found may be NULL), else 0. */
struct buf;
int cli_find_program(const char *prog, const char *dir, struct buf *found);
/* Run fn on each operand ("-" when there are none); OR of the results. */
int cli_each_input(int argc, char **argv, int (*fn)(const char *path, void *ctx), void *ctx);

#endif
