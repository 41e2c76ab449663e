"""Lay-out stage: the results report, results-<lang>.pdf (SPEC §12).

Page one: the season in figures, the rule that makes the total, the prize and its
winners. Then the ranking (one table per ranking of the prize scope, running over as
many pages as it needs) and the bar charts per case and per group.
"""
from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager

from reportlab.graphics import renderPDF
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..numbers import count, number, plural
from ..results import GroupResult, Results
from ..strings import Words
from . import charts
from .context import Context
from .document import Document
from .furniture import footer, titled_band
from .group_names import keep_tail
from .text import draw_paragraph, draw_text, fit_paragraph, paragraph, string_width, typeset
from .typescale import BODY, CAPTION, GREY, LABEL, LIGHT, NOTE, RULE, SUBHEAD, TITLE, steps

TOP_MM = 40                 # first line under the header band
BOTTOM_MM = 24              # room kept above the footer
TILE_H_MM = 26
ROW_MM = 7                  # a ranking row: 9 pt text with air for a pen correction
HEAD_MM = 8
SECTION_GAP_MM = 9


class _Flow:
    """Pages that fill from the top; a new page opens when the next block does not fit."""

    def __init__(self, doc: Document, ctx: Context, footer_text: str) -> None:
        self.doc, self.ctx, self.footer_text = doc, ctx, footer_text
        self._page: AbstractContextManager | None = None
        self.c: Canvas | None = None
        self.top = 0.0
        self.number = 0

    @property
    def bottom(self) -> float:
        return self.ctx.geometry.height - BOTTOM_MM * mm

    def new_page(self, band_title: str | None = None, subtitle: str = "") -> Canvas:
        self.close()
        self._page = self.doc.page()
        self.c = self._page.__enter__()
        self.number += 1
        if band_title:
            titled_band(self.c, self.ctx, band_title, subtitle)
            self.top = TOP_MM * mm
        else:
            self.top = 16 * mm
        footer(self.c, self.ctx, self.footer_text, self.ctx.words.get("results_page", page=self.number))
        return self.c

    def room(self, height: float) -> Canvas:
        """The canvas, on a new page if `height` no longer fits on this one."""
        if self.c is None or self.top + height > self.bottom:
            self.new_page()
        return self.c

    def close(self) -> None:
        if self._page is not None:
            self._page.__exit__(None, None, None)
            self._page = None


def _points(value: float, ctx: Context) -> str:
    return number(ctx.words, value)


def draw(doc: Document, ctx: Context, results: Results, case_names: dict[str, str], as_of: dt.date) -> None:
    w, cfg = ctx.words, ctx.config
    title = cfg.campaign.title.get(ctx.lang, "")
    flow = _Flow(doc, ctx, w.get("results_subtitle", title=title, year=cfg.campaign.year, section=cfg.section.name))
    doc.outline(w.get("results_in_figures"))
    flow.new_page(w.get("results_title"), w.get("results_subtitle", title=title, year=cfg.campaign.year,
                                                   section=cfg.section.name))
    _figures(flow, results, as_of)
    _rule_and_prize(flow, results)
    # The ranking and the charts follow on, each starting a page only when it must.
    _section(flow, w.get("results_ranking_title"), 40 * mm)
    _ranking(flow, results)
    _section(flow, w.get("results_by_case_title"), 60 * mm)
    _charts(flow, results, case_names)
    flow.close()


def _section(flow: _Flow, title: str, needs: float) -> None:
    """A section heading with its outline entry, on a new page unless `needs` still fits."""
    if flow.top + needs > flow.bottom:
        flow.new_page()
    else:
        flow.top += 2 * mm
    flow.doc.outline(title)
    _heading(flow, title)


def _heading(flow: _Flow, text: str, size: float = SUBHEAD.pt) -> None:
    c = flow.room(size + 14 * mm)
    draw_text(c, flow.ctx, text, flow.ctx.geometry.margin, flow.top + size, size, bold=True)
    flow.top += size + 4 * mm


def _paragraph(flow: _Flow, text: str, style: str = "body_left", gap: float = 1.5 * mm) -> None:
    g = flow.ctx.geometry
    p = paragraph(flow.ctx, text, style)
    h = p.wrap(g.content_width, g.height)[1]
    c = flow.room(h + gap)
    p.drawOn(c, g.margin, g.y(flow.top) - h)
    flow.top += h + gap


def _figures(flow: _Flow, results: Results, as_of: dt.date) -> None:
    ctx, w, g = flow.ctx, flow.ctx.words, flow.ctx.geometry
    c = flow.c
    draw_text(c, ctx, w.get("results_as_of", date=ctx.date(as_of)), g.margin, flow.top, NOTE.pt, color=GREY)
    flow.top += 6 * mm
    _heading(flow, w.get("results_in_figures"))
    t = results.totals
    tiles = [(t.signatures, "results_signatures"), (t.letters, "results_letters"), (t.online, "results_online"),
             (results.total, "results_points")]
    gap = 4 * mm
    tile_w = (g.content_width - gap * (len(tiles) - 1)) / len(tiles)
    for i, (value, key) in enumerate(tiles):
        x = g.margin + i * (tile_w + gap)
        last = i == len(tiles) - 1
        # The total stands out by weight and a black frame, not by colour alone.
        c.setFillColor(ctx.primary if last else LIGHT)
        c.setStrokeColor(ctx.text)
        c.setLineWidth(1.2 if last else 0)
        c.rect(x, g.y(flow.top + TILE_H_MM * mm), tile_w, TILE_H_MM * mm, stroke=1 if last else 0, fill=1)
        draw_text(c, ctx, number(w, value), x + 4 * mm, flow.top + 13 * mm, TITLE.pt, bold=True, max_width=tile_w - 8 * mm)
        label = w.get(_plural_key(w, key, value))
        draw_paragraph(c, ctx, label, x + 4 * mm, flow.top + 16 * mm, tile_w - 8 * mm, "small")
    flow.top += TILE_H_MM * mm + 5 * mm
    lines = [plural(w, "results_groups", len(results.participants)),
             w.get("results_sheets", returned=count(w, results.sheets_returned),
                   issued=count(w, results.sheets_issued))]
    if t.consent_yes:
        lines.append(plural(w, "results_consent", t.consent_yes))
    for line in lines:
        _paragraph(flow, "• " + line, gap=0.5 * mm)
    notes = []
    if results.unattributed_online:
        notes.append(plural(w, "results_unattributed", results.unattributed_online))
    if results.to_review:
        notes.append(plural(w, "results_to_review", results.to_review))
    for note in notes:
        _paragraph(flow, note, "small", gap=1 * mm)
    flow.top += SECTION_GAP_MM * mm - 4 * mm


def _plural_key(words, key: str, n: float) -> str:
    from ..numbers import plural_key
    return plural_key(words, key, n)


def rule_lines(ctx: Context, results: Results) -> list[str]:
    """The rule, in words: what the total counts and how the prize is decided."""
    return rule_sentences(ctx.words, results)


def rule_sentences(w: Words, results: Results) -> list[str]:
    """rule_lines in the words `w` (the staff results page says the rule as the report prints it)."""
    rule = results.rule
    kinds = (("signatures", rule.signatures), ("letters", rule.letters), ("online", rule.online))
    parts = [w.get(f"results_rule_{kind}", points=number(w, weight)) for kind, weight in kinds if weight]
    lines = [w.get("results_rule_weights", parts=" + ".join(parts))]
    zero = [w.get(f"results_{kind}_other") for kind, weight in kinds if not weight]
    if zero:
        lines.append(w.get("results_rule_zero", kinds=", ".join(zero)))
    if rule.per_member:
        lines.append(w.get("results_rule_per_member"))
    if rule.prize_top == 0:
        lines.append(w.get("results_prize_none"))
        return lines
    lines.append(plural(w, "results_prize_rule_per_member" if rule.per_member else "results_prize_rule",
                        rule.prize_top))
    if rule.prize_scope != "all":
        lines.append(w.get(f"results_prize_scope_{rule.prize_scope}"))
    if rule.prize_min > 1:
        lines.append(w.get("results_prize_min", min=number(w, rule.prize_min)))
    lines.append(w.get("results_ties"))
    return lines


def ranking_name(ctx: Context, ranking: str) -> str:
    return ranking_title(ctx.words, ranking)


def ranking_title(w: Words, ranking: str) -> str:
    """The name of one ranking of the prize scope: all groups, an audience, a language."""
    if ranking == "all":
        return w.get("results_ranking_all")
    if f"results_ranking_{ranking}" in w.texts:
        return w.get(f"results_ranking_{ranking}")
    from babel import Locale
    try:
        language = Locale.parse(ranking).get_display_name(w.texts["locale"]) or ranking
    except Exception:  # noqa: BLE001 - a language Babel does not know is shown by its code
        language = ranking
    return w.get("results_ranking_lang", language=language)


def _rule_and_prize(flow: _Flow, results: Results) -> None:
    ctx, w, g = flow.ctx, flow.ctx.words, flow.ctx.geometry
    _heading(flow, w.get("results_rule_title"))
    for line in rule_lines(ctx, results):
        _paragraph(flow, line)
    prize = results.rule.prize.get(ctx.lang)
    if prize:
        _paragraph(flow, w.get("results_prize_what", prize=prize), "h3")
    flow.top += 4 * mm
    if results.rule.prize_top == 0:
        return
    _heading(flow, w.get("results_winners_title"))
    winners = results.winners
    if not winners:
        _paragraph(flow, w.get("results_no_winner"))
        return
    several = len({g.ranking for g in results.groups}) > 1
    current = None
    for winner in winners:
        if several and winner.ranking != current:
            current = winner.ranking
            c = flow.room(14 * mm)
            draw_text(c, ctx, ranking_name(ctx, current).upper(), g.margin, flow.top + 8, LABEL.pt, bold=True,
                      color=GREY)
            flow.top += 5 * mm
        c = flow.room(9 * mm)
        # A yellow disc with a black rank: the place reads in black and white too.
        cx, cy = g.margin + 4 * mm, g.y(flow.top + 3.2 * mm)
        c.setFillColor(ctx.primary)
        c.setStrokeColor(ctx.text)
        c.setLineWidth(0.8)
        c.circle(cx, cy, 3.6 * mm, stroke=1, fill=1)
        draw_text(c, ctx, _rank_text(winner), cx, flow.top + 5 * mm, BODY.pt, bold=True, anchor="center")
        name = name_paragraph(ctx, winner.group_name, g.content_width - 60 * mm, True)
        name.drawOn(c, g.margin + 11 * mm, g.y(flow.top + 1.4 * mm) - name.height)
        score = _score_text(ctx, winner, results)
        draw_text(c, ctx, score, g.width - g.margin, flow.top + 5 * mm, BODY.pt, bold=True, anchor="right")
        flow.top += max(9 * mm, name.height + 4 * mm)


def _rank_text(g: GroupResult) -> str:
    return f"{g.rank}=" if g.tied else str(g.rank)


def _score_text(ctx: Context, g: GroupResult, results: Results) -> str:
    w = ctx.words
    text = plural(w, "results_score", g.total)
    if results.rule.per_member and g.members:
        text += " · " + w.get("results_score_per_member", n=number(w, round(g.total / g.members, 2)))
    return text


def _columns(ctx: Context, results: Results) -> list[tuple[str, float, str]]:
    """(label, width, anchor) of the ranking table; the group column takes what is left."""
    w, g = ctx.words, ctx.geometry
    cols = [(w.get("results_col_rank"), 13 * mm, "center"), (w.get("results_col_group"), 0, "left"),
            (w.get("results_col_sheets"), 17 * mm, "right"), (w.get("results_col_signatures"), 21 * mm, "right"),
            (w.get("results_col_letters"), 16 * mm, "right"), (w.get("results_col_online"), 15 * mm, "right"),
            (w.get("results_col_total"), 17 * mm, "right")]
    if results.rule.per_member:
        cols.append((w.get("results_col_per_member"), 18 * mm, "right"))
    cols.append((w.get("results_winner_mark"), 12 * mm, "center"))
    rest = g.content_width - sum(width for _, width, _ in cols)
    return [(label, width or rest, anchor) for label, width, anchor in cols]


def _table_head(flow: _Flow, cols) -> None:
    ctx, g = flow.ctx, flow.ctx.geometry
    c = flow.room((HEAD_MM + ROW_MM) * mm)
    c.setFillColor(ctx.text)
    c.rect(g.margin, g.y(flow.top + HEAD_MM * mm), g.content_width, HEAD_MM * mm, stroke=0, fill=1)
    x = g.margin
    from reportlab.lib.colors import white
    for label, width, anchor in cols:
        tx = {"left": x + 1.5 * mm, "right": x + width - 1.5 * mm, "center": x + width / 2}[anchor]
        draw_text(flow.c, ctx, label, tx, flow.top + HEAD_MM * mm / 2 + 2.6, CAPTION.pt, bold=True,
                  color=white, anchor=anchor, max_width=width - 2)
        x += width
    flow.top += HEAD_MM * mm


NAME_FLOOR_PT = 8.5     # a name shrinks down the type scale to this to stay on one line, then wraps


def name_paragraph(ctx: Context, name: str, width: float, bold: bool):
    """A group's name in its column: one line, a step or two smaller if need be, else wrapped at
    the body size with its short last word kept (never cut)."""
    font = ctx.fonts.bold if bold else ctx.fonts.regular
    for pt in steps(BODY.pt, NAME_FLOOR_PT):
        if string_width(ctx, typeset(name, ctx.words.typography), bold, pt) <= width:
            return fit_paragraph(ctx, name, width, 40 * mm, "body_left", pt, fontName=font, fontSize=pt,
                                 leading=pt * BODY.leading / BODY.pt)
    return fit_paragraph(ctx, keep_tail(name), width, 40 * mm, "body_left", BODY.pt, fontName=font)


def _measure(ctx: Context, cols, cells: list[str], bold: bool):
    """(index of the name column, the name's paragraph, the row's height)."""
    name_col = next(i for i, (_, _, anchor) in enumerate(cols) if anchor == "left")
    name = name_paragraph(ctx, cells[name_col], cols[name_col][1] - 3 * mm, bold)
    return name_col, name, max(ROW_MM * mm, name.height + 2.6 * mm)


def _row(flow: _Flow, cols, cells: list[str], shade: bool, bold: bool) -> None:
    """One group's row; a name too long for one line wraps and the row grows with it."""
    ctx, g = flow.ctx, flow.ctx.geometry
    name_col, name, height = _measure(ctx, cols, cells, bold)
    c = flow.room(height)
    if shade:
        c.setFillColor(LIGHT)
        c.rect(g.margin, g.y(flow.top + height), g.content_width, height, stroke=0, fill=1)
    x = g.margin
    for i, ((label, width, anchor), cell) in enumerate(zip(cols, cells)):
        tx = {"left": x + 1.5 * mm, "right": x + width - 1.5 * mm, "center": x + width / 2}[anchor]
        if i == name_col:
            name.drawOn(c, tx, g.y(flow.top + (height - name.height) / 2) - name.height)
        elif cell:
            draw_text(c, ctx, cell, tx, flow.top + height / 2 + 3.3, BODY.pt, bold=bold, anchor=anchor,
                      max_width=width - 3 * mm)
        x += width
    c.setStrokeColor(RULE)
    c.setLineWidth(0.3)
    c.line(g.margin, g.y(flow.top + height), g.margin + g.content_width, g.y(flow.top + height))
    flow.top += height


def _cells(ctx: Context, g: GroupResult, results: Results) -> list[str]:
    w = ctx.words
    f = g.figures
    cells = [(_rank_text(g) if g.rank else "–"), g.group_name,
             f"{number(w, g.sheets_returned)}/{number(w, g.sheets_issued)}", number(w, f.signatures),
             number(w, f.letters), number(w, f.online), number(w, g.total)]
    if results.rule.per_member:
        cells.append(number(w, round(g.total / g.members, 2)) if g.members else "–")
    cells.append(w.get("results_winner_mark") if g.winner else "")
    return cells


def _ranking(flow: _Flow, results: Results) -> None:
    ctx, w = flow.ctx, flow.ctx.words
    cols = _columns(ctx, results)
    if not results.groups:
        _paragraph(flow, w.get("results_nothing"))
        return
    rankings = list(dict.fromkeys(g.ranking for g in results.groups))
    for ranking in rankings:
        members = [g for g in results.groups if g.ranking == ranking]
        ranked = [g for g in members if g.rank]
        unranked = [g for g in members if not g.rank]
        if len(rankings) > 1:
            _heading(flow, ranking_name(ctx, ranking), 12)
        for block, rows in ((None, ranked), (w.get("results_not_ranked"), unranked)):
            if not rows:
                continue
            if block:
                flow.room(16 * mm)
                _paragraph(flow, block, "h3", gap=2 * mm)
            _table_head(flow, cols)
            for i, g in enumerate(rows):
                cells = _cells(ctx, g, results)
                if flow.top + _measure(ctx, cols, cells, g.winner)[2] > flow.bottom:
                    flow.new_page()
                    _table_head(flow, cols)        # the header again on every page
                _row(flow, cols, cells, i % 2 == 1, g.winner)
            flow.top += SECTION_GAP_MM * mm
    if results.has_ties and results.rule.prize_top == 0:     # otherwise the rule above says it
        _paragraph(flow, w.get("results_ties"), "small")


def _charts(flow: _Flow, results: Results, case_names: dict[str, str]) -> None:
    ctx, w, g = flow.ctx, flow.ctx.words, flow.ctx.geometry
    labels = (w.get("results_signatures_other"), w.get("results_letters_other"), w.get("results_online_other"))
    key = charts.legend(ctx, labels, g.content_width)

    def place(drawing) -> None:
        c = flow.room(drawing.height + 2 * mm)
        renderPDF.draw(drawing, c, g.margin, g.y(flow.top) - drawing.height)
        flow.top += drawing.height + 2 * mm

    place(key)
    _paragraph(flow, w.get("results_chart_note"), "small", gap=4 * mm)
    case_bars = [charts.Bar(case_names.get(case, case), (f.signatures, f.letters, f.online),
                            _figure_note(ctx, f))
                 for case, f in sorted(results.by_case.items(), key=lambda kv: (-_size(kv[1]), kv[0]))]
    if case_bars and any(sum(b.values) for b in case_bars):
        place(charts.bar_chart(ctx, case_bars, g.content_width))
    else:
        _paragraph(flow, w.get("results_nothing"))
    whole = results.without_case
    if whole.signatures or whole.letters or whole.online:
        # So the per-case bars are not read as the whole season.
        items = [f"{number(w, n)} {w.get(_plural_key(w, key, n))}" for n, key in
                 ((whole.letters, "results_letters"), (whole.signatures, "results_signatures"),
                  (whole.online, "results_online")) if n]
        _paragraph(flow, w.get("results_without_case", items=", ".join(items)), "small")
    flow.top += SECTION_GAP_MM * mm
    participants = [p for p in results.groups if p.returned_anything]
    if not participants:
        return
    _section(flow, w.get("results_by_group_title"), 40 * mm)
    biggest = max(_size(p.figures) for p in participants) or 1
    bars = [charts.Bar(p.group_name, (p.figures.signatures, p.figures.letters, p.figures.online),
                       _figure_note(ctx, p.figures), bold=p.winner) for p in participants]
    while bars:
        fit = max(1, int((flow.bottom - flow.top) // (charts.ROW_MM * mm)))
        chunk, bars = bars[:fit], bars[fit:]
        place(charts.bar_chart(ctx, chunk, g.content_width, scale_max=biggest))
        if bars:
            flow.new_page()


def _size(f) -> int:
    return f.signatures + f.letters + f.online


def _figure_note(ctx: Context, f) -> str:
    """The sum after a bar (each segment carries its own figure where it has room)."""
    return number(ctx.words, f.signatures + f.letters + f.online)
