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
from .common import (GREY, RULE, Context, Document, Geometry, PAPER_SIZES, draw_text, fit_paragraph,
                     string_width)
from .overflow import Overflow

PANEL_MM = 92            # the brand panel on the left
INSET_MM = 16            # margin of the right-hand part
GROUP_NAME_PT = (30, 16)  # the group's name: largest size, smallest it may shrink to
BODY_PT = 11
FIGURE_PT = 26
RIBBON_MM = 10


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


def draw(doc: Document, ctx: Context, group: GroupResult, results: Results, as_of: dt.date) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    title = cfg.campaign.title.get(ctx.lang, "")
    with doc.page() as c:
        # The panel, bled off the left, top and bottom edges.
        panel = PANEL_MM * mm
        c.setFillColor(ctx.primary)
        c.rect(-g.bleed, -g.bleed, panel + g.bleed, g.height + 2 * g.bleed, stroke=0, fill=1)
        px = 14 * mm
        draw_text(c, ctx, str(cfg.campaign.year), px, 52 * mm, 64, bold=True, max_width=panel - 2 * px)
        p = fit_paragraph(ctx, title, panel - 2 * px, 60 * mm, "h1", 14, fontSize=26, leading=29)
        if p is None:
            raise Overflow("title", "the campaign title does not fit the certificate; shorten it")
        p.drawOn(c, px, g.y(62 * mm) - p.height)
        section = fit_paragraph(ctx, cfg.section.name, panel - 2 * px, 30 * mm, "h3", 8)
        if section is not None:
            section.drawOn(c, px, 18 * mm)
        if cfg.section.website:
            draw_text(c, ctx, cfg.section.website, px, g.height - 12 * mm, 8.5, max_width=panel - 2 * px)

        x = panel + INSET_MM * mm
        width = g.width - x - INSET_MM * mm
        top = 24 * mm
        if group.winner:
            label = w.get("cert_winner_title").upper()
            ribbon_w = string_width(ctx, label, True, 11) + 12 * mm
            c.setFillColor(ctx.text)
            c.rect(x, g.y(top - 4 * mm + RIBBON_MM * mm), ribbon_w, RIBBON_MM * mm, stroke=0, fill=1)
            draw_text(c, ctx, label, x + 6 * mm, top + 3 * mm, 11, bold=True, color=white)
            top += RIBBON_MM * mm + 2 * mm
        draw_text(c, ctx, w.get("cert_title").upper(), x, top, 11, bold=True, color=GREY, max_width=width)
        c.setStrokeColor(ctx.text)
        c.setLineWidth(1.5)
        c.line(x, g.y(top + 4 * mm), x + 24 * mm, g.y(top + 4 * mm))
        top += 14 * mm

        top += _para(c, ctx, w.get("cert_presented", section=cfg.section.name), x, top, width, BODY_PT) + 4 * mm
        name = fit_paragraph(ctx, group.group_name, width, 34 * mm, "h1", GROUP_NAME_PT[1],
                             fontSize=GROUP_NAME_PT[0], leading=GROUP_NAME_PT[0] * 1.12)
        if name is None:
            raise Overflow("group_name", "the group's name does not fit its certificate; shorten it")
        name.drawOn(c, x, g.y(top) - name.height)
        top += name.height + 5 * mm
        top += _para(c, ctx, w.get("cert_text", title=title, year=cfg.campaign.year), x, top,
                     min(width, 150 * mm), BODY_PT) + 8 * mm

        # The figures: a row of large numbers, each with its label, separated by rules.
        items = figures(ctx, group)
        cell = min(50 * mm, width / len(items))
        for i, (value, label) in enumerate(items):
            fx = x + i * cell
            if i:
                c.setStrokeColor(RULE)
                c.setLineWidth(0.6)
                c.line(fx - 4 * mm, g.y(top - 2 * mm), fx - 4 * mm, g.y(top + 17 * mm))
            draw_text(c, ctx, value, fx, top + 9 * mm, FIGURE_PT, bold=True, max_width=cell - 8 * mm)
            draw_text(c, ctx, label, fx, top + 15 * mm, 9, max_width=cell - 8 * mm)
        top += 24 * mm

        if group.winner:
            ranked = sum(1 for other in results.groups if other.ranking == group.ranking and other.rank)
            key = "cert_winner_text_tied" if group.tied else "cert_winner_text"
            top += _para(c, ctx, w.get(key, rank=group.rank, ranked=number(w, ranked)), x, top, width, BODY_PT,
                         bold=True) + 2 * mm
            prize = results.rule.prize.get(ctx.lang)
            if prize:
                top += _para(c, ctx, w.get("cert_prize", prize=prize), x, top, width, BODY_PT) + 2 * mm

        # Signature line and date, at the foot of the right-hand part.
        foot = g.height - 24 * mm
        c.setStrokeColor(ctx.text)
        c.setLineWidth(0.6)
        c.line(x, g.y(foot), x + 70 * mm, g.y(foot))
        draw_text(c, ctx, w.get("cert_signed", section=cfg.section.name), x, foot + 5 * mm, 8.5, color=GREY,
                  max_width=70 * mm)
        draw_text(c, ctx, ctx.date(as_of), x + width, foot - 2 * mm, 10, anchor="right")
        if top > foot - 12 * mm:
            raise Overflow("group_name", "the certificate's texts do not fit the page; shorten them")


def _para(c, ctx: Context, text: str, x: float, top: float, width: float, size: float, bold: bool = False) -> float:
    style = "h3" if bold else "body_left"
    p = fit_paragraph(ctx, text, width, 60 * mm, style, 9, fontSize=size, leading=size * 1.35)
    if p is None:
        raise Overflow("", f"'{text[:40]}…' does not fit the certificate; shorten it", text=text)
    p.drawOn(c, x, ctx.geometry.y(top) - p.height)
    return p.height
