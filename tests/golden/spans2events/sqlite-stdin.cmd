d=$(mktemp -d) && sqlite3 "$d/f.db" 'CREATE TABLE t(x)' && spans2events <"$d/f.db"; s=$?; rm -rf "$d"; exit $s
