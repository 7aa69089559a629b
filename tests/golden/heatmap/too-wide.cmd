heatmap -l --max-columns 2 edges.events
