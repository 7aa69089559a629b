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
#   bench_report LABEL BYTES
#                           after bench_once: one line of BYTES in, wall
#                           and CPU MiB/s, CPU seconds and peak RSS
#   bench_best3 LABEL CMD...
#                           run CMD three times ($bench_runs times if set), stdout to $bench_out
#                           (default /dev/null): best (wall seconds of the
#                           fastest run), bcpu (its user + sys) and brss
#                           (its peak RSS, KiB); best and bcpu at least 0.01.
#                           With bench_by=cpu the fastest run is the one of
#                           least CPU seconds (for a shared machine)
#   bench_floor FILE        the floor: `cat FILE | cat`, best of 3, measured
#                           now (in the same run as what it is compared
#                           with) and printed; sets floor_bytes, floor_s;
#                           nothing again for the same, unchanged FILE
#   bench_line LABEL BYTES [EXTRA]
#                           after bench_once or bench_best3: the line every
#                           bench prints for BYTES in: wall seconds and
#                           MiB/s, that speed as a ratio to the last
#                           bench_floor's, CPU seconds (user + sys) and
#                           MiB/s per CPU second, peak RSS, and EXTRA
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
	best=$(echo "scale=3; $ns / 1000000000" | bc) bcpu=$cpu brss=$rss
}

bench_report() {
	bench_line "$1" "$2"
}

bench_line() {
	_label=$1 _bytes=$2
	shift 2
	awk -v l="$_label" -v b="$_bytes" -v s="$best" -v cpu="$bcpu" -v rss="$brss" \
		-v fb="${floor_bytes:-0}" -v fs="${floor_s:-0}" -v x="$*" 'BEGIN {
		if (s <= 0) s = 0.001
		r = fs > 0 && fb > 0 ? sprintf("%5.2f", b / s / (fb / fs)) : "    -"
		if (cpu <= 0) cpu = 0.01
		printf "%-40s %7.1f MiB %7.2f s %7.1f MiB/s %s of cat|cat  CPU %6.2f s %7.1f MiB/s  peak RSS %6.1f MiB%s\n",
			l, b / 1048576, s, b / 1048576 / s, r, cpu, b / 1048576 / cpu, rss / 1024, x == "" ? "" : "  " x }'
}

bench_floor() {
	[ "$1" = "${floor_file:-}" ] && [ "$(wc -c <"$1")" = "$floor_bytes" ] && return 0
	_bo=${bench_out:-} _by=${bench_by:-}
	bench_out=/dev/null bench_by=wall
	bench_best3 "cat | cat" sh -c "cat '$1' | cat"
	bench_out=$_bo bench_by=$_by
	floor_bytes=$(wc -c <"$1") floor_s=$best floor_file=$1
	bench_line "cat | cat (floor)" "$floor_bytes"
}

bench_best3() {
	_label=$1
	shift
	best= bcpu=
	for _i in $(seq "${bench_runs:-3}"); do
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >"${bench_out:-/dev/null}" 2>"$tmp/err" ||
			bench_failed "$_label"
		bench_fields $(tail -n 1 "$tmp/t")
		_cpu=$(echo "$_f2 + $_f3" | bc)
		if [ "${bench_by:-wall}" = cpu ]; then _faster="$_cpu < $bcpu"; else _faster="$_f1 < $best"; fi
		if [ -z "$best" ] || [ "$(echo "$_faster" | bc)" = 1 ]; then
			best=$_f1 bcpu=$_cpu brss=$_f4
		fi
	done
	[ "$(echo "$best == 0" | bc)" = 1 ] && best=0.01
	[ "$(echo "$bcpu == 0" | bc)" = 1 ] && bcpu=0.01
	return 0
}
