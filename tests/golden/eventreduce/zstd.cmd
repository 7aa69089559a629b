eventreduce -z --level=19 -q -c example.yaml mixed.events | zstd -dc
