"""What recording costs: settle the ids of 10,000 sheets (100 packs of 2 cases × 50 sheets)
against a registry, record them in one transaction, then do both again (nothing new).

    python benchmarks/bench_registry.py [URL ...]

Without URLs: a new SQLite file in a temporary folder. A postgresql:// URL must name an
empty database (the tables are created in it).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from w4r_kit.registry import IssuedPack, IssuedSheet, Registry, SheetKey  # noqa: E402

GROUPS, CASES, SHEETS = 100, 2, 50
URL = "https://www.amnesty.lu/w4r/2024/case?utm_source=amnesty-lu&utm_medium=print&utm_campaign=w4r-2024"


def run(url: str) -> str:
    reg = Registry.open_url(url)
    keys = [SheetKey("amnesty-lu", 2024, f"group-{g}", f"case-{c}", "fr", k, "adult")
            for g in range(GROUPS) for c in range(CASES) for k in range(1, SHEETS + 1)]
    t0 = time.perf_counter()
    ids = reg.assign_ids(keys)
    t1 = time.perf_counter()
    per_group = CASES * SHEETS
    packs = [IssuedPack(f"group-{g}", f"Group {g}", "", "fr", "adult", tuple(f"case-{c}" for c in range(CASES)),
                        tuple(IssuedSheet(sid, key.case, "fr", key.number, SHEETS, f"{URL}&utm_content={sid}",
                                          f"signatures/group-{g}.pdf", i + 2)
                              for i, (key, sid) in enumerate(zip(keys[g * per_group:(g + 1) * per_group],
                                                                 ids[g * per_group:(g + 1) * per_group]))))
             for g in range(GROUPS)]
    reg.record_packs("cli-signatures", "amnesty-lu-2024", packs)
    t2 = time.perf_counter()
    again = reg.assign_ids(keys)
    reg.record_packs("cli-signatures", "amnesty-lu-2024", packs)
    t3 = time.perf_counter()
    assert again == ids and len(reg.sheets()) == len(keys) and len(reg.packs()) == GROUPS
    reg.close()
    return (f"{reg.engine.url.get_backend_name():<10} settle ids {t1 - t0:5.2f} s   record {t2 - t1:5.2f} s   "
            f"the same run again {t3 - t2:5.2f} s   ({len(keys):,} sheets, {GROUPS} packs)")


if __name__ == "__main__":
    urls = sys.argv[1:] or [f"sqlite:///{tempfile.mkdtemp(prefix='w4r-bench-')}/registry.sqlite"]
    for url in urls:
        print(run(url))
