"""Lay-out helper: group names as the results print them (tables, lists, certificates)."""
from __future__ import annotations


def keep_tail(name: str) -> str:
    """Bind a short last word (and a dash before it) to the word before, so a name never ends
    a line on a dash or leaves "5B" alone on the last line: "Lycée Aline / Mayrisch – 5B"."""
    words = name.split(" ")
    if len(words) < 3 or len(words[-1]) > 4:
        return name
    tail = 3 if words[-2] in ("–", "—", "-") and len(words) > 3 else 2
    return " ".join(words[:-tail]) + " " + "\u00a0".join(words[-tail:])
