#!/bin/sh
# Benchmark callgrind2events (issue 12): MiB/s (wall and CPU) and peak RSS
# on a real callgrind file and on the same file's body repeated to >= 50 MB.
# The repeated file has the same call graph as the real one (only the costs
# grow), so equal peak RSS on both shows that memory is bounded by the call
# graph, not by the file. Prints figures, asserts nothing.
# The real file: valgrind --tool=callgrind --dump-instr=yes on python3
# encoding 20,000 JSON objects (about 2 MB, 60,000 functions and addresses;
# takes 15-40 s under valgrind). Needs valgrind and /usr/bin/python3.
# usage: bench-callgrind.sh BINDIR [MB]     (MB: default 50)
set -u
. "$(dirname "$0")/lib.sh"
bench_init callgrind "$@"
mb=${2:-50}
LC_ALL=C
export LC_ALL

if ! command -v valgrind >/dev/null 2>&1 || [ ! -x /usr/bin/python3 ]; then
	echo "callgrind2events: needs valgrind and /usr/bin/python3: skipped"
	exit 0
fi
valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$tmp/real.cg" \
	/usr/bin/python3 -c 'import json; [json.dumps({"a": i, "b": [i, str(i)]}) for i in range(20000)]' \
	>/dev/null 2>&1

# header: the lines before the first ob=/fl=/fn=; body: the rest but the
# totals: line. The repeated file is the header (less summary:, which would
# no longer hold) and the body again and again; costs add up, the call
# graph stays the same.
awk 'NR == FNR { if (!s && /^(ob|fl|fn)=/) s = FNR; next }
	FNR < s { if (!/^summary:/) print >head; next }
	!/^totals:/ { print >body }' head="$tmp/head" body="$tmp/body" "$tmp/real.cg" "$tmp/real.cg"
n=$(((mb * 1000000 + $(wc -c <"$tmp/body") - 1) / $(wc -c <"$tmp/body")))
{ cat "$tmp/head"; i=0; while [ $i -lt $n ]; do cat "$tmp/body"; i=$((i + 1)); done; } >"$tmp/big.cg"

run() {	# label, file: best of 3 by wall time
	label=$1 in=$2
	bytes=$(wc -c <"$in")
	bench_floor "$in"
	bench_out=$tmp/out bench_best3 "$label" "$bin/callgrind2events" "$in"
	bench_line "$label" "$bytes" "$(grep -c '^S' "$tmp/out") stacks out"
}
printf 'real file: %d fn= lines, %d calls= lines\n' \
	"$(grep -c '^fn=' "$tmp/real.cg")" "$(grep -c '^calls=' "$tmp/real.cg")"
run "callgrind2events, real file" "$tmp/real.cg"
run "callgrind2events, body x N" "$tmp/big.cg"
