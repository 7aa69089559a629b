#!/bin/sh
# Benchmark eventmerge: MiB/s of input (wall clock and CPU) and peak RSS for
# k = 2 and k = 100 time-sorted inputs made from a real capture
# (tests/data/perf/fp.perf: perf2events | eventsort, its samples repeated
# with increasing times and dealt round-robin to the k inputs). Prints
# figures, asserts nothing.
# usage: bench-merge.sh BINDIR [MB]   (MB: total input size, default 200)
set -u
. "$(dirname "$0")/lib.sh"
bench_init merge "$@"
mb=${2:-200}
root=$(cd "$here/../.." && pwd)
LC_ALL=C
export LC_ALL

"$bin/perf2events" "$root/tests/data/perf/fp.perf" 2>/dev/null | "$bin/eventsort" |
	awk -F'\t' '$1 == "S" { $1 = $1; sub(/^S\t[^\t]*\t/, ""); print }' OFS='\t' >"$tmp/samples"

# make K MB: K inputs in $tmp/k, MB megabytes in all, times 1 us apart
make_inputs() {
	rm -rf "$tmp/k"
	mkdir -p "$tmp/k"
	awk -v k="$1" -v want="$(($2 * 1000000))" -v d="$tmp/k" -v f="$tmp/samples" 'BEGIN {
		while ((getline l < f) > 0) s[n++] = l
		for (i = 0; i < k; i++) print "#flamepipe-events 1\n#clock perf\nE\t-\tcpu-clock\tnanoseconds" > (d "/p" i)
		for (t = 0; bytes < want; t++) {
			line = sprintf("S\t%d.%06d000\t%s", t / 1000000, t % 1000000, s[t % n])
			print line > (d "/p" (t % k)); bytes += length(line) + 1
		}
	}'
}

run() {	# K: merge $tmp/k/p*
	bytes=$(cat "$tmp"/k/p* | wc -c)
	cat "$tmp"/k/p* >"$tmp/all"	# the floor: the same bytes through cat | cat
	bench_floor "$tmp/all"
	rm -f "$tmp/all"
	bench_once "eventmerge k=$k" /dev/null "$bin/eventmerge" "$tmp"/k/p*
	bench_report "eventmerge k=$k" "$bytes"
}

for k in 2 100; do
	make_inputs "$k" "$mb"
	run
done
