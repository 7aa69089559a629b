#!/bin/sh
# speedscope-in.sh - speedscope2events (docs/speedscope-in.md): weights in =
# weights out, speedscope's own readings, the round trip, the spill file
#
# usage: speedscope-in.sh BINDIR
#  - conservation: for every valid speedscope input (the corpus, the
#    goldens, generated files), per profile, computed independently with
#    jq from the JSON: the sum of a sampled profile's weights (in ns for
#    the time units, rounded once) equals the sum of its S weights, the
#    number of samples the number of S records; an evented profile's span
#    time (the sum of C.at - O.at over matching pairs, in ns) equals the
#    same sum over the O/C records, and its O count the number of O events;
#  - speedscope: for every corpus file with a reading
#    (X.speedscope-folded.txt), each profile's folded stacks
#    (`events2folded -n -r`, self weights, zero lines left out, ns back to
#    the file's unit) are speedscope's lines;
#  - round trip: J1 = events2speedscope of an events stream, J2 =
#    events2speedscope of `speedscope2events J1`: the same document once
#    frame indices are replaced by the frames (J2 numbers frames in
#    profile order, J1 in stream order), and J3 made from J2 is J2 byte
#    for byte;
#  - the spill file: SPEEDSCOPE2EVENTS_BUDGET=0 gives the same output and
#    messages, and leaves no file in TMPDIR.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init speedscope-in "$@"
if ! command -v jq >/dev/null 2>&1; then
	echo "speedscope-in: jq missing: 0 passed, 0 failed (skipped)"
	exit 0
fi

# ---- generated inputs: frames after profiles, many events, decimals ----
gen="$tmp/gen"
mkdir "$gen"
awk 'BEGIN { srand(7); printf "{\"profiles\":["
	for (p = 0; p < 3; p++) {
		printf "%s{\"type\":\"evented\",\"name\":\"gen %d\",\"unit\":\"microseconds\",\"startValue\":0,\"events\":[", (p ? "," : ""), p
		t = 0; d = 0; first = 1
		for (i = 0; i < 4000; i++) {
			if (d > 0 && (d >= 30 || rand() < 0.5)) { ev = "C"; f = st[d--] }
			else { ev = "O"; f = int(rand() * 50); st[++d] = f }
			t += int(rand() * 3) + rand() < 0.3 ? 0.25 : 0
			printf "%s{\"type\":\"%s\",\"frame\":%d,\"at\":%s}", (first ? "" : ","), ev, f, t; first = 0
		}
		while (d > 0) { t += 1; printf ",{\"type\":\"C\",\"frame\":%d,\"at\":%s}", st[d--], t }
		printf "],\"endValue\":%s}", t
	}
	printf ",{\"type\":\"sampled\",\"name\":\"gen s\",\"unit\":\"seconds\",\"samples\":["
	for (i = 0; i < 5000; i++) { printf "%s[", (i ? "," : ""); n = int(rand() * 20); for (k = 0; k <= n; k++) printf "%s%d", (k ? "," : ""), int(rand() * 50); printf "]" }
	printf "],\"weights\":["
	for (i = 0; i < 5000; i++) printf "%s%d.%03d", (i ? "," : ""), int(rand() * 3), int(rand() * 1000)
	printf "]},{\"type\":\"sampled\",\"name\":\"gen b\",\"unit\":\"bytes\",\"samples\":["
	for (i = 0; i < 3000; i++) printf "%s[%d,%d]", (i ? "," : ""), int(rand() * 50), int(rand() * 50)
	printf "],\"weights\":["
	for (i = 0; i < 3000; i++) printf "%s%d", (i ? "," : ""), int(rand() * 100000)
	printf "]}],\"shared\":{\"frames\":["
	for (i = 0; i < 50; i++) printf "%s{\"name\":\"f%d\",\"file\":\"s%d.c\",\"line\":%d}", (i ? "," : ""), i, i % 7, i + 1
	printf "]}}\n" }' >"$gen/generated.json"

valid() {
	for f in "$corpus"/speedscope/0.*/*.json "$gen"/*.json \
		"$root"/tests/golden/speedscope2events/keys-any-order.in \
		"$root"/tests/golden/speedscope2events/units.in \
		"$root"/tests/golden/speedscope2events/frames.in \
		"$root"/tests/golden/speedscope2events/noschema.in; do
		[ -f "$f" ] && echo "$f"
	done
}

# jq: per profile "INDEX KIND COUNT TOTAL" (TOTAL in ns for time units)
want() {
	jq -r '
	def scale: {"nanoseconds":1,"microseconds":1e3,"milliseconds":1e6,"seconds":1e9}[.unit // "none"] // 1;
	.profiles | to_entries[] | .key as $i | .value as $p | ($p | scale) as $s |
	if ($p.type // (if $p.events then "evented" else "sampled" end)) == "evented" then
		(reduce $p.events[] as $e ({st: [], tot: 0, n: 0};
			if $e.type == "O" then .st += [$e.at] | .n += 1
			else .tot += ($e.at - .st[-1]) * $s | .st |= .[:-1] end)) |
		"\($i + 1) O \(.n) \(.tot | round)"
	else
		"\($i + 1) S \($p.samples | length) \(([$p.weights[]] | add // 0) * $s | round)"
	end' "$1"
}

# awk: the same from the events stream (tid = profile number)
got() {
	awk -F'\t' '
	$1 == "S" { n[$4] += 1; w[$4] += $8; k[$4] = "S" }
	$1 == "O" || $1 == "C" {
		split($2, a, "."); t = a[1] * 1e9 + a[2]
		if ($1 == "O") { st[$4, ++d[$4]] = t; n[$4] += 1 } else w[$4] += t - st[$4, d[$4]--]
		k[$4] = "O"
	}
	END { for (i in k) printf "%s %s %d %.0f\n", i, k[i], n[i], w[i] }' "$1" | sort -n
}

for f in $(valid); do
	name=${f#"$root"/}
	if ! "$bin/speedscope2events" "$f" >"$tmp/ev" 2>"$tmp/err"; then
		bad "$name: speedscope2events failed"; head -n 3 "$tmp/err"; continue
	fi
	want "$f" | sort -n >"$tmp/want"
	got "$tmp/ev" >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then ok; else
		bad "$name: per-profile totals (jq vs events)"; diff "$tmp/want" "$tmp/got" | head -n 10
	fi
	# the spill file: same output and messages, nothing left behind
	mkdir "$tmp/t"
	if TMPDIR="$tmp/t" SPEEDSCOPE2EVENTS_BUDGET=0 "$bin/speedscope2events" "$f" >"$tmp/ev0" 2>"$tmp/err0" &&
	   cmp -s "$tmp/ev" "$tmp/ev0" && cmp -s "$tmp/err" "$tmp/err0" && [ -z "$(ls -A "$tmp/t")" ]; then ok; else
		bad "$name: spilled output differs (or a file was left in TMPDIR)"
	fi
	rm -rf "$tmp/t"
done

# ---- speedscope's readings ----
for r in "$corpus"/speedscope/*/*.speedscope-folded.txt; do
	[ -f "$r" ] || continue
	f=${r%.speedscope-folded.txt}
	name=${f#"$corpus"/}
	"$bin/speedscope2events" "$f" >"$tmp/ev" 2>/dev/null
	np=$(jq '.profiles | length' "$f")
	i=1
	while [ "$i" -le "$np" ]; do
		unit=$(awk -v i="$i" '/^profile\[/ { n++ } n == i && /^profile\[/ { for (k = 1; k <= NF; k++) if ($k ~ /^unit=/) print substr($k, 6) }' "$r")
		div=1
		case $unit in microseconds) div=1000 ;; milliseconds) div=1000000 ;; seconds) div=1000000000 ;; esac
		awk -v i="$i" '/^profile\[/ { n++; on = 0; next } /^folded/ { on = (n == i); next }
			on && NF { print }' "$r" | sort >"$tmp/want"
		awk -F'\t' -v i="$i" '/^#/ || $1 == "E" || $4 == i' "$tmp/ev" |
			"$bin/events2folded" -n -r 2>/dev/null |
			awk -v d="$div" '{ w = $NF / d; if (w != 0) { $NF = w; print } }' | sort >"$tmp/got"
		if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
			bad "$name: profile $i differs from speedscope's reading"; diff "$tmp/want" "$tmp/got" | head -n 10
		fi
		i=$((i + 1))
	done
done

# ---- round trip through events2speedscope ----
# J with frame indices replaced by the frames, and sampled weights in a
# time unit in ns (speedscope2events writes them so: docs/speedscope-in.md)
norm() {
	jq -S '.shared.frames as $f | del(.shared) |
		.profiles |= map(
			({"microseconds":1e3,"milliseconds":1e6,"seconds":1e9}[.unit] // null) as $m |
			if .samples and $m then .weights |= map(. * $m) | .endValue *= $m |
				.unit = "nanoseconds" else . end |
			if .samples then .samples |= map(map($f[.])) else . end |
			if .events then .events |= map(.frame = $f[.frame]) else . end)' "$1"
}
for e in "$root"/tests/golden/events2speedscope/*.in "$root"/tests/golden/events2speedscope/units.events; do
	[ -f "$e" ] || continue
	head -n 1 "$e" | grep -q '^#flamepipe-events' || continue
	name=${e#"$root"/}
	"$bin/events2speedscope" --name rt "$e" >"$tmp/j1" 2>/dev/null || continue
	grep -q '"no samples"' "$tmp/j1" && continue
	"$bin/speedscope2events" "$tmp/j1" >"$tmp/e2" 2>"$tmp/err" &&
	"$bin/events2speedscope" --name rt "$tmp/e2" >"$tmp/j2" 2>/dev/null &&
	"$bin/speedscope2events" "$tmp/j2" 2>/dev/null | "$bin/events2speedscope" --name rt >"$tmp/j3" 2>/dev/null
	norm "$tmp/j1" >"$tmp/n1"
	norm "$tmp/j2" >"$tmp/n2"
	if cmp -s "$tmp/n1" "$tmp/n2"; then ok; else
		bad "$name: events2speedscope | speedscope2events | events2speedscope changed the document"
		diff "$tmp/n1" "$tmp/n2" | head -n 10
	fi
	if cmp -s "$tmp/j2" "$tmp/j3"; then ok; else
		bad "$name: a second round trip is not byte for byte the first"
	fi
done

check_done
