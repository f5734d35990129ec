"""Stage 1: read the project's files (YAML, clause fragments, outlines, rosters, theme) into checked data."""
