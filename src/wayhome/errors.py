"""One error base class for the whole platform, carrying the HTTP status it maps to."""

from __future__ import annotations

from typing import Any


class WayhomeError(Exception):
    """A failure the caller can understand: a status, a title and a detail naming the place.

    `location` names where the problem is (a field path, a line, an XML element, an object id),
    so bad input always comes back with the spot to fix.
    """

    status: int = 400
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        location: str | None = None,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail if location is None else f"{location}: {detail}")
        self.detail = detail
        self.location = location
        if status is not None:
            self.status = status
        self.extra = extra or {}


class InvalidInput(WayhomeError):
    """The input is malformed or breaks a rule; nothing was changed."""

    status = 422
    title = "Invalid input"


class NotFound(WayhomeError):
    """No such record, or one the caller may not see: the two are indistinguishable on purpose."""

    status = 404
    title = "Not found"


class Forbidden(WayhomeError):
    """The caller is known but his role does not allow the action."""

    status = 403
    title = "Forbidden"


class Unauthenticated(WayhomeError):
    """No valid session or token."""

    status = 401
    title = "Authentication required"


class Conflict(WayhomeError):
    """The action clashes with the current state of a record."""

    status = 409
    title = "Conflict"


class TooLarge(WayhomeError):
    """The body or file is over a configured limit."""

    status = 413
    title = "Payload too large"


class TooManyRequests(WayhomeError):
    """Throttled: too many attempts in the window."""

    status = 429
    title = "Too many requests"


class Busy(WayhomeError):
    """The server is at its configured load; nothing was done. The client may retry later."""

    status = 503
    title = "Service busy"

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}
