"""The one exception layout code raises: a text that does not fit even at its minimum size."""
from __future__ import annotations


class Overflow(Exception):
    """`field` of the current case/language is too long for its box; the build reports it.

    A single line drawn without knowing its field passes `text` instead, and the
    assemble stage finds where that text comes from.
    """

    def __init__(self, field: str, message: str, text: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.text = text

    def __reduce__(self):
        # Raised in a worker process (a kit rendered per language) and re-raised here whole.
        return (Overflow, (self.field, self.message, self.text))
