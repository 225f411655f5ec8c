"""What happens in each demo meeting: agenda, results as worded in real minutes, and who came (plain data)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from council.demo.confidential import LAND_PURCHASE_RESOLUTION, LAND_PURCHASE_TITLE, STAFFING_TITLE
from council.demo.seed_papers import paper_text
from council.meetings.models import MeetingMode, MeetingState


class Wording(enum.Enum):
    """Resolution texts taken from the paper on the agenda."""

    ADOPT = "adopt"  # the proposed resolution as it stands
    RECOMMEND = "recommend"  # a committee's recommendation to the Stadtrat to adopt it


@dataclass(frozen=True)
class Item:
    title: str
    public: bool = True
    # (paper key, position in its Beratungsfolge) dealt with under this item.
    paper: tuple[str, int] | None = None
    result: str | None = None
    resolution: str | Wording | None = None
    # Ja, Nein, Enthaltungen, Befangen.
    vote: tuple[int, int, int, int] | None = None
    # Decisions of the Stadtrat and its committees enter the body's resolution register; procedural votes and
    # the advisory boards' recommendations do not.
    registered: bool = False
    children: tuple[Item, ...] = ()
    # Put on the agenda after the invitation went out, and announced by a supplement (Nachtrag).
    supplement: bool = False


@dataclass(frozen=True)
class Presence:
    excused: tuple[str, ...] = ()
    # Deputy -> the absent member of the same faction whose seat they take.
    substitutes: dict[str, str] = field(default_factory=dict)
    late: tuple[str, dt.time, str] | None = None
    left_early: tuple[str, dt.time] | None = None
    remote: bool = False


@dataclass(frozen=True)
class MeetingPlan:
    slot: str
    state: MeetingState
    location: str | None
    mode: MeetingMode = MeetingMode.IN_PERSON
    items: tuple[Item, ...] = ()
    presence: Presence | None = None
    cancellation_reason: str | None = None


NOTED = "zur Kenntnis genommen"
UNANIMOUS = "einstimmig beschlossen"


def opening() -> Item:
    return Item("Eröffnung und Feststellung der Beschlussfähigkeit")


def minutes_approval(past: bool) -> Item:
    return Item("Genehmigung der Niederschrift der letzten Sitzung", result="genehmigt" if past else None)


def announcements(by: str, past: bool) -> Item:
    return Item(f"Mitteilungen {by}", result=NOTED if past else None)


def questions() -> Item:
    return Item("Anfragen")


def other() -> Item:
    return Item("Verschiedenes")


PLANS: tuple[MeetingPlan, ...] = (
    MeetingPlan(
        "ha-past",
        MeetingState.CLOSED,
        "raum",
        items=(
            opening(),
            minutes_approval(past=True),
            announcements("der Verwaltung", past=True),
            Item(
                "Beschlussvorlagen und Anträge",
                children=(
                    Item(
                        "Arbeitspapier zur Digitalisierung in der Stadtverwaltung",
                        paper=("arbeitspapier", 1),
                        result=UNANIMOUS,
                        resolution=Wording.RECOMMEND,
                        vote=(11, 0, 0, 0),
                        registered=True,
                    ),
                    Item(
                        "Digitalisierungsstrategie für die Stadt Musterstadt",
                        paper=("strategie", 1),
                        result="einstimmig bei 2 Enthaltungen angenommen",
                        resolution=Wording.RECOMMEND,
                        vote=(9, 0, 2, 0),
                        registered=True,
                    ),
                ),
            ),
            Item(
                "Anfragen",
                children=(
                    Item(
                        "Anfrage Stadtratsmitglied Uwe Schaller bzgl. online Bürgerbüro",
                        paper=("anfrage", 1),
                        result=NOTED,
                    ),
                ),
            ),
            Item(
                LAND_PURCHASE_TITLE,
                public=False,
                paper=("grundstueck", 1),
                result="mehrheitlich beschlossen",
                resolution=LAND_PURCHASE_RESOLUTION,
                vote=(8, 1, 1, 1),
                registered=True,
            ),
        ),
        presence=Presence(excused=("Heuer",), substitutes={"Vogelsang": "Heuer"}),
    ),
    MeetingPlan(
        "senioren-past",
        MeetingState.CLOSED,
        "lindenhof",
        items=(
            opening(),
            minutes_approval(past=True),
            Item("Online-Bürgerbüro: Erfahrungen älterer Bürgerinnen und Bürger", result=NOTED),
            Item(
                "Persönliche Sprechzeiten im Bürgeramt ohne Terminbuchung",
                result=UNANIMOUS,
                resolution=(
                    "Der Seniorenbeirat empfiehlt der Verwaltung, neben der Online-Terminvergabe auch künftig an "
                    "zwei Vormittagen in der Woche Sprechzeiten ohne vorherige Terminbuchung anzubieten."
                ),
                vote=(6, 0, 0, 0),
            ),
            other(),
        ),
        presence=Presence(excused=("Köster", "Wilmsen")),
    ),
    MeetingPlan(
        "stadtrat-past",
        MeetingState.CLOSED,
        "saal",
        items=(
            opening(),
            minutes_approval(past=True),
            announcements("des Oberbürgermeisters", past=True),
            Item(
                "Beschlussvorlagen",
                children=(
                    Item(
                        "Arbeitspapier zur Digitalisierung in der Stadtverwaltung",
                        paper=("arbeitspapier", 2),
                        result="ungeändert beschlossen",
                        resolution=Wording.ADOPT,
                        vote=(38, 0, 0, 0),
                        registered=True,
                    ),
                    Item(
                        "Digitalisierungsstrategie für die Stadt Musterstadt",
                        paper=("strategie", 2),
                        result="mit Änderungen beschlossen",
                        resolution=paper_text("digitalisierungsstrategie_beschluss"),
                        vote=(33, 0, 5, 0),
                        registered=True,
                    ),
                ),
            ),
            Item(
                "Anträge",
                children=(
                    Item(
                        "e-Government-Konzept und e-Government-Beauftragte/r für Musterstadt",
                        paper=("konzept", 1),
                        result="verwiesen an den Haupt- und Wirtschaftsausschuss",
                        resolution=(
                            "Der Antrag wird zur Vorberatung in den Haupt- und Wirtschaftsausschuss überwiesen. Zu "
                            "den Ausschussberatungen werden Fachleute eingeladen, die die Möglichkeiten und Chancen "
                            "von e-Government präsentieren."
                        ),
                        vote=(36, 0, 2, 0),
                    ),
                ),
            ),
            questions(),
        ),
        presence=Presence(
            excused=("Kowalczyk", "Bittner", "Ortlepp", "Mertineit", "Schwerdtfeger", "Oberländer", "Ahlgrimm"),
            late=("Thielemann", dt.time(17, 25), "ab TOP Ö 3 anwesend"),
            left_early=("Hesselbarth", dt.time(20, 5)),
        ),
    ),
    MeetingPlan(
        "hwa-past",
        MeetingState.CLOSED,
        "raum",
        items=(
            opening(),
            minutes_approval(past=True),
            announcements("der Verwaltung", past=True),
            Item("Vortrag: Möglichkeiten und Chancen von e-Government (kommunaler IT-Dienstleister)", result=NOTED),
            Item(
                "Anträge",
                children=(
                    Item(
                        "eGovernment vorantreiben, digitale Dienste ausbauen",
                        paper=("egovernment", 1),
                        result="mehrheitlich beschlossen",
                        resolution=Wording.ADOPT,
                        vote=(6, 1, 1, 0),
                        registered=True,
                    ),
                    Item(
                        "e-Government-Konzept und e-Government-Beauftragte/r für Musterstadt",
                        paper=("konzept", 2),
                        result=UNANIMOUS,
                        resolution=Wording.RECOMMEND,
                        vote=(8, 0, 0, 0),
                        registered=True,
                    ),
                ),
            ),
            questions(),
        ),
        presence=Presence(excused=("Hamann",)),
    ),
    MeetingPlan(
        "digital-past",
        MeetingState.CLOSED,
        None,
        mode=MeetingMode.ONLINE,
        items=(
            opening(),
            minutes_approval(past=True),
            Item("Digitalisierungsstrategie für die Stadt Musterstadt", paper=("strategie", 3), result=NOTED),
            Item(
                "Empfehlung zur Barrierefreiheit der Online-Dienste",
                result=UNANIMOUS,
                resolution=(
                    "Der Digitalbeirat empfiehlt, alle neuen Online-Dienste der Stadt vor ihrer Freischaltung auf "
                    "Barrierefreiheit nach BITV 2.0 prüfen zu lassen und das Ergebnis zu veröffentlichen."
                ),
                vote=(4, 0, 0, 0),
            ),
            other(),
        ),
        presence=Presence(excused=("Bremer", "Vollmer"), remote=True),
    ),
    MeetingPlan(
        "ha-next",
        MeetingState.INVITED,
        "raum",
        items=(
            opening(),
            minutes_approval(past=False),
            announcements("der Verwaltung", past=False),
            Item(
                "Sachstand zur Umsetzung des Arbeitspapiers zur Digitalisierung (Halbjahresbericht)",
                paper=("sachstand", 1),
            ),
            Item("Bericht der Verwaltung: Störung des Bürgerportals am Monatsanfang", supplement=True),
            questions(),
            Item(STAFFING_TITLE, public=False, paper=("personal", 1)),
        ),
    ),
    MeetingPlan(
        "digital-next",
        MeetingState.INVITED,
        "raum",
        mode=MeetingMode.HYBRID,
        items=(
            opening(),
            minutes_approval(past=False),
            Item("Konzept für digitale Sitzungen von Beiräten und Gremien (Beschlusspunkt 07)"),
            other(),
        ),
    ),
    MeetingPlan(
        "stadtrat-next",
        MeetingState.PLANNED,
        "saal",
        items=(
            opening(),
            minutes_approval(past=False),
            announcements("des Oberbürgermeisters", past=False),
            Item(
                "Anträge",
                children=(
                    Item(
                        "e-Government-Konzept und e-Government-Beauftragte/r für Musterstadt",
                        paper=("konzept", 3),
                    ),
                ),
            ),
            questions(),
            Item(STAFFING_TITLE, public=False, paper=("personal", 2)),
        ),
    ),
    MeetingPlan(
        "senioren-cancelled",
        MeetingState.CANCELLED,
        "lindenhof",
        cancellation_reason="Die Sitzung entfällt mangels Beratungsgegenständen.",
    ),
    MeetingPlan(
        "hwa-next",
        MeetingState.PLANNED,
        "raum",
        items=(
            opening(),
            minutes_approval(past=False),
            announcements("der Verwaltung", past=False),
            Item("Bericht der Wirtschaftsförderung: Gewerbeflächen im Stadtgebiet Nord"),
            questions(),
        ),
    ),
    MeetingPlan(
        "senioren-next",
        MeetingState.PLANNED,
        "lindenhof",
        items=(
            opening(),
            minutes_approval(past=False),
            Item("Barrierefreier Umbau von Bushaltestellen: Bericht der Verwaltung"),
            other(),
        ),
    ),
)
