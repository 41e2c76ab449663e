"""Side-by-side timing of two or more source trees of w4r-kit (for example the round's
starting commit, exported with `git archive`, and the working tree): the kit build and a
signature batch, run interleaved so a busy machine slows every tree alike. Reports the
fastest and the median wall time of each, and the kit build's CPU time.

usage: python benchmarks/compare_trees.py TREE [TREE ...] [--sheets N] [--runs R]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_signatures import groups_csv  # noqa: E402


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall time and CPU time (user + sys) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{run.stderr[-1000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trees", nargs="+", type=Path)
    ap.add_argument("--sheets", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp())
    groups = work / "groups.csv"
    groups_csv(groups, args.sheets)
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.runs):
        for tree in args.trees:
            out = work / "out"
            env = dict(os.environ, PYTHONPATH=str(tree), W4R_KIT_DB=f"sqlite:///{work / 'registry.sqlite'}")
            py = [sys.executable, "-m", "w4r_kit"]
            results.setdefault((str(tree), "build"), []).append(
                timed([*py, "build", "--project", str(tree), "--out", str(out)], env))
            results.setdefault((str(tree), "signatures"), []).append(
                timed([*py, "signatures", "--groups", str(groups), "--project", str(tree), "--out", str(out)], env))
            shutil.rmtree(out, ignore_errors=True)
            (work / "registry.sqlite").unlink(missing_ok=True)
    print(f"| tree | run | min wall s | median wall s | median CPU s |  ({args.runs} runs, {args.sheets} sheets)")
    print("|---|---|---|---|---|")
    for (tree, what), times in results.items():
        walls, cpus = sorted(t[0] for t in times), sorted(t[1] for t in times)
        print(f"| {tree} | {what} | {walls[0]:.2f} | {walls[len(walls) // 2]:.2f} | {cpus[len(cpus) // 2]:.2f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
