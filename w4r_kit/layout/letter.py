"""Lay-out stage, artefact 3: the model letter (SPEC §6.2).

A plain, personal-looking letter: the writer's address space, the addressee in the
envelope window, place and date, salutation, the body from the template, signature
line. The body shrinks to 9 pt before it flows onto a second page.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import Frame

from ..model import Case
from .common import (RULE, Context, Document, draw_text, fold_marks, paragraph, sender_lines,
                     string_width, window_address)

BODY_MIN_PT = 9.0
SIGNATURE_ROOM_MM = 30
PLACE_LINE_MM = 38           # where the writer adds the place before a printed date


def draw(doc: Document, ctx: Context, case: Case, body: list[str], date: dt.date | None) -> None:
    g = ctx.geometry
    x, width = g.margin, g.content_width
    env = g.envelope
    body_top = env.top + env.height + 22 * mm
    bottom = 20 * mm
    room = g.height - body_top - bottom - SIGNATURE_ROOM_MM * mm

    size = ctx.styles["letter"].fontSize
    while True:
        flow = [paragraph(ctx, case.addressee.salutation[ctx.lang], "letter", fontSize=size,
                          leading=size * 1.42, spaceAfter=size * 0.7)]
        flow += [paragraph(ctx, text, "letter", fontSize=size, leading=size * 1.42, spaceAfter=size * 0.7)
                 for text in body]
        height = sum(p.wrap(width, room)[1] + p.getSpaceAfter() for p in flow)
        if height <= room or size <= BODY_MIN_PT:
            break
        size -= 0.5

    pages = 0
    while flow or pages == 0:
        with doc.page() as c:
            fold_marks(c, ctx)
            if pages == 0:
                sender_lines(c, ctx, 14 * mm)
                window_address(c, ctx, case)
                _place_and_date(c, ctx, env.top + env.height + 10 * mm, date)
                frame_top = body_top
            else:
                frame_top = 25 * mm
            frame = Frame(x, bottom + SIGNATURE_ROOM_MM * mm, width,
                          g.height - frame_top - bottom - SIGNATURE_ROOM_MM * mm, 0, 0, 0, 0)
            frame.addFromList(flow, c)
            if not flow:
                _signature(c, ctx, frame._y - 10 * mm)
        pages += 1
        if pages > 3:
            from .overflow import Overflow
            raise Overflow("letter", "the letter body is longer than three pages; shorten the template")


def _place_and_date(c, ctx: Context, top: float, date: dt.date | None) -> None:
    g = ctx.geometry
    right = g.width - g.margin
    label = ctx.words.get("letter_place_date")
    if date is None:
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(right - 70 * mm, g.y(top), right, g.y(top))
        draw_text(c, ctx, label, right, top + 9, 7.5, anchor="right", color=RULE)
    else:
        # The place line ends where ", <date>" begins, whatever the date's width.
        text = ", " + ctx.date(date)
        end = right - string_width(ctx, text, False, 10.5) - 0.5 * mm
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(end - PLACE_LINE_MM * mm, g.y(top), end, g.y(top))
        draw_text(c, ctx, text, right, top - 1, 10.5, anchor="right")
        draw_text(c, ctx, label, end - PLACE_LINE_MM * mm, top + 9, 7.5, color=RULE)


def _signature(c, ctx: Context, y: float) -> None:
    g = ctx.geometry
    x = g.margin
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(x, y - 14 * mm, x + 70 * mm, y - 14 * mm)
    draw_text(c, ctx, ctx.words.get("letter_signature"), x, g.height - y + 14 * mm + 9, 7.5, color=RULE)
