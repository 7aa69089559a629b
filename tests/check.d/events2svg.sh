#!/bin/sh
# events2svg: the pictures are right, not only well-formed.
#  - every frame's weight (its tooltip) equals events2folded's total for
#    the same path (the tree is rebuilt from the geometry: a frame's parent
#    is the frame one row nearer the root that spans it), and its width is
#    that weight's share of the picture's width, to the 3 decimals written;
#  - xmllint --noout (well-formed XML) on every picture, rsvg-convert draws
#    the real captures at their declared size;
#  - edge cases: empty stream, one sample, a 10 000-deep stack, names with
#    < > & " ' and invalid UTF-8 (escaped, replaced), --minwidth's note;
#  - --diff on a crafted pair where one function doubles and one halves;
#  - a wrong kind of input and a write error;
#  - in headless Chromium (tests/browser/svg.js, playwright-core as
#    speedscope-browser.sh): click-to-zoom, reset, search and its matched
#    percentage; screenshots in BINDIR/../events2svg-browser/.
# Needs xmllint (libxml2-utils), rsvg-convert (librsvg2-bin); the browser
# part node and Chromium (skipped without them, a failure under CI=true).
# usage: events2svg.sh BINDIR
set -u
bin=$(cd "${1:?usage: events2svg.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-svg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
shots=$(cd "$bin/.." && pwd)/events2svg-browser
pass=0 fail=0
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL $*"; }
LC_ALL=C
export LC_ALL

# compare FOLDED SVG: every frame of the SVG (its weight from the tooltip,
# its path rebuilt from the geometry: its parent is the frame one row
# nearer the root that spans it) against the totals of every prefix of the
# folded stacks; and each width against its weight's share. One line per
# difference, then "frames N widths-off N".
compare() {
	awk '
	FNR == NR {
		w = $NF; s = substr($0, 1, length($0) - length(w) - 1); all += w
		n = split(s, f, ";"); p = 0
		for (i = 1; i <= n; i++) {
			k = p SUBSEP f[i]
			if (!(k in id)) { id[k] = ++nid; nm[nid] = f[i] }
			p = id[k]; want[p] += w
		}
		next
	}
	/<svg / { match($0, /width="[0-9]+"/); W = substr($0, RSTART + 7, RLENGTH - 8)
		  match($0, /height="[0-9]+"/); H = substr($0, RSTART + 8, RLENGTH - 9)
		  icicle = $0 ~ /class="icicle"/ }
	/^<g><title>/ {
		t = $0; sub(/^<g><title>/, "", t); sub(/<\/title>.*/, "", t)
		i = 0; for (j = 1; j <= length(t); j++) if (substr(t, j, 2) == " (") i = j
		name = substr(t, 1, i - 1); rest = substr(t, i + 2); split(rest, r, " ")
		gsub(/&lt;/, "<", name); gsub(/&gt;/, ">", name); gsub(/&quot;/, "\"", name)
		gsub(/&#39;/, "\047", name); gsub(/&amp;/, "\\&", name)
		match($0, /<rect x="[-0-9.]+"/); x = substr($0, RSTART + 9, RLENGTH - 10) + 0
		match($0, / y="[-0-9.]+"/); y = substr($0, RSTART + 4, RLENGTH - 5) + 0
		match($0, / width="[-0-9.]+"/); w = substr($0, RSTART + 8, RLENGTH - 9) + 0
		d = icicle ? (y - 60) / 16 : (H - 34 - 16 - y) / 16
		n = ++nf; fd[n] = d; fx[n] = x; fw[n] = w; fn[n] = name; fwt[n] = r[1]
		row[d, ++nrow[d]] = n
		if (d > maxd) maxd = d
	}
	END {
		want[0] = all; nm[0] = "all"; total = 0
		for (d = 0; d <= maxd; d++)
			for (a = 1; a <= nrow[d]; a++) {
				i = row[d, a]
				if (d == 0) { sid[i] = 0; total = fwt[i] }
				else for (b = 1; b <= nrow[d - 1]; b++) {
					k = row[d - 1, b]
					if (fx[k] <= fx[i] + 0.002 && fx[i] + fw[i] <= fx[k] + fw[k] + 0.002) {
						key = sid[k] SUBSEP fn[i]
						sid[i] = (key in id) ? id[key] : "unexpected " fn[i]; break }
				}
				if (!(i in sid)) sid[i] = "orphan " fn[i]
				got[sid[i]] += fwt[i]
				e = total > 0 ? fwt[i] / total * (W - 20) : 0
				if (fw[i] - e > 0.0006 || e - fw[i] > 0.0006) off++
			}
		for (p in want) if (want[p] > 0 && got[p] != want[p]) print "frame " nm[p] ": want " want[p] ", drawn " got[p] + 0
		for (p in got) if (!(p in want)) print "frame " p ": not in events2folded"
		print "frames " nf " widths-off " off + 0
	}' "$1" "$2"
}
# same CASE EVENTS SVGOPTIONS [OPTIONS]: every frame of events2svg
# SVGOPTIONS OPTIONS equals events2folded OPTIONS
same() {
	name=$1 ev=$2 svgopts=$3; shift 3
	# shellcheck disable=SC2086
	"$bin/events2svg" --minwidth 0 $svgopts "$@" "$ev" >"$tmp/s.svg" 2>"$tmp/err" || { no "$name: events2svg failed: $(cat "$tmp/err")"; return; }
	xmllint --noout "$tmp/s.svg" 2>"$tmp/xerr" && ok || no "$name: not well-formed: $(head -c 300 "$tmp/xerr")"
	"$bin/events2folded" --no-inlined "$@" "$ev" 2>/dev/null >"$tmp/f"
	compare "$tmp/f" "$tmp/s.svg" >"$tmp/cmp"
	# kernel and user frames of one name are two frames, one folded name
	if [ "$(wc -l <"$tmp/cmp")" = 1 ] && ! grep -q '^frames 0 ' "$tmp/cmp"; then ok; else
		no "$name: frames differ from events2folded"
		head -n 6 "$tmp/cmp"
	fi
	grep -q ' widths-off 0$' "$tmp/cmp" && ok || no "$name: $(tail -n 1 "$tmp/cmp"): widths not their share of the total"
}

"$bin/perf2events" "$here/data/perf/fp.perf" >"$tmp/fp.ev" 2>/dev/null
"$bin/perf2events" "$here/data/perf/multi.perf.zst" >"$tmp/multi.ev" 2>/dev/null
same fp "$tmp/fp.ev" ""
same fp-icicle "$tmp/fp.ev" --icicle
same multi-tid "$tmp/multi.ev" "" -t
same multi-pid-count "$tmp/multi.ev" "" -p -c
same multi-no-comm-icicle "$tmp/multi.ev" --icicle -n
same multi-raw "$tmp/multi.ev" "--width 800" -r --addrs
same multi-cpu-clock "$tmp/multi.ev" "" -e cpu-clock

# spans: self times
printf '#flamepipe-events 1\nO\t1.0\t1\t1\t-\tsrv\tspan\t-\tmain\nO\t1.1\t1\t1\t-\tsrv\tspan\t-\tmain;parse\nC\t1.4\t1\t1\t-\tsrv\tspan\t-\tmain;parse\nO\t1.5\t1\t1\t-\tsrv\tspan\t-\tmain;run\nC\t2.5\t1\t1\t-\tsrv\tspan\t-\tmain;run\nC\t3.0\t1\t1\t-\tsrv\tspan\t-\tmain\n' >"$tmp/spans.ev"
same spans "$tmp/spans.ev" ""
grep -q '<title>run (1000000000 ns, 50.00%)</title>' "$tmp/s.svg" && ok || no "spans: run is not 1 s of 2 s: $(grep -o '<title>run[^<]*' "$tmp/s.svg")"

# real captures render at their declared size
for f in fp multi; do
	"$bin/events2svg" "$tmp/$f.ev" >"$tmp/$f.svg" 2>/dev/null
	rsvg-convert -o "$tmp/$f.png" "$tmp/$f.svg" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && ok || no "$f: rsvg-convert: $(cat "$tmp/err")"
	png=$(od -An -tu1 -j16 -N8 "$tmp/$f.png" | awk '{ print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
	svg=$(sed -n 's/^<svg [^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$tmp/$f.svg")
	[ -n "$svg" ] && [ "$png" = "$svg" ] && ok || no "$f: PNG is '$png', SVG says '$svg'"
	mkdir -p "$shots" && cp "$tmp/$f.png" "$shots/$f-rsvg.png"
done

# edge cases
magic='#flamepipe-events 1'
printf '%s\n' "$magic" >"$tmp/empty.ev"
"$bin/events2svg" "$tmp/empty.ev" >"$tmp/e.svg" 2>"$tmp/err"; st=$?
[ $st = 0 ] && xmllint --noout "$tmp/e.svg" && grep -q 'no samples' "$tmp/e.svg" && ! grep -q '^<g><title>' "$tmp/e.svg" && ok ||
	no "empty stream: status $st, want 0 and a picture that says there is nothing"
: >"$tmp/zero.ev"
"$bin/events2svg" "$tmp/zero.ev" >"$tmp/e.svg" 2>"$tmp/err"; st=$?
[ $st = 0 ] && xmllint --noout "$tmp/e.svg" && ok || no "empty input: status $st: $(cat "$tmp/err")"
printf '%s\nS\t1.0\t1\t1\t0\tone\tcycles\t7\tmain;f\n' "$magic" >"$tmp/one.ev"
same one-sample "$tmp/one.ev" ""
[ "$(grep -c '^<g><title>' "$tmp/s.svg")" = 4 ] && grep -q 'width="1180"' "$tmp/s.svg" && ok || no "one sample: want 4 full-width frames"
awk -v m="$magic" 'BEGIN { print m; s = "f0"; for (i = 1; i < 10000; i++) s = s ";f" i; print "S\t1.0\t1\t1\t0\tdeep\tcycles\t3\t" s }' >"$tmp/deep.ev"
same deep-10k "$tmp/deep.ev" ""
grep -q '<title>f9999 (3 ' "$tmp/s.svg" && ok || no "deep: the leaf f9999 is not drawn"
# names: < > & " ' and bytes that are not UTF-8 (ff fe, a lone continuation, overlong c0 af, a surrogate ed a0 80)
printf '%s\nS\t1.0\t1\t1\t0\tn<a>&"me'"'"'\tcycles\t5\tmain;a<b>&c"d'"'"'e;bad\377\376\200x\300\257y\355\240\200z;caf\303\251\n' "$magic" >"$tmp/names.ev"
printf 'S\t1.1\t1\t1\t0\tn<a>&"me'"'"'\tcycles\t3\tmain;a<b>&c"d'"'"'e\n' >>"$tmp/names.ev"
"$bin/events2svg" -r --minwidth 0 "$tmp/names.ev" >"$tmp/n.svg" 2>"$tmp/err"
xmllint --noout "$tmp/n.svg" 2>"$tmp/xerr" && ok || no "names: not well-formed: $(head -c 300 "$tmp/xerr")"
grep -q '<title>a&lt;b&gt;&amp;c&quot;d&#39;e (8 ' "$tmp/n.svg" && ok || no "names: <>&\"' not escaped as entities"
grep -q "$(printf '<title>bad\357\277\275\357\277\275\357\277\275x\357\277\275\357\277\275y\357\277\275\357\277\275\357\277\275z (5 ')" "$tmp/n.svg" && ok ||
	no "names: invalid UTF-8 not replaced by U+FFFD byte for byte"
grep -q "$(printf '<title>caf\303\251 (5 ')" "$tmp/n.svg" && ok || no "names: valid UTF-8 changed"
xmllint --xpath 'string(//*[local-name()="title"][starts-with(., "n&lt;")])' "$tmp/n.svg" >/dev/null 2>&1
[ "$(xmllint --xpath 'count(//*[local-name()="g"]/*[local-name()="title"][starts-with(., "n<a>&")])' "$tmp/n.svg" 2>/dev/null)" = 1 ] && ok ||
	no "names: the comm root does not read back as n<a>&\"me' through an XML parser"

# --minwidth: what is left out is said, with its weight
awk -v m="$magic" 'BEGIN { print m; print "S\t1\t1\t1\t0\tw\tcycles\t100000\tmain;big"
	for (i = 0; i < 50; i++) printf "S\t1\t1\t1\t0\tw\tcycles\t%d\tmain;small%d;leaf\n", 1 + i, i }' >"$tmp/mw.ev"
"$bin/events2svg" --minwidth 1 "$tmp/mw.ev" >"$tmp/mw.svg"
hid=$(awk 'BEGIN { for (i = 0; i < 50; i++) { w = 1 + i; if (w / 101275 * 1180 < 1) h += w }; print h }')
grep -q ">50 frames narrower than 1 px not drawn: $hid samples, " "$tmp/mw.svg" && ok ||
	no "minwidth: want '50 frames ... not drawn: $hid samples', got '$(grep -o 'id="hidden"[^<]*' "$tmp/mw.svg")'"
! grep -q '<title>leaf ' "$tmp/mw.svg" && ok || no "minwidth: a child of a frame left out is drawn"

# --diff: f doubles, g halves, h stays; from two events and from a two-count folded file
printf 'main;f 100 200\nmain;g 100 50\nmain;h 200 200\n' >"$tmp/d.folded"
"$bin/folded2events" --diff "$tmp/d.folded" >"$tmp/d.ev" 2>/dev/null
awk -v m="$magic" 'BEGIN { print m }
	{ split($0, a, " "); for (k = 2; k <= 3; k++) printf "S\t1\t1\t1\t0\tp\t%s\t%d\t%s\n", k == 2 ? "old" : "new", a[k], a[1] }' "$tmp/d.folded" >"$tmp/d2.ev"
for src in folded events; do
	if [ $src = folded ]; then "$bin/events2svg" --diff "$tmp/d.ev" >"$tmp/d.svg"; else "$bin/events2svg" --diff -e old -e new "$tmp/d2.ev" >"$tmp/d.svg"; fi
	xmllint --noout "$tmp/d.svg" && ok || no "diff $src: not well-formed"
	fill() { sed -n "s/^<g><title>$1 ([^<]*<\/title><rect [^>]*fill=\"rgb(\([0-9]*\),\([0-9]*\),\([0-9]*\))\".*/\1 \2 \3/p" "$tmp/d.svg"; }
	# shares 1/4 -> 4/9 (+0.194, the largest), 1/4 -> 1/9 (-0.139), 1/2 -> 4/9 (-0.056)
	[ "$(fill f)" = "255 0 0" ] && ok || no "diff $src: f doubled: want rgb(255,0,0), got '$(fill f)'"
	g=$(fill g); set -- $g
	[ "${3:-}" = 255 ] && [ "$1" = "$2" ] && [ "$1" -ge 55 ] && [ "$1" -le 65 ] && ok || no "diff $src: g halved: want blue rgb(59,59,255), got '$g'"
	h=$(fill h); set -- $h
	[ "${3:-}" = 255 ] && [ "$1" -gt 140 ] && ok || no "diff $src: h shrank a little: want light blue, got '$h'"
	[ "$(fill main)" = "255 255 255" ] && ok || no "diff $src: main is unchanged: want white, got '$(fill main)'"
	# width: the mean of the two shares
	gw=$(sed -n 's/^<g><title>g (.*width="\([0-9.]*\)".*/\1/p' "$tmp/d.svg")
	awk -v w="$gw" 'BEGIN { e = (100 / 400 + 50 / 450) / 2 * 1180; exit !(w - e < 0.001 && e - w < 0.001) }' && ok ||
		no "diff $src: g's width $gw is not the mean of its shares"
	grep -q '<title>g (before 100 [a-z]*, 25.00%; after 50 [a-z]*, 11.11%; -13.89 points)</title>' "$tmp/d.svg" && ok ||
		no "diff $src: g's tooltip: $(grep -o '<title>g ([^<]*' "$tmp/d.svg")"
done

# --chart: for each thread alone, the stacks read back from the picture
# (boxes by their exact start and duration from the tooltips; between two
# consecutive box edges, the stack is the boxes over it by depth) are the
# runs of events2folded --ordered (record order, equal consecutive stacks
# merged); no gap with --gap 1000s.
chart_stacks() {
	awk '/^<g><title>/ {
		t = $0; sub(/^<g><title>/, "", t); sub(/<\/title>.*/, "", t)
		i = 0; for (j = 1; j <= length(t); j++) if (substr(t, j, 2) == " (") i = j
		name = substr(t, 1, i - 1); split(substr(t, i + 2), r, " ")
		st = r[4]; sub(/^\+/, "", st); sub(/\./, "", st); st += 0
		match($0, / y="[0-9.]+"/); y = substr($0, RSTART + 4, RLENGTH - 5) + 0
		n++; bs[n] = st; be[n] = st + r[1]; bn[n] = name; by[n] = y
		edge[st] = 1; edge[st + r[1]] = 1 }
	END { for (e in edge) print "E", e; for (i = 1; i <= n; i++) print "B", bs[i], be[i], by[i], bn[i] }' "$1" |
	sort -k1,1 -k2,2n | awk '$1 == "B" { n++; bs[n] = $2; be[n] = $3; by[n] = $4; bn[n] = $5; next }
		{ ne++; e[ne] = $2 }
		END { for (k = 1; k < ne; k++) { m = (e[k] + e[k + 1]) / 2; s = ""; split("", at)
			for (i = 1; i <= n; i++) if (bs[i] <= m && m < be[i]) at[by[i]] = bn[i]
			c = 0; for (y in at) ys[++c] = y + 0
			for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (ys[b] < ys[a]) { x = ys[a]; ys[a] = ys[b]; ys[b] = x }
			for (a = 1; a <= c; a++) s = s (a > 1 ? ";" : "") at[ys[a]]
			if (c && s != last) print s; last = s } }'
}
tids=$(awk -F'\t' '$1 == "S" { print $4 }' "$tmp/fp.ev" | sort -u)
for t in $tids; do
	awk -F'\t' -v t="$t" '$1 != "S" || $4 == t' "$tmp/fp.ev" >"$tmp/t.ev"
	"$bin/events2svg" --chart --gap 1000s --minwidth 0 "$tmp/t.ev" >"$tmp/c.svg" 2>/dev/null
	xmllint --noout "$tmp/c.svg" && ok || no "chart tid $t: not well-formed"
	"$bin/events2folded" -o -n --no-inlined "$tmp/t.ev" 2>/dev/null | sed 's/ [0-9]*$//' | uniq >"$tmp/want"
	chart_stacks "$tmp/c.svg" >"$tmp/got"
	if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
		no "chart tid $t: $(wc -l <"$tmp/got") stacks in time order, events2folded -o has $(wc -l <"$tmp/want")"
		diff "$tmp/want" "$tmp/got" | head -n 6
	fi
done
# gaps: samples 1 ms apart, then 50 ms of nothing, then more: two boxes
awk -v m="$magic" 'BEGIN { print m; for (i = 0; i < 10; i++) printf "S\t%.3f\t1\t1\t0\tw\tcycles\t1\tmain;f\n", 1 + i / 1000
	for (i = 0; i < 10; i++) printf "S\t%.3f\t1\t1\t0\tw\tcycles\t1\tmain;f\n", 1.059 + i / 1000 }' >"$tmp/gap.ev"
"$bin/events2svg" --chart "$tmp/gap.ev" >"$tmp/c.svg"
[ "$(grep -c '<title>main (10000000 ns at ' "$tmp/c.svg")" = 2 ] && grep -q '<title>main (10000000 ns at +0.059000000 s' "$tmp/c.svg" && ok ||
	no "chart gap: want two 10 ms runs of main, 59 ms apart: $(grep -o '<title>main[^<]*' "$tmp/c.svg" | tr '\n' ' ')"
"$bin/events2svg" --chart --gap 100ms "$tmp/gap.ev" >"$tmp/c.svg"
[ "$(grep -c '<title>main (69000000 ns at +0.000000000 s' "$tmp/c.svg")" = 1 ] && ok || no "chart --gap 100ms: want one run of main"
# spans: exact times, nesting by depth; one lane per thread, named
"$bin/events2svg" --chart "$tmp/spans.ev" >"$tmp/c.svg"
for want in 'main (2000000000 ns at +0.000000000 s' 'parse (300000000 ns at +0.100000000 s' 'run (1000000000 ns at +0.500000000 s'; do
	grep -q "<title>$want" "$tmp/c.svg" && ok || no "chart spans: no '$want'"
done
grep -q '<text class="lane" x="10" y="[0-9]*">srv (1/1)</text>' "$tmp/c.svg" && ok || no "chart spans: no lane label 'srv (1/1)'"
"$bin/events2svg" --chart -e cpu-clock "$tmp/multi.ev" >"$tmp/multi-chart.svg" 2>/dev/null
xmllint --noout "$tmp/multi-chart.svg" && ok || no "chart multi: not well-formed"
lanes=$(grep -c 'class="lane"' "$tmp/multi-chart.svg")
[ "$lanes" -ge 3 ] && ok || no "chart multi: $lanes lanes"
rsvg-convert -o "$shots/multi-chart-rsvg.png" "$tmp/multi-chart.svg" && ok || no "chart multi: rsvg-convert failed"
"$bin/events2svg" --chart "$tmp/empty.ev" >"$tmp/c.svg" && xmllint --noout "$tmp/c.svg" && grep -q 'no samples' "$tmp/c.svg" && ok || no "chart: empty stream"
"$bin/events2svg" --chart "$tmp/deep.ev" >"$tmp/c.svg" && xmllint --noout "$tmp/c.svg" && grep -q '<title>f9999 (' "$tmp/c.svg" && ok || no "chart: 10k-deep stack"

"$bin/events2svg" --diff "$tmp/one.ev" >"$tmp/o" 2>"$tmp/err"; st=$?
[ $st = 0 ] && grep -q "one event only ('cycles')" "$tmp/err" && xmllint --noout "$tmp/o" && ok ||
	no "diff of a one-event stream: status $st, want 0 and a warning: $(cat "$tmp/err")"

# a wrong kind of input; a write error
"$bin/events2svg" "$here/data/perf/fp.perf" >"$tmp/o" 2>"$tmp/err"; st=$?
[ $st = 1 ] && [ ! -s "$tmp/o" ] && grep -q perf2events "$tmp/err" && ok || no "perf script input: status $st, want 1, no output, a message naming perf2events"
"$bin/events2svg" "$tmp/fp.ev" >/dev/full 2>"$tmp/err"; st=$?
[ $st = 1 ] && grep -q stdout "$tmp/err" && ok || no ">/dev/full: status $st, want 1 and a message naming stdout"
"$bin/events2svg" -e a -e b "$tmp/fp.ev" >/dev/null 2>&1; st=$?
[ $st = 2 ] && ok || no "two events without --diff: status $st, want 2"

# in Chromium
browser_dir=$here/browser
. "$browser_dir/setup.sh"
if [ "$browser_ok" = 1 ]; then
	"$bin/events2folded" --no-inlined "$tmp/fp.ev" >"$tmp/fp.folded"
	# the share of samples with a frame matching hash_block
	want=$(awk '{ w = $NF; t += w; if ($0 ~ /hash_block/) m += w } END { printf "%.2f", 100 * m / t }' "$tmp/fp.folded")
	if nice node "$browser_dir/svg.js" "$shots" "$tmp/fp.svg" worker_entry hash_block "$want" >"$tmp/log" 2>&1; then ok; else no "chromium: fp.svg"; fi
	sed 's/^/  /' "$tmp/log"
	"$bin/events2svg" --icicle -t -e cpu-clock "$tmp/multi.ev" >"$tmp/multi-icicle.svg" 2>/dev/null
	"$bin/events2folded" --no-inlined -t -e cpu-clock "$tmp/multi.ev" >"$tmp/multi.folded" 2>/dev/null
	want=$(awk '{ w = $NF; t += w; if ($0 ~ /asn1_/) m += w } END { printf "%.2f", 100 * m / t }' "$tmp/multi.folded")
	if nice node "$browser_dir/svg.js" "$shots" "$tmp/multi-icicle.svg" node::Start asn1_ "$want" >"$tmp/log" 2>&1; then ok; else no "chromium: multi-icicle.svg"; fi
	sed 's/^/  /' "$tmp/log"
	want=$(awk '{ w = $NF; t += w; if ($0 ~ /asn1_/) m += w } END { printf "%.2f", 100 * m / t }' "$tmp/multi.folded")
	if nice node "$browser_dir/svg.js" "$shots" "$tmp/multi-chart.svg" node::Start asn1_ - >"$tmp/log" 2>&1; then ok; else no "chromium: multi-chart.svg"; fi
	sed 's/^/  /' "$tmp/log"
elif [ "${CI:-}" = true ]; then
	no "browser: $why (CI=true: this is a failure)"
else
	echo "events2svg: browser part skipped: $why"
fi

echo "events2svg: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
