"""Lay-out stage: the successes page (SPEC §13), from successes.yaml.

Each success is a block: the year, the name and country, what happened, how many
actions, an optional quote and an optional photo. Blocks fill two columns in the
order of the file (newest first); more than a page holds flows onto a continuation
page rather than being dropped.
"""
from __future__ import annotations

import re

from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..model import Success
from ..numbers import count
from .context import Context
from .document import Document
from .furniture import footer, photo_box, titled_band
from .grid import BAND_MM, FOOTER_MM
from .overflow import Overflow
from .text import draw_text, paragraph
from .typescale import CAPTION, GREY, LABEL, RULE

YEAR_PT = 20
YEAR_W_MM = 18            # room kept for the year beside the name (four digits at YEAR_PT and a gap)
PHOTO_W_MM, PHOTO_H_MM = 22, 27
BLOCK_GAP_MM = 6
QUOTE_RULE_PT = 2
TEXT_SIZE = (9, 12)


# Between two people's names a line may break ("Joanah Mamombe and / Cecillia Chimbri");
# inside one person's name it may not.
_BETWEEN_PEOPLE = re.compile(r"(,\s+|\s+(?:and|et|a|an|und|y|e|&)\s+)")


def unbroken_names(name: str) -> str:
    """Each person's name glued with no-break spaces, so a line breaks only between people."""
    parts = _BETWEEN_PEOPLE.split(name)
    return "".join(part if i % 2 else part.replace(" ", "\u00a0") for i, part in enumerate(parts))


def actions_text(ctx: Context, success: Success) -> str:
    """'more than 400,000 actions', with the number written the way the language writes it."""
    return ctx.words.get(f"actions_{success.actions_qualifier}", n=count(ctx.words, success.actions))


def draw(doc: Document, ctx: Context, successes: list[Success]) -> None:
    g, w = ctx.geometry, ctx.words
    columns = g.columns(2)
    bottom = g.height - (FOOTER_MM + 8) * mm
    blocks = [_Block(ctx, s, columns[0][1]) for s in successes]
    first = True
    while blocks:
        with doc.page() as c:
            title = w.get("successes_title") if first else w.get("continued", name=w.get("successes_title"))
            titled_band(c, ctx, title)
            top = BAND_MM * mm + 7 * mm
            if first:
                intro = paragraph(ctx, w.get("successes_intro"), "body_left")
                top += intro.wrap(g.content_width, g.height)[1]
                intro.drawOn(c, g.margin, g.y(top))
                top += 6 * mm
            placed = 0
            # Row by row, two to a row, so the years read left to right and top to bottom.
            while blocks:
                row = blocks[:len(columns)]
                if top + max(b.height for b in row) > bottom:
                    break
                ends = [block.draw(c, x, top) for block, (x, _) in zip(row, columns)]
                del blocks[:len(row)]
                placed += len(row)
                top = max(ends) + BLOCK_GAP_MM * mm
            _footer(c, ctx, doc.number)
        if blocks and not placed:
            raise Overflow("outcome", "too long for a column of the successes page; shorten it",
                           text=blocks[0].success.outcome.get(ctx.lang, ""))
        first = False


class _Block:
    """One success, laid out for a column of `width`."""

    def __init__(self, ctx: Context, success: Success, width: float) -> None:
        self.ctx, self.success, self.width = ctx, success, width
        lang = ctx.lang
        self.text_x = (PHOTO_W_MM + 4) * mm if success.photo else 0
        text_w = width - self.text_x
        size, leading = TEXT_SIZE
        self.name = paragraph(ctx, unbroken_names(success.name.get(lang, "")), "h3", splitLongWords=0)
        self.name_h = self.name.wrap(text_w - YEAR_W_MM * mm, ctx.geometry.height)[1]
        self.outcome = paragraph(ctx, success.outcome.get(lang, ""), "body_left", fontSize=size, leading=leading)
        self.outcome_h = self.outcome.wrap(text_w, ctx.geometry.height)[1]
        self.actions = (paragraph(ctx, actions_text(ctx, success), "body_left", fontName=ctx.fonts.bold,
                                  fontSize=size, leading=leading) if success.actions else None)
        self.actions_h = self.actions.wrap(text_w, ctx.geometry.height)[1] if self.actions else 0
        quote = success.quote.get(lang, "")
        self.quote = (paragraph(ctx, f'"{quote}"', "body_left", fontSize=size, leading=leading)
                      if quote else None)
        self.quote_h = self.quote.wrap(text_w - 4 * mm, ctx.geometry.height)[1] if self.quote else 0
        head = max(YEAR_PT * 1.05, self.name_h + LABEL.leading)
        text = head + 2 * mm + self.outcome_h + (self.actions_h + 1.5 * mm if self.actions else 0) \
            + (self.quote_h + 2.5 * mm if self.quote else 0)
        self.credit = paragraph(ctx, success.photo_credit, "small", fontSize=CAPTION.pt, leading=CAPTION.leading,
                                textColor=GREY)
        self.credit_h = self.credit.wrap(PHOTO_W_MM * mm, ctx.geometry.height)[1] if success.photo else 0
        photo = PHOTO_H_MM * mm + 1 + self.credit_h if success.photo else 0
        self.head = head
        self.height = max(text, photo) + 3 * mm

    def draw(self, c: Canvas, x: float, top: float) -> float:
        ctx, s, g = self.ctx, self.success, self.ctx.geometry
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(x, g.y(top), x + self.width, g.y(top))
        top += 3 * mm
        if s.photo:
            self._photo(c, x, top)
        tx = x + self.text_x
        text_w = self.width - self.text_x
        year_w = draw_text(c, ctx, str(s.year), tx, top + YEAR_PT * 0.8, YEAR_PT, bold=True)
        nx = tx + year_w + 3 * mm
        self.name.drawOn(c, nx, g.y(top) - self.name_h)
        draw_text(c, ctx, s.country.get(ctx.lang, "").upper(), nx, top + self.name_h + LABEL.pt, LABEL.pt,
                  bold=True, color=GREY, max_width=text_w - year_w - 3 * mm)
        y = top + self.head + 2 * mm
        self.outcome.drawOn(c, tx, g.y(y) - self.outcome_h)
        y += self.outcome_h
        if self.actions:
            y += 1.5 * mm
            self.actions.drawOn(c, tx, g.y(y) - self.actions_h)
            y += self.actions_h
        if self.quote:
            y += 2.5 * mm
            c.setFillColor(black)
            c.rect(tx, g.y(y + self.quote_h), QUOTE_RULE_PT, self.quote_h, stroke=0, fill=1)
            self.quote.drawOn(c, tx + 4 * mm, g.y(y) - self.quote_h)
            y += self.quote_h
        return max(y, top + (PHOTO_H_MM * mm + 1 + self.credit_h if s.photo else 0))

    def _photo(self, c: Canvas, x: float, top: float) -> None:
        s, g = self.success, self.ctx.geometry
        w, h = PHOTO_W_MM * mm, PHOTO_H_MM * mm
        photo_box(c, s.photo, x, g.y(top) - h, w, h)
        self.credit.drawOn(c, x, g.y(top + h + 1) - self.credit_h)


def _footer(c: Canvas, ctx: Context, page: int) -> None:
    cfg = ctx.config
    footer(c, ctx, f"{cfg.section.name} · {cfg.campaign.title.get(ctx.lang, '')} {cfg.campaign.year}",
           cfg.section.website, page)
