/* textin.c - a text converter's input file and its format decision */
#include "textin.h"

#include "err.h"

int textin_open(struct textin *t, const char *path, const char *format)
{
	if (input_open(&t->in, path) < 0)
		return -1;
	t->file = t->in.name;
	t->format = format;
	t->decided = t->rejected = 0;
	return 0;
}

int textin_reject(struct textin *t, const char *what)
{
	fp_warn("%s: %s, not %s", t->file, what, t->format);
	t->rejected = 1;
	return -1;
}

int textin_close(struct textin *t, int r, struct skips *skips, void (*accept)(void *), void *ctx)
{
	if (!t->rejected && !t->decided)
		accept(ctx);
	skip_file_done(skips, t->file, "lines");
	input_close(&t->in);
	return r < 0 || t->rejected;
}
