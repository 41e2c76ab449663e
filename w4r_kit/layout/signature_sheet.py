"""Lay-out stage, artefact 5: the signature sheet (SPEC §7, §12).

Everything that is the same on every sheet of a case and audience (band, ask,
table, privacy notice, return address, registration marks) is drawn once into a
form XObject; per sheet only the footer line, the QR code and the small machine
code are drawn, so thousands of sheets stay fast and small (one shared copy of
the static part per file).

`form_layout` tells the scan reader where everything is (returns/scan.py): it is
computed by the same code that draws the table, so it cannot drift from it.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .. import qr
from ..model import Case
from .context import Context
from .document import Document
from .furniture import draw_qr, draw_url, titled_band
from .text import draw_text, fit_paragraph, string_width, typeset
from .typescale import GREY, LABEL, MIN_TEXT_PT, RULE, WRITING_LINE_PT
from .grid import Geometry
from .overflow import Overflow
from ..tracking import short_url
from reportlab.lib.enums import TA_RIGHT
from . import scan_marks
from .scan_marks import Rect

SHEET_BAND_MM = 30
ASK_TOP_MM = 35
ASK_MAX_MM = 24
HEAD_MM = 9
CELL_PAD_MM = 1.6
ROW_MAX_MM = 12            # generous rows: signatures are written standing, on a knee
ROW_MIN_MM = 10             # SPEC §14: forms sized for handwriting
BOTTOM_ZONE_MM = 62         # privacy notice, return address, QR codes, footer
QR_MM = 24                  # SPEC §7: >= 20 mm
QR_BOTTOM_MM = 22           # room under the code for its short URL (SPEC §14)
FOOTER_PT = 8.5
FOOTER_BASELINE_MM = 12      # from the bottom edge
NUMBER_COL_MM = 8
CONSENT_COL_MM = 22
BOX_MM = 3.2
HEAD_FILL = HexColor("#1A1A1A")
COLUMN_WEIGHTS = {"name": 3.2, "first_name": 2.6, "age": 1.0, "email": 3.2, "city": 2.0,
                  "country": 1.8, "signature": 2.6}
# What a handwritten entry needs (SPEC §14: an e-mail address >= 60 mm on A4 portrait);
# what is left over is shared by COLUMN_WEIGHTS.
COLUMN_MIN_MM = {"name": 32, "first_name": 30, "age": 12, "email": 60, "city": 27, "country": 25,
                 "signature": 24}


@dataclass(frozen=True)
class SheetLabel:
    """What differs from one sheet to the next."""

    group: str
    k: int
    n: int
    sheet_id: str
    url: str
    matrix: qr.QrMatrix | None = None     # encoded ahead, in one batch for the whole run
    payload: str = ""                     # the machine code's text; "" = this sheet's id
    code: qr.QrMatrix | None = None       # the machine code, encoded ahead like `matrix`

    @property
    def code_payload(self) -> str:
        return self.payload or scan_marks.sheet_payload(self.sheet_id)

    @property
    def master(self) -> bool:
        """The kit's sheet, photocopied: it says "sheet no. ___" and carries no sheet id."""
        return self.payload.startswith(scan_marks.MASTER_PREFIX)


def column_widths(columns, free: float) -> list[float]:
    """The widths (pt) of the writing columns sharing `free` pt: each gets its minimum for
    handwriting, the rest by weight; when the minimums do not fit, all shrink alike."""
    need = sum(COLUMN_MIN_MM[col] * mm for col in columns)
    if need > free:
        return [free * COLUMN_MIN_MM[col] * mm / need for col in columns]
    total = sum(COLUMN_WEIGHTS[col] for col in columns)
    return [COLUMN_MIN_MM[col] * mm + (free - need) * COLUMN_WEIGHTS[col] / total for col in columns]


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
    """One signature sheet: the shared static part, the footer line, this sheet's QR code
    and its machine code with the code's text beside it.

    This runs once per printed sheet (10,000+ in a national batch): keep it lean. The
    caller runs `prepare` once before the first sheet of a case (assemble.draw_sheets).
    """
    g = ctx.geometry
    group = typeset(label.group, ctx.words.typography)
    text = (ctx.words.get("sheet_footer_master", group=group) if label.master else
            ctx.words.get("sheet_footer", group=group, k=label.k, n=label.n, sheet_id=label.sheet_id))
    size = FOOTER_PT
    width = stringWidth(text, ctx.fonts.bold, size)
    left = _footer_left()
    room = footer_room(g)
    if width > room:                    # a long group name: smaller, never cut, never below the scale
        size *= room / width
        if size < MIN_TEXT_PT:
            raise Overflow("", f"'{label.group}' is too long for the sheet's footer even at {MIN_TEXT_PT} pt; "
                           "shorten it", text=label.group)
    payload = label.code_payload
    code = label.code or scan_marks.encode_codes([payload])[0]
    with doc.page() as c:
        c.doForm(_form_name(case, audience))
        c.setFont(ctx.fonts.bold, size)
        c.setFillColor(ctx.text)
        c.drawString(left, FOOTER_BASELINE_MM * mm, text)
        c.setFont(ctx.fonts.bold, CODE_TEXT_PT)
        c.drawString(left, CODE_TEXT_BASELINE_MM * mm, payload.partition(":")[2])
        draw_qr(c, label.url, g.width - g.margin - QR_MM * mm, QR_BOTTOM_MM * mm, QR_MM * mm, matrix,
                quiet_zone=False)
        scan_marks.draw_code(c, code)


CODE_TEXT_PT = 11               # the machine code's text, beside it, for a person to type
CODE_TEXT_BASELINE_MM = 19.5
PEN_HINT_PT = 7


def footer_room(g: Geometry) -> float:
    """The width (pt) of the footer line between the machine code and the QR code; a longer
    line is drawn smaller (groups.check_group_name keeps group names within it)."""
    return g.width - g.margin - (QR_MM + 6) * mm - _footer_left()


def _footer_left() -> float:
    """The footer line and the code's text start right of the machine code."""
    return scan_marks.code_rect().x1 + 4 * mm


# --------------------------------------------------------------------------- form layout

@dataclass(frozen=True)
class RowLayout:
    """One row of the table: its box, its cells by column name, its consent boxes."""

    number: int
    rect: Rect
    cells: dict[str, Rect]
    yes: Rect | None = None
    no: Rect | None = None


@dataclass(frozen=True)
class FormLayout:
    """Where the machine-readable parts of a signature sheet are, in PDF points (y up,
    page coordinates: with bleed, the trimmed page starts at `trim.x0, trim.y0`)."""

    paper: str
    page: tuple[float, float]
    trim: Rect
    marks: tuple[Rect, Rect, Rect, Rect]        # top-left, top-right, bottom-right, bottom-left
    code: Rect                                  # the machine code's symbol (21 modules)
    code_clear: Rect                            # the code with its quiet zone
    table: Rect
    header: Rect
    columns: dict[str, tuple[float, float]]     # "number", the configured columns and "consent"
    rows: tuple[RowLayout, ...]
    consent: bool


@dataclass(frozen=True)
class _Plan:
    """The table's geometry in trim coordinates, distances from the top edge (pt)."""

    ask: object
    top: float                  # table top (header's top edge)
    head_h: float
    row_h: float
    rows: int
    names: tuple[str, ...]      # column names, "number" first, "consent" just before "signature"
    widths: tuple[float, ...]
    labels: tuple[str, ...]
    consent: bool


def _plan(ctx: Context, case: Case, audience: str) -> _Plan:
    key = ("signature-sheet-plan", case.id, audience, ctx.geometry)
    found = ctx.fitted.get(key)
    if found is not None:
        return found
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    ask = fit_paragraph(ctx, f"{w.get('sheet_ask_intro')} {case.ask[ctx.lang]}", g.content_width,
                        ASK_MAX_MM * mm, "body_left", 8)
    if ask is None:
        raise Overflow("ask", f"too long for the signature sheet ({ASK_MAX_MM} mm at 8 pt); shorten it")
    top = (ASK_TOP_MM + 4) * mm + ask.height
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
    names = ["number", *columns]
    widths = [NUMBER_COL_MM * mm] + column_widths(columns, free)
    labels = [w.get("col_number")] + [w.get(f"col_{col}") for col in columns]
    if consent:
        # The choice comes just before the signature: people tick, then sign, and a signature
        # that runs on runs to the right, into the margin, never across the boxes.
        at = names.index("signature") if "signature" in names else len(names)
        names.insert(at, "consent")
        widths.insert(at, CONSENT_COL_MM * mm)
        labels.insert(at, w.get("col_consent"))
    plan = _Plan(ask, top, HEAD_MM * mm, row_h, rows, tuple(names), tuple(widths), tuple(labels), consent)
    ctx.fitted[key] = plan
    return plan


def _consent_boxes(ctx: Context, plan: _Plan, mid: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Lower-left corners (trim coordinates, y up) of the yes and no boxes of a row."""
    g = ctx.geometry
    box, half = BOX_MM * mm, CONSENT_COL_MM * mm / 2
    consent_x = g.margin + sum(plan.widths[:plan.names.index("consent")])
    return tuple((consent_x + i * half + 1.5 * mm, g.y(mid) - box / 2) for i in range(2))  # type: ignore[return-value]


def form_layout(ctx: Context, case: Case, audience: str) -> FormLayout:
    """Where the marks, the machine code, every row, column and consent box are (PDF points)."""
    g = ctx.geometry
    plan = _plan(ctx, case, audience)
    o = g.offset

    def rect(x0: float, top: float, x1: float, bottom: float) -> Rect:     # trim, top-down -> page, y up
        return Rect(o + x0, o + g.y(bottom), o + x1, o + g.y(top))

    x0, x1 = g.margin, g.margin + g.content_width
    edges = [x0]
    for width in plan.widths:
        edges.append(edges[-1] + width)
    columns = {name: (o + a, o + b) for name, a, b in zip(plan.names, edges, edges[1:])}
    body = plan.top + plan.head_h
    rows = []
    box = BOX_MM * mm
    for r in range(plan.rows):
        top, bottom = body + r * plan.row_h, body + (r + 1) * plan.row_h
        cells = {name: rect(a, top, b, bottom) for name, a, b in zip(plan.names, edges, edges[1:])}
        yes = no = None
        if plan.consent:
            (yx, yy), (nx, ny) = _consent_boxes(ctx, plan, top + plan.row_h / 2)
            yes, no = Rect(o + yx, o + yy, o + yx + box, o + yy + box), Rect(o + nx, o + ny, o + nx + box, o + ny + box)
        rows.append(RowLayout(r + 1, rect(x0, top, x1, bottom), cells, yes, no))
    marks = tuple(m.shifted(o, o) for m in scan_marks.mark_rects(g.width, g.height))
    return FormLayout(
        paper=g.paper, page=g.media, trim=Rect(o, o, o + g.width, o + g.height), marks=marks,  # type: ignore[arg-type]
        code=scan_marks.code_rect().shifted(o, o), code_clear=scan_marks.code_clear_rect().shifted(o, o),
        table=rect(x0, plan.top, x1, body + plan.rows * plan.row_h), header=rect(x0, plan.top, x1, body),
        columns=columns, rows=tuple(rows), consent=plan.consent)


# --------------------------------------------------------------------------- static part

def _static(c, ctx: Context, case: Case, audience: str) -> None:
    g, w = ctx.geometry, ctx.words
    titled_band(c, ctx, f"{w.get('sheet_title')} — {case.name}", f"{case.country[ctx.lang]} – {case.theme[ctx.lang]}")
    plan = _plan(ctx, case, audience)
    plan.ask.drawOn(c, g.margin, g.y(ASK_TOP_MM * mm) - plan.ask.height)
    _table(c, ctx, plan)
    bottom = plan.top + plan.head_h + plan.rows * plan.row_h
    # Pencil fades to nothing on a 1-bit scan: ask for a pen where people write.
    draw_text(c, ctx, w.get("sheet_use_pen"), g.margin, bottom + 3.6 * mm, PEN_HINT_PT, bold=True, color=GREY,
              max_width=g.content_width)
    _bottom(c, ctx, case, audience)
    # The footer rule of every artefact, here above the machine code and the footer line.
    rule_y = scan_marks.code_clear_rect().y1 + 1 * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(g.margin, rule_y, g.right - (QR_MM + 10) * mm, rule_y)
    scan_marks.draw_marks(c, g.width, g.height)
    scan_marks.draw_code_field(c)


def _table(c, ctx: Context, plan: _Plan) -> None:
    g, w = ctx.geometry, ctx.words
    top, rows, row_h, widths, labels = plan.top, plan.rows, plan.row_h, plan.widths, plan.labels
    consent = plan.consent

    x0 = g.margin
    head_h = plan.head_h
    c.setFillColor(HEAD_FILL)
    c.rect(x0, g.y(top + head_h), g.content_width, head_h, stroke=0, fill=1)
    x = x0
    for label, width in zip(labels, widths):
        # A header may wrap onto two lines ("Me tenir / informé·e") before it shrinks.
        inner = width - 2 * CELL_PAD_MM * mm
        p = fit_paragraph(ctx, label, inner, head_h - 1.5 * mm, "label", MIN_TEXT_PT, textColor=white,
                          fontSize=7.5, leading=8.5)
        if p is None:
            raise Overflow(f"col_{label}", "a column header does not fit its column; shorten it")
        ph = p.height
        p.drawOn(c, x + CELL_PAD_MM * mm, g.y(top + (head_h + ph) / 2) + 0.6)
        x += width

    c.setStrokeColor(RULE)
    c.setLineWidth(WRITING_LINE_PT)
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
    yes, no = (typeset(w.get(key), ctx.words.typography) for key in ("choice_yes", "choice_no"))
    box, half = BOX_MM * mm, CONSENT_COL_MM * mm / 2
    label_size = min(7.0, *(7.0 * (half - box - 3 * mm) / max(1.0, string_width(ctx, word, False, 7))
                            for word in (yes, no)))
    if label_size < MIN_TEXT_PT:
        raise Overflow("choice_yes", f"'{yes}' / '{no}' do not fit beside the consent boxes at {MIN_TEXT_PT} pt; "
                       "shorten them")
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
            for word, (bx, by) in zip((yes, no), _consent_boxes(ctx, plan, mid)):
                c.rect(bx, by, box, box, stroke=1, fill=0)
                text.setTextOrigin(bx + box + 1.2 * mm, g.y(mid + 2.5))
                text.textOut(word)
    c.drawText(text)


def _bottom(c, ctx: Context, case: Case, audience: str) -> None:
    g, w, cfg = ctx.geometry, ctx.words, ctx.config
    x = g.margin
    text_w = g.content_width - (QR_MM + 10) * mm
    top = g.height - (BOTTOM_ZONE_MM - 6) * mm
    notice = cfg.signatures.privacy_notice.get(ctx.lang) or w.get(
        f"privacy_{audience}", section=cfg.section.name, email=cfg.section.email or cfg.section.website)
    p = fit_paragraph(ctx, notice, text_w, 16 * mm, "small", MIN_TEXT_PT)
    if p is None:
        raise Overflow("privacy_notice", f"too long for the signature sheet (16 mm at {MIN_TEXT_PT} pt); shorten it")
    h = p.height
    p.drawOn(c, x, g.y(top) - h)
    address = ", ".join(cfg.return_address)
    back = (w.get("return_by", date=ctx.date(cfg.campaign.return_by), address=address)
            if cfg.campaign.return_by else w.get("return_to", address=address))
    # The return address ends above the machine code's white field.
    room = min(12 * mm, g.y(top + h + 3 * mm) - scan_marks.code_clear_rect().y1 - 1 * mm)
    r = fit_paragraph(ctx, back, text_w, room, "label", 7)
    if r is None:
        raise Overflow("[campaign] return_address", "too long for the signature sheet; shorten it")
    r.drawOn(c, x, g.y(top + h + 3 * mm) - r.height)
    # The quiet zone is part of the static page, so each sheet draws only its modules.
    quiet = 4 * QR_MM * mm / 25      # 4 modules of the densest code we print (version 2+)
    c.setFillColor(white)
    c.rect(g.width - g.margin - QR_MM * mm - quiet, QR_BOTTOM_MM * mm - quiet, QR_MM * mm + 2 * quiet,
           QR_MM * mm + 2 * quiet, stroke=0, fill=1)
    # Above the code what it is for, under it where it leads (SPEC §14), both on the right margin.
    label_w = (QR_MM + 10) * mm
    qr_top = g.height - QR_BOTTOM_MM * mm - QR_MM * mm
    above = fit_paragraph(ctx, w.get("scan_to_sign"), label_w, 2 * LABEL.leading, "label", LABEL.pt,
                          alignment=TA_RIGHT)
    if above is None:
        raise Overflow("scan_to_sign", "does not fit above the QR code in two lines; shorten it")
    above.drawOn(c, g.right - label_w, g.y(qr_top - 2.5 * mm))
    draw_url(c, ctx, short_url(case.petition_url), g.right, qr_top + QR_MM * mm + 1.5 * mm, label_w,
             anchor="right")
