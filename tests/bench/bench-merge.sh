#!/bin/sh
# Benchmark eventmerge: MiB/s of input (wall clock and CPU) and peak RSS for
# k = 2 and k = 100 time-sorted inputs made from a real capture
# (tests/data/perf/fp.perf: perf2events | eventsort, its samples repeated
# with increasing times and dealt round-robin to the k inputs). Prints
# figures, asserts nothing.
# usage: bench-merge.sh BINDIR [MB]   (MB: total input size, default 200)
set -u
bin=$(cd "${1:?usage: bench-merge.sh BINDIR [MB]}" && pwd)
mb=${2:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-bench-merge.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
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
	start=$(date +%s%N)
	/usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$bin/eventmerge" "$tmp"/k/p* 2>"$tmp/err" | wc -c >/dev/null
	end=$(date +%s%N)
	ns=$((end - start))
	[ "$ns" -gt 0 ] || ns=1
	set -- $(tail -n 1 "$tmp/rss")
	awk -v b="$bytes" -v ns="$ns" -v rss="$1" -v cpu="$(echo "$2 + $3" | bc)" -v l="eventmerge k=$k" 'BEGIN {
		s = ns / 1e9; if (cpu <= 0) cpu = 0.01
		printf "%-32s %7.1f MiB in %6.2f s %7.1f MiB/s wall, %7.1f MiB/s CPU (%.2f s), peak RSS %5.1f MiB\n",
			l, b / 1048576, s, b / 1048576 / s, b / 1048576 / cpu, cpu, rss / 1024 }'
}

for k in 2 100; do
	make_inputs "$k" "$mb"
	run
done
