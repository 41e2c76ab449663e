"""The page's own words (web/words/<lang>.yaml) and the choice of page language.

A page language exists when its words file exists (as for printed words). The
visitor chooses it on the page (?ui=xx, remembered in the session); until then the
browser's Accept-Language decides.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..strings import expand_choices, plural_rule

FALLBACK = "en"


@lru_cache(maxsize=None)
def languages() -> tuple[str, ...]:
    folder = resources.files("w4r_kit.web") / "words"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@lru_cache(maxsize=None)
def words(lang: str) -> dict[str, str]:
    text = (resources.files("w4r_kit.web") / "words" / f"{lang}.yaml").read_text(encoding="utf-8")
    return {k: str(v).strip() for k, v in yaml.safe_load(text).items()}


def _count(value: object) -> float:
    """Pages often pass a count already written for reading ('1 234'): its digits decide."""
    return value if isinstance(value, (int, float)) else int("".join(filter(str.isdigit, str(value))) or 0)


class PageWords:
    """`w.key` or `w("key", n=3)` in templates: the word in the page language; a count chooses
    its form as printed words do ({n, plural, one {# pack} other {# packs}}, CLDR's rule)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._words = words(lang)

    def __call__(self, key: str, **values: object) -> str:
        text = self._words[key]
        if not values:
            return text
        if "," in text:
            rule = plural_rule(self.lang)
            text = expand_choices(text, values, lambda value: rule(_count(value)))
        return text.format(**values)

    def __getattr__(self, key: str) -> str:
        try:
            return self._words[key]
        except KeyError:
            raise AttributeError(key) from None


def from_accept_language(header: str | None, offered: tuple[str, ...]) -> str | None:
    """The best of `offered` for an Accept-Language header ('lb, fr;q=0.8, en;q=0.5')."""
    choices = []
    for n, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in offered and q > 0:
            choices.append((-q, n, primary))
    return min(choices)[2] if choices else None
