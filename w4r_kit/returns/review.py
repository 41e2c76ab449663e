"""Returns, the review file (SPEC §12 `returns/review-<date>.pdf`): one page per scanned
page the reader was not sure of — the page as scanned, the doubtful rows framed in red,
what was read beside every row, why, and the `returns set` command that settles it,
filled in with what was read. In the kit's first language.
"""
from __future__ import annotations

import datetime as dt
import io

import numpy as np
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from ..layout.context import Context
from ..layout.document import Document, Metadata
from ..layout.grid import Geometry
from ..layout.text import draw_paragraph, draw_text
from ..layout.typescale import GREY
from ..numbers import count
from .registration import apply

MARGIN_MM = 12
DOUBT = HexColor("#D0021B")
DOUBT_FILL = Color(0.82, 0.01, 0.11, alpha=0.12)
READ_INK = HexColor("#0B6E4F")
HEAD_MM = 38                  # room above the page image for the page's facts


def review_pdf(kit, pages: list, result, day: dt.date | None = None) -> bytes:
    """The review file for `pages` (PageResults with status review) of one scan run."""
    lang = kit.config.campaign.languages[0]
    ctx = Context(kit.config, kit.words[lang], kit.fonts, Geometry("A4"), lang)
    w = ctx.words
    title = w.get("review_title")
    doc = Document(ctx, Metadata(title=title, author=kit.config.section.name, subject=title,
                                 lang=w.texts["locale"].replace("_", "-")))
    counts = {key: count(w, n) for key, n in (
        ("pages", len(result.pages)), ("read", result.count("read") + result.count("master")),
        ("review", result.count("review")), ("blank", result.count("blank")),
        ("other", result.count("not-a-sheet")), ("duplicate", result.count("duplicate")))}
    doc.outline(w.get("outline_review"))
    names = {case.id: case.name for case in kit.cases}
    for i, page in enumerate(pages):
        _page(doc, ctx, page, names, w.get("review_summary", date=ctx.date(day or dt.date.today()), **counts)
              if i == 0 else "")
    return doc.finish()


def reasons_text(words, reasons) -> str:
    from .scan import reasons_text as text
    return text(words, reasons)


def _page(doc: Document, ctx: Context, page, names: dict[str, str], summary: str) -> None:
    g, w = ctx.geometry, ctx.words
    x, width = MARGIN_MM * mm, g.width - 2 * MARGIN_MM * mm
    with doc.page() as c:
        top = 12 * mm
        if summary:
            draw_text(c, ctx, w.get("review_title"), x, top + 4 * mm, 14, bold=True, max_width=width)
            top += 7 * mm
            top += draw_paragraph(c, ctx, summary + " " + w.get("review_intro"), x, top, width, "small") + 3 * mm
        draw_text(c, ctx, w.get("review_where", file=page.file, page=page.page), x, top + 3.5 * mm, 10, bold=True,
                  max_width=width)
        top += 5.5 * mm
        if page.sheet_id or page.case:
            sheet = w.get("review_sheet", sheet_id=page.sheet_id or "—", group=page.group_name or "—",
                          case=names.get(page.case, page.case) or "—")
        else:
            sheet = w.get("review_no_id")
        draw_text(c, ctx, sheet, x, top + 3 * mm, 8.5, max_width=width)
        top += 5 * mm
        why = reasons_text(w, page.reasons) if page.reasons else page.detail
        top += draw_paragraph(c, ctx, why, x, top, width, "small", textColor=DOUBT) + 1.5 * mm
        if page.signatures is not None:
            draw_text(c, ctx, w.get("review_read", signatures=count(w, page.signatures), yes=count(w, page.consent_yes or 0),
                                    no=count(w, page.consent_no or 0)), x, top + 3 * mm, 8.5, max_width=width)
            top += 4.5 * mm
        command = _command(page)
        if command:
            draw_text(c, ctx, w.get("review_settle"), x, top + 3 * mm, 8.5, bold=True, max_width=width)
            c.setFont(ctx.fonts.bold, 8.5)
            c.setFillColor(ctx.text)
            c.drawString(x + 28 * mm, g.y(top + 3 * mm), command)
            top += 5 * mm
        if page.reading is not None:
            draw_text(c, ctx, w.get("review_legend"), x, top + 3 * mm, 7, color=GREY, max_width=width)
            top += 4.5 * mm
        _image(c, ctx, page, x, top + 1 * mm, width, g.height - top - 1 * mm - MARGIN_MM * mm)


def _command(page) -> str:
    if not page.sheet_id:
        return ""
    parts = ["w4r-kit returns set", page.sheet_id, "--signatures", str(page.signatures or 0)]
    if page.consent_yes is not None:
        parts += ["--yes", str(page.consent_yes), "--no", str(page.consent_no or 0)]
    return " ".join(parts)


def _image(c, ctx: Context, page, x: float, top: float, width: float, height: float) -> None:
    """The scanned page fitted into the box; rows framed and annotated through the homography."""
    g, w = ctx.geometry, ctx.words
    iw, ih = page.image_size
    k = min(width / iw, height / ih)
    dw, dh = iw * k, ih * k
    ox, oy = x + (width - dw) / 2, g.y(top) - dh
    located = page.reading is not None and page.homography is not None and page.layout is not None
    # A sheet fed upside down is shown upright: the sheet's top edge lies in the scan's lower half.
    upside_down = located and apply(page.homography, np.array([[page.layout.trim.x0, page.layout.trim.y1]]))[0][1] > ih / 2
    c.saveState()
    if upside_down:
        c.translate(ox + dw, oy + dh)
        c.rotate(180)
        c.drawImage(ImageReader(io.BytesIO(page.image_jpeg)), 0, 0, dw, dh)
    else:
        c.drawImage(ImageReader(io.BytesIO(page.image_jpeg)), ox, oy, dw, dh)
    c.restoreState()
    c.setStrokeColor(GREY)
    c.setLineWidth(0.3)
    c.rect(ox, oy, dw, dh, stroke=1, fill=0)
    if not located:
        return

    def to_pdf(points: np.ndarray) -> list[tuple[float, float]]:
        px = apply(page.homography, points)
        if upside_down:
            return [(ox + (iw - u) * k, oy + v * k) for u, v in px]
        return [(ox + u * k, oy + (ih - v) * k) for u, v in px]

    marks = {"signed": w.get("review_mark_signed"), "yes": w.get("review_mark_yes"), "no": w.get("review_mark_no")}
    for reading, row in zip(page.reading.rows, page.layout.rows):
        r = row.rect
        corners = to_pdf(np.array([[r.x0, r.y0], [r.x1, r.y0], [r.x1, r.y1], [r.x0, r.y1]]))
        if reading.doubts:
            p = c.beginPath()
            p.moveTo(*corners[0])
            for pt in corners[1:]:
                p.lineTo(*pt)
            p.close()
            c.setFillColor(DOUBT_FILL)
            c.setStrokeColor(DOUBT)
            c.setLineWidth(1.2)
            c.drawPath(p, stroke=1, fill=1)
        said = " ".join(marks[key] for key, on in (("signed", reading.signed), ("yes", reading.yes),
                                                   ("no", reading.no)) if on)
        if said:
            # Beside the row, left of its number.
            left = to_pdf(np.array([[r.x0 - 2.5 * mm, (r.y0 + r.y1) / 2]]))[0]
            c.setFont(ctx.fonts.bold, 7)
            c.setFillColor(DOUBT if reading.doubts else READ_INK)
            c.drawRightString(left[0], left[1] - 2.5, said)
