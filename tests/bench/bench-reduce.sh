#!/bin/sh
# Benchmark of eventreduce (issue 17) on a ~200 MB events stream made by
# perf2events from tests/bench/gen-perf.sh output, with the 10-rule file
# docs/examples/reduce.yaml (drop, idle, renames, strip, hide, depth,
# recursion, bucket 10ms), no rules, and cat as the floor. Prints MiB/s
# (wall, and CPU = user + sys; medians of 5 runs), peak RSS (the largest),
# and the output size with and without -z. Asserts nothing.
#   FP_BENCH_REDUCE_MB   size of the events stream (default 200)
set -u
. "$(dirname "$0")/lib.sh"
bench_init reduce "$@"
root=$(cd "$here/../.." && pwd)
mb=${FP_BENCH_REDUCE_MB:-200}
rules=$root/docs/examples/reduce.yaml
printf 'rules: []\n' >"$tmp/none.yaml"

bash "$here/gen-perf.sh" $((mb * 22 / 10)) - | "$bin/perf2events" 2>/dev/null >"$tmp/in.events"
size=$(wc -c <"$tmp/in.events")
printf 'input: %d MiB events, %s samples\n' $((size >> 20)) "$(grep -c '^S' "$tmp/in.events")"

run() {	# the median of 5 runs, wall and CPU (user + sys) apart: the machine may be shared
	label=$1; shift
	: >"$tmp/all"
	for i in 1 2 3 4 5; do
		$TIME -f '%e %U %S %M' -o "$tmp/t" sh -c "$*" >/dev/null 2>&1
		cat "$tmp/t" >>"$tmp/all"
	done
	best=$(awk '{ print $1 }' "$tmp/all" | sort -g | sed -n 3p)
	bcpu=$(awk '{ print $2 + $3 }' "$tmp/all" | sort -g | sed -n 3p)
	brss=$(awk '{ print $4 }' "$tmp/all" | sort -g | tail -n 1)
	[ "$(echo "$best == 0" | bc)" = 1 ] && best=0.01
	[ "$(echo "$bcpu == 0" | bc)" = 1 ] && bcpu=0.01
	bench_line "$label" "$size"
}
bench_floor "$tmp/in.events"
run "eventreduce, no rules" "'$bin/eventreduce' -q -c '$tmp/none.yaml' '$tmp/in.events'"
run "eventreduce, 10 rules" "'$bin/eventreduce' -q -c '$rules' '$tmp/in.events'"
run "eventreduce, 10 rules, -z" "'$bin/eventreduce' -q -z -c '$rules' '$tmp/in.events'"
"$bin/eventreduce" -q -c "$rules" "$tmp/in.events" >"$tmp/out"
"$bin/eventreduce" -q -z -c "$rules" "$tmp/in.events" >"$tmp/out.zst"
o=$(wc -c <"$tmp/out") z=$(wc -c <"$tmp/out.zst")
printf 'output: %d bytes (%.1f%% of the input), -z: %d bytes (%.2f%% of the input, %.1f:1 against the plain output)\n' \
	"$o" "$(echo "$o * 100 / $size" | bc -l)" "$z" "$(echo "$z * 100 / $size" | bc -l)" "$(echo "$o / $z" | bc -l)"
