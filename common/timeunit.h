/* timeunit.h - weights that are times: the units of E records (docs/events.md §3.2) */
#ifndef FP_TIMEUNIT_H
#define FP_TIMEUNIT_H

#include <stddef.h>
#include <stdint.h>

#include "events.h"

/* Nanoseconds per unit of an event's weights, from the event's name and
 * the UNIT of its E record: 1 for "nanoseconds" and for perf's "period"
 * of cpu-clock and task-clock (perf counts them in ns), 1000 for
 * "microseconds", 1000000 for "milliseconds", 1000000000 for "seconds";
 * 0 when the weights are not times. */
int64_t timeunit_ns(struct slice event, struct slice unit);

/* The unit's name for 1, 1000, 1000000 or 1000000000 ns ("nanoseconds",
 * ..., speedscope's ValueUnit names), else NULL. */
const char *timeunit_name(int64_t ns_per_unit);

/* A duration for people, three significant digits: "3.50 s", "12.3 ms",
 * "850 µs", "120 ns", "1234 s" (UTF-8 µ). buf: at least 32 bytes;
 * returns the length. Saturates at INT64_MAX ns. */
size_t timeunit_format(char *buf, int64_t ns);

/* units * ns_per_unit, saturated to the int64 range. */
int64_t timeunit_to_ns(int64_t units, int64_t ns_per_unit);

#endif
