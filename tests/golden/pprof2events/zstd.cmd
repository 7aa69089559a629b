zstd -qc ../../data/pprof/labels.raw.pprof | pprof2events | grep -v '^#input'
