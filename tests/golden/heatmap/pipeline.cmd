perf2events ../../data/perf/fp.perf | heatmap -l -r 10
