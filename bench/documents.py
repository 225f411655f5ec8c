"""How long the invitation (agenda of 40 items) and a meeting packet (40 papers, each with a 5-page PDF
attachment) take to render, per page, against WeasyPrint laying out a one-page document (baseline, same run).

Prints one JSON line. Usage: .venv/bin/python bench/documents.py [items] [rounds]
"""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import sys
import time
from collections.abc import Callable

from pypdf import PdfReader
from weasyprint import HTML

from agendas.invitation import render_pdf
from agendas.meeting_print import MeetingPrint, PrintedItem
from agendas.packet import render_packet
from agendas.packet_data import Packet, PacketAttachment, PacketPaper

START = dt.datetime(2026, 3, 3, 16, 30, tzinfo=dt.UTC)
ONE_PAGE = "<html lang='de'><body><h1>Einladung</h1><p>Eine Seite Text.</p></body></html>"


def meeting(items: int) -> MeetingPrint:
    return MeetingPrint(
        meeting_id=1,
        body_name="Stadt Musterstadt",
        organization_name="Hauptausschuss",
        meeting_title="18. Sitzung des Hauptausschusses",
        start=START,
        end=START + dt.timedelta(hours=3),
        timezone="Europe/Berlin",
        place="Rathaus, Sitzungssaal 1, Markt 1, 12345 Musterstadt",
        mode="in_person",
        cancelled=False,
        cancellation_reason=None,
        chair="Dr. Clara Vorsitz",
        items=tuple(
            PrintedItem(
                item_id=n,
                number=f"Ö {n}" if n <= items * 3 // 4 else f"N {n - items * 3 // 4}",
                title=f"Beschlussvorlage zum Vorhaben Nummer {n} mit einem Titel, wie er im Alltag vorkommt",
                public=n <= items * 3 // 4,
                sub=False,
                paper_id=n,
                paper_reference=f"VO/2026/{n:05d}",
            )
            for n in range(1, items + 1)
        ),
        removed=(),
        public=False,
        url="https://rats.example.org/meetings/1",
    )


def attachment(pages: int) -> bytes:
    """Exactly ``pages`` pages of text (checked), as a scanned or exported office document would have."""
    text = "".join(
        f"<section style='page-break-before: always'><h2>Anlage, Seite {n}</h2><p>{'Sachverhalt. ' * 150}</p></section>"
        for n in range(1, pages + 1)
    )
    pdf = bytes(HTML(string=f"<html lang='de'><body>{text}</body></html>").write_pdf())
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    return pdf


def packet(document: MeetingPrint, attachment_pages: int) -> Packet:
    data = attachment(attachment_pages)
    return Packet(
        meeting=document,
        papers=tuple(
            PacketPaper(
                item_number=item.number,
                item_title=item.title,
                reference=item.paper_reference or "",
                kind="resolution_proposal",
                title=item.title,
                date=dt.date(2026, 2, 1),
                public=item.public,
                submitters=("Verwaltung",),
                lead_department="Hauptamt",
                proposed_resolution="Der Hauptausschuss beschließt wie vorgeschlagen. " * 5,
                reasons="Begründung der Vorlage. " * 120,
                attachments=(PacketAttachment(f"Anlage zu {item.paper_reference}", data),),
            )
            for item in document.items
        ),
    )


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def timed(action: Callable[[], bytes], rounds: int) -> tuple[float, bytes]:
    durations = []
    result = b""
    for _ in range(rounds):
        began = time.perf_counter()
        result = action()
        durations.append(time.perf_counter() - began)
    return statistics.median(durations), result


def main() -> None:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    document = meeting(items)
    mappe = packet(document, 5)
    baseline, _ = timed(lambda: bytes(HTML(string=ONE_PAGE).write_pdf()), rounds)
    invitation, invitation_pdf = timed(lambda: render_pdf(document), rounds)
    whole, packet_pdf = timed(lambda: render_packet(mappe), rounds)
    invitation_pages, packet_pages = pages(invitation_pdf), pages(packet_pdf)
    print(
        json.dumps(
            {
                "items": items,
                "rounds": rounds,
                "baseline_one_page_seconds": round(baseline, 4),
                "invitation_seconds": round(invitation, 3),
                "invitation_pages": invitation_pages,
                "invitation_ms_per_page": round(invitation / invitation_pages * 1000, 1),
                "packet_seconds": round(whole, 3),
                "packet_pages": packet_pages,
                "packet_ms_per_page": round(whole / packet_pages * 1000, 1),
                "packet_bytes": len(packet_pdf),
            }
        )
    )


if __name__ == "__main__":
    main()
