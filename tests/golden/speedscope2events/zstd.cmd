zstd -q -c ../../data/corpus/speedscope/0.1.2/simple-sampled.speedscope.json | speedscope2events -
