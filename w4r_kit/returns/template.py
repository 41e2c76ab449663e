"""Reading scans, step 3: the issued sheet's own printed content, as a mask.

The sheet is made again by the library from what the registry recorded (case,
language, audience; the paper from kit.toml), exactly as it was issued, and
rendered at the reader's resolution. Whatever is printed there — rules, boxes,
labels, the header — is taken out (dilated by ~0.5 mm for blur and registration)
before ink is measured, so only what people wrote remains.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import ndimage

from ..layout.signature_sheet import FormLayout

PRINTED_GREY = 215               # rendered darker than this: printed (RULE is 154, GREY text 90)
PRINTED_DILATE_MM = 0.5          # blur and registration error around printed lines
BLACK_GREY = 90                  # rendered darker than this: solid black (the alignment check uses it)


@dataclass(frozen=True)
class Template:
    layout: FormLayout
    grey: np.ndarray             # the sheet as printed, trim area, at the reader's dpi
    printed: np.ndarray          # bool, dilated: anything printed
    black: np.ndarray            # bool, not dilated: solid black print


def make(kit, case_id: str, lang: str, audience: str, paper: str, dpi: float) -> Template:
    return _make(id(kit), _KitRef(kit), case_id, lang, audience, paper, dpi)


class _KitRef:
    """Lets a kit ride through lru_cache keyed on its identity only."""

    def __init__(self, kit) -> None:
        self.kit = kit

    def __hash__(self) -> int:
        return id(self.kit)

    def __eq__(self, other) -> bool:
        return isinstance(other, _KitRef) and other.kit is self.kit


@lru_cache(maxsize=32)
def _make(_kit_id: int, ref: _KitRef, case_id: str, lang: str, audience: str, paper: str, dpi: float) -> Template:
    import pypdfium2 as pdfium
    from ..assemble import context, metadata
    from ..layout import signature_sheet
    from ..layout.document import Document
    from ..layout.signature_sheet import SheetLabel
    kit = ref.kit
    case = next(c for c in kit.cases if c.id == case_id)
    ctx = context(kit, lang, paper)
    doc = Document(ctx, metadata(kit, ctx, "template"))
    signature_sheet.prepare(doc, ctx, case, audience)
    signature_sheet.draw(doc, ctx, case, audience, SheetLabel("", 1, 1, "0000000", "https://example.org"))
    layout = signature_sheet.form_layout(ctx, case, audience)
    pdf = pdfium.PdfDocument(doc.finish())
    try:
        s = dpi / 72
        full = np.asarray(pdf[0].render(scale=s, grayscale=True).to_pil())
    finally:
        pdf.close()
    t = layout.trim
    top = int(round((layout.page[1] - t.y1) * s))
    left = int(round(t.x0 * s))
    grey = full[top:top + int(round(t.height * s)), left:left + int(round(t.width * s))]
    radius = max(1, int(round(PRINTED_DILATE_MM * dpi / 25.4)))
    disk = _disk(radius)
    printed = ndimage.binary_dilation(grey < PRINTED_GREY, structure=disk)
    return Template(layout, grey, printed, grey < BLACK_GREY)


def _disk(radius: int) -> np.ndarray:
    y, x = np.ogrid[-radius:radius + 1, -radius:radius + 1]
    return x * x + y * y <= radius * radius + radius
