"""Returns and results (SPEC §12): hand counts, the online petition's export, results.csv,
the results report and the certificates, as a section's staff would run them.

One season is played once per module: packs issued with `signatures`, sheets read through
the registry's record_scan, letters counted with `returns add`, an online export imported
(twice), then `results`. The tests read what users see: the CSV, the text of the PDFs,
the CLI's messages and the rows in the registry.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from w4r_kit.project import Project
from w4r_kit.registry import Registry
from w4r_kit.registry.schema import counts, online

from conftest import ROOT, Cli

GROUPS = """id,name,lang,sheets,cases,audience,contact
lycee-5b,Lycée Aline Mayrisch – 5B,fr,2,sebnem-korur-fincanci dang-dinh-bach,youth,
ecole-c4,École fondamentale Bonnevoie – C4.1,lb,2,kyung-seok-park,youth,
rodange-2a,Lycée Michel-Rodange – 2A,en,1,sebnem-korur-fincanci,youth,
esch,Groupe local Esch-sur-Alzette,fr,2,maryia-kalesnikava,adult,
quiet,Klass 6G Athénée,lb,1,kyung-seok-park,youth,
"""

# What the scanner read, per (group, case, sheet number): signatures, consent yes, status.
SCANS = {
    ("lycee-5b", "sebnem-korur-fincanci", 1): (12, 0, "read"),
    ("lycee-5b", "sebnem-korur-fincanci", 2): (3, 0, "read"),
    ("lycee-5b", "dang-dinh-bach", 1): (9, 0, "review"),        # waits for staff: not counted
    ("ecole-c4", "kyung-seok-park", 1): (14, 0, "read"),
    ("rodange-2a", "sebnem-korur-fincanci", 1): (10, 0, "read"),
    ("esch", "maryia-kalesnikava", 1): (15, 6, "read"),
    ("esch", "maryia-kalesnikava", 2): (4, 1, "read"),
}


def set_results(kit_toml: Path, table: str) -> None:
    """Replace kit.toml's [results] table (the example project has one) with `table`."""
    text = kit_toml.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[results\]\n.*?(?=^\[|\Z)", "", text).rstrip("\n")
    kit_toml.write_text(text + "\n\n" + table, encoding="utf-8")


def _run(cli: Cli, *args) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def _text(pdf: Path, layout: bool = True) -> str:
    """The page's words as pdftotext reads them, spaces and line breaks folded."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    """A whole season in a copy of the example project, with its own registry."""
    root = tmp_path_factory.mktemp("season")
    project = root / "kit"
    project.mkdir()
    shutil.copy(ROOT / "kit.toml", project)
    shutil.copytree(ROOT / "cases", project / "cases")
    shutil.copytree(ROOT / "letter_templates", project / "letter_templates")
    set_results(project / "kit.toml", '[results]\nsignatures = 1\nletters = 2\nonline = 1\nprize_top = 2\n'
                'prize = { fr = "Une visite du Parlement", en = "A visit to Parliament", '
                'lb = "E Besuch an der Chamber" }\n')
    (root / "groups.csv").write_text(GROUPS, encoding="utf-8")
    before = os.environ.get("W4R_KIT_DB")
    os.environ["W4R_KIT_DB"] = f"sqlite:///{root / 'registry.sqlite'}"
    cli = Cli()
    outputs = {}
    try:
        _run(cli, "signatures", "--groups", root / "groups.csv", "--project", project)
        manifest = list(csv.DictReader(open(project / "dist/signatures/manifest.csv", encoding="utf-8")))
        number = {}
        for row in manifest:
            k = sum(1 for r in manifest[:manifest.index(row) + 1]
                    if r["group_id"] == row["group_id"] and r["case"] == row["case"])
            number[row["group_id"], row["case"], k] = row
        with Registry.open(Project.at(project, None)) as reg:
            for page, (key, (signatures, yes, status)) in enumerate(SCANS.items(), 1):
                assert reg.record_scan(number[key]["sheet_id"], "scan-1.pdf", page, signatures, yes, 0, status)
        # Letters by hand: one on the command line, the rest from a file (with a group's size).
        outputs["add"] = _run(cli, "returns", "add", "--group", "rodange-2a", "--letters", "6", "--project", project)
        (root / "counts.csv").write_text("group,case,letters,signatures,members\n"
                                         "lycee-5b,dang-dinh-bach,5,,24\n"
                                         "ESCH,,3,,\n", encoding="utf-8")
        outputs["add_file"] = _run(cli, "returns", "add", "--from", root / "counts.csv", "--project", project)
        outputs["add_file_again"] = _run(cli, "returns", "add", "--from", root / "counts.csv", "--project", project)
        # The online export: tracking parameters in a column of their own, as a platform exports them.
        export = io.StringIO(newline="")
        writer = csv.writer(export)
        writer.writerow(["Date", "Email", "UTM Content", "UTM Source", "UTM Campaign"])
        url = number["ecole-c4", "kyung-seok-park", 2]["url"]
        code = url.split("utm_content=")[1]
        for i in range(4):
            writer.writerow([f"2024-12-0{i + 1}", f"person{i}@example.org", code, "amnesty-lu", "w4r-2024"])
        writer.writerow(["2024-12-05", "x@example.org", "", "facebook", ""])                 # no code
        writer.writerow(["2024-12-06", "y@example.org", "nobody-7", "amnesty-lu", "w4r-2024"])  # never printed
        writer.writerow(["2024-12-07", "z@example.org", code, "amnesty-lu", "w4r-2023"])   # last year's sheet
        (root / "export.csv").write_text(export.getvalue(), encoding="utf-8")
        outputs["online"] = _run(cli, "returns", "online", root / "export.csv", "--project", project)
        outputs["online_again"] = _run(cli, "returns", "online", root / "export.csv", "--project", project)
        # A later export as a spreadsheet, with the tracking inside a landing-page URL: its first rows
        # are the ones imported already, one row is new.
        from openpyxl import Workbook
        book = Workbook()
        sheet = book.active
        sheet.append(["Date", "Email", "Landing page"])
        sheet.append(["2024-12-10", "new@example.org", number["esch", "maryia-kalesnikava", 1]["url"]])
        book.save(root / "export-2.xlsx")
        outputs["online_xlsx"] = _run(cli, "returns", "online", root / "export-2.xlsx", "--project", project)
        outputs["results"] = _run(cli, "results", "--project", project)
    finally:
        if before is None:
            os.environ.pop("W4R_KIT_DB", None)
        else:
            os.environ["W4R_KIT_DB"] = before
    out = project / "dist" / "results"
    rows = {r["group_id"]: r for r in csv.DictReader(open(out / "results.csv", encoding="utf-8"))}
    return {"root": root, "project": project, "out": out, "rows": rows, "outputs": outputs,
            "db": f"sqlite:///{root / 'registry.sqlite'}"}


def test_results_csv_has_every_group_with_its_figures_and_fair_ranks(season):
    rows = season["rows"]
    assert list(next(iter(rows.values())))[:11] == ["group_id", "group_name", "lang", "sheets_issued",
                                                    "sheets_returned", "signatures", "consent_yes", "letters",
                                                    "online", "total", "rank"]
    # total = signatures + 2 x letters + online ([results] in kit.toml)
    expected = {  # id: issued, returned, signatures, consent yes, letters, online, total
        "esch": (2, 2, 19, 7, 3, 1, 19 + 6 + 1),
        "lycee-5b": (4, 2, 15, 0, 5, 0, 15 + 10),
        "rodange-2a": (1, 1, 10, 0, 6, 0, 10 + 12),
        "ecole-c4": (2, 1, 14, 0, 0, 4, 18),
        "quiet": (1, 0, 0, 0, 0, 0, 0),
    }
    for gid, (issued, returned, sig, yes, letters, web, total) in expected.items():
        r = rows[gid]
        assert (int(r["sheets_issued"]), int(r["sheets_returned"]), int(r["signatures"]), int(r["consent_yes"]),
                int(r["letters"]), int(r["online"]), int(r["total"])) == (issued, returned, sig, yes, letters,
                                                                          web, total), gid
    assert rows["lycee-5b"]["group_name"] == "Lycée Aline Mayrisch – 5B" and rows["ecole-c4"]["lang"] == "lb"
    # 26, 25, 22, 18: ranked 1-4; the group that returned nothing is listed but not ranked.
    assert {g: rows[g]["rank"] for g in rows} == {"esch": "1", "lycee-5b": "2", "rodange-2a": "3",
                                                  "ecole-c4": "4", "quiet": ""}
    assert [g for g in rows if rows[g]["winner"] == "yes"] == ["esch", "lycee-5b"]
    assert rows["lycee-5b"]["members"] == "24"


def test_cli_says_what_it_recorded_and_never_counts_twice(season):
    o = season["outputs"]
    assert o["add"].strip() == "recorded 1 count for 1 group: 6 letters, 0 signatures"
    assert o["add_file"].strip() == "recorded 2 counts for 2 groups: 8 letters, 0 signatures"
    assert "was recorded before; nothing added" in o["add_file_again"]
    assert "tracking code from column 'UTM Content'" in o["online"]
    assert "added 4 online signatures for 1 group, 3 unattributed" in o["online"]
    assert "all 7 rows were imported before; nothing added" in o["online_again"]
    assert "the URLs in column 'Landing page'" in o["online_xlsx"]
    assert "added 1 online signature for 1 group, 0 unattributed" in o["online_xlsx"]
    assert "3 online signatures unattributed" in o["results"]
    assert "1 sheet still to review: 'w4r-kit returns set' settles it" in o["results"]
    with Registry.open_url(season["db"]) as reg, reg.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(counts)).scalar_one() == 3
        assert conn.execute(select(func.sum(online.c.count))).scalar_one() == 8
        assert conn.execute(select(func.count()).select_from(online).where(online.c.group_id.is_(None))
                            ).scalar_one() == 3


def test_results_report_in_each_language_has_ranking_rule_and_winners(season):
    out = season["out"]
    fr, en, lb = (_text(out / f"results-{lang}.pdf") for lang in ("fr", "en", "lb"))
    for text in (fr, en, lb):
        for name in ("Groupe local Esch-sur-Alzette", "Lycée Aline Mayrisch – 5B", "Lycée Michel-Rodange – 2A",
                     "École fondamentale Bonnevoie – C4.1", "Klass 6G Athénée", "Şebnem Korur Fincancı"):
            assert name in text
    assert "Total = 1 per signature on paper + 2 per letter + 1 per online signature." in en
    assert "The 2 groups with the best totals win." in en and "Prize: A visit to Parliament" in en
    assert "Les 2 groupes aux meilleurs totaux gagnent le prix." in fr and "Prix : Une visite du Parlement" in fr
    assert "Déi 2 Gruppe mat de beschten Totale gewannen." in lb and "D’Präisdréier" in lb
    assert "Prize winners 1 Groupe local Esch-sur-Alzette 26 points 2 Lycée Aline Mayrisch – 5B 25 points" in en
    assert "3 online signatures could not be traced to a group" in en
    assert "1 returned sheet is still to be checked by hand" in en
    assert "3 signatures en ligne n’ont pu être rattachées à aucun groupe" in fr
    # The season's totals, unattributed online signatures included: 58 + 2 x 14 + 8 = 94 points.
    assert "58 14 8 94 signatures on paper letters signatures online points in total" in en
    assert "58 14 8 94 signatures sur papier lettres signatures en ligne points au total" in fr
    assert "58 14 8 94 Ënnerschrëften op Bréiwer Ënnerschrëften online Punkten am Ganzen Pabeier" in lb  # wraps
    assert "Per case" in en and "Per group" in en
    assert "Counted for a group as a whole, without a case, and so in the totals and per group only: 9 letters." in en


def test_certificates_for_every_group_that_returned_something_in_its_language(season):
    folder = season["out"] / "certificates"
    written = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))   # not the output record
    assert written == ["ecole-c4.pdf", "esch.pdf", "lycee-5b.pdf", "rodange-2a.pdf"]
    esch = _text(folder / "esch.pdf", layout=False)
    assert "GROUPE LAURÉAT" in esch and "Certificat de participation".upper() in esch
    assert "Groupe local Esch-sur-Alzette" in esch and "rang 1 sur 4" in esch
    assert "Prix : Une visite du Parlement" in esch
    assert "19 signatures sur papier" in esch and "3 lettres" in esch and "1 signature en ligne" in esch
    ecole = _text(folder / "ecole-c4.pdf", layout=False)
    assert "ZERTIFIKAT VUN DER PARTICIPATIOUN" in ecole and "École fondamentale Bonnevoie – C4.1" in ecole
    assert "14 Ënnerschrëften op Pabeier" in ecole and "4 Ënnerschrëften online" in ecole
    assert "Präisdréier".upper() not in ecole                      # not a winner: it does not say so
    rodange = _text(folder / "rodange-2a.pdf", layout=False)
    assert "CERTIFICATE OF PARTICIPATION" in rodange and "6 letters" in rodange and "PRIZE WINNER" not in rodange
    assert "Lycée Michel-Rodange – 2A" in rodange


def test_results_are_reproducible(season, tmp_path):
    cli = Cli()
    env_before = os.environ.get("W4R_KIT_DB")
    os.environ["W4R_KIT_DB"] = season["db"]
    os.environ["SOURCE_DATE_EPOCH"] = "1769817600"
    try:
        first, second = tmp_path / "a", tmp_path / "b"
        _run(cli, "results", "--lang", "en", "--project", season["project"], "--out", first)
        _run(cli, "results", "--lang", "en", "--project", season["project"], "--out", second)
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH")
        os.environ["W4R_KIT_DB"] = env_before or ""
        if env_before is None:
            os.environ.pop("W4R_KIT_DB")
    for name in ("results/results-en.pdf", "results/results.xlsx", "results/certificates/esch.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert not (first / "results/results-fr.pdf").exists()


# --------------------------------------------------------------------------- bad input

@pytest.fixture()
def issued(season, tmp_path, monkeypatch):
    """A copy of the season's registry, so bad input can be tried without touching it."""
    db = tmp_path / "registry.sqlite"
    shutil.copy(season["root"] / "registry.sqlite", db)
    monkeypatch.setenv("W4R_KIT_DB", f"sqlite:///{db}")
    return season["project"]


def _counts(url: str) -> int:
    with Registry.open_url(url) as reg, reg.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(counts)).scalar_one()


def test_returns_add_names_every_bad_row_and_records_nothing(issued, tmp_path, cli):
    before = _counts(os.environ["W4R_KIT_DB"])
    bad = tmp_path / "counts.csv"
    bad.write_text("group,case,letters,signatures\n"
                   "esch,,4,\n"
                   "eschh,,2,\n"
                   "lycee-5b,dang-dinh-bac,1,\n"
                   "rodange-2a,,many,\n"
                   "ecole-c4,,,\n", encoding="utf-8")
    result = cli("returns", "add", "--from", bad, "--project", issued)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert f"{bad}:3: group: no group 'eschh' was issued sheets; did you mean 'esch'?" in lines[0]
    assert any(f"{bad}:4: case: no case 'dang-dinh-bac'; did you mean 'dang-dinh-bach'?" in l for l in lines)
    assert any(f"{bad}:5: letters: 'many' is not a count; write a whole number from 0 to 1000000" in l
               for l in lines)
    assert any(f"{bad}:6: letters: nothing to record; give letters, signatures or members" in l for l in lines)
    assert lines[-1] == "4 problems found; nothing was written."
    assert _counts(os.environ["W4R_KIT_DB"]) == before          # all or nothing: line 2 was not recorded


def test_returns_add_on_the_command_line(issued, cli):
    result = cli("returns", "add", "--group", "nobody", "--letters", "3", "--project", issued)
    assert result.exit_code == 1
    assert "--group: no group 'nobody' was issued sheets" in result.output
    result = cli("returns", "add", "--letters", "3", "--project", issued)
    assert result.exit_code == 2 and "give --group ID" in result.output
    result = cli("returns", "add", "--group", "esch", "--letters", "-3", "--project", issued)
    assert result.exit_code == 2


def test_photocopied_master_sheets_read_from_scans_count_per_case_not_for_a_group(issued):
    """The reader records a master sheet's signatures as a count with no group (source
    scan-master): the results count them for the case and in the totals, ranked nowhere."""
    from w4r_kit.load import load_project
    from w4r_kit.results import compute
    from w4r_kit.returns.scan import MASTER_SOURCE
    project = Project.at(issued, None)
    kit = load_project(project, allow_incomplete=True)
    with Registry.open(project) as reg:
        before = compute(kit, reg)
        reg.add_count("", "kyung-seok-park", 0, 11, MASTER_SOURCE, "scan.pdf page 3")
        reg.add_count("", "kyung-seok-park", 0, 4, MASTER_SOURCE, "scan.pdf page 4")
        after = compute(kit, reg)
    assert before.without_group == {}
    assert after.without_group["kyung-seok-park"].signatures == 15
    assert after.by_case["kyung-seok-park"].signatures == before.by_case["kyung-seok-park"].signatures + 15
    assert after.totals.signatures == before.totals.signatures + 15
    assert [(g.group_id, g.total, g.rank) for g in after.groups] == [(g.group_id, g.total, g.rank)
                                                                    for g in before.groups]


def test_next_years_season_in_the_same_registry_starts_from_nothing(issued, tmp_path, cli):
    """A section keeps one registry from year to year and groups keep their ids (the same
    school, the same local group): next year's results count none of this year's letters,
    online signatures or photocopied master sheets, and this year's results are unchanged."""
    before = (issued / "dist/results/results.csv").read_text(encoding="utf-8")
    nxt = tmp_path / "next"
    shutil.copytree(issued, nxt, ignore=shutil.ignore_patterns("dist"))
    toml = nxt / "kit.toml"
    toml.write_text(re.sub(r"(?m)^year = 2024$", "year = 2025", toml.read_text(encoding="utf-8")), encoding="utf-8")
    assert "year = 2025" in toml.read_text(encoding="utf-8")
    groups = tmp_path / "groups.csv"
    groups.write_text("id,name,lang,sheets,cases,audience\nesch,Groupe local Esch-sur-Alzette,fr,1,"
                      "maryia-kalesnikava,adult\n", encoding="utf-8")
    _run(cli, "signatures", "--groups", groups, "--project", nxt)
    _run(cli, "returns", "add", "--group", "esch", "--letters", "2", "--project", nxt)
    _run(cli, "results", "--project", nxt)
    rows = {r["group_id"]: r for r in csv.DictReader(open(nxt / "dist/results/results.csv", encoding="utf-8"))}
    assert list(rows) == ["esch"]
    esch = rows["esch"]
    assert (esch["sheets_issued"], esch["signatures"], esch["letters"], esch["online"]) == ("1", "0", "2", "0")
    # This year's figures, computed again from the same registry, are what they were.
    _run(cli, "results", "--project", issued, "--out", tmp_path / "again")
    assert (tmp_path / "again/results/results.csv").read_text(encoding="utf-8") == before


def test_returns_online_without_a_tracking_column_says_what_to_export(issued, tmp_path, cli):
    export = tmp_path / "export.csv"
    export.write_text("Date,Email\n2024-12-01,a@example.org\n", encoding="utf-8")
    result = cli("returns", "online", export, "--project", issued)
    assert result.exit_code == 1
    assert f"{export}:1: no column holds the tracking code: neither a column utm_content" in result.output
    result = cli("returns", "online", tmp_path / "missing.csv", "--project", issued)
    assert result.exit_code == 1 and "does not exist" in result.output
    (tmp_path / "export.pdf").write_bytes(b"%PDF")
    result = cli("returns", "online", tmp_path / "export.pdf", "--project", issued)
    assert result.exit_code == 1 and "give the online petition's export as .csv or .xlsx" in result.output


def test_bad_results_settings_are_named_with_their_line(example_copy, cli):
    set_results(example_copy / "kit.toml", '[results]\npublic_ranking = "yes"\nletters = -2\nprize_scope = "langs"\nprize = { fr = "Un livre", '
                'en = "A book" }\nprize_topp = 3\n')
    last = len((example_copy / "kit.toml").read_text(encoding="utf-8").splitlines())
    result = cli("validate", "--project", example_copy)
    assert result.exit_code == 1
    out = result.output
    assert f"kit.toml:{last - 1}: [results] prize.lb: no prize text for 'lb'; add lb = \"...\"" in out
    assert f"kit.toml:{last - 4}: [results] public_ranking: must be true or false, not" in out
    assert f"kit.toml:{last - 3}: [results] letters: -2 is out of range; use 0 (not counted) up to 1000 points" in out
    assert f"kit.toml:{last - 2}: [results] prize_scope: 'langs' is not a prize scope; use one of all, audience, " \
           "lang; did you mean 'lang'?" in out
    assert f"kit.toml:{last}: [results] prize_topp: unknown key 'prize_topp' in [results]; did you mean " \
           "'prize_top'?" in out


from pgserver import pg_database, pg_url  # noqa: E402,F401 - fixtures


def test_the_same_season_end_on_postgresql(pg_database, example_copy, tmp_path, monkeypatch, cli):
    """Counts, an online export imported twice and the results, on a real PostgreSQL server."""
    monkeypatch.setenv("W4R_KIT_DB", pg_database)
    groups = tmp_path / "groups.csv"
    groups.write_text("id,name,lang,sheets,cases,audience\nwiltz,Grupp Wolz,lb,2,oqba-hashad,adult\n"
                      "esch,Groupe Esch,fr,1,oqba-hashad,adult\n", encoding="utf-8")
    _run(cli, "signatures", "--groups", groups, "--project", example_copy)
    export = tmp_path / "export.csv"
    export.write_text("id,utm_content\n1,wiltz-1\n2,wiltz-2\n3,wiltz-2\n4,elsewhere\n", encoding="utf-8")
    assert "added 3 online signatures for 1 group, 1 unattributed" in _run(
        cli, "returns", "online", export, "--project", example_copy)
    assert "nothing added" in _run(cli, "returns", "online", export, "--project", example_copy)
    _run(cli, "returns", "add", "--group", "esch", "--letters", "5", "--project", example_copy)
    _run(cli, "results", "--lang", "fr", "--project", example_copy)
    rows = {r["group_id"]: r for r in csv.DictReader(open(example_copy / "dist/results/results.csv",
                                                          encoding="utf-8"))}
    # The example counts letters only: Wolz's online signatures are listed, worth 0 points.
    assert [(r["letters"], r["online"], r["total"], r["rank"], r["winner"]) for r in rows.values()] == \
        [("5", "0", "5", "1", "yes"), ("0", "3", "0", "2", "")]
