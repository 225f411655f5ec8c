"""JSON of the council's business: Meeting, AgendaItem, Paper, Consultation, File.

What is public was decided in council/opendata: entries hold only what the public may see.
"""

from __future__ import annotations

from typing import Any

from council.opendata import AgendaItemEntry, ConsultationEntry, Loaded, MeetingEntry, PaperEntry
from council.papers.models import File
from web.oparl.format import Rendering, day, moment, oparl_object, times
from web.oparl.structure import location
from web.oparl.vocabulary import CONSULTATION_ROLES, MEETING_STATES, PAPER_TYPES


def meeting(entry: MeetingEntry, r: Rendering) -> dict[str, Any]:
    m, urls = entry.meeting, r.urls
    place = location(Loaded(m.location, m.location.modified), r) if m.location and not m.location.deleted else None
    items = None if r.omit_internal else [agenda_item(item, r, embedded=True) for item in entry.items]
    return oparl_object(
        "Meeting",
        {
            "id": urls.object("meeting", m.id),
            "name": m.name,
            "meetingState": MEETING_STATES[m.state],
            "cancelled": m.cancelled,
            "start": moment(m.start, entry.timezone),
            "end": moment(m.end, entry.timezone),
            "location": place,
            "organization": [urls.object("organization", m.organization_id)],
            "participant": urls.objects("person", entry.participant_ids),
            "agendaItem": items,
            **times(m.created, entry.modified),
            "web": urls.web(f"/meetings/{m.id}"),
        },
        deleted=m.deleted,
    )


def agenda_item(entry: AgendaItemEntry, r: Rendering, *, embedded: bool = False) -> dict[str, Any]:
    item, urls = entry.item, r.urls
    return oparl_object(
        "AgendaItem",
        {
            "id": urls.object("agendaitem", item.id),
            "meeting": None if embedded else urls.object("meeting", item.meeting_id),
            "number": item.number,
            "order": entry.order,
            "name": item.title,
            "public": item.public,
            "consultation": urls.object("consultation", entry.consultation_id) if entry.consultation_id else None,
            "result": item.result,
            "resolutionText": item.resolution_text,
            **times(item.created, entry.modified),
            "web": urls.web(f"/meetings/{item.meeting_id}#top-{item.id}"),
        },
        deleted=item.deleted,
    )


def paper(entry: PaperEntry, r: Rendering) -> dict[str, Any]:
    p, urls = entry.paper, r.urls
    files = None if r.omit_internal else [file(Loaded(f, f.modified), r, embedded=True) for f in entry.files]
    return oparl_object(
        "Paper",
        {
            "id": urls.object("paper", p.id),
            "body": urls.object("body", p.body_id),
            "name": p.title,
            "reference": p.reference,
            "date": day(p.date),
            "paperType": PAPER_TYPES[p.kind],
            "relatedPaper": urls.objects("paper", entry.related_paper_ids),
            # No file is marked as the main one, so all are auxiliary files (OParl: no mainFile then).
            "auxiliaryFile": files,
            "originatorPerson": urls.objects("person", entry.originator_person_ids),
            "underDirectionOf": [urls.object("organization", p.lead_department_id)] if p.lead_department_id else [],
            "originatorOrganization": urls.objects("organization", entry.originator_organization_ids),
            "consultation": [consultation(c, r, embedded=True) for c in entry.consultations],
            **times(p.created, entry.modified),
            "web": urls.web(f"/papers/{p.id}"),
        },
        deleted=p.deleted,
    )


def consultation(entry: ConsultationEntry, r: Rendering, *, embedded: bool = False) -> dict[str, Any]:
    c, urls = entry.consultation, r.urls
    return oparl_object(
        "Consultation",
        {
            "id": urls.object("consultation", c.id),
            "paper": None if embedded else urls.object("paper", c.paper_id),
            "agendaItem": urls.object("agendaitem", entry.agenda_item_id) if entry.agenda_item_id else None,
            "meeting": urls.object("meeting", entry.meeting_id) if entry.meeting_id else None,
            "organization": [urls.object("organization", c.organization_id)],
            "authoritative": c.authoritative,
            "role": CONSULTATION_ROLES[c.role],
            **times(c.created, entry.modified),
        },
        deleted=c.deleted,
    )


def file(entry: Loaded[File], r: Rendering, *, embedded: bool = False) -> dict[str, Any]:
    f, urls = entry.record, r.urls
    return oparl_object(
        "File",
        {
            "id": urls.object("file", f.id),
            "name": f.name,
            "fileName": f.file_name,
            "mimeType": f.mime_type,
            "date": day(f.date),
            "size": f.size,
            "sha512Checksum": f.sha512,
            "text": f.text,
            "accessUrl": urls.web(f"/files/{f.id}"),
            "downloadUrl": urls.web(f"/files/{f.id}/download"),
            "paper": [urls.object("paper", f.paper_id)] if f.paper_id and not embedded else [],
            "meeting": [urls.object("meeting", f.meeting_id)] if f.meeting_id and not embedded else [],
            **times(f.created, entry.modified),
        },
        deleted=f.deleted,
    )
