events2pprof inline.events | pprof2events | events2pprof -u | pprof2events | grep -v "^#input"
