# tests/lib/sandwich.sh - what speedscope's Sandwich table should show,
# from folded stacks (sourced by tests/check.d/speedscope-browser.sh and
# events2trace.sh; tests/browser/view.js compares). Needs $tmp.
#   totals             folded stacks on stdin -> "name TAB total TAB self"
#   mark EVENTS TSV    mark in TSV the names that are ambiguous in EVENTS

# Per-function totals of folded stacks: "name TAB total TAB self"; a
# function counts once per stack (recursion), self goes to the leaf.
totals() {
	awk '{ w = $NF; s = substr($0, 1, length($0) - length(w) - 1)
	       n = split(s, f, ";"); split("", seen)
	       for (i = 1; i <= n; i++) if (!(f[i] in seen)) { seen[f[i]] = 1; tot[f[i]] += w }
	       self[f[n]] += w }
	     END { for (k in tot) printf "%s\t%.0f\t%.0f\n", k, tot[k], self[k] }'
}

# Names shared by frames of different files or lines in an events stream
# (speedscope shows a Sandwich row each, folded stacks sum them): their
# expected totals become "ambiguous" and view.js skips them.
ambiguous() {
	awk -F'\t' '$1 ~ /^[SOC]$/ { n = split($9, f, ";")
		for (i = 1; i <= n; i++) { k = f[i]; sub(/`(kernel|jit|inlined|unknown|idle|addr=[^`]*)/, "", k)
			name = k; sub(/`.*/, "", name); if (!((name, k) in seen)) { seen[name, k] = 1; c[name]++ } } }
		END { for (x in c) if (c[x] > 1) print x }' "$1"
}
mark() { # mark EVENTS TSV: rewrite TSV with the ambiguous names marked
	ambiguous "$1" >"$tmp/amb"
	awk -F'\t' -v OFS='\t' 'NR == FNR { a[$0] = 1; next } ($1 in a) { $2 = "ambiguous" } 1' "$tmp/amb" "$2" >"$2.m" &&
		mv "$2.m" "$2"
}
