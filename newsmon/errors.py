"""Exceptions, carrying what a person needs to act: newsmon's rooted in
:class:`NewsmonError`, the extractors' (a floor below, see ``extractors.errors``) in
:class:`ExtractorError`."""

from __future__ import annotations

# The extractors own their errors (they import nothing from newsmon); re-exported here so
# that callers find every error in one place.
from extractors.errors import ExtractionError, ExtractorError

__all__ = [
    "BlockedURLError",
    "ExtractionError",
    "ExtractorError",
    "FetchError",
    "NewsmonError",
    "ProfileError",
    "StoreError",
]


class NewsmonError(Exception):
    """Base class of every error newsmon raises on purpose."""


class ProfileError(NewsmonError):
    """A topic profile is missing, unreadable or invalid."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"topic profile {path}: {problem}")


class FetchError(NewsmonError):
    """A URL could not be fetched. ``retryable`` says whether trying later may help."""

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        where = f" (HTTP {status})" if status is not None else ""
        super().__init__(f"{url}: {reason}{where}")


class BlockedURLError(FetchError):
    """A URL was refused before any request: bad scheme, or a private/loopback address."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, retryable=False)


class StoreError(NewsmonError):
    """The database cannot be opened or written."""
