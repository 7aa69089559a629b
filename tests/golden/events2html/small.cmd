events2html small.in | sed '/^<script>$/,/^<\/script>$/d'
