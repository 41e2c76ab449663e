"""Write stage: all outputs or none, each replaced atomically (SPEC §9).

Files are staged under temporary names in their target folder (written as soon as
they are rendered, so a batch of thousands of pages never sits in memory) and
renamed only when every one was written. A failed or interrupted run leaves no
half-written PDF and no temporary file, and earlier outputs stay as they were.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import KitError, Problem

_HINTS = {errno.ENOSPC: "the disk is full; free some space and run again",
          errno.EDQUOT: "disk quota exceeded; free some space and run again",
          errno.EACCES: "permission denied; choose another --out folder",
          errno.EPERM: "permission denied; choose another --out folder",
          errno.EROFS: "the folder is read-only; choose another --out folder",
          errno.ENOTDIR: "a part of the path is a file, not a folder; choose another --out folder",
          errno.EISDIR: "a folder is in the way of the output file; move it or choose another --out folder",
          errno.ENOENT: "the folder cannot be created there; choose another --out folder"}


class Staging:
    """Temporary files that become the outputs on `commit`, or vanish on `abort`.

    Used as a context manager, any exception (Ctrl-C too) removes what was staged.
    """

    def __init__(self) -> None:
        self._temps: list[tuple[str, Path]] = []

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
        except OSError as exc:
            self.abort()
            raise _error(exc.filename or path.parent, exc.errno, exc.strerror or str(exc)) from None

    def commit(self) -> list[Path]:
        try:
            for tmp, path in self._temps:
                os.replace(tmp, path)
        except OSError as exc:
            self.abort()
            raise _error(exc.filename or "output folder", exc.errno, exc.strerror or str(exc)) from None
        done = [path for _, path in self._temps]
        self._temps = []
        return done

    def abort(self) -> None:
        for tmp, _ in self._temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self._temps = []


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write every file or none; return the paths written."""
    with Staging() as staging:
        for path in files:
            if path.is_dir():
                raise _error(path, errno.EISDIR)
        for path, data in files.items():
            staging.add(path, data)
        return staging.commit()


def _error(target: Path | str, code: int | None, detail: str = "") -> KitError:
    hint = _HINTS.get(code, detail) if code is not None else detail
    return KitError(Problem(str(target), 0, "", f"cannot write the output: {hint}"))
