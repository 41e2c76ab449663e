"""Reading PDFs as a user would: text per page, QR codes decoded from rendered pages,
outline titles, page sizes, fonts."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader


def reader(path: Path) -> PdfReader:
    return PdfReader(str(path))


@lru_cache(maxsize=64)
def page_texts(path: Path) -> tuple[str, ...]:
    """Text of every page, extracted by pdfium (what a reader's copy-paste gives)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return tuple(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def text(path: Path) -> str:
    return "\n".join(page_texts(path))


def all_qr_codes(path: Path, page: int, dpi: int = 150) -> list[str]:
    """Decode every QR code on one page (0-based) rendered at `dpi`."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[page].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


MACHINE_PREFIXES = ("W4R:", "W4M:")     # the signature sheet's small code for the scan reader


def qr_codes(path: Path, page: int, dpi: int = 150) -> list[str]:
    """The QR codes for people on one page (0-based): every code but the scan reader's."""
    return [t for t in all_qr_codes(path, page, dpi) if not t.startswith(MACHINE_PREFIXES)]


def machine_codes(path: Path, page: int, dpi: int = 150) -> list[str]:
    """The scan reader's codes on one page (0-based)."""
    return [t for t in all_qr_codes(path, page, dpi) if t.startswith(MACHINE_PREFIXES)]


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(level, title, 0-based page) for every outline entry, in order."""
    r = reader(path)
    out: list[tuple[int, str, int]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, r.get_destination_page_number(item)))
    walk(r.outline, 0)
    return out


def page_sizes(path: Path) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader(path).pages}


def fonts(path: Path) -> dict[str, bool]:
    """Base font name -> embedded?, over all pages and form XObjects."""
    found: dict[str, bool] = {}

    def scan(resources):
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            embedded = bool(desc and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")))
            found[str(font.get("/BaseFont"))] = embedded
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            if xobj.get("/Subtype") == "/Form":
                scan(xobj.get("/Resources"))

    for page in reader(path).pages:
        scan(page.get("/Resources"))
    return found


def render(path: Path, page: int, dpi: int = 100):
    """One page (0-based) as an RGB numpy array, and the scale in pixels per point."""
    import numpy as np
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    return np.asarray(image), dpi / 72


def all_boxes(path: Path) -> list[dict[str, tuple[float, ...]]]:
    """MediaBox, TrimBox, BleedBox of every page, as (x0, y0, x1, y1) in points."""
    return [{name: tuple(round(float(v), 2) for v in getattr(p, name)) for name in ("mediabox", "trimbox", "bleedbox")}
            for p in reader(path).pages]


def boxes(path: Path, page: int) -> dict[str, tuple[float, ...]]:
    return all_boxes(path)[page]


def bleed_faults(path: Path, page: int, b: dict[str, tuple[float, ...]], dpi: int = 60) -> list[str]:
    """Places where ink touches a trim edge but stops there instead of running into the bleed.

    Along each trim edge, a pixel 1.5 pt inside the trim that is inked must be inked
    (in about the same colour) 1 pt inside the bleed edge too; runs of 3 px or more
    count, so anti-aliased corners of elements are not faults.
    """
    import numpy as np
    img, s = render(path, page, dpi)
    media_h = b["mediabox"][3]
    (tx0, ty0, tx1, ty1), (bx0, by0, bx1, by1) = b["trimbox"], b["bleedbox"]

    def px(x):
        return int(round(x * s))

    def py(y):
        return int(round((media_h - y) * s))

    rows = slice(py(ty1) + 2, py(ty0) - 2)
    cols = slice(px(tx0) + 2, px(tx1) - 2)
    edges = {"left": (img[rows, px(tx0 + 1.5)], img[rows, px(bx0 + 1)]),
             "right": (img[rows, px(tx1 - 1.5)], img[rows, px(bx1 - 1)]),
             "top": (img[py(ty1 - 1.5), cols], img[py(by1 - 1), cols]),
             "bottom": (img[py(ty0 + 1.5), cols], img[py(by0 + 1), cols])}
    faults = []
    for name, (inside, bleed) in edges.items():
        inked = (inside < 235).any(axis=1)
        differs = np.abs(inside.astype(int) - bleed.astype(int)).max(axis=1) > 40
        bad = inked & differs
        run = np.convolve(bad, np.ones(3, dtype=int), mode="valid") >= 3
        if run.any():
            faults.append(f"page {page + 1}: ink stops at the {name} trim edge ({int(bad.sum())} px)")
    return faults


def char_boxes(path: Path, page: int) -> tuple[str, list[tuple[float, float, float, float]]]:
    """The text of one page and the box (left, bottom, right, top, in points) of each character."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page].get_textpage()
        n = tp.count_chars()
        return tp.get_text_range(0, n), [tp.get_charbox(i) for i in range(n)]
    finally:
        pdf.close()


TOOLS = ("qpdf", "pdffonts")


def missing_tools() -> list[str]:
    import shutil
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def independent_check(path: Path) -> list[str]:
    """What `qpdf --check` and `pdffonts` (poppler) object to in one PDF; [] when both are happy."""
    import subprocess
    problems = []
    qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    if qpdf.returncode != 0:     # 2: errors, 3: warnings
        problems.append(f"{path}: qpdf --check exit {qpdf.returncode}: {(qpdf.stdout + qpdf.stderr).strip()[-500:]}")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True)
    lines = fonts.stdout.splitlines()
    if fonts.returncode != 0 or len(lines) < 2:
        problems.append(f"{path}: pdffonts failed: {fonts.stderr.strip()}")
        return problems
    emb = lines[0].index("emb")                       # columns are fixed-width, named in the header
    for line in lines[2:]:
        if line[emb:emb + 3] != "yes":
            problems.append(f"{path}: font not embedded: {line.split()[0]}")
    if len(lines) == 2:
        problems.append(f"{path}: no font at all")
    return problems


def is_whole_pdf(path: Path) -> bool:
    """A complete PDF file (tests may leave deliberately broken or partial files)."""
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, path.stat().st_size - 1024))
        tail = fh.read()
    return head == b"%PDF-" and b"%%EOF" in tail
