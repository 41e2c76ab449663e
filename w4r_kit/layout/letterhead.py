"""Lay-out stage, artefact 4: branded writing paper for one case (SPEC §6.2)."""
from __future__ import annotations

from reportlab.lib.units import mm

from ..model import Case
from .common import (Context, Document, band, campaign_mark, draw_text, fold_marks, footer,
                     sender_lines, window_address)

LETTERHEAD_BAND_MM = 12


def draw(doc: Document, ctx: Context, case: Case) -> None:
    g, cfg = ctx.geometry, ctx.config
    with doc.page() as c:
        band(c, ctx, LETTERHEAD_BAND_MM * mm)
        campaign_mark(c, ctx, g.margin, 4.2 * mm, 9)
        draw_text(c, ctx, case.name, g.width - g.margin, 7.4 * mm, 9, bold=True, anchor="right",
                  max_width=g.content_width / 2)
        fold_marks(c, ctx)
        sender_lines(c, ctx, 20 * mm)
        window_address(c, ctx, case)
        address = " · ".join(filter(None, (cfg.section.name, *cfg.section.address)))
        footer(c, ctx, address, cfg.section.website)
