"""The five real council papers of /seeds, transcribed for Musterstadt (plain data).

The wording is the papers' own; real people's names are replaced by fictional members, the city names by
Musterstadt, and committee names by Musterstadt's committees so that each Beratungsfolge fits the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources

from council.papers.models import ConsultationRole, PaperKind

PRIOR = ConsultationRole.PRIOR_DELIBERATION
DECISION = ConsultationRole.DECISION
INFORMATION = ConsultationRole.INFORMATION


def paper_text(name: str) -> str:
    """A long text kept beside this module as `<name>.txt` (too long for readable Python literals)."""
    return resources.files("council.demo").joinpath(f"{name}.txt").read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class PaperSpec:
    key: str
    kind: PaperKind
    title: str
    # A fixed day, or (meeting slot, days before that meeting) for papers dated relative to today.
    date: dt.date | tuple[str, int]
    # Beratungsfolge: (organization key, role) in order.
    steps: tuple[tuple[str, ConsultationRole], ...] = ()
    # The real reference where the seed has one; otherwise one is drawn from the body's pattern.
    reference: str | None = None
    proposed_resolution: str | None = None
    reasons: str | None = None
    lead_department: str | None = None
    # Faction keys or family names of people, in the order printed on the paper.
    submitters: tuple[str, ...] = ()
    public: bool = True
    related: str | None = None


SEED_PAPERS: tuple[PaperSpec, ...] = (
    # 000: Antrag GRÜ/1248/16 to the Haupt- und Wirtschaftsausschuss.
    PaperSpec(
        key="egovernment",
        kind=PaperKind.MOTION,
        title="eGovernment vorantreiben, digitale Dienste ausbauen",
        date=dt.date(2016, 11, 21),
        reference="GRÜ/1248/16",
        steps=(("hwa", DECISION),),
        proposed_resolution=paper_text("egovernment_vorantreiben"),
        reasons="Erfolgt mündlich\n\nTobias Rieck\n- Sprecher für digitale Technologie und Infrastruktur -",
        lead_department="digitalisierung",
        submitters=("gru", "Rieck"),
    ),
    # 001: Antrag with a request for referral to a committee (Ausschussüberweisung) and expert guests.
    PaperSpec(
        key="konzept",
        kind=PaperKind.MOTION,
        title="e-Government-Konzept und e-Government-Beauftragte/r für Musterstadt",
        date=("stadtrat-past", 20),
        steps=(("stadtrat", PRIOR), ("hwa", PRIOR), ("stadtrat", DECISION)),
        proposed_resolution=paper_text("egovernment_konzept_antrag"),
        reasons=paper_text("egovernment_konzept_begruendung"),
        lead_department="digitalisierung",
        submitters=("soz", "nm"),
    ),
    # 002: Beschlussvorlage of the administration, decided "ungeändert" with a half-yearly reporting duty.
    PaperSpec(
        key="arbeitspapier",
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title="Arbeitspapier zur Digitalisierung in der Stadtverwaltung",
        date=("ha-past", 14),
        steps=(("ha", PRIOR), ("stadtrat", DECISION)),
        proposed_resolution=paper_text("arbeitspapier_beschluss"),
        reasons=paper_text("arbeitspapier_sachverhalt"),
        lead_department="amt10",
        submitters=("Almstedt",),
    ),
    # 003: Antrag for a digitalisation strategy, decided "mit Änderungen" (point 07 was added in the Stadtrat).
    PaperSpec(
        key="strategie",
        kind=PaperKind.MOTION,
        title="Digitalisierungsstrategie für die Stadt Musterstadt",
        date=("ha-past", 12),
        steps=(("ha", PRIOR), ("stadtrat", DECISION), ("digital", INFORMATION)),
        proposed_resolution=paper_text("digitalisierungsstrategie_vorschlag"),
        reasons="Erfolgt mündlich.",
        lead_department="digitalisierung",
        submitters=("bbm", "gru"),
    ),
    # 004: Anfrage VO/2014/01919 and the administration's answer, taken note of in the Hauptausschuss.
    PaperSpec(
        key="anfrage",
        kind=PaperKind.INQUIRY,
        title="Anfrage Stadtratsmitglied Uwe Schaller bzgl. online Bürgerbüro",
        date=dt.date(2014, 7, 15),
        reference="VO/2014/01919",
        steps=(("ha", INFORMATION),),
        reasons=(
            "Mit Anfrage vom 15.7.2014 fragt Stadtratsmitglied Uwe Schaller: „Welche Möglichkeiten bestehen, "
            "dass ein online Bürgerbüro weiter ausgebaut wird?“"
        ),
        lead_department="amt20",
        submitters=("Schaller",),
    ),
    PaperSpec(
        key="antwort",
        kind=PaperKind.ANSWER,
        title="Antwort der Verwaltung: Anfrage Stadtratsmitglied Uwe Schaller bzgl. online Bürgerbüro",
        date=dt.date(2014, 9, 2),
        reference="VO/2014/02087",
        reasons=paper_text("online_buergerbuero_antwort"),
        lead_department="amt20",
        submitters=("Almstedt",),
        related="anfrage",
    ),
    # Follows from 002: the half-yearly report it ordered.
    PaperSpec(
        key="sachstand",
        kind=PaperKind.INFORMATION,
        title="Sachstand zur Umsetzung des Arbeitspapiers zur Digitalisierung (Halbjahresbericht)",
        date=("ha-next", 12),
        # The Digitalbeirat takes note as well: a step still waiting for one of its agendas.
        steps=(("ha", INFORMATION), ("digital", INFORMATION)),
        proposed_resolution="Der Hauptausschuss nimmt den Bericht zum Umsetzungsstand zur Kenntnis.",
        reasons=(
            "Mit dem Beschluss zum Arbeitspapier zur Digitalisierung in der Stadtverwaltung hat der Stadtrat die "
            "Verwaltung beauftragt, halbjährlich über den Umsetzungsstand zu informieren. Die AG „Digitalisierung "
            "der Verwaltung“ hat seitdem die Online-Terminvergabe im Bürgeramt eingeführt und die elektronische "
            "Akte im Hauptamt pilotiert; der Stand der übrigen Maßnahmen ist in der Anlage dargestellt."
        ),
        lead_department="digitalisierung",
        submitters=("Almstedt",),
    ),
)
