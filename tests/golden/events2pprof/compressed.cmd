gzip -c several.events | events2pprof -u - | od -An -tx1 -N2; zstd -qc one.events | events2pprof | od -An -tx1 -N2
