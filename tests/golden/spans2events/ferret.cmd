sql=$(pwd)/../../data/spans/ferret.sql d=$(mktemp -d) && sqlite3 "$d/ferret.db" <"$sql" && cd "$d" && spans2events ferret.db; s=$?; rm -rf "$d"; exit $s
