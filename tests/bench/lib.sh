# tests/bench/lib.sh - what the bench-*.sh scripts share: the scratch
# directory and the timing of a command. Sourced; each script prints its
# own figures from the variables set here:
#
#	set -u
#	. "$(dirname "$0")/lib.sh"
#	bench_init NAME "$@"
#
#   bench_init NAME BINDIR  bin=BINDIR (absolute; a usage error without
#                           it), here=tests/bench, tmp=a new scratch
#                           directory, removed at exit
#   bench_once LABEL IN CMD...
#                           run CMD once, stdin from IN, its stdout counted:
#                           ns (wall, at least 1), outbytes, rss (peak KiB),
#                           cpu (user + sys seconds)
#   bench_best3 LABEL CMD...
#                           run CMD three times, stdout to $bench_out
#                           (default /dev/null): best (wall seconds of the
#                           fastest run), bcpu (its user + sys) and brss
#                           (its peak RSS, KiB); best and bcpu at least 0.01
# A command that fails prints "LABEL: failed" and its stderr.

bench_init() {
	bin=$(cd "${2:?usage: bench-$1.sh BINDIR}" && pwd) || exit 2
	here=$(cd "$(dirname "$0")" && pwd)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-bench-$1.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM
}

bench_failed() {	# LABEL: say so, with the command's messages
	echo "$1: failed"
	cat "$tmp/err"
}

bench_fields() {	# the fields of /usr/bin/time's last line (the first says
	_f1=$1 _f2=$2 _f3=$3 _f4=${4:-}	# "Command exited with non-zero status N" on failure)
}

bench_once() {
	_label=$1 _in=$2
	shift 2
	rm -f "$tmp/failed"
	_start=$(date +%s%N)
	{ /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$@" <"$_in" 2>"$tmp/err" ||
		: >"$tmp/failed"; } | wc -c >"$tmp/outbytes"
	_end=$(date +%s%N)
	ns=$((_end - _start))
	[ "$ns" -gt 0 ] || ns=1
	[ ! -e "$tmp/failed" ] || bench_failed "$_label"
	read -r outbytes <"$tmp/outbytes"
	bench_fields $(tail -n 1 "$tmp/rss")
	rss=$_f1 cpu=$(echo "$_f2 + $_f3" | bc)
}

bench_best3() {
	_label=$1
	shift
	best=
	for _i in 1 2 3; do
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >"${bench_out:-/dev/null}" 2>"$tmp/err" ||
			bench_failed "$_label"
		bench_fields $(tail -n 1 "$tmp/t")
		if [ -z "$best" ] || [ "$(echo "$_f1 < $best" | bc)" = 1 ]; then
			best=$_f1 bcpu=$(echo "$_f2 + $_f3" | bc) brss=$_f4
		fi
	done
	[ "$(echo "$best == 0" | bc)" = 1 ] && best=0.01
	[ "$(echo "$bcpu == 0" | bc)" = 1 ] && bcpu=0.01
	return 0
}
