events2html -c -i -r 10 --column 500ms --title 'T<&>' small.in | sed '/^<script>$/,/^<\/script>$/d'
