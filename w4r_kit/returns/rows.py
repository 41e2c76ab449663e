"""Reading scans, step 5: what was written in each row.

In: the page warped onto the sheet as printed (trim area, the reader's dpi) and the
template of the issued sheet. Ink = darker than 0.78 x the local paper level on a 1-bit
scan (blurred first), 0.85 x on a grey or colour one (read as it is, so pencil counts), minus
everything printed. Ink is grouped into strokes (pieces cut apart by a printed rule
are joined again) and each stroke group goes to the row that holds most of it:
signatures spill over the rules. Thresholds are the prototype's measurements
(empty cells <= 0.4 mm² of ink, written ones median ~70 mm²).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .ink import INK_RATIO, PALE_INK_RATIO, ink_mask, paper_level, smooth
from .template import Template

WRITTEN_MM2 = 4.0            # a written cell: at least this much ink ...
WRITTEN_SPAN_MM = 3.0        # ... spanning at least this far
PENCIL_MM2 = 8.0             # a signature with less on a 1-bit scan: pencil? -> review
DOUBT_MM2 = 1.5              # between this and WRITTEN_MM2: neither empty nor written -> review
TICK_MM2 = 0.5               # a ticked box
TICK_DOUBT_MM2 = 0.35        # between this and TICK_MM2 -> review (dithered paper leaves < 0.3 mm² near a box)
PALE_TICK_DOUBT_MM2 = 0.1    # ... on a grey scan, where an empty box shows < 0.05 mm² (a pencil tick ~0.3)
TICK_REACH_MM = 1.5          # a tick counts this far outside its box ...
BOX_TOUCH_MM = 0.8           # ... if some of it is this close to the box (its outline's mask is 0.5 mm)
TICK_TOUCH_MM2 = 0.2
FILLED_SHARE = 0.7           # a box's inside this dark: filled in (a correction?) -> review
JOIN_MM = 1.0                # ink this close is one stroke group (bridges a rule and its 0.5 mm mask)
SPLIT_SHARE = 0.15           # a row holding this share of a stroke group (and writing-sized) keeps its part
ALIGN_MIN = 0.75             # share of the sheet's solid black found dark: below, the page does not match


@dataclass(frozen=True)
class RowReading:
    number: int
    signed: bool
    yes: bool
    no: bool
    doubts: tuple[tuple[str, tuple], ...] = ()   # why a person must look: (strings key, values); () = sure
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
        return tuple(r for r in self.rows if r.doubts)


def describe(words, doubt: tuple[str, tuple]) -> str:
    """One doubt in words (a column is named by its printed header)."""
    key, values = doubt
    values = dict(values)
    if "column" in values:
        values["column"] = words.get(f"col_{values['column']}")
    return words.get(key, **values)


def alignment(warped: np.ndarray, paper: np.ndarray, black: np.ndarray) -> float:
    """Share of the sheet's solid black print (the table header, the row numbers' band) that is
    dark on the warped scan: low when the page is not the sheet the code says, or not flat."""
    if not black.any():
        return 1.0
    return float((warped[black] < 0.6 * paper[black]).mean())


def window(template: Template, dpi: float) -> tuple[int, int, int, int]:
    """The part of the warped page the rows are read from (y0, y1, x0, x1 px): the table and
    8 mm around it (row 1 spills into the header, the last row below the table)."""
    lay = template.layout
    s, pad = dpi / 72, int(8 * dpi / 25.4)
    t = lay.trim
    h, w = template.grey.shape
    top, bottom = int(round((t.y1 - lay.table.y1) * s)), int(round((t.y1 - lay.table.y0) * s))
    left, right = int(round((lay.table.x0 - t.x0) * s)), int(round((lay.table.x1 - t.x0) * s))
    return max(0, top - pad), min(h, bottom + pad), max(0, left - pad), min(w, right + pad)


def _areas(keys: np.ndarray, ys: np.ndarray, xs: np.ndarray, mm2: float, px_mm: float, width: int
           ) -> dict[tuple[int, int], tuple[float, float]]:
    """(row, column) -> (ink in mm², extent in mm) for pixels keyed row * width + column
    (negative keys are left out)."""
    found = {}
    keep = keys >= 0
    keys, ys, xs = keys[keep], ys[keep], xs[keep]
    if not len(keys):
        return found
    order = np.argsort(keys, kind="stable")
    k_sorted, ys_o, xs_o = keys[order], ys[order], xs[order]
    starts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])
    ends = np.r_[starts[1:], len(k_sorted)]
    ymin, ymax = np.minimum.reduceat(ys_o, starts), np.maximum.reduceat(ys_o, starts)
    xmin, xmax = np.minimum.reduceat(xs_o, starts), np.maximum.reduceat(xs_o, starts)
    for i, (a, b) in enumerate(zip(starts, ends)):
        found[divmod(int(k_sorted[a]), width)] = ((b - a) / mm2, max(ymax[i] - ymin[i], xmax[i] - xmin[i]) / px_mm)
    return found


def _opening2(mask: np.ndarray) -> np.ndarray:
    """A 2x2 opening: single specks and 1-pixel lines of noise go (numpy shifts, fast)."""
    core = mask[:-1, :-1] & mask[1:, :-1] & mask[:-1, 1:] & mask[1:, 1:]
    out = np.zeros_like(mask)
    out[:-1, :-1] |= core
    out[1:, :-1] |= core
    out[:-1, 1:] |= core
    out[1:, 1:] |= core
    return out


def _grow(mask: np.ndarray) -> np.ndarray:
    """A 3x3 dilation (numpy shifts)."""
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    rows = out.copy()
    out[:, 1:] |= rows[:, :-1]
    out[:, :-1] |= rows[:, 1:]
    return out


def read_rows(warped: np.ndarray, template: Template, dpi: float, greys: bool = False) -> PageReading:
    """Every row of the warped page. With `greys` (a grey or colour scan) the page is read as it
    is, at PALE_INK_RATIO: a pencilled row or a pale biro is read, not sent to review. A 1-bit
    scan is blurred first (dithering becomes grey again) and read at INK_RATIO."""
    lay = template.layout
    s = dpi / 72                                   # px per point
    px_mm = dpi / 25.4
    mm2 = px_mm * px_mm
    t = lay.trim

    def px_x(x: float) -> int:
        return int(round((x - t.x0) * s))

    def px_y(y: float) -> int:                     # y up (points) -> row index (px)
        return int(round((t.y1 - y) * s))

    y0, y1, x0, x1 = window(template, dpi)
    crop = warped[y0:y1, x0:x1]
    img = crop if greys else smooth(crop, px_mm)
    paper = paper_level(crop, px_mm)
    ink = ink_mask(img, paper, PALE_INK_RATIO if greys else INK_RATIO) & ~template.printed[y0:y1, x0:x1]
    ink = _opening2(ink)
    # Stroke groups are found in cells of about JOIN_MM / 2: ink in cells that touch after two
    # cells of growth is one group, so gaps up to about 1.5 x JOIN_MM (a rule and its mask) are bridged.
    k = max(1, int(round(JOIN_MM * px_mm / 2)))
    hk, wk = -(-ink.shape[0] // k), -(-ink.shape[1] // k)
    cellmap = np.zeros((hk * k, wk * k), bool)
    cellmap[:ink.shape[0], :ink.shape[1]] = ink
    cellmap = cellmap.reshape(hk, k, wk, k).any(axis=(1, 3))
    # Strokes are joined across column rules too: a signature's flourish reaching back over
    # the consent boxes, or a town name running on into them, stays that writing's ink.
    groups, n = ndimage.label(_grow(_grow(cellmap)), structure=np.ones((3, 3)))
    ys, xs = np.nonzero(ink)
    gid = groups[ys // k, xs // k]
    ys_abs, xs_abs = ys + y0, xs + x0

    # Rows and columns by position; the last index of each = outside the table body.
    nrows = len(lay.rows)
    names = list(lay.columns)
    ncols = len(names)
    body_top = px_y(lay.header.y0)
    row_edges = np.array([px_y(r.rect.y1) for r in lay.rows] + [px_y(lay.rows[-1].rect.y0)])
    row = np.searchsorted(row_edges, ys_abs, side="right") - 1
    row[(ys_abs < body_top) | (row < 0) | (row >= nrows)] = nrows
    col_edges = np.array([px_x(lay.columns[c][0]) for c in names] + [px_x(lay.columns[names[-1]][1])])
    col = np.searchsorted(col_edges, xs_abs, side="right") - 1
    col[(col < 0) | (col >= ncols)] = ncols

    # Each stroke group goes to the row holding most of its ink (signatures spill over the
    # rules), unless another row holds a large part of it too: two rows' writing that touch.
    counts = np.bincount(gid * (nrows + 1) + row, minlength=(n + 1) * (nrows + 1)).reshape(n + 1, nrows + 1)
    main = counts.argmax(axis=1)
    total = counts.sum(axis=1)
    own = (counts >= WRITTEN_MM2 * mm2 * 1.5) & (counts >= SPLIT_SHARE * total[:, None])
    keep = own[gid, row]
    prow = np.where(keep, row, main[gid])
    ccounts = np.bincount(gid * (ncols + 1) + col, minlength=(n + 1) * (ncols + 1)).reshape(n + 1, ncols + 1)
    group_col = ccounts.argmax(axis=1)

    # Ink per (row, column), by stroke group: area and extent.
    cells = _areas(prow * (ncols + 1) + col, ys_abs, xs_abs, mm2, px_mm, ncols + 1)
    # ... and the part of it from stroke groups that belong to that row first (not split off).
    native = _areas(np.where(main[gid] == prow, prow * (ncols + 1) + col, -1), ys_abs, xs_abs, mm2, px_mm,
                    ncols + 1)
    # Ink physically in the middle half of each row's cells, whoever's strokes: a signature
    # joined to its neighbours' still fills the middle of its own row; a spill seldom does.
    row_top = np.r_[row_edges[:-1], row_edges[-1]][np.minimum(row, nrows - 1)]
    row_h = (row_edges[-1] - row_edges[0]) / nrows
    middle = (row < nrows) & (np.abs((ys_abs - row_top) / row_h - 0.5) <= 0.25)
    centre = _areas(np.where(middle, row * (ncols + 1) + col, -1), ys_abs, xs_abs, mm2, px_mm, ncols + 1)
    # A neighbour's signature reaching into a row (a loop's end, an underline): strokes that
    # belong to the row above or below and stay, here, in the half of this row next to theirs.
    # What is left of a row without them tells an empty row from one with writing of its own.
    holds = counts >= WRITTEN_MM2 * mm2 * 1.5               # (group, row): the row has writing of that group
    holds[np.arange(n + 1), main] = True
    holds = np.pad(holds, ((0, 0), (1, 1)))                 # rows -1 and nrows + 1: never
    depth = (ys_abs - row_top) / row_h                      # 0 at the row's top rule, 1 at its bottom
    inside = row < nrows
    from_above, from_below = holds[gid, row], holds[gid, row + 2]
    reaching = inside & (main[gid] != row) & (from_above | from_below)
    shallow = reaching & ((from_above & (depth < 0.5)) | (from_below & (depth > 0.5)))
    deep = reaching & ~shallow
    deep_in = np.bincount(gid[deep] * (nrows + 1) + row[deep], minlength=(n + 1) * (nrows + 1))
    intrusion = shallow & (deep_in[gid * (nrows + 1) + row] == 0)
    rest = _areas(np.where((row < nrows) & ~intrusion, row * (ncols + 1) + col, -1), ys_abs, xs_abs, mm2,
                  px_mm, ncols + 1)

    prow2d = np.full(ink.shape, -1, np.int16)
    prow2d[ys, xs] = prow
    gcol2d = np.full(ink.shape, -1, np.int16)
    gcol2d[ys, xs] = group_col[gid]
    consent_col = names.index("consent") if "consent" in names else -1
    reach = TICK_REACH_MM * 72 / 25.4
    tick_doubt = PALE_TICK_DOUBT_MM2 if greys else TICK_DOUBT_MM2

    readings = []
    for r, rl in enumerate(lay.rows):
        written, doubts = [], []
        sig_area = 0.0
        for c, name in enumerate(names):
            if name in ("number", "consent"):
                continue
            area, span = cells.get((r, c), (0.0, 0.0))
            if area >= WRITTEN_MM2 and span >= WRITTEN_SPAN_MM:
                written.append(name)
            elif area >= DOUBT_MM2:
                doubts.append(("scan_doubt_ink", (("column", name), ("area", f"{area:.1f}"))))
            if name == "signature":
                sig_area = area
        signed = "signature" in written
        if "signature" in names:
            c = names.index("signature")
            area, span = centre.get((r, c), (0.0, 0.0))
            mid_written = area >= WRITTEN_MM2 and span >= WRITTEN_SPAN_MM
            if not signed and mid_written and written:
                signed = True                          # strokes joined to a neighbour's signature
                written.append("signature")
                doubts = [d for d in doubts if dict(d[1]).get("column") != "signature"]
                sig_area = max(sig_area, area)
            elif not signed and mid_written:
                doubts.append(("scan_doubt_spill", ()))
            own_area, own_span = native.get((r, c), (0.0, 0.0))
            own_strokes = own_area >= WRITTEN_MM2 and own_span >= WRITTEN_SPAN_MM   # not a neighbour's
            if not signed and written:
                doubts.append(("scan_doubt_unsigned", ()))
            elif signed and len(written) == 1 and len(names) > 3:
                if not mid_written and not own_strokes:
                    signed = False                     # only a neighbour's flourish crossing the rule
                    written.remove("signature")
                else:
                    doubts.append(("scan_doubt_lonely", ()))
            if written in ([], ["signature"]) and rest.get((r, c), (0.0, 0.0))[0] < DOUBT_MM2:
                # Nothing else written, and the signature cell's ink is only a neighbour's reaching
                # in: an empty row.
                signed = False
                written = []
                doubts = [d for d in doubts if d[0] not in ("scan_doubt_spill", "scan_doubt_lonely")
                          and dict(d[1]).get("column") != "signature"]
            if signed and not greys and sig_area < PENCIL_MM2:
                # A pen signature leaves >= 8 mm² on a 1-bit scan; less is a pencil that half
                # vanished, and the row's ticks may have gone with it.
                doubts.append(("scan_doubt_ink", (("column", "signature"), ("area", f"{sig_area:.1f}"))))
            if signed and len(written) > 1 and own_strokes:
                # Signed, with strokes of its own, beside a clear entry: a faint word elsewhere in
                # the row (a short age) changes no count. (Faint words beside a neighbour's dipping
                # signature may be a pencilled row whose ticks faded too: those are looked at.)
                doubts = [d for d in doubts if d[0] != "scan_doubt_ink" or dict(d[1])["column"] == "signature"]
        yes = no = False
        if lay.consent and rl.yes is not None:
            marks = []
            for box in (rl.yes, rl.no):
                bx0, bx1 = px_x(box.x0 - reach) - x0, px_x(box.x1 + reach) - x0
                by0, by1 = px_y(box.y1 + reach) - y0, px_y(box.y0 - reach) - y0
                region = prow2d[by0:by1, bx0:bx1]
                gcols = gcol2d[by0:by1, bx0:bx1]
                inked = region >= 0
                own = inked & (region == r) & (gcols == consent_col)
                # A signature's flourish may reach past its column: it only matters inside the box.
                inside = (slice(int(round(reach * s)), -int(round(reach * s)) or None),) * 2
                foreign = (inked[inside] & (gcols[inside] != consent_col)).sum() / mm2
                # A tick touches its box; ink only beside it (a flourish's tail) is not a tick.
                near = int(round((reach - BOX_TOUCH_MM * 72 / 25.4) * s))
                touching = own[(slice(near, -near or None),) * 2].sum() / mm2
                area = own.sum() / mm2 if touching >= TICK_TOUCH_MM2 else 0.0
                if touching < TICK_TOUCH_MM2 and own.sum() / mm2 >= TICK_MM2:
                    doubts.append(("scan_doubt_faint", (("area", f"{own.sum() / mm2:.2f}"),)))
                if foreign >= TICK_MM2:
                    doubts.append(("scan_doubt_foreign", ()))
                # Filled: the box's inside (within its printed outline) is mostly dark.
                ix0, ix1 = px_x(box.x0) + 2 - x0, px_x(box.x1) - 2 - x0
                iy0, iy1 = px_y(box.y1) + 2 - y0, px_y(box.y0) - 2 - y0
                inner = img[iy0:iy1, ix0:ix1]
                inner_paper = paper[iy0:iy1, ix0:ix1]
                filled = inner.size and (inner < 0.6 * inner_paper).mean() >= FILLED_SHARE
                if filled:
                    doubts.append(("scan_doubt_filled", ()))
                elif tick_doubt <= area < TICK_MM2:
                    doubts.append(("scan_doubt_faint", (("area", f"{area:.2f}"),)))
                if area:
                    # A tick stays near its box; a stroke reaching the row's rules came from elsewhere
                    # (a signature's tail cut off by the column's rule).
                    row_top, row_bottom = px_y(rl.rect.y1), px_y(rl.rect.y0)
                    for g in np.unique(groups[by0 // k:by1 // k + 1, bx0 // k:bx1 // k + 1]):
                        if g and group_col[g] == consent_col and main[g] == r:
                            gy = ys_abs[gid == g]
                            if gy.min() <= row_top + px_mm or gy.max() >= row_bottom - px_mm:
                                doubts.append(("scan_doubt_foreign", ()))
                marks.append(bool(area >= TICK_MM2))
            yes, no = marks
            if yes and no:
                doubts.append(("scan_doubt_both", ()))
            if (yes or no) and not signed:
                doubts.append(("scan_doubt_tick_unsigned", ()))
        readings.append(RowReading(rl.number, signed, yes, no, tuple(dict.fromkeys(doubts)), round(float(sig_area), 1),
                                   tuple(written)))
    return PageReading(tuple(readings), alignment(img, paper, template.black[y0:y1, x0:x1]))
