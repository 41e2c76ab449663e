"""The drawing context of one language: configuration, words, fonts, page geometry, styles."""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle

from ..model import KitConfig
from ..strings import Words
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
    primary: Color = field(init=False)
    text: Color = field(init=False)
    styles: dict[str, ParagraphStyle] = field(init=False)
    fitted: dict = field(init=False, default_factory=dict, repr=False)
    """fit_paragraph results: a batch draws the same static texts into every file."""

    def __post_init__(self) -> None:
        self.primary = HexColor(self.config.brand.primary)
        self.text = HexColor(self.config.brand.text)
        self.styles = make_styles(self)

    def date(self, day) -> str:
        return self.words.date(day)
