#!/bin/sh
# valgrind.sh - valgrind memcheck on a subset: each filter once on a small input
#
# usage: valgrind.sh BINDIR
# Every filter of BINDIR whose input type tests/fault/inputs knows (see
# faults.sh) runs once under `valgrind --error-exitcode=99` on a small
# valid input; any memcheck error fails. Skipped (visibly) when valgrind is
# missing or the filters are built with ASan. Leaks are not checked:
# filters free nothing at exit on purpose.
set -u
bin=$(cd "${1:?usage: valgrind.sh BINDIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${FLAMEPIPE_CORPUS:-$root/tests/data/corpus}
table=$root/tests/fault/inputs
LC_ALL=C
export LC_ALL
pass=0 fail=0
if ! command -v valgrind >/dev/null 2>&1; then
	echo "NOTE valgrind: not installed (Debian package valgrind), skipped"
	echo "valgrind: 0 passed, 0 failed"
	exit 0
fi
if nm "$bin/perf2events" 2>/dev/null | grep -q __asan_init; then
	echo "NOTE valgrind: filters built with ASan, skipped"
	echo "valgrind: 0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
head -n 400 "$root/tests/data/perf/fp.perf" >"$tmp/perf"
"$bin/perf2events" "$tmp/perf" >"$tmp/events" 2>/dev/null
cp "$corpus/trace-event/multiprocess.json" "$tmp/trace" 2>/dev/null
cp "$corpus/cpuprofile/chrome-65/simple.cpuprofile" "$tmp/cpuprofile" 2>/dev/null
cp "$root/tests/data/spans/otlp.json" "$tmp/spans" 2>/dev/null
cp "$root/tests/data/pprof/labels.pprof" "$tmp/pprof" 2>/dev/null
cp "$corpus/nflxprofile/nodejs1.nflxprofile" "$tmp/nflxprofile" 2>/dev/null
for exe in "$bin"/*; do
	[ -x "$exe" ] || continue
	f=$(basename "$exe")
	line=$(awk -v f="$f" '$1 == "filter" && $2 == f' "$table")
	kind=$(echo "$line" | awk '{ print $3 }')
	args=$(echo "$line" | awk '{ for (i = 5; i <= NF; i++) printf "%s ", $i }')
	if [ -z "$kind" ] || [ ! -e "$tmp/$kind" ]; then
		echo "NOTE valgrind: $f: no known input, skipped"
		continue
	fi
	# shellcheck disable=SC2086
	valgrind -q --error-exitcode=99 --leak-check=no "$exe" $args "$tmp/$kind" >/dev/null 2>"$tmp/err"
	st=$?
	if [ $st = 99 ] || grep -q '^==[0-9]*==' "$tmp/err"; then
		fail=$((fail + 1))
		echo "FAIL valgrind: $f"
		grep '^==' "$tmp/err" | head -n 20
	else
		pass=$((pass + 1))
	fi
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
