"""Lay-out stage, shared page furniture: geometry, bleed and crop marks, styles,
brand band, footer, paragraphs, address blocks and QR codes.

Every artefact draws on one reportlab canvas per output file (fonts and form
XObjects are embedded once). Positions are named constants in millimetres,
measured from the top-left corner of the trimmed page.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from .. import qr
from ..errors import KitError, Problem
from ..model import KitConfig
from ..strings import Words, package_typography
from ..typography import Typography, typeset as _typeset
from .fonts import Fonts
from .overflow import Overflow

# Pinned here, not left to RL_* environment variables or settings files: plain Flate
# streams (ASCII85 on top makes files 15 % larger and, in pure Python, dominates the
# time of a 10,000-sheet batch).
rl_config.useA85 = 0

PAPER_SIZES = {"A4": A4, "Letter": LETTER}

MARGIN_MM = 18            # left/right margin of every artefact: one grid for the kit
BAND_MM = 30              # height of the yellow header band
FOOTER_MM = 12            # baseline of the footer line, from the bottom edge
CROP_MARK_ROOM_MM = 9     # room outside the bleed for crop marks (SPEC §4 [print] bleed_mm)
CROP_MARK_GAP_MM = 2      # marks start this far outside the bleed: a cut never shows them
CROP_MARK_LEN_MM = 5      # gap + length leave 2 mm to the media edge
QR_QUIET_MODULES = 4      # ISO/IEC 18004 quiet zone
# A line is shrunk to fit, but never below this: smaller is no longer readable. (The short
# petition address under the case sheet's QR code already goes down to 4.8 pt.)
MIN_TEXT_PT = 4.5

GREY = HexColor("#5A5A5A")
LIGHT = HexColor("#EDEDED")
RULE = HexColor("#9A9A9A")
TBC_RED = HexColor("#C4001A")

_TBC = re.compile(r"^\[.*\]$")   # an address line such as "[address to be confirmed]"


@dataclass(frozen=True)
class Envelope:
    """The part of a window envelope's window that shows the folded letter, on the page."""

    name: str
    left: float    # pt from the left trim edge
    top: float     # pt from the top trim edge
    width: float
    height: float
    inset: float   # where the address text starts, from the window's left edge


# A4: DIN 5008 form B address field (20 mm from the left, 45-90 mm from the top,
# 85 mm wide) = the DIN 680 DL window (90 x 45 mm, 20 mm from the left, 15 mm from
# the bottom of a 110 mm envelope) over A4 folded at 105/210 mm; text at 25 mm.
# Letter: the standard #10 window (1 1/8 x 4 1/2 in, 7/8 in from the left and 1/2 in
# from the bottom of a 4 1/8 x 9 1/2 in envelope) over Letter folded in thirds
# (3 2/3 in panels) resting on the envelope's bottom: 2.042-3.167 in from the top.
# The 8.5 in sheet can slide up to 1/2 in sideways in the 9.5 in envelope, so only
# 7/8 to 4 7/8 in from the left is sure to show.
ENVELOPES = {
    "A4": Envelope("DL", 20 * mm, 45 * mm, 85 * mm, 45 * mm, 5 * mm),
    "Letter": Envelope("#10", 0.875 * inch, (4.125 - 0.5 - 1.125 - (4.125 - 11 / 3)) * inch,
                       4.0 * inch, 1.125 * inch, 0.125 * inch),
}


@dataclass(frozen=True)
class Geometry:
    paper: str
    bleed: float = 0.0      # pt

    @property
    def width(self) -> float:
        return PAPER_SIZES[self.paper][0]

    @property
    def height(self) -> float:
        return PAPER_SIZES[self.paper][1]

    @property
    def offset(self) -> float:
        """Distance from the media edge to the trim edge."""
        return self.bleed + CROP_MARK_ROOM_MM * mm if self.bleed else 0.0

    @property
    def media(self) -> tuple[float, float]:
        return self.width + 2 * self.offset, self.height + 2 * self.offset

    @property
    def trim_box(self) -> tuple[float, float, float, float]:
        o = self.offset
        return (o, o, o + self.width, o + self.height)

    @property
    def bleed_box(self) -> tuple[float, float, float, float]:
        o, b = self.offset, self.bleed
        return (o - b, o - b, o + self.width + b, o + self.height + b)

    @property
    def envelope(self) -> Envelope:
        return ENVELOPES[self.paper]

    @property
    def margin(self) -> float:
        return MARGIN_MM * mm

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin

    def y(self, top: float) -> float:
        """Convert a distance from the top trim edge (pt) into reportlab's bottom-up y."""
        return self.height - top


@dataclass
class Context:
    """Everything an artefact needs to draw in one language."""

    config: KitConfig
    words: Words
    fonts: Fonts
    geometry: Geometry
    lang: str
    primary: Color = field(init=False)
    text: Color = field(init=False)
    styles: dict[str, ParagraphStyle] = field(init=False)
    fitted: dict = field(init=False, default_factory=dict, repr=False)
    """fit_paragraph results: a batch draws the same static texts into every file."""

    def __post_init__(self) -> None:
        self.primary = HexColor(self.config.brand.primary)
        self.text = HexColor(self.config.brand.text)
        self.styles = make_styles(self)

    def date(self, day) -> str:
        return self.words.date(day)


def make_styles(ctx: Context) -> dict[str, ParagraphStyle]:
    hyphenation = ctx.words.texts.get("hyphenation", "")
    # Justify only where a hyphenation dictionary exists: justified text without
    # hyphenation opens rivers of white in narrow columns (Luxembourgish).
    align = TA_JUSTIFY if hyphenation else TA_LEFT
    base = ParagraphStyle("body", fontName=ctx.fonts.regular, fontSize=10, leading=14,
                          textColor=ctx.text, alignment=align, hyphenationLang=hyphenation,
                          embeddedHyphenation=1, uriWasteReduce=0.3, allowWidows=0,
                          allowOrphans=0, splitLongWords=1)
    bold = ctx.fonts.bold

    def style(name: str, **kw) -> ParagraphStyle:
        # Only running text is hyphenated; labels, addresses and ragged text are not.
        kw.setdefault("hyphenationLang", "")
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "body_left": style("body_left", alignment=TA_LEFT),
        "lead": style("lead", fontName=bold, fontSize=13, leading=17, alignment=TA_LEFT),
        "small": style("small", fontSize=7.5, leading=9.5, alignment=TA_LEFT),
        "label": style("label", fontName=bold, fontSize=8, leading=10, alignment=TA_LEFT),
        "display": style("display", fontName=bold, fontSize=40, leading=42, alignment=TA_LEFT),
        "h1": style("h1", fontName=bold, fontSize=26, leading=29, alignment=TA_LEFT),
        "h2": style("h2", fontName=bold, fontSize=14, leading=17, alignment=TA_LEFT),
        "h3": style("h3", fontName=bold, fontSize=10.5, leading=13, alignment=TA_LEFT, spaceBefore=0),
        "ask": style("ask", fontName=bold, fontSize=11, leading=15, alignment=TA_LEFT, textColor=white),
        "address": style("address", fontSize=10, leading=12.5, alignment=TA_LEFT),
        "letter": style("letter", fontSize=10.5, leading=15, spaceAfter=7, hyphenationLang=hyphenation),
    }


# --------------------------------------------------------------------------- text

def typeset(text: str, typography: Typography | str) -> str:
    """The language's typography (from its words file, see w4r_kit.typography) on plain text;
    a bare language code uses the package's words for it."""
    if isinstance(typography, str):
        typography = package_typography(typography)
    return _typeset(text, typography)


def markup(text: str, lang: Typography | str) -> str:
    """Plain text -> reportlab paragraph markup: escaped once, here (a `&` or `<` prints)."""
    return escape(typeset(text, lang))


def paragraph(ctx: Context, text: str, style: str = "body", **overrides) -> Paragraph:
    st = ctx.styles[style]
    if overrides:
        st = ParagraphStyle(f"{style}-x", parent=st, **overrides)
    return Paragraph(markup(text, ctx.words.typography), st)


def draw_paragraph(c: Canvas, ctx: Context, text: str, x: float, top: float, width: float,
                   style: str = "body", **overrides) -> float:
    """Draw plain `text` with its top at `top` (pt from the top edge); return its height."""
    key = ("draw", text, width, style, tuple(sorted(overrides.items())))
    p = ctx.fitted.get(key)
    if p is None:                       # laid out once per context (see Context.fitted)
        p = ctx.fitted[key] = paragraph(ctx, text, style, **overrides)
        p.wrap(width, ctx.geometry.height)
    p.drawOn(c, x, ctx.geometry.y(top) - p.height)
    return p.height


def fit_paragraph(ctx: Context, text: str, width: float, height: float, style: str,
                  min_size: float, **overrides) -> Paragraph | None:
    """The paragraph at the largest size (down to `min_size`) that fits the box, else None.

    The result is already wrapped to `width` (its height is `.height`) and is remembered
    per context, since reportlab paragraphs can be drawn again on any canvas.
    """
    key = (text, width, height, style, min_size, tuple(sorted(overrides.items())))
    if key in ctx.fitted:
        return ctx.fitted[key]
    st = ParagraphStyle(f"{style}-fit", parent=ctx.styles[style], **overrides) if overrides else ctx.styles[style]
    size = st.fontSize
    found = None
    while size >= min_size - 1e-6:
        p = paragraph(ctx, text, style, **{**overrides, "fontSize": size,
                                           "leading": size * st.leading / st.fontSize})
        if p.wrap(width, height)[1] <= height:
            found = p
            break
        size -= 0.5
    ctx.fitted[key] = found
    return found


def string_width(ctx: Context, text: str, bold: bool, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    return stringWidth(text, ctx.fonts.bold if bold else ctx.fonts.regular, size)


def draw_text(c: Canvas, ctx: Context, text: str, x: float, top: float, size: float,
              bold: bool = False, color: Color | None = None, anchor: str = "left",
              max_width: float | None = None) -> float:
    """One line with its baseline at `top`; shrunk (never cut) to fit `max_width`, or else the
    page's margins. Returns the width. A line that would need to shrink below MIN_TEXT_PT
    raises Overflow instead (SPEC §9: text never silently disappears)."""
    source = text
    text = typeset(text, ctx.words.typography)
    font = ctx.fonts.bold if bold else ctx.fonts.regular
    width = string_width(ctx, text, bold, size)
    room = max_width or _room(ctx.geometry, x, anchor)
    if room and width > room:
        if size * room / width < MIN_TEXT_PT:
            shown = source if len(source) <= 40 else source[:39] + "…"
            raise Overflow("", f"'{shown}' does not fit its line even at {MIN_TEXT_PT} pt; shorten it",
                           text=source)
        size *= room / width
        width = room
    c.setFont(font, size)
    c.setFillColor(color or ctx.text)
    y = ctx.geometry.y(top)
    if anchor == "right":
        c.drawRightString(x, y, text)
    elif anchor == "center":
        c.drawCentredString(x, y, text)
    else:
        c.drawString(x, y, text)
    return width


def _room(g: Geometry, x: float, anchor: str) -> float | None:
    """The width from `x` to the page margin(s) for this anchor; None outside the margins."""
    right = g.width - g.margin
    room = {"right": x - g.margin, "center": 2 * min(x - g.margin, right - x)}.get(anchor, right - x)
    return room if room > 0 else None


def draw_address(c: Canvas, ctx: Context, lines: list[str], x: float, top: float, size: float = 10,
                 bold_first: bool = True, leading: float | None = None) -> float:
    """Postal lines; a line in [brackets] is printed in red as a visible 'to be confirmed'."""
    leading = leading or size * 1.25
    y = top + size
    for i, line in enumerate(lines):
        if _TBC.match(line):
            label = "[" + ctx.words.get("to_be_confirmed") + "]" if "confirm" in line.lower() else line
            draw_text(c, ctx, label, x, y, size * 0.9, bold=True, color=TBC_RED)
        else:
            draw_text(c, ctx, line, x, y, size, bold=bold_first and i == 0)
        y += leading
    return y - top - leading + size * 0.3


def address_markup(ctx: Context, lines: list[str]) -> str:
    """Address lines as one paragraph: first line bold, [to be confirmed] lines in red."""
    out = []
    for i, line in enumerate(lines):
        if _TBC.match(line):
            label = "[" + ctx.words.get("to_be_confirmed") + "]" if "confirm" in line.lower() else line
            out.append(f'<font name="{ctx.fonts.bold}" color="#C4001A">{markup(label, ctx.words.typography)}</font>')
        elif i == 0:
            out.append(f'<font name="{ctx.fonts.bold}">{markup(line, ctx.words.typography)}</font>')
        else:
            out.append(markup(line, ctx.words.typography))
    return "<br/>".join(out)


def fit_address(ctx: Context, lines: list[str], width: float, height: float, size: float = 9,
                min_size: float = 7) -> Paragraph | None:
    """Address lines wrapped into a box, shrunk down to `min_size`; None if they never fit."""
    key = ("address", tuple(lines), width, height, size, min_size)
    if key in ctx.fitted:
        return ctx.fitted[key]
    text = address_markup(ctx, lines)
    found = None
    while size >= min_size - 1e-6:
        st = ParagraphStyle("addr-fit", parent=ctx.styles["address"], fontSize=size, leading=size * 1.22)
        p = Paragraph(text, st)
        if p.wrap(width, height)[1] <= height:
            found = p
            break
        size -= 0.5
    ctx.fitted[key] = found
    return found


# --------------------------------------------------------------------------- page furniture

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


def crop_marks(c: Canvas, g: Geometry) -> None:
    """Eight marks in line with the trim edges, outside the bleed, in registration colour."""
    start = g.bleed + CROP_MARK_GAP_MM * mm          # measured outwards from the trim edge
    end = start + CROP_MARK_LEN_MM * mm
    left, bottom = g.offset, g.offset
    right, top = left + g.width, bottom + g.height
    c.setStrokeColorCMYK(1, 1, 1, 1)                 # registration: shows on every plate
    c.setLineWidth(0.25)
    for x, dx in ((left, -1), (right, 1)):
        for y, dy in ((bottom, -1), (top, 1)):
            c.line(x + dx * start, y, x + dx * end, y)
            c.line(x, y + dy * start, x, y + dy * end)


# --------------------------------------------------------------------------- document

@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    lang: str
    keywords: str = ""


class Document:
    """One output PDF: a canvas with page geometry, outline and metadata."""

    def __init__(self, ctx: Context, meta: Metadata) -> None:
        self.ctx = ctx
        self.created = build_time()
        self.buffer = io.BytesIO()
        g = ctx.geometry
        # invariant=1: no clock in the file (reportlab's /ID hashes the time); the
        # real date and a content-derived /ID are written in finish().
        self.canvas = Canvas(
            self.buffer, pagesize=g.media, pdfVersion=(1, 4), initialFontName=ctx.fonts.regular,
            initialFontSize=10, lang=meta.lang, invariant=1,
            trimBox=g.trim_box if g.bleed else None, bleedBox=g.bleed_box if g.bleed else None,
            pageCompression=1)
        c = self.canvas
        c.setTitle(meta.title)
        c.setAuthor(meta.author)
        c.setSubject(meta.subject)
        c.setCreator("w4r-kit")
        c.setProducer("w4r-kit (reportlab)")
        if meta.keywords:
            c.setKeywords(meta.keywords)
        c.showOutline()
        # Viewers number pages 1, 2, 3 ... counting duplex blanks, as the printer does.
        c.addPageLabel(0, style="ARABIC", start=1)
        self.pages = 0
        self._bookmarks = 0

    @contextmanager
    def page(self) -> Iterator[Canvas]:
        """One page: crop marks drawn, origin moved to the trim corner, then shown."""
        c = self.canvas
        g = self.ctx.geometry
        if g.bleed:
            crop_marks(c, g)
            c.translate(g.offset, g.offset)
        yield c
        c.showPage()
        self.pages += 1

    def blank_page(self) -> None:
        """A truly blank page (duplex filler): crop marks only, no header or footer."""
        with self.page():
            pass

    def outline(self, title: str, level: int = 0, closed: bool = False) -> None:
        """An outline entry pointing at the page about to be drawn."""
        key = f"b{self._bookmarks}"
        self._bookmarks += 1
        self.canvas.bookmarkPage(key)
        # Bookmarks read like the pages: the same apostrophes and quotation marks.
        self.canvas.addOutlineEntry(typeset(title, self.ctx.words.typography), key, level=level, closed=closed)

    def finish(self) -> bytes:
        self.canvas.save()
        return stamp_pdf(self.buffer.getvalue(), self.created)


def build_time() -> int:
    """The time written as the documents' dates: SOURCE_DATE_EPOCH when set, else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return int(time.time())
    if not value.isdigit() or int(value) >= 253402300800:      # year 10000
        raise KitError(Problem("SOURCE_DATE_EPOCH", 0, "", f"'{value}' is not a time in seconds since "
                               "1970-01-01 UTC; set it to an integer such as 1795305600, or unset it"))
    return int(value)


# What reportlab's invariant mode writes in the Info dictionary and the trailer.
_INFO_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}\+00'00'\)")
_TRAILER_ID = re.compile(rb"/ID \n\[<[0-9a-f]{32}><[0-9a-f]{32}>\]")


def stamp_pdf(data: bytes, when: int) -> bytes:
    """Give reportlab's invariant output its real dates and an /ID hashed from the content.

    The /ID does not depend on the dates, so two builds of the same inputs differ in
    the two dates only; with SOURCE_DATE_EPOCH they are byte-identical. Every field
    keeps its length, so the cross-reference offsets stay right.
    """
    digest = hashlib.md5(_TRAILER_ID.sub(b"", _INFO_DATE.sub(b"", data)), usedforsecurity=False)
    file_id = digest.hexdigest().encode()
    date = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(when)).encode()
    out, dates = _INFO_DATE.subn(lambda m: b"/" + m[1] + b" (" + date + b")", data)
    out, ids = _TRAILER_ID.subn(b"/ID \n[<" + file_id + b"><" + file_id + b">]", out)
    if (dates, ids) != (2, 1) or len(out) != len(data):
        raise RuntimeError("unexpected reportlab output: cannot set the document dates and /ID")
    return out


def image_reader(path: Path, keep_alpha: bool = True):
    """The image as reportlab should embed it (see `images.embeddable`)."""
    from reportlab.lib.utils import ImageReader
    from ..images import embeddable
    source = embeddable(path, keep_alpha)
    return ImageReader(str(source) if isinstance(source, Path) else source)


# --------------------------------------------------------------------------- letters

# Fold marks on the left edge: A4 in thirds for a DL envelope (DIN 5008: 105 and
# 210 mm), Letter in thirds for a #10 envelope.
FOLD_MARKS = {"A4": (105 * mm, 210 * mm), "Letter": (3.667 * inch, 7.333 * inch)}


def fold_marks(c: Canvas, ctx: Context) -> None:
    g = ctx.geometry
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    for top in FOLD_MARKS[g.paper]:
        c.line(5 * mm, g.y(top), 9 * mm, g.y(top))


def window_address(c: Canvas, ctx: Context, case) -> None:
    """The addressee block inside the envelope window (DL for A4, #10 for Letter)."""
    from .overflow import Overflow
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
