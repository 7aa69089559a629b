# tests/lib/spans.sh - checks of span streams shared by the span tests
# (sourced; POSIX sh and awk).

# Well-nestedness of an events stream; prints "ok" or the first problem.
nested() {
	awk -F'\t' '
	function later(a, b,   x, y) {	# is time a earlier than b?
		split(a, x, "."); split(b, y, ".")
		if (x[1] + 0 != y[1] + 0) return x[1] + 0 < y[1] + 0
		return x[2] < y[2]
	}
	$1 !~ /^[OCI]$/ { next }
	{ k = $3 "\t" $4
	  if (k in last && later($2, last[k])) { print "line " NR ": time goes back in " k; bad = 1; exit }
	  last[k] = $2 }
	$1 == "O" { d = n[k]
	  if (d > 0 && substr($9, 1, length(top[k, d]) + 1) != top[k, d] ";") {
		print "line " NR ": O does not extend the open stack " top[k, d]; bad = 1; exit }
	  n[k] = d + 1; top[k, d + 1] = $9 }
	$1 == "C" { d = n[k]
	  if (d == 0 || top[k, d] != $9) { print "line " NR ": C of a span that is not innermost"; bad = 1; exit }
	  n[k] = d - 1 }
	END { if (bad) exit; for (k in n) if (n[k]) { print "open at the end in " k; exit } print "ok" }'
}

# "stack duration" per span from O/C pairs (and I records, duration 0).
durations() {
	awk -F'\t' '
	$1 == "I" { print $9 " 0" }
	$1 == "O" { k = $3 "\t" $4; d = ++n[k]; st[k, d] = $2 }
	$1 == "C" { k = $3 "\t" $4; d = n[k]--
	  split(st[k, d], a, "."); split($2, b, ".")
	  printf "%s %d\n", $9, (b[1] - a[1]) * 1000000000 + (b[2] - a[2]) }' | sort
}
