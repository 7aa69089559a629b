#!/bin/sh
# heatmap against FlameScope's own example, perf.test01, and FlameScope's
# heat map of it (tests/data/corpus/perf/flamescope, MANIFEST caveat 6).
#
# Our cells must equal FlameScope's except for the samples FlameScope puts
# in the wrong row by its double arithmetic (formats.md §3.7 F1):
#   row = rows - floor(rows * (ts % 1)) - 1      on doubles
# ts % 1 of 5086.2 is 0.19999999999981810106, so the sample drawn at
# "offset 200ms" by the file's own marker frame lands in the 180 ms row.
# The script derives every row twice, independently of heatmap:
#   exact: integer nanoseconds from the decimal text (our rule, §3.8);
#   float: awk doubles, the same IEEE operations as FlameScope's Python;
# then checks that (1) heatmap equals the exact rows, (2) FlameScope's file
# equals the float rows (so the model of FlameScope is right), and (3) the
# cells where heatmap and FlameScope differ are exactly the samples whose
# exact and float rows differ, each listed with the reason.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init heatmap-flamescope "$@"
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FLAMEPIPE_CORPUS:-$here/../data/corpus}
dir=$corpus/perf/flamescope

if [ ! -f "$dir/perf.test01" ]; then
	no "corpus not found at $dir (set FLAMEPIPE_CORPUS)"
	echo "heatmap-flamescope: $pass passed, $fail failed"
	exit 1
fi
"$bin/perf2events" "$dir/perf.test01" >"$tmp/ev" 2>/dev/null
"$bin/heatmap" -l "$tmp/ev" | grep -v '^#' | awk -F'\t' '{ print $1, $2, $4 }' | sort >"$tmp/ours"
# FlameScope's cells: "col row row_ms count" lines between the headers
awk '/^# flamegraph/ { exit } !/^#/ { print $1, $2, $4 }' \
	"$dir/perf.test01.flamescope-heatmap.txt" | sort >"$tmp/fs"
[ -s "$tmp/ours" ] && [ -s "$tmp/fs" ] && ok || no "no cells (ours or FlameScope's)"

# Non-idle sample times, as text. Idle: FlameScope's own regexp on comm and
# frames (the idle samples of perf.test01 have no softirq frames).
awk -F'\t' '$1 == "S" && !($6 ~ /swapper/ && $9 ~ /cpuidle|cpu_idle|cpu_bringup_and_idle|native_safe_halt|xen_hypercall_sched_op|xen_hypercall_vcpu_op/) { print $2 }' \
	"$tmp/ev" >"$tmp/times"
awk -v rows=50 '
	function fl(x) { return x == int(x) || x >= 0 ? int(x) : int(x) - 1 }
	NR == 1 { split($1, a, "."); s0 = a[1] + 0 }
	{ split($1, a, "."); t[NR] = $1; sec[NR] = a[1] + 0
	  f = substr(a[2] "000000000", 1, 9) + 0; frac[NR] = f
	  if (sec[NR] < s0) s0 = sec[NR] }
	END {
		for (i = 1; i <= NR; i++) {
			exact = rows - 1 - int(frac[i] * rows / 1000000000)
			ts = t[i] + 0; m = ts - fl(ts)   # Python ts % 1 for ts > 0
			float = rows - fl(rows * m) - 1
			print sec[i] - s0, exact, float, t[i]
		}
	}' "$tmp/times" >"$tmp/rows"
awk '{ n[$1 " " $2]++ } END { for (k in n) print k, n[k] }' "$tmp/rows" | sort >"$tmp/exact"
awk '{ n[$1 " " $3]++ } END { for (k in n) print k, n[k] }' "$tmp/rows" | sort >"$tmp/float"

cmp -s "$tmp/ours" "$tmp/exact" && ok || { no "heatmap differs from the exact integer rows"; diff "$tmp/exact" "$tmp/ours"; }
cmp -s "$tmp/fs" "$tmp/float" && ok || { no "FlameScope's file differs from the double-arithmetic model"; diff "$tmp/float" "$tmp/fs"; }

# Misplaced samples: exact row != float row.
awk '$2 != $3' "$tmp/rows" >"$tmp/misplaced"
echo "samples FlameScope misplaces (col, our row, FlameScope's row, time):"
while read -r col exact float t; do
	printf '  col %s: %s at row %s (%d ms) in heatmap, row %s (%d ms) in FlameScope: %s %% 1 is below .%s in doubles\n' \
		"$col" "$t" "$exact" $(( (49 - exact) * 20 )) "$float" $(( (49 - float) * 20 )) "$t" "${t#*.}"
done <"$tmp/misplaced"
# the cells that differ are exactly those of the misplaced samples
diff "$tmp/ours" "$tmp/fs" | sed -n 's/^[<>] //p' | awk '{ print $1, $2 }' | sort -u >"$tmp/diffcells"
awk '{ print $1, $2; print $1, $3 }' "$tmp/misplaced" | sort -u >"$tmp/explained"
cmp -s "$tmp/diffcells" "$tmp/explained" && ok || { no "cells differ beyond the misplaced samples"; diff "$tmp/explained" "$tmp/diffcells"; }
# every misplaced sample is one FlameScope's marker frame names: STACK-N_at_time_Ks_and_offset_Mms
while read -r col exact float t; do
	ms=$(awk -F'\t' -v t="$t" '$1 == "S" && $2 + 0 == t + 0 { if (match($9, /offset_[0-9]+ms/)) print substr($9, RSTART + 7, RLENGTH - 9) }' "$tmp/ev" | head -n 1)
	[ "$ms" = $(( (49 - exact) * 20 )) ] && ok || no "sample $t: marker says ${ms}ms, heatmap row $exact"
done <"$tmp/misplaced"
# same totals and width: FlameScope: columns=42 total=5
fs_cols=$(sed -n 's/^# heatmap: .*columns=\([0-9]*\).*/\1/p' "$dir/perf.test01.flamescope-heatmap.txt")
fs_total=$(sed -n 's/^# heatmap: .*total=\([0-9]*\).*/\1/p' "$dir/perf.test01.flamescope-heatmap.txt")
our=$("$bin/heatmap" -l "$tmp/ev" | head -n 1)
case $our in *" columns=$fs_cols "*) ok ;; *) no "columns: FlameScope $fs_cols, ours: $our" ;; esac
case $our in *" total=$fs_total "*) ok ;; *) no "total: FlameScope $fs_total, ours: $our" ;; esac
check_done
