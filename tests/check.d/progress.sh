#!/bin/sh
# progress.sh - the progress line of long runs (common/progress.h)
#
# usage: progress.sh BINDIR
# Runs the filters under a pseudo-terminal (script(1) from bsdutils /
# util-linux) with FLAMEPIPE_PROGRESS_AFTER=0 (no 2 s delay) and checks:
#   every filter draws the line on a terminal ("\rPROG: FILE: N MiB ...")
#     and erases it at the end ("\r" ESC "[K" last), its stdout unchanged;
#   percent and ETA for a regular file, none for a pipe;
#   a warning erases the line first, so it starts a line of its own;
#   nothing on stderr when it is a file; -q and --quiet turn it off;
#   without FLAMEPIPE_PROGRESS_AFTER a short run shows nothing (2 s delay).
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init progress "$@"

if ! script -qec true /dev/null >/dev/null 2>&1; then
	echo "NOTE script(1) missing (bsdutils): nothing tested"
	echo "progress: 0 passed, 0 failed"
	exit 0
fi

# tty CMD: run the shell command CMD with stdin, stdout and stderr on a
# pseudo-terminal; what the terminal showed goes to $tmp/tty
tty() {
	script -qec "$1" /dev/null </dev/null >"$tmp/tty" 2>&1
}
# erased: the terminal output ends with "\r" ESC "[K"
erased() {
	[ "$(tail -c 4 "$tmp/tty" | od -An -c | tr -d ' ')" = '\r033[K' ]
}
# drawn PROG: a progress line of PROG was drawn
drawn() {
	tr '\r' '\n' <"$tmp/tty" | grep -q "^$1: .*MiB.*MiB/s"
}

# inputs
"$bin/perf2events" "$root/tests/data/perf/fp.perf" >"$tmp/in.events" 2>/dev/null
cp "$root/tests/data/perf/fp.perf" "$tmp/in.perf"
cp "$root/tests/data/wrongkind/trace.json" "$tmp/in.trace"
cp "$root/tests/data/wrongkind/profile.cpuprofile" "$tmp/in.cpuprofile"
cp "$root/tests/data/wrongkind/otlp.json" "$tmp/in.spans"
cp "$root/tests/data/pprof/heap.pprof" "$tmp/in.pprof"
cp "$root/tests/data/corpus/nflxprofile/nodejs1.nflxprofile" "$tmp/in.nflxprofile"

FLAMEPIPE_PROGRESS_AFTER=0
export FLAMEPIPE_PROGRESS_AFTER
for exe in "$bin"/*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	f=$(basename "$exe")
	args=
	case $f in
	perf2events | toevents) in=$tmp/in.perf ;;
	trace2events) in=$tmp/in.trace ;;
	cpuprofile2events) in=$tmp/in.cpuprofile ;;
	spans2events) in=$tmp/in.spans ;;
	pprof2events) in=$tmp/in.pprof ;;
	nflxprofile2events) in=$tmp/in.nflxprofile ;;
	timeslice) in=$tmp/in.events args="- -" ;;
	events2* | eventsort | heatmap | eventmerge) in=$tmp/in.events ;;
	eventdiff) in=$tmp/in.events args=$tmp/in.events ;;
	*) echo "NOTE $f: no known input, not tested"; continue ;;
	esac
	# shellcheck disable=SC2086
	"$exe" $args "$in" >"$tmp/want" 2>"$tmp/err"
	tty "\"$exe\" $args \"$in\" >\"$tmp/out\""
	{ drawn "$f" && erased && cmp -s "$tmp/out" "$tmp/want"; } && ok ||
		no "$f: on a terminal: want a progress line, erased at the end, the same stdout: $(od -c "$tmp/tty" | head -n 4)"
	tty "\"$exe\" -q $args \"$in\" >/dev/null"
	[ ! -s "$tmp/tty" ] && ok || no "$f -q: want nothing on the terminal: $(od -c "$tmp/tty" | head -n 4)"
	tty "\"$exe\" --quiet $args \"$in\" >/dev/null"
	[ ! -s "$tmp/tty" ] && ok || no "$f --quiet: want nothing on the terminal"
	tty "\"$exe\" $args \"$in\" >/dev/null 2>\"$tmp/errfile\""
	cmp -s "$tmp/errfile" "$tmp/err" && ok || no "$f: stderr to a file: want only the messages of a normal run: $(od -c "$tmp/errfile" | head -n 4)"
done

# percent and ETA for a regular file, none for a pipe
tty "\"$bin/perf2events\" \"$tmp/in.perf\" >/dev/null"
tr '\r' '\n' <"$tmp/tty" | grep -q '^perf2events: .* MiB of .* MiB ([0-9]*%), .* MiB/s, ETA [0-9]*:[0-9][0-9]' && ok ||
	no "a regular file: want 'N MiB of N MiB (P%), R MiB/s, ETA M:SS': $(od -c "$tmp/tty" | head -n 4)"
tty "cat \"$tmp/in.perf\" | \"$bin/perf2events\" >/dev/null"
{ drawn perf2events && ! grep -q '%' "$tmp/tty" && erased; } && ok ||
	no "a pipe: want 'N MiB, R MiB/s' without percent: $(od -c "$tmp/tty" | head -n 4)"
# compressed: percent of the compressed bytes
gzip -c "$tmp/in.perf" >"$tmp/in.perf.gz"
tty "\"$bin/perf2events\" \"$tmp/in.perf.gz\" >/dev/null"
{ tr '\r' '\n' <"$tmp/tty" | grep -q '^perf2events: .* MiB of .* MiB ([0-9]*%)' && erased; } && ok ||
	no "a gzip file: want a percent: $(od -c "$tmp/tty" | head -n 4)"

# a warning erases the line first: it starts on a line of its own
{ cat "$tmp/in.perf"; echo 'not perf script'; cat "$tmp/in.perf"; } >"$tmp/warn.perf"
tty "\"$bin/perf2events\" \"$tmp/warn.perf\" >/dev/null"
# (the terminal line holding it is empty before it or ends with the erase)
{ grep -q 'unrecognized line' "$tmp/tty" &&
	awk -v esc="$(printf '\033')" '/unrecognized line/ {
		sub(/\r$/, "")
		if (!match($0, "perf2events: [^" esc "]*unrecognized line$")) bad = 1
		pre = substr($0, 1, RSTART - 1)
		if (pre != "" && substr(pre, length(pre) - 2) != esc "[K") bad = 1
	} END { exit bad }' "$tmp/tty"; } && ok ||
	no "a warning: want the line erased before it: $(od -c "$tmp/tty" | head -n 8)"

# the 2 s delay: a short run shows nothing
unset FLAMEPIPE_PROGRESS_AFTER
tty "\"$bin/perf2events\" \"$tmp/in.perf\" >/dev/null"
[ ! -s "$tmp/tty" ] && ok || no "a short run without FLAMEPIPE_PROGRESS_AFTER: want nothing: $(od -c "$tmp/tty" | head -n 4)"
# a slow input: the line shows after 2 s
mkfifo "$tmp/fifo"
tty "( cat \"$tmp/in.perf\"; sleep 3; cat \"$tmp/in.perf\" ) >\"$tmp/fifo\" & \"$bin/perf2events\" \"$tmp/fifo\" >/dev/null; wait"
{ drawn perf2events && erased; } && ok || no "a slow input: want the line after 2 s: $(od -c "$tmp/tty" | head -n 4)"

check_done
