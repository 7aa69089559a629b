/* Unit tests of common/timeunit: which E units are times (also perf's
 * cpu-clock period), speedscope's unit names, and the duration text of
 * heatmap's titles and legends (three significant digits, rounding up
 * into the next unit, saturation). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../common/timeunit.h"

static int failed, passed;

#define CHECK(c, ...) do { if (c) passed++; else { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static void ns_of(const char *event, const char *unit, int64_t want)
{
	int64_t got = timeunit_ns(ev_str(event), ev_str(unit));

	CHECK(got == want, "%s %s: %" PRId64 " ns per unit, want %" PRId64, event, unit, got, want);
}

static void text(int64_t ns, const char *want)
{
	char buf[32];
	size_t n = timeunit_format(buf, ns);

	CHECK(n == strlen(buf) && strcmp(buf, want) == 0, "%" PRId64 " ns: '%s', want '%s'", ns,
	      buf, want);
}

int main(void)
{
	ns_of("cpu-clock", "nanoseconds", 1);
	ns_of("x", "microseconds", 1000);
	ns_of("x", "ms", 1000000);
	ns_of("wall", "seconds", 1000000000);
	ns_of("cpu-clock", "period", 1);
	ns_of("cpu-clock:pppH", "period", 1);
	ns_of("task-clock:u", "period", 1);
	ns_of("cycles", "period", 0);
	ns_of("cpu-clockx", "period", 0);
	ns_of("cpu-clock", "samples", 0);
	ns_of("alloc", "bytes", 0);
	CHECK(strcmp(timeunit_name(1000), "microseconds") == 0, "name of 1000");
	CHECK(timeunit_name(7) == NULL, "name of 7");
	text(0, "0 ns");
	text(999, "999 ns");
	text(1000, "1.00 \xc2\xb5s");
	text(1499, "1.50 \xc2\xb5s");
	text(9995, "10.0 \xc2\xb5s");
	text(99949, "99.9 \xc2\xb5s");
	text(99999, "100 \xc2\xb5s");
	text(12345678, "12.3 ms");
	text(999600000, "1.00 s");
	text(3500000000LL, "3.50 s");
	text(1234000000000LL, "1234 s");
	text(-2500000, "-2.50 ms");
	text(INT64_MAX, "9223372037 s");
	text(INT64_MIN, "-9223372037 s");
	CHECK(timeunit_to_ns(INT64_MAX, 1000) == INT64_MAX, "saturate up");
	CHECK(timeunit_to_ns(INT64_MIN, 1000) == INT64_MIN + 1, "saturate down");
	CHECK(timeunit_to_ns(-3, 1000) == -3000, "-3 us");
	printf("timeunit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
