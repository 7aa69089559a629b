perf2events java-inline.perf | events2folded --no-inlined --jit
