"""Plain data the pipeline passes along: the school.yml schema, composed documents, releases.

No I/O and no imports from the other stages."""
