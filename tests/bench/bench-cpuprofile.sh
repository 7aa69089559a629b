#!/bin/sh
# Benchmark cpuprofile2events (and spans2events) on generated inputs:
# MiB/s of input and peak RSS. Prints figures, asserts nothing.
# usage: bench-cpuprofile.sh BINDIR [SAMPLES]
set -u
. "$(dirname "$0")/lib.sh"
bench_init cpuprofile "$@"
samples=${2:-2000000}
LC_ALL=C
export LC_ALL

# A profile of 4000 nodes (depth up to 31) and SAMPLES samples (a new node
# for 30% of them, the previous one otherwise), one line as Node writes it.
awk -v n=4000 -v s="$samples" '
function depth_ok(i,   p) {	# a parent at most 30 deep
	do p = int(rand() * (i - 1)) + 1; while (d[p] >= 30)
	return p
}
BEGIN {
	srand(1)
	printf "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":0}"
	for (i = 2; i <= n; i++) {
		p = i < 25 ? i - 1 : (rand() < 0.5 ? depth_ok(i) : int(rand() * 24) + 1)
		d[i] = d[p] + 1
		printf ",{\"id\":%d,\"parent\":%d,\"callFrame\":{\"functionName\":\"fn_%d\",\"scriptId\":\"7\",\"url\":\"file:///srv/app/lib/module%d.js\",\"lineNumber\":%d,\"columnNumber\":%d},\"hitCount\":1}", i, p, i, i % 97, i % 500, i % 80
	}
	printf "],\"startTime\":1000000,\"endTime\":%d,\"samples\":[", 1000000 + s * 1000
	for (i = 0; i < s; i++) { if (i == 0 || rand() < 0.3) node = int(rand() * (n - 1)) + 2; printf "%s%d", (i ? "," : ""), node }
	printf "],\"timeDeltas\":["
	for (i = 0; i < s; i++) printf "%s%d", (i ? "," : ""), 900 + int(rand() * 200)
	printf "]}\n"
}' >"$tmp/big.cpuprofile"

run() {	# label, then the command; reads $tmp/in
	label=$1
	shift
	bytes=$(wc -c <"$tmp/in")
	bench_floor "$tmp/in"
	bench_once "$label" "$tmp/in" "$@"
	bench_line "$label" "$bytes" "$(echo "$outbytes $best" | awk '{ printf "out %.1f MiB/s", $1 / 1048576 / $2 }')"
}

cp "$tmp/big.cpuprofile" "$tmp/in"
run "cpuprofile2events ($samples samples)" "$bin/cpuprofile2events"
run "cpuprofile2events --count" "$bin/cpuprofile2events" --count
"$bin/cpuprofile2events" "$tmp/big.cpuprofile" >"$tmp/in"
run "events2folded of that stream" "$bin/events2folded"

# spans: 200000 OTLP spans as JSON Lines, 100 per line, shuffled trees
awk -v n=200000 'BEGIN {
	srand(2)
	for (i = 1; i <= n; i++) {
		p = (i % 50 != 1) ? i - 1 - int(rand() * ((i - 1) % 50)) : 0
		s[i] = p ? s[p] + int(rand() * (e[p] - s[p] + 1)) : 1000000000000000 + i * 1000000
		e[i] = s[i] + int(rand() * 500000)
		if (i % 100 == 1) printf "%s{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]},\"scopeSpans\":[{\"spans\":[", (i > 1 ? "]}]}]}\n" : "")
		else printf ","
		printf "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"parentSpanId\":\"%s\",\"name\":\"op%d\",\"startTimeUnixNano\":\"%.0f\",\"endTimeUnixNano\":\"%.0f\",\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"%d\"}}]}", int((i - 1) / 50), i, p ? sprintf("%016x", p) : "", i % 300, s[i], e[i], i % 7
	}
	printf "]}]}]}\n"
}' >"$tmp/spans.jsonl"
cp "$tmp/spans.jsonl" "$tmp/in"
run "spans2events (200000 OTLP spans)" "$bin/spans2events"
