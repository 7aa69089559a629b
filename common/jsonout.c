/* jsonout.c - one JSON document on stdout (out.h), made by yajl's generator */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "buf.h"
#include "digits.h"
#include "err.h"
#include "jsonout.h"
#include "utf8.h"
#include "out.h"

static struct {
	yajl_gen g;
	struct buf tmp;
} jo;

static void print(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	out_write(s, n);	/* gzip'd by out.h after jo_begin(level > 0) */
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
	if (gzip_level > 0)
		out_gzip(gzip_level);
}

void jo_end(void)
{
	out_putc('\n');	/* out_close() ends the gzip member */
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

void jo_string(const char *p, size_t n)
{
	if (n == 0)
		p = "";		/* yajl passes p on to print(): never NULL to memcpy */
	if (!utf8_valid(p, n)) {
		jo.tmp.len = 0;
		utf8_append(&jo.tmp, p, n);
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
