"""Fonts: the default typeface from an installed font package, or the section's own.

The default is Noto Sans from the `fontpkg-noto-sans` wheel (OFL; Latin Extended,
Vietnamese, Cyrillic). The wheel holds only a variable font and reportlab draws
only its default instance, so static Regular and Bold instances are made once
with fontTools and cached. reportlab draws a missing glyph as nothing, so every
text is checked against the fonts' character maps before it is drawn.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REGULAR, BOLD = "W4R-Regular", "W4R-Bold"
_WEIGHTS = {"Regular": 400, "Bold": 700}


def cache_dir() -> Path:
    root = os.environ.get("W4R_KIT_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "w4r-kit" if not os.environ.get("W4R_KIT_CACHE") else Path(root)


@functools.cache
def _variable_font() -> tuple[Path, str]:
    """The packaged variable font and the tag of its cached instances (package metadata is
    slow to look up, and every load of a project asks)."""
    import fontpkg
    source = Path(fontpkg.path("noto-sans"))
    versions = "-".join(importlib.metadata.version(p) for p in ("fontpkg-noto-sans", "fonttools"))
    return source, hashlib.sha1(f"{source.name}-{versions}".encode()).hexdigest()[:10]


def _static_instance(style: str) -> Path:
    """A static TrueType instance of the packaged Noto Sans variable font, cached."""
    source, tag = _variable_font()
    target = cache_dir() / f"NotoSans-{style}-{tag}.ttf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer
    font = instancer.instantiateVariableFont(
        TTFont(source), {"wght": _WEIGHTS[style], "wdth": 100}, updateFontNames=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: two processes building at once must not read half a font.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    font.save(tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target


def default_font_files() -> tuple[Path, Path]:
    return _static_instance("Regular"), _static_instance("Bold")


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    cmap: frozenset[int]
    """Code points that both faces can draw."""

    def missing(self, text: str) -> list[str]:
        """Characters of `text` the fonts cannot draw (spaces and soft hyphens need no glyph).

        Control characters count as missing even where a font maps them (U+0000 often is):
        they print as nothing.
        """
        found = _missing_seen.get((self.cmap, text))   # the same texts are checked at every load
        if found is None:
            found = [ch for ch in dict.fromkeys(text)        # each character once, in order
                     if not (ch.isspace() or ch in "\u00ad\u200b")
                     and (ord(ch) not in self.cmap or unicodedata.category(ch) == "Cc")]
            if len(_missing_seen) > 50_000:                 # bounded: a long-running server
                _missing_seen.clear()
            _missing_seen[self.cmap, text] = found
        return list(found)


_missing_seen: dict[tuple[frozenset[int], str], list[str]] = {}


_registered: dict[tuple[str, str], Fonts] = {}


def load_fonts(regular: Path | None = None, bold: Path | None = None) -> Fonts:
    """Register the fonts with reportlab (once per process) and return their names."""
    from reportlab.pdfbase import pdfmetrics
    from ..subset_tags import TaggedTTFont as TTFont    # subset tags that differ between files

    if regular is None or bold is None:
        default_regular, default_bold = default_font_files()
        regular, bold = regular or default_regular, bold or default_bold
    key = (str(regular), str(bold))
    if key in _registered:
        return _registered[key]
    suffix = hashlib.sha1("|".join(key).encode()).hexdigest()[:8]
    names = (f"{REGULAR}-{suffix}", f"{BOLD}-{suffix}")
    faces = []
    for name, path in zip(names, (regular, bold)):
        font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        faces.append(set(font.face.charToGlyph))
    fonts = Fonts(names[0], names[1], frozenset(faces[0] & faces[1]))
    _registered[key] = fonts
    return fonts
