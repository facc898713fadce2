"""The append-only, hash-chained trail of everything that happens (who, when, what)."""
