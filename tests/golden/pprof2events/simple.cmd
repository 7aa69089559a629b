pprof2events ../../data/corpus/pprof/simple.prof | events2folded -n -r -e cpu
