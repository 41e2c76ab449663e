"""Lay-out stage, artefact 4: branded writing paper for one case (SPEC §6.2, §14).

The letter's grid without its text: the slim band, the writer's address lines, the
addressee in the envelope window, a place-and-date guide below the first fold and a
signature guide at the foot, all on the letter's one left edge.
"""
from __future__ import annotations

from reportlab.lib.units import mm

from ..model import Case
from .context import Context
from .document import Document
from .furniture import band, campaign_mark, fold_marks, footer, sender_lines, window_address
from .grid import FOOTER_MM, SLIM_BAND_MM
from .letter import _place_and_date, left_edge, place_and_date_top, signature
from .text import draw_text
from .typescale import LABEL

LETTERHEAD_BAND_MM = SLIM_BAND_MM


def draw(doc: Document, ctx: Context, case: Case) -> None:
    g, cfg = ctx.geometry, ctx.config
    with doc.page() as c:
        band(c, ctx, LETTERHEAD_BAND_MM * mm)
        campaign_mark(c, ctx, g.margin, 6 * mm, LABEL.pt)
        draw_text(c, ctx, case.name, g.right, 6 * mm + LABEL.pt, LABEL.pt + 1, bold=True, anchor="right",
                  max_width=g.content_width / 2)
        fold_marks(c, ctx)
        sender_lines(c, ctx, 20 * mm)
        window_address(c, ctx, case)
        x = left_edge(g)
        _place_and_date(c, ctx, x, place_and_date_top(g), None)
        signature(c, ctx, x, g.height - (FOOTER_MM + 22) * mm)
        address = " · ".join(filter(None, (cfg.section.name, *cfg.section.address)))
        footer(c, ctx, address, cfg.section.website)
