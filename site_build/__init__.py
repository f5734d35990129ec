"""policy-site: compose shared policy clauses and school facts into versioned policy sites."""

__version__ = "0.1.0"
