/* jsonout.c - one JSON document on stdout (out.h), made by yajl's generator */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <zlib.h>

#include "buf.h"
#include "digits.h"
#include "err.h"
#include "jsonout.h"
#include "out.h"

static struct {
	yajl_gen g;
	int gzip;
	z_stream z;
	unsigned char zbuf[1 << 16];
	struct buf tmp;
} jo;

static void deflate_some(const void *p, size_t n, int flush)
{
	jo.z.next_in = (unsigned char *)(uintptr_t)p;
	jo.z.avail_in = (uInt)n;
	do {
		int r;

		jo.z.next_out = jo.zbuf;
		jo.z.avail_out = sizeof jo.zbuf;
		r = deflate(&jo.z, flush);
		if (r == Z_STREAM_ERROR)
			fp_die("gzip: deflate failed");
		out_write(jo.zbuf, sizeof jo.zbuf - jo.z.avail_out);
	} while (jo.z.avail_out == 0 || (flush == Z_FINISH && jo.z.avail_in > 0));
}

static void print(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (!jo.gzip) {
		out_write(s, n);
		return;
	}
	/* zlib counts in uInt: feed huge spliced values in pieces */
	while (n > 0) {
		size_t k = n > (1u << 30) ? (1u << 30) : n;

		deflate_some(s, k, Z_NO_FLUSH);
		s += k;
		n -= k;
	}
}

static void check(yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		fp_die("json generator: error %d (a bug)", (int)st);
}

void jo_begin(int gzip_level)
{
	jo.g = yajl_gen_alloc(NULL);
	if (!jo.g)
		fp_die("json generator: out of memory");
	yajl_gen_config(jo.g, yajl_gen_print_callback, print, NULL);
	jo.gzip = gzip_level > 0;
	if (jo.gzip && deflateInit2(&jo.z, gzip_level, Z_DEFLATED, 15 + 16, 8,
				    Z_DEFAULT_STRATEGY) != Z_OK)
		fp_die("gzip: cannot initialise zlib");
}

void jo_end(void)
{
	if (jo.gzip) {
		deflate_some("\n", 1, Z_FINISH);
		deflateEnd(&jo.z);
	} else {
		out_putc('\n');
	}
	yajl_gen_free(jo.g);
	jo.g = NULL;
	buf_free(&jo.tmp);
}

void jo_map_open(void) { check(yajl_gen_map_open(jo.g)); }
void jo_map_close(void) { check(yajl_gen_map_close(jo.g)); }
void jo_array_open(void) { check(yajl_gen_array_open(jo.g)); }
void jo_array_close(void) { check(yajl_gen_array_close(jo.g)); }

void jo_key(const char *s)
{
	check(yajl_gen_string(jo.g, (const unsigned char *)s, strlen(s)));
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one
 * (overlong forms, surrogates and code points above U+10FFFF are not). */
static size_t utf8_len(const unsigned char *s, size_t n)
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

void jo_string(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run = 0;

	while (i < n) {
		size_t k;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_len(s + i, n - i)) > 0) {
			i += k;
			continue;
		}
		if (run == 0)
			jo.tmp.len = 0;
		buf_add(&jo.tmp, p + run, i - run);
		buf_add(&jo.tmp, "\xef\xbf\xbd", 3);
		run = ++i;
	}
	if (run > 0) {
		buf_add(&jo.tmp, p + run, n - run);
		p = jo.tmp.p;
		n = jo.tmp.len;
	}
	check(yajl_gen_string(jo.g, (const unsigned char *)p, n));
}

void jo_buf_string(struct buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run = 0, k;

	buf_addc(b, '"');
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_len(s + i, n - i)) > 0) {
			i += k;
			continue;
		}
		if (i > run)
			buf_add(b, p + run, i - run);
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '\n') {
			buf_adds(b, "\\n");
		} else if (c == '\t') {
			buf_adds(b, "\\t");
		} else if (c == '\r') {
			buf_adds(b, "\\r");
		} else if (c < 0x20) {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			buf_add(b, u, 6);
		} else {
			buf_add(b, "\xef\xbf\xbd", 3);
		}
		run = ++i;
	}
	if (n > run)	/* p may be NULL when n is 0 */
		buf_add(b, p + run, n - run);
	buf_addc(b, '"');
}

size_t jo_fmt_i64(char *dst, int64_t v)
{
	char tmp[24], *p;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	p = digits_u64(tmp + sizeof tmp, u);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof tmp - p);
	memcpy(dst, p, n);
	return n;
}

void jo_int(int64_t v)
{
	char tmp[24];

	check(yajl_gen_number(jo.g, tmp, jo_fmt_i64(tmp, v)));
}

void jo_raw(const char *p, size_t n)
{
	check(yajl_gen_number(jo.g, p, n));
}
