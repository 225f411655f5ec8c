"""Handing a message to the mail server, or, without one configured, to a directory of .eml files."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage

from council.settings import Settings

SMTP_TIMEOUT_SECONDS = 30


class MailNotSent(RuntimeError):
    """The server refused the message, or could not be reached; the text says why, for the delivery record."""


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Blocking: call it off the event loop. Raises MailNotSent with a readable reason."""
    if not settings.smtp_host:
        _write_to_directory(settings, message)
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            refused = smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc
    if refused:
        raise MailNotSent("; ".join(f"{address}: {code} {text!r}" for address, (code, text) in refused.items()))


def _write_to_directory(settings: Settings, message: EmailMessage) -> None:
    """Development without a mail server: every message lands in ``var/mail`` to be opened in a mail program."""
    directory = settings.mail_directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
    except OSError as exc:
        raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc
