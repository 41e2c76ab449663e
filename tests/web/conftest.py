"""Fixtures of the self-service page's tests: a copy of the example project with a staff
account, the real server (`w4r-kit serve`) in a subprocess, and Debian's Chromium driven
by Playwright."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import copy_example  # noqa: F401 - the web tests import it from here

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/lib/chromium/chromium")
PORTS = range(8100, 8200)
STAFF_NAME, STAFF_PASSWORD = "alex", "correct horse battery"
READY_SECONDS = 60


def add_staff(project: Path, name: str = STAFF_NAME, password: str = STAFF_PASSWORD) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w4r_kit", "staff", "add", name, "--password-stdin",
                           "--project", str(project)], input=password + "\n", capture_output=True, text=True,
                          env=server_env(), timeout=60)


def server_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("W4R_KIT_DB", None)
    return env


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8100-8199")


class Server:
    """`w4r-kit serve` on a free loopback port; stopped by its pid."""

    def __init__(self, project: Path, processes: int = 1) -> None:
        self.project = project
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = project / "server.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "w4r_kit", "serve", "--project", str(project), "--port", str(self.port),
                 "--render-processes", str(processes)],
                env=server_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                if httpx.get(self.url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)      # the server and its render processes
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture(scope="session")
def web_project(tmp_path_factory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("web") / "kit")
    result = add_staff(project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def server(web_project):
    srv = Server(web_project)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        if os.environ.get("W4R_KIT_REQUIRE_BROWSER"):      # set by .ci/run: there, a skip would hide a gap
            pytest.fail(f"W4R_KIT_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (.ci/run installs Debian's chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "accept_downloads": True, "locale": "en-GB"}
