events2nflxprofile deep.in | nflxprofile2events | awk -F"\t" "/^S/ { n = split(\$9, f, \";\"); print \$2, n, f[1], f[n] } !/^S/"
