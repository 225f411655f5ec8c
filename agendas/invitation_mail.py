"""The invitation mail: the agenda in the text, the members' invitation PDF and an iCalendar request attached.

A supplement (Nachtrag) says so in its subject and lists what changed since the invitation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from babel.dates import format_date, format_time

from agendas.meeting_print import MeetingPrint
from council.meetings.supplement import ItemSupplement

MODE_LINES = {
    "in_person": "Präsenzsitzung",
    "online": "Videositzung (die Zugangsdaten erhalten Sie gesondert)",
    "hybrid": "hybride Sitzung (vor Ort oder per Video)",
}


@dataclass(frozen=True)
class Attachments:
    pdf: bytes
    pdf_name: str
    ics: bytes


def subject(document: MeetingPrint, supplement: bool) -> str:
    day = format_date(document.local_start.date(), "dd.MM.yyyy", locale="de_DE")
    prefix = "Nachtrag zur Einladung" if supplement else "Einladung"
    return f"{prefix}: {document.meeting_title} am {day}"


def _agenda_lines(document: MeetingPrint) -> list[str]:
    lines = ["Tagesordnung", "", "Öffentlicher Teil"]
    lines += [f"  {'  ' if i.sub else ''}{i.number}  {i.title}" for i in document.public_items] or ["  –"]
    if not document.public:
        lines += ["", "Nicht öffentlicher Teil"]
        lines += [f"  {'  ' if i.sub else ''}{i.number}  {i.title}" for i in document.confidential_items] or ["  –"]
    return lines


def change_lines(changes: list[ItemSupplement]) -> list[str]:
    lines = []
    for change in changes:
        if change.removed:
            lines.append(f"- abgesetzt: {change.number} {change.title}")
        elif change.added:
            lines.append(f"- neu: {change.number} {change.title}")
        else:
            was = []
            if change.previous_number:
                was.append(f"bisher {change.previous_number}")
            if change.previous_title:
                was.append(f"bisheriger Titel: {change.previous_title}")
            lines.append(f"- geändert: {change.number} {change.title} ({'; '.join(was) or 'geändert'})")
    return lines


def body_text(document: MeetingPrint, name: str, deputy: bool, changes: list[ItemSupplement] | None) -> str:
    zone_start = document.local_start
    when = (
        f"{format_date(zone_start.date(), 'EEEE, d. MMMM y', locale='de_DE')}, "
        f"{format_time(zone_start, 'HH:mm', locale='de_DE')} Uhr"
    )
    lines = [f"Guten Tag {name},", ""]
    if changes is not None:
        lines += [f"die Tagesordnung der {document.meeting_title} wurde nach der Einladung geändert.", ""]
        lines += ["Nachtrag – die Änderungen:", *change_lines(changes), ""]
    else:
        lines += [f"hiermit lade ich Sie zur {document.meeting_title} ein.", ""]
    if deputy:
        lines += ["Sie erhalten diese Einladung als stellvertretendes Mitglied.", ""]
    lines += [f"Termin: {when}", f"Sitzungsform: {MODE_LINES[document.mode]}"]
    if document.mode != "online":
        lines.append(f"Ort: {document.place or '–'}")
    lines += ["", *_agenda_lines(document), ""]
    lines += ["Die Einladung liegt als PDF bei, der Termin als Kalendereintrag.", f"Unterlagen: {document.url}", ""]
    lines += ["Mit freundlichen Grüßen", f"{document.chair or 'Der Vorsitz'}", document.organization_name]
    return "\n".join(lines) + "\n"


def compose(
    document: MeetingPrint,
    *,
    sender: str,
    recipient: str,
    name: str,
    deputy: bool,
    changes: list[ItemSupplement] | None,
    attachments: Attachments,
    now: dt.datetime,
) -> EmailMessage:
    """``changes`` is None for the invitation, the announced changes for a supplement."""
    message = EmailMessage()
    message["Subject"] = subject(document, changes is not None)
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    message.set_content(body_text(document, name, deputy, changes))
    message.add_attachment(attachments.pdf, maintype="application", subtype="pdf", filename=attachments.pdf_name)
    message.add_attachment(
        attachments.ics,
        maintype="text",
        subtype="calendar",
        filename="einladung.ics",
        params={"method": "REQUEST"},
    )
    return message
