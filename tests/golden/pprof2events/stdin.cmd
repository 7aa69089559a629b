pprof2events - < ../../data/pprof/labels.pprof | grep -v '^#input'
