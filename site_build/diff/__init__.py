"""Stage 3: compare two versions of a document, clause by clause and word by word (pure)."""
