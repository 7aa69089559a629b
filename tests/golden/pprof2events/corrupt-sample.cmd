{ printf '\022\005\015\000\000\000\000'; cat ../../data/pprof/labels.raw.pprof; } | pprof2events
