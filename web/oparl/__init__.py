"""The OParl 1.1 open data interface under /oparl/v1.1/ (what is public is decided in council/opendata)."""
