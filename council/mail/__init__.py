"""Outgoing mail: the SMTP (or directory) transport and the record of every delivery."""
