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

/* A message is one line: control characters that came in with the
 * input's text (a name, a unit) are written as escapes. One write for the
 * whole line (stderr is unbuffered). */
static void put_message(const char *s, size_t n, const char *tail)
{
	char small[2048], *line = small, *p;
	size_t need = strlen(fp_progname) + 2 + 4 * n + strlen(tail) + 2;

	if (need > sizeof small && (line = malloc(need)) == NULL) {
		line = small;
		n = (sizeof small - strlen(fp_progname) - strlen(tail) - 4) / 4;
	}
	p = line + sprintf(line, "%s: ", fp_progname);
	for (; n > 0; n--, s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r') {
			*p++ = '\\';
			*p++ = c == '\n' ? 'n' : 'r';
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			p += sprintf(p, "\\x%02x", c);
		} else {
			*p++ = (char)c;
		}
	}
	p += sprintf(p, "%s\n", tail);
	fwrite(line, 1, (size_t)(p - line), stderr);
	if (line != small)
		free(line);
}

static void vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);
	char small[512], *msg = small, tail[256] = "";
	va_list copy;
	int len;

	progress_clear();	/* the next tick draws the line again */
	va_copy(copy, ap);
	len = vsnprintf(small, sizeof small, fmt, ap);
	if (len < 0)
		len = 0;
	if (len >= (int)sizeof small) {
		msg = malloc((size_t)len + 1);
		if (msg)
			vsnprintf(msg, (size_t)len + 1, fmt, copy);
		else
			msg = small, len = (int)strlen(small);
	}
	va_end(copy);
	if (n > 0 && fmt[n - 1] == ':')
		snprintf(tail, sizeof tail, " %s", strerror(saved));
	put_message(msg, (size_t)len, tail);
	if (msg != small)
		free(msg);
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
