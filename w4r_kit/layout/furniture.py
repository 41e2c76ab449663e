"""Page furniture shared by the artefacts: bands, the campaign mark, footers, QR codes,
fold marks, the envelope window's address and the sender's lines."""
from __future__ import annotations

import re

from reportlab.lib.colors import Color, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .. import qr
from .context import Context
from .grid import BAND_MM, FOLD_MARKS, FOOTER_MM
from .text import draw_address, draw_text, string_width
from .overflow import Overflow
from .typescale import CAPTION, GREY, RULE

QR_QUIET_MODULES = 4      # ISO/IEC 18004 quiet zone

def band(c: Canvas, ctx: Context, height: float, color: Color | None = None) -> None:
    """A full-width band at the top of the page, bled off the top and side edges."""
    g = ctx.geometry
    c.setFillColor(color or ctx.primary)
    c.rect(-g.bleed, g.y(height), g.width + 2 * g.bleed, height + g.bleed, stroke=0, fill=1)


def titled_band(c: Canvas, ctx: Context, title: str, subtitle: str = "") -> None:
    """The header of a sheet or form: brand band, campaign mark, title, optional subtitle."""
    g = ctx.geometry
    band(c, ctx, BAND_MM * mm)
    campaign_mark(c, ctx, g.margin, 7 * mm, 8)
    draw_text(c, ctx, title, g.margin, 20 * mm if subtitle else 21 * mm, 17, bold=True, max_width=g.content_width)
    if subtitle:
        draw_text(c, ctx, subtitle.upper(), g.margin, 26.5 * mm, 8.5, bold=True, max_width=g.content_width)


def footer(c: Canvas, ctx: Context, left: str, right: str = "") -> None:
    g = ctx.geometry
    y = g.height - FOOTER_MM * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(g.margin, g.y(y - 10), g.width - g.margin, g.y(y - 10))
    right_w = draw_text(c, ctx, right, g.width - g.margin, y, 7.5, color=GREY, anchor="right") if right else 0
    draw_text(c, ctx, left, g.margin, y, 7.5, color=GREY, max_width=g.content_width - right_w - 12)


def campaign_mark(c: Canvas, ctx: Context, x: float, top: float, size: float = 9) -> None:
    """The campaign's word mark: title and year, set bold, as on every artefact."""
    cfg = ctx.config
    title = cfg.campaign.title.get(ctx.lang, "")
    draw_text(c, ctx, f"{title} {cfg.campaign.year}".upper(), x, top + size, size, bold=True)


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float, matrix: qr.QrMatrix | None = None,
            quiet_zone: bool = True) -> None:
    """A QR code as one vector path, `size` pt wide without its quiet zone, lower-left at (x, y).

    With `quiet_zone`, a white margin of four modules is painted first so the code scans
    on any background; callers that keep that area white already skip it.
    """
    m = matrix or qr.encode(data)
    module = size / m.size
    if quiet_zone:
        quiet = QR_QUIET_MODULES * module
        c.setFillColor(white)
        c.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet, stroke=0, fill=1)
    c.addLiteral(f"q 0 g {module:.5f} 0 0 {module:.5f} {x:.3f} {y:.3f} cm {m.pdf_path_ops()} Q")


def fold_marks(c: Canvas, ctx: Context) -> None:
    g = ctx.geometry
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    for top in FOLD_MARKS[g.paper]:
        c.line(5 * mm, g.y(top), 9 * mm, g.y(top))


def window_address(c: Canvas, ctx: Context, case) -> None:
    """The addressee block inside the envelope window (DL for A4, #10 for Letter)."""
    env, a = ctx.geometry.envelope, case.addressee
    lines = [a.name, a.title[ctx.lang], *a.address]
    size = 10.0
    width = env.width - env.inset - 2 * mm
    widest = max(string_width(ctx, line, i == 0, size) for i, line in enumerate(lines))
    if widest > width:
        size *= width / widest
    leading = size * 1.22
    if len(lines) * leading > env.height - 4 * mm:
        leading = (env.height - 4 * mm) / len(lines)
        size = min(size, leading / 1.15)
    if size < 7.5:
        raise Overflow("addressee.address", "does not fit the envelope window; use fewer or shorter lines")
    top = env.top + max(2 * mm, (env.height - len(lines) * leading) / 2 - 1 * mm)
    draw_address(c, ctx, lines, env.left + env.inset, top, size=size, leading=leading)


def sender_lines(c: Canvas, ctx: Context, top: float) -> None:
    """A labelled space for the writer's name and address, above the window."""
    g = ctx.geometry
    x = g.envelope.left + g.envelope.inset
    draw_text(c, ctx, ctx.words.get("letter_sender"), x, top, 7.5, color=GREY)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.setDash(1, 2)
    for i in range(3):
        y = g.y(top + (7 + 7 * i) * mm)
        c.line(x, y, x + 75 * mm, y)
    c.setDash()


URL_MAX_LINES = 3


def url_lines(ctx: Context, url: str, width: float, size: float = CAPTION.pt) -> list[str]:
    """A short URL broken after its slashes and hyphens into lines that fit `width`, never shrunk."""
    parts = re.findall(r"[^/-]*[/-]|[^/-]+$", url)
    lines, line = [], ""
    for part in parts:
        if line and string_width(ctx, line + part, False, size) > width:
            lines.append(line)
            line = part
        else:
            line += part
    lines.append(line)
    if len(lines) > URL_MAX_LINES or any(string_width(ctx, ln, False, size) > width for ln in lines):
        raise Overflow("petition_url", f"too long to print under its QR code ({URL_MAX_LINES} lines of "
                       f"{width / mm:.0f} mm at {size:g} pt); use a shorter address")
    return lines


def draw_url(c: Canvas, ctx: Context, url: str, x: float, top: float, width: float, anchor: str = "left",
             color: Color | None = None) -> float:
    """The short URL printed under a QR code (SPEC §14), wrapped; returns the height used."""
    lines = url_lines(ctx, url, width)
    for i, line in enumerate(lines):
        draw_text(c, ctx, line, x, top + CAPTION.pt + i * CAPTION.leading, CAPTION.pt, color=color or ctx.text,
                  anchor=anchor, max_width=width)
    return len(lines) * CAPTION.leading
