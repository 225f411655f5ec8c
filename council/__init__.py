"""council: the domain of digital council and committee work.

This package knows nothing of HTTP, templates or WebRTC (see ARCHITECTURE.md).
"""
