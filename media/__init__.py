"""Digital meetings: a selective forwarding media relay behind the `MediaBackend` boundary."""
