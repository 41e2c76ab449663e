"""Numbers and plurals as each language writes them (Babel/CLDR): 12 345 / 12,345 / 12.345,
"1 lettre" / "2 lettres". The words live in the strings files as `<key>_one`, `<key>_other`
(and any other CLDR category a language needs); the category is the language's own rule."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

from .strings import Words


@lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def number(words: Words, value: float) -> str:
    """1234.5 -> '1 234,5' (fr), '1,234.5' (en), '1.234,5' (lb); whole numbers without decimals."""
    return format_decimal(value, format="#,##0.##", locale=words.texts["locale"])


def plural_key(words: Words, key: str, n: float) -> str:
    """The `<key>_<category>` of `n` in the language, falling back to `<key>_other`."""
    category = _locale(words.texts["locale"]).plural_form(n)
    candidate = f"{key}_{category}"
    return candidate if candidate in words.texts else f"{key}_other"


def plural(words: Words, key: str, n: float, **values: object) -> str:
    """The plural form of `key` for `n`, with {n} written as the language writes numbers."""
    return words.get(plural_key(words, key, n), n=number(words, n), **values)
