"""Returns, reading scans (SPEC §12 `returns scan`): every page of a copier's scan-to-PDF.

Per page, a chain of small steps (each in its own module):
  render (pypdfium2, ~150 dpi grey) -> blank? (ink.py, before any code is read: blank
  backs show the front's codes through) -> machine code and registration squares
  (registration.py) -> the sheet in the registry -> its printed content made again by
  the library (template.py) -> the page warped onto it -> ink per row (rows.py).

Nothing is guessed: a page or a row read without confidence goes to review, with what
was read; a page is attributed to a group only through its own code and the registry.
"""
from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ..errors import KitError, Problem
from ..layout import scan_marks
from . import ink, registration, rows, template

READ_DPI = 150.0                 # pages are rendered and read at this resolution (see README "Scanning")
ALIGNMENT_MIN = rows.ALIGN_MIN
HEADER_BAR_MM = (140.0, 6.0, 13.0)   # a signature sheet's black table header: min width, height range

# A page's outcome.
READ, REVIEW, BLANK, NOT_A_SHEET, DUPLICATE, MASTER = "read", "review", "blank", "not-a-sheet", "duplicate", "master"


@dataclass
class PageResult:
    file: str
    page: int                                   # 1-based
    status: str
    detail: str = ""
    sheet_id: str = ""
    group_id: str = ""
    group_name: str = ""
    case: str = ""
    lang: str = ""
    signatures: int | None = None
    consent_yes: int | None = None
    consent_no: int | None = None
    reading: rows.PageReading | None = None
    # For the review file: the page as scanned (JPEG) and where the form sits on it.
    image_jpeg: bytes = b""
    image_size: tuple[int, int] = (0, 0)
    homography: np.ndarray | None = None
    layout: object | None = None
    seconds: float = 0.0


@dataclass
class ScanResult:
    pages: list[PageResult] = field(default_factory=list)
    review_file: Path | None = None
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(p.status == status for p in self.pages)

    @property
    def signatures(self) -> int:
        return sum(p.signatures or 0 for p in self.pages if p.status in (READ, MASTER))

    @property
    def pages_per_second(self) -> float:
        return len(self.pages) / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- input

def scan_inputs(paths: Iterable[Path]) -> list[tuple[Path, int]]:
    """The PDF files to read (folders: every *.pdf inside, sorted) and their page counts.

    Every unreadable input is reported at once, before any page is read.
    """
    import pypdfium2 as pdfium
    problems, found = [], []
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), 0, "", "no such file or folder; check the path"))
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf") \
            if path.is_dir() else [path]
        if path.is_dir() and not files:
            problems.append(Problem(str(path), 0, "", "holds no PDF file; scan to PDF and put the files here"))
        for f in files:
            try:
                pdf = pdfium.PdfDocument(str(f))
            except (pdfium.PdfiumError, OSError) as exc:
                problems.append(Problem(str(f), 0, "", f"is not a readable PDF ({_reason(exc)}); "
                                        "scan to PDF on the copier, or export the scan as PDF"))
                continue
            n = len(pdf)
            pdf.close()
            if n == 0:
                problems.append(Problem(str(f), 0, "", "has no pages; nothing to read"))
            else:
                found.append((f, n))
    if problems:
        raise KitError(*problems)
    return found


def _reason(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".")
    return text.split(":")[-1].strip().lower() or type(exc).__name__


# --------------------------------------------------------------------------- one page

def render_page(page) -> tuple[np.ndarray, float]:
    """The page as a grey array at about READ_DPI, and its pixels per millimetre (nominal:
    the real scale is measured on the sheet itself; a PDF's size and dpi claims are not trusted)."""
    w, h = page.get_size()
    scale = READ_DPI / 72
    longest = max(w, h)
    if not 500 <= longest <= 1100:          # not paper-sized: assume A4/Letter and scale to it
        scale *= 842 / longest
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
    image = np.asarray(bitmap.to_pil().convert("L"))
    return image, scale * 72 / 25.4


class PageReader:
    """Reads pages against one kit and one registry; keeps templates and masters between pages."""

    def __init__(self, kit, registry) -> None:
        self.kit = kit
        self.registry = registry
        cfg = kit.config
        self.campaign = f"{cfg.section.short}-{cfg.campaign.year}"
        self.masters = {scan_marks.master_key(cfg.section.short, cfg.campaign.year, c.id, lang): (c.id, lang)
                        for lang in cfg.campaign.languages for c in kit.cases}

    def read(self, image: np.ndarray, px_mm: float, file: str, number: int) -> PageResult:
        result = PageResult(file, number, REVIEW)
        blank, ink_mm2 = ink.is_blank(image, px_mm)
        if blank:
            result.status, result.detail = BLANK, f"{ink_mm2:.0f} mm² of ink"
            return result
        codes, others = registration.read_codes(image)
        if len({c.text for c in codes}) > 1:
            return self._review(result, image, "two different machine codes on one page (a copy over a copy?)")
        if not codes:
            if self._looks_like_sheet(image, px_mm):
                return self._review(result, image, "a signature sheet whose code cannot be read; "
                                                   "set it with 'returns set' once you have its id")
            result.status = NOT_A_SHEET
            result.detail = "no sheet code" + (" (a petition QR code: a case sheet or a letter?)" if others else "")
            return result
        code = codes[0]
        if code.kind == "master":
            found = self.masters.get(code.key)
            if found is None:
                return self._review(result, image, f"a master sheet of another kit or year (code {code.text})")
            result.case, result.lang = found
            audience = self.kit.config.signatures.audience
        else:
            record = self.registry.sheet(code.key)
            result.sheet_id = code.key
            if record is None:
                return self._review(result, image, f"sheet {code.key} was never issued (not in the registry)")
            if record.campaign != self.campaign:
                return self._review(result, image, f"sheet {code.key} belongs to campaign {record.campaign}, "
                                                   f"not {self.campaign}")
            result.group_id, result.group_name = record.group_id, record.group_name
            result.case, result.lang, audience = record.case, record.lang, record.audience
        if result.case not in {c.id for c in self.kit.cases}:
            return self._review(result, image, f"case '{result.case}' is no longer in the kit; "
                                               "its sheet cannot be laid out again")
        return self._read_form(result, image, code, audience)

    def _read_form(self, result: PageResult, image: np.ndarray, code: registration.Code,
                   audience: str) -> PageResult:
        papers = [self.kit.config.print.paper] + [p for p in ("A4", "Letter") if p != self.kit.config.print.paper]
        for paper in papers:
            tpl = template.make(self.kit, result.case, result.lang, audience, paper, READ_DPI)
            lay = tpl.layout
            reg = registration.register(image, code, lay.code, lay.marks)
            if reg is None or reg.code_error_mm > registration.CODE_AGREEMENT_MM:
                continue
            warped = registration.warp(image, reg.homography, lay.trim, READ_DPI)
            reading = rows.read_rows(warped, tpl, READ_DPI)
            if reading.alignment < ALIGNMENT_MIN:
                continue
            result.reading, result.layout, result.homography = reading, lay, reg.homography
            result.signatures, result.consent_yes, result.consent_no = reading.signatures, reading.yes, reading.no
            if not lay.consent:
                result.consent_yes = result.consent_no = None
            doubtful = reading.doubtful
            if doubtful:
                listed = "; ".join(f"row {r.number}: {r.doubt}" for r in doubtful)
                return self._review(result, image, listed)
            result.status = MASTER if code.kind == "master" else READ
            result.detail = f"{reg.marks_found} marks"
            return result
        return self._review(result, image, "the registration squares or the printed table were not found "
                                           "where the sheet has them (folded, cut, or scaled too much?)")

    def _review(self, result: PageResult, image: np.ndarray, why: str) -> PageResult:
        from PIL import Image
        result.status = REVIEW
        result.detail = why
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, "JPEG", quality=70, optimize=True)
        result.image_jpeg, result.image_size = buf.getvalue(), (image.shape[1], image.shape[0])
        return result

    def _looks_like_sheet(self, image: np.ndarray, px_mm: float) -> bool:
        """A page without a readable code that still has a signature sheet's black table header."""
        from scipy import ndimage
        small = image[::2, ::2] < 0.5 * np.percentile(image, 95)
        labels, n = ndimage.label(small)
        min_w, lo, hi = (v * px_mm / 2 for v in HEADER_BAR_MM)
        for sl in ndimage.find_objects(labels):
            ys, xs = sl
            h, w = ys.stop - ys.start, xs.stop - xs.start
            if (w >= min_w and lo <= h <= hi) or (h >= min_w and lo <= w <= hi):
                return True
        return False


# --------------------------------------------------------------------------- the run

def scan(project, paths: list[Path], progress: Callable[[int], None] | None = None,
         on_total: Callable[[int], None] | None = None, today: dt.date | None = None) -> ScanResult:
    """Read every page of the scans, record each in the registry, write the review file."""
    import pypdfium2 as pdfium
    from ..load import load_project
    from ..output import Staging
    from ..registry import Registry
    inputs = scan_inputs(paths)
    kit = load_project(project, allow_incomplete=True)
    started = time.perf_counter()
    result = ScanResult()
    with Registry.open(project) as registry:
        reader = PageReader(kit, registry)
        if on_total:
            on_total(sum(n for _, n in inputs))
        for path, n in inputs:
            name = _display(path, project)
            pdf = pdfium.PdfDocument(str(path))
            try:
                for i in range(n):
                    t0 = time.perf_counter()
                    image, px_mm = render_page(pdf[i])
                    page = reader.read(image, px_mm, name, i + 1)
                    _record(registry, page)
                    page.seconds = time.perf_counter() - t0
                    result.pages.append(page)
                    if progress:
                        progress(1)
            finally:
                pdf.close()
    result.seconds = time.perf_counter() - started
    review = [p for p in result.pages if p.status == REVIEW]
    if review:
        from .review import review_pdf
        day = (today or dt.date.today()).isoformat()
        target = project.out / "returns" / f"review-{day}.pdf"
        with Staging() as staging:
            staging.add(target, review_pdf(kit, review, result))
            staging.commit()
        result.review_file = target
    return result


def _display(path: Path, project) -> str:
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _record(registry, page: PageResult) -> None:
    """Record a sheet's page; a second reading of a sheet already read becomes a duplicate."""
    if not page.sheet_id or page.status not in (READ, REVIEW):
        return
    if registry.sheet(page.sheet_id) is None:
        return                                   # never issued: nothing to record it against
    fresh = registry.record_scan(page.sheet_id, page.file, page.page, page.signatures, page.consent_yes,
                                 page.consent_no, page.status, page.detail)
    if not fresh:
        page.status = DUPLICATE
        page.detail = f"sheet {page.sheet_id} was already read; counted once"
