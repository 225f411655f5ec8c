"""Bodies (municipalities), their terms, organizations, people and memberships."""
