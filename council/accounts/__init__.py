"""User accounts, roles, login and who may see what."""
