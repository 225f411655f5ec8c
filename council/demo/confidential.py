"""The demo's non-public business: papers and results that must never reach a public page.

Every title and text here carries CONFIDENTIAL_MARKER, so a test can search public output for it.
"""

from __future__ import annotations

from council.demo.seed_papers import DECISION, PRIOR, PaperSpec
from council.papers.models import PaperKind

CONFIDENTIAL_MARKER = "VERTRAULICH-DEMO-7431"

LAND_PURCHASE_TITLE = f"Ankauf einer Teilfläche des Flurstücks 112/3, Gemarkung Musterstadt ({CONFIDENTIAL_MARKER})"
LAND_PURCHASE_RESOLUTION = (
    "Der Hauptausschuss stimmt dem Ankauf einer Teilfläche von ca. 2.350 m² des Flurstücks 112/3, Flur 7, "
    "Gemarkung Musterstadt, zu einem Kaufpreis von 185.000 EUR zuzüglich Nebenkosten zu. Die Mittel stehen im "
    f"Haushalt bereit. ({CONFIDENTIAL_MARKER})\n\n"
    "Herr Wendeborn hat sich für befangen erklärt und an Beratung und Abstimmung nicht teilgenommen."
)

STAFFING_TITLE = f"Personalangelegenheit: Besetzung der Amtsleitung Amt 20 – Finanzen ({CONFIDENTIAL_MARKER})"

CONFIDENTIAL_PAPERS: tuple[PaperSpec, ...] = (
    PaperSpec(
        key="grundstueck",
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title=LAND_PURCHASE_TITLE,
        date=("ha-past", 10),
        steps=(("ha", DECISION),),
        proposed_resolution=LAND_PURCHASE_RESOLUTION.split("\n\n", 1)[0],
        reasons=(
            "Die Teilfläche grenzt an das städtische Grundstück der Grundschule Am Lindenhof und wird für deren "
            "Erweiterung benötigt. Der Kaufpreis entspricht dem Gutachten des Gutachterausschusses. Die Eigentümer "
            f"haben um vertrauliche Behandlung gebeten. ({CONFIDENTIAL_MARKER})"
        ),
        lead_department="amt23",
        submitters=("Almstedt",),
        public=False,
    ),
    PaperSpec(
        key="personal",
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title=STAFFING_TITLE,
        date=("ha-next", 11),
        steps=(("ha", PRIOR), ("stadtrat", DECISION)),
        proposed_resolution=(
            "Der Stadtrat stimmt der Besetzung der Stelle der Amtsleitung des Amtes 20 mit der in der Anlage "
            f"genannten Bewerberin zum nächstmöglichen Zeitpunkt zu. ({CONFIDENTIAL_MARKER})"
        ),
        reasons=(
            "Die bisherige Amtsleiterin tritt in den Ruhestand. Nach Ausschreibung und Auswahlgesprächen schlägt die "
            f"Verwaltung die in der Anlage genannte Bewerberin vor. ({CONFIDENTIAL_MARKER})"
        ),
        lead_department="amt10",
        submitters=("Almstedt",),
        public=False,
    ),
)
