"""Lay-out stage, artefact 5: the signature sheet (SPEC §7).

Everything that is the same on every sheet of a case and audience (band, ask,
table, privacy notice, return address) is drawn once into a form XObject; per
sheet only the footer line and the QR code are drawn, so thousands of sheets
stay fast and small (one shared copy of the static part per file).
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .. import qr
from ..model import Case
from .common import (GREY, RULE, Context, Document, Geometry, draw_qr, draw_text, fit_paragraph, string_width,
                     titled_band, typeset)
from .overflow import Overflow

SHEET_BAND_MM = 30
ASK_TOP_MM = 35
ASK_MAX_MM = 24
HEAD_MM = 9
CELL_PAD_MM = 1.6
ROW_MAX_MM = 12            # generous rows: signatures are written standing, on a knee
ROW_MIN_MM = 7.5            # below this a signature no longer fits a row
BOTTOM_ZONE_MM = 50         # privacy notice, return address, QR, footer
QR_MM = 24                  # SPEC §7: >= 20 mm
QR_BOTTOM_MM = 16
FOOTER_PT = 8.5
FOOTER_BASELINE_MM = 12      # from the bottom edge
NUMBER_COL_MM = 8
CONSENT_COL_MM = 27
BOX_MM = 3.2
HEAD_FILL = HexColor("#1A1A1A")
COLUMN_WEIGHTS = {"name": 3.2, "first_name": 2.6, "age": 1.0, "email": 3.2, "city": 2.0,
                  "country": 1.8, "signature": 2.6}


@dataclass(frozen=True)
class SheetLabel:
    """What differs from one sheet to the next."""

    group: str
    k: int
    n: int
    sheet_id: str
    url: str
    matrix: qr.QrMatrix | None = None     # encoded ahead, in one batch for the whole run


def _form_name(case: Case, audience: str) -> str:
    return f"sheet-{case.id}-{audience}"


def prepare(doc: Document, ctx: Context, case: Case, audience: str) -> None:
    """Draw the static part of this case's sheets into the document once (a form XObject)."""
    g = ctx.geometry
    name = _form_name(case, audience)
    c = doc.canvas
    if not c.hasForm(name):
        c.beginForm(name, -g.bleed, -g.bleed, g.width + g.bleed, g.height + g.bleed)
        _static(c, ctx, case, audience)
        c.endForm()


def draw(doc: Document, ctx: Context, case: Case, audience: str, label: SheetLabel,
         matrix: qr.QrMatrix | None = None) -> None:
    """One signature sheet: the shared static part, the footer line and this sheet's QR code.

    This runs once per printed sheet (10,000+ in a national batch): keep it lean. The
    caller runs `prepare` once before the first sheet of a case (assemble.draw_sheets).
    """
    g = ctx.geometry
    text = ctx.words.get("sheet_footer", group=typeset(label.group, ctx.lang), k=label.k, n=label.n,
                         sheet_id=label.sheet_id)
    size = FOOTER_PT
    width = stringWidth(text, ctx.fonts.bold, size)
    room = footer_room(g)
    if width > room:                    # a long group name: smaller, never cut
        size *= room / width
    with doc.page() as c:
        c.doForm(_form_name(case, audience))
        c.setFont(ctx.fonts.bold, size)
        c.setFillColor(ctx.text)
        c.drawString(g.margin, FOOTER_BASELINE_MM * mm, text)
        draw_qr(c, label.url, g.width - g.margin - QR_MM * mm, QR_BOTTOM_MM * mm, QR_MM * mm, matrix,
                quiet_zone=False)


def footer_room(g: Geometry) -> float:
    """The width (pt) of the footer line beside the QR code; a longer line is drawn smaller
    (groups.check_group_name keeps group names within it)."""
    return g.content_width - (QR_MM + 10) * mm


def _static(c, ctx: Context, case: Case, audience: str) -> None:
    g, w = ctx.geometry, ctx.words
    x = g.margin
    titled_band(c, ctx, f"{w.get('sheet_title')} — {case.name}", f"{case.country[ctx.lang]} – {case.theme[ctx.lang]}")

    ask = fit_paragraph(ctx, f"{w.get('sheet_ask_intro')} {case.ask[ctx.lang]}", g.content_width,
                        ASK_MAX_MM * mm, "body_left", 8)
    if ask is None:
        raise Overflow("ask", f"too long for the signature sheet ({ASK_MAX_MM} mm at 8 pt); shorten it")
    ask_h = ask.height
    ask.drawOn(c, x, g.y(ASK_TOP_MM * mm) - ask_h)

    table_top = (ASK_TOP_MM + 4) * mm + ask_h
    _table(c, ctx, audience, table_top)
    _bottom(c, ctx, audience)


def _table(c, ctx: Context, audience: str, top: float) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    rows = cfg.signatures.rows
    columns = cfg.signatures.columns_for(audience)
    consent = cfg.signatures.consent_for(audience)
    room = g.height - top - HEAD_MM * mm - BOTTOM_ZONE_MM * mm
    row_h = min(ROW_MAX_MM * mm, room / rows)
    if row_h < ROW_MIN_MM * mm:
        raise Overflow("[signatures] rows", f"{rows} rows do not fit the {g.paper} sheet at a writable "
                       f"height; use at most {int(room / (ROW_MIN_MM * mm))}")
    fixed = NUMBER_COL_MM * mm + (CONSENT_COL_MM * mm if consent else 0)
    free = g.content_width - fixed
    total = sum(COLUMN_WEIGHTS[col] for col in columns)
    widths = [NUMBER_COL_MM * mm] + [free * COLUMN_WEIGHTS[col] / total for col in columns]
    labels = [w.get("col_number")] + [w.get(f"col_{col}") for col in columns]
    if consent:
        widths.append(CONSENT_COL_MM * mm)
        labels.append(w.get("col_consent"))

    x0 = g.margin
    head_h = HEAD_MM * mm
    c.setFillColor(HEAD_FILL)
    c.rect(x0, g.y(top + head_h), g.content_width, head_h, stroke=0, fill=1)
    x = x0
    for label, width in zip(labels, widths):
        # A header may wrap onto two lines ("Me tenir / informé·e") before it shrinks.
        inner = width - 2 * CELL_PAD_MM * mm
        p = fit_paragraph(ctx, label, inner, head_h - 1.5 * mm, "label", 5.5, textColor=white, fontSize=7.5,
                          leading=8.5)
        if p is None:
            raise Overflow(f"col_{label}", "a column header does not fit its column; shorten it")
        ph = p.height
        p.drawOn(c, x + CELL_PAD_MM * mm, g.y(top + (head_h + ph) / 2) + 0.6)
        x += width

    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    bottom = top + head_h + rows * row_h
    for r in range(rows + 1):
        y = g.y(top + head_h + r * row_h)
        c.line(x0, y, x0 + g.content_width, y)
    x = x0
    for width in widths[:-1]:
        x += width
        c.line(x, g.y(top + head_h), x, g.y(bottom))
    c.rect(x0, g.y(bottom), g.content_width, rows * row_h + head_h, stroke=1, fill=0)

    # Row numbers and yes/no labels repeat on every row: one text object for all of
    # them (this form is drawn once per file, and a batch writes hundreds of files).
    yes, no = (typeset(w.get(key), ctx.lang) for key in ("choice_yes", "choice_no"))
    box, half = BOX_MM * mm, CONSENT_COL_MM * mm / 2
    label_size = min(7.0, *(7.0 * (half - box - 3.5 * mm) / max(1.0, string_width(ctx, word, False, 7))
                            for word in (yes, no)))
    consent_x = x0 + g.content_width - CONSENT_COL_MM * mm
    text = c.beginText()
    text.setFillColor(GREY)
    c.setStrokeColor(GREY)
    c.setLineWidth(0.6)
    for r in range(rows):
        mid = top + head_h + r * row_h + row_h / 2
        number = str(r + 1)
        text.setFont(ctx.fonts.regular, 8)
        text.setTextOrigin(x0 + (NUMBER_COL_MM * mm - string_width(ctx, number, False, 8)) / 2, g.y(mid + 2.8))
        text.textOut(number)
        if consent:
            # An explicit choice, never pre-ticked: two empty boxes labelled yes and no.
            text.setFont(ctx.fonts.regular, label_size)
            for i, word in enumerate((yes, no)):
                bx = consent_x + i * half + 2 * mm
                c.rect(bx, g.y(mid) - box / 2, box, box, stroke=1, fill=0)
                text.setTextOrigin(bx + box + 1.2 * mm, g.y(mid + 2.5))
                text.textOut(word)
    c.drawText(text)


def _bottom(c, ctx: Context, audience: str) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    x = g.margin
    text_w = g.content_width - (QR_MM + 10) * mm
    top = g.height - (BOTTOM_ZONE_MM - 6) * mm
    notice = cfg.signatures.privacy_notice.get(ctx.lang) or w.get(
        f"privacy_{audience}", section=cfg.section.name, email=cfg.section.email or cfg.section.website)
    p = fit_paragraph(ctx, notice, text_w, 16 * mm, "small", 6)
    if p is None:
        raise Overflow("privacy_notice", "too long for the signature sheet (16 mm at 6 pt); shorten it")
    h = p.height
    p.drawOn(c, x, g.y(top) - h)
    address = ", ".join(cfg.return_address)
    back = (w.get("return_by", date=ctx.date(cfg.campaign.return_by), address=address)
            if cfg.campaign.return_by else w.get("return_to", address=address))
    r = fit_paragraph(ctx, back, text_w, 12 * mm, "label", 6.5)
    if r is None:
        raise Overflow("[campaign] return_address", "too long for the signature sheet; shorten it")
    r.drawOn(c, x, g.y(top + h + 3 * mm) - r.height)
    # The quiet zone is part of the static page, so each sheet draws only its modules.
    quiet = 4 * QR_MM * mm / 25      # 4 modules of the densest code we print (version 2+)
    c.setFillColor(white)
    c.rect(g.width - g.margin - QR_MM * mm - quiet, QR_BOTTOM_MM * mm - quiet, QR_MM * mm + 2 * quiet,
           QR_MM * mm + 2 * quiet, stroke=0, fill=1)
    qr_label_top = g.height - QR_BOTTOM_MM * mm - QR_MM * mm - 4 * mm
    draw_text(c, ctx, w.get("scan_to_sign"), g.width - g.margin - QR_MM * mm / 2, qr_label_top, 7.5,
              bold=True, anchor="center", max_width=(QR_MM + 8) * mm)
