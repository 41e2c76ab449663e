"""A real PostgreSQL server for the tests: $W4R_KIT_TEST_PG (a URL of a role that may create
databases) when set, else a
throw-away cluster started here (initdb into a temporary folder, listening on a Unix
socket in that folder only, port 55432), stopped by its pid at the end of the session.
As root, initdb and the server run as the `postgres` user (they refuse to run as root).

Use the `pg_url` fixture (session) for the server and `pg_database` for a fresh, empty
database per test. Tests are skipped only when the PostgreSQL binaries are absent.
"""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PORT = 55432
START_TIMEOUT_S = 30


def binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb, or initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class Cluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="w4r-pg-"))    # short: a socket path has ~100 bytes
        self.data = self.dir / "data"
        self.pid: int | None = None

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres([str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        options = f"-p {PORT} -k {self.dir} -c listen_addresses='' -c fsync=off"
        subprocess.run(_as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                                     "-l", str(self.dir / "log"), "-w", "-t", str(START_TIMEOUT_S), "start"]),
                       check=True, capture_output=True, timeout=START_TIMEOUT_S + 10)
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])
        return f"postgresql://postgres@/postgres?host={self.dir}&port={PORT}"

    def stop(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGINT)            # "fast" shutdown: end sessions, stop
            except ProcessLookupError:
                pass
            # The server removes postmaster.pid as it exits (a zombie left unreaped by a
            # container's init would still answer kill(pid, 0), so the file is what counts).
            deadline = time.monotonic() + 20
            while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url():
    """The URL of a PostgreSQL server's maintenance database (postgres)."""
    url = os.environ.get("W4R_KIT_TEST_PG", "").strip()
    if url:
        yield url
        return
    bindir = binaries()
    if bindir is None:
        if os.environ.get("W4R_KIT_REQUIRE_PG"):          # set by .ci/run: there, a skip would hide a gap
            pytest.fail("W4R_KIT_REQUIRE_PG is set but the PostgreSQL binaries are not installed")
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql); set W4R_KIT_TEST_PG "
                    "to test against a server of your own")
    cluster = Cluster(bindir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


_numbers = itertools.count(1)


@pytest.fixture()
def pg_database(pg_url):
    """The URL of a new, empty database on the test server, dropped after the test."""
    import psycopg
    from w4r_kit.registry import database_url
    name = f"w4r_test_{os.getpid()}_{next(_numbers)}"
    conninfo = database_url(pg_url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _with_database(pg_url, name)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).set(database=name).render_as_string(hide_password=False)
