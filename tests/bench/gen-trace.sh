#!/bin/sh
# gen-trace.sh - generate a large Trace Event Format file for tests and
# benchmarks: many threads, X events written in completion order (children
# before their parents, as Chrome writes them), interleaved across threads.
#
# usage: tests/bench/gen-trace.sh SIZE_MB [THREADS]   (writes to stdout)
#
# Each task is four X events on one thread, written in this order:
#   b [t+15, t+25)   a [t+10, t+40)   c [t+50, t+90)   root [t, t+100)  (µs)
# so that `trace2events | eventsort | events2folded -n` must give, for N tasks,
#   root 30000*N, root;a 20000*N, root;a;b 10000*N, root;c 40000*N  (ns).
# The tasks go round-robin over THREADS threads (default 64); each thread's
# tasks follow each other 100 µs apart. The last line of stderr is
# "tasks N".
set -eu
size=${1:?usage: gen-trace.sh SIZE_MB [THREADS]}
threads=${2:-64}
LC_ALL=C awk -v mb="$size" -v nt="$threads" 'BEGIN {
	limit = mb * 1048576; bytes = 1; printf "["
	sep = "\n"; n = 0
	while (bytes < limit) {
		tid = n % nt; t = 1000000 + int(n / nt) * 100
		s = sprintf("%s{\"pid\":1,\"tid\":%d,\"ph\":\"X\",\"cat\":\"gen\",\"name\":\"b\",\"ts\":%d.5,\"dur\":10,\"args\":{\"task\":%d}},\n", sep, tid, t + 15, n)
		s = s sprintf("{\"pid\":1,\"tid\":%d,\"ph\":\"X\",\"cat\":\"gen\",\"name\":\"a\",\"ts\":%d.5,\"dur\":30},\n", tid, t + 10)
		s = s sprintf("{\"pid\":1,\"tid\":%d,\"ph\":\"X\",\"cat\":\"gen\",\"name\":\"c\",\"ts\":%d.5,\"dur\":40},\n", tid, t + 50)
		s = s sprintf("{\"pid\":1,\"tid\":%d,\"ph\":\"X\",\"cat\":\"gen\",\"name\":\"root\",\"ts\":%d.5,\"dur\":100}", tid, t)
		printf "%s", s
		bytes += length(s); sep = ",\n"; n++
	}
	for (i = 0; i < nt; i++)
		printf ",\n{\"pid\":1,\"tid\":%d,\"ph\":\"M\",\"name\":\"thread_name\",\"args\":{\"name\":\"worker %d\"}}", i, i
	printf "\n]\n"
	print "tasks " n > "/dev/stderr"
}'
