"""Where a kit project's files are, and the rule that paths never leave it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import KitError, Problem


@dataclass(frozen=True)
class Project:
    root: Path
    out: Path

    @classmethod
    def at(cls, root: Path | str = ".", out: Path | str | None = None) -> Project:
        root = Path(root).resolve()
        if not (root / "kit.toml").is_file():
            hint = f"run 'w4r-kit init {root}' to create one" if not root.exists() else \
                "point --project at a kit project (a folder with kit.toml), or run 'w4r-kit init DIR'"
            raise KitError(Problem("kit.toml", 0, "", f"no kit.toml in {root}; {hint}"))
        return cls(root, Path(out).resolve() if out else root / "dist")

    @classmethod
    def find(cls, start: Path | str = ".", out: Path | str | None = None) -> Project:
        """The project `start` is in: the nearest of it and the folders above it with a kit.toml,
        so a command run from cases/ or letter_templates/fr/ finds its project."""
        start = Path(start).resolve()
        for folder in (start, *start.parents):
            if (folder / "kit.toml").is_file():
                return cls.at(folder, out)
        raise KitError(Problem("kit.toml", 0, "", f"no kit.toml in {start} or any folder above it; run the "
                               "command inside a kit project, point --project at one, or run 'w4r-kit init DIR'"))

    @property
    def config_file(self) -> Path:
        return self.root / "kit.toml"

    @property
    def cases_dir(self) -> Path:
        return self.root / "cases"

    @property
    def templates_dir(self) -> Path:
        return self.root / "letter_templates"

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


LINK_OUT = "is a link to {target}, outside the project directory; copy the file itself into the project"


def link_out(root: Path, path: Path) -> str | None:
    """A file the project holds by name (a letter template, a words file) that is a symbolic
    link, or lies under one, pointing out of the project: the message; else None."""
    target = path.resolve()
    try:
        target.relative_to(root.resolve())
    except ValueError:
        return LINK_OUT.format(target=target)
    return None


def inside(root: Path, base: Path, value: str, base_name: str = "the project") -> tuple[Path | None, str]:
    """Resolve `value` relative to `base` (called `base_name` in messages); refuse anything
    that ends up outside `root`.

    Returns (path, "") or (None, reason). Symlinks are followed before the check,
    so a link pointing out of the project is refused too. Paths in the reasons are
    relative to the project, normalised.
    """
    if not value.strip():
        return None, "is empty"
    raw = Path(value)
    if raw.is_absolute():
        return None, f"'{value}' is an absolute path; give a path relative to {base_name}"
    resolved = (base / raw).resolve()
    try:
        in_project = resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        if ".." not in raw.parts:       # then a symbolic link on the way points out
            return None, f"'{value}' " + LINK_OUT.format(target=resolved)
        return None, f"'{value}' leads outside the project directory; copy the file into the project"
    if not resolved.exists():
        return None, f"'{value}' does not exist" + (f" (looked for {in_project})" if in_project != value else "")
    if not resolved.is_file():
        return None, f"'{value}' is not a file"
    return resolved, ""
