"""Accuracy and speed of `w4r-kit returns scan`, per scan mode and resolution.

Issues real packs (the example project, groups in fr/lb/en, adult and youth sheets) into a
registry of their own, fills every sheet with the seeded simulator of tests/scansim.py
(names, signatures spilling over the rules, ticks, crosses, filled boxes, pencil) and puts
the stack through the seeded copier model once per scan mode (rotation ±3°, 180° flips,
scale 0.96-1.02, shifts, blur, noise, paper tone, uneven light, dark lid strips, JPEG,
1-bit, dithering, blank backs with show-through, a sheet twice, a letter and a photo).
Each stack is read by the library against a fresh copy of the registry, and compared with
the truth the simulator kept.

Columns: rows right = rows read right (signed or not, yes/no) on sheets not sent to
review; review = share of sheets sent to review; blanks / other pages / twice = blank
backs, letters and photos, and duplicate sheets recognised as such; wrong group = pages
attributed to a sheet they are not (must be 0); pages/s = reading only (the simulator's
time excluded), in one process and with --jobs.

usage: python benchmarks/bench_scan.py [--sheets N] [--modes grey-150 1bit-200 ...] [--seed S] [--jobs J]
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import scansim  # noqa: E402

CASES = ("sebnem-korur-fincanci", "dang-dinh-bach", "maryia-kalesnikava")


def groups(sheets: int) -> list[tuple]:
    """Groups of 5 sheets: languages and audiences mixed."""
    out = []
    for i in range(max(1, sheets // 5)):
        lang = ("fr", "lb", "en")[i % 3]
        audience = ("adult", "youth")[(i // 3) % 2]
        out.append((f"group-{i:02d}", f"Groupe {i + 1}", lang, 5, CASES[i % len(CASES)], audience))
    return out


def fresh(db: Path, target: Path) -> str:
    source, copy = sqlite3.connect(db), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sheets", type=int, default=30, help="signature sheets per stack (default 30)")
    ap.add_argument("--modes", nargs="*", default=list(scansim.MODES), choices=list(scansim.MODES))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--jobs", type=int, default=2, help="also time reading with this many processes (0: skip)")
    args = ap.parse_args()

    from w4r_kit.project import Project
    from w4r_kit.returns.scan import scan

    work = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    db = work / "issued.sqlite"
    os.environ["W4R_KIT_DB"] = f"sqlite:///{db}"
    project_dir = scansim.make_project(work / "kit")
    t = time.perf_counter()
    manifest = scansim.issue_packs(project_dir, groups(args.sheets))
    print(f"issued {len(manifest)} sheets in {time.perf_counter() - t:.1f} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", file=sys.stderr)

    rows = []
    total = scansim.Score()
    for k, mode in enumerate(args.modes):
        t = time.perf_counter()
        stack = scansim.scan_stack(project_dir, manifest, work / f"{mode}.pdf", mode, seed=args.seed + k,
                                   backs=0.3)
        made = time.perf_counter() - t
        speeds = []
        for jobs in [1] + ([args.jobs] if args.jobs > 1 else []):
            os.environ["W4R_KIT_DB"] = fresh(db, work / f"{mode}-{jobs}.sqlite")
            project = Project.at(project_dir, work / f"out-{mode}-{jobs}")
            result = scan(project, [stack.pdf], jobs=jobs)
            speeds.append(len(result.pages) / result.seconds)
            if jobs == 1:
                score = scansim.score(result.pages, stack.truth)
        total.add(score)
        rows.append((mode, len(stack.truth), score, speeds))
        print(f"{mode}: simulated in {made:.1f} s, read at {speeds[0]:.1f} pages/s", file=sys.stderr)
        for line in score.wrong[:8]:
            print(f"   {line}", file=sys.stderr)

    jobs_col = f" | pages/s, {args.jobs} jobs" if args.jobs > 1 else ""
    print(f"| scan mode | pages | rows right (not sent to review) | sheets to review | blanks | letters, photos "
          f"| twice | wrong group | pages/s{jobs_col} |")
    print("|---|---|---|---|---|---|---|---|---|" + ("---|" if args.jobs > 1 else ""))
    for mode, pages, s, speeds in rows + [("all", sum(r[1] for r in rows), total, [])]:
        speed = " | ".join(f"{v:.1f}" for v in speeds) if speeds else " | ".join([""] * (1 + (args.jobs > 1)))
        print(f"| {mode} | {pages} | {s.rows_right}/{s.rows} = {100 * s.row_accuracy:.2f} % | {s.to_review}/{s.sheets} "
              f"= {100 * s.review_share:.0f} % | {s.blanks_right}/{s.blanks} | {s.others_right}/{s.others} | "
              f"{s.duplicates_said}/{s.duplicates} | {s.wrong_group} | {speed} |")
    print("\nwhy sheets go to review (a sheet may have several reasons):")
    for mode, _, s, _ in rows + [("all", 0, total, [])]:
        why = ", ".join(f"{key} {n}" for key, n in s.reasons.most_common()) or "-"
        print(f"- {mode}: {why}")
    print(f"\n(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end; work files in {work})")


if __name__ == "__main__":
    main()
