"""Files that must never be half-written or lost: releases, atomic writes, output folders, signatures."""
