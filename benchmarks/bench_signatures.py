"""Benchmark of `w4r-kit signatures` against the practical floor of the stack.

Builds batches of N signature sheets (groups of 50 sheets × 2 cases, as a school
coordinator would) from the example project and, in the same invocation and one
after the other, runs `benchmarks/floor_reportlab.py` (a minimal hand-written
reportlab script drawing the same sheet as fast as we know how), once into one
file and once into as many files as there are groups (the same files the tool
writes: each needs its own fonts and static form). Each run is a
separate process; wall time and peak RSS are whole-process figures (start-up and
imports included), taken with os.wait4. Not a test: machines are shared and noisy,
so compare the ratios measured side by side, not absolute numbers across runs.

usage: python benchmarks/bench_signatures.py [N ...] [--runs R] [--jobs] [--peers DIR]
       (default N: 1000 10000)
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("sebnem-korur-fincanci", "dang-dinh-bach")
SHEETS_PER_GROUP_AND_CASE = 50


def groups_csv(path: Path, n: int) -> None:
    """n sheets: groups of 50 sheets for each of two cases, languages and audiences mixed."""
    per_group = SHEETS_PER_GROUP_AND_CASE * len(CASES)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "lang", "sheets", "cases", "audience"])
        for i in range(max(1, n // per_group)):
            w.writerow([f"school-{i:04d}", f"École primaire n° {i + 1} – Luxembourg", ("fr", "lb", "en")[i % 3],
                        min(SHEETS_PER_GROUP_AND_CASE, n // len(CASES)), " ".join(CASES),
                        ("adult", "youth")[i % 2]])


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def pages_of(paths: list[Path]) -> int:
    from pypdf import PdfReader
    return sum(len(PdfReader(str(p)).pages) for p in paths)


def measure(name: str, cmd: list[str], outputs, runs: int, sheets: int) -> dict:
    walls, rss = [], []
    for _ in range(runs):
        wall, peak = run(cmd)
        walls.append(wall)
        rss.append(peak)
    files = outputs()
    size = sum(p.stat().st_size for p in files)
    pages = pages_of(files)
    wall = statistics.median(walls)
    return {"name": name, "wall": wall, "min": min(walls), "max": max(walls), "sheets_s": sheets / wall,
            "pages_s": pages / wall, "rss": max(rss), "bytes_page": size / pages, "pages": pages}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=0, help="runs per row (default: 3 up to 1000 sheets, else 1)")
    ap.add_argument("--jobs", action="store_true", help="add a row with --jobs 2")
    ap.add_argument("--peers", type=Path, help="the bench-peers folder: adds its reportlab form script (b)")
    args = ap.parse_args()
    py = sys.executable
    tool = [py, "-m", "w4r_kit", "signatures", "--project", str(ROOT)]
    print(f"# w4r-kit signatures benchmark — {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for n in args.sizes:
        runs = args.runs or (3 if n <= 1000 else 1)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            # The runs record in a registry of their own, not in the example project's.
            os.environ["W4R_KIT_DB"] = f"sqlite:///{tmp / 'registry.sqlite'}"
            groups = tmp / "groups.csv"
            groups_csv(groups, n)
            rows = []
            out = tmp / "out"

            def group_files():
                return sorted(p for p in (out / "signatures").glob("*.pdf") if p.name != "all-groups.pdf")
            rows.append(measure("w4r-kit signatures", tool + ["--groups", str(groups), "--out", str(out)],
                                group_files, runs, n))
            if args.jobs:
                rows.append(measure("w4r-kit signatures --jobs 2", tool + ["--groups", str(groups), "--out",
                                                                          str(out), "--jobs", "2"],
                                    group_files, runs, n))
            rows.append(measure("w4r-kit signatures --merge", tool + ["--groups", str(groups), "--out",
                                                                     str(out), "--merge"],
                                lambda: [out / "signatures" / "all-groups.pdf"], runs, n))
            floor = [py, str(ROOT / "benchmarks" / "floor_reportlab.py"), str(n)]
            floor_pdf = tmp / "floor.pdf"
            rows.append(measure("floor: hand-written reportlab, 1 file", floor + [str(floor_pdf)],
                                lambda: [floor_pdf], runs, n))
            n_groups = max(1, n // (SHEETS_PER_GROUP_AND_CASE * len(CASES)))
            floor_dir = tmp / "floor"
            floor_dir.mkdir()
            rows.append(measure(f"floor: hand-written reportlab, {n_groups} files",
                                floor + [str(floor_dir / "f.pdf"), str(n_groups)],
                                lambda: sorted(floor_dir.glob("*.pdf")), runs, n))
            if args.peers:
                peer_pdf = tmp / "peer-b.pdf"
                rows.append(measure("peer (b): reportlab form + qrcode", [py, str(args.peers / "b_rl_form.py"),
                                                                         str(n), str(peer_pdf)],
                                    lambda: [peer_pdf], runs, n))
        one_file = next(r for r in rows if r["name"].endswith(", 1 file"))
        per_group = next(r for r in rows if r["name"].startswith("floor") and r is not one_file)
        print(f"\n## {n:,} sheets in {n_groups} groups ({runs} run{'s' if runs > 1 else ''}, median)\n")
        print("| run | wall s (min–max) | sheets/s | pages/s | × floor, same files | × floor, 1 file | "
              "peak RSS MB | bytes/page | pages |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            same = one_file if "merge" in r["name"] or r is one_file else per_group
            print(f"| {r['name']} | {r['wall']:.2f} ({r['min']:.2f}–{r['max']:.2f}) | {r['sheets_s']:,.0f} | "
                  f"{r['pages_s']:,.0f} | {r['wall'] / same['wall']:.2f} | {r['wall'] / one_file['wall']:.2f} | "
                  f"{r['rss']:.0f} | {r['bytes_page']:,.0f} | {r['pages']:,} |")


if __name__ == "__main__":
    main()
