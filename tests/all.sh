#!/bin/sh
# all.sh - what `make test` and CI run: three parts, each in a build
# directory of its own, each run even when an earlier one failed.
#
#   suite   the test suite, built with -Werror            (build-test/)
#   asan    the same suite under ASan+UBSan, -Werror      (build-asan/)
#   fuzz    every libFuzzer target for FUZZ_SMOKE_SECONDS  (build-fuzz/)
#
# Each part's checks are counted (a part whose build fails counts as one
# failed check); the last line is the total, "N passed, N failed", and the
# exit status is non-zero when anything failed.
#
#   fresh   the README's first command on a fresh Debian 12 root
#           (tests/fresh-debian.sh; .ci/run adds it)
#
# usage: tests/all.sh [PART...]   (default: $FP_TEST_PARTS, else suite asan fuzz)
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
log=$(mktemp "${TMPDIR:-/tmp}/fp-all.XXXXXX")
trap 'rm -f "$log" "$log.status"' EXIT
trap 'exit 143' INT TERM	# a signal ends the run (the EXIT trap cleans up): no later part starts
total_pass=0 total_fail=0 summary=

# count PART STATUS: add the part's own "N passed, N failed" line to the totals
count() {
	p=$(sed -n 's/^[a-z-]*:* *\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^[a-z-]*:* *\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' "$log" | tail -n 1)
	p=${p:-0} f=${f:-0}
	if [ "$2" != 0 ] && [ "$f" = 0 ]; then
		f=1	# it failed without counting a failed check: the build, say
		echo "FAIL $1: exited with status $2 before counting a failure"
	fi
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f))
	summary="$summary$1: $p passed, $f failed (exit $2)
"
}

# run PART COMMAND...: run it, show its output, count it
run() {
	part=$1; shift
	echo "=== $part: $*"
	t0=$(date +%s)
	{ "$@" 2>&1; echo $? >"$log.status"; } | tee "$log"
	st=$(cat "$log.status")
	echo "=== $part: exit $st after $(($(date +%s) - t0)) s"
	count "$part" "$st"
}

parts=${*:-${FP_TEST_PARTS:-suite asan fuzz}}
for part in $parts; do
	case $part in
	suite) run suite $MAKE --no-print-directory BUILD=build-test CFLAGS=-Werror check ;;
	asan)  run asan $MAKE --no-print-directory CFLAGS=-Werror check-asan ;;
	fuzz)	# one "TARGET: status N, ..." line per target
		echo "=== fuzz: make fuzz-smoke"
		t0=$(date +%s)
		# the corpora are seeded with build-test's perf2events
		{ $MAKE --no-print-directory BUILD=build-test CFLAGS=-Werror fuzz-smoke 2>&1
		  echo $? >"$log.status"; } | tee "$log"
		st=$(cat "$log.status")
		p=$(grep -c '^[A-Za-z0-9_-]*: status 0,' "$log")
		f=$(grep -c '^[A-Za-z0-9_-]*: status [1-9][0-9]*,' "$log")
		echo "$p passed, $f failed" >>"$log"
		echo "=== fuzz: exit $st after $(($(date +%s) - t0)) s"
		count fuzz "$st"
		;;
	fresh) run fresh sh tests/fresh-debian.sh ;;
	*) echo "all.sh: unknown part '$part' (suite, asan, fuzz, fresh)" >&2; exit 2 ;;
	esac
done

echo
printf '%s' "$summary"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
