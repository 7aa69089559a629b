# tests/lib/pprof.sh - Google's pprof as an oracle (sourced after
# tests/lib/check.sh): pprof-go.sh (pprof2events) and events2pprof.sh.
#
# pprof_build: builds the pprof command into $tmp/pprof from Debian's
# golang-github-google-pprof-dev sources, offline (GO111MODULE=off), and
# sets up GOPATH for other builds; returns 1 (having said why: skipped, or
# a failure under CI=true) when go or the sources are missing or the build
# fails. Then, for a profile FILE:
#   types FILE            "INDEX TYPE UNIT" per sample type (pprof -raw)
#   raw_sum FILE I        the sum of sample type I's values (pprof -raw)
#   pprof_flat FILE T U   "NAME<TAB>FLAT" per function (pprof -top, exact units)
#   pprof_traces FILE T U "root|...|leaf<TAB>VALUE" per stack (pprof -traces)
# and for an events stream, the same views of event EVENT:
#   our_flat EVENTS EVENT, our_traces EVENTS EVENT
# pprof runs with -symbolize=none: the answer never depends on the
# binaries of this machine.

pprof_build() {
	src=/usr/share/gocode/src/github.com/google/pprof
	if ! command -v go >/dev/null 2>&1 || [ ! -d "$src" ]; then
		if [ "${CI:-}" = true ]; then
			no "go or $src missing (make test-deps installs golang-go golang-github-google-pprof-dev)"
		else
			echo "$check: skipped (no go or no pprof sources: make test-deps)"
		fi
		return 1
	fi
	export GO111MODULE=off GOFLAGS= GOPATH="/usr/share/gocode:$tmp/gopath"
	[ -n "${HOME:-}" ] || export GOCACHE="$tmp/gocache"
	if go build -o "$tmp/pprof" github.com/google/pprof 2>"$tmp/build.err"; then ok; else
		cat "$tmp/build.err"; no "cannot build pprof from $src"; return 1
	fi
}

# the sample types of a profile, "INDEX TYPE UNIT" (from pprof -raw's header)
types() {
	"$tmp/pprof" -raw -symbolize=none "$1" 2>/dev/null | awk '/^Samples:/ { getline; for (i = 1; i <= NF; i++) {
		t = $i; sub(/\[dflt\]$/, "", t); split(t, a, "/"); print i, a[1], a[2] } exit }'
}
# sum of column I of pprof -raw's samples
raw_sum() {
	"$tmp/pprof" -raw -symbolize=none "$1" 2>/dev/null | awk -v i="$2" '
		/^Samples:/ { s = 1; getline; next } /^Locations/ { s = 0 }
		s && /:/ { split($0, a, ":"); n = split(a[1], v, " "); if (n >= i) t += v[i] }
		END { printf "%.0f\n", t }'
}
# pprof's flat value per function, "NAME VALUE" sorted, zero ones left out
pprof_flat() {
	uopt=
	case $3 in nanoseconds) uopt=-unit=ns ;; bytes) uopt=-unit=B ;; esac
	"$tmp/pprof" -top -symbolize=none -nodecount=1000000 -nodefraction=0 -edgefraction=0 \
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
	"$tmp/pprof" -traces -symbolize=none -sample_index="$2" $uopt "$1" 2>/dev/null | awk '
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

