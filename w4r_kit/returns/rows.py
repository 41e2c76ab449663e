"""Reading scans, step 5: what was written in each row.

In: the page warped onto the sheet as printed (trim area, the reader's dpi) and the
template of the issued sheet. Ink = darker than 0.78 x the local paper level, minus
everything printed. Ink is grouped into strokes (pieces cut apart by a printed rule
are joined again) and each stroke group goes to the row that holds most of it:
signatures spill over the rules. Thresholds are the prototype's measurements
(empty cells <= 0.4 mm² of ink, written ones median ~70 mm²).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .ink import ink_mask, paper_level, smooth
from .template import Template

WRITTEN_MM2 = 4.0            # a written cell: at least this much ink ...
WRITTEN_SPAN_MM = 3.0        # ... spanning at least this far
DOUBT_MM2 = 1.5              # between this and WRITTEN_MM2: neither empty nor written -> review
TICK_MM2 = 0.5               # a ticked box
TICK_DOUBT_MM2 = 0.25        # between this and TICK_MM2 -> review
TICK_REACH_MM = 1.5          # a tick counts this far outside its box
FILLED_SHARE = 0.7           # a box's inside this dark: filled in (a correction?) -> review
JOIN_MM = 0.7                # ink this close is one stroke group (bridges a rule's mask)
ALIGN_MIN = 0.75             # share of the sheet's solid black found dark: below, the page does not match


@dataclass(frozen=True)
class RowReading:
    number: int
    signed: bool
    yes: bool
    no: bool
    doubt: str = ""              # why this row needs a person; "" = read with confidence
    signature_mm2: float = 0.0
    written: tuple[str, ...] = ()    # columns with writing


@dataclass(frozen=True)
class PageReading:
    rows: tuple[RowReading, ...]
    alignment: float

    @property
    def signatures(self) -> int:
        return sum(r.signed for r in self.rows)

    @property
    def yes(self) -> int:
        return sum(r.signed and r.yes for r in self.rows)

    @property
    def no(self) -> int:
        return sum(r.signed and r.no for r in self.rows)

    @property
    def doubtful(self) -> tuple[RowReading, ...]:
        return tuple(r for r in self.rows if r.doubt)


def alignment(warped: np.ndarray, template: Template) -> float:
    """Share of the sheet's solid black print that is dark on the warped scan."""
    black = template.black
    if not black.any():
        return 1.0
    paper = np.percentile(warped, 95)
    return float((warped[black] < 0.6 * paper).mean())


def read_rows(warped: np.ndarray, template: Template, dpi: float) -> PageReading:
    lay = template.layout
    s = dpi / 72                                   # px per point
    px_mm = dpi / 25.4
    mm2 = px_mm * px_mm
    t = lay.trim

    def px_x(x: float) -> int:
        return int(round((x - t.x0) * s))

    def px_y(y: float) -> int:                     # y up (points) -> row index (px)
        return int(round((t.y1 - y) * s))

    # Work on the table and a band around it (row 1 spills into the header, the last row below).
    top, bottom = px_y(lay.table.y1), px_y(lay.table.y0)
    left, right = px_x(lay.table.x0), px_x(lay.table.x1)
    pad = int(8 * px_mm)
    y0, y1 = max(0, top - pad), min(warped.shape[0], bottom + pad)
    x0, x1 = max(0, left - pad), min(warped.shape[1], right + pad)
    img = smooth(warped[y0:y1, x0:x1], px_mm)
    paper = paper_level(img, px_mm)
    ink = ink_mask(img, paper) & ~template.printed[y0:y1, x0:x1]
    ink = ndimage.binary_opening(ink, structure=np.ones((2, 2), bool))   # single specks are noise
    join = max(1, int(round(JOIN_MM * px_mm)))
    groups, n = ndimage.label(ndimage.binary_dilation(ink, iterations=join), structure=np.ones((3, 3)))
    ys, xs = np.nonzero(ink)
    gid = groups[ys, xs]
    ys_abs, xs_abs = ys + y0, xs + x0

    # Rows and columns by position; -1 = outside the table body.
    body_top = px_y(lay.header.y0)
    row_edges = np.array([px_y(r.rect.y1) for r in lay.rows] + [px_y(lay.rows[-1].rect.y0)])
    row = np.searchsorted(row_edges, ys_abs, side="right") - 1
    row[(ys_abs < body_top) | (row >= len(lay.rows))] = -1
    names = list(lay.columns)
    col_edges = np.array([px_x(lay.columns[n][0]) for n in names] + [px_x(lay.columns[names[-1]][1])])
    col = np.searchsorted(col_edges, xs_abs, side="right") - 1
    col[(col >= len(names)) | (xs_abs < col_edges[0])] = -1
    nrows = len(lay.rows)

    # Each stroke group goes to the row (and column) holding most of its ink.
    key_row = np.where(row >= 0, row, nrows)
    counts = np.zeros((n + 1, nrows + 1), np.int32)
    np.add.at(counts, (gid, key_row), 1)
    group_row = counts.argmax(axis=1)
    group_row[group_row == nrows] = -1
    key_col = np.where(col >= 0, col, len(names))
    ccounts = np.zeros((n + 1, len(names) + 1), np.int32)
    np.add.at(ccounts, (gid, key_col), 1)
    group_col = ccounts.argmax(axis=1)
    prow = group_row[gid]

    readings = []
    sig_col = names.index("signature") if "signature" in names else None
    for r, rl in enumerate(lay.rows):
        mine = prow == r
        written, doubts = [], []
        sig_area, signed = 0.0, False
        for c, name in enumerate(names):
            if name in ("number", "consent"):
                continue
            sel = mine & (col == c)
            area = sel.sum() / mm2
            if area > 0:
                span = max(np.ptp(ys_abs[sel]), np.ptp(xs_abs[sel])) / px_mm
            else:
                span = 0.0
            if area >= WRITTEN_MM2 and span >= WRITTEN_SPAN_MM:
                written.append(name)
            elif area >= DOUBT_MM2:
                doubts.append(f"{name}: {area:.1f} mm² of ink")
            if c == sig_col:
                sig_area = area
        signed = "signature" in written
        if not signed and written and sig_col is not None:
            doubts.append("written but not signed")
        yes = no = False
        if lay.consent and rl.yes is not None:
            marks = []
            for box in (rl.yes, rl.no):
                bx0, bx1 = px_x(box.x0 - TICK_REACH_MM * 72 / 25.4), px_x(box.x1 + TICK_REACH_MM * 72 / 25.4)
                by0, by1 = px_y(box.y1 + TICK_REACH_MM * 72 / 25.4), px_y(box.y0 - TICK_REACH_MM * 72 / 25.4)
                inside = (xs_abs >= bx0) & (xs_abs < bx1) & (ys_abs >= by0) & (ys_abs < by1)
                own = inside & (group_col[gid] == names.index("consent"))
                foreign = inside & ~own
                area = own.sum() / mm2
                if foreign.sum() / mm2 >= TICK_MM2:
                    doubts.append("a stroke from another column crosses a consent box")
                # Filled: the box's inside (within its printed outline) is mostly dark.
                ix0, ix1 = px_x(box.x0) + 2, px_x(box.x1) - 2
                iy0, iy1 = px_y(box.y1) + 2, px_y(box.y0) - 2
                inner = img[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0]
                inner_paper = paper[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0]
                filled = inner.size and (inner < 0.6 * inner_paper).mean() >= FILLED_SHARE
                if filled:
                    doubts.append("a filled box (a correction?)")
                elif TICK_DOUBT_MM2 <= area < TICK_MM2:
                    doubts.append(f"a faint mark in a box ({area:.2f} mm²)")
                marks.append(area >= TICK_MM2)
            yes, no = marks
            if yes and no:
                doubts.append("both yes and no ticked")
            if (yes or no) and not signed:
                doubts.append("a box ticked on a row without a signature")
        readings.append(RowReading(rl.number, signed, yes, no, "; ".join(doubts), round(sig_area, 1),
                                   tuple(written)))
    return PageReading(tuple(readings), alignment(warped, template))
