/* Unit tests of common/digits.h against printf: every writer (the _wide
 * ones too) on every power of ten and its neighbours, the extremes, and a
 * million values from a fixed pseudo-random sequence spread over all
 * magnitudes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../common/digits.h"

static int failed, passed;

#define CHECK(c, ...) do { if (c) passed++; else { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* Each writer of v, compared with printf; a byte past a forward writer's
 * end must be left alone. */
static void check_u64(uint64_t v)
{
	char want[32], tmp[32], fw[40], *p;
	int n = snprintf(want, sizeof want, "%" PRIu64, v);

	p = digits_u64(tmp + sizeof tmp, v);
	CHECK((size_t)(tmp + sizeof tmp - p) == (size_t)n && memcmp(p, want, (size_t)n) == 0,
	      "digits_u64(%" PRIu64 ")", v);
	CHECK(digits_count(v) == n, "digits_count(%" PRIu64 ") = %d", v, digits_count(v));
	memset(fw, '#', sizeof fw);
	p = digits_put(fw, v);
	CHECK(p - fw == n && memcmp(fw, want, (size_t)n) == 0 && *p == '#',
	      "digits_put(%" PRIu64 ")", v);
	memset(fw, '#', sizeof fw);
	p = digits_put_wide(fw, v);	/* may store up to 8 bytes past its end */
	CHECK(p - fw == n && memcmp(fw, want, (size_t)n) == 0, "digits_put_wide(%" PRIu64 ")", v);
	if (n <= 19) {
		char fixed[20], *q = digits_fixed(fixed + 19, v, 19);

		snprintf(want, sizeof want, "%019" PRIu64, v);
		CHECK(q == fixed && memcmp(fixed, want, 19) == 0, "digits_fixed(%" PRIu64 ", 19)", v);
	}
}

static void check_time(int64_t ns)
{
	char want[40], tmp[32], fw[40], *p;
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	int n = snprintf(want, sizeof want, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "",
			 u / 1000000000, u % 1000000000);

	p = digits_time(tmp + sizeof tmp, ns);
	CHECK((size_t)(tmp + sizeof tmp - p) == (size_t)n && memcmp(p, want, (size_t)n) == 0,
	      "digits_time(%" PRId64 "): '%.*s', want '%s'", ns, (int)(tmp + sizeof tmp - p), p,
	      want);
	CHECK(n <= 21, "a time fits 21 bytes");
	if (ns >= 0) {
		memset(fw, '#', sizeof fw);
		p = digits_put_time(fw, (uint64_t)ns);
		CHECK(p - fw == n && memcmp(fw, want, (size_t)n) == 0 && *p == '#',
		      "digits_put_time(%" PRId64 ")", ns);
		memset(fw, '#', sizeof fw);
		p = digits_put_time_wide(fw, (uint64_t)ns);
		CHECK(p - fw == n && memcmp(fw, want, (size_t)n) == 0,
		      "digits_put_time_wide(%" PRId64 ")", ns);
		memset(fw, '#', sizeof fw);
		p = digits_put_frac9(fw, (uint32_t)(u % 1000000000));
		CHECK(p - fw == 10 && memcmp(fw, strchr(want, '.'), 10) == 0,
		      "digits_put_frac9(%" PRIu64 ")", u % 1000000000);
	}
}

int main(void)
{
	uint64_t p = 1, x = 88172645463325252ULL;
	int i;

	check_u64(0);
	check_u64(UINT64_MAX);
	for (i = 0; i < 20; i++, p *= 10) {
		check_u64(p - 1);
		check_u64(p);
		check_u64(p + 1);
		check_time((int64_t)(p - 1));
		check_time((int64_t)p);
		check_time(-(int64_t)p);
		if (i == 18)
			break;
	}
	check_time(0);
	check_time(INT64_MAX);
	check_time(INT64_MIN);
	check_time(-1);
	for (i = 0; i < 1000000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
		check_u64(x >> (x % 64));
		check_time((int64_t)x >> (x % 64));
	}
	printf("digits: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
