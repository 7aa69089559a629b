gzip -c nocpu.in | events2nflxprofile | nflxprofile2events
