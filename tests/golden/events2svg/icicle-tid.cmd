events2svg --icicle --tid --title "a <b> & c" --subtitle "" -e cpu-clock:pppH variants.events 2>/dev/null
