/* utf8.c - valid UTF-8 from any bytes */
#include "utf8.h"

size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, cp = c & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* The offset of the first byte at or after i that starts no valid
 * sequence, or n. */
static size_t first_bad(const unsigned char *s, size_t i, size_t n)
{
	while (i < n) {
		size_t k;

		if (s[i] < 0x80)
			i++;
		else if ((k = utf8_len(s + i, n - i)) > 0)
			i += k;
		else
			break;
	}
	return i;
}

int utf8_valid(const char *p, size_t n)
{
	return first_bad((const unsigned char *)p, 0, n) == n;
}

size_t utf8_append(struct buf *out, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, bad = 0, j;

	while ((j = first_bad(s, i, n)) < n) {
		buf_add(out, p + i, j - i);
		buf_add(out, "\xef\xbf\xbd", 3);
		bad++;
		i = j + 1;
	}
	buf_add(out, p + i, n - i);
	return bad;
}
