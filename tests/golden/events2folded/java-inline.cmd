perf2events java-inline.perf | events2folded
