head -c 500 ../../data/pprof/labels.raw.pprof | pprof2events
