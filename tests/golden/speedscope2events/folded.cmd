speedscope2events ../../data/corpus/speedscope/0.0.1/simple.speedscope.json | events2folded
