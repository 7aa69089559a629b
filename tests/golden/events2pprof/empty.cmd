events2pprof empty.events | pprof2events | grep -v "^#input"
