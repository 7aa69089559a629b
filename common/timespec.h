/* timespec.h - durations and times written by people: "1.2", "1200ms", "500us" */
#ifndef FP_TIMESPEC_H
#define FP_TIMESPEC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse S (NUL-terminated) as a time in integer nanoseconds: an optional
 * '-', decimal digits with an optional fraction, and an optional unit
 * "s" (the default), "ms", "us" or "ns". The value must be exact in
 * nanoseconds ("1.5ns" is refused) and fit in int64. 0 ok, -1 bad.
 */
int timespec_parse(const char *s, int64_t *ns);

/* Write NS as seconds with the shortest exact decimal ("10.18", "-0.5",
 * "3") into buf (at least 24 bytes); returns the length. */
size_t timespec_format(char *buf, int64_t ns);

/* floor(a / b) for b > 0, also for negative a. */
static inline int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The smallest time whose whole second is an int64 number of ns. */
#define TIME_FLOOR_MIN ((INT64_MIN / 1000000000) * 1000000000)

/* The whole second at or before t, in ns; t must be >= TIME_FLOOR_MIN. */
static inline int64_t floor_second(int64_t t)
{
	return floor_div(t, 1000000000) * 1000000000;
}

#endif
