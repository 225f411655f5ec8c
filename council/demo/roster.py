"""Who is who in Musterstadt: factions, bodies, departments and their people (plain data).

Every name is invented. People are referred to by their family name, which is unique within the demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from council.bodies.models import MembershipRole, OrganizationKind

BODY_SHORT_NAME = "musterstadt"

# The Oberbürgermeister chairs the Stadtrat with a vote (as in Thüringen, § 23 ThürKO) and was nominated by,
# and sits with, the largest faction; so the 45 statutory seats include his.
MAYOR = "Almstedt"


@dataclass(frozen=True)
class FactionSpec:
    key: str
    name: str
    short_name: str
    # Family names; the first is the faction's chair, the mayor's seat is counted where he is listed.
    members: tuple[str, ...]


@dataclass(frozen=True)
class Seat:
    family_name: str
    role: MembershipRole = MembershipRole.MEMBER
    voting_right: bool = True


@dataclass(frozen=True)
class OrganizationSpec:
    key: str
    kind: OrganizationKind
    name: str
    short_name: str | None = None
    statutory_seats: int | None = None
    digital_meetings_allowed: bool = False
    description: str | None = None
    seats: tuple[Seat, ...] = field(default_factory=tuple)


# "Anrede [Titel] Vorname Nachname" for everyone in the demo.
PEOPLE: tuple[str, ...] = (
    # Fraktion Bürgerbündnis Musterstadt
    "Herr Dr. Henrik Almstedt",
    "Frau Ulrike Brandhorst",
    "Herr Jens Vollmer",
    "Frau Sabine Köhnlein",
    "Herr Thomas Eckhardt",
    "Frau Petra Lindqvist",
    "Herr Markus Rehbein",
    "Frau Anja Kowalczyk",
    "Herr Rüdiger Hamann",
    "Frau Birgit Osterloh",
    "Herr Stefan Dreyling",
    "Frau Yvonne Brückner",
    "Herr Karl-Heinz Oberländer",
    # Fraktion Soziales Musterstadt
    "Frau Martina Feldhaus",
    "Herr Deniz Aydın",
    "Herr Frank Bittner",
    "Frau Heike Zschoche",
    "Herr Carsten Pankratz",
    "Frau Renate Wilmsen",
    "Herr Lukas Thielemann",
    "Frau Gül Demirci",
    "Herr Uwe Schaller",
    "Frau Katrin Möbius",
    "Herr Sven Ahlgrimm",
    # Grüne Liste Musterstadt
    "Frau Miriam Sandkühler",
    "Herr Jakob Heuer",
    "Frau Lena Vogelsang",
    "Herr Tobias Rieck",
    "Frau Franziska Lorenzen",
    "Herr Benedikt Quast",
    "Frau Svenja Ortlepp",
    "Herr Moritz Kleinschmidt",
    "Frau Aylin Kaya",
    # Unabhängige Bürgerliste
    "Herr Gerhard Wendeborn",
    "Frau Ingrid Pohlmann",
    "Herr Dr. Reinhard Tiedtke",
    "Frau Monika Hesselbarth",
    "Herr Wolfgang Mertineit",
    "Frau Daniela Fröhlich",
    "Herr Heiko Stübner",
    # Fraktion Neue Mitte
    "Frau Julia Marquardt",
    "Herr Alexander Petrović",
    "Frau Nadine Schwerdtfeger",
    "Herr Christian Lübbers",
    "Frau Elena Wagner",
    # Seniorenbeirat
    "Frau Hannelore Gieseler",
    "Herr Siegfried Ackermann",
    "Frau Erika Paschke",
    "Herr Dieter Hornung",
    "Frau Marianne Köster",
    "Frau Gisela Trautmann",
    "Herr Horst Wendland",
    # Digitalbeirat
    "Frau Dr. Paula Rentsch",
    "Herr Emre Yıldırım",
    "Frau Tanja Hofbauer",
    "Herr Niklas Bremer",
    "Frau Sophie Achterberg",
    # Stadtverwaltung
    "Herr Volker Nitschke",
    "Frau Kerstin Wallmann",
    "Frau Susanne Drechsel",
    "Herr Jörg Liebscher",
    "Herr Fabian Strunk",
)

# Staff get an office address; example.org keeps the demo from pointing at anybody's real mailbox.
STAFF_WITH_EMAIL = ("Nitschke", "Wallmann", "Drechsel", "Liebscher", "Strunk")


def _names(family_names: str) -> tuple[str, ...]:
    return tuple(family_names.split())


FACTIONS: tuple[FactionSpec, ...] = (
    FactionSpec(
        "bbm",
        "Fraktion Bürgerbündnis Musterstadt",
        "BBM",
        _names("Rehbein Almstedt Brandhorst Vollmer Köhnlein Eckhardt Lindqvist Kowalczyk Hamann Osterloh Dreyling")
        + _names("Brückner Oberländer"),
    ),
    FactionSpec(
        "soz",
        "Fraktion Soziales Musterstadt",
        "SOZ",
        _names("Feldhaus Aydın Bittner Zschoche Pankratz Wilmsen Thielemann Demirci Schaller Möbius Ahlgrimm"),
    ),
    FactionSpec(
        "gru",
        "Grüne Liste Musterstadt",
        # The prefix of its motions, as in the seed reference GRÜ/1248/16.
        "GRÜ",
        _names("Heuer Sandkühler Vogelsang Rieck Lorenzen Quast Ortlepp Kleinschmidt Kaya"),
    ),
    FactionSpec(
        "ubl",
        "Fraktion Unabhängige Bürgerliste",
        "UBL",
        _names("Wendeborn Pohlmann Tiedtke Hesselbarth Mertineit Fröhlich Stübner"),
    ),
    FactionSpec(
        "nm",
        "Fraktion Neue Mitte",
        "NM",
        _names("Marquardt Petrović Schwerdtfeger Lübbers Wagner"),
    ),
)

COUNCILLORS: tuple[str, ...] = tuple(name for faction in FACTIONS for name in faction.members)

M = MembershipRole

# Committee seats follow the factions' strength (d'Hondt: 3/3/2/2/1 of 11, 3/2/2/1/1 of 9).
BODIES: tuple[OrganizationSpec, ...] = (
    OrganizationSpec(
        "stadtrat",
        OrganizationKind.COUNCIL,
        "Stadtrat",
        statutory_seats=45,
        description="Die gewählte Vertretung der Bürgerinnen und Bürger der Stadt Musterstadt.",
        seats=tuple(Seat(name, M.CHAIR if name == MAYOR else M.MEMBER) for name in COUNCILLORS),
    ),
    OrganizationSpec(
        "ha",
        OrganizationKind.COMMITTEE,
        "Hauptausschuss",
        short_name="HA",
        statutory_seats=11,
        description="Bereitet die Sitzungen des Stadtrates vor und entscheidet über übertragene Angelegenheiten.",
        seats=(
            Seat("Brandhorst", M.CHAIR),
            Seat("Feldhaus", M.VICE_CHAIR),
            *(Seat(name) for name in ("Vollmer", "Köhnlein", "Aydın", "Bittner", "Sandkühler", "Heuer")),
            *(Seat(name) for name in ("Wendeborn", "Pohlmann", "Marquardt")),
            *(Seat(name, M.DEPUTY) for name in ("Vogelsang", "Dreyling", "Möbius", "Fröhlich", "Petrović")),
        ),
    ),
    OrganizationSpec(
        "hwa",
        OrganizationKind.COMMITTEE,
        "Haupt- und Wirtschaftsausschuss",
        short_name="HWA",
        statutory_seats=9,
        description="Wirtschaftsförderung, Digitalisierung und Organisation der Verwaltung.",
        seats=(
            Seat("Eckhardt", M.CHAIR),
            Seat("Thielemann", M.VICE_CHAIR),
            *(Seat(name) for name in ("Osterloh", "Hamann", "Wilmsen", "Rieck", "Lorenzen", "Tiedtke")),
            Seat("Schwerdtfeger"),
            *(Seat(name, M.DEPUTY) for name in ("Ortlepp", "Brückner")),
        ),
    ),
    OrganizationSpec(
        "senioren",
        OrganizationKind.ADVISORY_BOARD,
        "Seniorenbeirat",
        statutory_seats=7,
        description="Vertritt die Belange der älteren Bürgerinnen und Bürger gegenüber Rat und Verwaltung.",
        seats=(
            Seat("Gieseler", M.CHAIR),
            Seat("Ackermann", M.VICE_CHAIR),
            *(Seat(name) for name in ("Paschke", "Hornung", "Köster")),
            *(Seat(name, M.EXPERT_CITIZEN) for name in ("Trautmann", "Wendland")),
            *(Seat(name, M.ADVISORY, voting_right=False) for name in ("Wilmsen", "Pohlmann")),
        ),
    ),
    OrganizationSpec(
        "digital",
        OrganizationKind.ADVISORY_BOARD,
        "Digitalbeirat",
        statutory_seats=5,
        digital_meetings_allowed=True,
        description="Berät Rat und Verwaltung zur Digitalisierung; tagt auch per Videokonferenz.",
        seats=(
            Seat("Rentsch", M.CHAIR),
            Seat("Achterberg", M.VICE_CHAIR),
            *(Seat(name, M.EXPERT_CITIZEN) for name in ("Yıldırım", "Hofbauer", "Bremer")),
            *(Seat(name, M.ADVISORY, voting_right=False) for name in ("Heuer", "Petrović", "Vollmer", "Strunk")),
        ),
    ),
    OrganizationSpec(
        "amt10",
        OrganizationKind.DEPARTMENT,
        "Amt 10 – Hauptamt",
        short_name="10",
        description="Organisation, Personal, Sitzungsdienst.",
        seats=(Seat("Nitschke", M.CHAIR, False), Seat("Wallmann", M.MEMBER, False)),
    ),
    OrganizationSpec(
        "amt20",
        OrganizationKind.DEPARTMENT,
        "Amt 20 – Finanzen",
        short_name="20",
        description="Haushalt und Steuerung, Stadtkasse.",
        seats=(Seat("Drechsel", M.CHAIR, False),),
    ),
    OrganizationSpec(
        "amt23",
        OrganizationKind.DEPARTMENT,
        "Amt 23 – Liegenschaften",
        short_name="23",
        seats=(Seat("Liebscher", M.CHAIR, False),),
    ),
    OrganizationSpec(
        "digitalisierung",
        OrganizationKind.DEPARTMENT,
        "Stabsstelle Digitalisierung",
        short_name="DIG",
        seats=(Seat("Strunk", M.CHAIR, False),),
    ),
)
