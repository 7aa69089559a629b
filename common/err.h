/* err.h - messages and exits shared by every flamepipe filter */
#ifndef FP_ERR_H
#define FP_ERR_H

/* Exit statuses (docs/events.md §9). */
enum { FP_EXIT_OK = 0, FP_EXIT_ERROR = 1, FP_EXIT_USAGE = 2 };

extern const char *fp_progname;

/* Message prefixed with "PROG: "; a format ending in ':' gets ": strerror(errno)".
 * fp_die* drop the output still buffered (out_abort) before exiting, so
 * stdout ends at a record boundary. */
void fp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fp_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fp_die_status(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
