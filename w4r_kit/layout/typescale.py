"""The type scale: every size and leading the kit prints, its paragraph styles and its inks.

Artefacts take sizes from here, by name, never a number of their own. A text that does
not fit may step down the scale (`SCALE`) but never below MIN_TEXT_PT; below that it
wraps, flows or is reported (SPEC §9, §14).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.colors import HexColor, white
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

if TYPE_CHECKING:
    from .context import Context

MIN_TEXT_PT = 6.5          # SPEC §14: nothing smaller, anywhere


@dataclass(frozen=True)
class Size:
    pt: float
    leading: float


DISPLAY = Size(40, 42)       # the campaign title on the cover
TITLE = Size(26, 29)         # a person's name in the case sheet's band
HEADING = Size(17, 20)       # the title in the band of a sheet or form
SUBHEAD = Size(13, 16)       # section headings on the cover and the collector's page
LEAD = Size(13, 17)          # headlines
BODY = Size(10, 14)          # running text: 9.5-11 pt (SPEC §14)
LETTER = Size(10.5, 15)      # the model letter, copied by hand
NOTE = Size(8, 10.5)         # notices, solidarity notes, addresses in narrow columns
LABEL = Size(8, 10)          # uppercase labels above a block, table headers
CAPTION = Size(7, 9)         # footers, credits, the short URL under a QR code
SMALLEST = Size(MIN_TEXT_PT, 8)

# The steps a text may shrink through to fit its box, largest first.
SCALE = (40, 32, 26, 20, 17, 14, 13, 12, 11, 10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7, MIN_TEXT_PT)

# Inks. Anything a user must read or write on is at least 60 % black, so it survives
# a black-and-white photocopy (SPEC §14); LIGHT is only ever a background.
GREY = HexColor("#595959")    # 65 % black: labels, guides, lines to write on
LIGHT = HexColor("#EDEDED")   # backgrounds only, never information
RULE = HexColor("#4D4D4D")    # 70 % black: table rules, writing lines, footer rule (a 0.6 pt line survives a copy)
TBC_RED = HexColor("#C4001A")
WRITING_LINE_PT = 0.6         # lines and table rules people write on: thinner ones drop out of a copy


def steps(start: float, floor: float = MIN_TEXT_PT) -> list[float]:
    """The sizes of the scale from `start` down to `floor` (both included)."""
    floor = max(floor, MIN_TEXT_PT)
    return [start] + [s for s in SCALE if s < start and s >= floor - 1e-6]


def make_styles(ctx: "Context") -> dict[str, ParagraphStyle]:
    # Ragged-right and unhyphenated everywhere, in every language (SPEC §14): the kit
    # looks the same in fr, en and lb, letters are copied by hand, and a proper name
    # is never split. Soft hyphens typed by an author are still honoured.
    base = ParagraphStyle("body", fontName=ctx.fonts.regular, fontSize=BODY.pt, leading=BODY.leading,
                          textColor=ctx.text, alignment=TA_LEFT, hyphenationLang="",
                          embeddedHyphenation=0, uriWasteReduce=0.3, allowWidows=0,
                          allowOrphans=0, splitLongWords=1)
    bold = ctx.fonts.bold

    def style(name: str, size: Size, **kw) -> ParagraphStyle:
        kw = {"fontSize": size.pt, "leading": size.leading, **kw}
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "body_left": style("body_left", BODY),
        "lead": style("lead", LEAD, fontName=bold),
        "small": style("small", NOTE),
        "label": style("label", LABEL, fontName=bold),
        "display": style("display", DISPLAY, fontName=bold),
        "h1": style("h1", TITLE, fontName=bold),
        "h2": style("h2", SUBHEAD, fontName=bold),
        "h3": style("h3", Size(10.5, 13), fontName=bold),
        "ask": style("ask", Size(11, 15), fontName=bold, textColor=white),
        "quote": style("quote", Size(17, 21), fontName=bold),
        "address": style("address", BODY, leading=12.5),
        "letter": style("letter", LETTER, spaceAfter=7),
    }
