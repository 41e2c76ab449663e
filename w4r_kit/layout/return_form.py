"""Lay-out stage: the last page of a group's signature pack, a form to count the
signatures per case and send back with the sheets (SPEC §8)."""
from __future__ import annotations

from reportlab.lib.units import mm

from ..model import Case, Group
from .context import Context
from .document import Document
from .furniture import footer, titled_band
from .text import draw_paragraph, draw_text, fit_paragraph
from .typescale import GREY, LABEL, LIGHT, RULE, WRITING_LINE_PT
from .overflow import Overflow

ROW_MM = 12
HEAD_MM = 12
CELL_PAD_MM = 2.5          # text inside a cell keeps clear of its rules
NUMBER_COLS_MM = (30, 30, 30)     # printed / returned / signatures


def draw(doc: Document, ctx: Context, group: Group, cases: list[Case]) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    x, width = g.margin, g.content_width
    with doc.page() as c:
        titled_band(c, ctx, w.get("return_form_title"))
        draw_paragraph(c, ctx, w.get("return_form_intro"), x, 37 * mm, width, "body")
        draw_text(c, ctx, w.get("collector_group").upper(), x, 50 * mm, LABEL.pt, bold=True, color=GREY)
        # The group as people know it; its technical id is in the sheets' machine codes.
        draw_paragraph(c, ctx, group.name, x, 52 * mm, width, "lead")

        top = 64 * mm
        numbers = [n * mm for n in NUMBER_COLS_MM]
        widths = [width - sum(numbers), *numbers]
        labels = [w.get("return_col_case"), w.get("return_col_printed"), w.get("return_col_returned"),
                  w.get("return_col_signatures")]
        c.setFillColor(LIGHT)
        c.rect(x, g.y(top + HEAD_MM * mm), width, HEAD_MM * mm, stroke=0, fill=1)
        cx = x
        pad = CELL_PAD_MM * mm
        for label, col_w in zip(labels, widths):
            # A header wraps onto two lines before it steps down the scale (never below 7 pt).
            p = fit_paragraph(ctx, label, col_w - 2 * pad, HEAD_MM * mm - 2 * pad, "label", 7,
                              fontSize=8.5, leading=10)
            if p is None:
                raise Overflow("return_col_case", f"'{label}': a column header of the return form does not fit "
                               "its column; shorten it")
            p.drawOn(c, cx + pad, g.y(top + (HEAD_MM * mm + p.height) / 2))
            cx += col_w
        rows = [(case.name, str(group.sheets)) for case in cases] + [(w.get("return_total"),
                                                                      str(group.sheets * len(cases)))]
        c.setStrokeColor(RULE)
        c.setLineWidth(WRITING_LINE_PT)
        for r, (name, printed) in enumerate(rows):
            row_top = top + HEAD_MM * mm + r * ROW_MM * mm
            mid = row_top + ROW_MM * mm / 2 + 3.5
            bold = r == len(rows) - 1
            draw_text(c, ctx, name, x + pad, mid, 10, bold=bold, max_width=widths[0] - 2 * pad)
            draw_text(c, ctx, printed, x + widths[0] + widths[1] - pad, mid, 10, bold=bold, anchor="right")
            c.line(x, g.y(row_top), x + width, g.y(row_top))
        bottom = top + HEAD_MM * mm + len(rows) * ROW_MM * mm
        c.setLineWidth(1.2 if rows else 0.5)
        c.line(x, g.y(bottom - ROW_MM * mm), x + width, g.y(bottom - ROW_MM * mm))
        c.setLineWidth(WRITING_LINE_PT)
        c.rect(x, g.y(bottom), width, bottom - top, stroke=1, fill=0)
        cx = x
        for col_w in widths[:-1]:
            cx += col_w
            c.line(cx, g.y(top), cx, g.y(bottom))

        sign_top = bottom + 22 * mm
        c.line(x, g.y(sign_top), x + 110 * mm, g.y(sign_top))
        draw_text(c, ctx, w.get("return_signed"), x, sign_top + 1.5 * mm + LABEL.pt, LABEL.pt, color=GREY,
                  max_width=width)
        footer(c, ctx, " · ".join(filter(None, (cfg.section.name, *cfg.return_address[1:]))))
