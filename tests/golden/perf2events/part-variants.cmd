for k in 1 2 3; do perf2events --part $k/3 variants.in; done
