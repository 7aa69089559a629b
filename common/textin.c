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

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int textin_perf_header(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] == ' ' || p[0] == '\t')
		return 0;
	for (i = 1; i < n; i++) {
		size_t k = i;

		if (p[i] != ':' || (i + 1 < n && p[i + 1] != ' '))
			continue;
		while (k > 0 && is_digit(p[k - 1]))
			k--;
		if (k == i || k < 2 || p[k - 1] != '.' || !is_digit(p[k - 2]))
			continue;
		return 1;
	}
	return 0;
}
