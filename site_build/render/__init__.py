"""Stage 4: turn documents and redlines into Markdown, HTML, PDF and Word."""
