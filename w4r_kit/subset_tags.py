"""Font subset tags that differ between fonts and between files.

reportlab names the subsets of every embedded font AAAAAA+, AAAAAB+, ... in every file,
so two files with different glyphs in 'AAAAAA+NotoSans-Regular' clash when a print shop
merges them (the merged file keeps one subset and loses the other's glyphs). The PDF
specification asks for a tag that identifies the subset: here six capitals derived from
the font's name and the exact characters of the subset, reproducible from the same input.
"""
from __future__ import annotations

import hashlib
from contextvars import ContextVar

from reportlab.pdfbase import ttfonts

_original = ttfonts.SUBSETN
_current: ContextVar[tuple[bytes, list] | None] = ContextVar("subset_font", default=None)


def subset_tag(font_name: bytes, n: int, subset: list[int]) -> bytes:
    digest = hashlib.sha256(font_name + b"\0" + str(n).encode() + b"\0"
                            + ",".join(map(str, subset)).encode()).digest()
    return bytes(65 + b % 26 for b in digest[:6])


def _tag(n: int, table: bytes | None = None) -> bytes:
    current = _current.get()
    if current is None:                 # a font not made by TaggedTTFont
        return _original(n)
    name, subsets = current
    return subset_tag(name, n, subsets[n])


ttfonts.SUBSETN = _tag


class TaggedTTFont(ttfonts.TTFont):
    """A TrueType font whose subsets get content-derived tags (see module doc)."""

    def addObjects(self, doc) -> None:
        state = self.state.get(doc)
        subsets = state.subsets if state is not None else []
        token = _current.set((self.face.name, subsets))
        try:
            super().addObjects(doc)
        finally:
            _current.reset(token)
