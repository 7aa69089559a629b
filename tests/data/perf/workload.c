/* workload.c - tiny CPU workload used to produce the perf test captures.
 *
 * Build: gcc -O2 -g -fno-omit-frame-pointer -pthread -o workload workload.c
 *
 * Shape:
 *   main -> run_main_thread -> compute -> {hash_block, sum_squares}
 *   thread "my worker" -> worker_entry -> compute -> ...
 *   thread "crunch2"   -> worker_entry -> crunch  -> compute -> ...
 * hash_step / mix / square are static inline and get inlined at -O2,
 * so DWARF unwinding with perf script shows them as "(inlined)" frames.
 * Total CPU time is about 0.5 s (three threads).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uint64_t sink;

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 29;
	return x;
}

static inline uint64_t hash_step(uint64_t h, uint64_t v)
{
	return mix(h ^ (v * 0x9e3779b97f4a7c15ULL)) + 1;
}

static inline uint64_t square(uint64_t v)
{
	return v * v;
}

__attribute__((noinline)) static uint64_t hash_block(uint64_t seed, int n)
{
	uint64_t h = seed;
	for (int i = 0; i < n; i++)
		h = hash_step(h, (uint64_t)i);
	return h;
}

__attribute__((noinline)) static uint64_t sum_squares(uint64_t seed, int n)
{
	uint64_t s = 0;
	for (int i = 0; i < n; i++)
		s += square(seed + (uint64_t)i) >> 3;
	return s;
}

__attribute__((noinline)) static uint64_t compute(uint64_t seed, int rounds)
{
	uint64_t acc = seed;
	for (int r = 0; r < rounds; r++) {
		acc += hash_block(acc, 20000);
		acc ^= sum_squares(acc, 20000);
	}
	return acc;
}

__attribute__((noinline)) static uint64_t crunch(uint64_t seed, int rounds)
{
	uint64_t acc = 0;
	for (int r = 0; r < rounds; r++)
		acc += compute(seed + (uint64_t)r, 1);
	return acc;
}

struct job {
	const char *name;
	int use_crunch;
	int rounds;
};

static void *worker_entry(void *arg)
{
	struct job *j = arg;
	pthread_setname_np(pthread_self(), j->name);
	if (j->use_crunch)
		sink += crunch(7, j->rounds);
	else
		sink += compute(3, j->rounds);
	return NULL;
}

__attribute__((noinline)) static void run_main_thread(int rounds)
{
	sink += compute(1, rounds);
}

int main(int argc, char **argv)
{
	/* rounds per thread; ~0.075 ms per round on a typical x86-64 core */
	int rounds = argc > 1 ? atoi(argv[1]) : 2200;
	struct job jobs[2] = {
		{ "my worker", 0, rounds },
		{ "crunch2", 1, rounds },
	};
	pthread_t th[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, worker_entry, &jobs[i]) != 0) {
			perror("pthread_create");
			return 1;
		}
	run_main_thread(rounds);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	printf("%llu\n", (unsigned long long)sink);
	return 0;
}
