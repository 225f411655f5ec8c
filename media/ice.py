"""ICE servers for browsers: STUN/TURN URLs from the settings and time-limited TURN credentials.

The TURN REST API scheme (coturn `use-auth-secret`): username `<expiry unix time>:<user id>`, password
base64(HMAC-SHA1(shared secret, username)). coturn checks the signature and the expiry itself, so the app never
stores TURN passwords.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any


def turn_credentials(secret: str, user_id: str, now: int, ttl_seconds: int) -> tuple[str, str]:
    username = f"{now + ttl_seconds}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


def ice_servers(
    stun_urls: Sequence[str], turn_urls: Sequence[str], secret: str, user_id: str, now: int, ttl_seconds: int
) -> list[dict[str, Any]]:
    """The `iceServers` of an RTCConfiguration as a browser expects it."""
    servers: list[dict[str, Any]] = []
    if stun_urls:
        servers.append({"urls": list(stun_urls)})
    if turn_urls and secret:
        username, credential = turn_credentials(secret, user_id, now, ttl_seconds)
        servers.append({"urls": list(turn_urls), "username": username, "credential": credential})
    return servers
