# conserve.sh - conservation helpers for tests: nothing is lost in a pipeline
#
# Source it (". tests/lib/conserve.sh"); every function reads a file and
# prints one summary line per key, sorted, so two summaries compare with
# cmp/diff. Weights are summed with awk in double precision: exact up to
# 2^53, far above what the test inputs hold.
#
#   conserve_perf FILE        perf script text (plain, .gz, .zst), read
#                             independently of perf2events:
#                             "EVENT SAMPLES WEIGHT" per event (a header
#                             without a period weighs 1), from the sample
#                             headers (formats.md 1.4)
#   conserve_perf_other FILE  the number of lines that are neither blank,
#                             '#', a sample header nor a frame ("HEXIP ...")
#   conserve_events FILE      "EVENT RECORDS WEIGHT" of the S records of an
#                             events stream
#   conserve_folded FILE      the total of the counts of folded stacks
#   conserve_skipped FILE     the total of "N ... skipped" reports in a
#                             stderr capture (0 if none)
#   conserve_check NAME WANT GOT   compare two summaries, print a diff on
#                             failure; returns 0 when equal
# LC_ALL=C is expected.

conserve_cat() {
	case $1 in
	*.gz) gzip -dc "$1" ;;
	*.zst) zstd -dcq "$1" ;;
	*) cat "$1" ;;
	esac
}

# The awk classifier of perf script lines shared by the two perf functions.
conserve_perf_awk='
function header_event(s,    rest, tok, i) {
	# new headers: "... SECS.FRAC: [PERIOD] EVENT: ..." (6 or 9 decimals)
	if (match(s, /[ \t][0-9]+\.([0-9][0-9][0-9][0-9][0-9][0-9]|[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]):([ \t]|$)/)) {
		rest = substr(s, RSTART + RLENGTH)
		sub(/^[ \t]+/, "", rest)
		period = 1
		if (match(rest, /^[0-9]+([ \t]|$)/)) {
			period = substr(rest, 1, RLENGTH) + 0
			rest = substr(rest, RLENGTH + 1)
			sub(/^[ \t]+/, "", rest)
		}
		if (match(rest, /^[^ \t]*:([ \t]|$)/)) {
			tok = substr(rest, 1, RLENGTH)
			sub(/[ \t]$/, "", tok)
			return substr(tok, 1, length(tok) - 1)
		}
		return ""
	}
	# old headers: "COMM TID [CPU] EVENT:" at the end of the line
	if (s ~ /^[^ \t].*[ \t][^ \t]+:[ \t]*$/) {
		period = 1
		tok = s
		sub(/[ \t]+$/, "", tok)
		i = match(tok, /[^ \t]+$/)
		tok = substr(tok, i)
		return substr(tok, 1, length(tok) - 1)
	}
	return "\001"
}
{
	sub(/\r$/, "")
	if ($0 ~ /^[ \t\r\f\v]*$/ || $0 ~ /^#/) next
	if ($0 ~ /^[^ \t].*[ \t]PERF_RECORD_[A-Z0-9_]/) next	# side-band records are not samples
	e = $0 ~ /^[ \t]/ ? "\001" : header_event($0)
	if (e == "\001") {
		# frames: "[blanks] HEXIP ..." (old perf versions do not indent)
		if ($0 ~ /^[ \t]*[0-9a-fA-F]+([ \t]|$)/) kind["frame"]++
		else kind["other"]++
		next
	}
	if (e == "") e = "-"
	n[e]++
	w[e] += period
}'

conserve_perf() {
	conserve_cat "$1" | awk "$conserve_perf_awk"'
	END { for (e in n) printf "%s %d %.0f\n", e, n[e], w[e] }' | sort
}

conserve_perf_other() {
	conserve_cat "$1" | awk "$conserve_perf_awk"'
	END { printf "%d\n", kind["other"] }'
}

conserve_events() {
	awk -F'\t' '$1 == "S" { n[$7]++; w[$7] += $8 }
	END { for (e in n) printf "%s %d %.0f\n", e, n[e], w[e] }' "$1" | sort
}

conserve_folded() {
	awk '{ s += $NF } END { printf "%.0f\n", s }' "$1"
}

conserve_skipped() {
	awk '/ [0-9]+ [a-z]+ skipped$/ { s += $(NF - 2) } END { printf "%d\n", s }' "$1"
}

conserve_check() {
	if [ "$2" = "$3" ]; then
		return 0
	fi
	echo "FAIL $1"
	echo "  want: $(echo "$2" | head -n 5 | tr '\n' '|')"
	echo "  got:  $(echo "$3" | head -n 5 | tr '\n' '|')"
	return 1
}
