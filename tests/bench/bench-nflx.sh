#!/bin/sh
# Benchmark of events2nflxprofile (issue 13) and of nflxprofile2events
# reading its output: MiB/s (by CPU seconds: the machine is shared) and
# peak RSS on the event stream of a >= 200 MB perf script text generated
# from real captures (tests/bench/gen-perf.sh), next to events2speedscope
# on the same stream. Prints figures; asserts nothing.
#   FP_BENCH_MB      size of the perf script text (default 480, which makes
#                    an event stream of about 200 MiB)
#   FP_BENCH_EVENTS  an existing events stream to use instead (e.g.
#                    /tmp/perf208.events)
set -u
. "$(dirname "$0")/lib.sh"
bench_init nflx "$@"
mb=${FP_BENCH_MB:-480}
bench_by=cpu
ev=${FP_BENCH_EVENTS:-}
if [ -z "$ev" ]; then
	ev=$tmp/perf.events
	bash "$here/gen-perf.sh" "$mb" - | "$bin/perf2events" >"$ev" 2>/dev/null
fi
event=$(awk -F'\t' '$1 == "S" { print $7; exit }' "$ev")
printf 'perf events: %d MiB, %d samples of %s\n' $(($(wc -c <"$ev") >> 20)) \
	"$(awk -F'\t' -v e="$event" '$1 == "S" && $7 == e { n++ } END { print n + 0 }' "$ev")" "$event"

# best of 3 by CPU seconds: MiB/s of input $2 per CPU second, peak RSS
run() {
	label=$1 in=$2; shift 2
	bytes=$(wc -c <"$in")
	bench_floor "$in"
	bench_best3 "$label" "$@" "$in"
	bench_line "$label" "$bytes"
}
bench_out=$tmp/out.nflxprofile
run "events2nflxprofile" "$ev" "$bin/events2nflxprofile" -e "$event"
cp "$tmp/out.nflxprofile" "$tmp/nflx"
printf '  output: %.1f MiB\n' "$(echo "$(wc -c <"$tmp/nflx") / 1048576" | bc -l)"
bench_out=/dev/null
run "  events2speedscope (reference)" "$ev" "$bin/events2speedscope" -e "$event"
run "  events2folded (reference)" "$ev" "$bin/events2folded" -e "$event"
# nflxprofile2events per MiB of protobuf (its output is about 11 times
# its input). The profile of a 200 MB perf stream is a megabyte or two:
# one run takes a few milliseconds, below time(1)'s 10 ms, and a
# process's start (exec, the dynamic loader: 2 ms of CPU here, as much as
# /bin/true's) is a large part of it. So: one run's CPU as the mean of 20
# runs (its peak RSS from one), and the reader's own speed, on the profile
# given as enough inputs of one run to make 64 MiB (each converted in
# turn, as any list of files). No cat|cat ratio: the output is the bound.
nb=$(wc -c <"$tmp/nflx")
floor_bytes=0
bench_best3 "nflxprofile2events" "$bin/nflxprofile2events" "$tmp/nflx"
rss1=$brss
bench_runs=1 bench_best3 "runs" sh -c 'for i in $(seq 20); do "$0" "$1" >/dev/null || exit 1; done' \
	"$bin/nflxprofile2events" "$tmp/nflx"
bcpu=$(echo "scale=4; $bcpu / 20" | bc) best=$(echo "scale=4; $best / 20" | bc) brss=$rss1
bench_line "nflxprofile2events, one run (mean of 20)" "$nb" "($(printf "%.1f" "$(echo "$bcpu * 1000" | bc)") ms of CPU)"
bench_runs=1 bench_best3 "true" sh -c 'for i in $(seq 20); do /bin/true; done'
printf '  (a process that does nothing: %s ms of CPU)\n' "$(echo "scale=2; $bcpu * 1000 / 20" | bc)"
k=$(( (64 << 20) / nb + 1 ))
set --
i=0
while [ $i -lt $k ]; do set -- "$@" "$tmp/nflx"; i=$((i + 1)); done
bench_best3 "many" "$bin/nflxprofile2events" "$@"
bench_line "  the same as $k inputs of one run" $((nb * k))
