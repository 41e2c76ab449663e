"""Lay-out stage: the last page of a group's signature pack, a form to count the
signatures per case and send back with the sheets (SPEC §8)."""
from __future__ import annotations

from reportlab.lib.units import mm

from ..model import Case, Group
from .common import (GREY, LIGHT, RULE, Context, Document, draw_text, footer, titled_band,
                     string_width)

ROW_MM = 12
HEAD_MM = 10
NUMBER_COLS_MM = (30, 30, 30)     # printed / returned / signatures


def draw(doc: Document, ctx: Context, group: Group, cases: list[Case]) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    x, width = g.margin, g.content_width
    with doc.page() as c:
        titled_band(c, ctx, w.get("return_form_title"))
        draw_text(c, ctx, w.get("return_form_intro"), x, 40 * mm, 10, max_width=width)
        draw_text(c, ctx, w.get("collector_group").upper(), x, 50 * mm, 8, bold=True, color=GREY)
        draw_text(c, ctx, f"{group.name} ({group.id})", x, 56 * mm, 12, bold=True, max_width=width)

        top = 64 * mm
        numbers = [n * mm for n in NUMBER_COLS_MM]
        widths = [width - sum(numbers), *numbers]
        labels = [w.get("return_col_case"), w.get("return_col_printed"), w.get("return_col_returned"),
                  w.get("return_col_signatures")]
        c.setFillColor(LIGHT)
        c.rect(x, g.y(top + HEAD_MM * mm), width, HEAD_MM * mm, stroke=0, fill=1)
        cx = x
        for label, col_w in zip(labels, widths):
            size = min(8.5, 8.5 * (col_w - 4) / max(1, string_width(ctx, label, True, 8.5)))
            draw_text(c, ctx, label, cx + 2, top + HEAD_MM * mm / 2 + 3, max(size, 6), bold=True,
                      max_width=col_w - 4)
            cx += col_w
        rows = [(case.name, str(group.sheets)) for case in cases] + [(w.get("return_total"),
                                                                      str(group.sheets * len(cases)))]
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        for r, (name, printed) in enumerate(rows):
            row_top = top + HEAD_MM * mm + r * ROW_MM * mm
            mid = row_top + ROW_MM * mm / 2 + 3.5
            bold = r == len(rows) - 1
            draw_text(c, ctx, name, x + 2, mid, 10, bold=bold, max_width=widths[0] - 4)
            draw_text(c, ctx, printed, x + widths[0] + widths[1] - 6, mid, 10, bold=bold, anchor="right")
            c.line(x, g.y(row_top), x + width, g.y(row_top))
        bottom = top + HEAD_MM * mm + len(rows) * ROW_MM * mm
        c.setLineWidth(1.2 if rows else 0.5)
        c.line(x, g.y(bottom - ROW_MM * mm), x + width, g.y(bottom - ROW_MM * mm))
        c.setLineWidth(0.5)
        c.rect(x, g.y(bottom), width, bottom - top, stroke=1, fill=0)
        cx = x
        for col_w in widths[:-1]:
            cx += col_w
            c.line(cx, g.y(top), cx, g.y(bottom))

        sign_top = bottom + 22 * mm
        c.line(x, g.y(sign_top), x + 110 * mm, g.y(sign_top))
        draw_text(c, ctx, w.get("return_signed"), x, sign_top + 10, 8, color=GREY, max_width=width)
        footer(c, ctx, " · ".join(filter(None, (cfg.section.name, *cfg.return_address[1:]))))
