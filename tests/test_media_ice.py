"""TURN REST API credentials (coturn use-auth-secret) minted by the app."""

from __future__ import annotations

import base64
import hashlib
import hmac

from media.ice import ice_servers, turn_credentials


def test_turn_credentials_follow_the_rest_api_scheme():
    username, password = turn_credentials("s3cret", "42", now=1_700_000_000, ttl_seconds=600)
    assert username == "1700000600:42"
    expected = base64.b64encode(hmac.new(b"s3cret", b"1700000600:42", hashlib.sha1).digest()).decode()
    assert password == expected
    assert turn_credentials("other", "42", now=1_700_000_000, ttl_seconds=600)[1] != password


def test_known_vector():
    # computed independently: printf '%s' '1000:u' | openssl dgst -sha1 -hmac secret -binary | base64
    assert turn_credentials("secret", "u", now=400, ttl_seconds=600)[1] == "TeXDEJxLb3cYjdxw3qUaLSIyX/4="


def test_ice_servers_without_turn_secret_leave_turn_out():
    assert ice_servers(["stun:a:3478"], ["turn:b:3478"], "", "1", 0, 60) == [{"urls": ["stun:a:3478"]}]
    assert ice_servers([], [], "x", "1", 0, 60) == []
