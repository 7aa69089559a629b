printf '\037\213\010\000garbage' | pprof2events
