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


def qr_codes(path: Path, page: int, dpi: int = 150) -> list[str]:
    """Decode every QR code on one page (0-based) rendered at `dpi`."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[page].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


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
