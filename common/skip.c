/* skip.c - count and report input that could not be used */
#include <inttypes.h>

#include "err.h"
#include "skip.h"

void skip_record(struct skips *s, const char *file, uint64_t line, const char *why)
{
	s->total++;
	s->in_file++;
	if (s->strict)
		fp_die("%s:%" PRIu64 ": %s", file, line, why);
	if (s->in_file <= SKIP_SHOWN)
		fp_warn("%s:%" PRIu64 ": %s", file, line, why);
}

void skip_file_done(struct skips *s, const char *file, const char *what)
{
	if (s->in_file > 0)
		fp_warn("%s: %" PRIu64 " %s skipped", file, s->in_file, what);
	s->in_file = 0;
}
