"""Lay-out stage: a group's certificate of participation, certificates/<group-id>.pdf
(SPEC §12), in the group's language, landscape.

A brand-colour panel on the left carries the campaign (title and year, set large); the
right holds the thanks, the group's name, its figures and, for a prize winner, a black
ribbon saying so. Everything reads on a black-and-white copy: the panel's text is black,
the ribbon is black with white text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib.colors import white
from reportlab.lib.units import mm

from ..numbers import number, plural_key
from ..results import GroupResult, Results
from .context import Context
from .document import Document
from .grid import PAPER_SIZES, Geometry
from .group_names import keep_tail
from .overflow import Overflow
from reportlab.pdfbase.pdfmetrics import stringWidth

from .text import draw_text, fit_paragraph, string_width, typeset
from .typescale import BODY, CAPTION, DISPLAY, GREY, LABEL, LEAD, NOTE, RULE, SUBHEAD, TITLE, steps

PANEL_MM = 92            # the brand panel on the left
INSET_MM = 16            # margin of the right-hand part
TEXT_MAX_MM = 150        # running text stays within ~80 characters a line (SPEC §14)
RIBBON_MM = 9
FIGURE_CELL_MM = 50
FOOT_MM = 24             # the signature line, from the bottom edge
KICKER_PT = 11           # a step of the type scale (typescale.SCALE)


@dataclass(frozen=True)
class Landscape(Geometry):
    """The paper turned sideways: a certificate is hung, not filed."""

    @property
    def width(self) -> float:
        return PAPER_SIZES[self.paper][1]

    @property
    def height(self) -> float:
        return PAPER_SIZES[self.paper][0]


def figures(ctx: Context, group: GroupResult) -> list[tuple[str, str]]:
    """(number, label) of what the group returned; kinds it returned nothing of are left out."""
    w, f = ctx.words, group.figures
    out = [(number(w, value), w.get(plural_key(w, key, value)))
           for value, key in ((f.signatures, "results_signatures"), (f.letters, "results_letters"),
                              (f.online, "results_online")) if value]
    return out or [(number(w, group.total), w.get(plural_key(w, "results_points", group.total)))]


def _fit(ctx: Context, text: str, width: float, height: float, style: str, size, floor: float):
    """`text` at `size` or the next step down the type scale that fits without breaking a word
    (a name is never split); Overflow if none does."""
    font = ctx.styles[style].fontName
    widest = max((stringWidth(word, font, 1) for word in typeset(text, ctx.words.typography).split(" ")), default=0)
    for pt in steps(size.pt, floor):
        if widest * pt > width:
            continue
        p = fit_paragraph(ctx, text, width, height, style, pt, fontSize=pt, leading=pt * size.leading / size.pt)
        if p is not None:
            return p
    raise Overflow("", f"'{text[:40]}' does not fit the certificate; shorten it", text=text)


def draw(doc: Document, ctx: Context, group: GroupResult, results: Results, as_of: dt.date) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    title = cfg.campaign.title.get(ctx.lang, "")
    panel = PANEL_MM * mm
    x = panel + INSET_MM * mm
    width = g.width - x - INSET_MM * mm
    text_w = min(width, TEXT_MAX_MM * mm)
    foot = g.height - FOOT_MM * mm

    # Everything of the right-hand part is measured first, so the block sits in the middle.
    presented = _fit(ctx, w.get("cert_presented", section=cfg.section.name), text_w, 30 * mm, "body_left", LEAD,
                     BODY.pt)
    name = _fit(ctx, keep_tail(group.group_name), width, 36 * mm, "h1", DISPLAY, SUBHEAD.pt)
    thanks = _fit(ctx, w.get("cert_text", title=title, year=cfg.campaign.year), text_w, 45 * mm, "body_left", LEAD,
                  NOTE.pt)
    extra = []
    if group.winner:
        ranked = sum(1 for other in results.groups if other.ranking == group.ranking and other.rank)
        key = "cert_winner_text_tied" if group.tied else "cert_winner_text"
        extra.append(_fit(ctx, w.get(key, rank=group.rank, ranked=number(w, ranked)), text_w, 30 * mm, "h3",
                          LEAD, NOTE.pt))
        prize = results.rule.prize.get(ctx.lang)
        if prize:
            extra.append(_fit(ctx, w.get("cert_prize", prize=prize), text_w, 30 * mm, "body_left", LEAD, NOTE.pt))
    items = figures(ctx, group)
    kicker_h = (RIBBON_MM + 5) * mm * group.winner + 12 * mm
    block = (kicker_h + presented.height + 3 * mm + name.height + 5 * mm + thanks.height + 9 * mm + 20 * mm
             + sum(p.height + 2 * mm for p in extra))
    top = max(18 * mm, (foot - 14 * mm - block) / 2 + 4 * mm)
    if top + block > foot - 10 * mm:
        raise Overflow("", "the certificate's texts do not fit the page; shorten the group's name or the words",
                       text=group.group_name)

    with doc.page() as c:
        # The brand panel: bled off the edges for a print shop, inside the safe margin otherwise.
        e = g.edge
        c.setFillColor(ctx.primary)
        c.rect(e, e, panel - e, g.height - 2 * e, stroke=0, fill=1)
        px, pw = 14 * mm, panel - 26 * mm
        draw_text(c, ctx, str(cfg.campaign.year), px, 50 * mm, DISPLAY.pt, bold=True, max_width=pw)
        camp = _fit(ctx, title, pw, 60 * mm, "h1", TITLE, SUBHEAD.pt)
        camp.drawOn(c, px, g.y(58 * mm) - camp.height)
        section = _fit(ctx, cfg.section.name, pw, 30 * mm, "h3", LEAD, LABEL.pt)
        section.drawOn(c, px, g.y(foot) + 2 * mm)
        if cfg.section.website:
            draw_text(c, ctx, cfg.section.website, px, foot + 6 * mm, NOTE.pt, max_width=pw)

        if group.winner:
            # A black ribbon with white capitals: the prize reads in black and white too.
            label = w.get("cert_winner_title").upper()
            ribbon_w = string_width(ctx, label, True, LEAD.pt) + 12 * mm
            c.setFillColor(ctx.text)
            c.rect(x, g.y(top + RIBBON_MM * mm), ribbon_w, RIBBON_MM * mm, stroke=0, fill=1)
            draw_text(c, ctx, label, x + 6 * mm, top + RIBBON_MM * mm / 2 + LEAD.pt * 0.36, LEAD.pt, bold=True,
                      color=white)
            top += (RIBBON_MM + 5) * mm
        draw_text(c, ctx, w.get("cert_title").upper(), x, top + 4 * mm, KICKER_PT, bold=True, color=GREY,
                  max_width=width)
        c.setStrokeColor(ctx.text)
        c.setLineWidth(1.5)
        c.line(x, g.y(top + 7.5 * mm), x + 24 * mm, g.y(top + 7.5 * mm))
        top += 12 * mm

        for p, gap in ((presented, 3 * mm), (name, 5 * mm), (thanks, 9 * mm)):
            p.drawOn(c, x, g.y(top) - p.height)
            top += p.height + gap

        # The figures: a row of large numbers, each with its label, separated by rules.
        cell = min(FIGURE_CELL_MM * mm, width / len(items))
        for i, (value, label) in enumerate(items):
            fx = x + i * cell
            if i:
                c.setStrokeColor(RULE)
                c.setLineWidth(0.6)
                c.line(fx - 4 * mm, g.y(top - 1 * mm), fx - 4 * mm, g.y(top + 16 * mm))
            draw_text(c, ctx, value, fx, top + 9 * mm, TITLE.pt, bold=True, max_width=cell - 8 * mm)
            draw_text(c, ctx, label, fx, top + 14.5 * mm, NOTE.pt, max_width=cell - 8 * mm)
        top += 20 * mm
        for p in extra:
            p.drawOn(c, x, g.y(top) - p.height)
            top += p.height + 2 * mm

        # Signature line and date, at the foot of the right-hand part.
        c.setStrokeColor(ctx.text)
        c.setLineWidth(0.6)
        c.line(x, g.y(foot), x + 70 * mm, g.y(foot))
        draw_text(c, ctx, w.get("cert_signed", section=cfg.section.name), x, foot + 5 * mm, CAPTION.pt + 1,
                  color=GREY, max_width=70 * mm)
        draw_text(c, ctx, ctx.date(as_of), x + width, foot - 2 * mm, BODY.pt, anchor="right")
