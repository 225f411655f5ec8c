"""Settings of the live channels: the Redis namespace and the SSE keep-alive interval."""

from __future__ import annotations

from pathlib import Path

import pytest

from council.errors import ConfigurationError
from council.settings import Settings, load_settings
from web.live import internal_channel, public_channel


def _settings(tmp_path: Path, **env: str) -> Settings:
    return load_settings(
        {"COUNCIL_VAR_DIR": str(tmp_path), "COUNCIL_SECRET_KEY": "settings-test-secret-key-0123456789abcdef", **env}
    )


def test_redis_namespace_defaults_to_council_and_prefixes_the_channels(tmp_path: Path) -> None:
    assert _settings(tmp_path).redis_namespace == "council"
    settings = _settings(tmp_path, COUNCIL_REDIS_NAMESPACE="stadt-b")
    assert public_channel(settings.redis_namespace, 7) == "stadt-b.meeting.7.public"
    assert internal_channel(settings.redis_namespace, 7) == "stadt-b.meeting.7.internal"
    assert settings.describe()["redis_namespace"] == "stadt-b"


@pytest.mark.parametrize("value", ["mit leerzeichen", "a.b", "x" * 61, "*"])
def test_a_namespace_that_could_match_other_keys_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="REDIS_NAMESPACE"):
        _settings(tmp_path, COUNCIL_REDIS_NAMESPACE=value)


def test_keep_alive_defaults_to_fifteen_seconds_and_must_be_a_positive_number(tmp_path: Path) -> None:
    assert _settings(tmp_path).live_keepalive_seconds == 15
    assert _settings(tmp_path, COUNCIL_LIVE_KEEPALIVE_SECONDS="2").live_keepalive_seconds == 2
    for value in ("0", "-1", "bald"):
        with pytest.raises(ConfigurationError, match="LIVE_KEEPALIVE_SECONDS"):
            _settings(tmp_path, COUNCIL_LIVE_KEEPALIVE_SECONDS=value)
