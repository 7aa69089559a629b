#!/bin/sh
# events2html: the page is right, not only well-formed.
#  - the data is one JSON document in <script type="application/json">
#    that parses (node), with no < > & in it (so no "</script>" can end
#    it), names with < > & " ' read back exactly, invalid UTF-8 as U+FFFD;
#    the title escaped; no external resource (no src=, href=, url( ...);
#  - edge cases: empty stream, empty input, one sample, a 10 000-deep
#    stack, names with < > & " ' and invalid UTF-8;
#  - a wrong kind of input and a write error;
#  - in headless Chromium (tests/browser/html.js, playwright-core): each
#    selection's flame graph equals the output of the timeslice command
#    the page shows, run in a shell (all; a drag across columns; a cell;
#    two clicks; a thread; a process), the heat map's cells equal heatmap
#    -l's, search and zoom work, no network request; screenshots in
#    BINDIR/../events2html-browser/.
# usage: events2html.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init events2html "$@"
shots=$(cd "$bin/.." && pwd)/events2html-browser
magic='#flamepipe-events 1'

# json FILE.html: the data of the page, parsed and written back by node
json() {
	sed -n 's/^<script type="application\/json" id="fp-data">\(.*\)<\/script>$/\1/p' "$1" >"$tmp/data.json"
	node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(JSON.stringify(d))' "$tmp/data.json"
}
# page NAME EVENTS [OPTIONS]: events2html works and the page is sound
page() {
	name=$1 ev=$2; shift 2
	"$bin/events2html" "$@" "$ev" >"$tmp/$name.html" 2>"$tmp/err" || { no "$name: events2html failed: $(cat "$tmp/err")"; return 1; }
	[ "$(grep -c '<script' "$tmp/$name.html")" = 2 ] && [ "$(grep -c '</script>' "$tmp/$name.html")" = 2 ] && ok ||
		no "$name: want exactly the data and the viewer script"
	! grep -v 'createElementNS' "$tmp/$name.html" | grep -Eq '(src|href)=|url\(|@import|https?:' && ok || no "$name: a reference to something outside the page"
	d=$(sed -n 's/^<script type="application\/json" id="fp-data">\(.*\)<\/script>$/\1/p' "$tmp/$name.html")
	case $d in *'<'* | *'>'* | *'&'*) no "$name: < > & in the JSON" ;; '') no "$name: no data" ;; *) ok ;; esac
	json "$tmp/$name.html" >"$tmp/$name.json" && ok || no "$name: the data is not JSON"
}

"$bin/perf2events" "$root/tests/data/perf/fp.perf" >"$tmp/fp.ev" 2>/dev/null
"$bin/perf2events" "$root/tests/data/perf/multi.perf.zst" >"$tmp/multi.ev" 2>/dev/null
# four seconds, two processes, three threads, stacks that change with time
awk -v m="$magic" 'BEGIN { print m
	for (i = 0; i < 4000; i++) {
		t = 100 + i * 0.001 + (i % 7) * 0.0001; th = i % 3; pid = th < 2 ? 10 : 20; tid = pid + th
		comm = th < 2 ? "server" : "batch"; s = "main;" (th == 2 ? "crunch" : "serve")
		if (int(i / 500) % 2) s = s ";parse;lex"; else s = s ";render"
		if (i % 5 == 0) s = s ";write_[k]"
		printf "S\t%.4f\t%d\t%d\t%d\t%s\tcpu-clock\t%d\t%s\n", t, pid, tid, i % 2, comm, 1000 + i % 3, s
	} }' >"$tmp/gen.ev"
sed -i 's/write_\[k\]/write`k/' "$tmp/gen.ev"
printf '%s\n' "$magic" >"$tmp/empty.ev"
: >"$tmp/zero.ev"
printf '%s\nS\t1.5\t1\t1\t0\tone\tcycles\t7\tmain;f\n' "$magic" >"$tmp/one.ev"
awk -v m="$magic" 'BEGIN { print m; s = "f0"; for (i = 1; i < 10000; i++) s = s ";f" i; print "S\t1.0\t1\t1\t0\tdeep\tcycles\t3\t" s }' >"$tmp/deep.ev"
printf '%s\nS\t1.0\t1\t1\t0\tn<a>&"me'"'"'\tcycles\t5\tmain;a<b>&c"d'"'"'e;bad\377\376\200x\300\257y\355\240\200z;caf\303\251;</script><!--x\n' "$magic" >"$tmp/names.ev"
printf 'S\t2.1\t1\t1\t0\tn<a>&"me'"'"'\tcycles\t3\tmain;a<b>&c"d'"'"'e\n' >>"$tmp/names.ev"

for c in fp multi gen empty zero one deep names; do page "$c" "$tmp/$c.ev"; done
# the data
# frames are folded as events2folded's (quotes dropped), the comm is as it is
grep -q '"names":\[[^]]*"n<a>&\\"me'"'"'","main","a<b>&cde"' "$tmp/names.json" && ok || no "names: <>&\"' do not read back"
grep -q "$(printf '"bad\357\277\275\357\277\275\357\277\275x\357\277\275\357\277\275y\357\277\275\357\277\275\357\277\275z"')" "$tmp/names.json" && ok ||
	no "names: invalid UTF-8 not replaced by U+FFFD byte for byte"
grep -q '"</script><!--x"' "$tmp/names.json" && ok || no "names: a frame named </script><!-- does not read back"
grep -q '"threads":\[\["1","1","n<a>&\\"me'"'"'"\]\]' "$tmp/names.json" && ok || no "names: the thread's name"
"$bin/events2html" --title 'a<b>&"c'"'" "$tmp/one.ev" | grep -q "<title>a&lt;b&gt;&amp;&quot;c&#39;</title>" && ok || no "the title is not escaped"
grep -q '"ncols":0' "$tmp/empty.json" && grep -q '"cells":\[\]' "$tmp/empty.json" && ok || no "empty: want no columns, no cells"
grep -q '"cells":\[0,25,0,3,7,1\]' "$tmp/one.json" && ok || no "one: want one cell (column 0, bucket 25), weight 7"
[ "$(grep -o '"nodes":\[[^]]*\]' "$tmp/deep.json" | tr ',' '\n' | wc -l)" = $(( (10002) * 4 )) ] && ok || no "deep: want 10 002 frames"
# the same cells as heatmap, the same totals as events2folded
for c in fp gen; do
	node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		let n = 0, w = 0; for (let i = 0; i < d.cells.length; i += 6) { n += d.cells[i + 5]; w += d.cells[i + 4]; }
		console.log(n, w)' "$tmp/$c.json" >"$tmp/nw"
	want="$("$bin/heatmap" -j "$tmp/$c.ev" 2>/dev/null | sed 's/.*"total":\([0-9]*\).*/\1/') $("$bin/timeslice" --no-idle - - "$tmp/$c.ev" | "$bin/events2folded" | awk '{ s += $NF } END { print s }')"
	[ "$(cat "$tmp/nw")" = "$want" ] && ok || no "$c: samples and weight $(cat "$tmp/nw"), want $want (heatmap, events2folded)"
done
# faults
refused events2html "perf script" 'perf 1 [000] 1.0: 1 cycles:\n\tffff main (/bin/x)\n' 'looks like perf script text.*perf2events'
"$bin/events2html" "$tmp/gen.ev" >/dev/full 2>"$tmp/err"; st=$?
[ $st = 1 ] && grep -q 'events2html: ' "$tmp/err" && ok || no "write error: status $st: $(cat "$tmp/err")"
printf '%s\nS\t-\t1\t1\t0\tx\tcycles\t1\tmain\n' "$magic" >"$tmp/untimed.ev"
"$bin/events2html" "$tmp/untimed.ev" >"$tmp/u.html" 2>"$tmp/err"; st=$?
[ $st = 0 ] && grep -q 'untimed.ev:2: sample without a time' "$tmp/err" && ok || no "untimed: status $st: $(cat "$tmp/err")"

# in the browser
browser_dir=$root/tests/browser
. "$browser_dir/setup.sh"
if check_needs "$browser_ok" "$why"; then
	mkdir -p "$shots"
	for c in fp multi gen one deep names empty; do
		if node "$browser_dir/html.js" "$shots" "$bin" "$tmp/$c.html" "$tmp/$c.ev" >"$tmp/b.out" 2>&1; then ok; else
			no "chromium: $c.html"
			grep -v '^ok ' "$tmp/b.out" | head -n 12
		fi
	done
fi
check_done
