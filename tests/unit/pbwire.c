/* Unit tests of common/pbwire: varints (10 bytes at most), every wire
 * type, what is refused (groups, wire types 6 and 7, field 0, lengths
 * beyond the message, truncation anywhere), the stream reader over an
 * input whose fields straddle its blocks (a length-delimited field
 * larger than a block is gathered whole), and the repeated-field cursor
 * (pbw_rep: packed and unpacked occurrences in order, what protobuf-c
 * refuses in them, random packed runs against what was written). */
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

/* The varint of v to p: its length. */
static size_t put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	for (; v >= 0x80; v >>= 7)
		p[n++] = (unsigned char)(v | 0x80);
	p[n++] = (unsigned char)v;
	return n;
}

/* pbw_rep_check's count of field num in the n bytes s, and the elements
 * pbw_rep_next gives (up to 64) in got[]: their number. */
static size_t rep(const void *s, size_t n, uint32_t num, int wt, int64_t *count, uint64_t *got)
{
	struct pbw_rep c;
	size_t k = 0;
	uint64_t v;

	*count = pbw_rep_check(s, n, num, wt);
	if (*count < 0)
		return 0;
	pbw_rep_init(&c, s, n, num, wt);
	while (k < 64 && pbw_rep_next(&c, &v))
		got[k++] = v;
	return k;
}

static void reps(void)
{
	unsigned char m[4096], *q;
	uint64_t got[64], want[64];
	int64_t count;
	size_t n, k, i, run;
	double d[3] = { 1.5, -2.25, 1e300 };
	unsigned seed = 1;
	int r;

	/* field 3: packed [1, 300, 2^35], field 7, unpacked 5, packed [], packed [7] */
	q = m + 2;
	q += put_varint(q, 1);
	q += put_varint(q, 300);
	q += put_varint(q, UINT64_C(1) << 35);
	m[0] = 3 << 3 | 2;
	m[1] = (unsigned char)(q - (m + 2));
	*q++ = 7 << 3 | 0;
	*q++ = 9;
	*q++ = 3 << 3 | 0;
	*q++ = 5;
	*q++ = 3 << 3 | 2;
	*q++ = 0;
	*q++ = 3 << 3 | 2;
	*q++ = 1;
	*q++ = 7;
	n = rep(m, (size_t)(q - m), 3, PBW_VARINT, &count, got);
	CHECK(count == 5 && n == 5 && got[0] == 1 && got[1] == 300 && got[2] == UINT64_C(1) << 35 &&
	      got[3] == 5 && got[4] == 7, "varints: count %lld, %zu elements", (long long)count, n);
	n = rep(m, (size_t)(q - m), 7, PBW_VARINT, &count, got);
	CHECK(count == 1 && n == 1 && got[0] == 9, "field 7: count %lld", (long long)count);
	n = rep(m, (size_t)(q - m), 4, PBW_VARINT, &count, got);
	CHECK(count == 0 && n == 0, "absent field: count %lld", (long long)count);

	/* doubles: packed two, then one unpacked */
	q = m;
	*q++ = 4 << 3 | 2;
	*q++ = 16;
	memcpy(q, d, 16);
	q += 16;
	*q++ = 4 << 3 | 1;
	memcpy(q, d + 2, 8);
	q += 8;
	n = rep(m, (size_t)(q - m), 4, PBW_I64, &count, got);
	CHECK(count == 3 && n == 3 && memcmp(got, d, 24) == 0, "doubles: count %lld", (long long)count);
	m[1] = 12;	/* a packed run of 12 bytes: not doubles */
	CHECK(pbw_rep_check(m, (size_t)(q - m), 4, PBW_I64) < 0, "packed doubles of 12 bytes");
	m[1] = 16;
	m[0] = 4 << 3 | 5;	/* fixed32 in a double field */
	CHECK(pbw_rep_check(m, (size_t)(q - m), 4, PBW_I64) < 0, "a double as fixed32");

	/* varints of 10 bytes are whole, of 11 not; a run cut in a varint */
	for (k = 9; k <= 10; k++) {
		q = m;
		*q++ = 3 << 3 | 2;
		*q++ = (unsigned char)(k + 1 + 3);
		*q++ = 1;
		memset(q, 0xff, k);
		q += k;
		*q++ = 1;
		*q++ = 2;
		*q++ = 3;
		count = pbw_rep_check(m, (size_t)(q - m), 3, PBW_VARINT);
		CHECK(k == 9 ? count == 4 : count < 0, "%zu continuation bytes: %lld", k,
		      (long long)count);
	}
	q = m;
	*q++ = 3 << 3 | 2;
	*q++ = 2;
	*q++ = 1;
	*q++ = 0x80;
	CHECK(pbw_rep_check(m, (size_t)(q - m), 3, PBW_VARINT) < 0, "a run cut in a varint");
	m[0] = 3 << 3 | 5;
	CHECK(pbw_rep_check(m, (size_t)(q - m), 3, PBW_VARINT) < 0, "a varint field as fixed32");

	/* random runs: varints of 1 to 11 bytes, 10 continuation bytes
	 * across the check's 8-byte words; the count and the elements are
	 * those written, or the run is refused when one is over 10 bytes */
	for (r = 0; r < 2000; r++) {
		int bad = 0;

		q = m + 3;
		k = 1 + (size_t)(rand_r(&seed) % 40);
		for (i = 0; i < k; i++) {
			run = (size_t)(rand_r(&seed) % 11);	/* continuation bytes */
			if (run >= 10)
				bad = 1;
			if (run <= 9 && rand_r(&seed) % 2) {
				uint64_t v = (uint64_t)rand_r(&seed) << 40 ^ (uint64_t)rand_r(&seed);

				v &= run == 9 ? ~UINT64_C(0) : (UINT64_C(1) << (7 * (run + 1))) - 1;
				v |= run ? UINT64_C(1) << (7 * run) : 0;	/* exactly that long */
				want[i] = v;
				q += put_varint(q, v);
			} else {
				memset(q, 0x80, run);
				q += run;
				*q++ = 0;
				want[i] = 0;
			}
		}
		n = (size_t)(q - (m + 3));
		m[0] = 3 << 3 | 2;
		m[1] = (unsigned char)(n | 0x80);
		m[2] = (unsigned char)(n >> 7);
		n = rep(m, (size_t)(q - m), 3, PBW_VARINT, &count, got);
		if (bad) {
			CHECK(count < 0, "run %d: an 11-byte varint taken (%lld)", r, (long long)count);
			continue;
		}
		CHECK(count == (int64_t)k && n == k && memcmp(got, want, k * sizeof *got) == 0,
		      "run %d: count %lld, %zu elements, %zu written", r, (long long)count, n, k);
	}
}

int main(void)
{
	varints();
	types();
	streams();
	reps();
	printf("pbwire: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
