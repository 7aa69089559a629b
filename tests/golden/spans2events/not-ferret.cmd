d=$(mktemp -d) && sqlite3 "$d/f.db" 'CREATE TABLE t(x)' && cd "$d" && spans2events f.db; s=$?; rm -rf "$d"; exit $s
