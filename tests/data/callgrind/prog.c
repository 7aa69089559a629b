/* prog.c - a program for tests/check.d/callgrind.sh to run under
 * valgrind --tool=callgrind (compiled -O2 -g -pthread).
 *
 * Its real call stacks (from main or thread_main down):
 *   main;x;shared;rd;work         shared called from x reads...
 *   main;y;shared;wr;work         ...and from y writes, with other costs
 *   main;fact;fact;...;fact;work  recursion (6 levels)
 *   main;even;odd;even;...;work   mutual recursion
 *   main;hot                      with mix() of prog-inline.h inlined
 *   thread_main;x;shared;rd;work  a second thread
 * A call graph cannot tell x;shared;rd from x;shared;wr: only the caller
 * contexts of --separate-callers can.
 */
#include <pthread.h>
#include <stdio.h>

#include "prog-inline.h"

static volatile long sink;

#define NOINLINE __attribute__((noinline))

NOINLINE static long work(long n)
{
	long s = 0;

	for (long i = 0; i < n; i++)
		s += i * i;
	sink += s;
	return s;
}

NOINLINE static long rd(long n)
{
	return work(n) + 1;
}

NOINLINE static long wr(long n)
{
	return work(n) + 2;
}

/* called from x and y, with different costs and different callees */
NOINLINE static long shared(int writing, long n)
{
	long s = 0;

	for (long i = 0; i < n; i++)
		s += i ^ 5;
	sink += s;
	return writing ? wr(n * 4) : rd(n * 2);
}

NOINLINE static long x(void)
{
	return shared(0, 3000);
}

NOINLINE static long y(void)
{
	return shared(1, 700);
}

NOINLINE static long fact(long n)
{
	long r;

	if (n <= 1)
		return work(200);
	r = fact(n - 1);
	sink += r;
	return n * r + work(50);
}

NOINLINE static long odd(long n);

NOINLINE static long even(long n)
{
	long r;

	if (n == 0)
		return work(300);
	r = odd(n - 1);
	sink += r;
	return r + 1;
}

NOINLINE static long odd(long n)
{
	long r;

	if (n == 0)
		return work(100);
	r = even(n - 1);
	sink += r;
	return r + work(20);
}

NOINLINE static long hot(long n)
{
	long s = 0;

	for (long i = 0; i < n; i++)
		s += i;
	return s + mix(n);
}

static void *thread_main(void *arg)
{
	(void)arg;
	sink += x();
	return NULL;
}

int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_main, NULL) != 0)
		return 1;
	sink += x();
	sink += y();
	sink += fact(6);
	sink += even(7);
	sink += hot(5000);
	pthread_join(t, NULL);
	printf("%ld\n", sink != 0);
	return 0;
}
