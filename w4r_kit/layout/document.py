"""One output PDF: the canvas with its page geometry, crop marks, outline and metadata,
and the stamping that makes builds reproducible (SOURCE_DATE_EPOCH, content-derived /ID)."""
from __future__ import annotations

import hashlib
import io
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..errors import KitError, Problem
from ..typography import typeset
from .context import Context
from .grid import CROP_MARK_GAP_MM, CROP_MARK_LEN_MM, Geometry

# Pinned here, not left to RL_* environment variables or settings files: plain Flate
# streams (ASCII85 on top makes files 15 % larger and, in pure Python, dominates the
# time of a 10,000-sheet batch).
rl_config.useA85 = 0

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
        self.contents_top: float | None = None        # where the cover's list of cases goes
        self.contents_page_top: float | None = None   # where the duplex contents page's list goes
        self.entries: list[tuple[int, str, int]] = []
        """(level, title, 1-based page) of every outline entry, for a table of contents."""

    @property
    def number(self) -> int:
        """The 1-based number of the page being drawn (or about to be)."""
        return self.pages + 1

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
        self.entries.append((level, title, self.number))

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


