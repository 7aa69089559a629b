#!/bin/sh
# heatmap --svg on real captures: the SVG is well-formed XML (xmllint), a
# real renderer (rsvg-convert) draws it at its declared size, every
# non-empty cell is a rect with a tooltip, and the timeslice command in a
# tooltip selects exactly the samples the tooltip counts.
# On generated 4 s, 40 s and 400 s streams (issue 10): the column labels
# do not overlap (consecutive x positions at least a label width apart,
# widths estimated high for 11 px Verdana), the grid fills the picture
# (not a strip in an empty canvas), the title names the input, the event
# and the time range, and there is a legend.
# Needs xmllint (libxml2-utils) and rsvg-convert (librsvg2-bin).
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init heatmap-svg "$@"
here=$(cd "$(dirname "$0")" && pwd)

for tool in xmllint rsvg-convert; do
	command -v $tool >/dev/null 2>&1 && ok || no "$tool is not installed (make deps)"
done
for f in "$here"/../data/perf/fp.perf "$here"/../data/perf/multi.perf.zst; do
	name=$(basename "$f")
	"$bin/perf2events" "$f" >"$tmp/ev" 2>/dev/null
	"$bin/heatmap" --svg -r 25 "$tmp/ev" >"$tmp/h.svg"
	xmllint --noout "$tmp/h.svg" && ok || no "$name: SVG is not well-formed"
	rsvg-convert -o "$tmp/h.png" "$tmp/h.svg" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && ok ||
		no "$name: rsvg-convert failed: $(cat "$tmp/err")"
	# PNG width and height (bytes 16..23, big-endian) = the SVG's
	png=$(od -An -tu1 -j16 -N8 "$tmp/h.png" | awk '{ print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
	svg=$(sed -n 's/.*<svg [^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$tmp/h.svg")
	[ -n "$svg" ] && [ "$png" = "$svg" ] && ok || no "$name: PNG is '$png', SVG says '$svg'"
	cells=$("$bin/heatmap" -l -r 25 "$tmp/ev" | grep -vc '^#')
	rects=$(grep -c '<rect x="[0-9]*" y="[0-9]*" width="[0-9]*" height="[0-9]*" fill="#[0-9a-f]*"><title>' "$tmp/h.svg")
	[ "$cells" -gt 0 ] && [ "$rects" = "$cells" ] && ok || no "$name: $rects cell rects for $cells cells"
	# tooltips: "column C, A-B ms: N samples" then the command
	grep -A1 '<title>' "$tmp/h.svg" | sed -n 's/.*: \([0-9]*\) samples\{0,1\}$/\1/p' >"$tmp/n"
	sed -n 's/^\(timeslice .*\)<\/title><\/rect>$/\1/p' "$tmp/h.svg" >"$tmp/cmds"
	paste "$tmp/n" "$tmp/cmds" | head -n 25 >"$tmp/pairs"
	bad=0
	while IFS="$(printf '\t')" read -r n cmd; do
		# shellcheck disable=SC2086
		got=$(PATH=$bin:$PATH $cmd "$tmp/ev" | grep -c '^S')
		[ "$got" = "$n" ] || { bad=$((bad+1)); echo "  $name: '$cmd' selects $got, tooltip says $n"; }
	done <"$tmp/pairs"
	[ -s "$tmp/pairs" ] && [ $bad -eq 0 ] && ok || no "$name: tooltip commands disagree"
done

# Generated captures: S records spread over D seconds, weights in ns.
gen() {
	awk -v D="$1" 'BEGIN { srand(7); print "#flamepipe-events 1"; print "#input gen-" D "s.perf"
		print "E\t-\tcpu-clock\tnanoseconds"; n = D * 200
		for (i = 0; i < n; i++) printf "S\t%.9f\t10\t11\t0\tw\tcpu-clock\t5000000\tmain;f%d\n", 5000.3 + i * D / n, i % 3 }'
}
for d in 4 40 400; do
	gen $d >"$tmp/g.ev"
	for opts in "" "-w" "-c 100ms"; do
		name="${d}s $opts"
		# shellcheck disable=SC2086
		"$bin/heatmap" -s $opts "$tmp/g.ev" >"$tmp/g.svg" || { no "$name: heatmap failed"; continue; }
		xmllint --noout "$tmp/g.svg" && ok || no "$name: SVG is not well-formed"
		rsvg-convert -o "$tmp/g.png" "$tmp/g.svg" 2>/dev/null && ok || no "$name: rsvg-convert failed"
		# column labels: <text x=".." y=".." class="x" ...>LABEL</text>
		sed -n 's/^<text x="\([0-9]*\)" y="[0-9]*" class="x"[^>]*>\([^<]*\)<.*/\1 \2/p' "$tmp/g.svg" >"$tmp/x"
		[ "$(wc -l <"$tmp/x")" -ge 2 ] && ok || no "$name: fewer than 2 column labels"
		overlap=$(awk '{ w = length($2) * 11 * 0.64 }
			NR > 1 && $1 - px < (w + pw) / 2 + 2 { print "  \"" pl "\" at " px " and \"" $2 "\" at " $1; bad++ }
			{ px = $1; pw = w; pl = $2 } END { exit bad > 0 }' "$tmp/x") && ok ||
			no "$name: column labels overlap:
$overlap"
		# the grid (its white background rect) is most of the picture's width
		# unless the title is wider than a small grid
		dims=$(sed -n 's/.*<svg [^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$tmp/g.svg")
		grid=$(sed -n 's/^<rect x="[0-9]*" y="[0-9]*" width="\([0-9]*\)" height="\([0-9]*\)" fill="#ffffff".*/\1 \2/p' "$tmp/g.svg")
		echo "$dims $grid" | awk '{ exit !($3 * $4 >= 0.4 * $1 * $2 || ($1 <= 900 && $3 >= 240)) }' && ok ||
			no "$name: grid $grid in a canvas of $dims"
		title=$(sed -n 's/^<text [^>]*class="title"[^>]*>\(.*\)<\/text>$/\1/p' "$tmp/g.svg")
		case $title in
		"gen-${d}s.perf: "*cpu-clock*) ok ;;
		*) no "$name: title '$title' lacks the input or the event" ;;
		esac
		grep -q 'class="subtitle"[^>]*>5000.3 s to ' "$tmp/g.svg" && ok || no "$name: no time range in the subtitle"
		grep -q 'fill="url(#scale)"' "$tmp/g.svg" && grep -q 'class="legend">per cell<' "$tmp/g.svg" && ok ||
			no "$name: no legend"
	done
	# -w on a time unit: the legend and the title in time
	"$bin/heatmap" -s -w "$tmp/g.ev" | grep -q 'class="legend">[0-9.]* ms<' && ok || no "${d}s -w: legend not in ms"
	# --term: row labels in ms and a legend line
	"$bin/heatmap" -T "$tmp/g.ev" | sed 's/\x1b\[[0-9;]*m//g' >"$tmp/t"
	grep -q '^ *800 ms ' "$tmp/t" && grep -q '^ *0 ms ' "$tmp/t" && ok || no "${d}s --term: no row labels"
	grep -q '^ *scale 0 .* per cell' "$tmp/t" && ok || no "${d}s --term: no legend line"
done
check_done
