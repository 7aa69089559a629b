#!/bin/sh
# Benchmark folded2events and stacks2events on inputs made from the test
# data: MiB/s of input (wall clock and CPU) and peak RSS. Prints figures,
# asserts nothing.
# usage: bench-folded.sh BINDIR [MB]
#   MB: the size of the folded input (default 200): stackcollapse-perf.pl's
#   vertx output (java, 199 stacks of ~1.3 kB, _[k] _[j] annotations)
#   repeated; the bpftrace input is the real capture repeated to MB/10.
set -u
. "$(dirname "$0")/lib.sh"
bench_init folded "$@"
mb=${2:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${FLAMEPIPE_CORPUS:-$root/tests/data/corpus}
LC_ALL=C
export LC_ALL

repeat() {	# repeat FILE MB: FILE again and again to MB megabytes
	awk -v f="$1" -v want="$(($2 * 1000000))" 'BEGIN {
		while ((getline l < f) > 0) { s = s l "\n" }
		while (n < want) { printf "%s", s; n += length(s) } }'
}

run() {	# label, then the command; reads $tmp/in
	label=$1
	shift
	bytes=$(wc -c <"$tmp/in")
	bench_floor "$tmp/in"
	bench_once "$label" "$tmp/in" "$@"
	bench_report "$label" "$bytes"
}

repeat "$corpus/perf/flamegraph/expected/perf-vertx-stacks-01-collapsed-all.txt" "$mb" >"$tmp/in"
bench_floor "$tmp/in"
run "folded2events --comm" "$bin/folded2events" --comm
run "folded2events" "$bin/folded2events"
repeat "$root/tests/data/stacks/bpftrace-kstack-ustack-comm.txt" $((mb / 10)) >"$tmp/in"
bench_floor "$tmp/in"
run "stacks2events" "$bin/stacks2events"
