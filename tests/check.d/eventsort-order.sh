#!/bin/sh
# eventsort-order.sh - eventsort's output equals a reference ordering made
# without any window (docs/ordering.md §1, §2).
#
# eventsort.sh compares eventsort's window with its sort(1) path, but both
# make a D span's close the same way (a heap of the open spans' closes,
# §2.1), so it cannot see a close written at the wrong place. Here the
# reference is computed from the rules of §2 alone, in awk and sort(1):
# every timed record and both ends of every D span get a text key (time;
# closes, opens, the rest; D closes, the later start first, then the
# larger ORDER, then C by depth, deepest first; O by depth, shallowest
# first, then D opens, the later end first, then the smaller ORDER; the
# input position last), one `sort -s` orders them, and a second awk nests the
# spans per thread (a stack; a close ends the latest open span of its start
# and ORDER, closing the spans above it and opening them again at once one
# level up without it; a zero-length D is an instant on the stack).
#
# Inputs: random streams made by awk with fixed seeds: several threads,
# nested and overlapping (improperly nested) D spans, equal starts and
# ends, zero-length spans, negative times, spans repeated exactly, in
# other threads and ORDERs repeated, O/C/S/I records at the spans' times, untimed and unknown
# records and headers, in nearly sorted (by end, as trace2events writes)
# or shuffled order. Each goes through eventsort with windows of 0 (sort(1)
# only), 1, 512, 4096 bytes and the default (FLAMEPIPE_EVENTSORT_WINDOW);
# stdout must equal the reference byte for byte and the status be 0.
# usage: eventsort-order.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init eventsort-order "$@"

# gen SEED MODE: a random stream on stdout. MODE: near (records about in
# the order of their end), shuffle (any order), dense (a tiny time range:
# many equal times).
gen() {
	awk -v seed="$1" -v mode="$2" '
	function ft(ns,  a, s) {	# ns to TIME text, nine decimals
		s = ns < 0 ? "-" : ""
		a = ns < 0 ? -ns : ns
		return s sprintf("%.0f", int(a / 1e9)) "." sprintf("%09.0f", a % 1e9)
	}
	function tick(  ) { return (int(rand() * range) - 3) * 1000 }
	function thr(  r) {
		r = int(rand() * 4)
		return r == 3 ? "2\t1" : "1\t" (r + 1)
	}
	function frame(  r) {
		r = int(rand() * 9)
		return r == 0 ? "x;y" : "f" r
	}
	function emit(pos, line) { out[nout] = pos; txt[nout++] = line }
	function dspan(th, a, b,  line, o) {
		o = ord++
		if (rand() < 0.05 && lastord != "") o = lastord	# an ORDER twice
		lastord = o
		line = "D\t" ft(a) "\t" th "\t" (rand() < 0.5 ? "-" : int(rand() * 4)) "\tw\t" \
			(rand() < 0.5 ? "span" : "cat") "\t" (b - a) "\t" frame() "\t" o
		emit(b, line)
		if (rand() < 0.05)
			emit(b, line)	# the same span twice
		if (rand() < 0.1) {	# the same times and ORDER in another thread
			sub(/^D\t[^\t]*\t[^\t]*\t[^\t]*/, "D\t" ft(a) "\t" thr(), line)
			emit(b + 1000 * int(rand() * 3), line)
		}
	}
	function nested(th, lo, hi, d,  k, a, b, r) {
		for (k = int(rand() * 4); k > 0; k--) {
			r = rand()
			a = r < 0.2 ? lo : lo + int(rand() * (hi - lo + 1000) / 1000) * 1000
			if (a > hi) a = hi
			r = rand()
			b = r < 0.2 ? hi : r < 0.3 ? a : a + int(rand() * (hi - a + 1000) / 1000) * 1000
			if (b > hi) b = hi
			dspan(th, a, b)
			if (d < 4 && b > a)
				nested(th, a, b, d + 1)
		}
	}
	BEGIN {
		srand(seed)
		range = mode == "dense" ? 12 : 200
		ord = 0; lastord = ""
		for (i = 0; i < 12; i++) {
			th = thr()
			a = tick(); b = a + int(rand() * range / 2) * 1000
			dspan(th, a, b)
			nested(th, a, b, 1)
		}
		for (i = 0; i < 15; i++) {	# overlapping spans: improper nesting
			a = tick(); b = a + int(rand() * range / 3) * 1000
			dspan(thr(), a, b)
		}
		for (i = 0; i < 40; i++) {
			t = tick(); r = int(rand() * 10); th = thr()
			if (r < 3)
				emit(t, "S\t" ft(t) "\t" th "\t-\tw\tcycles\t" (1 + int(rand() * 9)) "\tmain;" frame())
			else if (r < 5) {
				s = "m"
				for (k = int(rand() * 3); k > 0; k--) s = s ";" frame()
				emit(t, (r == 3 ? "O" : "C") "\t" ft(t) "\t" th "\t-\tw\tspan\t-\t" s)
			} else if (r < 6)
				emit(t, "I\t" ft(t) "\t" th "\t-\tw\tmark\t-\tmain;" frame())
			else if (r < 7 && t >= 0) {	# a TIME of fewer decimals
				f = sprintf("%09.0f", t)
				sub(/0+$/, "", f)
				emit(t, "S\t0." (f == "" ? "0" : f) "\t" th "\t-\tw\tcycles\t1\tshort")
			}
			else if (r < 8)
				emit(t, "T\t-\t" th "\tname" i)
			else if (r < 9)
				emit(t, "#header " i)
			else
				emit(t, rand() < 0.5 ? "Z\tunknown " i : "E\t-\tcycles\tperiod")
		}
		emit(0, "#order unsorted")
		emit(50000, "#flamepipe-events 1")
		print "#flamepipe-events 1"
		for (i = 0; i < nout; i++) {
			if (mode == "shuffle") p = rand()
			else p = out[i] + int(rand() * 5) * 1000
			printf "%.0f\t%s\n", mode == "shuffle" ? p * 1e9 : p + 1e9, txt[i]
		}
	}' | sort -s -t '	' -k1,1n | cut -f2-
}

# ref IN: the reference output (docs/ordering.md §2, no window)
ref() {
	echo "#flamepipe-events 1"
	echo "#order sorted"
	awk 'NR > 1 && /^#/ && !/^#flamepipe-events / && !/^#order /' "$1"
	awk -F '	' 'NR > 1 && !/^#/ && ($2 == "-" || $1 !~ /^[SOCIDTPE]$/)' "$1"
	awk -F '	' '
	function ns(s,  neg, p, fr) {	# TIME text to nanoseconds
		neg = substr(s, 1, 1) == "-"
		if (neg) s = substr(s, 2)
		p = index(s, ".")
		if (p == 0) { fr = 0 } else {
			fr = substr(s substr("000000000", 1, 9), p + 1, 9) + 0
			s = substr(s, 1, p - 1)
		}
		return (neg ? -1 : 1) * (s * 1e9 + fr)
	}
	function depth(s,  n) { return s == "" ? 0 : gsub(/;/, ";", s) + 1 }
	function key(t, cls, sub1, a, b) {
		return sprintf("%016.0f%d%d%016.0f%016.0f%010d", t + OFF, cls, sub1, a, b, NR)
	}
	BEGIN { OFF = 1e12; BIG = 9e15 }
	NR == 1 || /^#/ || $2 == "-" || $1 !~ /^[SOCIDTPE]$/ { next }
	$1 == "D" {
		t = ns($2); e = t + $8
		rest = $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7
		if ($8 == 0) { print key(t, 2, 0, 0, 0) "\tz\t" t "\t" rest "\t" $9; next }
		print key(t, 1, 1, BIG - (e + OFF), $10) "\to\t" t "\t" rest "\t" $9 "\t" $10
		print key(e, 0, 0, BIG - (t + OFF), BIG - $10) "\tc\t" e "\t" $3 "\t" $4 "\t" t "\t" $10
		next
	}
	$1 == "C" { print key(ns($2), 0, 1, BIG - depth($9), 0) "\tr\t" $0; next }
	$1 == "O" { print key(ns($2), 1, 0, depth($9), 0) "\tr\t" $0; next }
	{ print key(ns($2), 2, 0, 0, 0) "\tr\t" $0 }
	' "$1" | sort -s -t '	' -k1,1 | awk -F '	' '
	function ft(ns,  a, s) {
		s = ns < 0 ? "-" : ""
		a = ns < 0 ? -ns : ns
		return s sprintf("%.0f", int(a / 1e9)) "." sprintf("%09.0f", a % 1e9)
	}
	function stack(th, k,  s, i) {
		s = ""
		for (i = 1; i <= k; i++) s = s (i > 1 ? ";" : "") fr[th, i]
		return s
	}
	function push(th, t, head, frame, start, o,  k) {
		k = ++n[th]
		fr[th, k] = frame; hd[th, k] = head; st[th, k] = start; od[th, k] = o
		print "O\t" ft(t) "\t" th "\t" head "\t-\t" stack(th, k)
	}
	function shut(th, t, start, o,  i, k, m) {
		for (i = n[th]; i >= 1; i--)
			if (st[th, i] == start && od[th, i] == o) break
		if (i < 1) return
		for (k = n[th]; k >= i; k--)
			print "C\t" ft(t) "\t" th "\t" hd[th, k] "\t-\t" stack(th, k)
		m = 0
		for (k = i + 1; k <= n[th]; k++) {
			mf[++m] = fr[th, k]; mh[m] = hd[th, k]; ms[m] = st[th, k]; mo[m] = od[th, k]
		}
		n[th] = i - 1
		for (k = 1; k <= m; k++) push(th, t, mh[k], mf[k], ms[k], mo[k])
	}
	$2 == "r" { print substr($0, length($1) + 4); next }
	$2 == "o" { push($4 "\t" $5, $3, $6 "\t" $7 "\t" $8, $9, $3, $10); next }
	$2 == "c" { shut($4 "\t" $5, $3, $6, $7); next }
	$2 == "z" {
		th = $4 "\t" $5; s = stack(th, n[th])
		print "I\t" ft($3) "\t" th "\t" $6 "\t" $7 "\t" $8 "\t-\t" s (s == "" ? "" : ";") $9
	}'
}

mkdir "$tmp/t"
cases=0
for seed in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do
	case $((seed % 3)) in
	0) mode=near ;;
	1) mode=shuffle ;;
	*) mode=dense ;;
	esac
	gen "$seed" "$mode" >"$tmp/in.events"
	ref "$tmp/in.events" >"$tmp/ref"
	for w in 0 1 512 4096 default; do
		cases=$((cases + 1))
		if [ "$w" = default ]; then
			"$bin/eventsort" "$tmp/in.events" >"$tmp/out" 2>"$tmp/err"
		else
			FLAMEPIPE_EVENTSORT_WINDOW=$w TMPDIR="$tmp/t" "$bin/eventsort" "$tmp/in.events" >"$tmp/out" 2>"$tmp/err"
		fi
		st=$?
		if [ $st = 0 ] && cmp -s "$tmp/out" "$tmp/ref"; then ok; else
			no "seed $seed ($mode), window $w: status $st, output differs from the reference"
			diff "$tmp/ref" "$tmp/out" | head -6
			[ -n "${KEEP:-}" ] && cp "$tmp/in.events" "$KEEP.$seed.events"
		fi
	done
done
# the inputs exercise what they are meant to: D spans split, closes at the
# times of other records
[ "$(grep -c '^D' "$tmp/in.events")" -ge 50 ] && ok || no "too few D records generated"
[ "$cases" -ge 90 ] && ok || no "only $cases cases"

check_done
