/* err.c - messages and exits */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "out.h"
#include "progress.h"

const char *fp_progname = "flamepipe";

static void vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	progress_clear();	/* the next tick draws the line again */
	fprintf(stderr, "%s: ", fp_progname);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void fp_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void fp_die(const char *fmt, ...)
{
	va_list ap;

	out_abort();	/* stdout ends at the last whole record written */
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(FP_EXIT_ERROR);
}

void fp_die_status(int status, const char *fmt, ...)
{
	va_list ap;

	out_abort();
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}
