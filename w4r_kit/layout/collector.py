"""Lay-out stage: the first page of a group's signature pack, for whoever collects
(SPEC §8: group, cases, number of sheets, how, by when and where to return them,
the rules of its audience)."""
from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.lib.units import mm

from ..model import Case, Group
from ..numbers import count
from .context import Context
from .document import Document
from .furniture import footer, titled_band
from .text import draw_paragraph, draw_text, fit_address
from .typescale import GREY
from .overflow import Overflow

RULES = {
    "adult": ("rule_adult_consent", "rule_adult_unattended", "rule_adult_copies", "rule_adult_lost"),
    "youth": ("rule_youth_unattended", "rule_youth_copies", "rule_youth_return", "rule_youth_lost"),
}
LABEL_COL_MM = 32


def draw(doc: Document, ctx: Context, group: Group, cases: list[Case], sheets_total: int) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    x, width = g.margin, g.content_width
    with doc.page() as c:
        titled_band(c, ctx, w.get("collector_title"))

        top = 42 * mm
        value_x = x + LABEL_COL_MM * mm
        value_w = width - LABEL_COL_MM * mm
        facts = [(w.get("collector_group"), group.name)]
        if group.contact:
            facts.append((w.get("collector_contact"), group.contact))
        for label, value in facts:
            draw_text(c, ctx, label.upper(), x, top + 9, 8, bold=True, color=GREY)
            top += draw_paragraph(c, ctx, value, value_x, top, value_w, "lead") + 3 * mm
        draw_text(c, ctx, w.get("collector_cases").upper(), x, top + 9, 8, bold=True, color=GREY)
        for case in cases:
            # Name, then country and theme, each wrapping in its column rather than shrinking.
            h1 = draw_paragraph(c, ctx, case.name, value_x, top + 1, value_w * 0.5, "body_left", fontName=ctx.fonts.bold,
                                fontSize=10.5, leading=13)
            h2 = draw_paragraph(c, ctx, f"{case.country[ctx.lang]} – {case.theme[ctx.lang]}",
                                value_x + value_w * 0.53, top + 2.5, value_w * 0.47, "small", textColor=GREY)
            top += max(h1, h2 + 1.5) + 3
        top += 3
        draw_text(c, ctx, w.get("collector_sheets", sheets=count(w, group.sheets), total=count(w, sheets_total)), value_x, top + 10,
                  10, max_width=value_w)
        top += 12 * mm

        draw_text(c, ctx, w.get("collector_how_title"), x, top + 12, 13, bold=True)
        top += 19
        how = (w.get("collector_how", date=ctx.date(cfg.campaign.return_by)) if cfg.campaign.return_by
               else w.get("collector_how_nodate"))
        top += draw_paragraph(c, ctx, how, x, top, width, "body_left") + 3 * mm
        c.setFillColor(ctx.primary)
        address = fit_address(ctx, list(cfg.return_address), width - 12 * mm, 40 * mm, size=11, min_size=8)
        if address is None:
            raise Overflow("[campaign] return_address", "too long for the collector's page; shorten it")
        ah = address.wrap(width - 12 * mm, 40 * mm)[1]
        c.rect(x, g.y(top + ah + 8 * mm), 2.5 * mm, ah + 8 * mm, stroke=0, fill=1)
        address.drawOn(c, x + 7 * mm, g.y(top + 4 * mm) - ah)
        top += ah + 16 * mm

        draw_text(c, ctx, w.get("collector_rules_title"), x, top + 12, 13, bold=True)
        top += 20
        values = {"section": cfg.section.name, "email": cfg.section.email or cfg.section.website}
        for n, key in enumerate(RULES[group.audience], start=1):
            c.setFillColor(black)
            c.circle(x + 3 * mm, g.y(top + 3 * mm), 3 * mm, stroke=0, fill=1)
            draw_text(c, ctx, str(n), x + 3 * mm, top + 3 * mm + 3.2, 9, bold=True, color=ctx.primary,
                      anchor="center")
            h = draw_paragraph(c, ctx, w.get(key, **values), x + 10 * mm, top, width - 10 * mm, "body_left")
            top += max(h, 6 * mm) + 3 * mm
        if top > g.height - 22 * mm:
            raise Overflow("rules", "the collector's page is too full; shorten the rules or the address")
        footer(c, ctx, " · ".join(filter(None, (cfg.section.name, cfg.section.email, cfg.section.website))))
