trace2events missing.json x-ties.in
