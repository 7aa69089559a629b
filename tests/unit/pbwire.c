/* Unit tests of common/pbwire: varints (10 bytes at most), every wire
 * type, what is refused (groups, wire types 6 and 7, field 0, lengths
 * beyond the message, truncation anywhere), and the stream reader over
 * an input whose fields straddle its blocks (a length-delimited field
 * larger than a block is gathered whole). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/input.h"
#include "../../common/pbwire.h"

static int failed, passed;

#define CHECK(c, ...) do { if (c) passed++; else { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* The first field of the n bytes s: pbw_next's result. */
static int first(const char *s, size_t n, struct pbw_field *f)
{
	struct pbw r;

	pbw_init(&r, s, n);
	return pbw_next(&r, f);
}

static void varints(void)
{
	struct pbw_field f;

	CHECK(first("\x08\x96\x01", 3, &f) == 1 && f.num == 1 && f.wt == PBW_VARINT && f.v == 150,
	      "150: %d %llu", (int)f.num, (unsigned long long)f.v);
	CHECK(first("\x08\x05", 2, &f) == 1 && f.v == 5, "inline 5");
	CHECK(first("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, &f) == 1 && f.v == UINT64_MAX,
	      "10-byte varint");
	CHECK(first("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12, &f) == -1,
	      "11-byte varint refused");
	CHECK(first("\x08\x96", 2, &f) == -1, "unterminated varint");
	CHECK(first("\x80\x01\x00", 3, &f) == 1 && f.num == 16, "two-byte tag: field %u", f.num);
}

static void types(void)
{
	struct pbw_field f;
	struct pbw r;

	CHECK(first("\x09\x01\x02\x03\x04\x05\x06\x07\x08", 9, &f) == 1 && f.wt == PBW_I64 &&
	      f.v == 0x0807060504030201ull, "fixed64");
	CHECK(first("\x0d\x01\x02\x03\x04", 5, &f) == 1 && f.wt == PBW_I32 && f.v == 0x04030201u,
	      "fixed32");
	CHECK(first("\x0d\x01\x02\x03", 4, &f) == -1, "short fixed32");
	CHECK(first("\x12\x03" "abc", 5, &f) == 1 && f.wt == PBW_LEN && f.n == 3 &&
	      memcmp(f.p, "abc", 3) == 0, "length-delimited");
	CHECK(first("\x12\x04" "abc", 5, &f) == -1, "length beyond the message");
	CHECK(first("\x12\xff\xff\xff\xff\xff\xff\xff\xff\x7f" "abc", 13, &f) == -1, "huge length");
	CHECK(first("\x0b", 1, &f) == -1, "start group");
	CHECK(first("\x0c", 1, &f) == -1, "end group");
	CHECK(first("\x0e\x00", 2, &f) == -1, "wire type 6");
	CHECK(first("\x0f\x00", 2, &f) == -1, "wire type 7");
	CHECK(first("\x00\x00", 2, &f) == -1, "field 0");
	CHECK(first("", 0, &f) == 0, "empty message");
	pbw_init(&r, "\x08\x01\x12\x00\x18\x02", 6);
	CHECK(pbw_next(&r, &f) == 1 && pbw_next(&r, &f) == 1 && f.n == 0 && pbw_next(&r, &f) == 1 &&
	      f.num == 3 && f.v == 2 && pbw_next(&r, &f) == 0, "three fields, then the end");
}

/* Read file p through the stream: the number of fields, and the sum of
 * the lengths of the length-delimited ones; the last result in *last. */
static size_t stream(const char *path, size_t *lens, int *last)
{
	struct input in;
	struct pbw_stream s;
	struct pbw_field f;
	size_t n = 0;

	*lens = 0;
	if (input_open(&in, path) < 0) {
		*last = -3;
		return 0;
	}
	pbw_stream_init(&s, &in);
	while ((*last = pbw_stream_next(&s, &f)) > 0) {
		n++;
		if (f.wt == PBW_LEN) {
			size_t i;

			for (i = 0; i < f.n && f.p[i] == (unsigned char)('a' + f.num % 26); i++)
				;
			CHECK(i == f.n, "field %u: its bytes", f.num);
			*lens += f.n;
		}
	}
	pbw_stream_free(&s);
	input_close(&in);
	return n;
}

static void streams(void)
{
	char path[] = "/tmp/fp-pbwire.XXXXXX";
	int fd = mkstemp(path), last;
	FILE *fp;
	size_t i, k, n, lens = 0, big = 300000, want = 0;

	if (fd < 0 || !(fp = fdopen(fd, "w"))) {
		CHECK(0, "temporary file");
		return;
	}
	/* 2000 small fields of every kind, and one larger than a block */
	for (i = 0; i < 2000; i++) {
		unsigned num = 1 + (unsigned)(i % 40), len = (unsigned)(i % 300);

		if (i % 3 == 0) {
			fputc(((int)(num << 3 | PBW_VARINT) & 0x7f) | (num >= 16 ? 0x80 : 0), fp);
			if (num >= 16)
				fputc((int)(num >> 4), fp);
			fputs("\xff\xff\x03", fp);
			continue;
		}
		fputc(((int)(num << 3 | PBW_LEN) & 0x7f) | (num >= 16 ? 0x80 : 0), fp);
		if (num >= 16)
			fputc((int)(num >> 4), fp);
		fputc((int)(len & 0x7f) | (len >= 128 ? 0x80 : 0), fp);
		if (len >= 128)
			fputc((int)(len >> 7), fp);
		for (k = 0; k < len; k++)
			fputc('a' + (int)(num % 26), fp);
		want += len;
	}
	fputs("\x62\xe0\xa7\x12", fp);	/* field 12, 300000 bytes */
	for (k = 0; k < big; k++)
		fputc('a' + 12, fp);
	want += big;
	fclose(fp);
	n = stream(path, &lens, &last);
	CHECK(n == 2001 && lens == want && last == 0, "%zu fields, %zu bytes, last %d", n, lens, last);
	/* truncated inside the big field, and inside a tag */
	CHECK(truncate(path, 100000) == 0, "truncate");
	n = stream(path, &lens, &last);
	CHECK(last == -1, "truncated inside a field: %d after %zu fields", last, n);
	fp = fopen(path, "w");
	fputs("\x08\x01\x80", fp);
	fclose(fp);
	n = stream(path, &lens, &last);
	CHECK(n == 1 && last == -1, "truncated tag: %zu fields, last %d", n, last);
	unlink(path);
}

int main(void)
{
	varints();
	types();
	streams();
	printf("pbwire: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
