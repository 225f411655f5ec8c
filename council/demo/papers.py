"""Build the demo's papers with their submitters and Beratungsfolge."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from council.demo.confidential import CONFIDENTIAL_PAPERS
from council.demo.seed_papers import SEED_PAPERS, PaperSpec
from council.demo.structure import Directory
from council.numbering.patterns import PAPER_FIELDS, format_number
from council.papers.models import Consultation, Paper, PaperKind, Submitter

ALL_PAPERS: tuple[PaperSpec, ...] = SEED_PAPERS + CONFIDENTIAL_PAPERS


def paper_date(spec: PaperSpec, meeting_days: dict[str, dt.date]) -> dt.date:
    if isinstance(spec.date, dt.date):
        return spec.date
    slot, days_before = spec.date
    return meeting_days[slot] - dt.timedelta(days=days_before)


def draw_reference(spec: PaperSpec, index: int, day: dt.date, directory: Directory) -> str:
    """A number from the body's pattern for papers whose seed has none.

    The sequence stands where a city's register would be on that day (about six papers a day); adding the
    paper's index (below six) keeps the demo's drawn numbers unique.
    """
    patterns = directory.body.paper_reference_patterns
    pattern = str(patterns.get(spec.kind.value, patterns["default"]))
    faction = ""
    if spec.kind is PaperKind.MOTION:
        faction = directory.organizations[spec.submitters[0]].short_name or ""
    return format_number(pattern, day.timetuple().tm_yday * 6 + index, day.year, faction=faction, allowed=PAPER_FIELDS)


async def build_papers(
    session: AsyncSession, directory: Directory, meeting_days: dict[str, dt.date]
) -> tuple[dict[str, Paper], dict[tuple[str, int], Consultation]]:
    """Papers by key, and their consultations by (paper key, position)."""
    papers: dict[str, Paper] = {}
    drawn = 0
    for spec in ALL_PAPERS:
        day = paper_date(spec, meeting_days)
        reference = spec.reference
        if reference is None:
            reference = draw_reference(spec, drawn, day, directory)
            drawn += 1
        department = directory.organizations[spec.lead_department] if spec.lead_department else None
        papers[spec.key] = Paper(
            body_id=directory.body.id,
            reference=reference,
            kind=spec.kind,
            title=spec.title,
            date=day,
            proposed_resolution=spec.proposed_resolution,
            reasons=spec.reasons,
            public=spec.public,
            # Published in the morning of the paper's day, as the secretariat releases them.
            published_at=dt.datetime.combine(day, dt.time(8, 0), tzinfo=dt.UTC),
            lead_department_id=department.id if department else None,
        )
    assert drawn <= 6, "draw_reference keeps numbers unique only for up to six drawn papers"
    session.add_all(papers.values())
    await session.flush()

    consultations: dict[tuple[str, int], Consultation] = {}
    for spec in ALL_PAPERS:
        paper = papers[spec.key]
        if spec.related:
            paper.related_paper_id = papers[spec.related].id
        session.add_all(_submitters(spec, paper, directory))
        for position, (organization, role) in enumerate(spec.steps, start=1):
            consultations[spec.key, position] = Consultation(
                paper_id=paper.id,
                organization_id=directory.organizations[organization].id,
                position=position,
                role=role,
            )
    session.add_all(consultations.values())
    await session.flush()
    return papers, consultations


def _submitters(spec: PaperSpec, paper: Paper, directory: Directory) -> list[Submitter]:
    submitters = []
    for position, name in enumerate(spec.submitters, start=1):
        if name in directory.organizations:
            submitters.append(
                Submitter(paper_id=paper.id, position=position, organization_id=directory.organizations[name].id)
            )
        else:
            submitters.append(Submitter(paper_id=paper.id, position=position, person_id=directory.people[name].id))
    return submitters
