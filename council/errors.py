"""Domain errors. ``web/`` maps each to an HTTP status in one place."""


class CouncilError(Exception):
    """Base of every error the domain raises on purpose."""


class ConfigurationError(CouncilError):
    """The settings are incomplete or contradictory."""


class NotFound(CouncilError):
    """The object does not exist, or the viewer may not know that it exists."""


class PermissionDenied(CouncilError):
    """The viewer is known but may not do this."""


class ValidationFailed(CouncilError):
    """Input broke a rule; ``errors`` maps field names to messages for the form."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class LoginThrottled(CouncilError):
    """Too many failed logins for this account or address; try again later."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"retry after {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


class InvalidCredentials(CouncilError):
    """Unknown user name or wrong password (deliberately not told apart)."""
