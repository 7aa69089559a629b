events2pprof -t labels.events | pprof2events | grep -v "^#input"
