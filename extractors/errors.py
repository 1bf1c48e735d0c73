"""The extractors' own errors. The extractors import nothing from the floors above them
(``newsmon``, ``flows``), so what they raise is defined here; ``newsmon.errors``
re-exports it for callers that catch newsmon's errors in one place."""

from __future__ import annotations


class ExtractorError(Exception):
    """Base class of every error an extractor raises on purpose."""


class ExtractionError(ExtractorError):
    """A fetched page yielded no usable article text."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")
