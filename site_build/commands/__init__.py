"""One module per CLI command, named after it; each returns data and leaves printing to `cli`."""
