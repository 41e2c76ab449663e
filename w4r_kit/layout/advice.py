"""Lay-out stage: the advice page, after the cover (SPEC §13): how to write, how to post
(with the postage of `[postage]` in kit.toml and where letters go) and how to stay safe.

Two columns on the grid: writing and safety on the left, posting on the right. Every
word comes from strings.yaml; prices are written by Babel the way the language writes
money (`1,40 €`, `€1.40`).
"""
from __future__ import annotations

from babel.numbers import format_currency
from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from ..model import Case
from .context import Context
from .document import Document
from .furniture import footer, titled_band
from .grid import BAND_MM, FOOTER_MM
from .overflow import Overflow
from .text import draw_text, fit_address, markup, paragraph, typeset
from .typescale import BODY, GREY, LABEL, NOTE, RULE, SUBHEAD

WRITE = ("polite", "brief", "politics", "name", "own")
POST = ("capitals", "airmail", "stamps")
SAFE = ("initials", "facts")
BULLET_MM = 1.6
INDENT_MM = 5
ITEM_GAP_MM = 2.8
SECTION_GAP_MM = 9
ITEM_SIZE = (BODY.pt, BODY.leading)


def price(ctx: Context, amount: float) -> str:
    """A price as the language writes it, e.g. 1,40 € (fr), €1.40 (en)."""
    return format_currency(amount, ctx.config.postage.currency, locale=ctx.words.texts["locale"])


def draw(doc: Document, ctx: Context, cases: list[Case]) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    (left_x, col_w), (right_x, _) = g.columns(2)
    bottom = g.height - (FOOTER_MM + 8) * mm
    with doc.page() as c:
        titled_band(c, ctx, w.get("advice_title"))
        top = BAND_MM * mm + 7 * mm
        intro = paragraph(ctx, w.get("advice_intro"), "body_left")
        top += intro.wrap(g.content_width, g.height)[1]
        intro.drawOn(c, g.margin, g.y(top))
        top += SECTION_GAP_MM * mm

        y = _section(c, ctx, w.get("advice_write_title"), [w.get(f"advice_write_{k}") for k in WRITE],
                     left_x, top, col_w, bottom)
        safe = [w.get(f"advice_safe_{k}") for k in SAFE]
        if any(case.has_cards for case in cases):     # the rules on the cards' backs, where there are cards
            safe.append(w.get("advice_safe_cards"))
        y = _section(c, ctx, w.get("advice_safe_title"), safe, left_x, y + SECTION_GAP_MM * mm, col_w, bottom)
        if cases:        # the example: a case whose address is confirmed, if there is one
            example = next((k for k in cases if not any(line.startswith("[") for line in k.addressee.address)),
                           cases[0])
            _envelope(c, ctx, example, left_x, y + SECTION_GAP_MM * mm, col_w, bottom)

        post = [w.get(f"advice_post_{k}") for k in POST]
        y = _section(c, ctx, w.get("advice_post_title"), post, right_x, top, col_w, bottom)
        y = _postage(c, ctx, cases, right_x, y + 3 * mm, col_w, bottom)
        suspended = [w.get("advice_post_suspended")]
        if cfg.postage.suspended:
            suspended.append(w.get("advice_post_suspended_list", countries=", ".join(cfg.postage.suspended)))
        y = _items(c, ctx, suspended, right_x, y + 4 * mm, col_w, bottom)
        _sending(c, ctx, right_x, y + 4 * mm, col_w, bottom)
        footer(c, ctx, f"{cfg.section.name} · {cfg.campaign.title.get(ctx.lang, '')} {cfg.campaign.year}",
               cfg.section.website, doc.number)


def _section(c: Canvas, ctx: Context, title: str, items: list[str], x: float, top: float, width: float,
             bottom: float) -> float:
    """A heading and its items; returns the y (from the top) below them."""
    draw_text(c, ctx, title, x, top + SUBHEAD.pt, SUBHEAD.pt, bold=True, max_width=width)
    return _items(c, ctx, items, x, top + SUBHEAD.leading + 2 * mm, width, bottom)


def _items(c: Canvas, ctx: Context, items: list[str], x: float, top: float, width: float, bottom: float) -> float:
    g = ctx.geometry
    size, leading = ITEM_SIZE
    for text in items:
        p = paragraph(ctx, text, "body_left", fontSize=size, leading=leading)
        h = p.wrap(width - INDENT_MM * mm, g.height)[1]
        if top + h > bottom:
            raise Overflow("", "does not fit the advice page; shorten it", text=text)
        c.setFillColor(black)
        c.rect(x, g.y(top + leading * 0.62), BULLET_MM * mm, BULLET_MM * mm, stroke=0, fill=1)
        p.drawOn(c, x + INDENT_MM * mm, g.y(top) - h)
        top += h + ITEM_GAP_MM * mm
    return top - ITEM_GAP_MM * mm


def _postage(c: Canvas, ctx: Context, cases: list[Case], x: float, top: float, width: float,
             bottom: float) -> float:
    """The postage table: zone, price of a standard letter, and which of this year's letters go there."""
    g, w, postage = ctx.geometry, ctx.words, ctx.config.postage
    draw_text(c, ctx, w.get("postage_title").upper(), x, top + LABEL.pt, LABEL.pt, bold=True, color=GREY,
              max_width=width)
    top += LABEL.leading + 1.5 * mm
    if not postage.zones:
        p = paragraph(ctx, w.get("postage_unknown"), "small")
        h = p.wrap(width, g.height)[1]
        p.drawOn(c, x, g.y(top) - h)
        return top + h
    zone_w, price_w = 0.3 * width, 0.2 * width
    cases_w = width - zone_w - price_w
    headers = (w.get("postage_zone"), w.get("postage_price"), w.get("postage_cases"))
    for text, cx, cw in zip(headers, (x, x + zone_w, x + zone_w + price_w), (zone_w, price_w, cases_w)):
        draw_text(c, ctx, text, cx, top + LABEL.pt, LABEL.pt, bold=True, max_width=cw - 2 * mm)
    top += LABEL.leading + 1 * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.line(x, g.y(top), x + width, g.y(top))
    for zone in postage.zones:
        names = [case.name for case in cases
                 if case.addressee.address and postage.zone_for(case.addressee.address[-1]) is zone]
        cells = [paragraph(ctx, zone.name.get(ctx.lang, ""), "small", fontName=ctx.fonts.bold),
                 paragraph(ctx, price(ctx, zone.price), "small", fontName=ctx.fonts.bold),
                 _names_cell(ctx, names, cases_w - 2 * mm)]
        heights = [p.wrap(cw - 2 * mm, g.height)[1] for p, cw in zip(cells, (zone_w, price_w, cases_w))]
        row_h = max(heights) + 2.5 * mm
        if top + row_h > bottom:
            raise Overflow("[postage] zones", "too many zones for the advice page; merge some")
        for p, cx, h in zip(cells, (x, x + zone_w, x + zone_w + price_w), heights):
            p.drawOn(c, cx, g.y(top + 1.25 * mm) - h)
        top += row_h
        c.line(x, g.y(top), x + width, g.y(top))
    return top


def _names_cell(ctx: Context, names: list[str], width: float) -> Paragraph:
    """This year's letters to a zone: 'name, name, ...', each name on one line where the
    column holds it whole. A longer one wraps between its words: kept in one piece, it would
    be cut wherever the line ends, and a no-break space cut there would start the next line."""
    style = ctx.styles["small"]

    def held(name: str) -> str:
        tied = name.replace(" ", "\u00a0")
        fits = stringWidth(typeset(tied, ctx.words.typography) + ",", style.fontName, style.fontSize) <= width
        return tied if fits else name
    # Not paragraph(): its protection of proper names would tie a long name up again.
    return Paragraph(markup(", ".join(held(name) for name in names) or "–", ctx.words.typography), style)


def _sending(c: Canvas, ctx: Context, x: float, top: float, width: float, bottom: float) -> None:
    """Where the letters go: posted by the writers themselves, or collected by the section by a date."""
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    if cfg.postage.send == "section":
        address = ", ".join(cfg.send_to)
        text = (w.get("advice_send_section", date=ctx.date(cfg.send_by), address=address) if cfg.send_by
                else w.get("advice_send_section_nodate", address=address))
    else:
        text = w.get("advice_send_direct")
    p = paragraph(ctx, text, "body_left", fontName=ctx.fonts.bold, fontSize=ITEM_SIZE[0], leading=ITEM_SIZE[1])
    pad = 3 * mm
    h = p.wrap(width - 2 * pad, g.height)[1]
    if top + h + 2 * pad > bottom:
        raise Overflow("", "does not fit the advice page; shorten it", text=text)
    c.setStrokeColor(black)
    c.setLineWidth(1.2)
    c.rect(x, g.y(top + h + 2 * pad), width, h + 2 * pad, stroke=1, fill=0)
    p.drawOn(c, x + pad, g.y(top + pad) - h)


ENVELOPE_RATIO = 114 / 162          # a C6 envelope
STAMP_W_MM, STAMP_H_MM = 17, 20


def _envelope(c: Canvas, ctx: Context, case: Case, x: float, top: float, width: float, bottom: float) -> None:
    """An addressed envelope drawn as an example: air mail label, stamp and the country in capitals.

    An illustration of the advice beside it, drawn only where the column has room for it.
    """
    g, w, postage = ctx.geometry, ctx.words, ctx.config.postage
    height = width * ENVELOPE_RATIO
    if top + LABEL.leading + 2 * mm + height > bottom:
        return
    draw_text(c, ctx, w.get("envelope_example").upper(), x, top + LABEL.pt, LABEL.pt, bold=True, color=GREY,
              max_width=width)
    top += LABEL.leading + 2 * mm
    c.setStrokeColor(black)
    c.setLineWidth(0.8)
    c.rect(x, g.y(top + height), width, height, stroke=1, fill=0)
    pad = 4 * mm
    draw_text(c, ctx, w.get("envelope_airmail").upper(), x + pad, top + pad + LABEL.pt, LABEL.pt, bold=True,
              max_width=width - STAMP_W_MM * mm - 3 * pad)
    sx, sy = x + width - pad - STAMP_W_MM * mm, top + pad
    c.setDash(2, 2)
    c.rect(sx, g.y(sy + STAMP_H_MM * mm), STAMP_W_MM * mm, STAMP_H_MM * mm, stroke=1, fill=0)
    c.setDash()
    country = case.addressee.address[-1] if case.addressee.address else ""
    zone = postage.zone_for(country) if country else None
    if zone is not None:
        draw_text(c, ctx, price(ctx, zone.price), sx + STAMP_W_MM * mm / 2, sy + STAMP_H_MM * mm / 2 + 3,
                  NOTE.pt, bold=True, anchor="center", max_width=STAMP_W_MM * mm - 2 * mm)
    lines = [case.addressee.name, *case.addressee.address]
    room_w = width * 0.6
    box_top = sy + STAMP_H_MM * mm + 3 * mm
    p = fit_address(ctx, lines, room_w, top + height - pad - box_top, size=NOTE.pt + 1, min_size=NOTE.pt - 1)
    if p is not None:
        p.drawOn(c, x + width - pad - room_w, g.y(box_top) - p.height)
