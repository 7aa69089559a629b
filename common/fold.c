/* fold.c - frame names for folded stacks, compatible with stackcollapse-perf.pl
 *
 * Applies the Perl script's deliberate conventions (formats.md §1.5) to the
 * raw names of the events format: "[unknown]" -> "[dso basename]", argument
 * lists cut, quotes removed, Java's "L" prefix dropped, ";" -> ":", and the
 * _[k] _[j] _[i] suffixes. Its bugs B6-B9 and B13 are not copied.
 */
#include <string.h>

#include "fold.h"

void fold_text(struct buf *out, const char *s, size_t n, int spaces_to_underscore)
{
	size_t i, run = 0;

	buf_reserve(out, n);
	for (i = 0; i < n; i++) {
		char c = s[i], r;

		if (c == ';')
			r = ':';
		else if (c == '\t' || c == '\r' || c == '\n')
			r = spaces_to_underscore ? '_' : ' ';
		else if (c == ' ' && spaces_to_underscore)
			r = '_';
		else
			continue;
		buf_add(out, s + run, i - run);
		buf_addc(out, r);
		run = i + 1;
	}
	buf_add(out, s + run, n - run);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void fold_fix_leaf(struct buf *out, size_t start)
{
	size_t i = out->len;

	while (i > start && is_digit(out->p[i - 1]))
		i--;
	if (i < out->len && i > start && out->p[i - 1] == ' ')
		out->p[i - 1] = '_';
}

/* Go names such as net/http.(*Client).Do keep their parentheses. */
static int go_like(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] == '.' && s[i + 1] == '(') {
			size_t j;

			for (j = i + 2; j + 1 < n; j++)
				if (s[j] == ')' && s[j + 1] == '.')
					return 1;
			return 0;
		}
	}
	return 0;
}

static int at(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);

	return i + k <= n && memcmp(s + i, lit, k) == 0;
}

/* Length of the name without its argument list: cut at the first '(' that
 * is outside template brackets and does not open "(anonymous namespace)"
 * (the Perl script cuts at any '(' and so mangles
 * std::function<int (int, int)>::operator() into "std::function<int "). */
static size_t cut_args(const char *s, size_t n)
{
	size_t i;
	int angle = 0;

	if (go_like(s, n))
		return n;
	for (i = 0; i < n; i++) {
		if (at(s, n, i, "operator") &&
		    (i == 0 || !(s[i - 1] == '_' || is_digit(s[i - 1]) ||
				 ((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z')))) {
			size_t j = i + 8;

			/* operator<, operator<<=, operator->, operator() ... */
			while (j < n && strchr("<>=-!+*/%^&|~,[]", s[j]) && s[j])
				j++;
			if (j > i + 8) {
				i = j - 1;
				continue;
			}
			if (at(s, n, j, "()")) {
				if (j + 2 == n)
					return j;	/* "operator()" with no arguments after it */
				i = j + 1;
				continue;
			}
		}
		if (s[i] == '<')
			angle++;
		else if (s[i] == '>' && angle > 0)
			angle--;
		else if (s[i] == '(' && angle == 0 && i > 0 &&
			 !at(s, n, i, "(anonymous namespace)"))
			return i;
	}
	return n;
}

static void basename_of(struct slice dso, struct buf *tmp)
{
	size_t i, b = 0;

	tmp->len = 0;
	ev_unescape(tmp, dso.p, dso.n);
	for (i = 0; i < tmp->len; i++)
		if (tmp->p[i] == '/')
			b = i + 1;
	memmove(tmp->p, tmp->p + b, tmp->len - b);
	tmp->len -= b;
}

void fold_frame(struct buf *out, const struct ev_frame *f, const struct fold_opts *o,
		int java, struct buf *tmp)
{
	size_t i, n;
	const char *s;

	if ((f->kind & EVK_UNKNOWN) || f->name.n == 0) {
		int nodso = f->dso.n == 0 || (f->dso.n == 9 && memcmp(f->dso.p, "[unknown]", 9) == 0);

		if (nodso) {
			tmp->len = 0;
			buf_adds(tmp, "unknown");
		} else {
			basename_of(f->dso, tmp);
		}
		buf_addc(out, '[');
		fold_text(out, tmp->p, tmp->len, 0);
		if (o->addrs && f->addr.n) {
			buf_adds(out, " <");
			buf_add(out, f->addr.p, f->addr.n);
			buf_addc(out, '>');
		}
		buf_addc(out, ']');
	} else {
		tmp->len = 0;
		ev_unescape(tmp, f->name.p, f->name.n);
		s = tmp->p;
		n = tmp->len;
		if (!o->raw) {
			size_t start = out->len;

			n = cut_args(s, n);
			if (java && n > 1 && s[0] == 'L' && memchr(s, '/', n)) {
				s++;
				n--;
			}
			fold_text(out, s, n, 0);
			/* drop quotes */
			for (i = start; i < out->len; i++)
				if (out->p[i] == '"' || out->p[i] == '\'')
					break;
			if (i < out->len) {
				size_t w = i;

				for (; i < out->len; i++)
					if (out->p[i] != '"' && out->p[i] != '\'')
						out->p[w++] = out->p[i];
				out->len = w;
			}
			if (out->len == start)
				buf_adds(out, "[unknown]");
		} else {
			fold_text(out, s, n, 0);
		}
	}
	if (o->inlined && (f->kind & EVK_INLINED))
		buf_adds(out, "_[i]");
	else if (o->kernel && (f->kind & EVK_KERNEL))
		buf_adds(out, "_[k]");
	else if (o->jit && (f->kind & EVK_JIT))
		buf_adds(out, "_[j]");
}
