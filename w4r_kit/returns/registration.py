"""Reading scans, step 2: which code is on the page, and where the page is.

Pure functions on arrays. In: a greyscale page image (numpy uint8, any resolution,
any of the four orientations within a few degrees). Out: the machine code's text and
a homography from the sheet's PDF points to image pixels, fitted on the four
registration squares (the code's corners give the first guess of where to look).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from ..layout.scan_marks import Rect, parse_payload

MM = 72 / 25.4                       # points per millimetre
MARK_SEARCH_MM = 9.0                 # half-width of the window a square is looked for in
MARK_AREA_RANGE = (0.45, 1.8)        # area of a found square / expected (blur, 1-bit, scale 0.96-1.02)
MARK_MIN_FILL = 0.72                 # of its bounding box: a solid square, not a QR finder ring or text
CODE_AGREEMENT_MM = 2.0              # code corners vs the fitted transform: more = the page is not flat/read


@dataclass(frozen=True)
class Code:
    text: str
    kind: str                        # "sheet" | "master"
    key: str                         # the sheet id, or the master key
    corners: np.ndarray              # (4, 2) image px: symbol's top-left, top-right, bottom-right, bottom-left
    orientation: int


@dataclass(frozen=True)
class Registration:
    homography: np.ndarray           # 3x3: PDF points (x, y up, page coordinates) -> image px
    marks_found: int
    code_error_mm: float             # code corners against the fitted transform
    scale: float                     # image px per point, measured


def read_codes(image: np.ndarray) -> tuple[list[Code], int]:
    """Our machine codes on the page, and how many other QR codes it has (petition codes)."""
    import zxingcpp
    found, others = [], 0
    for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        parsed = parse_payload(r.text)
        if parsed is None:
            others += 1
            continue
        p = r.position
        corners = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                            [p.bottom_right.x, p.bottom_right.y], [p.bottom_left.x, p.bottom_left.y]], float)
        found.append(Code(r.text, parsed[0], parsed[1], corners, int(r.orientation)))
    return found, others


def code_points(code_rect: Rect) -> np.ndarray:
    """The symbol's corners in PDF points, in zxing's order (top-left, top-right, bottom-right, bottom-left).

    zxing reports the corners of the outermost modules' centres' outline, about half a
    module inside the symbol's edge on each side; measured at 150-600 dpi: 0.5 module.
    """
    inset = 0.0
    r = code_rect
    return np.array([[r.x0 + inset, r.y1 - inset], [r.x1 - inset, r.y1 - inset],
                     [r.x1 - inset, r.y0 + inset], [r.x0 + inset, r.y0 + inset]], float)


def fit_homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares homography (normalised DLT) mapping src (n, 2) onto dst (n, 2), n >= 4."""
    def normaliser(pts: np.ndarray) -> np.ndarray:
        c = pts.mean(axis=0)
        d = np.sqrt(((pts - c) ** 2).sum(axis=1)).mean() or 1.0
        s = np.sqrt(2) / d
        return np.array([[s, 0, -s * c[0]], [0, s, -s * c[1]], [0, 0, 1]])
    ts, td = normaliser(src), normaliser(dst)
    a = apply(ts, src)
    b = apply(td, dst)
    rows = []
    for (x, y), (u, v) in zip(a, b):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, _, vt = np.linalg.svd(np.asarray(rows))
    h = vt[-1].reshape(3, 3)
    h = np.linalg.inv(td) @ h @ ts
    return h / h[2, 2]


def fit_affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares affine map as a 3x3 matrix (n >= 3 points)."""
    a = np.hstack([src, np.ones((len(src), 1))])
    m, *_ = np.linalg.lstsq(a, dst, rcond=None)
    return np.vstack([m.T, [0, 0, 1]])


def apply(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.hstack([pts, np.ones((len(pts), 1))]) @ h.T
    return p[:, :2] / p[:, 2:3]


def find_square(image: np.ndarray, centre: np.ndarray, side_px: float, search_px: float) -> np.ndarray | None:
    """The centroid (image px) of the solid dark square nearest `centre`, or None."""
    h, w = image.shape
    x0, y0 = int(max(0, centre[0] - search_px)), int(max(0, centre[1] - search_px))
    x1, y1 = int(min(w, centre[0] + search_px)), int(min(h, centre[1] + search_px))
    if x1 - x0 < side_px or y1 - y0 < side_px:
        return None
    window = image[y0:y1, x0:x1].astype(np.float32)
    paper = np.percentile(window, 90)
    dark = window < paper * 0.5
    labels, n = ndimage.label(dark)
    if n == 0:
        return None
    expected = side_px * side_px
    best, best_d = None, None
    slices = ndimage.find_objects(labels)
    areas = ndimage.sum_labels(dark, labels, index=np.arange(1, n + 1))
    for i, sl in enumerate(slices):
        area = areas[i]
        if not (MARK_AREA_RANGE[0] * expected <= area <= MARK_AREA_RANGE[1] * expected):
            continue
        ys, xs = sl
        bh, bw = ys.stop - ys.start, xs.stop - xs.start
        if ys.start == 0 or xs.start == 0 or ys.stop == dark.shape[0] or xs.stop == dark.shape[1]:
            continue                         # cut by the window: a band, a table header, a lid strip
        if max(bh, bw) > 1.6 * side_px or min(bh, bw) < 0.6 * side_px:
            continue
        # Rotated by a few degrees, a square still fills most of its bounding box.
        if area / (bh * bw) < MARK_MIN_FILL:
            continue
        cy, cx = ndimage.center_of_mass(dark[sl], labels[sl], i + 1)
        c = np.array([x0 + xs.start + cx + 0.5, y0 + ys.start + cy + 0.5])
        d = float(np.hypot(*(c - centre)))
        if best_d is None or d < best_d:
            best, best_d = c, d
    return best


def register(image: np.ndarray, code: Code, code_rect: Rect, marks: tuple[Rect, ...]) -> Registration | None:
    """Fit PDF points -> image px from the code and the registration squares; None if fewer than
    three squares are found where the code says they should be."""
    code_pts = code_points(code_rect)
    guess = fit_affine(code_pts, code.corners)
    scale = float(np.sqrt(abs(np.linalg.det(guess[:2, :2]))))          # px per point
    side = 5.0 * MM * scale
    centres = np.array([m.centre for m in marks])
    code_centre = code_pts.mean(axis=0)
    order = np.argsort(np.hypot(*(centres - code_centre).T))           # nearest first: least uncertain
    found: dict[int, np.ndarray] = {}
    for i in order:
        src = np.vstack([code_pts, *(centres[j][None] for j in found)])
        dst = np.vstack([code.corners, *(found[j][None] for j in found)])
        model = fit_affine(src, dst)
        predicted = apply(model, centres[i][None])[0]
        hit = find_square(image, predicted, side, MARK_SEARCH_MM * MM * scale + side / 2)
        if hit is not None:
            found[i] = hit
    if len(found) < 3:
        return None
    idx = sorted(found)
    src = centres[idx]
    dst = np.array([found[i] for i in idx])
    if len(found) == 4:
        h = fit_homography(src, dst)
    else:                                    # three squares: an affine map, the code confirms it
        h = fit_affine(src, dst)
    error_px = np.hypot(*(apply(h, code_pts) - code.corners).T).max()
    return Registration(h, len(found), float(error_px / scale / MM), scale)


def warp(image: np.ndarray, h: np.ndarray, trim: Rect, dpi: float,
         window: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """The trimmed page as it was printed, at `dpi`: each output pixel looked up in the scan.
    With `window` (y0, y1, x0, x1 px), only that part is looked up; the rest stays white."""
    from PIL import Image
    s = dpi / 72
    width, height = int(round(trim.width * s)), int(round(trim.height * s))
    y0, y1, x0, x1 = window or (0, height, 0, width)
    # output position (u, v; Pillow passes pixel centres) -> page points (x, y up) -> image position
    a = np.array([[1 / s, 0, trim.x0 + x0 / s], [0, -1 / s, trim.y1 - y0 / s], [0, 0, 1]])
    m = h @ a
    m = m / m[2, 2]
    coeffs = (m[0, 0], m[0, 1], m[0, 2], m[1, 0], m[1, 1], m[1, 2], m[2, 0], m[2, 1])
    out = Image.fromarray(image).transform((x1 - x0, y1 - y0), Image.Transform.PERSPECTIVE, coeffs,
                                           Image.Resampling.BILINEAR, fillcolor=255)
    if window is None:
        return np.asarray(out)
    page = np.full((height, width), 255, np.uint8)
    page[y0:y1, x0:x1] = np.asarray(out)
    return page
