"""Stage 5: a school's site pages, the MkDocs adapter, its safety plugin and the trust index."""
