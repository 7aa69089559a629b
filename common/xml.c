/* xml.c - text for XML on stdout: escaped, valid UTF-8 */
#include <stdint.h>

#include "out.h"
#include "xml.h"

/* The length of the valid XML character at s (1..4), or 0. */
static size_t char_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;	/* overlong, or beyond Unicode */
	if ((c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return len;
}

size_t xml_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, chars = 0, l;

	while (i < n) {
		l = char_len(p + i, n - i);
		i += l ? l : 1;
		chars++;
	}
	return chars;
}

size_t xml_put(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, chars = 0, l, limit = (size_t)-1;

	if (max >= 2 && xml_chars(s, n) > max)
		limit = max - 2;
	while (i < n && chars < limit) {
		l = char_len(p + i, n - i);
		chars++;
		if (l == 0) {
			out_write("\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		switch (p[i]) {
		case '<': out_write("&lt;", 4); break;
		case '>': out_write("&gt;", 4); break;
		case '&': out_write("&amp;", 5); break;
		case '"': out_write("&quot;", 6); break;
		case '\'': out_write("&#39;", 5); break;
		default: out_write(s + i, l);
		}
		i += l;
	}
	if (i < n)
		out_write("..", 2);
	return chars;
}

/* JSON in an HTML <script> element: no '<' (no "</script>", no "<!--"),
 * nor '>' and '&'; every character a JSON string may hold, so that any
 * bytes read back as the text xml_put() shows. */
void xml_json_put(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	out_putc('"');
	while (i < n) {
		l = char_len(p + i, n - i);
		if (l == 0) {
			out_write("\\ufffd", 6);
			i++;
			continue;
		}
		switch (p[i]) {
		case '"': out_write("\\\"", 2); break;
		case '\\': out_write("\\\\", 2); break;
		case '\t': out_write("\\t", 2); break;
		case '\n': out_write("\\n", 2); break;
		case '\r': out_write("\\r", 2); break;
		case '<': case '>': case '&':
			out_write("\\u00", 4);
			out_putc(hex[p[i] >> 4]);
			out_putc(hex[p[i] & 15]);
			break;
		default: out_write(s + i, l);
		}
		i += l;
	}
	out_putc('"');
}
