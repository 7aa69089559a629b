trace2events gzip.json.gz | eventsort | events2folded
