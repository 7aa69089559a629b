#!/bin/sh
# spans2events on Ferret span stores.
#  - the database made from tests/data/spans/ferret.sql with the sqlite3
#    CLI: the stream is well nested (as in spans-otlp.sh), has one O/C pair
#    (or I record) per span of the latest run with the duration the row
#    gives (end_time - start_time, or duration), --run-id and --all-runs
#    select the runs, and the BeaverDB 2.x table name, the rows exported as
#    JSON Lines, and the rows in reverse order give the same stream;
#  - generated Ferret spans (random trees, async children outliving their
#    parents, shuffled JSON Lines): each span exactly once, with its own
#    duration and full stack.
# usage: spans-ferret.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init spans-ferret "$@"
here=$(cd "$(dirname "$0")/.." && pwd)
sql=$here/data/spans/ferret.sql
if ! command -v sqlite3 >/dev/null; then
	echo "spans-ferret: the sqlite3 command is missing (Debian package sqlite3)" >&2
	exit 1
fi

. "$here/lib/spans.sh"

# Decimal seconds text to "S NNNNNNNNN" (integer seconds, 9-digit ns).
# Duration of each span row of run $1 from its JSON text: end - start, or
# the duration when there is no end time.
row_durations() {
	sed -n "s/.*\"start_time\":\\([0-9.]*\\),\"end_time\":\\([0-9.nul]*\\),\"duration\":\\([0-9.]*\\).*\"run_id\":\"$1\".*/\\1 \\2 \\3/p" |
	awk 'function ns(t,   x, f) { split(t, x, "."); f = substr(x[2] "000000000", 1, 9); return x[1] "\t" f }
	{ split(ns($1), a, "\t")
	  if ($2 == "null") { split(ns($3), d, "\t"); printf "%d\n", d[1] * 1000000000 + d[2] }
	  else { split(ns($2), b, "\t"); printf "%d\n", (b[1] - a[1]) * 1000000000 + (b[2] - a[2]) } }' | sort
}

sqlite3 "$tmp/ferret.db" <"$sql" || { no "sqlite3 could not build the database"; exit 1; }
(cd "$tmp" && "$bin/spans2events" ferret.db) >"$tmp/db.ev" 2>"$tmp/err"
[ $? -eq 0 ] && ok || no "default run: failed: $(head -n 2 "$tmp/err")"
grep -qx '#run bbbbbbbb' "$tmp/db.ev" && ok || no "the latest run is not bbbbbbbb"
r=$(nested <"$tmp/db.ev"); [ "$r" = ok ] && ok || no "latest run: $r"
durations <"$tmp/db.ev" | awk '{ print $NF }' | sort >"$tmp/got"
grep "^INSERT INTO beaver_logs VALUES ('_ferret_trace'" "$sql" | row_durations bbbbbbbb >"$tmp/want"
[ "$(wc -l <"$tmp/want")" -eq 10 ] && cmp -s "$tmp/want" "$tmp/got" && ok ||
	no "latest run: durations differ from the rows ($(wc -l <"$tmp/got") spans)"
(cd "$tmp" && "$bin/spans2events" -a ferret.db) >"$tmp/all.ev" 2>/dev/null
r=$(nested <"$tmp/all.ev"); [ "$r" = ok ] && ok || no "--all-runs: $r"
[ "$(grep -c '^[OI]' "$tmp/all.ev")" -eq 11 ] && ok || no "--all-runs: expected 11 spans"
(cd "$tmp" && "$bin/spans2events" -r aaaaaaaa ferret.db) 2>/dev/null | grep -c '^O' | grep -qx 1 && ok ||
	no "--run-id aaaaaaaa: expected one span"
# BeaverDB 2.x names its table __beaver_logs__
sed 's/beaver_logs/__beaver_logs__/g' "$sql" | sqlite3 "$tmp/v2.db"
(cd "$tmp" && "$bin/spans2events" v2.db) 2>/dev/null | sed 's/^#input v2.db$/#input ferret.db/' |
	cmp -s "$tmp/db.ev" - && ok || no "BeaverDB 2.x table gives another stream"
# the same rows as JSON Lines, in log order and reversed
sqlite3 "$tmp/ferret.db" "SELECT data FROM beaver_logs WHERE log_name = '_ferret_trace' ORDER BY timestamp" >"$tmp/rows.jsonl"
sqlite3 "$tmp/ferret.db" "SELECT data FROM beaver_logs WHERE log_name = '_ferret_trace' ORDER BY timestamp DESC" >"$tmp/rev.jsonl"
for f in rows.jsonl rev.jsonl; do
	(cd "$tmp" && "$bin/spans2events" "$f") 2>/dev/null | grep -v '^#input' >"$tmp/j.ev"
	grep -v '^#input' "$tmp/db.ev" | cmp -s - "$tmp/j.ev" && ok || no "$f gives another stream than the database"
done
# generated spans as Ferret JSON Lines
for seed in 11 12 13 14; do
	awk -v seed="$seed" -v n=200 -v want="$tmp/want" 'BEGIN {
		srand(seed)
		for (i = 1; i <= n; i++) {
			p = (i > 1 && rand() < 0.85) ? int(rand() * (i - 1)) + 1 : 0
			if (p) { s[i] = s[p] + int(rand() * (e[p] - s[p] + 1)); stack[i] = stack[p] ";f" i }
			else { s[i] = 1000000000000000 + int(rand() * 1000000000); stack[i] = "f" i }
			e[i] = rand() < 0.1 ? s[i] : s[i] + int(rand() * 300000000)
			print stack[i], e[i] - s[i] > want
			line = sprintf("{\"span_id\":\"%032x\",\"parent_id\":%s,\"name\":\"f%d\",\"start_time\":%d.%09d,\"end_time\":%d.%09d,\"tags\":{},\"status\":\"ok\",\"run_id\":\"gen\"}",
				i, p ? sprintf("\"%032x\"", p) : "null", i, s[i] / 1000000000, s[i] % 1000000000, e[i] / 1000000000, e[i] % 1000000000)
			printf "%.8f\t%s\n", rand(), line
		}
	}' | sort | cut -f2- >"$tmp/gen.jsonl"
	sort "$tmp/want" >"$tmp/want.sorted"
	"$bin/spans2events" "$tmp/gen.jsonl" >"$tmp/gen.ev" 2>"$tmp/err" || { no "seed $seed: failed: $(head -n 2 "$tmp/err")"; continue; }
	r=$(nested <"$tmp/gen.ev"); [ "$r" = ok ] && ok || no "seed $seed: $r"
	durations <"$tmp/gen.ev" >"$tmp/got"
	if [ "$(wc -l <"$tmp/want.sorted")" -eq 200 ] && cmp -s "$tmp/want.sorted" "$tmp/got"; then ok; else
		no "seed $seed: spans or durations differ"
		diff "$tmp/want.sorted" "$tmp/got" | head -n 5
	fi
done
check_done
