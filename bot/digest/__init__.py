"""The weekly digest: metrics from the store, rendered as Markdown, JSON, HTML and chat replies."""
