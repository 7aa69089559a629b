/* timeunit.c - weights that are times: the units of E records (docs/events.md §3.2) */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "timeunit.h"

/* cpu-clock, task-clock, with or without perf's modifiers (cpu-clock:pppH) */
static int perf_clock_event(struct slice ev)
{
	const char *colon = ev.n ? memchr(ev.p, ':', ev.n) : NULL;
	struct slice base = { ev.p, colon ? (size_t)(colon - ev.p) : ev.n };

	return bytes_is(base.p, base.n, "cpu-clock") || bytes_is(base.p, base.n, "task-clock");
}

int64_t timeunit_ns(struct slice event, struct slice unit)
{
	if (bytes_is(unit.p, unit.n, "nanoseconds") || bytes_is(unit.p, unit.n, "ns"))
		return 1;
	if (bytes_is(unit.p, unit.n, "microseconds") || bytes_is(unit.p, unit.n, "us"))
		return 1000;
	if (bytes_is(unit.p, unit.n, "milliseconds") || bytes_is(unit.p, unit.n, "ms"))
		return 1000000;
	if (bytes_is(unit.p, unit.n, "seconds") || bytes_is(unit.p, unit.n, "s"))
		return 1000000000;
	if (bytes_is(unit.p, unit.n, "period") && perf_clock_event(event))
		return 1;
	return 0;
}

const char *timeunit_name(int64_t ns_per_unit)
{
	switch (ns_per_unit) {
	case 1: return "nanoseconds";
	case 1000: return "microseconds";
	case 1000000: return "milliseconds";
	case 1000000000: return "seconds";
	default: return NULL;
	}
}

int64_t timeunit_to_ns(int64_t units, int64_t ns_per_unit)
{
	int64_t r;

	if (__builtin_mul_overflow(units, ns_per_unit, &r))
		return (units < 0) != (ns_per_unit < 0) ? INT64_MIN + 1 : INT64_MAX;
	return r;
}

static const uint64_t unit_div[] = { 1000000000, 1000000, 1000, 1 };
static const char *const unit_name[] = { "s", "ms", "\xc2\xb5s", "ns" };

/* a ns in unit i, three significant digits; a larger unit when rounding
 * reaches 1000 of this one. */
static size_t format_in(char *buf, const char *sign, uint64_t a, int i)
{
	uint64_t d = unit_div[i], r;
	int n;

	if (d > 1 && a < 10 * d && (r = (a * 100 + d / 2) / d) < 1000)
		n = snprintf(buf, 32, "%s%" PRIu64 ".%02" PRIu64 " %s", sign, r / 100, r % 100,
			     unit_name[i]);
	else if (d > 1 && a < 100 * d && (r = (a * 10 + d / 2) / d) < 1000)
		n = snprintf(buf, 32, "%s%" PRIu64 ".%" PRIu64 " %s", sign, r / 10, r % 10,
			     unit_name[i]);
	else {
		r = a / d + (a % d * 2 >= d);
		if (r >= 1000 && i > 0)
			return format_in(buf, sign, a, i - 1);
		n = snprintf(buf, 32, "%s%" PRIu64 " %s", sign, r, unit_name[i]);
	}
	return (size_t)n;
}

size_t timeunit_format(char *buf, int64_t ns)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	int i = 0;

	while (i < 3 && a < unit_div[i])
		i++;
	return format_in(buf, ns < 0 ? "-" : "", a, i);
}
