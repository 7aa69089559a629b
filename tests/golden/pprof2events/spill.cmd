PPROF2EVENTS_BUDGET=0 pprof2events -t end_timestamp_ns - < ../../data/pprof/labels.pprof | grep -v '^#input'
