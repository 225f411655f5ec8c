"""Public full-text search over papers, their attachments, resolutions and published minutes."""
