#!/bin/sh
# pprof-go.sh - pprof2events on real Go profiles, against Google's pprof
#
# usage: pprof-go.sh BINDIR
# Needs Debian's golang-go and golang-github-google-pprof-dev (make
# test-deps), both used offline (GO111MODULE=off): it builds
# tests/data/pprof/prog.go, runs it to write a fresh CPU profile (with
# pprof.Do labels) and a heap profile, and builds the pprof command from
# the Debian sources as the oracle. Without them it skips, but under
# CI=true their absence is a failure. For each fresh profile, the committed
# ones (tests/data/pprof/*.pprof) and the corpus' simple.prof, and for each
# sample type:
#  - conservation: the sum of the type's values over `pprof -raw`'s
#    samples equals the sum of our S weights of that event;
#  - flat totals: per function, `pprof -top` (every node, exact units)
#    equals the weights of our samples whose leaf frame is that function.
#    pprof names an unsymbolized location by its mapping, "[libc.so.6]";
#    we keep its address as the frame name (0x7f0000012345`dso=...), so
#    the comparison maps ours to pprof's name; pprof marks inlined
#    functions " (inline)", we with the `inlined kind;
#  - stacks: per whole stack (root to leaf, inlined frames marked), the
#    values of `pprof -traces` equal our weights (label frames left out:
#    pprof prints labels apart; zero values left out: we write none).
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init pprof-go "$@"
done_() { check_done; exit; }

src=/usr/share/gocode/src/github.com/google/pprof
if ! command -v go >/dev/null 2>&1 || [ ! -d "$src" ]; then
	if [ "${CI:-}" = true ]; then
		no "go or $src missing (make test-deps installs golang-go golang-github-google-pprof-dev)"
	else
		echo "pprof-go: skipped (no go or no pprof sources: make test-deps)"
	fi
	done_
fi
export GO111MODULE=off GOFLAGS= GOPATH="/usr/share/gocode:$tmp/gopath"
[ -n "${HOME:-}" ] || export GOCACHE="$tmp/gocache"
if go build -o "$tmp/pprof" github.com/google/pprof 2>"$tmp/build.err"; then ok; else
	cat "$tmp/build.err"; no "cannot build pprof from $src"; done_
fi
(cd "$root/tests/data/pprof" && go build -o "$tmp/prog" prog.go) 2>"$tmp/build.err" && ok ||
	{ cat "$tmp/build.err"; no "cannot build prog.go"; done_; }
"$tmp/prog" cpu "$tmp/fresh-cpu.pprof" 2>/dev/null && "$tmp/prog" heap "$tmp/fresh-heap.pprof" 2>/dev/null &&
	ok || no "prog.go did not write its profiles"

# the sample types of a profile, "INDEX TYPE UNIT" (from pprof -raw's header)
types() {
	"$tmp/pprof" -raw "$1" 2>/dev/null | awk '/^Samples:/ { getline; for (i = 1; i <= NF; i++) {
		t = $i; sub(/\[dflt\]$/, "", t); split(t, a, "/"); print i, a[1], a[2] } exit }'
}
# sum of column I of pprof -raw's samples
raw_sum() {
	"$tmp/pprof" -raw "$1" 2>/dev/null | awk -v i="$2" '
		/^Samples:/ { s = 1; getline; next } /^Locations/ { s = 0 }
		s && /:/ { split($0, a, ":"); n = split(a[1], v, " "); if (n >= i) t += v[i] }
		END { printf "%.0f\n", t }'
}
# pprof's flat value per function, "NAME VALUE" sorted, zero ones left out
pprof_flat() {
	uopt=
	case $3 in nanoseconds) uopt=-unit=ns ;; bytes) uopt=-unit=B ;; esac
	"$tmp/pprof" -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 \
		-sample_index="$2" $uopt "$1" 2>/dev/null | awk '
		f && $1 != "0" { v = $1; sub(/[a-zA-Z]+$/, "", v)
			name = $0; sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +/, "", name)
			sub(/ \(inline\)$/, "", name); print name "\t" v }
		/^ *flat  *flat%/ { f = 1 }' | sort
}
# ours: the weights of EVENT per leaf function
our_flat() {
	awk -F'\t' -v ev="$2" '$1 == "S" && $7 == ev {
		n = split($9, fr, ";"); split(fr[n], a, "`"); name = a[1]
		if (name ~ /^0x[0-9a-f]+$/) for (k = 2; k in a; k++) if (a[k] ~ /^dso=/) {
			d = substr(a[k], 5); sub(/.*\//, "", d); name = "[" d "]" }
		gsub(/\\x3b/, ";", name); w[name] += $8 }
		END { for (k in w) printf "%s\t%.0f\n", k, w[k] }' "$1" | sort
}

# pprof -traces: "VALUE<TAB>root|...|leaf" per sample, values summed per stack
pprof_traces() {
	uopt=
	case $3 in nanoseconds) uopt=-unit=ns ;; bytes) uopt=-unit=B ;; esac
	"$tmp/pprof" -traces -sample_index="$2" $uopt "$1" 2>/dev/null | awk '
		function flush() { if (n && v != "0") { s = f[n]; for (k = n - 1; k >= 1; k--) s = s "|" f[k]; w[s] += v } n = 0 }
		/^-----------\+/ { flush(); next }
		/^             [^ ]/ { sub(/^ +/, ""); f[++n] = $0; next }
		/^ *-?[0-9]+[a-zA-Z]*   [^ ]/ { flush(); v = $1; sub(/[a-zA-Z]+$/, "", v)
			sub(/^ *[^ ]+   /, ""); f[++n] = $0; next }
		END { flush(); for (k in w) printf "%s\t%.0f\n", k, w[k] }' | sort
}
# ours, the same way
our_traces() {
	awk -F'\t' -v ev="$2" '$1 == "S" && $7 == ev {
		n = split($9, fr, ";"); s = ""
		for (i = 1; i <= n; i++) {
			m = split(fr[i], a, "`"); name = a[1]; inl = 0; lab = 0
			for (k = 2; k <= m; k++) { if (a[k] == "inlined") inl = 1; if (a[k] == "label") lab = 1 }
			if (lab) continue
			if (name ~ /^0x[0-9a-f]+$/) for (k = 2; k <= m; k++) if (a[k] ~ /^dso=/) {
				d = substr(a[k], 5); sub(/.*\//, "", d); name = "[" d "]" }
			gsub(/\\x3b/, ";", name)
			s = s (s == "" ? "" : "|") name (inl ? " (inline)" : "")
		}
		w[s] += $8 }
		END { for (k in w) printf "%s\t%.0f\n", k, w[k] }' "$1" | sort
}

for f in "$tmp"/fresh-cpu.pprof "$tmp"/fresh-heap.pprof "$root"/tests/data/pprof/*.pprof \
	"$corpus"/pprof/simple.prof; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	"$bin/pprof2events" "$f" >"$tmp/ev" 2>"$tmp/err" || { no "$b: pprof2events failed"; cat "$tmp/err"; continue; }
	types "$f" >"$tmp/types"
	[ -s "$tmp/types" ] && ok || no "$b: pprof -raw shows no sample types"
	while read -r i t u; do
		want=$(raw_sum "$f" "$i")
		got=$(awk -F'\t' -v ev="$t" '$1 == "S" && $7 == ev { s += $8 } END { printf "%.0f\n", s }' "$tmp/ev")
		[ "$want" = "$got" ] && ok || no "$b: $t: pprof -raw sums to $want, our weights to $got"
		pprof_flat "$f" "$t" "$u" >"$tmp/want"
		our_flat "$tmp/ev" "$t" >"$tmp/got"
		if cmp -s "$tmp/want" "$tmp/got"; then ok; else
			no "$b: $t: flat per function differs from pprof -top (< pprof, > ours)"
			diff "$tmp/want" "$tmp/got" | head -n 10
		fi
		pprof_traces "$f" "$t" "$u" >"$tmp/want"
		our_traces "$tmp/ev" "$t" >"$tmp/got"
		if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
			no "$b: $t: stacks differ from pprof -traces (< pprof, > ours)"
			diff "$tmp/want" "$tmp/got" | head -n 10
		fi
	done <"$tmp/types"
done
# the fresh CPU profile has the pprof.Do labels as root frames
grep -q 'worker=alpha`label' "$tmp/ev" 2>/dev/null ||
	"$bin/pprof2events" "$tmp/fresh-cpu.pprof" 2>/dev/null | grep -q 'worker=alpha`label' && ok ||
	no "fresh CPU profile: no worker=alpha label frame"
done_
