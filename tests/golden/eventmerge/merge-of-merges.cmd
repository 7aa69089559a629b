eventmerge a.events unix.events > /tmp/fp-mm.$$ && eventmerge /tmp/fp-mm.$$ b.events | grep -v '^#'; s=$?; rm -f /tmp/fp-mm.$$; exit $s
