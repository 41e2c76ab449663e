"""Page furniture shared by the artefacts: bands, the campaign mark, footers, QR codes,
fold marks, the envelope window's address and the sender's lines."""
from __future__ import annotations

import re

from reportlab.lib.colors import Color, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .. import qr
from .context import Context
from .document import image_reader
from .grid import BAND_MM, FOLD_MARKS, FOOTER_MM, FOOTER_RULE_MM
from .text import draw_text, fit_address, string_width
from .overflow import Overflow
from .typescale import BODY, CAPTION, GREY, HEADING, LABEL, RULE, WRITING_LINE_PT

QR_QUIET_MODULES = 4      # ISO/IEC 18004 quiet zone

def band(c: Canvas, ctx: Context, height: float, color: Color | None = None) -> None:
    """A full-width band at the top of the page: bled off the top and side edges for a print
    shop, stopping at the office safe margin otherwise (Geometry.edge)."""
    g = ctx.geometry
    e = g.edge
    c.setFillColor(color or ctx.primary)
    c.rect(e, g.y(height), g.width - 2 * e, height - e, stroke=0, fill=1)


def full_width_bar(c: Canvas, ctx: Context, top: float, height: float, color: Color) -> None:
    """A bar across the page (into the bleed, or up to the office safe margin)."""
    g = ctx.geometry
    c.setFillColor(color)
    c.rect(g.edge, g.y(top + height), g.width - 2 * g.edge, height, stroke=0, fill=1)


def titled_band(c: Canvas, ctx: Context, title: str, subtitle: str = "") -> None:
    """The header of a sheet or form: brand band, campaign mark, title, optional subtitle."""
    g = ctx.geometry
    band(c, ctx, BAND_MM * mm)
    campaign_mark(c, ctx, g.margin, 7 * mm, LABEL.pt)
    draw_text(c, ctx, title, g.margin, 20 * mm if subtitle else 21 * mm, HEADING.pt, bold=True,
              max_width=g.content_width)
    if subtitle:
        draw_text(c, ctx, subtitle.upper(), g.margin, 26 * mm, LABEL.pt, bold=True, max_width=g.content_width)


def footer(c: Canvas, ctx: Context, left: str, right: str = "", page: int | None = None) -> None:
    """The footer rule and line; `page`: the page number, at the outer (right) edge."""
    g = ctx.geometry
    y = g.height - FOOTER_MM * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(g.margin, g.y(y - FOOTER_RULE_MM * mm), g.right, g.y(y - FOOTER_RULE_MM * mm))
    x = g.right
    if page is not None:
        x -= draw_text(c, ctx, ctx.words.get("page_number", n=page), x, y, LABEL.pt, bold=True,
                       anchor="right") + 4 * mm
    right_w = draw_text(c, ctx, right, x, y, CAPTION.pt, color=GREY, anchor="right") if right else 0
    draw_text(c, ctx, left, g.margin, y, CAPTION.pt, color=GREY,
              max_width=x - g.margin - right_w - (4 * mm if right else 0))


def photo_box(c: Canvas, path, x: float, y: float, w: float, h: float) -> None:
    """A photo filling the box x, y, w, h (y up) and cropped to it, centred; the box is opaque,
    so transparency is flattened on white."""
    img = image_reader(path, keep_alpha=False)
    iw, ih = img.getSize()
    scale = max(w / iw, h / ih)
    c.saveState()
    clip = c.beginPath()
    clip.rect(x, y, w, h)
    c.clipPath(clip, stroke=0, fill=0)
    c.drawImage(img, x + (w - iw * scale) / 2, y + (h - ih * scale) / 2, iw * scale, ih * scale)
    c.restoreState()


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
    """Short marks on the left edge where the letter is folded, inside the office safe margin."""
    g = ctx.geometry
    c.setStrokeColor(RULE)
    c.setLineWidth(WRITING_LINE_PT)
    for top in FOLD_MARKS[g.paper]:
        c.line(FOLD_MARK_MM[0] * mm, g.y(top), FOLD_MARK_MM[1] * mm, g.y(top))


FOLD_MARK_MM = (6.5, 10.5)      # from the left edge: clear of the 5 mm an office printer cannot ink
WINDOW_MIN_PT = 8.5             # a postal address smaller than this is hard to read in a window


def window_address(c: Canvas, ctx: Context, case) -> None:
    """The addressee block inside the envelope window (DL for A4, #10 for Letter): long lines
    wrap, and the block steps down the type scale only as far as WINDOW_MIN_PT."""
    env, a = ctx.geometry.envelope, case.addressee
    lines = [a.name, a.title[ctx.lang], *a.address]
    width = env.width - env.inset - 2 * mm
    p = fit_address(ctx, lines, width, env.height - 3 * mm, size=BODY.pt, min_size=WINDOW_MIN_PT)
    if p is None:
        raise Overflow("addressee.address", "does not fit the envelope window; use fewer or shorter lines")
    top = env.top + max(1.5 * mm, (env.height - p.height) / 2)
    p.drawOn(c, env.left + env.inset, ctx.geometry.y(top) - p.height)


def sender_lines(c: Canvas, ctx: Context, top: float) -> None:
    """A labelled space for the writer's name and address, above the window: solid lines a
    photocopy keeps, 7 mm apart for handwriting."""
    g = ctx.geometry
    x = g.envelope.left + g.envelope.inset
    draw_text(c, ctx, ctx.words.get("letter_sender"), x, top, LABEL.pt, color=GREY)
    c.setStrokeColor(RULE)
    c.setLineWidth(WRITING_LINE_PT)
    for i in range(3):
        y = g.y(top + (7 + 7 * i) * mm)
        c.line(x, y, x + 75 * mm, y)


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
