"""Tracked petition URLs and sheet ids (SPEC §4 [petition] tracking, §7).

A sheet id is hashed from what identifies the sheet, so the same inputs give the
same ids run after run; ids are checked for uniqueness within a run.
"""
from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .model import KitConfig

SHEET_ID_LENGTH = 7       # 35 bits of base32: a clash in a 100,000-sheet run is ~1 in 7


def slug(text: str) -> str:
    """'Klass 5B – Lycée' -> 'klass-5b-lycee' (for tracking values and file names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "group"


def sheet_id(*parts: object, length: int = SHEET_ID_LENGTH) -> str:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).digest()
    return base64.b32encode(digest).decode().lower()[:length]


def tracked_url(config: KitConfig, url: str, *, case: str, lang: str, group: str, sheet: str,
                sheet_id: str = "") -> str:
    """`url` with the tracking parameters of one printed sheet; parameters already in it win."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    values = {"section": config.section.short, "year": config.campaign.year, "case": case,
              "lang": lang, "group": group, "sheet": sheet, "sheet_id": sheet_id}
    for key, template in config.petition.tracking.items():
        if key not in present:
            query.append((key, template.format(**values)))
    return urlunsplit(parts._replace(query=urlencode(query, safe="-_.~")))


def short_url(url: str) -> str:
    """What is printed under a QR code: the address without scheme, query or trailing slash."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")
