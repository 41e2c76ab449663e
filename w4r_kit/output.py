"""Write stage: all outputs or none, each replaced atomically (SPEC §9).

Every file is written to a temporary name in its target folder and renamed only
when all of them were written, so a failed or interrupted run never leaves a
half-written PDF, and earlier outputs stay as they were.
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


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write every file or none; return the paths written."""
    for path in files:
        if path.is_dir():             # found now, before anything is written or replaced
            raise _error(path, errno.EISDIR)
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException as exc:      # Ctrl-C too: no temporary file is left behind
        for tmp, _ in temps:
            _remove(tmp)
        if not isinstance(exc, OSError):
            raise
        raise _error(exc.filename or (temps[-1][1].parent if temps else "output folder"), exc.errno,
                     exc.strerror or str(exc)) from None
    return list(files)


def _error(target: Path | str, code: int | None, detail: str = "") -> KitError:
    hint = _HINTS.get(code, detail) if code is not None else detail
    return KitError(Problem(str(target), 0, "", f"cannot write the output: {hint}"))


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
