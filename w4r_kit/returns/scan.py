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
    reasons: tuple = ()                         # why it goes to review: (strings key, values) pairs
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

def render_page(page) -> tuple[np.ndarray, float, bool]:
    """The page as a grey array at about READ_DPI, its pixels per millimetre (nominal: the
    real scale is measured on the sheet itself; a PDF's size and dpi claims are not trusted)
    and whether it is known to hold grey levels (a grey or colour scan, not a 1-bit one).

    A copier's page is one image filling the page: it is taken as it is stored (a JPEG
    decoded straight at the size needed), which is several times faster than rendering.
    """
    w, h = page.get_size()
    scale = READ_DPI / 72
    longest = max(w, h)
    if not 500 <= longest <= 1100:          # not paper-sized: assume A4/Letter and scale to it
        scale *= 842 / longest
    image, greys = _page_image(page, w, h, scale)
    if image is None:
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
        image = np.asarray(bitmap.to_pil().convert("L"))
    return image, scale * 72 / 25.4, greys


def _page_image(page, w: float, h: float, scale: float) -> tuple[np.ndarray | None, bool]:
    """The page's only image, upright and filling the page, at `scale` px per point, and whether
    it has grey levels (8 bits or more a pixel); else (None, False)."""
    from PIL import Image
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    if page.get_rotation() % 360:
        return None, False
    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None, False
    obj = objects[0]
    m = obj.get_matrix()
    if abs(m.b) > 1e-3 or abs(m.c) > 1e-3 or m.a <= 0 or m.d <= 0:
        return None, False
    left, bottom, right, top = obj.get_bounds()
    if abs(left) > 1 or abs(bottom) > 1 or abs(right - w) > 1 or abs(top - h) > 1:
        return None, False
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    try:
        if obj.get_filters() == ["DCTDecode"]:
            picture = Image.open(io.BytesIO(obj.get_data(decode_simple=False)))
            picture.draft("L", size)                # JPEG decoded at 1/2, 1/4 ... of its size
        else:
            picture = obj.get_bitmap(render=False).to_pil()
        greys = obj.get_metadata().bits_per_pixel >= 8
        picture = picture.convert("L")
    except (pdfium.PdfiumError, OSError, ValueError):
        return None, False
    if picture.size != size:
        picture = picture.resize(size, Image.Resampling.BOX if picture.size[0] > size[0] else Image.Resampling.BILINEAR)
    return np.asarray(picture), greys


class PageReader:
    """Reads pages against one kit and one registry; keeps templates and masters between pages."""

    def __init__(self, kit, registry) -> None:
        self.kit = kit
        self.registry = registry
        self.words = message_words(kit)
        cfg = kit.config
        self.campaign = f"{cfg.section.short}-{cfg.campaign.year}"
        self.masters = {scan_marks.master_key(cfg.section.short, cfg.campaign.year, c.id, lang): (c.id, lang)
                        for lang in cfg.campaign.languages for c in kit.cases}

    def read(self, image: np.ndarray, px_mm: float, file: str, number: int, greys: bool = False) -> PageResult:
        """One page; `greys`: the scan is known to have grey levels (pale ink is read too)."""
        result = PageResult(file, number, REVIEW)
        blank, ink_mm2 = ink.is_blank(image, px_mm)
        if blank:
            result.status, result.detail = BLANK, f"{ink_mm2:.0f} mm² of ink"
            return result
        codes, others = registration.read_codes(image)
        if len({c.text for c in codes}) > 1:
            return self._review(result, image, ("scan_two_codes", ()))
        if not codes:
            if self._looks_like_sheet(image, px_mm):
                return self._review(result, image, ("scan_code_unreadable", ()))
            result.status = NOT_A_SHEET
            result.detail = "no sheet code" + (" (a petition QR code: a case sheet or a letter?)" if others else "")
            return result
        code = codes[0]
        if code.kind == "master":
            found = self.masters.get(code.key)
            if found is None:
                return self._review(result, image, ("scan_master_unknown", (("code", code.text),)))
            result.case, result.lang = found
            audience = self.kit.config.signatures.audience
        else:
            record = self.registry.sheet(code.key)
            result.sheet_id = code.key
            if record is None:
                return self._review(result, image, ("scan_never_issued", (("sheet_id", code.key),)))
            if record.campaign != self.campaign:
                return self._review(result, image, ("scan_other_campaign", (
                    ("sheet_id", code.key), ("campaign", record.campaign), ("current", self.campaign))))
            result.group_id, result.group_name = record.group_id, record.group_name
            result.case, result.lang, audience = record.case, record.lang, record.audience
        if result.case not in {c.id for c in self.kit.cases}:
            return self._review(result, image, ("scan_case_gone", (("case", result.case),)))
        return self._read_form(result, image, code, audience, greys)

    def _read_form(self, result: PageResult, image: np.ndarray, code: registration.Code,
                   audience: str, greys: bool) -> PageResult:
        papers = [self.kit.config.print.paper] + [p for p in ("A4", "Letter") if p != self.kit.config.print.paper]
        for paper in papers:
            tpl = template.make(self.kit, result.case, result.lang, audience, paper, READ_DPI)
            lay = tpl.layout
            reg = registration.register(image, code, lay.code, lay.marks)
            if reg is None or reg.code_error_mm > registration.CODE_AGREEMENT_MM:
                continue
            warped = registration.warp(image, reg.homography, lay.trim, READ_DPI, rows.window(tpl, READ_DPI))
            reading = rows.read_rows(warped, tpl, READ_DPI, greys)
            if reading.alignment < ALIGNMENT_MIN:
                continue
            result.reading, result.layout, result.homography = reading, lay, reg.homography
            result.signatures, result.consent_yes, result.consent_no = reading.signatures, reading.yes, reading.no
            if not lay.consent:
                result.consent_yes = result.consent_no = None
            if reading.doubtful:
                return self._review(result, image, *[("scan_row", (("n", r.number), ("doubts", r.doubts)))
                                                     for r in reading.doubtful])
            result.status = MASTER if code.kind == "master" else READ
            result.detail = f"{reg.marks_found} marks"
            return result
        return self._review(result, image, ("scan_not_registered", ()))

    def _review(self, result: PageResult, image: np.ndarray, *why: tuple[str, tuple]) -> PageResult:
        from PIL import Image
        result.status = REVIEW
        result.reasons = why
        result.detail = reasons_text(self.words, why)
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
        side = registration.MM * 5.0 * px_mm * 25.4 / 72 / 2          # a registration square, in px here
        areas = np.bincount(labels.ravel())
        squares = 0
        for k, sl in enumerate(ndimage.find_objects(labels), start=1):
            ys, xs = sl
            if ys.start == 0 or xs.start == 0 or ys.stop == small.shape[0] or xs.stop == small.shape[1]:
                continue                          # a lid strip along the edge, not a printed bar
            h, w = ys.stop - ys.start, xs.stop - xs.start
            if (w >= min_w and lo <= h <= hi) or (h >= min_w and lo <= w <= hi):
                return True
            if 0.75 * side <= min(h, w) and max(h, w) <= 1.4 * side and areas[k] >= 0.7 * h * w:
                squares += 1
        if squares >= 3:                          # three of the four corner squares
            return True
        if squares < 2:                           # cut off at most two of them
            return False
        # The header bar when writing touches it: a band of lines that are mostly dark over
        # >= 140 mm, 4-14 mm thick, with lighter lines above and below it (not a photo).
        mm_px = px_mm / 2
        for dark in (small, small.T):
            full = dark.sum(axis=1) >= HEADER_BAR_MM[0] * 0.85 * mm_px
            edges = np.flatnonzero(np.diff(np.r_[0, full.astype(np.int8), 0]))
            for start, stop in zip(edges[::2], edges[1::2]):
                gap = int(4 * mm_px)
                sums = dark.sum(axis=1)
                above, below = sums[max(0, start - gap)], sums[min(len(dark) - 1, stop + gap)]
                if 4 * mm_px <= stop - start <= 14 * mm_px and max(above, below) < 0.7 * sums[start:stop].max():
                    return True
        return False


# --------------------------------------------------------------------------- the run

def scan(project, paths: list[Path], progress: Callable[[int], None] | None = None,
         on_total: Callable[[int], None] | None = None, today: dt.date | None = None,
         jobs: int = 1) -> ScanResult:
    """Read every page of the scans, record each in the registry, write the review file.

    With `jobs` > 1 pages are read in that many processes; they are recorded here, in the
    order of the scans, so "scanned twice" always names the later page.
    """
    from ..load import load_project
    from ..output import Staging
    from ..registry import Registry, campaign_name
    inputs = scan_inputs(paths)
    kit = load_project(project, allow_incomplete=True)
    started = time.perf_counter()
    result = ScanResult()
    tasks = [(str(path), _display(path, project), i) for path, n in inputs for i in range(n)]
    if on_total:
        on_total(len(tasks))
    campaign = campaign_name(kit.config.section.short, kit.config.campaign.year)
    with Registry.open(project, kit.config) as registry:
        seen: set[str] = set()
        for page in _read_all(kit, project, registry, tasks, jobs):
            _record(registry, page, seen, campaign)
            result.pages.append(page)
            if progress:
                progress(1)
    result.seconds = time.perf_counter() - started
    review = [p for p in result.pages if p.status == REVIEW]
    if review:
        from .review import review_pdf
        day = (today or dt.date.today()).isoformat()
        target = project.out / "returns" / f"review-{day}.pdf"
        with Staging() as staging:
            staging.add(target, review_pdf(kit, review, result, today))
            staging.commit()
        result.review_file = target
    return result


def _read_all(kit, project, registry, tasks: list[tuple[str, str, int]], jobs: int):
    """PageResults in task order, read here or in `jobs` forked processes."""
    if jobs <= 1 or len(tasks) < 4:
        reader = PageReader(kit, registry)
        docs: dict[str, object] = {}
        try:
            for task in tasks:
                yield _read_one(reader, docs, task)
        finally:
            for pdf in docs.values():
                pdf.close()
        return
    import multiprocessing
    global _WORKER
    _WORKER = (kit, project)                     # inherited by the forked workers, never pickled
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_read_in_worker, tasks, chunksize=2)


def _read_one(reader: PageReader, docs: dict, task: tuple[str, str, int]) -> PageResult:
    import pypdfium2 as pdfium
    path, name, i = task
    t0 = time.perf_counter()
    try:
        if path not in docs:
            docs[path] = pdfium.PdfDocument(path)
        image, px_mm, greys = render_page(docs[path][i])
    except pdfium.PdfiumError as exc:
        page = PageResult(name, i + 1, REVIEW, detail=f"the page cannot be rendered ({_reason(exc)})")
    else:
        page = reader.read(image, px_mm, name, i + 1, greys)
    page.seconds = time.perf_counter() - t0
    return page


_WORKER: tuple | None = None
_WORKER_STATE: dict = {}


def _read_in_worker(task: tuple[str, str, int]) -> PageResult:
    """One page in a worker process: its own registry connection, templates and open PDFs."""
    from ..registry import Registry
    if "reader" not in _WORKER_STATE:
        kit, project = _WORKER
        _WORKER_STATE["reader"] = PageReader(kit, Registry.open(project, kit.config))
        _WORKER_STATE["docs"] = {}
    return _read_one(_WORKER_STATE["reader"], _WORKER_STATE["docs"], task)


def _display(path: Path, project) -> str:
    """A scan's name as staff know it: from the project folder, else from the current one."""
    for base in (project.root, Path.cwd()):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def reasons_text(words, reasons) -> str:
    """Why a page goes to review, in words."""
    said = []
    for key, values in reasons:
        values = dict(values)
        if key == "scan_row":
            values["what"] = "; ".join(rows.describe(words, d) for d in values.pop("doubts"))
        said.append(words.get(key, **values))
    return "; ".join(said)


def message_words(kit):
    """The words the reader speaks in (CLI lines, registry notes): English where the kit has
    it, else its first language. The review file uses the kit's first language."""
    return kit.words["en"] if "en" in kit.words else kit.words[kit.config.campaign.languages[0]]


MASTER_SOURCE = "scan-master"       # registry counts of photocopied master sheets: per case, no group ("")


def _record(registry, page: PageResult, seen: set[str], campaign: str) -> None:
    """Record a sheet's page; a second reading of a sheet already read becomes a duplicate."""
    if page.status == MASTER:
        # Photocopies of the master are all alike: each page is a sheet of its own, and only the
        # same page of the same scan file is the same sheet again.
        note = f"{page.file} page {page.page}"
        if any(c.source == MASTER_SOURCE and c.note == note for c in registry.counts("", campaign)):
            page.status, page.detail = DUPLICATE, "this page of this scan was already recorded"
            return
        registry.add_count("", page.case, 0, page.signatures or 0, MASTER_SOURCE, note, campaign)
        return
    if not page.sheet_id or page.status not in (READ, REVIEW):
        return
    if registry.sheet(page.sheet_id) is None:
        return                                   # never issued: nothing to record it against
    if page.sheet_id in seen:
        page.status = DUPLICATE
        page.detail = f"sheet {page.sheet_id} is twice in this scan; counted once"
        return
    seen.add(page.sheet_id)
    fresh = registry.record_scan(page.sheet_id, page.file, page.page, page.signatures, page.consent_yes,
                                 page.consent_no, page.status, page.detail)
    if not fresh:
        page.status = DUPLICATE
        page.detail = f"sheet {page.sheet_id} was already read; counted once"


def set_sheet(project, sheet_id: str, signatures: int, yes: int | None, no: int | None):
    """Staff's figures for one sheet (`returns set`); returns the sheet's registry record."""
    from ..registry import Registry
    from ..tracking import SHEET_ID_LENGTH
    problems = []
    if (yes or 0) + (no or 0) > signatures:
        problems.append(Problem("", 0, "--yes/--no", f"{(yes or 0) + (no or 0)} yes and no answers on "
                                f"{signatures} signatures; a row without a signature has no answer"))
    with Registry.open(project) as registry:
        record = registry.sheet(sheet_id.strip().lower())
        if record is None:
            hint = (f" (sheet ids have {SHEET_ID_LENGTH} characters)" if len(sheet_id.strip()) != SHEET_ID_LENGTH
                    else "")
            problems.append(Problem("", 0, "SHEET_ID", f"no sheet '{sheet_id}' was issued{hint}; copy the id "
                                    "printed beside the sheet's small code, or from the review file"))
        if problems:
            raise KitError(*problems)
        registry.set_sheet(record.sheet_id, signatures, yes, no)
    return record
