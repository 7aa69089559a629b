/* Unit tests of common/xml: names from profilers as SVG text.
 *  - exact cases: the five entities, U+FFFD for each byte that is not
 *    part of a valid character (lone continuations, overlong forms,
 *    surrogates, beyond U+10FFFF, truncated sequences), control bytes,
 *    U+FFFE/U+FFFF; valid 2-, 3- and 4-byte characters kept; cutting to N
 *    characters with "..", never inside a character or an entity;
 *  - exhaustively, every 1- and 2-byte input and every 3-byte input that
 *    starts with E0..EF or F0..F4: the output is valid UTF-8 to glibc's
 *    iconv (an independent decoder), has no raw < > & " ' nor control
 *    byte, and an input iconv finds valid and free of those comes back
 *    unchanged. */
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "../../common/out.h"
#include "../../common/xml.h"

static int failed;
static iconv_t cd;

#define CHECK(c, ...) do { if (!(c)) { failed++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static void put(const char *s, size_t n, size_t max)
{
	fp_out.len = 0;
	xml_put(s, n, max);
}

static void exact(const char *in, size_t n, size_t max, const char *want)
{
	put(in, n, max);
	CHECK(fp_out.len == strlen(want) && memcmp(fp_out.buf, want, fp_out.len) == 0,
	      "xml_put(\"%.*s\", %zu) = \"%.*s\", want \"%s\"", (int)n, in, max, (int)fp_out.len, fp_out.buf, want);
}
#define EX(in, want) exact(in, sizeof in - 1, 0, want)

static int valid_utf8(const char *p, size_t n)
{
	char out[64], *ip = (char *)p, *op = out;
	size_t il = n, ol = sizeof out;

	iconv(cd, NULL, NULL, NULL, NULL);
	return iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0;
}

static int plain(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f || strchr("<>&\"'", p[i]))
			return 0;
	return 1;
}

static void property(const unsigned char *in, size_t n)
{
	const unsigned char *o;
	size_t i;

	put((const char *)in, n, 0);
	o = (const unsigned char *)fp_out.buf;
	CHECK(valid_utf8(fp_out.buf, fp_out.len), "output of %02x.. (%zu bytes) is not UTF-8", in[0], n);
	for (i = 0; i < fp_out.len; i++)
		if ((o[i] < 0x20 && o[i] != '\t' && o[i] != '\n' && o[i] != '\r') || strchr("<>\"'", o[i]) ||
		    (o[i] == '&' && fp_out.len - i < 4))
			break;
	CHECK(i == fp_out.len, "output of %02x.. has a raw special byte", in[0]);
	if (valid_utf8((const char *)in, n) && plain(in, n) &&
	    !(n == 3 && in[0] == 0xef && in[1] == 0xbf && in[2] >= 0xbe))	/* U+FFFE, U+FFFF */
		CHECK(fp_out.len == n && memcmp(o, in, n) == 0, "valid %02x %02x.. changed", in[0], n > 1 ? in[1] : 0);
}

int main(void)
{
	unsigned a, b, c;
	unsigned char s[3];

	cd = iconv_open("UTF-8", "UTF-8");
	EX("a<b>&c\"d'e", "a&lt;b&gt;&amp;c&quot;d&#39;e");
	EX("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5");
	EX("a\xff" "b", "a\xef\xbf\xbd" "b");
	EX("\x80", "\xef\xbf\xbd");				/* a lone continuation */
	EX("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");		/* overlong '/' */
	EX("\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EX("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");	/* a surrogate */
	EX("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");	/* > U+10FFFF */
	EX("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");		/* truncated */
	EX("\xef\xbf\xbe", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");	/* U+FFFE */
	EX("a\x01\x1f\x7f" "b", "a\xef\xbf\xbd\xef\xbf\xbd\x7f" "b");	/* DEL is an XML character */
	EX("t\tn", "t\tn");
	exact("abcdefgh", 8, 5, "abc..");
	exact("abcde", 5, 5, "abcde");
	exact("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, 3, "\xc3\xa9..");	/* cut by characters */
	exact("&&&&&", 5, 4, "&amp;&amp;..");
	exact("ab", 2, 1, "ab");	/* max < 2: no cut */
	CHECK(xml_chars("a\xc3\xa9\xff", 4) == 3, "xml_chars");
	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		property(s, 1);
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			property(s, 2);
			if (a < 0xe0 || a > 0xf4)
				continue;
			for (c = 0; c < 256; c++) {
				s[2] = (unsigned char)c;
				property(s, 3);
			}
		}
	}
	iconv_close(cd);
	fp_out.len = 0;
	if (failed)
		fprintf(stderr, "xml: %d failed\n", failed);
	return failed != 0;
}
