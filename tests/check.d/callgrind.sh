#!/bin/sh
# callgrind2events on real callgrind output: tests/data/callgrind/prog.c is
# compiled (-O2 -g -pthread) and run under valgrind --tool=callgrind with
# several option sets; for each output:
#  - conservation: every function's self cost, summed over the stacks that
#    end in it (keyed file:function, the leaf's file= attribute), equals
#    callgrind_annotate --inclusive=no exactly (context and recursion
#    suffixes f'g, f'2 folded into f on both sides);
#  - the total of the S records equals the file's summary: (and totals:);
#  - pid, tid and comm come from pid:, thread: and cmd:;
#  - the stacks of the program's own functions (from main or thread_main
#    down) are real call chains of prog.c; with --separate-callers they are
#    (x;shared;rd and y;shared;wr only), without it the call graph cannot
#    tell and the inferred x;shared;wr appears, marked #stacks inferred;
#  - the inlined mix() of prog-inline.h is the leaf hot with that file=.
# Skipped (0 passed) only when valgrind is missing and CI is not set.
# usage: callgrind.sh BINDIR
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
src=$here/data/callgrind
pass=0 fail=0
LC_ALL=C
export LC_ALL
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL callgrind: $*"; }

if ! command -v valgrind >/dev/null 2>&1 || ! command -v callgrind_annotate >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		echo "FAIL callgrind: valgrind (callgrind_annotate) is not installed"
		echo "callgrind: 0 passed, 1 failed"
		exit 1
	fi
	echo "callgrind: valgrind is not installed: skipped"
	echo "callgrind: 0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-callgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! ${CC:-cc} -O2 -g -pthread -o "$tmp/prog" "$src/prog.c" 2>"$tmp/cc.err"; then
	no "prog.c does not compile: $(head -n 3 "$tmp/cc.err")"
	echo "callgrind: $pass passed, $fail failed"
	exit 1
fi

# callgrind_annotate's self cost per file:function, contexts folded
annotate() {
	# (run in $tmp: callgrind_annotate prints paths under its cwd relative)
	(cd "$tmp" && callgrind_annotate --inclusive=no --threshold=100 --show-percs=no --auto=no "$1" 2>/dev/null) |
		awk '/^-+$/ { dash++; next }
		dash >= 5 && /^ *[0-9,]+  / {
			n = $1; gsub(/,/, "", n); line = $0
			sub(/^ *[0-9,]+  /, "", line); sub(/ \[[^]]*\]$/, "", line)
			i = index(line, ":"); file = substr(line, 1, i - 1); fn = substr(line, i + 1)
			# f'"'"'g'"'"'h, f'"'"'2: the function is the first part (when no part is empty)
			if (fn ~ /'"'"'/ && fn !~ /^'"'"'|'"'"''"'"'|'"'"'$/) sub(/'"'"'.*/, "", fn)
			s[file ":" fn] += n
		}
		END { for (k in s) if (s[k]) print k " " s[k] }' | sort
}

# ours: the S weights per leaf file:function
leaves() {
	awk -F'\t' '$1 == "S" {
		n = split($9, f, ";"); k = split(f[n], a, "`"); file = ""
		for (i = 2; i <= k; i++) if (a[i] ~ /^file=/) file = substr(a[i], 6)
		s[file ":" a[1]] += $8
	}
	END { for (k in s) print k " " s[k] }' "$@" | sort
}

# the stacks of prog.c's functions, from main or thread_main down, weights summed
prog_stacks() {
	"$bin/events2folded" "$@" | awk '{
		w = $NF; st = $0; sub(/ [^ ]*$/, "", st)
		n = split(st, f, ";"); start = 0
		for (i = 1; i <= n; i++) { sub(/\.(constprop|isra|part|cold)\.[0-9]+$/, "", f[i]) }
		for (i = 1; i <= n; i++) if (f[i] == "main" || f[i] == "thread_main") { start = i; break }
		leaf = f[n]
		mine = leaf ~ /^(x|y|shared|rd|wr|work|fact|even|odd|hot|main|thread_main)$/
		if (!start) { if (mine) print "NO-ROOT " st " " w; next }
		out = f[start]; foreign = 0
		for (i = start + 1; i <= n; i++) {
			if (f[i] !~ /^(x|y|shared|rd|wr|work|fact|even|odd|hot)$/) foreign = 1
			out = out ";" f[i]
		}
		if (!foreign) s[out] += w
	}
	END { for (k in s) print k " " s[k] }' | sort
}

# the real call chains of prog.c
real_chain() {
	grep -Ev '^(main|thread_main)(;x(;shared(;rd(;work)?)?)?)? [0-9]+$' |
	grep -Ev '^main(;y(;shared(;wr(;work)?)?)?)? [0-9]+$' |
	grep -Ev '^main(;fact)+(;work)? [0-9]+$' |
	grep -Ev '^main(;even;odd)*(;even)?(;work)? [0-9]+$' |
	grep -Ev '^main;hot [0-9]+$'
}

real_chains() {	# NAME: every stack of $tmp/NAME.stacks is one the program makes
	if real_chain <"$tmp/$1.stacks" | grep -q .; then
		no "$1: stacks the program does not make:"
		real_chain <"$tmp/$1.stacks" | head -n 5
	else ok; fi
}

run() {	# NAME OPTIONS...: run prog under callgrind into $tmp/NAME/
	name=$1; shift
	mkdir -p "$tmp/$name"
	(cd "$tmp/$name" && valgrind --tool=callgrind "$@" "$tmp/prog" >/dev/null 2>"$tmp/$name.vg") ||
		no "$name: valgrind failed: $(tail -n 3 "$tmp/$name.vg")"
}

check() {	# NAME: conservation, totals, identity, chains
	name=$1
	# --separate-threads=yes leaves an empty callgrind.out.PID (tested below)
	files=$(find "$tmp/$name" -name 'callgrind.out.*' -size +0 | sort)
	if [ -z "$files" ]; then
		no "$name: no callgrind output"
		return
	fi
	# shellcheck disable=SC2086
	if ! "$bin/callgrind2events" $files >"$tmp/$name.ev" 2>"$tmp/$name.err" || [ -s "$tmp/$name.err" ]; then
		no "$name: callgrind2events failed or complained: $(head -n 3 "$tmp/$name.err")"
		return
	fi
	for f in $files; do
		annotate "$f" >"$tmp/theirs"
		tid=$(sed -n 's/^thread: *//p' "$f" | head -n 1)
		awk -F'\t' -v t="${tid:--}" '$1 != "S" || $4 == t' "$tmp/$name.ev" | leaves >"$tmp/ours"
		if [ -s "$tmp/theirs" ] && cmp -s "$tmp/theirs" "$tmp/ours"; then ok; else
			no "$name $(basename "$f"): self costs per function differ from callgrind_annotate"
			diff "$tmp/theirs" "$tmp/ours" | head -n 10
		fi
		want=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f" | head -n 1)
		got=$(awk -F'\t' -v t="${tid:--}" '$1 == "S" && $4 == t { s += $8 } END { printf "%d", s }' "$tmp/$name.ev")
		[ -n "$want" ] && [ "$want" = "$got" ] && ok || no "$name $(basename "$f"): total $got, summary: $want"
		tot=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f" | head -n 1)
		[ -z "$tot" ] || [ "$tot" = "$got" ] && ok || no "$name $(basename "$f"): total $got, totals: $tot"
		pid=$(sed -n 's/^pid: *//p' "$f" | head -n 1)
		bad=$(awk -F'\t' -v p="$pid" -v t="${tid:--}" '$1 == "S" && $4 == t && ($3 != p || $6 != "prog" || $2 != "-" || $5 != "-")' \
			"$tmp/$name.ev" | head -n 1)
		[ -z "$bad" ] && ok || no "$name: S record with wrong pid/tid/comm: $bad"
	done
	prog_stacks "$tmp/$name.ev" >"$tmp/$name.stacks"
	grep -q '^main;hot ' "$tmp/$name.stacks" && grep -q '^thread_main;x;shared;rd;work ' "$tmp/$name.stacks" &&
		grep -q '^main;fact;fact' "$tmp/$name.stacks" && grep -q '^main;even;odd' "$tmp/$name.stacks" &&
		ok || no "$name: the program's stacks are missing: $(head -n 5 "$tmp/$name.stacks")"
	grep -q '^NO-ROOT' "$tmp/$name.stacks" && no "$name: stacks of prog.c without main: $(grep -m 3 NO-ROOT "$tmp/$name.stacks")" || ok
	# the inlined code of prog-inline.h
	grep -q 'hot[^;	]*`file=[^;	]*prog-inline\.h$' "$tmp/$name.ev" && ok ||
		no "$name: no leaf hot with file=prog-inline.h"
}

# an independent reading of a callgrind file: self cost per file:line
# (name compression, fi/fe, subposition compression of the line column,
# calls= cost lines and the positions-only line after jump=/jcnd= left out)
awk_lines() {
	awk '/^positions:/ { np = 0; lc = 1; for (i = 2; i <= NF; i++) { np++; if ($i == "line") lc = np } next }
	/^(fl|fi|fe|cfi|cfl|jfi)=/ { v = substr($0, index($0, "=") + 1)
		if (match(v, /^\([0-9]+\)/)) { id = substr(v, 2, RLENGTH - 2); rest = substr(v, RLENGTH + 1); sub(/^ +/, "", rest)
			if (rest != "") f[id] = rest; v = f[id] }
		if ($0 ~ /^f/) cur = v
		next }
	/^calls=/ { skip = 1; next }
	/^(jump|jcnd)=/ { skip = 1; next }
	/^([0-9]|\+|-|\*)/ {
		if (!np) np = 1
		if (!lc) lc = 1
		t = $lc
		if (t == "*") line = last
		else if (t ~ /^\+/) line = last + substr(t, 2)
		else if (t ~ /^-/) line = last - substr(t, 2)
		else line = t
		last = line
		if (skip) { skip = 0; next }
		s[cur ":" (line ? line : "")] += $(np + 1)
	}
	END { for (k in s) if (s[k]) print k " " s[k] }' "$1" | sort
}

# ours with --lines: the S weights per leaf file:line
line_leaves() {
	awk -F'\t' '$1 == "S" {
		n = split($9, f, ";"); k = split(f[n], a, "`"); file = ""; line = ""
		for (i = 2; i <= k; i++) { if (a[i] ~ /^file=/) file = substr(a[i], 6); if (a[i] ~ /^line=/) line = substr(a[i], 6) }
		s[file ":" line] += $8
	}
	END { for (k in s) print k " " s[k] }' "$@" | sort
}

check_lines() {	# NAME: --lines keeps the self cost of every source line
	name=$1
	for f in $(find "$tmp/$name" -name 'callgrind.out.*' -size +0 | sort); do
		awk_lines "$f" >"$tmp/theirs"
		"$bin/callgrind2events" --lines "$f" 2>/dev/null | line_leaves >"$tmp/ours"
		if [ -s "$tmp/theirs" ] && cmp -s "$tmp/theirs" "$tmp/ours"; then ok; else
			no "$name $(basename "$f") --lines: self costs per source line differ from an awk reading"
			diff "$tmp/theirs" "$tmp/ours" | head -n 10
		fi
	done
}

run_checked() {	# NAME OPTIONS...: run, then check and check_lines NAME
	run "$@"
	check "$1"
	check_lines "$1"
}

run_checked plain
# without caller contexts, shared's callees are split like its average
grep -q '^#stacks inferred$' "$tmp/plain.ev" && ok || no "plain: no #stacks inferred header"
grep -q '^main;x;shared;wr;work ' "$tmp/plain.stacks" && ok ||
	no "plain: the inferred (invented) main;x;shared;wr;work is missing"

run_checked callers --separate-callers=3
real_chains callers
# the exact weights: shared from x (2 callers: main, thread_main) reads only
grep -q ';x;shared;wr' "$tmp/callers.stacks" && no "callers: x;shared;wr invented" || ok
grep -q ';y;shared;rd' "$tmp/callers.stacks" && no "callers: y;shared;rd invented" || ok

run_checked recs --separate-recs=4 --separate-callers=2
real_chains recs
# levels f'2 f'3 are frames of their own: deeper recursion is visible
grep -q '^main;fact;fact;fact' "$tmp/recs.stacks" && ok || no "recs: no fact;fact;fact stack"

run_checked threads --separate-threads=yes --separate-callers=3
n=$(awk -F'\t' '$1 == "S" { t[$4] = 1 } END { n = 0; for (k in t) n++; print n }' "$tmp/threads.ev")
[ "$n" -ge 2 ] && ok || no "threads: $n thread ids, expected 2 or more"
tm=$(awk -F'\t' '$1 == "S" && $9 ~ /(^|;)thread_main[`;]/ { print $4 }' "$tmp/threads.ev" | sort -u)
mn=$(awk -F'\t' '$1 == "S" && $9 ~ /(^|;)main`.*;hot/ { print $4 }' "$tmp/threads.ev" | sort -u)
[ -n "$tm" ] && [ -n "$mn" ] && [ "$tm" != "$mn" ] && [ "$(echo "$tm" | wc -l)" = 1 ] && ok ||
	no "threads: thread_main in tid '$tm', main in tid '$mn'"
# all the files of the run at once, the empty one too: a warning, status 0
if "$bin/callgrind2events" "$tmp"/threads/callgrind.out.* >/dev/null 2>"$tmp/err" &&
	grep -q 'empty file' "$tmp/err"; then ok; else no "threads: the empty callgrind.out.PID: $(cat "$tmp/err")"; fi

run_checked instr --dump-instr=yes --collect-jumps=yes
grep -q '^positions: *instr line' "$tmp"/instr/callgrind.out.* && grep -q '^jcnd=' "$tmp"/instr/callgrind.out.* &&
	ok || no "instr: no positions: instr line or no jcnd= lines to test"

run_checked nocompress --compress-strings=no --compress-pos=no
grep -q '^fn=([0-9]' "$tmp"/nocompress/callgrind.out.* && no "nocompress: names still compressed" || ok

# gzip and zstd input: the same stream as the plain file
f=$(ls "$tmp"/plain/callgrind.out.* | head -n 1)
gzip -c "$f" >"$tmp/cg.gz"
"$bin/callgrind2events" "$f" | grep -v '^#input' >"$tmp/a"
"$bin/callgrind2events" "$tmp/cg.gz" | grep -v '^#input' >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || no "gzip input differs"
if command -v zstd >/dev/null 2>&1; then
	zstd -q -c "$f" >"$tmp/cg.zst"
	"$bin/callgrind2events" "$tmp/cg.zst" | grep -v '^#input' >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" && ok || no "zstd input differs"
fi

echo "callgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
