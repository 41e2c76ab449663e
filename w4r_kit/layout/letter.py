"""Lay-out stage, artefact 3: the model letter (SPEC §6.2, §14).

A plain, personal-looking letter with one left edge, that of the address in the
envelope window: the writer's address lines, the addressee, place and date below the
first fold, salutation, the body from the template (ragged-right, never hyphenated: it
is copied by hand, in lines of at most ~80 characters), the signature line. The body
steps down the type scale to 9.5 pt before it flows onto a second page.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm

from ..model import Case
from .context import Context
from .document import Document
from .furniture import fold_marks, sender_lines, window_address
from .grid import FOLD_MARKS, FOOTER_MM, Geometry
from .overflow import Overflow
from .text import draw_column, draw_text, fill_columns, paragraph
from .typescale import GREY, LABEL, RULE, WRITING_LINE_PT

BODY_MIN_PT = 9.5            # running text: 9.5-11 pt (SPEC §14)
MEASURE_MM = 140             # the body's line length: ~80 characters at 10.5 pt
SIGNATURE_ROOM_MM = 28
AFTER_FOLD_MM = 8            # place and date sit this far below the first fold, clear of it
BOTTOM_MM = FOOTER_MM + 6


def left_edge(g: Geometry) -> float:
    """The letter's one left edge: where the window address starts (25 mm on A4, 1 in on Letter)."""
    return g.envelope.left + g.envelope.inset


def measure(g: Geometry) -> float:
    return min(MEASURE_MM * mm, g.width - g.margin - left_edge(g))


def place_and_date_top(g: Geometry) -> float:
    return FOLD_MARKS[g.paper][0] + AFTER_FOLD_MM * mm


def draw(doc: Document, ctx: Context, case: Case, body: list[str], date: dt.date | None) -> None:
    g = ctx.geometry
    x, width = left_edge(g), measure(g)
    body_top = place_and_date_top(g) + 14 * mm
    bottom = g.height - BOTTOM_MM * mm
    room = bottom - body_top - SIGNATURE_ROOM_MM * mm
    texts = [case.addressee.salutation[ctx.lang], *body]

    size = ctx.styles["letter"].fontSize
    while True:
        flow = [paragraph(ctx, text, "letter", fontSize=size, leading=size * 1.42) for text in texts]
        height = sum(p.wrap(width, room)[1] for p in flow) + size * 0.7 * (len(flow) - 1)
        if height <= room or size <= BODY_MIN_PT:
            break
        size -= 0.5
    gap = size * 0.7

    pages = 0
    while flow or pages == 0:
        with doc.page() as c:
            fold_marks(c, ctx)
            if pages == 0:
                sender_lines(c, ctx, 14 * mm)
                window_address(c, ctx, case)
                _place_and_date(c, ctx, x, place_and_date_top(g), date)
                top = body_top
            else:
                top = 25 * mm
            (items,), flow = fill_columns(flow, [(width, bottom - top - SIGNATURE_ROOM_MM * mm)], gap)
            used = draw_column(c, ctx, items, x, top)
            if not flow:
                signature(c, ctx, x, top + used + 18 * mm)
        pages += 1
        if pages > 3:
            raise Overflow("letter", "the letter body is longer than three pages; shorten the template")


def _place_and_date(c, ctx: Context, x: float, top: float, date: dt.date | None) -> None:
    """A line to write the place and date on, with its label under it; a given date is printed."""
    g = ctx.geometry
    c.setStrokeColor(RULE)
    c.setLineWidth(WRITING_LINE_PT)
    c.line(x, g.y(top), x + 75 * mm, g.y(top))
    if date is not None:
        draw_text(c, ctx, ", " + ctx.date(date), x + 75 * mm, top - 1.5 * mm, 10.5, anchor="right")
    draw_text(c, ctx, ctx.words.get("letter_place_date"), x, top + 1.5 * mm + LABEL.pt, LABEL.pt, color=GREY)


def signature(c, ctx: Context, x: float, top: float) -> None:
    """The signature line, its label under it (writing paper and letter alike)."""
    g = ctx.geometry
    c.setStrokeColor(RULE)
    c.setLineWidth(WRITING_LINE_PT)
    c.line(x, g.y(top), x + 70 * mm, g.y(top))
    draw_text(c, ctx, ctx.words.get("letter_signature"), x, top + 1.5 * mm + LABEL.pt, LABEL.pt, color=GREY)
