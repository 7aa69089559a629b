/* prog-inline.h - an always-inline function in its own file, so that
 * callgrind writes fi=/fe= lines for the code inlined into hot() (prog.c) */
static inline __attribute__((always_inline)) long mix(long n)
{
	long s = 0;

	for (long i = 0; i < n; i++)
		s ^= i * 2654435761L + (s >> 3);
	return s;
}
