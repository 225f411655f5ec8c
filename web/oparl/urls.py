"""The permanent URLs of the OParl interface, built from the public base URL (an object's URL is its id)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

OPARL_PREFIX = "/oparl"
API_PATH = f"{OPARL_PREFIX}/v1.1"
SCHEMA = "https://schema.oparl.org/1.1/"
# Paths of the interface, for middleware that must leave it alone (sessions: OParl is stateless, OParl 2.3).
OPARL_PATHS = f"^{OPARL_PREFIX}(/|$)"


def is_oparl_path(path: str) -> bool:
    return path == OPARL_PREFIX or path.startswith(OPARL_PREFIX + "/")


def type_url(name: str) -> str:
    """``type`` of an object: "Paper" -> https://schema.oparl.org/1.1/Paper."""
    return SCHEMA + name


@dataclass(frozen=True)
class OParlUrls:
    base: str  # Settings.public_base_url, without a trailing slash

    @property
    def system(self) -> str:
        return f"{self.base}{API_PATH}/"

    def object(self, kind: str, object_id: int) -> str:
        return f"{self.base}{API_PATH}/{kind}/{object_id}"

    def objects(self, kind: str, ids: list[int]) -> list[str]:
        return [self.object(kind, object_id) for object_id in ids]

    def list(self, kind: str, owner: tuple[str, int] | None = None) -> str:
        """A list of all objects (``/body``) or of an owner's (``/body/1/paper``)."""
        if owner is None:
            return f"{self.base}{API_PATH}/{kind}"
        return f"{self.object(*owner)}/{kind}"

    def web(self, path: str) -> str:
        """A page of the public site that shows the object."""
        return f"{self.base}{path}"


def with_query(url: str, parameters: list[tuple[str, str]]) -> str:
    """Reserved characters of the values are encoded, ":" and "+" too (OParl 2.5, "Filter")."""
    return f"{url}?{urlencode(parameters, quote_via=quote, safe='')}" if parameters else url
