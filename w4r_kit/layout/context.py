"""The drawing context of one language: configuration, words, fonts, page geometry, styles."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle

from ..model import KitConfig
from ..strings import Words, package_typography
from ..typography import Typography
from .fonts import Fonts
from .grid import Geometry
from .typescale import make_styles


@dataclass
class Context:
    """Everything an artefact needs to draw in one language."""

    config: KitConfig
    words: Words
    fonts: Fonts
    geometry: Geometry
    lang: str
    names: tuple[str, ...] = ()
    """Proper names from the kit's data (people, places, countries, organisations): a line
    never breaks inside one (SPEC §14)."""
    others: Callable[[str], Typography] | None = field(default=None, repr=False)
    """The typography of another language as the kit prints it (Kit.typography)."""
    primary: Color = field(init=False)
    text: Color = field(init=False)
    styles: dict[str, ParagraphStyle] = field(init=False)
    fitted: dict = field(init=False, default_factory=dict, repr=False)
    """fit_paragraph results: a batch draws the same static texts into every file."""

    def __post_init__(self) -> None:
        self.primary = HexColor(self.config.brand.primary)
        self.text = HexColor(self.config.brand.text)
        self.styles = make_styles(self)
        self._names = _names_pattern(self.names)

    def protect(self, text: str) -> str:
        """`text` with no-break spaces inside every proper name it contains."""
        if self._names is None:
            return text
        return self._names.sub(lambda m: m[0].replace(" ", "\u00a0"), text)

    def date(self, day) -> str:
        return self.words.date(day)

    def typography(self, lang: str) -> Typography:
        """How a text in `lang` is printed: this language's words, else the kit's words or the
        project's words file of `lang` (never the package's alone, which a new language lacks)."""
        if lang == self.lang:
            return self.words.typography
        return self.others(lang) if self.others is not None else package_typography(lang)


NAME_MAX_CHARS = 40      # a longer "name" (a whole address line) may still wrap


@lru_cache(maxsize=16)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    spaced = sorted({n.strip() for n in names if " " in n.strip() and len(n.strip()) <= NAME_MAX_CHARS},
                    key=len, reverse=True)
    if not spaced:
        return None
    return re.compile("|".join(r"\s+".join(map(re.escape, n.split())) for n in spaced))
