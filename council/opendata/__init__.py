"""Open data: the council's public records as the OParl interface reads them (the JSON lives in web/oparl/).

What is public is decided here, from the contexts' own rules (see visibility.py); the web layer only renders.
"""

from council.opendata.meetings import AGENDA_ITEMS, MEETINGS, AgendaItemEntry, MeetingEntry
from council.opendata.papers import CONSULTATIONS, FILES, PAPERS, ConsultationEntry, PaperEntry
from council.opendata.query import DEFAULT_LIMIT, MAX_LIMIT, ListQuery, parse_list_query
from council.opendata.reader import Kind, Loaded, Page, read_list, read_one
from council.opendata.structure import (
    BODIES,
    LEGISLATIVE_TERMS,
    LOCATIONS,
    MEMBERSHIPS,
    ORGANIZATIONS,
    PEOPLE,
    BodyEntry,
    OrganizationEntry,
    PersonEntry,
)
from council.opendata.system import SystemFacts, read_system

__all__ = [
    "AGENDA_ITEMS",
    "BODIES",
    "CONSULTATIONS",
    "DEFAULT_LIMIT",
    "FILES",
    "LEGISLATIVE_TERMS",
    "LOCATIONS",
    "MAX_LIMIT",
    "MEETINGS",
    "MEMBERSHIPS",
    "ORGANIZATIONS",
    "PAPERS",
    "PEOPLE",
    "AgendaItemEntry",
    "BodyEntry",
    "ConsultationEntry",
    "Kind",
    "ListQuery",
    "Loaded",
    "MeetingEntry",
    "OrganizationEntry",
    "Page",
    "PaperEntry",
    "PersonEntry",
    "SystemFacts",
    "parse_list_query",
    "read_list",
    "read_one",
    "read_system",
]
