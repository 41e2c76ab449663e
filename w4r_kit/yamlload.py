"""YAML with line numbers: mappings remember the line of each key.

PyYAML keeps positions only on nodes, so a SafeLoader subclass copies each
key's `start_mark.line + 1` into the constructed mapping (`LineDict.lines`).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems, describe_characters

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    lines: dict[Any, int]
    line: int


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.lines = {}
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice (first on line {out.lines[key]})", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_kind(value: Any) -> str:
    """What YAML read, in the words of whoever wrote the file: 'a date (2024-01-01)', 'nothing'."""
    if value is None:
        return "nothing (an empty value, or ~)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()}; YAML reads unquoted yes, no, on, off that way)"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, dt.datetime):
        return f"a date and time ({value.isoformat(sep=' ')})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__ + f" ({value})"


def not_utf8(raw: bytes, exc: UnicodeDecodeError) -> tuple[str]:
    """The message for a file that is not UTF-8: which byte, and what it likely was."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("is UTF-16 text; save it as UTF-8 (in the editor's 'Save as': encoding UTF-8)",)
    byte = raw[exc.start]
    guess = bytes([byte]).decode("cp1252", errors="replace")
    seen = f" ('{guess}' in Windows-1252 or Latin-1)" if guess.isprintable() and guess != "\ufffd" else ""
    column = exc.start - raw.rfind(b"\n", 0, exc.start)
    return (f"is not UTF-8 text: byte 0x{byte:02X}{seen} at column {column}; save the file as UTF-8",)


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def load_yaml(path: Path, problems: Problems) -> Any:
    """Parse one YAML file; on failure add a problem with its line and return None."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(*not_utf8(raw, exc), path, raw[:exc.start].count(b"\n") + 1)
        return None
    except OSError as exc:
        problems.add(f"cannot be read: {exc.strerror}", path)
        return None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or str(exc)
        if mark and _char_at(text, mark.index) == "\t":
            problems.add("contains a tab character; YAML indents with spaces only: replace the tab by "
                         "spaces", path, line)
            return None
        construct = (exc.context or "").removeprefix("while ").removeprefix("parsing ").removeprefix("scanning ")
        if exc.problem and construct.startswith("a "):
            what += f" in {construct}"
            # An unclosed [ { or quote is only noticed further down: say where it opened.
            if exc.context_mark and exc.context_mark.line + 1 != line:
                what += f" that began on line {exc.context_mark.line + 1}"
        problems.add(f"is not valid YAML: {what} (check indentation, colons and quotes)", path, line)
    except yaml.reader.ReaderError as exc:     # a character YAML does not allow in a file
        line = text[:exc.position].count("\n") + 1
        problems.add(f"contains {describe_characters([chr(exc.character)])}, which YAML does not allow; "
                     "remove it", path, line)
    except yaml.YAMLError as exc:
        problems.add(f"is not valid YAML: {' '.join(str(exc).split())}", path)
    return None
