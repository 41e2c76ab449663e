"""YAML with line numbers: mappings remember the line of each key.

PyYAML keeps positions only on nodes, so a SafeLoader subclass copies each
key's `start_mark.line + 1` into the constructed mapping (`LineDict.lines`).
"""
from __future__ import annotations

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


def load_yaml(path: Path, problems: Problems) -> Any:
    """Parse one YAML file; on failure add a problem with its line and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8", path)
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
