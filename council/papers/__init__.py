"""Papers (Vorlagen), their files and their path through the bodies (Beratungsfolge)."""
