events2pprof -p labels.events | pprof2events | grep -v "^#input"
