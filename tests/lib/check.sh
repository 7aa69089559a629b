# tests/lib/check.sh - the frame every tests/check.d/NAME.sh shares
# (sourced, POSIX sh):
#
#	set -u
#	. "$(dirname "$0")/../lib/check.sh"
#	check_init NAME "$@"
#	... ok / no WHY (or bad WHY) per assertion ...
#	check_done		# the last line: the script's exit status
#
# check_init NAME BINDIR sets check=NAME, bin (BINDIR, absolute; a usage
# error without it), root (the repository), corpus ($FLAMEPIPE_CORPUS or
# tests/data/corpus), LC_ALL=C (exported), tmp (a new scratch directory,
# removed at exit) and pass=0 fail=0.
# ok: one check passed; no WHY (bad WHY, the same): one failed, "FAIL WHY"
# printed. refused, check_needs: see below. check_done prints "NAME: P passed, F failed" and returns 0 when
# none failed.

check_init() {
	check=$1
	bin=$(cd "${2:?usage: $1.sh BINDIR}" && pwd) || exit 2
	root=$(cd "$(dirname "$0")/../.." && pwd)
	corpus=${FLAMEPIPE_CORPUS:-$root/tests/data/corpus}
	LC_ALL=C
	export LC_ALL
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-$1.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM
	pass=0 fail=0
}

ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL $*"; }
bad() { no "$@"; }

# refused FILTER NAME TEXT PATTERN: FILTER refuses the input TEXT (printf
# %b) as another format: exit 1, nothing on stdout, PATTERN on stderr.
refused() {
	printf '%b' "$3" >"$tmp/other"
	"$bin/$1" "$tmp/other" >"$tmp/out" 2>"$tmp/err"
	_st=$?
	if [ $_st = 1 ] && [ ! -s "$tmp/out" ] && grep -q "$4" "$tmp/err"; then ok; else
		no "$2: status $_st, $(wc -c <"$tmp/out") bytes out: $(cat "$tmp/err")"
	fi
}

# check_needs OK WHY: OK is not 1 when a tool the check needs is missing
# (WHY says which): under CI=true that is a failure and the script exits
# 1; otherwise returns 1 and the caller skips what needs it.
check_needs() {
	[ "$1" = 1 ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "$check: $2 (CI=true: this is a failure)"
		echo "$check: 0 passed, 1 failed"
		exit 1
	fi
	return 1
}

check_done() {
	echo "$check: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
