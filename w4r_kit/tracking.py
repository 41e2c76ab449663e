"""Tracked petition URLs and sheet ids (SPEC §4 [petition] tracking, §7).

A sheet id is hashed from what identifies the sheet, so the same inputs give the
same ids run after run; ids are checked for uniqueness within a run.
"""
from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from typing import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .model import KitConfig

SHEET_ID_LENGTH = 7       # 35 bits of base32: a clash in a 100,000-sheet run is ~1 in 7


def slug(text: str) -> str:
    """'Klass 5B – Lycée' -> 'klass-5b-lycee', 'Класс 5Б' -> 'klass-5b', 'Σχολείο' -> 'scholeio'
    (for tracking values, file names and group ids)."""
    return re.sub(r"[^a-z0-9]+", "-", "".join(map(_ascii, text)).lower()).strip("-") or "group"


def _ascii(ch: str) -> str:
    """A character in ASCII: its accents dropped (é -> e, ë -> e: the slugs of Latin names never
    change), a letter or digit with no ASCII base transliterated (Ш -> Sh, ß -> ss, ø -> o,
    Œ -> OE), anything else (dashes, quotes, symbols) dropped."""
    decomposed = unicodedata.normalize("NFKD", ch)
    if all(c.isascii() or unicodedata.combining(c) for c in decomposed):
        return decomposed.encode("ascii", "ignore").decode()
    if unicodedata.category(ch)[0] in "LN":
        from anyascii import anyascii
        return anyascii(ch)
    return ""


def sheet_id(*parts: object, length: int = SHEET_ID_LENGTH) -> str:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).digest()
    return base64.b32encode(digest).decode().lower()[:length]


class SheetIds:
    """Sheet ids unique within one run: a rare hash clash is settled by rehashing with a
    counter, in input order, so the same inputs still give the same ids."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def make(self, *parts: object) -> str:
        sid, n = sheet_id(*parts), 0
        while sid in self.seen:
            n += 1
            sid = sheet_id(*parts, n)
        self.seen.add(sid)
        return sid


def tracker(config: KitConfig, url: str, *, case: str, lang: str, group: str) -> Callable[[str, str], str]:
    """A function (sheet, sheet_id) -> the tracked URL of that sheet; the URL is parsed once."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    fixed = {"section": config.section.short, "year": config.campaign.year, "case": case, "lang": lang,
             "group": group}
    added = [(key, template) for key, template in config.petition.tracking.items() if key not in present]
    head = urlunsplit(parts._replace(query="", fragment=""))
    fragment = f"#{parts.fragment}" if parts.fragment else ""

    # Encode what is the same for every sheet once: this runs for every sheet of a batch.
    pairs: list[str | tuple[str, str]] = [urlencode([pair], safe="-_.~") for pair in query]
    for key, template in added:
        if "{sheet" in template:
            pairs.append((key, template))
        else:
            pairs.append(urlencode([(key, template.format(**fixed, sheet="", sheet_id=""))], safe="-_.~"))

    def url_for(sheet: str, sheet_id: str = "") -> str:
        values = dict(fixed, sheet=sheet, sheet_id=sheet_id)
        q = "&".join(p if isinstance(p, str) else urlencode([(p[0], p[1].format(**values))], safe="-_.~")
                     for p in pairs)
        return f"{head}?{q}{fragment}" if q else head + fragment

    return url_for


def tracked_url(config: KitConfig, url: str, *, case: str, lang: str, group: str, sheet: str,
                sheet_id: str = "") -> str:
    """`url` with the tracking parameters of one printed sheet; parameters already in it win."""
    return tracker(config, url, case=case, lang=lang, group=group)(sheet, sheet_id)


def short_url(url: str) -> str:
    """What is printed under a QR code: the address without scheme, query or trailing slash."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")
