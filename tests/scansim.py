"""A seeded simulator of returned signature sheets and of an office copier's scan-to-PDF.

Shared by the tests and by benchmarks/bench_scan.py. It issues real packs with the
library (recorded in the project's registry), renders their sheets, writes on them
like people do (names as loop chains, signatures that spill over the rules, ticks,
crosses, filled boxes, pencil), then scans the stack the way copiers do (rotation,
180°, scale, shifts, blur, noise, paper tone, uneven light, dark lid strips, JPEG,
1-bit, dithering, 150-300 dpi, blank backs with show-through, the same sheet twice, a
letter and a photo in the stack) and writes a scan PDF with the truth beside it.
"""
from __future__ import annotations

import csv
import json
import math
import shutil
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
BASE_DPI = 200                 # the "paper": sheets are rendered and written on at this resolution
MM = 72 / 25.4

# Scan modes: (name, dpi, colour, bits, dither, jpeg quality range or None)
MODES = {
    "grey-150": dict(dpi=150, colour=False, onebit=False, dither=False, jpeg=(60, 90)),
    "grey-200": dict(dpi=200, colour=False, onebit=False, dither=False, jpeg=(60, 90)),
    "1bit-200": dict(dpi=200, colour=False, onebit=True, dither=False, jpeg=None),
    "dither-200": dict(dpi=200, colour=False, onebit=True, dither=True, jpeg=None),
    "1bit-300": dict(dpi=300, colour=False, onebit=True, dither=False, jpeg=None),
    "colour-300": dict(dpi=300, colour=True, onebit=False, dither=False, jpeg=(40, 85)),
}


# --------------------------------------------------------------------------- issuing

def make_project(target: Path) -> Path:
    """A copy of the example project (kit.toml, cases, templates) with its own registry."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "kit.toml", target)
    for name in ("cases", "letter_templates"):
        shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)
    return target


def issue_packs(project_dir: Path, groups: list[tuple[str, str, str, int, str, str]]) -> list[dict]:
    """Issue packs with the library (`signatures`), recorded in the registry; returns the manifest
    rows with the audience added. groups: (id, name, lang, sheets, cases, audience)."""
    from w4r_kit.batch import build_signatures
    from w4r_kit.project import Project
    csv_path = project_dir / "groups.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "lang", "sheets", "cases", "audience"])
        w.writerows(groups)
    project = Project.at(project_dir, None)
    build_signatures(project, csv_path)
    audience = {g[0]: g[5] for g in groups}
    with open(project.out / "signatures" / "manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["audience"] = audience[row["group_id"]]
        row["path"] = str(project.out / "signatures" / row["file"])
    return rows


def master_sheet(project_dir: Path, kit_pdf: Path, case_id: str, lang: str) -> dict:
    """The kit's master signature sheet of a case, as a manifest-like row (no sheet id, no group)."""
    import pypdfium2 as pdfium
    from w4r_kit.layout import scan_marks
    from w4r_kit.returns.registration import read_codes
    cfg = _kit(project_dir).config
    wanted = scan_marks.master_payload(cfg.section.short, cfg.campaign.year, case_id, lang)
    pdf = pdfium.PdfDocument(str(kit_pdf))
    try:
        for i in range(len(pdf)):
            image = np.asarray(pdf[i].render(scale=150 / 72, grayscale=True).to_pil().convert("L"))
            codes, _ = read_codes(image)
            if codes and codes[0].text == wanted:
                return {"sheet_id": "", "group_id": "", "case": case_id, "lang": lang, "audience": "adult",
                        "path": str(kit_pdf), "page": str(i + 1), "code": codes[0].text}
    finally:
        pdf.close()
    raise LookupError(f"no master sheet in {kit_pdf}")


def form_layout_for(project_dir: Path, case_id: str, lang: str, audience: str):
    from w4r_kit.assemble import context
    from w4r_kit.layout.signature_sheet import form_layout
    kit = _kit(project_dir)
    case = next(c for c in kit.cases if c.id == case_id)
    return form_layout(context(kit, lang), case, audience)


_KITS: dict[Path, object] = {}


def _kit(project_dir: Path):
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    if project_dir not in _KITS:
        _KITS[project_dir] = load_project(Project.at(project_dir, None), allow_incomplete=True)
    return _KITS[project_dir]


def render(pdf_path: str, page: int, dpi: int = BASE_DPI, colour: bool = False) -> Image.Image:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        return pdf[page].render(scale=dpi / 72, grayscale=not colour).to_pil().convert("RGB" if colour else "L")
    finally:
        pdf.close()


# --------------------------------------------------------------------------- writing

@dataclass
class RowTruth:
    number: int
    signed: bool = False
    yes: bool = False
    no: bool = False
    must_review: str = ""            # a filled box, both boxes: the reader must not count it


@dataclass
class PageTruth:
    kind: str                        # sheet | blank | letter | photo
    sheet_id: str = ""
    group_id: str = ""
    duplicate: bool = False
    rows: list[RowTruth] = field(default_factory=list)

    @property
    def signatures(self) -> int:
        return sum(r.signed for r in self.rows)


class Pen:
    """Draws polylines given in page points (y up) on an image of the trimmed page at BASE_DPI."""

    def __init__(self, image: Image.Image, trim_x0: float, trim_y1: float, rng: np.random.Generator,
                 pencil: bool = False) -> None:
        self.draw = ImageDraw.Draw(image)
        self.s = BASE_DPI / 72
        self.x0, self.y1 = trim_x0, trim_y1
        self.colour = image.mode == "RGB"
        if pencil:
            g = int(rng.integers(115, 160))
            self.ink = (g, g, g) if self.colour else g
            self.width = max(1, round(0.28 * BASE_DPI / 25.4))
        else:
            blue = rng.random() < 0.5
            ink = (25, 35, 140) if blue else (25, 25, 30)
            self.ink = ink if self.colour else int(0.3 * ink[0] + 0.59 * ink[1] + 0.11 * ink[2])
            self.width = max(2, round(rng.uniform(0.35, 0.6) * BASE_DPI / 25.4))

    def line(self, pts) -> None:
        xy = [((x - self.x0) * self.s, (self.y1 - y) * self.s) for x, y in pts]
        self.draw.line(xy, fill=self.ink, width=self.width, joint="curve")

    def fill(self, r) -> None:
        self.draw.rectangle([((r.x0 - self.x0) * self.s, (self.y1 - r.y1) * self.s),
                             ((r.x1 - self.x0) * self.s, (self.y1 - r.y0) * self.s)], fill=self.ink)


def loop_chain(rng, x0: float, y_base: float, length: float, height: float, loops: float = 0.6,
               pitch: float | None = None) -> list:
    """Cursive-like writing: a prolate cycloid with a wandering baseline (points); `pitch`: mm
    from one loop to the next."""
    n = max(20, int(length / 0.6))
    t = np.linspace(0, 1, n)
    freq = length / (pitch or rng.uniform(2.2, 3.6)) / MM
    phase = rng.uniform(0, 2 * math.pi)
    x = x0 + t * length - loops * height * np.sin(2 * math.pi * freq * t + phase) * 0.5
    y = y_base + height * (0.5 + 0.5 * np.cos(2 * math.pi * freq * t + phase)) * rng.uniform(0.7, 1.0, n) ** 0.2
    y += np.cumsum(rng.normal(0, height * 0.02, n))
    return list(zip(x.tolist(), y.tolist()))


def write_text(pen: Pen, rng, cell, fill: float = 0.75) -> None:
    """A name or an address in a cell: one or two loop chains."""
    h = cell.height
    length = cell.width * rng.uniform(0.35, fill)
    x = cell.x0 + rng.uniform(1.0, 3.0) * MM
    base = cell.y0 + h * rng.uniform(0.2, 0.35)
    words = int(rng.integers(1, 3))
    for i in range(words):
        part = length / words * rng.uniform(0.8, 1.0)
        pen.line(loop_chain(rng, x, base, part, h * rng.uniform(0.28, 0.45)))
        x += part + rng.uniform(1.5, 3) * MM


def write_signature(pen: Pen, rng, cell, spill: bool) -> None:
    """A signature: a big flourish, often reaching over the rules into the next rows."""
    h = cell.height
    amp = h * (rng.uniform(0.9, 1.3) if spill else rng.uniform(0.35, 0.7))
    x = cell.x0 + rng.uniform(1, 4) * MM
    # Most signatures stay in their column; a few run on into the next.
    room = cell.x1 - x - 1.5 * MM
    overrun = rng.random() < 0.03
    length = room * rng.uniform(0.5, 1.0) if not overrun else cell.width * rng.uniform(0.9, 1.2)
    centre = cell.y0 + h * rng.uniform(0.4, 0.6)
    pts = loop_chain(rng, x, centre - amp / 2, length, amp, loops=rng.uniform(0.3, 0.8),
                     pitch=rng.uniform(3.5, 7.0))
    widest = max(p[0] for p in pts)
    if not overrun and widest > x + room:               # loops swing sideways: keep them in the column
        pts = [(x + (px - x) * room / (widest - x), py) for px, py in pts]
        length = room
    pen.line(pts)
    if rng.random() < 0.6:              # an underline flourish
        y = centre - amp / 2 - rng.uniform(0, 2) * MM
        pen.line([(x - 1 * MM, y + rng.uniform(-1, 1) * MM), (x + length * 0.6, y), (x + length, y + 2 * MM)])


def tick(pen: Pen, rng, box, cross: bool = False) -> None:
    c = box.centre
    s = box.width
    if cross:
        d = s * rng.uniform(0.5, 0.8)
        pen.line([(c[0] - d, c[1] - d), (c[0] + d, c[1] + d)])
        pen.line([(c[0] - d, c[1] + d), (c[0] + d, c[1] - d)])
    else:
        pen.line([(c[0] - s * 0.45, c[1] + s * 0.05), (c[0] - s * 0.1, c[1] - s * 0.45),
                  (c[0] + s * rng.uniform(0.6, 1.1), c[1] + s * rng.uniform(0.6, 1.1))])


def fill_sheet(image: Image.Image, layout, rng: np.random.Generator, pencil_rate: float = 0.01,
               odd_rate: float = 0.02) -> list[RowTruth]:
    """People sign the sheet from the top; returns what each row truly holds."""
    rows = len(layout.rows)
    used = int(rng.choice([0, rng.integers(1, rows + 1), rows], p=[0.05, 0.75, 0.2]))
    truths = []
    trim = layout.trim
    for i, row in enumerate(layout.rows):
        truth = RowTruth(row.number)
        truths.append(truth)
        if i >= used:
            continue
        pen = Pen(image, trim.x0, trim.y1, rng, pencil=rng.random() < pencil_rate)
        for name, cell in row.cells.items():
            if name in ("number", "consent", "signature"):
                continue
            if name == "age":
                pen.line(loop_chain(rng, cell.x0 + 2 * MM, cell.y0 + cell.height * 0.3, 4 * MM, cell.height * 0.35))
            else:
                write_text(pen, rng, cell)
        write_signature(pen, rng, row.cells["signature"], spill=rng.random() < 0.25)
        truth.signed = True
        if layout.consent:
            choice = rng.choice(["yes", "no", "none"], p=[0.55, 0.33, 0.12])
            odd = rng.random() < odd_rate
            if odd and rng.random() < 0.5:
                tick(pen, rng, row.yes)
                tick(pen, rng, row.no)
                truth.must_review = "both boxes"
            elif odd:
                pen.fill(row.yes if choice != "no" else row.no)
                truth.must_review = "filled box"
            elif choice != "none":
                tick(pen, rng, row.yes if choice == "yes" else row.no, cross=rng.random() < 0.3)
                truth.yes, truth.no = choice == "yes", choice == "no"
    return truths


# --------------------------------------------------------------------------- copier

@dataclass
class Copier:
    """One page's copier defects, drawn from a seeded generator."""

    dpi: int
    colour: bool
    onebit: bool
    dither: bool
    jpeg: int | None
    angle: float
    flip: bool
    scale: float
    shift: tuple[float, float]       # mm
    blur: float                      # px at the scan's dpi
    noise: float
    paper: float
    light: float                     # brightness falls by this share across the page
    lid: tuple[str, float] | None    # edge and width (mm) of a dark strip where the glass shows

    @classmethod
    def draw(cls, rng: np.random.Generator, mode: dict) -> Copier:
        return cls(mode["dpi"], mode["colour"], mode["onebit"], mode["dither"],
                   int(rng.integers(*mode["jpeg"])) if mode["jpeg"] else None,
                   float(rng.uniform(-3, 3)), bool(rng.random() < 0.25), float(rng.uniform(0.96, 1.02)),
                   (float(rng.uniform(-4, 4)), float(rng.uniform(-4, 4))), float(rng.uniform(0.2, 1.0)),
                   float(rng.uniform(1, 6)), float(rng.uniform(225, 250)), float(rng.uniform(0, 0.12)),
                   (str(rng.choice(["left", "right", "top", "bottom"])), float(rng.uniform(2, 6)))
                   if rng.random() < 0.3 else None)

    def scan(self, page: Image.Image) -> Image.Image:
        """The paper (at BASE_DPI) as the copier sees it, at its own dpi and mode."""
        pw, ph = page.size[0] * 25.4 / BASE_DPI, page.size[1] * 25.4 / BASE_DPI     # mm
        ds, bs = self.dpi / 25.4, BASE_DPI / 25.4
        out = (int(round(pw * ds)), int(round(ph * ds)))
        # output mm -> paper mm: undo shift, then rotation/scale about the centre, then the flip.
        a = math.radians(self.angle)
        cx, cy = pw / 2, ph / 2
        cos, sin = math.cos(a) / self.scale, math.sin(a) / self.scale
        sx, sy = self.shift
        lid = (250, 250, 250) if page.mode == "RGB" else 250
        if self.lid:
            # A sheet laid off the glass's corner: the dark lid (or belt) shows along one edge.
            edge, width = self.lid
            dx, dy = {"left": (width, 0), "right": (-width, 0), "top": (0, width), "bottom": (0, -width)}[edge]
            sx, sy = dx + sx / 4, dy + sy / 4
            lid = (40, 40, 40) if page.mode == "RGB" else 40
        # paper = R^-1 (out - c - shift) + c, in mm; then px
        m = np.array([[cos, sin, 0], [-sin, cos, 0], [0, 0, 1]]) @ np.array([[1, 0, -cx - sx], [0, 1, -cy - sy], [0, 0, 1]])
        m = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]]) @ m
        if self.flip:
            m = np.array([[-1, 0, pw], [0, -1, ph], [0, 0, 1]]) @ m
        m = np.diag([bs, bs, 1]) @ m @ np.diag([1 / ds, 1 / ds, 1])
        img = page.transform(out, Image.Transform.AFFINE, tuple(m[:2].ravel()), Image.Resampling.BILINEAR,
                             fillcolor=lid)
        if not self.colour:
            img = img.convert("L")
        img = img.filter(ImageFilter.GaussianBlur(self.blur))
        a = np.asarray(img).astype(np.float32)
        a = a * (self.paper / 255.0)
        h, w = a.shape[:2]
        gx = np.linspace(0, 1, w)[None, :] * np.linspace(0.6, 1, h)[:, None]
        shade = 1 - self.light * gx
        a = a * (shade[..., None] if a.ndim == 3 else shade)
        rng = np.random.default_rng(int(self.angle * 1000) % 2**31)
        a = a + rng.normal(0, self.noise, a.shape)
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
        if self.onebit:
            img = img.convert("L")
            if self.dither:
                img = img.convert("1")                      # Floyd-Steinberg, as many copiers do
            else:
                img = img.point(lambda v: 255 if v > 140 else 0).convert("1", dither=Image.Dither.NONE)
        return img


def show_through(front: Image.Image, rng) -> Image.Image:
    """A blank back: the front seen through the paper, mirrored, faint and blurred."""
    grey = front.convert("L").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    grey = grey.filter(ImageFilter.GaussianBlur(BASE_DPI / 25.4 * 0.4))
    a = np.asarray(grey).astype(np.float32)
    alpha = rng.uniform(0.06, 0.15)
    back = 255 - alpha * (255 - a)
    img = Image.fromarray(back.astype(np.uint8))
    return img.convert("RGB") if front.mode == "RGB" else img


def photo(size: tuple[int, int], rng) -> Image.Image:
    """A photo someone slipped into the stack: smooth colour fields and shapes."""
    w, h = size
    small = rng.uniform(0, 255, (8, 6, 3)).astype(np.uint8)
    img = Image.fromarray(small, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    d = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(20, 200)
        d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    return img


def letter_page(project_dir: Path, rng, colour: bool) -> Image.Image:
    """A model letter someone wrote and put with the sheets (no sheet code on it)."""
    from w4r_kit.assemble import Options
    from w4r_kit.api import build_case
    from w4r_kit.project import Project
    out = project_dir / "dist" / "letters"
    target = out / "sebnem-korur-fincanci-fr.pdf"
    if not target.exists():
        build_case(Project.at(project_dir, out), "sebnem-korur-fincanci", "fr", Options(sheets=0))
    img = render(str(target), 1, colour=colour)
    pen = Pen(img, 0, img.size[1] * 72 / BASE_DPI, rng)
    pen.line(loop_chain(rng, 60 * MM, 120 * MM, 60 * MM, 4 * MM))
    return img


# --------------------------------------------------------------------------- a stack

@dataclass
class Stack:
    pdf: Path
    truth: list[PageTruth]
    mode: str


def _save_pdf(pages: list[Image.Image], path: Path, dpi: int, quality: int | None) -> None:
    first, rest = pages[0], pages[1:]
    from pdfcheck import SCAN_PRODUCER
    kw = dict(save_all=True, append_images=rest, resolution=dpi, producer=SCAN_PRODUCER, title="scan")
    if first.mode != "1":                      # grey and colour pages are JPEG in the PDF, as copiers write them
        kw["quality"] = quality or 92
    first.save(path, "PDF", **kw)


def scan_stack(project_dir: Path, manifest: list[dict], out: Path, mode: str, seed: int, *,
               backs: float = 0.3, duplicate: bool = True, letter: bool = True, photo_page: bool = True,
               pencil_rate: float = 0.01, odd_rate: float = 0.005) -> Stack:
    """Fill every sheet of `manifest`, scan the stack in `mode`, write `out` (PDF) and `out`.json."""
    rng = np.random.default_rng(seed)
    spec = MODES[mode]
    colour = spec["colour"]
    pages: list[Image.Image] = []
    truth: list[PageTruth] = []
    quality = None
    fronts = []
    for row in manifest:
        layout = form_layout_for(project_dir, row["case"], row["lang"], row["audience"])
        img = render(row["path"], int(row["page"]) - 1, colour=colour)
        rows = fill_sheet(img, layout, rng, pencil_rate, odd_rate)
        t = PageTruth("sheet", row["sheet_id"], row["group_id"], rows=rows)
        copier = Copier.draw(rng, spec)
        quality = copier.jpeg
        pages.append(copier.scan(img))
        truth.append(t)
        fronts.append((img, t))
        if rng.random() < backs:
            pages.append(Copier.draw(rng, spec).scan(show_through(img, rng)))
            truth.append(PageTruth("blank"))
    if duplicate and fronts:
        img, t = fronts[int(rng.integers(0, len(fronts)))]
        pages.append(Copier.draw(rng, spec).scan(img))
        truth.append(PageTruth("sheet", t.sheet_id, t.group_id, duplicate=True, rows=t.rows))
    if letter:
        pages.append(Copier.draw(rng, spec).scan(letter_page(project_dir, rng, colour)))
        truth.append(PageTruth("letter"))
    if photo_page and fronts:
        pages.append(Copier.draw(rng, spec).scan(photo(fronts[0][0].size, rng)))
        truth.append(PageTruth("photo"))
    out.parent.mkdir(parents=True, exist_ok=True)
    _save_pdf(pages, out, spec["dpi"], quality)
    out.with_suffix(".json").write_text(json.dumps([asdict(t) for t in truth], indent=1), encoding="utf-8")
    return Stack(out, truth, mode)


# --------------------------------------------------------------------------- scoring

@dataclass
class Score:
    pages: int = 0
    sheets: int = 0                  # sheet pages (duplicates excluded)
    to_review: int = 0
    rows: int = 0                    # rows on sheet pages not sent to review
    rows_right: int = 0
    wrong_group: int = 0
    blanks: int = 0
    blanks_right: int = 0
    others: int = 0                  # letters and photos
    others_right: int = 0
    duplicates: int = 0
    duplicates_said: int = 0
    wrong: list = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)   # review reason (strings key) -> sheets

    def add(self, other: Score) -> None:
        for k, v in vars(other).items():
            setattr(self, k, getattr(self, k) + v)

    @property
    def row_accuracy(self) -> float:
        return self.rows_right / self.rows if self.rows else 1.0

    @property
    def review_share(self) -> float:
        return self.to_review / self.sheets if self.sheets else 0.0


def score(pages, truth: list[PageTruth]) -> Score:
    """Compare what the reader said of each page with the truth (same order)."""
    s = Score()
    for page, t in zip(pages, truth, strict=True):
        s.pages += 1
        if page.sheet_id != t.sheet_id and (page.sheet_id or page.status in ("read", "master")):
            s.wrong_group += 1
            s.wrong.append(f"p{page.page}: read as {page.sheet_id}, is {t.kind} {t.sheet_id}")
        if t.kind == "blank":
            s.blanks += 1
            s.blanks_right += page.status == "blank"
            if page.status != "blank":
                s.wrong.append(f"p{page.page}: blank read as {page.status} ({page.detail})")
        elif t.kind in ("letter", "photo"):
            s.others += 1
            s.others_right += page.status == "not-a-sheet"
            if page.status != "not-a-sheet":
                s.wrong.append(f"p{page.page}: {t.kind} read as {page.status} ({page.detail})")
        elif t.duplicate:
            s.duplicates += 1
            s.duplicates_said += page.status == "duplicate"
        else:
            s.sheets += 1
            if page.status == "review":
                s.to_review += 1
                keys = set()
                for key, values in page.reasons:      # a doubtful row: its doubts, by kind
                    keys |= {k for k, _ in dict(values)["doubts"]} if key == "scan_row" else {key}
                for key in sorted(keys or {page.detail or "?"}):
                    s.reasons[key] += 1
                continue
            if page.status not in ("read", "master") or page.reading is None:
                s.wrong.append(f"p{page.page}: sheet read as {page.status} ({page.detail})")
                s.to_review += 1          # not counted: as good as sent to review, but listed
                continue
            for got, want in zip(page.reading.rows, t.rows, strict=True):
                s.rows += 1
                right = (got.signed == want.signed and not want.must_review
                         and (not want.signed or (got.yes, got.no) == (want.yes, want.no)))
                s.rows_right += right
                if not right:
                    s.wrong.append(f"p{page.page} row {got.number}: read signed={got.signed} yes={got.yes} "
                                   f"no={got.no} ({got.signature_mm2} mm²), truly signed={want.signed} "
                                   f"yes={want.yes} no={want.no} {want.must_review}")
    return s
