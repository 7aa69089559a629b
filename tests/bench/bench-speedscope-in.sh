#!/bin/sh
# Benchmark of speedscope2events: MiB/s of JSON in, CPU seconds and peak
# RSS, on a generated file whose frames come after the profiles (the
# events, samples and weights all go through the store): an evented
# profile of N events (stacks up to 20 deep) and a sampled profile of N/2
# samples, 1000 frames; with the default store budget and with everything
# in memory. Prints figures; asserts nothing.
#   FP_BENCH_EVENTS   events in the evented profile (default 2000000)
set -u
. "$(dirname "$0")/lib.sh"
bench_init speedscope-in "$@"
n=${FP_BENCH_EVENTS:-2000000}

awk -v n="$n" 'BEGIN { srand(3)
	printf "{\"profiles\":[{\"type\":\"evented\",\"name\":\"big\",\"unit\":\"nanoseconds\",\"startValue\":0,\"events\":["
	t = 0; d = 0
	for (i = 0; i < n; i++) {
		if (d > 0 && (d >= 20 || rand() < 0.5)) { ev = "C"; f = st[d--] } else { ev = "O"; f = int(rand() * 1000); st[++d] = f }
		t += int(rand() * 100)
		printf "%s{\"type\":\"%s\",\"frame\":%d,\"at\":%d}", (i ? "," : ""), ev, f, t
	}
	while (d > 0) printf ",{\"type\":\"C\",\"frame\":%d,\"at\":%d}", st[d--], ++t
	printf "],\"endValue\":%d},{\"type\":\"sampled\",\"name\":\"s\",\"unit\":\"none\",\"samples\":[", t
	for (i = 0; i < n / 2; i++) printf "%s[%d,%d,%d]", (i ? "," : ""), int(rand() * 1000), int(rand() * 1000), int(rand() * 1000)
	printf "],\"weights\":["
	for (i = 0; i < n / 2; i++) printf "%s%d", (i ? "," : ""), i % 9 + 1
	printf "]}],\"shared\":{\"frames\":["
	for (i = 0; i < 1000; i++) printf "%s{\"name\":\"func_%d\",\"file\":\"f%d.c\",\"line\":%d}", (i ? "," : ""), i, i % 10, i + 1
	printf "]}}\n" }' >"$tmp/big.json"

# best of 3 by CPU seconds (user + sys): the machine may be shared
run() {
	label=$1; shift
	bytes=$(wc -c <"$tmp/big.json")
	bench_floor "$tmp/big.json"
	bench_by=cpu bench_out=$tmp/out bench_best3 "$label" env "$@" "$bin/speedscope2events" "$tmp/big.json"
	bench_line "$label" "$bytes" "$(grep -c -v '^#' "$tmp/out") records"
}
run "store in a temporary file" SPEEDSCOPE2EVENTS_BUDGET=4194304
run "store in memory" SPEEDSCOPE2EVENTS_BUDGET=100000000000
