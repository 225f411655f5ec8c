"""How long a long meeting's minutes take as PDF/A-2b, against a plain PDF of the same HTML (baseline, same run).

Prints one JSON line. Usage: .venv/bin/python bench/minutes_pdf.py [items] [rounds]
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable

from weasyprint import HTML

from agendas.minutes import PDF_VARIANT, TEMPLATES, MinutesPrint, render_html
from council.minutes.document import Attendee, Header, ItemRecord, MinutesDocument, PollRecord

START = dt.datetime(2026, 3, 3, 16, 30, tzinfo=dt.UTC)


def document(items: int) -> MinutesDocument:
    people = [Attendee(name=f"Mitglied {n}", faction="Fraktion", role="member") for n in range(40)]
    names = {"yes": [p.name for p in people[:30]], "no": [p.name for p in people[30:]]}
    return MinutesDocument(
        header=Header(
            body_name="Stadt Musterstadt",
            organization_id=1,
            organization_name="Stadtrat",
            meeting_id=1,
            meeting_title="18. Sitzung des Stadtrates",
            start=START,
            end=START + dt.timedelta(hours=4),
            place="Rathaus, Ratssaal",
            present=people,
        ),
        chair="Vorsitz",
        clerk="Schriftführung",
        items=[
            ItemRecord(
                agenda_item_id=n,
                number=f"Ö {n}",
                title=f"Tagesordnungspunkt {n}",
                public=n % 5 != 0,
                deliberation="Aussprache über den Antrag. " * 40,
                polls=[
                    PollRecord(
                        poll_id=n, subject="main", kind="named", title="Beschlussvorschlag", yes=30, no=10, names=names
                    )
                ],
                resolution_text="Der Stadtrat beschließt wie vorgeschlagen. " * 10,
                resolution_number=f"{n}/26",
            )
            for n in range(1, items + 1)
        ],
    )


def timed(action: Callable[[], object], rounds: int) -> float:
    durations = []
    for _ in range(rounds):
        began = time.perf_counter()
        action()
        durations.append(time.perf_counter() - began)
    return statistics.median(durations)


def main() -> None:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    html = render_html(MinutesPrint(document(items), public=False))
    base = TEMPLATES.as_uri() + "/"
    pdfa = timed(lambda: HTML(string=html, base_url=base).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True), rounds)
    plain = timed(lambda: HTML(string=html, base_url=base).write_pdf(), rounds)
    size = len(HTML(string=html, base_url=base).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True))
    print(
        json.dumps(
            {
                "items": items,
                "rounds": rounds,
                "pdfa_seconds": round(pdfa, 3),
                "baseline_plain_pdf_seconds": round(plain, 3),
                "pdfa_bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
