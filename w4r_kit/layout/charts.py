"""Lay-out helper for the results: horizontal stacked bar charts as vector drawings
(reportlab.graphics), readable on a black-and-white copy.

The three kinds of returns are told apart by pattern, not by colour alone: signatures on
paper solid (brand text colour), letters in the brand colour with a black hatch, online
signatures white with an outline. Every bar carries its figures as text, so nothing is
read from the bar lengths only.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import Color, black, white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..numbers import number
from .context import Context
from .text import typeset
from .typescale import CAPTION, MIN_TEXT_PT, NOTE

BAR_MM = 5.2            # bar thickness: thick enough for the hatch to read on a copy
ROW_MM = 8.5            # one bar and the gap to the next
LABEL_COL_MM = 52       # the category names on the left
VALUE_COL_MM = 40       # the figures on the right of the longest bar
HATCH_MM = 1.3          # distance between hatch lines
LABEL_PT = NOTE.pt
VALUE_PT = CAPTION.pt
MIN_LABEL_PT = MIN_TEXT_PT      # SPEC §14: nothing below 6.5 pt


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, int, int]       # signatures on paper, letters, online
    note: str = ""                     # printed after the bar, e.g. "Σ 123"
    bold: bool = False


@dataclass(frozen=True)
class Style:
    fill: Color
    hatch: bool
    outline: bool


def styles(ctx: Context) -> tuple[Style, Style, Style]:
    return (Style(ctx.text, False, False), Style(ctx.primary, True, True), Style(white, False, True))


def hatch_lines(x: float, y: float, w: float, h: float, step: float) -> list[tuple[float, float, float, float]]:
    """45° lines clipped to the rectangle (x, y, w, h)."""
    lines = []
    t = -h
    while t < w:
        lo, hi = max(0.0, -t), min(h, w - t)
        if hi > lo:
            lines.append((x + t + lo, y + lo, x + t + hi, y + hi))
        t += step
    return lines


def segment(group: Group, x: float, y: float, w: float, h: float, style: Style) -> None:
    group.add(Rect(x, y, w, h, fillColor=style.fill, strokeColor=None, strokeWidth=0))
    if style.hatch:
        for x1, y1, x2, y2 in hatch_lines(x, y, w, h, HATCH_MM * mm):
            group.add(Line(x1, y1, x2, y2, strokeColor=black, strokeWidth=0.5))
    if style.outline:
        group.add(Rect(x, y, w, h, fillColor=None, strokeColor=black, strokeWidth=0.6))


def _fit(text: str, font: str, size: float, room: float) -> tuple[str, float]:
    width = stringWidth(text, font, size)
    if width <= room:
        return text, size
    if size * room / width >= MIN_LABEL_PT:
        return text, size * room / width
    # Too long even at the smallest size: shorten with an ellipsis (the table has the full name).
    while text and stringWidth(text + "…", font, MIN_LABEL_PT) > room:
        text = text[:-1]
    return text.rstrip() + "…", MIN_LABEL_PT


def bar_chart(ctx: Context, bars: list[Bar], width: float, scale_max: int | None = None) -> Drawing:
    """One drawing: a row per bar, label left, stacked segments, figures right."""
    height = len(bars) * ROW_MM * mm
    d = Drawing(width, height, initialFontName=ctx.fonts.regular)   # never a standard-14 font
    chart = Group()
    label_w, value_w = LABEL_COL_MM * mm, VALUE_COL_MM * mm
    area = width - label_w - value_w
    biggest = scale_max or max((sum(b.values) for b in bars), default=0) or 1
    kinds = styles(ctx)
    # The axis: a rule where the bars start.
    chart.add(Line(label_w, 0, label_w, height, strokeColor=black, strokeWidth=0.6))
    for i, bar in enumerate(bars):
        top = height - i * ROW_MM * mm
        y = top - (ROW_MM * mm + BAR_MM * mm) / 2
        font = ctx.fonts.bold if bar.bold else ctx.fonts.regular
        text, size = _fit(typeset(bar.label, ctx.words.typography), font, LABEL_PT, label_w - 3 * mm)
        chart.add(String(0, y + BAR_MM * mm / 2 - size * 0.35, text, fontName=font, fontSize=size,
                         fillColor=ctx.text))
        x = label_w
        for value, style in zip(bar.values, kinds):
            w = area * value / biggest
            if value and w < 0.6:
                w = 0.6                     # a figure that came back is never invisible
            if value:
                segment(chart, x, y, w, BAR_MM * mm, style)
                _segment_figure(chart, ctx, number(ctx.words, value), x, y, w, style)
            x += w
        if bar.note:
            chart.add(String(x + 2 * mm, y + BAR_MM * mm / 2 - VALUE_PT * 0.35, bar.note,
                             fontName=ctx.fonts.regular, fontSize=VALUE_PT, fillColor=ctx.text))
    d.add(chart)
    return d


def _segment_figure(group: Group, ctx: Context, text: str, x: float, y: float, w: float, style: Style) -> None:
    """The segment's figure inside it, where it fits: white on solid, black on a white patch
    over the hatch (so the hatch never runs through the digits), black on white."""
    size = VALUE_PT
    tw = stringWidth(text, ctx.fonts.bold, size)
    if tw + 3 * mm > w:
        return
    cx = x + w / 2
    base = y + BAR_MM * mm / 2 - size * 0.35
    if style.hatch:
        group.add(Rect(cx - tw / 2 - 1, base - 1.5, tw + 2, size + 1.5, fillColor=white, strokeColor=None,
                       strokeWidth=0))
    colour = white if style.fill == ctx.text and not style.outline else black
    group.add(String(cx, base, text, fontName=ctx.fonts.bold, fontSize=size, fillColor=colour,
                     textAnchor="middle"))


def legend(ctx: Context, labels: tuple[str, str, str], width: float) -> Drawing:
    """Three swatches with their names, on one line (two if they do not fit)."""
    sw, gap, size = 9 * mm, 3 * mm, LABEL_PT
    items = [(label, style) for label, style in zip(labels, styles(ctx))]
    widths = [sw + 2 * mm + stringWidth(typeset(l, ctx.words.typography), ctx.fonts.regular, size) + 6 * mm for l, _ in items]
    rows, row, used = [], [], 0.0
    for item, w in zip(items, widths):
        if row and used + w > width:
            rows.append(row)
            row, used = [], 0.0
        row.append((item, w))
        used += w
    rows.append(row)
    line_h = 6 * mm
    d = Drawing(width, line_h * len(rows), initialFontName=ctx.fonts.regular)
    g = Group()
    for r, row in enumerate(rows):
        x = 0.0
        y = d.height - (r + 1) * line_h + 1.2 * mm
        for (label, style), w in row:
            segment(g, x, y, sw, 3.6 * mm, style)
            g.add(String(x + sw + 2 * mm, y + 0.6 * mm, typeset(label, ctx.words.typography), fontName=ctx.fonts.regular,
                         fontSize=size, fillColor=ctx.text))
            x += w
    d.add(g)
    return d
