"""The refusal every filing step raises, with a message for the citizen."""

from __future__ import annotations


class FilingRefused(Exception):  # noqa: N818 - a refusal, not an error
    """A step of the filing cannot go ahead; ``message`` says why, for the citizen."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
