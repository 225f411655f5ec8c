"""Demo accounts, one per persona, all with the same readable password (the demo runs locally only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.models import BodyRoleKind
from council.accounts.service import create_user
from council.demo.structure import Directory

# Printed on the login page and by "council demo load": a published password, on purpose.
DEMO_PASSWORD = "demo-passwort"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    persona: str
    username: str
    password: str


@dataclass(frozen=True)
class _Account:
    login: DemoLogin
    # Family name of the person behind the account; the administrator is nobody in particular.
    person: str | None
    roles: tuple[BodyRoleKind, ...] = ()


_ACCOUNTS: tuple[_Account, ...] = (
    _Account(DemoLogin("Administration", "demo-admin", DEMO_PASSWORD), None, (BodyRoleKind.ADMIN,)),
    _Account(
        DemoLogin("Sitzungsdienst", "demo-sitzungsdienst", DEMO_PASSWORD), "Wallmann", (BodyRoleKind.SECRETARIAT,)
    ),
    # Chairs the Hauptausschuss and sits in the Stadtrat.
    _Account(DemoLogin("Ausschussvorsitz", "demo-vorsitz", DEMO_PASSWORD), "Brandhorst"),
    # Member of the Stadtrat and the Hauptausschuss for the Grüne Liste.
    _Account(DemoLogin("Ratsmitglied", "demo-mitglied", DEMO_PASSWORD), "Sandkühler"),
    # Deputy member of the Hauptausschuss for the same faction.
    _Account(DemoLogin("Stellvertretendes Mitglied", "demo-stellvertretung", DEMO_PASSWORD), "Vogelsang"),
    # Sachkundiger Bürger in the Digitalbeirat.
    _Account(DemoLogin("Beiratsmitglied", "demo-beirat", DEMO_PASSWORD), "Yıldırım"),
)

DEMO_LOGINS: list[DemoLogin] = [account.login for account in _ACCOUNTS]


async def build_users(session: AsyncSession, directory: Directory) -> None:
    for account in _ACCOUNTS:
        person = directory.people[account.person] if account.person else None
        await create_user(
            session,
            body=directory.body,
            username=account.login.username,
            password=account.login.password,
            display_name=person.name if person else "Administration (Demo)",
            # Every demo account has an address, so that sending an invitation can be tried out (var/mail).
            email=(person.email if person else None) or f"{account.login.username}@musterstadt.example.org",
            person=person,
            roles=account.roles,
        )
