/* timespec.c - durations and times written by people: "1.2", "1200ms", "500us" */
#include <string.h>

#include "timespec.h"

int timespec_parse(const char *s, int64_t *ns)
{
	static const struct { const char *name; int64_t mul; int digits; } units[] = {
		{ "", 1000000000, 9 }, { "s", 1000000000, 9 }, { "ms", 1000000, 6 },
		{ "us", 1000, 3 }, { "ns", 1, 0 },
	};
	int neg = 0, nint = 0, nfrac = 0, i;
	int64_t whole = 0, frac = 0, v;
	const char *p = s;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++, nint++)
		if (__builtin_mul_overflow(whole, (int64_t)10, &whole) ||
		    __builtin_add_overflow(whole, (int64_t)(*p - '0'), &whole))
			return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nfrac++) {
			if (nfrac >= 18)	/* digits beyond the unit's ns must be zeros (below) */
				return -1;
			frac = frac * 10 + (*p - '0');
		}
	}
	if (nint + nfrac == 0)
		return -1;
	for (i = 0; i < (int)(sizeof units / sizeof units[0]); i++) {
		if (strcmp(p, units[i].name) != 0)
			continue;
		if (nfrac > units[i].digits) {
			/* digits below a nanosecond must all be zero */
			int extra = nfrac - units[i].digits;

			for (; extra > 0; extra--, nfrac--) {
				if (frac % 10)
					return -1;
				frac /= 10;
			}
		}
		for (; nfrac < units[i].digits; nfrac++)
			frac *= 10;
		if (__builtin_mul_overflow(whole, units[i].mul, &v) ||
		    __builtin_add_overflow(v, frac, &v))
			return -1;
		*ns = neg ? -v : v;
		return 0;
	}
	return -1;
}

size_t timespec_format(char *buf, int64_t ns)
{
	char tmp[32];
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	uint64_t secs = u / 1000000000, frac = u % 1000000000;
	int i = sizeof tmp, k, digits = 9;
	size_t n;

	if (frac) {
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		for (k = 0; k < digits; k++) {
			tmp[--i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		tmp[--i] = '.';
	}
	do {
		tmp[--i] = (char)('0' + secs % 10);
		secs /= 10;
	} while (secs);
	if (ns < 0)
		tmp[--i] = '-';
	n = sizeof tmp - (size_t)i;
	memcpy(buf, tmp + i, n);
	buf[n] = '\0';
	return n;
}
