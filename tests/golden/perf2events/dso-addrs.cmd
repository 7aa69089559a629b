perf2events -d -a variants.in
