"""Write stage: all outputs or none, each replaced atomically (SPEC §9).

Files are staged under temporary names in their target folder (written as soon as
they are rendered, so a batch of thousands of pages never sits in memory) and
renamed only when every one was written. A failed or interrupted run leaves no
half-written PDF and no temporary file, and earlier outputs stay as they were.

Each output folder keeps a record of what the tool wrote there (RECORD: `sha256sum`
format). A run that replaces a folder's outputs removes, on commit only, the files an
earlier run recorded that this run does not write, and only while they are unchanged:
a file the tool did not write, or one edited since, is never removed.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from .errors import KitError, Problem

_HINTS = {errno.ENOSPC: "the disk is full; free some space and run again",
          errno.EDQUOT: "disk quota exceeded; free some space and run again",
          errno.EACCES: "permission denied; choose another --out folder",
          errno.EPERM: "permission denied; choose another --out folder",
          errno.EROFS: "the folder is read-only; choose another --out folder",
          errno.ENOTDIR: "a part of the path is a file, not a folder; choose another --out folder",
          errno.EISDIR: "a folder is in the way of the output file; move it or choose another --out folder",
          errno.ENOENT: "the folder cannot be created there; choose another --out folder"}


RECORD = ".w4r-kit.sha256"       # per output folder: "<sha256>  <file name>" per file the tool wrote
_RECORD_LINE = re.compile(r"^([0-9a-f]{64})  ([^/\\]+)$")


class Staging:
    """Temporary files that become the outputs on `commit`, or vanish on `abort`.

    Used as a context manager, any exception (Ctrl-C too) removes what was staged.
    """

    def __init__(self) -> None:
        self._temps: list[tuple[str, Path]] = []
        self._digests: dict[Path, str] = {}
        self._stale: list[Path] = []
        self.removed: list[Path] = []
        """Earlier outputs removed by `commit` (see `replace_folder`)."""
        self.kept: list[Path] = []
        """Earlier outputs that would have been removed but were changed since they were written."""
        self.files: list[Path] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

    def add(self, path: Path, data: bytes) -> None:
        if any(target == path for _, target in self._temps):
            raise ValueError(f"two outputs would be written to {path}")
        if path.is_dir():                 # found now, before anything is replaced
            raise _error(path, errno.EISDIR)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            self._temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            self._digests[path] = hashlib.sha256(data).hexdigest()
        except OSError as exc:
            self.abort()
            raise _error(exc.filename or path.parent, exc.errno, exc.strerror or str(exc)) from None

    def record(self, folder: Path, stale: Callable[[str], bool] = lambda name: False,
               listed_before: Iterable[str] = ()) -> None:
        """Stage `folder`'s record of the files the tool wrote there, and mark for removal on
        commit the files an earlier run wrote there that this run does not write and for which
        `stale(name)` is true. Call after every file of `folder` was added.

        `listed_before`: names an earlier run is known to have written without a record of
        them (the packs an older manifest lists); they are removed if `stale` too.
        """
        folder = folder.resolve()
        written = {path.name: digest for path, digest in self._digests.items() if path.parent.resolve() == folder}
        before = read_record(folder)
        for name in listed_before:
            if _RECORD_LINE.match("0" * 64 + "  " + name):
                before.setdefault(name, None)
        entries = dict(written)
        for name, digest in before.items():
            path = folder / name
            if name in written or name == RECORD or not path.is_file() or path.is_symlink():
                continue
            unchanged = digest is None or _digest(path) == digest
            if stale(name) and unchanged:
                self._stale.append(path)
            elif stale(name):
                self.kept.append(path)
            elif digest is not None and unchanged:
                entries[name] = digest          # still the tool's, from an earlier run
        text = "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))
        self.add(folder / RECORD, text.encode("utf-8"))

    def commit(self) -> list[Path]:
        try:
            for tmp, path in self._temps:
                os.replace(tmp, path)
        except OSError as exc:
            self.abort()
            raise _error(exc.filename or "output folder", exc.errno, exc.strerror or str(exc)) from None
        # Only now that every new file is in place do the ones they replace go.
        for path in self._stale:
            try:
                path.unlink()
                self.removed.append(path)
            except FileNotFoundError:
                pass
            except OSError:
                self.kept.append(path)
        done = [path for _, path in self._temps if path.name != RECORD]
        self._temps, self._stale = [], []
        return done

    def abort(self) -> None:
        for tmp, _ in self._temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self._temps = []


def kept_warnings(staging: Staging, rel: Callable[[Path], str]) -> list[Problem]:
    """A warning for each earlier output left in place because it was changed since."""
    return [Problem(rel(path), 0, "", "left in place: an earlier run wrote it, but it was changed since; delete "
                    "it if it is no longer needed", warning=True) for path in staging.kept]


def read_record(folder: Path) -> dict[str, str | None]:
    """name -> sha256 of the files the tool wrote in `folder`, from its record ({} if none)."""
    try:
        lines = (folder / RECORD).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    return {m[2]: m[1] for m in map(_RECORD_LINE.match, lines) if m and m[2] not in (".", "..")}


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write every file or none; return the paths written."""
    return write_outputs(files).files


def write_outputs(files: dict[Path, bytes], stale: Callable[[str], bool] = lambda name: False) -> Staging:
    """Write every file or none. Each folder's record is updated; earlier outputs for which
    `stale(name)` is true are removed once all are written. Returns the committed staging:
    `.files`, `.removed`, `.kept`."""
    with Staging() as staging:
        for path in files:
            if path.is_dir():
                raise _error(path, errno.EISDIR)
        for path, data in files.items():
            staging.add(path, data)
        for folder in sorted({path.parent for path in files}):
            staging.record(folder, stale)
        staging.files = staging.commit()
        return staging


def _error(target: Path | str, code: int | None, detail: str = "") -> KitError:
    hint = _HINTS.get(code, detail) if code is not None else detail
    return KitError(Problem(str(target), 0, "", f"cannot write the output: {hint}"))
