"""The minutes as a document: plain, serialisable records, the public cut, and the content hash signatures bind.

The generated parts are stored as JSON on the working copy and frozen into versions; msgspec turns them into
these typed records and back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")


class Attendee(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    faction: str | None = None
    role: str | None = None  # MembershipRole value; None for someone present without a membership
    voting_right: bool = True
    remote: bool = False
    arrived_at: dt.datetime | None = None
    left_at: dt.datetime | None = None
    substitutes: str | None = None  # the absent member a deputy stands in for
    note: str | None = None


class Absentee(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    faction: str | None = None
    role: str | None = None
    excused: bool = False
    substituted_by: str | None = None
    note: str | None = None  # the reason given; printed in the internal version only


class Header(msgspec.Struct, frozen=True, kw_only=True):
    body_name: str
    organization_id: int
    organization_name: str
    meeting_id: int
    meeting_title: str
    start: dt.datetime
    end: dt.datetime | None = None
    place: str | None = None
    mode: str = "in_person"
    timezone: str = "Europe/Berlin"
    statutory_seats: int | None = None
    present: list[Attendee] = msgspec.field(default_factory=list)
    absent: list[Absentee] = msgspec.field(default_factory=list)


class PollRecord(msgspec.Struct, frozen=True, kw_only=True):
    poll_id: int
    subject: str  # PollSubject value
    kind: str  # PollKind value
    title: str
    motion_text: str | None = None
    cancelled: bool = False
    cancel_reason: str | None = None
    yes: int = 0
    no: int = 0
    abstain: int = 0
    befangen: int = 0
    adopted: bool | None = None
    wording: str | None = None
    explanation: str | None = None
    quorum_flagged: bool = False
    # Named polls only: choice value -> names. Secret polls never carry names.
    names: dict[str, list[str]] = msgspec.field(default_factory=dict)


class Conflict(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    reason: str | None = None  # internal version only


class VoteNote(msgspec.Struct, frozen=True, kw_only=True):
    """ "Auf Wunsch von … wird festgehalten, dass … mit Nein gestimmt hat." """

    name: str
    choice: str  # Choice value
    poll_title: str


class ApprovalNote(msgspec.Struct, frozen=True, kw_only=True):
    """On the item "Genehmigung der Niederschrift": which minutes were approved here, and how."""

    meeting_title: str
    meeting_start: dt.datetime
    objections: str | None = None
    corrections: str | None = None
    confidential_notes: str | None = None  # about the non-public part; internal version only


class ItemRecord(msgspec.Struct, frozen=True, kw_only=True):
    agenda_item_id: int
    number: str
    title: str
    public: bool
    paper_reference: str | None = None
    paper_title: str | None = None
    paper_public: bool = True
    consultation_role: str | None = None
    proposal: str | None = None  # the paper's Beschlussvorschlag
    polls: list[PollRecord] = msgspec.field(default_factory=list)
    conflicts: list[Conflict] = msgspec.field(default_factory=list)
    vote_notes: list[VoteNote] = msgspec.field(default_factory=list)
    approvals: list[ApprovalNote] = msgspec.field(default_factory=list)
    result: str | None = None
    result_kind: str | None = None
    resolution_text: str | None = None
    vote_summary: str | None = None
    resolution_number: str | None = None
    referred_to: str | None = None
    deliberation: str | None = None  # written by the secretariat


class Approval(msgspec.Struct, frozen=True, kw_only=True):
    via: str  # ApprovalVia value
    approved_at: dt.datetime
    approved_by: str | None = None
    meeting_title: str | None = None
    meeting_start: dt.datetime | None = None
    item_number: str | None = None
    objections: str | None = None
    corrections: str | None = None
    confidential_notes: str | None = None


class MinutesDocument(msgspec.Struct, frozen=True, kw_only=True):
    header: Header
    chair: str | None = None
    clerk: str | None = None
    other_attendees: str | None = None
    items: list[ItemRecord] = msgspec.field(default_factory=list)
    version: int | None = None
    reason: str | None = None  # why an approved text was corrected in this version
    approval: Approval | None = None
    public_only: bool = False


def to_json(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data


def from_json(data: dict[str, Any], kind: type[T]) -> T:
    return msgspec.convert(data, kind)


def content_hash(content: dict[str, Any]) -> str:
    """sha256 over canonical JSON (sorted keys, no spaces): the same content always gives the same hash."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _public_item(item: ItemRecord) -> ItemRecord:
    paper = {} if item.paper_public else {"paper_reference": None, "paper_title": None, "proposal": None}
    return msgspec.structs.replace(
        item,
        conflicts=[Conflict(name=c.name) for c in item.conflicts],
        approvals=[msgspec.structs.replace(a, confidential_notes=None) for a in item.approvals],
        **paper,
    )


def public_part(document: MinutesDocument) -> MinutesDocument:
    """The public version: every non-public item left out entirely, and nothing said about it elsewhere."""
    header = msgspec.structs.replace(
        document.header, absent=[msgspec.structs.replace(a, note=None) for a in document.header.absent]
    )
    approval = (
        msgspec.structs.replace(document.approval, confidential_notes=None) if document.approval is not None else None
    )
    return msgspec.structs.replace(
        document,
        header=header,
        items=[_public_item(item) for item in document.items if item.public],
        approval=approval,
        public_only=True,
    )


def plain_text(document: MinutesDocument) -> str:
    """The words of the document, for a search index (call it with the public part for public search)."""
    parts = [document.header.meeting_title, document.header.organization_name, document.other_attendees or ""]
    for item in document.items:
        parts += [item.number, item.title, item.paper_title or "", item.proposal or "", item.deliberation or ""]
        parts += [item.result or "", item.resolution_text or "", item.resolution_number or ""]
        parts += [poll.motion_text or poll.title for poll in item.polls]
    return "\n".join(part for part in parts if part)
