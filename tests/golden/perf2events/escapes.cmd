perf2events -d -a escapes.in
