"""JSON of the municipality's structure: System, Body, LegislativeTerm, Organization, Person, Membership, Location."""

from __future__ import annotations

from typing import Any

from council.bodies.models import LegislativeTerm, Location, Membership
from council.opendata import BodyEntry, Loaded, OrganizationEntry, PersonEntry, SystemFacts
from web.oparl.format import Rendering, day, moment, oparl_object, times
from web.oparl.urls import SCHEMA
from web.oparl.vocabulary import MEMBERSHIP_ROLES, ORGANIZATION_TYPES


def system(facts: SystemFacts, r: Rendering) -> dict[str, Any]:
    body = facts.body
    return oparl_object(
        "System",
        {
            "id": r.urls.system,
            "oparlVersion": SCHEMA,
            "name": f"Ratsinformationssystem {body.name}" if body else "Ratsinformationssystem",
            "body": r.urls.list("body"),
            "contactEmail": body.contact_email if body else None,
            "contactName": body.contact_name if body else None,
            "website": r.urls.web("/"),
            "created": moment(facts.created),
            "modified": moment(facts.modified),
            "web": r.urls.web("/"),
        },
    )


def body(entry: BodyEntry, r: Rendering) -> dict[str, Any]:
    b, urls = entry.body, r.urls
    owner = ("body", b.id)
    return oparl_object(
        "Body",
        {
            "id": urls.object("body", b.id),
            "system": urls.system,
            "shortName": b.short_name,
            "name": b.name,
            "website": b.website,
            "ags": b.ags,
            "contactEmail": b.contact_email,
            "contactName": b.contact_name,
            "organization": urls.list("organization", owner),
            "person": urls.list("person", owner),
            "meeting": urls.list("meeting", owner),
            "paper": urls.list("paper", owner),
            # Required by the Body schema, so it stays even with omit_internal.
            "legislativeTerm": [legislative_term(Loaded(t, t.modified), r, embedded=True) for t in entry.terms],
            "agendaItem": urls.list("agendaitem", owner),
            "consultation": urls.list("consultation", owner),
            "file": urls.list("file", owner),
            "locationList": urls.list("location", owner),
            "legislativeTermList": urls.list("legislativeterm", owner),
            "membership": urls.list("membership", owner),
            **times(b.created, entry.modified),
            "web": urls.web("/"),
        },
        deleted=b.deleted,
    )


def legislative_term(entry: Loaded[LegislativeTerm], r: Rendering, *, embedded: bool = False) -> dict[str, Any]:
    term = entry.record
    return oparl_object(
        "LegislativeTerm",
        {
            "id": r.urls.object("legislativeterm", term.id),
            "body": None if embedded else r.urls.object("body", term.body_id),
            "name": term.name,
            "startDate": day(term.start_date),
            "endDate": day(term.end_date),
            **times(term.created, entry.modified),
        },
        deleted=term.deleted,
    )


def organization(entry: OrganizationEntry, r: Rendering) -> dict[str, Any]:
    o, urls = entry.organization, r.urls
    organization_type, classification = ORGANIZATION_TYPES[o.kind]
    return oparl_object(
        "Organization",
        {
            "id": urls.object("organization", o.id),
            "body": urls.object("body", o.body_id),
            "name": o.name,
            "shortName": o.short_name,
            "membership": urls.objects("membership", entry.membership_ids),
            "meeting": urls.list("meeting", ("organization", o.id)),
            "consultation": urls.list("consultation", ("organization", o.id)),
            "organizationType": organization_type,
            "classification": classification,
            "startDate": day(o.start_date),
            "endDate": day(o.end_date),
            "website": o.website,
            # The statutory number of voting seats, the base of the quorum.
            "votingMemberCount": o.statutory_seats,
            **times(o.created, entry.modified),
            "web": urls.web(f"/organizations/{o.id}"),
        },
        deleted=o.deleted,
    )


def person(entry: PersonEntry, r: Rendering) -> dict[str, Any]:
    p, urls = entry.person, r.urls
    memberships = [membership(Loaded(m, m.modified), r, embedded=True) for m in entry.memberships]
    return oparl_object(
        "Person",
        {
            "id": urls.object("person", p.id),
            "body": urls.object("body", p.body_id),
            "name": p.name,
            "familyName": p.family_name,
            "givenName": p.given_name,
            "formOfAddress": p.form_of_address,
            "affix": p.affix,
            "title": [p.title] if p.title else [],
            # Contact data is kept for invitations, not published: members have not consented to that.
            "membership": None if r.omit_internal else memberships,
            "life": p.life,
            **times(p.created, entry.modified),
            "web": urls.web(f"/persons/{p.id}"),
        },
        deleted=p.deleted,
    )


def membership(entry: Loaded[Membership], r: Rendering, *, embedded: bool = False) -> dict[str, Any]:
    m, urls = entry.record, r.urls
    return oparl_object(
        "Membership",
        {
            "id": urls.object("membership", m.id),
            "person": None if embedded else urls.object("person", m.person_id),
            "organization": urls.object("organization", m.organization_id),
            "role": MEMBERSHIP_ROLES[m.role],
            "votingRight": m.voting_right,
            "startDate": day(m.start_date),
            "endDate": day(m.end_date),
            "onBehalfOf": urls.object("organization", m.on_behalf_of_id) if m.on_behalf_of_id else None,
            **times(m.created, entry.modified),
        },
        deleted=m.deleted,
    )


def location(entry: Loaded[Location], r: Rendering) -> dict[str, Any]:
    place = entry.record
    return oparl_object(
        "Location",
        {
            "id": r.urls.object("location", place.id),
            "description": place.one_line,
            "streetAddress": place.street_address,
            "room": place.room,
            "postalCode": place.postal_code,
            "locality": place.locality,
            **times(place.created, entry.modified),
        },
        deleted=place.deleted,
    )
