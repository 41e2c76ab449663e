"""Load and fault benchmark of the self-service page (SPEC §11), loopback only, bounded.

20 visitors (each with its own session: the form page, then POST /pack again and again)
download one-case packs — case sheet, model letter, writing paper, 3 signature sheets,
with the collector's page and return form — for DURATION seconds. Reported: requests/s,
latency p50/p95/p99, peak memory of the server (its process and its render processes),
errors; then the registry is checked: every download in it exactly once, no duplicate
sheet id, no pack with a sheet missing, the sheet ids printed in a sample of the PDFs
are the ones recorded.

Scenarios (all by default):
  sqlite       one server, the project's SQLite registry
  sqlite-kill  the same, the server (and its render processes) SIGKILLed half-way and started
               again; visitors keep going (errors while it is down are counted apart)
  pg           two server processes on one PostgreSQL database (a throw-away cluster on
               port 55433), visitors split between them
  pg-kill      the same, one of the two SIGKILLed half-way and started again

    python benchmarks/bench_web.py [--duration 60] [--visitors 20] [--scenario sqlite ...]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import copy_example  # noqa: E402 - the tests' copy of the example project

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = 55433
CASE = "dang-dinh-bach"
LANGS = ("fr", "en", "lb")
READY_SECONDS = 90
SAMPLE_PDFS = 30


# --------------------------------------------------------------------------- servers

def free_port(taken: set[int]) -> int:
    for port in range(8100, 8200):
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError("no free port in 8100-8199")


class Server:
    """`w4r-kit serve` in its own process group (the server and its render processes)."""

    def __init__(self, project: Path, port: int, env: dict[str, str]) -> None:
        self.project, self.port, self.env = project, port, env
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        began = time.monotonic()
        log = open(self.project / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "w4r_kit", "serve", "--project", str(self.project),
                                      "--port", str(self.port)], env=self.env, stdout=log, stderr=log,
                                     start_new_session=True)
        deadline = began + READY_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/", timeout=2).status_code == 200:
                    return time.monotonic() - began
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        log.close()
        tail = (self.project / f"server-{self.port}.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"server on {self.port} did not start:\n{tail}")

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def usage(self) -> tuple[int, float]:
        """(resident bytes, CPU seconds so far) of the server and its render processes together."""
        if not self.proc or self.proc.poll() is not None:
            return 0, 0.0
        rss, ticks = 0, 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                if int(fields[2]) != self.proc.pid:          # process group = the server's pid
                    continue
                ticks += int(fields[11]) + int(fields[12])     # utime + stime
                with open(f"/proc/{entry}/status") as fh:
                    rss += next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:"))
            except (OSError, StopIteration, ValueError, IndexError):
                continue
        return rss, ticks / os.sysconf("SC_CLK_TCK")


class MemoryWatch(threading.Thread):
    """Peak memory, CPU time and the machine's load while the visitors run."""

    def __init__(self, servers: list[Server]) -> None:
        super().__init__(daemon=True)
        self.servers, self.peak, self.running = servers, 0, True
        self.cpu: dict[int, float] = {}          # server index -> CPU seconds at the latest sample
        self.loads: list[float] = []

    def run(self) -> None:
        while self.running:
            usage = [s.usage() for s in self.servers]
            self.peak = max(self.peak, sum(rss for rss, _ in usage))
            for i, (_, cpu) in enumerate(usage):
                if cpu:                          # 0: the server is down (the kill scenarios)
                    self.cpu[i] = cpu
            self.loads.append(os.getloadavg()[0])
            time.sleep(0.25)

    def cpu_seconds(self, started: list[float]) -> float:
        """CPU used since `started` (without a restart in between)."""
        return sum(self.cpu.values()) - sum(started)


# --------------------------------------------------------------------------- visitors

@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    received: dict[str, bytes] = field(default_factory=dict)     # group name -> PDF
    errors: dict[str, int] = field(default_factory=dict)         # kind -> count, while servers were up
    down_errors: int = 0                                         # while a server was killed / restarting
    started: float = 0.0
    finished: float = 0.0

    def error(self, kind: str, down: bool) -> None:
        if down:
            self.down_errors += 1
        else:
            self.errors[kind] = self.errors.get(kind, 0) + 1


async def visitor(n: int, url: str, until: float, results: Results, down: threading.Event) -> None:
    lang = LANGS[n % len(LANGS)]
    k = 0
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        token = None
        while time.monotonic() < until:
            try:
                if token is None:
                    page = await client.get(f"/?ui={lang}")
                    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
                k += 1
                name = f"Bench {n:02d}-{k:05d}"
                form = {"csrf": token, "name": name, "lang": lang, "cases": CASE, "audience": "adult",
                        "sheets": "3", "case_material": "yes"}
                began = time.monotonic()
                response = await client.post("/pack", data=form)
                took = time.monotonic() - began
                if response.status_code == 200 and response.content.startswith(b"%PDF"):
                    results.latencies.append(took)
                    results.received[name] = response.content
                else:
                    results.error(f"HTTP {response.status_code}", down.is_set())
                    if response.status_code == 403:
                        token = None
            except (httpx.HTTPError, AttributeError) as exc:
                results.error(type(exc).__name__, down.is_set())
                token = None
                await asyncio.sleep(0.05)


async def load(urls: list[str], visitors: int, duration: float, down: threading.Event) -> Results:
    results = Results()
    results.started = time.monotonic()
    until = results.started + duration
    await asyncio.wait_for(asyncio.gather(*(visitor(i, urls[i % len(urls)], until, results, down)
                                            for i in range(visitors))), timeout=duration + 60)
    results.finished = time.monotonic()
    return results


# --------------------------------------------------------------------------- checks

def check_registry(db_url: str, results: Results) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, select
    from w4r_kit.registry import Registry
    from w4r_kit.registry.schema import packs, sheets
    registry = Registry.open_url(db_url)
    with registry.engine.connect() as conn:
        recorded = conn.execute(select(packs.c.id, packs.c.group_name).where(packs.c.route == "web")).all()
        per_pack = dict(conn.execute(select(sheets.c.pack_id, func.count()).group_by(sheets.c.pack_id)).all())
        duplicate_ids = conn.execute(select(sheets.c.sheet_id).group_by(sheets.c.sheet_id)
                                     .having(func.count() > 1)).all()
        orphans = conn.execute(select(func.count()).select_from(sheets)
                               .where(~sheets.c.pack_id.in_(select(packs.c.id)))).scalar_one()
    by_name: dict[str, list[int]] = {}
    for pack_id, name in recorded:
        by_name.setdefault(name, []).append(pack_id)
    received = set(results.received)
    missing = [n for n in received if n not in by_name]
    twice = [n for n, ids in by_name.items() if len(ids) > 1]
    half = [pid for pid, _ in recorded if per_pack.get(pid, 0) != 3]
    # The sheet ids printed in a sample of the PDFs are the ones recorded for that pack.
    from pypdf import PdfReader
    sample = random.Random(1).sample(sorted(received), min(SAMPLE_PDFS, len(received)))
    mismatched = 0
    for name in sample:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(results.received[name])).pages)
        ids = {s.sheet_id for s in registry.sheets(by_name[name][0])} if name in by_name else set()
        if not ids or not all(sid in text for sid in ids):
            mismatched += 1
    registry.close()
    return {"downloads": len(received), "recorded packs": len(recorded),
            "downloads not recorded": len(missing), "recorded twice": len(twice),
            "recorded but not received": len(set(by_name) - received),
            "packs without exactly 3 sheets": len(half), "sheets without a pack": orphans,
            "duplicate sheet ids": len(duplicate_ids), f"PDF sample ({len(sample)}) ids not as recorded": mismatched}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


# --------------------------------------------------------------------------- scenarios

def run(name: str, servers: list[Server], db_url: str, visitors: int, duration: float, kill: bool) -> None:
    print(f"\n== {name}: {len(servers)} server(s), {visitors} visitors, {duration:.0f} s"
          + (", one server SIGKILLed half-way and restarted" if kill else ""), flush=True)
    started = [s.start() for s in servers]
    print(f"   start-up: {', '.join(f'{t:.1f} s' for t in started)}", flush=True)
    cpu_at_start = [s.usage()[1] for s in servers]
    down = threading.Event()
    watch = MemoryWatch(servers)
    watch.start()
    restart = {}
    killer_thread = None
    if kill:
        def killer():
            time.sleep(duration / 2)
            down.set()
            servers[0].kill()
            began = time.monotonic()
            servers[0].start()
            restart["seconds"] = time.monotonic() - began
            down.clear()
        killer_thread = threading.Thread(target=killer, daemon=True)
        killer_thread.start()
    try:
        results = asyncio.run(load([s.url for s in servers], visitors, duration, down))
        if killer_thread:
            killer_thread.join(READY_SECONDS)     # a restart still under way is finished, not cut short
    finally:
        watch.running = False
        for s in servers:
            s.stop()
    wall = results.finished - results.started
    lat = results.latencies
    print(f"   packs downloaded: {len(lat)} in {wall:.1f} s = {len(lat) / wall:.1f} requests/s")
    print(f"   latency p50 {percentile(lat, 50) * 1000:.0f} ms, p95 {percentile(lat, 95) * 1000:.0f} ms, "
          f"p99 {percentile(lat, 99) * 1000:.0f} ms, max {max(lat, default=0) * 1000:.0f} ms, "
          f"mean {statistics.fmean(lat) * 1000 if lat else 0:.0f} ms")
    print(f"   peak server memory (RSS, server + render processes, all servers): {watch.peak / 2**20:.0f} MB")
    if not kill and lat:
        cpu = watch.cpu_seconds(cpu_at_start)
        print(f"   server CPU: {cpu:.1f} s = {cpu / len(lat) * 1000:.0f} ms per pack; machine load average "
              f"during the run {statistics.fmean(watch.loads):.1f} on {os.cpu_count()} cores")
    print(f"   errors while up: {sum(results.errors.values())} {results.errors or ''}")
    if kill:
        print(f"   killed and restarted in {restart.get('seconds', float('nan')):.1f} s; "
              f"failed requests while it was down: {results.down_errors}")
    for key, value in check_registry(db_url, results).items():
        print(f"   {key}: {value}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per scenario (max 600)")
    parser.add_argument("--visitors", type=int, default=20, help="concurrent visitors (max 100)")
    parser.add_argument("--scenario", action="append", choices=("sqlite", "sqlite-kill", "pg", "pg-kill"))
    args = parser.parse_args()
    duration = min(max(args.duration, 5), 600)
    visitors = min(max(args.visitors, 1), 100)
    scenarios = args.scenario or ["sqlite", "sqlite-kill", "pg", "pg-kill"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("W4R_KIT_DB", None)
    print(f"bench_web: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    ports: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="w4r-bench-web-") as tmp:
        for scenario in scenarios:
            project = copy_example(Path(tmp) / scenario)
            if scenario.startswith("sqlite"):
                servers = [Server(project, free_port(ports), env)]
                run(scenario, servers, f"sqlite:///{project / 'registry.sqlite'}", visitors, duration,
                    kill=scenario.endswith("kill"))
                continue
            sys.path.insert(0, str(ROOT / "tests"))
            import pgserver
            pgserver.PORT = PG_PORT
            cluster = pgserver.Cluster(pgserver.binaries())
            try:
                url = cluster.start()
                db_env = dict(env, W4R_KIT_DB=url)
                # One schema upgrade before the servers start (as the README says for a shared database).
                subprocess.run([sys.executable, "-m", "w4r_kit", "registry", "upgrade", "--project", str(project)],
                               env=db_env, check=True, capture_output=True)
                servers = [Server(project, free_port(ports), db_env) for _ in range(2)]
                run(scenario, servers, url, visitors, duration, kill=scenario.endswith("kill"))
            finally:
                cluster.stop()


if __name__ == "__main__":
    main()
