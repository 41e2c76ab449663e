"""Lay-out stage: the event poster (SPEC §13, `w4r-kit poster`).

One page on A4, A3, Letter or Tabloid: the campaign's call in a brand-coloured block,
when and where (the `--when`/`--where` text, or lines to fill in by hand), this year's
cases, and a QR code to the section's campaign page with its short URL printed under
it. The poster is laid out for A4 and scaled with the paper's width, so every size
stays on the kit's type scale times one factor and the 18 mm margins never shrink.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A3, A4, LETTER
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from ..model import Case
from ..tracking import short_url
from .context import Context
from .document import Document
from .. import qr
from .furniture import QR_QUIET_MODULES, campaign_mark, draw_qr, draw_url
from .grid import MARGIN_MM, Geometry
from .overflow import Overflow
from .text import draw_text, fit_paragraph
from .typescale import BODY, DISPLAY, GREY, LABEL, LEAD, RULE, SUBHEAD

POSTER_PAPERS = {"A4": A4, "A3": A3, "Letter": LETTER, "Tabloid": (11 * inch, 17 * inch)}
BLOCK_SHARE = 0.5          # the brand block: the top half of the poster
QR_MM = 36                 # on A4; scaled with the paper (load.POSTER_QR_MM checks the URL for it)
FILL_IN_LINES = {"when": 1, "where": 2}


@dataclass(frozen=True)
class PosterGeometry(Geometry):
    """The kit's page geometry on the poster papers (A3 and Tabloid too)."""

    @property
    def width(self) -> float:
        return POSTER_PAPERS[self.paper][0]

    @property
    def height(self) -> float:
        return POSTER_PAPERS[self.paper][1]


def draw(doc: Document, ctx: Context, cases: list[Case], when: str | None, where: str | None) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    k = g.width / A4[0]                       # one factor for every size on the poster
    x, width = g.margin, g.content_width
    block_h = g.height * BLOCK_SHARE
    with doc.page() as c:
        c.setFillColor(ctx.primary)
        edge = g.edge
        c.rect(edge, g.y(block_h), g.width - 2 * edge, block_h - edge, stroke=0, fill=1)
        campaign_mark(c, ctx, x, MARGIN_MM * mm, LABEL.pt * k * 1.2)
        top = MARGIN_MM * mm + 16 * mm * k
        draw_text(c, ctx, w.get("poster_kicker").upper(), x, top, SUBHEAD.pt * k, bold=True, max_width=width)
        top += 6 * mm * k
        head = fit_paragraph(ctx, w.get("poster_headline"), width, block_h - top - 45 * mm * k, "display",
                             DISPLAY.pt * k * 0.6, fontSize=DISPLAY.pt * k * 1.3, leading=DISPLAY.leading * k * 1.3,
                             splitLongWords=0)
        if head is None:
            raise Overflow("", "too long for the poster's headline; shorten it", text=w.get("poster_headline"))
        head.drawOn(c, x, g.y(top) - head.height)
        text = fit_paragraph(ctx, w.get("poster_text"), width * 0.85, block_h - top - head.height - 14 * mm * k,
                             "lead", BODY.pt * k, fontSize=LEAD.pt * k, leading=LEAD.leading * k)
        if text is None:
            raise Overflow("", "too long for the poster; shorten it", text=w.get("poster_text"))
        text.drawOn(c, x, g.y(block_h - 9 * mm * k))

        top = block_h + 14 * mm * k
        qr_size = QR_MM * mm * k
        info_w = width - qr_size - 16 * mm * k
        for key, value in (("when", when), ("where", where)):
            top = _field(c, ctx, w.get(f"poster_{key}"), value, key, x, top, info_w, k) + 9 * mm * k
        _cases(c, ctx, cases, x, top, info_w, k)

        qx = g.width - g.margin - qr_size
        qr_top = block_h + 18 * mm * k
        matrix = qr.encode(cfg.campaign.url)
        quiet = QR_QUIET_MODULES * qr_size / matrix.size
        draw_qr(c, cfg.campaign.url, qx, g.y(qr_top + qr_size), qr_size, matrix)
        draw_text(c, ctx, w.get("poster_scan"), qx + qr_size, qr_top - quiet - 1 * mm, LABEL.pt * k, bold=True,
                  anchor="right", max_width=qr_size + 20 * mm)
        try:
            draw_url(c, ctx, short_url(cfg.campaign.url), qx + qr_size, qr_top + qr_size + 3 * mm,
                     qr_size + 20 * mm, anchor="right")
        except Overflow as exc:        # the URL comes from kit.toml here, not from a case
            raise Overflow("[campaign] url", exc.message) from None

        footer_top = g.height - MARGIN_MM * mm
        draw_text(c, ctx, " · ".join(filter(None, (cfg.section.name, cfg.section.website))), x, footer_top,
                  BODY.pt * k, bold=True, max_width=width)


def _field(c: Canvas, ctx: Context, label: str, value: str | None, key: str, x: float, top: float,
           width: float, k: float) -> float:
    """'When' / 'Where' and the given text, or lines to write on; returns the y below."""
    g = ctx.geometry
    draw_text(c, ctx, label.upper(), x, top, SUBHEAD.pt * k, bold=True, max_width=width)
    top += 3 * mm * k
    if value:
        p = fit_paragraph(ctx, value, width, 30 * mm * k, "h2", BODY.pt * k, fontSize=20 * k, leading=24 * k,
                          splitLongWords=0)
        if p is None:
            raise Overflow(f"--{key}", f"too long for the poster at {BODY.pt * k:.1f} pt; shorten it")
        p.drawOn(c, x, g.y(top) - p.height)
        return top + p.height
    c.setStrokeColor(RULE)
    c.setLineWidth(0.8 * k)
    for _ in range(FILL_IN_LINES[key]):
        top += 12 * mm * k
        c.line(x, g.y(top), x + width, g.y(top))
    return top


def _cases(c: Canvas, ctx: Context, cases: list[Case], x: float, top: float, width: float, k: float) -> None:
    g = ctx.geometry
    if not cases:
        return
    draw_text(c, ctx, ctx.words.get("poster_cases").upper(), x, top, LABEL.pt * k, bold=True, color=GREY,
              max_width=width)
    # Each name unbroken, and the dot held to the name before it by a no-break space
    # (reportlab breaks lines at spaces, never at U+00A0): no line starts with "·".
    names = "\u00a0· ".join(case.name.replace(" ", "\u00a0") for case in cases)
    room = g.height - MARGIN_MM * mm - 12 * mm * k - top
    p = fit_paragraph(ctx, names, width, room, "body_left", BODY.pt * 0.8, fontSize=BODY.pt * k,
                      leading=BODY.leading * k)
    if p is None:
        raise Overflow("cases", f"{len(cases)} case names do not fit the poster")
    p.drawOn(c, x, g.y(top + 2 * mm * k) - p.height)
