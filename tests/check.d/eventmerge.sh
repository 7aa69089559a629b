#!/bin/sh
# eventmerge properties (docs/eventmerge.md):
#  1. real captures (tests/data/perf/*: perf2events | eventsort) split at
#     random into k time-sorted parts (awk; equal-time runs stay in one
#     part, untimed/L records go to part 0, every part gets the headers),
#     some parts gzip/zstd compressed: the merge equals the sorted original
#     byte for byte after the header lines; the header lines are the ones
#     docs/eventmerge.md §4 defines; a merge of merges is the same stream;
#     weights per event are conserved (also with --namespace-pids);
#  2. offsets are exact integer nanoseconds: every time of the shifted input
#     equals the original + the offset, computed here in integer ns from the
#     digits (awk on the two halves of the decimal, no float);
#  3. k = 1000 parts: the same stream; peak RSS (GNU time) within
#     RSS(k=1) + k * 32 KiB; two inputs of 200 000 records each merge in
#     under 16 MiB (memory does not grow with the inputs);
#  4. open files: with a soft limit of 200 the merge of 1000 raises it and
#     succeeds; with a hard limit of 200 it fails before reading, exit 1,
#     with a message giving both numbers;
#  5. an unsorted part stops the merge: exit 1, a message naming eventsort.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init eventmerge "$@"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/conserve.sh"
t() { if "$@"; then ok; else no "$desc"; fi; }

# split SORTED K SEED DIR: K parts p0..p(K-1) of a sorted stream
split_parts() {
	rm -rf "$4"
	mkdir -p "$4"
	awk -F'\t' -v k="$2" -v seed="$3" -v d="$4" '
	BEGIN { srand(seed); f = 0; prev = "x" }
	/^#/ { for (i = 0; i < k; i++) print > (d "/p" i); next }
	$2 == "-" || $1 !~ /^[SOCITP]$/ { print > (d "/p0"); next }
	{ if (($2 "") != prev) f = int(rand() * k); prev = $2 ""; print > (d "/p" f) }
	' "$1"
}
records() { grep -v '^#' "$1"; }
parts() { i=0; while [ $i -lt "$1" ]; do printf '%s ' "$2/p$i"; i=$((i+1)); done; }

# ---- 1. splits of real captures ----
for cap in "$here"/../data/perf/*.perf*; do
	name=$(basename "$cap")
	"$bin/perf2events" "$cap" 2>/dev/null | "$bin/eventsort" >"$tmp/s" 2>/dev/null
	desc="$name: perf2events | eventsort gives records"; t test "$(grep -c '^S' "$tmp/s")" -gt 100
	for k in 2 7 50; do
		split_parts "$tmp/s" "$k" "$k" "$tmp/p"
		gzip "$tmp/p/p1"
		[ "$k" -gt 2 ] && zstd -q --rm "$tmp/p/p2"
		# shellcheck disable=SC2046
		set -- $(parts "$k" "$tmp/p" | sed "s|$tmp/p/p1 |$tmp/p/p1.gz |; s|$tmp/p/p2 |$tmp/p/p2.zst |")
		"$bin/eventmerge" "$@" >"$tmp/m" 2>"$tmp/err"
		desc="$name k=$k: exit 0, nothing on stderr"; t test $? = 0 -a ! -s "$tmp/err"
		desc="$name k=$k: records equal the sorted original byte for byte"
		records "$tmp/s" >"$tmp/a"; records "$tmp/m" >"$tmp/b"; t cmp -s "$tmp/a" "$tmp/b"
		# the header lines of §4: magic, #order sorted, the common #clock,
		# #input per part, then the original's other headers once each
		{
			echo '#flamepipe-events 1'
			echo '#order sorted'
			grep '^#clock ' "$tmp/s"
			for p in "$@"; do echo "#input $p"; done
			grep '^#' "$tmp/s" | grep -v -e '^#flamepipe-events' -e '^#order' -e '^#clock' -e '^#start' -e '^#end'
		} >"$tmp/hw"
		grep '^#' "$tmp/m" >"$tmp/hg"
		desc="$name k=$k: header lines as docs/eventmerge.md §4"; t cmp -s "$tmp/hw" "$tmp/hg"
		desc="$name k=$k: weights per event conserved"
		t conserve_check "$desc" "$(conserve_events "$tmp/s")" "$(conserve_events "$tmp/m")"
		if [ "$k" = 7 ]; then
			"$bin/eventmerge" "$1" "$2" "$3" >"$tmp/m1"
			shift 3
			"$bin/eventmerge" "$tmp/m1" "$@" >"$tmp/m2"
			desc="$name: a merge of merges is the same stream"
			records "$tmp/m2" >"$tmp/b"; t cmp -s "$tmp/a" "$tmp/b"
			"$bin/eventmerge" -n "$tmp/m1" "$@" >"$tmp/m3"
			desc="$name: --namespace-pids conserves weights"
			t conserve_check "$desc" "$(conserve_events "$tmp/s")" "$(conserve_events "$tmp/m3")"
			desc="$name: --namespace-pids: every S O C I T P pid is N:PID, N its input"
			t test "$(awk -F'\t' '$1 ~ /^[SOCITP]$/ && $3 !~ /^[0-9]+:/' "$tmp/m3" | wc -l)" = 0
		fi
	done
done

# ---- 2. offsets are exact ----
"$bin/perf2events" "$here/../data/perf/fp.perf" 2>/dev/null | "$bin/eventsort" >"$tmp/s"
for off in 0.000000001 -383.123456789 1234567.987654321 -0.5 250ms -1us; do
	"$bin/eventmerge" -o "$tmp/s=$off" "$tmp/s" >"$tmp/m"
	# the offset as whole seconds and nanoseconds, from its digits
	# (integers only: awk's %d is 32-bit in mawk, so nothing larger is printed)
	so=$(echo "$off" | awk '{ s = $0; u = 9
		if (s ~ /ms$/) { u = 6; sub(/ms$/, "", s) } else if (s ~ /us$/) { u = 3; sub(/us$/, "", s) }
		neg = s ~ /^-/; sub(/^-/, "", s); n = split(s, a, "."); f = n > 1 ? a[2] : ""
		# value = a[1] * 10^u + f (u digits) ns; here u <= 9 and a[1] < 10^(9-u) when u < 9
		while (length(f) < u) f = f "0"
		if (u == 9) { sec = a[1]; ns = f } else { v = a[1] f; sec = 0; ns = v }
		sg = neg ? "-" : ""; print sg sec, sg (ns + 0) }')
	# each time, seconds and nanoseconds kept apart
	awk -F'\t' -v so="$so" '
	BEGIN { split(so, o, " ") }
	function show(s, n) {
		while (n < 0) { n += 1000000000; s-- }
		while (n >= 1000000000) { n -= 1000000000; s++ }
		if (s < 0 && n > 0) return sprintf("-%d.%09d", -s - 1, 1000000000 - n)
		return sprintf("%d.%09d", s, n) }
	$1 ~ /^[SOCITP]$/ && $2 != "-" { split($2, a, "."); print show(a[1] + o[1], a[2] + o[2]) }' "$tmp/s" >"$tmp/want"
	awk -F'\t' '$1 ~ /^[SOCITP]$/ && $2 != "-" { print $2 }' "$tmp/m" >"$tmp/got"
	desc="-o $off: every time is the original + ($so) s ns exactly"; t cmp -s "$tmp/want" "$tmp/got"
done

# ---- 3. k = 1000, peak RSS ----
"$bin/perf2events" "$here/../data/perf/sideband.perf.zst" 2>/dev/null | "$bin/eventsort" >"$tmp/s"
split_parts "$tmp/s" 1000 5 "$tmp/k"
# shellcheck disable=SC2046
set -- $(parts 1000 "$tmp/k")
rss() { /usr/bin/time -f %M -o "$tmp/rss" "$@" >"$tmp/out" 2>/dev/null; cat "$tmp/rss"; }
# ASan's allocator keeps redzones and quarantine: no RSS bound under it
asan=0
nm "$bin/eventmerge" 2>/dev/null | grep -q __asan_init && asan=1
if [ -x /usr/bin/time ] && [ $asan = 0 ]; then
	r1=$(rss "$bin/eventmerge" "$1")
	rk=$(rss "$bin/eventmerge" "$@")
	desc="k=1000: the sorted original"; records "$tmp/s" >"$tmp/a"; records "$tmp/out" >"$tmp/b"; t cmp -s "$tmp/a" "$tmp/b"
	desc="k=1000: peak RSS ${rk} KiB within RSS(k=1) ${r1} KiB + 1000 * 32 KiB"; t test "$rk" -le $((r1 + 32000))
	echo "eventmerge: peak RSS k=1 ${r1} KiB, k=1000 ${rk} KiB"
	awk 'BEGIN { OFS = "\t"; print "#flamepipe-events 1"
		for (i = 0; i < 200000; i++) printf "S\t%d.%09d\t1\t1\t0\tx\tcycles\t1\tmain;work;leaf%d\n", i / 1000, (i % 1000) * 1000000, i % 50 }' >"$tmp/big1"
	sed 's/\tx\t/\ty\t/' "$tmp/big1" >"$tmp/big2"
	rb=$(rss "$bin/eventmerge" "$tmp/big1" "$tmp/big2")
	desc="two inputs of 200000 records: peak RSS ${rb} KiB under 16 MiB"; t test "$rb" -lt 16384
	desc="two inputs of 200000 records: 400000 records out"; t test "$(grep -c '^S' "$tmp/out")" = 400000
else
	echo "NOTE GNU time missing or an ASan build: peak RSS not measured"
	"$bin/eventmerge" "$@" >"$tmp/out"
	desc="k=1000: the sorted original"; records "$tmp/s" >"$tmp/a"; records "$tmp/out" >"$tmp/b"; t cmp -s "$tmp/a" "$tmp/b"
fi

# ---- 4. the limit on open files ----
(ulimit -S -n 200 && "$bin/eventmerge" "$@") >"$tmp/out" 2>"$tmp/err"
desc="soft limit 200, k=1000: raised, the sorted original"; records "$tmp/out" >"$tmp/b"; t cmp -s "$tmp/a" "$tmp/b"
(ulimit -n 200 && "$bin/eventmerge" "$@") >"$tmp/out" 2>"$tmp/err"
st=$?
desc="hard limit 200, k=1000: exit 1 ($st), nothing out, the numbers said"
t test "$st" = 1 -a ! -s "$tmp/out" -a "$(grep -c 'need 1016 open files, but the limit is 200' "$tmp/err")" = 1

# ---- 5. an unsorted part ----
split_parts "$tmp/s" 3 9 "$tmp/p"
awk -F'\t' '$1 == "S" && !done { held = $0; done = 1; next } { print } END { print held }' "$tmp/p/p1" >"$tmp/p/bad"
"$bin/eventmerge" "$tmp/p/p0" "$tmp/p/bad" "$tmp/p/p2" >"$tmp/out" 2>"$tmp/err"
st=$?
desc="an unsorted part: exit 1 ($st), message names the file and eventsort: $(cat "$tmp/err")"
t test "$st" = 1 -a "$(grep -c "bad:[0-9]*: time .* is earlier than .*eventsort" "$tmp/err")" = 1
desc="an unsorted part: the output ends at a record boundary"
t test ! -s "$tmp/out" -o "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n'

check_done
