#!/bin/sh
# conservation.sh - no sample is lost, none is invented (tests/lib/conserve.sh)
#
# usage: conservation.sh BINDIR
# For every perf input of the corpus and of tests/data/perf:
#  - perf2events: per event, the S records and their weights equal the
#    sample headers and periods counted independently in the text (so the
#    last sample counts even without a final blank line), and the lines it
#    reports skipped equal the lines that are neither blank, '#', header
#    nor frame;
#  - events2folded -e EVENT: the folded counts add up to the S weights of
#    EVENT, and with --count to the number of its S records; events2svg
#    -e EVENT: its root frame "all" weighs EVENT's S weights;
#  - when built: eventsort and timeslice - - keep every S record and
#    weight, and perf2events | eventsort | events2folded still conserves;
#    eventmerge -n of the sorted stream with itself has every S record and
#    weight twice; eventdiff reports both totals as the S weights of EVENT;
#  - heatmap --idle: the cell total is the number of S records (all
#    events), and with -w -e EVENT the sum of EVENT's weights;
#  - events2speedscope --merge -e EVENT: the profile's weights add up to
#    EVENT's S weights (node reads the JSON; skipped without node);
#  - events2trace: the weights of its samples array add up to the S
#    weights per event (node reads the JSON), and trace2events of its
#    output has every S record and weight.
# For every .cpuprofile of the corpus: one S record per entry of its
# "samples" array. For every Trace Event file node can parse: one span
# (D or O record) per X, B, i and I event, but for the instants that carry
# a whole CPU profile (args.data.cpuProfile: they become samples).
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init conservation "$@"
. "$root/tests/lib/conserve.sh"
node_ok=0
command -v node >/dev/null 2>&1 && node_ok=1
# the "total=N" of heatmap's header line
heatmap_total() { sed -n '1s/.* total=\([0-9]*\).*/\1/p' "$1"; }
# the sum of every weight of a speedscope file's sampled profiles
speedscope_total() {
	node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); let t = 0n;
		for (const p of d.profiles) for (const w of p.weights || []) t += BigInt(w); console.log(t.toString())' "$1"
}
# the sum of the weights of EVENT's samples in a Trace Event file (events2trace)
trace_total() {
	node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); let t = 0n;
		for (const s of d.samples || []) if (s.name === process.argv[2]) t += BigInt(s.weight);
		console.log(t.toString())' "$1" "$2"
}
result() { if [ "$1" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }

for in in "$corpus"/perf/flamegraph/inputs/* "$corpus"/perf/flamescope/perf.test01 \
	"$root"/tests/data/perf/*.perf "$root"/tests/data/perf/*.perf.gz "$root"/tests/data/perf/*.perf.zst; do
	[ -f "$in" ] || continue
	name=$(basename "$in")
	"$bin/perf2events" "$in" >"$tmp/ev" 2>"$tmp/err"
	st=$?
	[ $st = 0 ]
	result $?
	[ $st = 0 ] || { echo "FAIL $name: perf2events status $st"; continue; }
	want=$(conserve_perf "$in")
	got=$(conserve_events "$tmp/ev")
	conserve_check "$name: perf2events samples per event (EVENT RECORDS WEIGHT)" "$want" "$got"
	result $?
	conserve_check "$name: lines perf2events reported skipped" \
		"$(conserve_perf_other "$in")" "$(conserve_skipped "$tmp/err")"
	result $?
	events=$(echo "$got" | awk '{ print $1 }')
	for e in $events; do
		w=$(echo "$got" | awk -v e="$e" '$1 == e { print $3 }')
		c=$(echo "$got" | awk -v e="$e" '$1 == e { print $2 }')
		"$bin/events2folded" -e "$e" "$tmp/ev" >"$tmp/f" 2>"$tmp/ferr"
		conserve_check "$name: events2folded -e $e total (skipped: $(conserve_skipped "$tmp/ferr"))" \
			"$w" "$(conserve_folded "$tmp/f")"
		result $?
		"$bin/events2folded" -c -e "$e" "$tmp/ev" >"$tmp/f" 2>"$tmp/ferr"
		conserve_check "$name: events2folded --count -e $e total" "$c" "$(conserve_folded "$tmp/f")"
		result $?
		if [ -x "$bin/events2svg" ]; then
			"$bin/events2svg" -e "$e" "$tmp/ev" >"$tmp/s.svg" 2>/dev/null
			conserve_check "$name: events2svg -e $e total (its all frame)" "$w" \
				"$(sed -n 's/^<g><title>all (\([0-9-]*\) .*/\1/p' "$tmp/s.svg" | grep . || echo 0)"
			result $?
		fi
	done
	if [ -x "$bin/eventsort" ]; then
		"$bin/eventsort" "$tmp/ev" >"$tmp/sorted" 2>"$tmp/serr"
		conserve_check "$name: eventsort keeps S records and weights" "$got" "$(conserve_events "$tmp/sorted")"
		result $?
		e=$(echo "$events" | head -n 1)
		w=$(echo "$got" | awk -v e="$e" '$1 == e { print $3 }')
		conserve_cat "$in" | "$bin/perf2events" | "$bin/eventsort" | "$bin/events2folded" -e "$e" >"$tmp/f" 2>/dev/null
		conserve_check "$name: perf2events | eventsort | events2folded -e $e total" "$w" "$(conserve_folded "$tmp/f")"
		result $?
		# eventmerge of the sorted stream with itself: every record twice
		if [ -x "$bin/eventmerge" ]; then
			"$bin/eventmerge" -n "$tmp/sorted" "$tmp/sorted" >"$tmp/merged" 2>/dev/null
			conserve_check "$name: eventmerge -n of the stream with itself doubles S records and weights" \
				"$(echo "$got" | awk '{ printf "%s %.0f %.0f\n", $1, 2 * $2, 2 * $3 }')" \
				"$(conserve_events "$tmp/merged")"
			result $?
		fi
		# eventdiff: the totals it reports are the inputs' weights of EVENT
		if [ -x "$bin/eventdiff" ]; then
			"$bin/eventdiff" -e "$e" "$tmp/ev" "$tmp/sorted" 2>/dev/null |
				awk -F'\t' '$1 == "# base" || $1 == "# new" { sub(/^total /, "", $3); print $3 }' >"$tmp/d"
			conserve_check "$name: eventdiff -e $e reports both totals" "$(printf '%s\n%s' "$w" "$w")" "$(cat "$tmp/d")"
			result $?
		fi
	fi
	# the whole range keeps every sample (untimed streams are rejected,
	# events.md 6)
	if [ -x "$bin/timeslice" ] && awk -F'\t' '$1 == "S" && $2 == "-" { exit 1 }' "$tmp/ev"; then
		"$bin/timeslice" - - "$tmp/ev" >"$tmp/sliced" 2>/dev/null
		conserve_check "$name: timeslice - - keeps S records and weights" "$got" "$(conserve_events "$tmp/sliced")"
		result $?
	fi
	# heatmap: every sample lands in one cell (timed streams only)
	if [ -x "$bin/heatmap" ] && awk -F'\t' '$1 == "S" && $2 == "-" { exit 1 }' "$tmp/ev"; then
		n=$(echo "$got" | awk '{ n += $2 } END { printf "%.0f", n }')
		"$bin/heatmap" --idle "$tmp/ev" >"$tmp/h" 2>/dev/null
		conserve_check "$name: heatmap --idle cell total" "$n" "$(heatmap_total "$tmp/h")"
		result $?
		e=$(echo "$events" | head -n 1)
		w=$(echo "$got" | awk -v e="$e" '$1 == e { print $3 }')
		"$bin/heatmap" --idle -w -e "$e" "$tmp/ev" >"$tmp/h" 2>/dev/null
		conserve_check "$name: heatmap --idle -w -e $e cell total" "$w" "$(heatmap_total "$tmp/h")"
		result $?
	fi
	if [ -x "$bin/events2speedscope" ] && [ "$node_ok" = 1 ]; then
		for e in $events; do
			w=$(echo "$got" | awk -v e="$e" '$1 == e { print $3 }')
			"$bin/events2speedscope" --merge -e "$e" "$tmp/ev" >"$tmp/ss.json" 2>/dev/null
			conserve_check "$name: events2speedscope --merge -e $e weights" "$w" "$(speedscope_total "$tmp/ss.json")"
			result $?
		done
	fi
	if [ -x "$bin/events2trace" ] && [ "$node_ok" = 1 ]; then
		"$bin/events2trace" "$tmp/ev" >"$tmp/tr.json" 2>/dev/null
		for e in $events; do
			w=$(echo "$got" | awk -v e="$e" '$1 == e { print $3 }')
			conserve_check "$name: events2trace -e $e weights" "$w" "$(trace_total "$tmp/tr.json" "$e")"
			result $?
		done
		if [ -x "$bin/trace2events" ]; then
			"$bin/trace2events" "$tmp/tr.json" >"$tmp/back" 2>/dev/null
			conserve_check "$name: events2trace | trace2events keeps S records and weights" "$got" \
				"$(conserve_events "$tmp/back")"
			result $?
		fi
	fi
done
for in in "$corpus"/cpuprofile/*/*.cpuprofile; do
	[ -f "$in" ] && [ -x "$bin/cpuprofile2events" ] && [ "$node_ok" = 1 ] || continue
	want=$(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		console.log((p.samples || []).length)' "$in")
	got=$("$bin/cpuprofile2events" "$in" 2>/dev/null | awk -F'\t' '$1 == "S" { n++ } END { print n + 0 }')
	conserve_check "$(basename "$in"): cpuprofile2events S records = samples" "$want" "$got"
	result $?
done
for in in "$corpus"/trace-event/*.json "$corpus"/trace-event/*/*.json; do
	[ -f "$in" ] && [ -x "$bin/trace2events" ] && [ "$node_ok" = 1 ] || continue
	want=$(node -e 'let d; try { d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); }
		catch (e) { console.log("unparsable"); process.exit(0); }
		let n = 0; for (const e of (Array.isArray(d) ? d : d.traceEvents || []))
			if (e && ["X", "B", "i", "I"].includes(e.ph) &&
			    !(e.args && e.args.data && e.args.data.cpuProfile)) n++;
		console.log(n)' "$in")
	[ "$want" = unparsable ] && continue	# truncated files: golden tests
	got=$("$bin/trace2events" "$in" 2>/dev/null | awk -F'\t' '$1 == "D" || $1 == "O" { n++ } END { print n + 0 }')
	conserve_check "$(basename "$in"): trace2events spans = X, B, i, I events" "$want" "$got"
	result $?
done
for f in "$bin"/*; do
	case $(basename "$f") in
	perf2events | events2folded | eventsort | timeslice | heatmap | events2speedscope | cpuprofile2events | trace2events) ;;
	events2svg | events2trace) ;;
	spans2events) ;;	# every span and its duration: spans-otlp.sh, spans-ferret.sh
	toevents) ;;	# its output is its converters' (toevents.sh)
	eventmerge | eventdiff) ;;	# above, and tests/check.d/eventmerge.sh, eventdiff.sh
	*) echo "NOTE conservation: $(basename "$f") has no conservation check yet" ;;
	esac
done
check_done
