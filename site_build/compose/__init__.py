"""Stage 2: compose a school's policy from the clause library, in the template sandbox (pure)."""
