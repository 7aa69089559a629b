pprof2events ../../data/pprof/cpu.pprof | events2folded -e cpu
