#!/bin/sh
# flamepipe test runner.
#
# usage: tests/run.sh BINDIR                    run everything
#        tests/run.sh BINDIR FILTER/CASE...     run only these golden cases
#                                               (shell patterns: 'heatmap/*')
#        UPDATE=1 tests/run.sh BINDIR FILTER/CASE...
#                                               rewrite these cases' expected
#                                               outputs from the current build
# UPDATE=1 needs the cases named: a rewrite of every golden at once would
# hide the changes nobody meant to make.
#
# Golden tests are data: tests/golden/FILTER/CASE.* where
#   CASE.args  arguments for FILTER (one line, split by the shell), or
#   CASE.cmd   a shell command line instead (pipelines; FILTER names are on PATH)
#   CASE.in    standard input (default: empty)
#   CASE.out   expected standard output (always compared)
#   CASE.err   expected standard error (compared when the file exists)
#   CASE.exit  expected exit status (default 0)
# Commands run in tests/golden/FILTER, so CASE files can name each other.
#
# Then every tests/check.d/*.sh is run as `sh SCRIPT BINDIR`; each prints
# its own "N passed, N failed" line and exits non-zero on failure.
set -u
# No test writes a file near 2 GiB: a runaway writer (a filter that loops
# on its output) is stopped by SIGXFSZ and fails its check, before it can
# fill the disk under the rest of the run. POSIX counts 512-byte blocks.
ulimit -f 4194304 2>/dev/null || :
bin=$(cd "${1:?usage: run.sh BINDIR [FILTER/CASE...]}" && pwd)
shift
if [ "${UPDATE:-}" = 1 ] && [ $# = 0 ]; then
	echo "run.sh: UPDATE=1 rewrites only the cases named: run.sh BINDIR FILTER/CASE..." >&2
	exit 2
fi
# selected NAME: is NAME one of the cases named (all when none are)?
selected() {
	[ $# -gt 1 ] || return 0
	want=$1; shift
	for pat in "$@"; do
		# shellcheck disable=SC2254
		case $want in $pat) return 0 ;; esac
	done
	return 1
}
here=$(cd "$(dirname "$0")" && pwd)
PATH=$bin:$PATH
export PATH
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0

for dir in "$here"/golden/*/; do
	filter=$(basename "$dir")
	for spec in "$dir"*.args "$dir"*.cmd; do
		[ -e "$spec" ] || continue
		case=${spec%.*}
		name=$filter/$(basename "$case")
		selected "$name" "$@" || continue
		in=/dev/null
		[ -e "$case.in" ] && in=$case.in
		if [ "${spec##*.}" = cmd ]; then
			(cd "$dir" && sh -c "$(cat "$spec")") <"$in" >"$tmp/out" 2>"$tmp/err"
		else
			# shellcheck disable=SC2046
			(cd "$dir" && "$filter" $(cat "$spec")) <"$in" >"$tmp/out" 2>"$tmp/err"
		fi
		status=$?
		want_status=0
		[ -e "$case.exit" ] && want_status=$(cat "$case.exit")
		if [ "${UPDATE:-}" = 1 ]; then
			cp "$tmp/out" "$case.out"
			[ -e "$case.err" ] || [ -s "$tmp/err" ] && cp "$tmp/err" "$case.err"
			if [ "$status" != 0 ]; then echo "$status" >"$case.exit"; else rm -f "$case.exit"; fi
			continue
		fi
		ok=1
		cmp -s "$tmp/out" "$case.out" || { ok=0; echo "FAIL $name: stdout differs"; diff "$case.out" "$tmp/out" | head -n 10; }
		if [ -e "$case.err" ] && ! cmp -s "$tmp/err" "$case.err"; then
			ok=0; echo "FAIL $name: stderr differs"; diff "$case.err" "$tmp/err" | head -n 10
		fi
		if [ "$status" != "$want_status" ]; then
			ok=0; echo "FAIL $name: exit status $status, expected $want_status"; head -n 5 "$tmp/err"
		fi
		if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
	done
done
echo "golden: $pass passed, $fail failed"
[ "${UPDATE:-}" = 1 ] && exit 0
if [ $# -gt 0 ]; then
	[ $((pass + fail)) -gt 0 ] || { echo "run.sh: no golden case matches: $*" >&2; exit 2; }
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi

total_fail=$fail total_pass=$pass
for script in "$here"/check.d/*.sh; do
	[ -e "$script" ] || continue
	echo "== $(basename "$script")"
	if sh "$script" "$bin" >"$tmp/log" 2>&1; then
		r=pass
	else
		r=fail
	fi
	cat "$tmp/log"
	# each script reports "NAME: N passed, N failed"
	p=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' "$tmp/log" | tail -n 1)
	f=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' "$tmp/log" | tail -n 1)
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-0}))
	if [ $r = fail ] && [ "${f:-0}" = 0 ]; then
		echo "FAIL $(basename "$script") exited non-zero"
		total_fail=$((total_fail + 1))
	fi
done
echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
