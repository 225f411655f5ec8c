"""The Ladungsfrist as a pure rule, and mail written to var/mail when no SMTP server is configured."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from council.errors import ConfigurationError
from council.mail.transport import MailNotSent, deliver
from council.meetings.notice_period import days_of_notice, notice_shortfall
from council.settings import load_settings

BERLIN = "Europe/Berlin"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def at(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def test_days_count_in_the_bodys_time_zone_not_in_utc():
    # 23:30 UTC on 2 March is already 3 March in Berlin.
    assert days_of_notice(at(10, 17), dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC), BERLIN) == 7
    assert days_of_notice(at(10, 17), at(2, 12), BERLIN) == 8


def test_shortfall_is_what_is_missing_to_the_period():
    assert notice_shortfall(at(10, 17), at(3, 9), BERLIN, 7) == 0
    assert notice_shortfall(at(10, 17), at(4, 9), BERLIN, 7) == 1
    assert notice_shortfall(at(10, 17), at(10, 9), BERLIN, 7) == 7
    assert notice_shortfall(at(10, 17), at(12, 9), BERLIN, 7) == 9  # a meeting in the past misses it too
    assert notice_shortfall(at(10, 17), at(10, 9), BERLIN, 0) == 0


def test_across_the_change_to_summer_time_days_stay_calendar_days():
    assert days_of_notice(at(2, 16, month=4), at(26, 16), BERLIN) == 7


def test_without_a_mail_server_messages_land_in_var_mail(tmp_path: Path):
    settings = load_settings({"COUNCIL_VAR_DIR": str(tmp_path / "var"), "COUNCIL_SECRET_KEY": SECRET})
    assert settings.smtp_host is None
    message = EmailMessage()
    message["Subject"] = "Einladung: 3. Sitzung des Hauptausschusses"
    message["To"] = "max@example.org"
    message.set_content("Tagesordnung")
    deliver(settings, message)
    files = list((tmp_path / "var" / "mail").glob("*.eml"))
    assert len(files) == 1
    assert message_from_bytes(files[0].read_bytes(), policy=default)["Subject"] == message["Subject"]


def test_an_unreachable_mail_server_is_a_readable_failure(tmp_path: Path):
    from tests.servers import free_port

    settings = load_settings(
        {
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": SECRET,
            "COUNCIL_SMTP_HOST": "127.0.0.1",
            "COUNCIL_SMTP_PORT": str(free_port()),
        }
    )
    message = EmailMessage()
    message["To"] = "max@example.org"
    message.set_content("x")
    with pytest.raises(MailNotSent, match="ConnectionRefusedError"):
        deliver(settings, message)


def test_smtp_settings_are_checked_once_at_start():
    with pytest.raises(ConfigurationError, match="SMTP_STARTTLS"):
        load_settings({"COUNCIL_SECRET_KEY": SECRET, "COUNCIL_SMTP_STARTTLS": "vielleicht"})
    with pytest.raises(ConfigurationError, match="SMTP_PORT"):
        load_settings({"COUNCIL_SECRET_KEY": SECRET, "COUNCIL_SMTP_PORT": "0"})
    settings = load_settings(
        {"COUNCIL_SECRET_KEY": SECRET, "COUNCIL_SMTP_HOST": "mail.example.org", "COUNCIL_SMTP_STARTTLS": "false"}
    )
    assert settings.smtp_host == "mail.example.org" and settings.smtp_port == 587 and not settings.smtp_starttls
    assert settings.describe()["smtp"] == "mail.example.org:587"
