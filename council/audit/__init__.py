"""The append-only, hash-chained audit log of poll and vote state changes."""
