"""Reading scans, step 1 and 4: paper, ink and blank pages.

Ink is judged against the paper around it, not a fixed grey: copiers light a page
unevenly, tint it, and 1-bit modes dither. "Ink" = darker than INK_RATIO x the local
paper level (the prototype's value: 0.78). A page is blank when, away from its edges
and from dark lid strips, it holds less ink than a short word; this is decided before
any code is read, because a blank back shows the front's codes through the paper.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

INK_RATIO = 0.78                 # ink: darker than this share of the local paper level
PALE_INK_RATIO = 0.85            # ... on a grey or colour scan read unblurred: a pencil line counts too
PAPER_WINDOW_MM = 12.0           # the paper level is the brightest grey within this distance
BLANK_CELL_MM = 0.8              # the blank test reads the page in cells this size: dithering averages out
BLANK_EDGE_MM = 6.0              # edges ignored by the blank test (lid shadows, punched holes)
BLANK_MAX_INK_MM2 = 25.0         # less ink than this = blank (a 5 mm scribble is ~10 mm²)
LID_RATIO = 0.55                 # paper level below this share of the page's paper: not paper (lid, strip)
LID_MAX_MM = 20.0                # a lid strip is at most this wide
LID_KEEP_OFF_MM = 4.0            # a lid strip's shadow reaches this far into the paper


def pool(image: np.ndarray, step: int, how: str = "max") -> np.ndarray:
    """Blocks of step x step pixels -> one value each (the edge padded)."""
    if how == "mean" and image.dtype == np.uint8:
        from PIL import Image
        return np.asarray(Image.fromarray(image).reduce(step), dtype=np.float32)
    h, w = image.shape
    hh, ww = -(-h // step), -(-w // step)
    pad = np.pad(image, ((0, hh * step - h), (0, ww * step - w)), mode="edge")
    blocks = pad.reshape(hh, step, ww, step)
    return blocks.max(axis=(1, 3)) if how == "max" else blocks.mean(axis=(1, 3), dtype=np.float32)


def paper_level(image: np.ndarray, px_per_mm: float, small: bool = False) -> np.ndarray:
    """The paper's own brightness at every pixel (ink, rules and text removed), float32.
    With `small`, the coarse grid itself (cells of ~1.4 mm) and its step."""
    step = max(1, int(round(px_per_mm * 1.4)))
    # Block means, then the brightest block around: ink and rules never fill a 12 mm window.
    coarse = pool(image, step, "mean").astype(np.float32)
    size = max(3, int(round(PAPER_WINDOW_MM / (step / px_per_mm))) | 1)
    level = ndimage.maximum_filter(coarse, size=size, mode="nearest")
    level = np.maximum(ndimage.uniform_filter(level, size=size, mode="nearest"), 1.0)
    if small:
        return level, step
    h, w = image.shape
    return np.repeat(np.repeat(level, step, axis=0), step, axis=1)[:h, :w]


def smooth(image: np.ndarray, px_per_mm: float) -> np.ndarray:
    """A light blur (3 x 3 px, ~0.5 mm at 150 dpi): a dithered 1-bit page becomes grey again,
    pen strokes stay."""
    from PIL import Image, ImageFilter
    return np.asarray(Image.fromarray(image).filter(ImageFilter.BoxBlur(1)))


def ink_mask(image: np.ndarray, paper: np.ndarray, ratio: float = INK_RATIO) -> np.ndarray:
    return image < ratio * paper


def ink_area_mm2(image: np.ndarray, px_per_mm: float) -> float:
    """Ink on the page away from its edges and lid strips, in mm² (the blank test).

    Read in 0.8 mm cells (their mean grey): dithering and noise average out, a pen
    stroke still darkens its cells well below the paper.
    """
    step = max(1, int(round(px_per_mm * BLANK_CELL_MM)))
    cells = pool(image, step, "mean")
    cell_mm = step / px_per_mm
    paper, pstep = paper_level(cells, 1 / cell_mm, small=True)
    full_paper = np.repeat(np.repeat(paper, pstep, axis=0), pstep, axis=1)[:cells.shape[0], :cells.shape[1]]
    usable = ~lid_strips(cells, cell_mm)
    edge = int(round(BLANK_EDGE_MM / cell_mm))
    usable[:edge] = usable[-edge:] = False
    usable[:, :edge] = usable[:, -edge:] = False
    # Ink against the paper around it, and large dark areas (a photo in 1-bit) against the page's paper.
    ink = ((cells < INK_RATIO * full_paper) | (cells < LID_RATIO * np.percentile(cells, 90))) & usable
    # Specks of toner and dust are not writing: a cell with no inked neighbour does not count.
    neighbours = ndimage.uniform_filter(ink.astype(np.float32), size=3, mode="constant") * 9
    ink &= neighbours >= 2
    return float(ink.sum()) * cell_mm * cell_mm


def lid_strips(cells: np.ndarray, cell_mm: float) -> np.ndarray:
    """Dark areas that touch the page's edge (the copier's lid or belt beside a shifted sheet,
    a shadow), widened by LID_KEEP_OFF_MM: not paper."""
    dark = cells < LID_RATIO * np.percentile(cells, 90)
    labels, n = ndimage.label(dark)
    if n == 0:
        return dark
    edge_labels = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    # A strip runs along an edge and is narrow; a dark area reaching far in is a picture, not the lid.
    slices = ndimage.find_objects(labels)
    areas = np.bincount(labels.ravel())
    strips = [k for k in edge_labels[edge_labels > 0]       # mean width = area / length
              if areas[k] / max(sl.stop - sl.start for sl in slices[k - 1]) * cell_mm <= LID_MAX_MM]
    strip = np.isin(labels, strips)
    keep_off = max(1, int(round(LID_KEEP_OFF_MM / cell_mm)))
    return ndimage.maximum_filter(strip.view(np.uint8), size=2 * keep_off + 1).view(bool)


def is_blank(image: np.ndarray, px_per_mm: float) -> tuple[bool, float]:
    area = ink_area_mm2(image, px_per_mm)
    return area < BLANK_MAX_INK_MM2, area
