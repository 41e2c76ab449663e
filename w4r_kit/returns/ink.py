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
PAPER_WINDOW_MM = 12.0           # the paper level is the brightest grey within this distance
BLANK_EDGE_MM = 6.0              # edges ignored by the blank test (lid shadows, punched holes)
BLANK_MAX_INK_MM2 = 25.0         # less ink than this = blank (a 5 mm scribble is ~10 mm²)
LID_RATIO = 0.55                 # paper level below this share of the page's paper: not paper (lid, strip)


def paper_level(image: np.ndarray, px_per_mm: float) -> np.ndarray:
    """The paper's own brightness at every pixel (ink, rules and text removed), float32."""
    step = max(1, int(round(px_per_mm * 1.4)))
    h, w = image.shape
    hh, ww = -(-h // step), -(-w // step)
    pad = np.pad(image, ((0, hh * step - h), (0, ww * step - w)), mode="edge").astype(np.float32)
    small = pad.reshape(hh, step, ww, step).max(axis=(1, 3))
    size = max(3, int(round(PAPER_WINDOW_MM / (step / px_per_mm))) | 1)
    level = ndimage.maximum_filter(small, size=size, mode="nearest")
    level = ndimage.uniform_filter(level, size=size, mode="nearest")
    level = np.repeat(np.repeat(level, step, axis=0), step, axis=1)[:h, :w]
    return np.maximum(level, 1.0)


def smooth(image: np.ndarray, px_per_mm: float) -> np.ndarray:
    """A light blur (~0.15 mm): a dithered 1-bit page becomes grey again, strokes stay."""
    return ndimage.uniform_filter(image.astype(np.float32), size=3 if px_per_mm >= 5 else 2)


def ink_mask(image: np.ndarray, paper: np.ndarray) -> np.ndarray:
    return image < INK_RATIO * paper


def ink_area_mm2(image: np.ndarray, px_per_mm: float) -> float:
    """Ink on the page away from its edges and lid strips, in mm² (the blank test)."""
    img = smooth(image, px_per_mm)
    paper = paper_level(img, px_per_mm)
    usable = paper > LID_RATIO * np.percentile(paper, 90)
    edge = int(BLANK_EDGE_MM * px_per_mm)
    usable[:edge] = usable[-edge:] = False
    usable[:, :edge] = usable[:, -edge:] = False
    # Shadows of a lid strip bleed a few mm into the paper: keep away from them too.
    usable = ndimage.binary_erosion(usable, iterations=int(3 * px_per_mm), border_value=0)
    ink = ink_mask(img, paper) & usable
    # Specks of toner and dust are not writing: isolated pixels do not count.
    ink = ndimage.binary_opening(ink)
    return float(ink.sum()) / (px_per_mm * px_per_mm)


def is_blank(image: np.ndarray, px_per_mm: float) -> tuple[bool, float]:
    area = ink_area_mm2(image, px_per_mm)
    return area < BLANK_MAX_INK_MM2, area
