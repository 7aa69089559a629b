#!/bin/sh
# heatmap --svg on real captures: the SVG is well-formed XML (xmllint), a
# real renderer (rsvg-convert) draws it at its declared size, every
# non-empty cell is a rect with a tooltip, and the timeslice command in a
# tooltip selects exactly the samples the tooltip counts.
# Needs xmllint (libxml2-utils) and rsvg-convert (librsvg2-bin).
set -u
bin=${1:?usage: heatmap-svg.sh BINDIR}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-hmsvg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL $*"; }

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
	rects=$(grep -c '<rect x="[0-9]*" y="[0-9]*" width="8" height="8" fill="#[0-9a-f]*"><title>' "$tmp/h.svg")
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
echo "heatmap-svg: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
