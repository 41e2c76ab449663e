"""Lay-out stage: solidarity cards for one case (SPEC §13), a sheet of four cards.

Two pages: the fronts (the case's name and a line of solidarity in the languages the
person reads) and the backs (room to write, the solidarity address, the case's rules),
to print double-sided on long-edge binding. Four A6 cards fill an A4 sheet (Letter: four
quarter-Letter cards). A6 is 105 x 148 mm, so on A4 (297 mm) the two rows are 1 mm
apart. Cut marks lie on the cut lines, at the sheet's edges and where the cuts cross,
never inside a card. Text keeps CARD_SAFE_MM from a card's edges, the front's coloured
panel PANEL_INSET_MM.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import black
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from ..model import Case
from .context import Context
from .document import Document
from .furniture import campaign_mark
from .grid import CROP_MARK_GAP_MM, CROP_MARK_LEN_MM, OFFICE_SAFE_MM, Geometry
from .overflow import Overflow
from .text import draw_text, fit_address, fit_paragraph, markup
from .typescale import CAPTION, GREY, LABEL, MIN_TEXT_PT, NOTE, RULE, SUBHEAD, TITLE, steps

# ISO 216 A6 (portrait) and a quarter of US Letter.
CARD_SIZES = {"A4": (105 * mm, 148 * mm), "Letter": (4.25 * inch, 5.5 * inch)}
CARD_SAFE_MM = 7          # text keeps this far from every cut: a cut a little off cuts no word
PANEL_INSET_MM = 5        # the front's panel (brand colour) keeps this far from every cut
PANEL_SHARE = 0.58        # of the card's height
HEART_MM = 12
MARK_LEN_MM = 7           # cut marks at the sheet's edges, from the office safe margin inwards
CROSS_MM = 3              # arms of the marks where two cuts cross
MARK_WIDTH_PT = 0.3
WRITING_PITCH_MM = 8      # handwriting lines on the back
CUT_MARKS_FORM = "CutMarks"


@dataclass(frozen=True)
class Card:
    """One card on the sheet, in pt from the top-left corner of the trimmed page."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


def cards(g: Geometry) -> list[Card]:
    """The four cards of a sheet, row by row; any room left over goes between the rows."""
    w, h = CARD_SIZES[g.paper]
    gap_x, gap_y = g.width - 2 * w, g.height - 2 * h
    return [Card(col * (w + gap_x), row * (h + gap_y), w, h) for row in range(2) for col in range(2)]


def cut_lines(g: Geometry) -> tuple[list[float], list[float]]:
    """x of the vertical cuts and y (from the top) of the horizontal cuts that free the cards."""
    sheet = cards(g)
    xs = sorted({round(x, 3) for c in sheet for x in (c.left, c.right) if 0.01 < x < g.width - 0.01})
    ys = sorted({round(y, 3) for c in sheet for y in (c.top, c.bottom) if 0.01 < y < g.height - 0.01})
    return xs, ys


def draw(doc: Document, ctx: Context, case: Case) -> None:
    """The fronts page, then the backs page (mirrored for long-edge duplex)."""
    _prepare_marks(doc, ctx)
    sheet = cards(ctx.geometry)
    with doc.page() as c:
        for card in sheet:
            _front(c, ctx, case, card)
        c.doForm(CUT_MARKS_FORM)
        _outer_marks(c, ctx.geometry)
    with doc.page() as c:
        for card in sheet:
            _back(c, ctx, case, _mirrored(ctx.geometry, card))
        c.doForm(CUT_MARKS_FORM)
        _outer_marks(c, ctx.geometry)


def _mirrored(g: Geometry, card: Card) -> Card:
    """Where a card's back lands when the sheet turns over its long (vertical) edge."""
    return Card(g.width - card.right, card.top, card.width, card.height)


# --------------------------------------------------------------------------- cut marks

def _prepare_marks(doc: Document, ctx: Context) -> None:
    """The marks inside the sheet, as one form XObject per file (also easy to find in the PDF)."""
    if getattr(doc, "_cut_marks_ready", False):
        return
    g, c = ctx.geometry, doc.canvas
    c.beginForm(CUT_MARKS_FORM, lowerx=0, lowery=0, upperx=g.width, uppery=g.height)
    c.setStrokeColor(black)
    c.setLineWidth(MARK_WIDTH_PT)
    xs, ys = cut_lines(g)
    near, far = OFFICE_SAFE_MM * mm, (OFFICE_SAFE_MM + MARK_LEN_MM) * mm
    if not g.bleed:        # a print shop gets them outside the trim instead (_outer_marks)
        for x in xs:
            c.line(x, g.y(near), x, g.y(far))
            c.line(x, near, x, far)
        for y in ys:
            c.line(near, g.y(y), far, g.y(y))
            c.line(g.width - near, g.y(y), g.width - far, g.y(y))
    # Where cuts cross: arms along each cut line (between the cards, on the line itself).
    arm = CROSS_MM * mm
    for x in xs:
        for y in ys:
            c.line(x - arm, g.y(y), x + arm, g.y(y))
        top, bottom = (ys[0], ys[-1]) if ys else (g.height / 2, g.height / 2)
        c.line(x, g.y(top - arm), x, g.y(bottom + arm))
    c.endForm()
    doc._cut_marks_ready = True


def _outer_marks(c: Canvas, g: Geometry) -> None:
    """With bleed: marks in line with every cut, outside the trim like the crop marks."""
    if not g.bleed:
        return
    xs, ys = cut_lines(g)
    start = g.bleed + CROP_MARK_GAP_MM * mm
    end = start + CROP_MARK_LEN_MM * mm
    c.saveState()
    c.setStrokeColorCMYK(1, 1, 1, 1)                 # registration, as the crop marks
    c.setLineWidth(0.25)
    for x in xs:
        c.line(x, g.height + start, x, g.height + end)
        c.line(x, -start, x, -end)
    for y in ys:
        c.line(-start, g.y(y), -end, g.y(y))
        c.line(g.width + start, g.y(y), g.width + end, g.y(y))
    c.restoreState()


# --------------------------------------------------------------------------- fronts

def _front(c: Canvas, ctx: Context, case: Case, card: Card) -> None:
    g, w = ctx.geometry, ctx.words
    safe = CARD_SAFE_MM * mm
    inner_w = card.width - 2 * safe
    x = card.left + safe
    panel = PANEL_INSET_MM * mm
    panel_h = card.height * PANEL_SHARE
    panel_bottom = card.top + panel + panel_h
    c.setFillColor(ctx.primary)
    c.rect(card.left + panel, g.y(panel_bottom), card.width - 2 * panel, panel_h, stroke=0, fill=1)
    campaign_mark(c, ctx, x, card.top + safe, CAPTION.pt)
    _heart(c, card.right - safe - HEART_MM * mm / 2, g.y(card.top + safe + 4 * mm + HEART_MM * mm / 2))
    # The name sits on the panel's foot, the kicker above it.
    name = _name_paragraph(ctx, case.name, inner_w, panel_h - 32 * mm)
    name_top = panel_bottom - 5 * mm - name.height
    name.drawOn(c, x, g.y(name_top) - name.height)
    draw_text(c, ctx, w.get("card_kicker").upper(), x, name_top - 2.5 * mm, LABEL.pt, bold=True,
              max_width=inner_w)

    # The line of solidarity: one per language the person reads, else the kit language's
    # (agreeing with the case: "seul" / "seule" / "seul·e·s"), each set with its own
    # language's typography.
    lines = list(case.solidarity.message.items()) or [(ctx.lang, w.get("card_line", **case.grammar(ctx.lang)))]
    top = panel_bottom + 6 * mm
    room = card.bottom - safe - 6 * mm - top
    gap = 2 * mm
    for size in steps(SUBHEAD.pt, NOTE.pt):
        style = ParagraphStyle("card-line", parent=ctx.styles["lead"], fontSize=size, leading=size * 1.25)
        paras = [Paragraph(markup(text, ctx.typography(code)), style) for code, text in lines]
        heights = [p.wrap(inner_w, room)[1] for p in paras]
        if sum(heights) + gap * (len(paras) - 1) <= room:
            break
    else:
        raise Overflow("solidarity.message", "too long for the front of the solidarity card; shorten it")
    for p, h in zip(paras, heights):
        p.drawOn(c, x, g.y(top) - h)
        top += h + gap
    draw_text(c, ctx, ctx.config.section.name, x, card.bottom - safe, CAPTION.pt, color=GREY, max_width=inner_w)


def _heart(c: Canvas, cx: float, cy: float) -> None:
    """A plain black heart, HEART_MM wide, centred on (cx, cy): it survives any photocopier."""
    r = HEART_MM * mm / 2
    p = c.beginPath()
    p.moveTo(cx, cy - r)
    p.curveTo(cx - 0.2 * r, cy - 0.75 * r, cx - r, cy - 0.25 * r, cx - r, cy + 0.3 * r)
    p.curveTo(cx - r, cy + 0.85 * r, cx - 0.25 * r, cy + 1.0 * r, cx, cy + 0.55 * r)
    p.curveTo(cx + 0.25 * r, cy + 1.0 * r, cx + r, cy + 0.85 * r, cx + r, cy + 0.3 * r)
    p.curveTo(cx + r, cy - 0.25 * r, cx + 0.2 * r, cy - 0.75 * r, cx, cy - r)
    p.close()
    c.setFillColor(black)
    c.drawPath(p, stroke=0, fill=1)


def _name_paragraph(ctx: Context, name: str, width: float, height: float):
    """The name as large as fits, wrapped between words only: a proper name is never hyphenated."""
    for size in steps(TITLE.pt, SUBHEAD.pt):
        widest = max(stringWidth(word, ctx.fonts.bold, size) for word in name.split())
        if widest > width:
            continue
        p = fit_paragraph(ctx, name, width, height, "h1", size, fontSize=size, leading=size * 1.12,
                          splitLongWords=0)
        if p is not None:
            return p
    raise Overflow("name", "too long for the front of the solidarity card even at "
                   f"{SUBHEAD.pt:g} pt; shorten it")


# --------------------------------------------------------------------------- backs

def _back(c: Canvas, ctx: Context, case: Case, card: Card) -> None:
    g, w, lang = ctx.geometry, ctx.words, ctx.lang
    safe = CARD_SAFE_MM * mm
    inner_w = card.width - 2 * safe
    x = card.left + safe
    top = card.top + safe
    draw_text(c, ctx, w.get("card_message").upper(), x, top + LABEL.pt, LABEL.pt, bold=True, color=GREY,
              max_width=inner_w)

    # The rules and the address sit at the bottom; the writing lines take what is left.
    bottom = card.bottom - safe
    guidance = case.solidarity.guidance.get(lang, "")
    if guidance:
        p = fit_paragraph(ctx, guidance, inner_w, 30 * mm, "small", MIN_TEXT_PT + 0.5)
        if p is None:
            raise Overflow("solidarity.guidance", "too long for the back of the solidarity card "
                           "(30 mm); shorten it")
        bottom = _labelled_block(c, ctx, p, w.get("card_rules"), x, bottom, inner_w) - 3 * mm
    address = fit_address(ctx, list(case.solidarity.address), inner_w, 28 * mm, size=NOTE.pt + 1,
                          min_size=MIN_TEXT_PT + 0.5)
    if address is None:
        raise Overflow("solidarity.address", "too long for the back of the solidarity card; use fewer or "
                       "shorter lines")
    bottom = _labelled_block(c, ctx, address, w.get("card_send_to"), x, bottom, inner_w) - 4 * mm

    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    y = top + LABEL.leading + WRITING_PITCH_MM * mm
    if y > bottom:
        raise Overflow("solidarity.guidance", "leaves no room to write on the solidarity card; shorten it")
    while y <= bottom:
        c.line(x, g.y(y), x + inner_w, g.y(y))
        y += WRITING_PITCH_MM * mm


def _labelled_block(c: Canvas, ctx: Context, block, label: str, x: float, bottom: float, width: float) -> float:
    """`block` (a fitted paragraph) drawn up from `bottom`, its label in capitals above it;
    returns the new bottom (distances from the top edge)."""
    bottom -= block.height
    block.drawOn(c, x, ctx.geometry.y(bottom) - block.height)
    bottom -= LABEL.leading + 1
    draw_text(c, ctx, label.upper(), x, bottom + LABEL.pt, LABEL.pt, bold=True, color=GREY, max_width=width)
    return bottom
