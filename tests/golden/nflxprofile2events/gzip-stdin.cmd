gzip -c ../../data/nflxprofile/parent.nflxprofile | nflxprofile2events - 2>&1 | grep -v '^#input'
