"""Outputs a user can trust: after a run, signatures/ holds exactly that run's packs and
manifest, and dist/ no kit of a language the campaign dropped; only files the tool wrote
(and that are unchanged) are ever removed, and only when the run succeeds."""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from conftest import Cli

RECORD = ".w4r-kit.sha256"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def sign(cli, kit: Path, groups: str, *options: str):
    (kit / "groups.csv").write_text("id,name,lang,sheets\n" + groups, encoding="utf-8")
    return cli("signatures", "--groups", kit / "groups.csv", "--project", kit, *options)


def test_signatures_folder_holds_exactly_this_runs_packs(cli, kit):
    folder = kit / "dist" / "signatures"
    assert sign(cli, kit, "a,Klass A,fr,1\nb,Klass B,en,1\n").exit_code == 0
    (folder / "notes.txt").write_text("the coordinator's own file", encoding="utf-8")
    (folder / "z.pdf").write_bytes((folder / "a.pdf").read_bytes())      # a copy the tool did not write

    r = sign(cli, kit, "a,Klass A,fr,1\nc,Klass C,lb,1\n")
    assert r.exit_code == 0, r.output
    assert f"removed {folder / 'b.pdf'}: an earlier run wrote it and it is no longer part of the outputs" in r.stdout
    assert names(folder) == [RECORD, "a.pdf", "c.pdf", "manifest.csv", "notes.txt", "z.pdf"]

    r = sign(cli, kit, "a,Klass A,fr,1\nc,Klass C,lb,1\n", "--merge")
    assert r.exit_code == 0, r.output
    assert names(folder) == [RECORD, "all-groups.pdf", "manifest.csv", "notes.txt", "z.pdf"]

    r = sign(cli, kit, "a,Klass A,fr,1\n", "--xlsx")
    assert r.exit_code == 0, r.output
    assert names(folder) == [RECORD, "a.pdf", "manifest.csv", "manifest.xlsx", "notes.txt", "z.pdf"]
    assert sign(cli, kit, "a,Klass A,fr,1\n").exit_code == 0
    assert names(folder) == [RECORD, "a.pdf", "manifest.csv", "notes.txt", "z.pdf"]


def test_a_failed_run_removes_nothing_and_a_changed_pack_stays(cli, kit):
    folder = kit / "dist" / "signatures"
    assert sign(cli, kit, "a,Klass A,fr,1\nb,Klass B,en,1\n").exit_code == 0
    before = {name: (folder / name).read_bytes() for name in names(folder)}
    r = sign(cli, kit, "a,Klass A,fr,1\nc,,lb,1\n")
    assert r.exit_code == 1
    assert {name: (folder / name).read_bytes() for name in names(folder)} == before

    with open(folder / "b.pdf", "ab") as fh:               # annotated since: not the tool's file any more
        fh.write(b"%% notes\n")
    r = sign(cli, kit, "a,Klass A,fr,1\n")
    assert r.exit_code == 0, r.output
    assert names(folder) == [RECORD, "a.pdf", "b.pdf", "manifest.csv"]
    assert "warning: dist/signatures/b.pdf: left in place: an earlier run wrote it, but it was changed since; " \
           "delete it if it is no longer needed" in r.stderr


def test_packs_listed_by_an_older_manifest_without_a_record(cli, kit):
    folder = kit / "dist" / "signatures"
    assert sign(cli, kit, "a,Klass A,fr,1\nb,Klass B,en,1\n").exit_code == 0
    (folder / RECORD).unlink()                               # as an older version of the tool left it
    (folder / "mine.pdf").write_bytes(b"%PDF-1.4 not listed anywhere")
    r = sign(cli, kit, "b,Klass B,en,1\n")
    assert r.exit_code == 0, r.output
    assert names(folder) == [RECORD, "b.pdf", "manifest.csv", "mine.pdf"]


def test_dist_drops_the_kit_of_a_language_no_longer_built(cli, kit):
    dist = kit / "dist"
    assert cli("build", "--project", kit, "--lang", "fr", "--lang", "en").exit_code == 0
    (dist / "kit-de.pdf").write_bytes(b"%PDF-1.4 made by hand")            # never written by the tool
    assert cli("build", "--project", kit, "--lang", "fr").exit_code == 0
    assert names(dist) == [RECORD, "kit-de.pdf", "kit-en.pdf", "kit-fr.pdf"]  # en is still a campaign language
    toml = kit / "kit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('languages = ["fr", "en", "lb"]',
                                                             'languages = ["fr", "lb"]'), encoding="utf-8")
    r = cli("build", "--project", kit, "--lang", "fr")
    assert r.exit_code == 0, r.output
    assert f"removed {dist / 'kit-en.pdf'}" in r.stdout
    assert names(dist) == [RECORD, "kit-de.pdf", "kit-fr.pdf"]


def test_manifest_as_xlsx_same_rows_inert_formulas_same_bytes(cli, kit):
    folder = kit / "dist" / "signatures"
    groups = 'a,"=HYPERLINK(""http://x"")",fr,2\nb,+32 Klass,en,1\nc,@Klass -1,lb,1\n'
    r = sign(cli, kit, groups, "--xlsx")
    assert r.exit_code == 0, r.output
    assert "and manifest.csv and manifest.xlsx to" in r.stdout
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
        from_csv = list(csv.reader(fh))
    sheet = openpyxl.load_workbook(folder / "manifest.xlsx").active
    from_xlsx = [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert from_xlsx == from_csv
    assert [row[2] for row in from_csv[1:]] == ["'=HYPERLINK(\"http://x\")"] * 2 + ["'+32 Klass", "'@Klass -1"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    first = (folder / "manifest.xlsx").read_bytes()
    assert sign(cli, kit, groups, "--xlsx").exit_code == 0
    assert (folder / "manifest.xlsx").read_bytes() == first


def test_xlsx_bytes_do_not_depend_on_the_time_of_writing():
    import time

    from w4r_kit.tables import table_bytes
    first = table_bytes(["a", "b"], [["=1+1", 2]], "xlsx")
    time.sleep(1.01)                  # openpyxl stamps the second it saves at
    assert table_bytes(["a", "b"], [["=1+1", 2]], "xlsx") == first
