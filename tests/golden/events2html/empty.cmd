events2html empty.in | sed '/^<script>$/,/^<\/script>$/d'
