spans2events ../../data/spans/otlp.json | events2folded
