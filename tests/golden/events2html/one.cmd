events2html one.in | sed '/^<script>$/,/^<\/script>$/d'
