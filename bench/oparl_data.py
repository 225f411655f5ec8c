"""A large municipality for the OParl benchmark: rows generated in bulk with explicit ids (plain data).

One body with a council, committees, factions and a department; people with memberships; papers, each with one
or two consultations held as agenda items of the meetings; some papers confidential (their items non-public),
a few records soft-deleted, so the interface's filters have real work to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import (
    Body,
    LegislativeTerm,
    Location,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
)
from council.db import Record
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.papers.models import Consultation, ConsultationRole, Paper, PaperKind, Submitter

EPOCH = dt.datetime(2024, 7, 1, 8, 0, tzinfo=dt.UTC)
DELIBERATIVE = 5  # council and four committees: ids 1..5
FACTIONS = (6, 7, 8)
DEPARTMENT = 9
PEOPLE = 60
PROCEDURAL_ITEMS = ("Eröffnung und Feststellung der Beschlussfähigkeit", "Mitteilungen der Verwaltung", "Anfragen")
KINDS = (PaperKind.RESOLUTION_PROPOSAL, PaperKind.MOTION, PaperKind.INQUIRY, PaperKind.INFORMATION)


@dataclass(frozen=True)
class Size:
    papers: int = 10_000
    meetings: int = 500


@dataclass
class Rows:
    tables: dict[type[Record], list[dict[str, Any]]]

    def count(self, model: type[Record]) -> int:
        return len(self.tables[model])


def _times(index: int) -> dict[str, Any]:
    moment = EPOCH + dt.timedelta(minutes=7 * index)
    return {"created": moment, "modified": moment + dt.timedelta(days=index % 5)}


def structure() -> dict[type[Record], list[dict[str, Any]]]:
    bodies = [{"id": 1, "name": "Stadt Großstadt", "short_name": "grossstadt", "ags": "16999001", **_times(0)}]
    terms = [{"id": 1, "body_id": 1, "name": "Wahlperiode 2024–2029", "start_date": dt.date(2024, 7, 1), **_times(0)}]
    locations = [{"id": 1, "body_id": 1, "description": "Rathaus", "room": "Sitzungssaal", **_times(0)}]
    names = ["Stadtrat", "Hauptausschuss", "Bauausschuss", "Sozialausschuss", "Finanzausschuss"]
    organizations = [
        {
            "id": index,
            "body_id": 1,
            "kind": OrganizationKind.COUNCIL if index == 1 else OrganizationKind.COMMITTEE,
            "name": name,
            "statutory_seats": 40 if index == 1 else 11,
            **_times(index),
        }
        for index, name in enumerate(names, start=1)
    ]
    organizations += [
        {"id": f, "body_id": 1, "kind": OrganizationKind.FACTION, "name": f"Fraktion {f}", **_times(f)}
        for f in FACTIONS
    ]
    organizations.append(
        {"id": DEPARTMENT, "body_id": 1, "kind": OrganizationKind.DEPARTMENT, "name": "Amt 10", **_times(9)}
    )
    people = [
        {"id": p, "body_id": 1, "given_name": f"Vorname{p}", "family_name": f"Nachname{p}", **_times(p)}
        for p in range(1, PEOPLE + 1)
    ]
    memberships: list[dict[str, Any]] = []
    for p in range(1, PEOPLE + 1):
        for organization in (1, 2 + p % 4, FACTIONS[p % 3]):
            memberships.append(
                {
                    "id": len(memberships) + 1,
                    "person_id": p,
                    "organization_id": organization,
                    "role": MembershipRole.MEMBER,
                    "start_date": dt.date(2024, 7, 1),
                    "on_behalf_of_id": FACTIONS[p % 3] if organization != FACTIONS[p % 3] else None,
                    **_times(p),
                }
            )
    return {
        Body: bodies,
        LegislativeTerm: terms,
        Location: locations,
        Organization: organizations,
        Person: people,
        Membership: memberships,
    }


def meetings(size: Size) -> list[dict[str, Any]]:
    rows = []
    for index in range(1, size.meetings + 1):
        organization = 1 + index % DELIBERATIVE
        start = EPOCH + dt.timedelta(days=3 * index, hours=9)
        rows.append(
            {
                "id": index,
                "organization_id": organization,
                "legislative_term_id": 1,
                "number": 1 + index // DELIBERATIVE,
                "start": start,
                "end": start + dt.timedelta(hours=2),
                "location_id": 1,
                "state": MeetingState.CLOSED,
                "deleted": index % 97 == 0,
                **_times(index),
            }
        )
    return rows


def business(size: Size, meeting_rows: Sequence[dict[str, Any]]) -> dict[type[Record], list[dict[str, Any]]]:
    """Papers and their consultations, each consultation an agenda item of a meeting of its organization."""
    by_organization: dict[int, list[int]] = {}
    for meeting in meeting_rows:
        by_organization.setdefault(meeting["organization_id"], []).append(meeting["id"])
    papers: list[dict[str, Any]] = []
    submitters: list[dict[str, Any]] = []
    consultations: list[dict[str, Any]] = []
    items_of: dict[int, list[dict[str, Any]]] = {m["id"]: [] for m in meeting_rows}
    for index in range(1, size.papers + 1):
        public = index % 20 != 0
        papers.append(
            {
                "id": index,
                "body_id": 1,
                "reference": f"VO/{2024 + index // 4000}/{index:05}",
                "kind": KINDS[index % len(KINDS)],
                "title": f"Vorlage Nummer {index}",
                "date": (EPOCH + dt.timedelta(hours=5 * index)).date(),
                "public": public,
                "lead_department_id": DEPARTMENT,
                "deleted": index % 199 == 0,
                **_times(index),
            }
        )
        submitters.append({"id": index, "paper_id": index, "position": 1, "person_id": 1 + index % PEOPLE})
        for position, organization in enumerate(_steps(index), start=1):
            meeting_id = _pick(by_organization[organization], index)
            consultation_id = len(consultations) + 1
            consultations.append(
                {
                    "id": consultation_id,
                    "paper_id": index,
                    "organization_id": organization,
                    "position": position,
                    "role": ConsultationRole.DECISION if organization == 1 else ConsultationRole.PRIOR_DELIBERATION,
                    "meeting_id": meeting_id,
                    **_times(index),
                }
            )
            items_of[meeting_id].append(
                {"title": f"Beratung der Vorlage {index}", "public": public, "c": consultation_id}
            )
    return {
        Paper: papers,
        Submitter: [{**row, **_times(row["id"])} for row in submitters],
        Consultation: consultations,
        AgendaItem: list(_agenda_items(items_of)),
    }


def _steps(index: int) -> tuple[int, ...]:
    committee = 2 + index % (DELIBERATIVE - 1)
    return (committee, 1) if index % 2 else (committee,)


def _pick(meeting_ids: list[int], index: int) -> int:
    return meeting_ids[index % len(meeting_ids)]


def _agenda_items(items_of: dict[int, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    next_id = 1
    for meeting_id, planned in items_of.items():
        procedural = [{"title": t, "public": True, "c": None} for t in PROCEDURAL_ITEMS]
        ordered = procedural + sorted(planned, key=lambda i: not i["public"])
        for position, item in enumerate(ordered, start=1):
            yield {
                "id": next_id,
                "meeting_id": meeting_id,
                "position": position,
                "number": f"{'Ö' if item['public'] else 'N'} {position}",
                "public": item["public"],
                "title": item["title"],
                "consultation_id": item["c"],
                "result": "ungeändert beschlossen" if item["c"] else None,
                **_times(next_id),
            }
            next_id += 1


def generate(size: Size) -> Rows:
    meeting_rows = meetings(size)
    return Rows({**structure(), Meeting: meeting_rows, **business(size, meeting_rows)})


async def insert_rows(session: AsyncSession, rows: Rows, chunk: int = 2000) -> None:
    for model, table in rows.tables.items():
        for start in range(0, len(table), chunk):
            await session.execute(insert(model), table[start : start + chunk])
