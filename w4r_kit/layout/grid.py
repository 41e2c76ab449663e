"""The grid: paper sizes, margins, columns, bands, the envelope window and the areas a
printer may ink (bleed for a print shop, a white safe margin for office printers).

Every artefact places things on this grid; positions are in points, measured from the
top-left corner of the trimmed page unless a name says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm

PAPER_SIZES = {"A4": A4, "Letter": LETTER}

MARGIN_MM = 18            # left/right margin of every artefact: one grid for the kit
GUTTER_MM = 6             # between columns
BAND_MM = 30              # the yellow header band of sheets and forms (case sheet included)
SLIM_BAND_MM = 14         # the band of writing paper and continuation pages
FOOTER_MM = 12            # baseline of the footer line, from the bottom edge
FOOTER_RULE_MM = 3.5      # the footer's rule sits this far above its baseline
OFFICE_SAFE_MM = 5        # bleed_mm = 0: nothing closer than this to the edge (SPEC §14)
CROP_MARK_ROOM_MM = 9     # room outside the bleed for crop marks (SPEC §4 [print] bleed_mm)
CROP_MARK_GAP_MM = 2      # marks start this far outside the bleed: a cut never shows them
CROP_MARK_LEN_MM = 5      # gap + length leave 2 mm to the media edge


@dataclass(frozen=True)
class Envelope:
    """The part of a window envelope's window that shows the folded letter, on the page."""

    name: str
    left: float    # pt from the left trim edge
    top: float     # pt from the top trim edge
    width: float
    height: float
    inset: float   # where the address text starts, from the window's left edge


# A4: DIN 5008 form B address field (20 mm from the left, 45-90 mm from the top,
# 85 mm wide) = the DIN 680 DL window (90 x 45 mm, 20 mm from the left, 15 mm from
# the bottom of a 110 mm envelope) over A4 folded at 105/210 mm; text at 25 mm.
# Letter: the standard #10 window (1 1/8 x 4 1/2 in, 7/8 in from the left and 1/2 in
# from the bottom of a 4 1/8 x 9 1/2 in envelope) over Letter folded in thirds
# (3 2/3 in panels) resting on the envelope's bottom: 2.042-3.167 in from the top.
# The 8.5 in sheet can slide up to 1/2 in sideways in the 9.5 in envelope, so only
# 7/8 to 4 7/8 in from the left is sure to show.
ENVELOPES = {
    "A4": Envelope("DL", 20 * mm, 45 * mm, 85 * mm, 45 * mm, 5 * mm),
    "Letter": Envelope("#10", 0.875 * inch, (4.125 - 0.5 - 1.125 - (4.125 - 11 / 3)) * inch,
                       4.0 * inch, 1.125 * inch, 0.125 * inch),
}

# Fold marks on the left edge: A4 in thirds for a DL envelope (DIN 5008: 105 and
# 210 mm), Letter in thirds for a #10 envelope.
FOLD_MARKS = {"A4": (105 * mm, 210 * mm), "Letter": (3.667 * inch, 7.333 * inch)}


@dataclass(frozen=True)
class Geometry:
    paper: str
    bleed: float = 0.0      # pt

    @property
    def width(self) -> float:
        return PAPER_SIZES[self.paper][0]

    @property
    def height(self) -> float:
        return PAPER_SIZES[self.paper][1]

    @property
    def offset(self) -> float:
        """Distance from the media edge to the trim edge."""
        return self.bleed + CROP_MARK_ROOM_MM * mm if self.bleed else 0.0

    @property
    def media(self) -> tuple[float, float]:
        return self.width + 2 * self.offset, self.height + 2 * self.offset

    @property
    def trim_box(self) -> tuple[float, float, float, float]:
        o = self.offset
        return (o, o, o + self.width, o + self.height)

    @property
    def bleed_box(self) -> tuple[float, float, float, float]:
        o, b = self.offset, self.bleed
        return (o - b, o - b, o + self.width + b, o + self.height + b)

    @property
    def envelope(self) -> Envelope:
        return ENVELOPES[self.paper]

    @property
    def margin(self) -> float:
        return MARGIN_MM * mm

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def right(self) -> float:
        """The right margin's x."""
        return self.width - self.margin

    @property
    def edge(self) -> float:
        """Where 'full-bleed' colour stops, from each trim edge (negative: outside it).

        A print shop trims colour printed into the bleed; an office printer cannot
        print to the edge and "fit to page" would shrink the page, so there colour
        stops OFFICE_SAFE_MM inside the edge and leaves a white frame (SPEC §14).
        """
        return -self.bleed if self.bleed else OFFICE_SAFE_MM * mm

    def y(self, top: float) -> float:
        """Convert a distance from the top trim edge (pt) into reportlab's bottom-up y."""
        return self.height - top

    def columns(self, n: int, gutter: float = GUTTER_MM * mm, left: float | None = None,
                width: float | None = None) -> list[tuple[float, float]]:
        """`n` equal columns (x, width) across the text area, or across `width` from `left`."""
        left = self.margin if left is None else left
        width = self.content_width if width is None else width
        col = (width - (n - 1) * gutter) / n
        return [(left + i * (col + gutter), col) for i in range(n)]
