"""Photos and logos, read once the way the PDF will embed them.

reportlab embeds a plain JPEG as it is, but gets other pixel formats wrong without
a word: a 16-bit PNG prints white, palette transparency prints black, an alpha
channel is dropped. So anything but a plain 8-bit RGB or grey JPEG/PNG is
converted with Pillow (alpha flattened on white unless kept for a logo, CMYK and
16-bit to 8-bit RGB/grey, phone rotation applied), and images far larger than
print needs are scaled down. `validate` and drawing share this loader, so an
image that validates is exactly the image that is drawn.
"""
from __future__ import annotations

import functools
import io
import warnings
from pathlib import Path

MAX_PIXELS = 60_000_000   # refused before decoding: decompression bombs, absurd scans
MAX_SIDE_PX = 2400        # 300 dpi over 200 mm: more than any box in the kit needs
_ORIENTATION = 0x0112     # EXIF tag: how a phone held the camera


class ImageProblem(Exception):
    """An image that cannot be used; the message says what to do."""


def embeddable(path: Path, keep_alpha: bool = False) -> Path | io.BytesIO:
    """`path` itself when reportlab embeds it correctly, else a converted copy in memory.

    Raises ImageProblem for a file that is not a readable image or is too large.
    """
    stat = path.stat()
    data = _converted(str(path), stat.st_mtime_ns, stat.st_size, keep_alpha)
    return path if data is None else io.BytesIO(data)


@functools.lru_cache(maxsize=16)
def _converted(path: str, _mtime: int, _size: int, keep_alpha: bool) -> bytes | None:
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = Path(path).name
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(path)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageProblem(_too_large(name)) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ImageProblem(f"'{name}' is not a readable JPEG or PNG image; export it again as JPEG or PNG") from None
    with img:
        if img.width * img.height > MAX_PIXELS:
            raise ImageProblem(_too_large(name))
        try:
            img.load()        # decode it all now: a truncated file fails here, not mid-build
        except Exception as exc:  # Pillow raises OSError, ValueError, struct.error, ... for damaged data
            raise ImageProblem(f"'{name}' is damaged ({exc}); export it again as JPEG or PNG") from None
        transparent = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
        if (img.format in ("JPEG", "PNG") and img.mode in ("RGB", "L") and not transparent
                and img.getexif().get(_ORIENTATION, 1) == 1 and max(img.size) <= MAX_SIDE_PX):
            return None
        source_format = img.format
        img = ImageOps.exif_transpose(_eight_bit(img))
        if transparent:
            rgba = img.convert("RGBA")
            if keep_alpha:
                img = rgba
            else:             # the page under a photo is white: flatten onto white
                img = Image.new("RGB", rgba.size, "white")
                img.paste(rgba, mask=rgba.getchannel("A"))
        elif img.mode not in ("RGB", "L"):
            img = img.convert("RGB")      # CMYK, YCbCr, bilevel, ...
        if max(img.size) > MAX_SIDE_PX:
            img.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if source_format == "JPEG" and img.mode != "RGBA":
            img.save(out, "JPEG", quality=92)
        else:
            img.save(out, "PNG")          # lossless for logos and graphics
        return out.getvalue()


def _eight_bit(img):
    """16-bit and float greyscale (modes I;16, I, F) scaled to 8-bit 'L'; others unchanged."""
    if not (img.mode.startswith("I") or img.mode == "F"):
        return img
    import numpy as np
    from PIL import Image
    values = np.asarray(img, dtype=np.float64)
    if img.mode != "F":
        values = values / 257         # 0..65535 -> 0..255
    return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))


def _too_large(name: str) -> str:
    return (f"'{name}' has too many pixels (more than {MAX_PIXELS // 1_000_000} million); "
            f"scale it to at most {MAX_SIDE_PX} px on its long side")
