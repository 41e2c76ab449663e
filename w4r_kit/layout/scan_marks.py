"""Lay-out stage, machine-readable parts of the signature sheet (SPEC §12).

A returned sheet is read from an office copier's scan, so every sheet carries:

- four solid registration squares near the corners, with white around them: from
  their centres the reader fits the page's perspective transform (a prototype put
  the table corners within median 0.08 mm with them, 0.9 mm from a QR code alone);
- a small machine code: a version-1 QR code (1.05 mm modules read on every 150 dpi
  dithered scan in the prototype; a 55-character URL at 0.67 mm failed on all of
  them) holding a short payload — the sheet id, or for the kit's photocopied master
  sheet a code naming its case and language only — with its text printed beside it.

Positions are fixed relative to the trimmed page so the reader finds them the same
way on A4 and Letter, with or without bleed. Everything here is in points, y up,
from the lower-left corner of the trimmed page.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import black, white
from reportlab.lib.units import mm

from .. import qr
from ..tracking import sheet_id as hashed_id

MARK_MM = 5.0               # side of a registration square
MARK_INSET_MM = 9.0         # from the trim edge to the square: >= 8 mm (office printers leave 5 mm)
MARK_CLEAR_MM = 2.5         # white kept around each square
MARK_TOP_MM = 33.0          # top squares sit just under the 30 mm brand band, in the margins
CODE_MODULE_MM = 0.8        # 21 modules -> 16.8 mm: 4.7 px a module at 150 dpi, 6.3 px at 200 dpi
CODE_EC = "Q"               # 11 bytes fit version 1 at Q; a copier's smudge costs < 25 %
CODE_QUIET_MODULES = 4      # ISO/IEC 18004 quiet zone
CODE_LEFT_MM = 18.0         # the code's left edge: on the text column (grid.MARGIN_MM)
CODE_BOTTOM_MM = 9.0        # the code's bottom edge, level with the lower squares

SHEET_PREFIX = "W4R:"       # an issued sheet: "W4R:" + sheet id
MASTER_PREFIX = "W4M:"      # the kit's master sheet: "W4M:" + a hash of case and language


@dataclass(frozen=True)
class Rect:
    """A rectangle in PDF points, y up."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def shifted(self, dx: float, dy: float) -> Rect:
        return Rect(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)


def mark_rects(width: float, height: float) -> tuple[Rect, Rect, Rect, Rect]:
    """The four squares on a trimmed page of this size: top-left, top-right, bottom-right, bottom-left."""
    s, inset = MARK_MM * mm, MARK_INSET_MM * mm
    top = height - MARK_TOP_MM * mm
    return (Rect(inset, top - s, inset + s, top),
            Rect(width - inset - s, top - s, width - inset, top),
            Rect(width - inset - s, inset, width - inset, inset + s),
            Rect(inset, inset, inset + s, inset + s))


def draw_marks(c, width: float, height: float) -> None:
    """The four registration squares, each on a white field (part of the static form)."""
    clear = MARK_CLEAR_MM * mm
    for r in mark_rects(width, height):
        c.setFillColor(white)
        c.rect(r.x0 - clear, r.y0 - clear, r.width + 2 * clear, r.height + 2 * clear, stroke=0, fill=1)
        c.setFillColor(black)
        c.rect(r.x0, r.y0, r.width, r.height, stroke=0, fill=1)


def sheet_payload(sheet_id: str) -> str:
    """What an issued sheet's machine code holds."""
    return SHEET_PREFIX + sheet_id


def master_payload(section: str, year: int, case_id: str, lang: str) -> str:
    """What the master sheet's code holds: a short hash naming case and language, no group."""
    return MASTER_PREFIX + master_key(section, year, case_id, lang)


def master_key(section: str, year: int, case_id: str, lang: str) -> str:
    return hashed_id("master", section, year, case_id, lang)


def parse_payload(text: str) -> tuple[str, str] | None:
    """('sheet', id) or ('master', key) for one of our codes; None for any other code."""
    for kind, prefix in (("sheet", SHEET_PREFIX), ("master", MASTER_PREFIX)):
        if text.startswith(prefix) and len(text) > len(prefix):
            return kind, text[len(prefix):]
    return None


def encode_codes(payloads: list[str]) -> list[qr.QrMatrix]:
    """The machine codes of many sheets, encoded in one batch."""
    return qr.encode_many(payloads, CODE_EC)


def code_rect(modules: int = 21) -> Rect:
    """Where the code's symbol (without its quiet zone) sits on the trimmed page."""
    x, y = CODE_LEFT_MM * mm, CODE_BOTTOM_MM * mm
    size = modules * CODE_MODULE_MM * mm
    return Rect(x, y, x + size, y + size)


def code_clear_rect(modules: int = 21) -> Rect:
    """The code and its quiet zone: kept white by the static form."""
    r, quiet = code_rect(modules), CODE_QUIET_MODULES * CODE_MODULE_MM * mm
    return Rect(r.x0 - quiet, r.y0 - quiet, r.x1 + quiet, r.y1 + quiet)


def draw_code_field(c) -> None:
    """The white field the per-sheet code is drawn on (static form)."""
    r = code_clear_rect()
    c.setFillColor(white)
    c.rect(r.x0, r.y0, r.width, r.height, stroke=0, fill=1)


def draw_code(c, matrix: qr.QrMatrix) -> None:
    """One sheet's machine code, as one path, at `code_rect` (per sheet: keep it lean)."""
    r = code_rect(matrix.size)
    module = CODE_MODULE_MM * mm
    c.addLiteral(f"q 0 g {module:.5f} 0 0 {module:.5f} {r.x0:.3f} {r.y0:.3f} cm {matrix.pdf_path_ops()} Q")
