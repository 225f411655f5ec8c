"""Who is looking: the facts about a user that decide what they may see and do."""

from __future__ import annotations

from dataclasses import dataclass, field

from council.accounts.models import BodyRoleKind
from council.bodies.models import MembershipRole


@dataclass(frozen=True)
class Viewer:
    """An anonymous visitor has no user id and no roles."""

    user_id: int | None = None
    display_name: str = ""
    person_id: int | None = None
    body_roles: frozenset[tuple[int, BodyRoleKind]] = frozenset()
    # organization id -> the roles held there today (through memberships)
    organization_roles: dict[int, frozenset[MembershipRole]] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def has_body_role(self, body_id: int, *roles: BodyRoleKind) -> bool:
        return any((body_id, role) in self.body_roles for role in roles)

    @property
    def is_any_admin(self) -> bool:
        return any(role is BodyRoleKind.ADMIN for _, role in self.body_roles)

    def is_admin(self, body_id: int) -> bool:
        return self.has_body_role(body_id, BodyRoleKind.ADMIN)

    def is_secretariat(self, body_id: int) -> bool:
        """Admins can do what the secretariat does."""
        return self.has_body_role(body_id, BodyRoleKind.SECRETARIAT, BodyRoleKind.ADMIN)

    def is_member_of(self, organization_id: int) -> bool:
        return organization_id in self.organization_roles

    def chairs(self, organization_id: int) -> bool:
        roles = self.organization_roles.get(organization_id, frozenset())
        return MembershipRole.CHAIR in roles or MembershipRole.VICE_CHAIR in roles

    def may_see_confidential(self, body_id: int, organization_id: int) -> bool:
        """Non-public items of an organization: its members (deputies too) and the body's secretariat."""
        return self.is_secretariat(body_id) or self.is_member_of(organization_id)


ANONYMOUS = Viewer()
