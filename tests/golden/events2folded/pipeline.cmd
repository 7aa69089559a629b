perf2events ../perf2events/variants.in 2>/dev/null | events2folded -e cpu-clock:pppH
