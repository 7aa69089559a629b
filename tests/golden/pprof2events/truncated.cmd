head -c 300 ../../data/pprof/labels.raw.pprof | pprof2events
