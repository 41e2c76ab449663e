"""The one exception layout code raises: a text that does not fit even at its minimum size."""
from __future__ import annotations


class Overflow(Exception):
    """`field` of the current case/language is too long for its box; the build reports it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
