"""The registry (SPEC §11–12): what `case --group` and `signatures` record, stable and unique
sheet ids, concurrent writers, schema migrations, exports — against SQLite and against a
real PostgreSQL server (tests/pgserver.py)."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import create_engine, inspect, text

from conftest import ROOT
from pdfcheck import page_texts, qr_codes
from pgserver import pg_database, pg_url  # noqa: F401 - fixtures
from w4r_kit.errors import KitError
from w4r_kit.registry import IssuedSheet, Registry, SheetKey, UnknownSheet, database_url, issue
from w4r_kit.registry import migrate
from w4r_kit.registry.schema import metadata, packs, sheets
from w4r_kit.tracking import sheet_id

GROUPS_CSV = """id,name,lang,sheets,cases,audience,contact
klasse-6a,Klass 6A – Lycée,lb,2,dang-dinh-bach,youth,Mme Weber
esch,Groupe local Esch,fr,1,dang-dinh-bach joel-paredes,adult,groupe.esch@example.org
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty registry database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    return request.getfixturevalue("pg_database")


@pytest.fixture()
def recording_to(monkeypatch, db_url) -> str:
    """The CLI records into `db_url` (W4R_KIT_DB)."""
    monkeypatch.setenv("W4R_KIT_DB", db_url)
    return db_url


def key(group: str, case: str = "dang-dinh-bach", k: int = 1, lang: str = "fr", audience: str = "adult"):
    return SheetKey("amnesty-lu", 2024, group, case, lang, k, audience)


def issued(keys: list[SheetKey], ids: list[str], file: str = "x.pdf") -> list[IssuedSheet]:
    return [IssuedSheet(sid, k.case, k.lang, k.number, len(keys), f"https://example.org/?s={sid}", file, i + 1)
            for i, (k, sid) in enumerate(zip(keys, ids))]


def record(reg: Registry, group: str, n: int = 2, **extra) -> tuple[int | None, list[str]]:
    keys = [key(group, k=k) for k in range(1, n + 1)]
    ids = reg.assign_ids(keys)
    pack = reg.record_pack(extra.get("route", "web"), "amnesty-lu-2024", group, extra.get("name", group.title()),
                           extra.get("contact", ""), "fr", "adult", ["dang-dinh-bach"], issued(keys, ids))
    return pack, ids


# -- the CLI records what it issues ------------------------------------------------------------

def test_case_with_a_group_records_its_pack_and_sheets_as_printed(cli, example_copy, tmp_path, recording_to):
    out = tmp_path / "dist"
    args = ("case", "dang-dinh-bach", "--lang", "lb", "--group", "Klass 5B", "--sheets", 2,
            "--project", example_copy, "--out", out)
    r = cli(*args)
    assert r.exit_code == 0, r.output
    reg = Registry.open_url(recording_to)
    [pack] = reg.packs()
    assert (pack.route, pack.group_id, pack.group_name, pack.lang, pack.audience, pack.cases, pack.sheets) == \
        ("cli-case", "klass-5b", "Klass 5B", "lb", "adult", ("dang-dinh-bach",), 2)
    assert pack.campaign == "amnesty-lu-2024"
    recorded = reg.sheets(pack.id)
    assert [(s.number, s.of, s.file) for s in recorded] == [(1, 2, "dang-dinh-bach-lb.pdf"), (2, 2, "dang-dinh-bach-lb.pdf")]
    pdf = out / "dang-dinh-bach-lb.pdf"
    texts = page_texts(pdf)
    for s in recorded:                       # the recorded page carries that sheet: id printed, URL in its QR
        assert s.sheet_id in texts[s.page - 1] and "Klass 5B" in texts[s.page - 1]
        assert qr_codes(pdf, s.page - 1) == [s.url]
        assert reg.sheet(s.sheet_id) == s
    # Regenerating the same pack records nothing twice, and the ids stay the same.
    assert cli(*args).exit_code == 0
    assert [p.id for p in reg.packs()] == [pack.id]
    assert reg.sheets() == recorded
    # More sheets for the same group: only the new one is recorded, in a pack of its own.
    assert cli(*args[:-6], "--sheets", 3, *args[-4:]).exit_code == 0
    assert [p.sheets for p in reg.packs()] == [1, 2]
    assert [s.sheet_id for s in reg.sheets()][:2] == [s.sheet_id for s in recorded]
    reg.close()


def test_signatures_records_every_sheet_of_its_manifest(cli, example_copy, tmp_path, recording_to):
    groups = tmp_path / "groups.csv"
    groups.write_text(GROUPS_CSV, encoding="utf-8")
    out = tmp_path / "dist"
    args = ("signatures", "--groups", groups, "--project", example_copy, "--out", out)
    r = cli(*args)
    assert r.exit_code == 0, r.output
    with open(out / "signatures" / "manifest.csv", encoding="utf-8", newline="") as fh:
        manifest = list(csv.DictReader(fh))
    reg = Registry.open_url(recording_to)
    by_id = {s.sheet_id: s for s in reg.sheets()}
    assert len(by_id) == len(manifest) == 4
    for row in manifest:
        s = by_id[row["sheet_id"]]
        assert (s.group_id, s.group_name, s.case, s.lang, s.url, s.file, s.page) == \
            (row["group_id"], row["group_name"], row["case"], row["lang"], row["url"],
             "signatures/" + row["file"], int(row["page"]))
    packs_ = {p.group_id: p for p in reg.packs(route="cli-signatures")}
    assert packs_["klasse-6a"].audience == "youth" and packs_["klasse-6a"].contact == "Mme Weber"
    assert packs_["esch"].cases == ("dang-dinh-bach", "joel-paredes")
    assert [p.group_id for p in reg.packs(group="Lycée")] == ["klasse-6a"]
    assert [p.group_id for p in reg.packs(case="joel-paredes")] == ["esch"]
    assert reg.packs(lang="en") == [] and reg.packs(campaign="amnesty-lu-2023") == []
    assert len(reg.sheets(campaign="amnesty-lu-2024")) == 4 and len(reg.packs(campaign="amnesty-lu-2024")) == 2
    assert [p.group_id for p in reg.packs(limit=1)] == ["esch"] and [p.group_id for p in reg.packs(offset=1)] == \
        ["klasse-6a"]
    assert cli(*args).exit_code == 0                              # the same run again: nothing new
    assert len(reg.sheets()) == 4 and len(reg.packs()) == 2
    reg.close()


def test_build_and_case_without_group_record_nothing(cli, example_copy, tmp_path, monkeypatch):
    """Masters (no group) are copied many times over: their sheet ids mean nothing per sheet."""
    monkeypatch.delenv("W4R_KIT_DB")
    assert cli("case", "dang-dinh-bach", "--lang", "fr", "--project", example_copy, "--out", tmp_path).exit_code == 0
    assert not (example_copy / "registry.sqlite").exists()


def test_default_registry_is_registry_sqlite_at_the_project_root(cli, example_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("W4R_KIT_DB")
    r = cli("case", "dang-dinh-bach", "--lang", "fr", "--group", "Esch", "--project", example_copy,
            "--out", tmp_path)
    assert r.exit_code == 0, r.output
    reg = Registry.open(__import__("w4r_kit.project").project.Project.at(example_copy))
    assert reg.url == f"sqlite:///{example_copy / 'registry.sqlite'}"
    assert [p.group_name for p in reg.packs()] == ["Esch"]
    with reg.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    reg.close()
    r = cli("registry", "info", "--project", example_copy)
    assert r.exit_code == 0 and r.stdout.splitlines()[:4] == [
        f"registry: sqlite:///{example_copy / 'registry.sqlite'}", f"schema revision: {migrate.head()}",
        "packs: 1", "sheets: 1"]
    # W4R_KIT_DB wins over kit.toml, which wins over the default.
    toml = example_copy / "kit.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[registry]\nurl = "sqlite:///other.sqlite"\n', "utf-8")
    assert cli("registry", "info", "--project", example_copy).stdout.startswith(
        f"registry: sqlite:///{example_copy / 'other.sqlite'}\n")
    monkeypatch.setenv("W4R_KIT_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert cli("registry", "info", "--project", example_copy).stdout.startswith(
        f"registry: sqlite:///{tmp_path / 'env.sqlite'}\n")


def test_registry_url_in_kit_toml_and_its_mistakes(cli, example_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("W4R_KIT_DB")
    toml = example_copy / "kit.toml"
    base = toml.read_text(encoding="utf-8")
    toml.write_text(base + '\n[registry]\nurl = "sqlite:///records/w4r.sqlite"\n', encoding="utf-8")
    args = ("case", "dang-dinh-bach", "--lang", "fr", "--group", "Esch", "--project", example_copy, "--out", tmp_path)
    assert cli(*args).exit_code == 0
    assert (example_copy / "records" / "w4r.sqlite").is_file()     # relative to the project, not the cwd
    line = base.count("\n") + 3
    args = (*args[:-1], tmp_path / "again")
    toml.write_text(base + '\n[registry]\nurl = "mysql://kit@localhost/w4r"\n', encoding="utf-8")
    r = cli(*args)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"kit.toml:{line}: [registry] url: mysql://kit@localhost/w4r: the registry "
                                        "runs on SQLite or PostgreSQL; use sqlite:///... or postgresql://...")
    assert "Traceback" not in r.output and not (tmp_path / "again").exists()
    toml.write_text(base + '\n[registry]\nurl = "registry.sqlite"\n', encoding="utf-8")
    r = cli(*args)
    assert r.exit_code == 1 and f"kit.toml:{line}: [registry] url: 'registry.sqlite' is not a database URL" in r.stderr


def test_an_unreachable_database_is_one_message_and_nothing_written(cli, example_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("W4R_KIT_DB", f"postgresql://kit:secret@/w4r?host={tmp_path}&port=1")
    r = cli("case", "dang-dinh-bach", "--lang", "fr", "--group", "Esch", "--project", example_copy,
            "--out", tmp_path / "dist")
    assert r.exit_code == 1
    first = r.stderr.splitlines()[0]
    assert first.startswith("W4R_KIT_DB: cannot open the registry postgresql+psycopg://kit:***@/w4r")
    assert "secret" not in r.output and "Traceback" not in r.output
    assert not (tmp_path / "dist").exists()


# -- sheet ids: stable, unique across every route ---------------------------------------------

def test_an_id_taken_by_another_sheet_is_rehashed_and_stays_stable(cli, example_copy, tmp_path, recording_to):
    reg = Registry.open_url(recording_to)
    parts = ("amnesty-lu", 2024, "klass-5b", "dang-dinh-bach", "fr", 1)
    natural = sheet_id(*parts)
    # Another route already gave the id that sheet 1 of Klass 5B hashes to to a different sheet.
    other = key("someone-else")
    reg.record_pack("web", "amnesty-lu-2024", "someone-else", "Someone", "", "fr", "adult", ["dang-dinh-bach"],
                    [IssuedSheet(natural, other.case, "fr", 1, 1, "https://example.org/", "web.pdf", 1)])
    args = ("case", "dang-dinh-bach", "--lang", "fr", "--group", "Klass 5B", "--sheets", 2,
            "--project", example_copy, "--out", tmp_path)
    assert cli(*args).exit_code == 0
    mine = [s for s in reg.sheets() if s.group_id == "klass-5b"]
    assert [s.sheet_id for s in mine] == [sheet_id(*parts, 1), sheet_id(*parts[:-1], 2)]
    assert mine[0].sheet_id in page_texts(tmp_path / "dang-dinh-bach-fr.pdf")[mine[0].page - 1]
    assert cli(*args).exit_code == 0                   # again: the recorded ids, nothing new
    assert [s.sheet_id for s in reg.sheets() if s.group_id == "klass-5b"] == [s.sheet_id for s in mine]
    assert len(reg.sheets()) == 3
    reg.close()


def test_a_concurrent_writer_taking_an_id_makes_the_pack_plan_again(db_url):
    reg, rival = Registry.open_url(db_url), Registry.open_url(db_url)
    keys = [key("g1", k=k) for k in (1, 2)]
    attempts = []

    def attempt(ids):
        planned = [ids.make(*k.parts) for k in keys]
        attempts.append(planned)
        if len(attempts) == 1:      # between planning and recording, another instance records that id
            rival.record_pack("web", "amnesty-lu-2024", "g2", "G2", "", "fr", "adult", ["c"],
                              [IssuedSheet(planned[0], "c", "fr", 1, 1, "u", "f", 1)])
        return reg.record_pack("web", "amnesty-lu-2024", "g1", "G1", "", "fr", "adult", ["dang-dinh-bach"],
                               issued(keys, planned))

    pack_id = issue(reg, keys, attempt)
    assert len(attempts) == 2 and attempts[1][0] != attempts[0][0] and attempts[1][1] == attempts[0][1]
    assert [s.sheet_id for s in reg.sheets(pack_id)] == attempts[1]
    assert reg.sheet(attempts[0][0]).group_id == "g2"
    reg.close(), rival.close()


WORKER = textwrap.dedent("""
    import sys
    from w4r_kit import tracking
    from w4r_kit.registry import IssuedSheet, Registry, SheetKey, issue
    tracking.sheet_id.__kwdefaults__["length"] = 2      # 1,024 ids: clashes everywhere, on purpose
    url, worker = sys.argv[1], int(sys.argv[2])
    reg = Registry.open_url(url)
    for i in range(20):
        group = f"g{(i * 7 + worker * 3) % 40}"             # workers share groups: the same packs race
        keys = [SheetKey("s", 2024, group, "c", "fr", k, "adult") for k in (1, 2, 3)]
        def attempt(ids):
            sids = [ids.make(*k.parts) for k in keys]
            sheets = [IssuedSheet(sid, "c", "fr", k.number, 3, "u/" + sid, "f", k.number) for k, sid in zip(keys, sids)]
            reg.record_pack("web", "s-2024", group, group, "", "fr", "adult", ["c"], sheets)
            return sids
        print(group, *issue(reg, keys, attempt), flush=True)
""")


def test_processes_recording_at_once_lose_nothing_and_never_share_an_id(db_url):
    """Three processes open a new registry at once (one creates it, the others wait) and record
    packs, some the same, with 2-character ids so that ids clash all the time."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(w)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for w in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    handed_out: dict[tuple[str, int], str] = {}
    for out, _ in results:
        for line in out.splitlines():
            group, *ids = line.split()
            for k, sid in enumerate(ids, 1):
                # Whoever issued a sheet got the same id for it as everyone else.
                assert handed_out.setdefault((group, k), sid) == sid
    assert len(handed_out) > 50
    reg = Registry.open_url(db_url)
    assert reg.revision() == migrate.head()
    recorded = {(s.group_id, s.number): s.sheet_id for s in reg.sheets()}
    assert recorded == handed_out                             # nothing lost, nothing extra
    assert len(set(recorded.values())) == len(recorded)       # no id given to two sheets
    assert sum(sid != sheet_id("s", 2024, g, "c", "fr", k, length=2) for (g, k), sid in recorded.items()) > 3
    assert all(p.sheets > 0 for p in reg.packs())
    reg.close()


# -- schema versions ----------------------------------------------------------------------------

def test_an_older_registry_is_upgraded_on_open_with_its_records(db_url, cli, example_copy, monkeypatch):
    engine = create_engine(database_url(db_url))
    with engine.begin() as conn:
        assert migrate.upgrade(conn, migrate.revisions()[0]) == (None, "0001")
        conn.execute(packs.insert().values(id=1, route="cli-case", campaign="amnesty-lu-2024",
                                           issued_at=__import__("datetime").datetime(2024, 11, 5, 9, 30),
                                           group_id="esch", group_name="Esch", contact="", lang="fr",
                                           audience="adult", cases="dang-dinh-bach"))
        conn.execute(sheets.insert().values(sheet_id="abcdefg", pack_id=1, campaign="amnesty-lu-2024",
                                            group_id="esch", case_id="dang-dinh-bach", lang="fr", number=1, of=1,
                                            audience="adult", url="https://example.org/", file="x.pdf", page=4))
        assert "ix_sheets_pack_id" not in {i["name"] for i in inspect(conn).get_indexes("sheets")}
    engine.dispose()
    if db_url.startswith("sqlite"):      # `registry upgrade` says what it did
        monkeypatch.setenv("W4R_KIT_DB", db_url)
        r = cli("registry", "upgrade", "--project", example_copy)
        assert r.exit_code == 0 and r.stdout == f"{db_url}: schema upgraded from 0001 to {migrate.head()}\n"
        r = cli("registry", "upgrade", "--project", example_copy)
        assert r.stdout == f"{db_url}: schema at revision {migrate.head()}, the newest\n"
    reg = Registry.open_url(db_url)
    assert reg.revision() == migrate.head() != "0001"
    assert reg.sheet("abcdefg").group_name == "Esch" and reg.packs()[0].issued_at.year == 2024
    with reg.engine.connect() as conn:
        assert "ix_sheets_pack_id" in {i["name"] for i in inspect(conn).get_indexes("sheets")}
    reg.close()


def test_the_revisions_listed_in_code_are_the_migration_files():
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(migrate.config())
    assert tuple(reversed([s.revision for s in script.walk_revisions()])) == migrate.REVISIONS


def test_the_migrations_build_exactly_the_declared_schema(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    reg = Registry.open_url(db_url)
    with reg.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    reg.close()


def test_a_registry_newer_than_the_code_is_refused(db_url, cli, example_copy, monkeypatch):
    Registry.open_url(db_url).close()
    engine = create_engine(database_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(KitError) as exc:
        Registry.open_url(db_url)
    assert "was written by a newer w4r-kit (schema revision 0099; this version knows up to " \
           f"{migrate.head()}); upgrade w4r-kit" in str(exc.value)
    monkeypatch.setenv("W4R_KIT_DB", db_url)
    r = cli("registry", "info", "--project", example_copy)
    assert r.exit_code == 1 and r.stderr.startswith("W4R_KIT_DB: ") and "newer w4r-kit" in r.stderr


def test_a_database_holding_other_tables_is_not_taken_over(tmp_path):
    path = tmp_path / "other.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER)"))
    engine.dispose()
    with pytest.raises(KitError, match="already holds tables that are not a w4r-kit registry"):
        Registry.open_url(f"sqlite:///{path}")


# -- returns --------------------------------------------------------------------------------------

def test_returns_count_a_sheet_once_and_staff_settle_reviews(db_url):
    reg = Registry.open_url(db_url)
    _, (a, b) = record(reg, "esch")
    assert reg.record_scan(a, "scan-1.pdf", 3, 12, 7, 5, "read")
    assert not reg.record_scan(a, "scan-2.pdf", 8, 11, 7, 4, "read")        # scanned twice: counted once
    assert reg.record_scan(b, "scan-1.pdf", 4, None, None, None, "review", "rows 3, 7 unclear")
    assert not reg.record_scan(b, "scan-1.pdf", 4, None, None, None, "review")   # the same page again
    assert reg.returns()[b].status == "review"
    reg.set_sheet(b, 9, 4, 5)
    got = reg.returns()
    assert (got[a].status, got[a].signatures, got[a].scan_file, got[a].page) == ("read", 12, "scan-1.pdf", 3)
    assert (got[b].status, got[b].signatures, got[b].consent_yes, got[b].consent_no) == ("set", 9, 4, 5)
    with pytest.raises(UnknownSheet):
        reg.record_scan("zzzzzzz", "scan-1.pdf", 9, 1, 0, 0, "read")
    reg.add_count("esch", "dang-dinh-bach", 14, 0, note="brought by hand")
    reg.add_online("esch", a, "dang-dinh-bach", 3, "petition.csv")
    reg.add_online(None, None, None, 2, "petition.csv")
    assert [(c.group_id, c.letters, c.source) for c in reg.counts()] == [("esch", 14, "hand")]
    assert [(o.group_id, o.count) for o in reg.online()] == [("esch", 3), (None, 2)]
    reg.add_staff("anne", "$argon2id$x")
    assert reg.staff_hash("anne") == "$argon2id$x" and reg.staff_hash("bob") is None
    reg.close()


# -- export ---------------------------------------------------------------------------------------

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"click\")"


def test_export_csv_and_xlsx_one_row_per_sheet_with_formulas_neutralised(cli, example_copy, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    monkeypatch.setenv("W4R_KIT_DB", url)
    reg = Registry.open_url(url)
    _, (a, b) = record(reg, "esch", name=HOSTILE, contact="+352 123")
    record(reg, "bonnevoie", n=1, contact="@handle")
    reg.record_scan(a, "scan.pdf", 2, 11, 6, 5, "read")
    reg.add_count("esch", None, 7, 0, note="-5 pages torn")
    reg.add_online("esch", a, "dang-dinh-bach", 4, "export.csv")
    reg.close()

    out = tmp_path / "export" / "registry.csv"
    r = cli("registry", "export", "--project", example_copy, "--out", out)
    assert r.exit_code == 0, r.output
    assert "3 sheets exported" in r.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3
    first = {row["sheet_id"]: row for row in rows}[a]
    assert first["group_name"] == "'" + HOSTILE and first["contact"] == "'+352 123"
    assert (first["returned"], first["signatures"], first["consent_yes"], first["scan_file"], first["online"]) == \
        ("read", "11", "6", "scan.pdf", "4")
    assert {row["contact"] for row in rows} == {"'+352 123", "'@handle"}
    assert {row["returned"] for row in rows if row["sheet_id"] != a} == {""}
    counts = list(csv.DictReader(io.StringIO((tmp_path / "export" / "registry-counts.csv").read_text("utf-8-sig"))))
    assert counts[0]["note"] == "'-5 pages torn" and counts[0]["letters"] == "7"

    xlsx = tmp_path / "registry.xlsx"
    assert cli("registry", "export", "--project", example_copy, "--out", xlsx).exit_code == 0
    from openpyxl import load_workbook
    book = load_workbook(xlsx)
    assert book.sheetnames == ["sheets", "counts", "online"]
    table = list(book["sheets"].values)
    header, data = table[0], table[1:]
    assert len(data) == 3
    cells = [c for row in book["sheets"].iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]       # not one formula
    named = {row[header.index("sheet_id")]: row for row in data}[a]
    assert named[header.index("group_name")] == "'" + HOSTILE
    assert named[header.index("signatures")] == 11 and named[header.index("page")] == 1

    r = cli("registry", "export", "--project", example_copy, "--out", tmp_path / "registry.ods")
    assert r.exit_code == 2 and "must end in .csv or .xlsx" in r.output


def test_init_keeps_the_registry_out_of_version_control(starter):
    ignored = (starter / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "registry.sqlite" in ignored and "registry.sqlite-*" in ignored


def test_the_web_route_records_its_packs_through_the_same_path(example_copy, tmp_path):
    from w4r_kit.batch import issue_packs
    from w4r_kit.load import load_project
    from w4r_kit.model import Group
    from w4r_kit.project import Project
    kit = load_project(Project.at(example_copy), allow_incomplete=True)
    reg = Registry.open_url(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    adult = Group(id="klass-5b", name="Klass 5B", lang="fr", sheets=2, cases=("dang-dinh-bach",))
    youth = Group(id="klass-5b", name="Klass 5B", lang="fr", sheets=2, cases=("dang-dinh-bach",), audience="youth",
                  contact="prof@example.org")
    [(_, pdf, rows)] = issue_packs(kit, [adult], reg, issued_by="anne")
    assert pdf.startswith(b"%PDF") and [p.route for p in reg.packs()] == ["web"]
    assert [(s.sheet_id, s.page, s.url) for s in reg.sheets()] == [(r.sheet_id, r.page, r.url) for r in rows]
    assert issue_packs(kit, [adult], reg)[0][2] == rows and len(reg.packs()) == 1     # the same download again
    # The same group, case and numbers on a youth form: other sheets, so other ids.
    [(_, _, youth_rows)] = issue_packs(kit, [youth], reg)
    assert not {r.sheet_id for r in youth_rows} & {r.sheet_id for r in rows}
    assert [p.audience for p in reg.packs()] == ["youth", "adult"] and reg.packs()[1].issued_by == "anne"
    reg.close()


def test_when_recording_fails_nothing_is_written_and_nothing_recorded(cli, example_copy, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    monkeypatch.setenv("W4R_KIT_DB", url)
    reg = Registry.open_url(url)
    with reg.engine.begin() as conn:     # a database that refuses the sheets (full, read-only, ...)
        conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON sheets BEGIN "
                             "SELECT RAISE(ABORT, 'disk quota exceeded'); END")
    groups = tmp_path / "groups.csv"
    groups.write_text(GROUPS_CSV, encoding="utf-8")
    out = tmp_path / "dist"
    (out / "signatures").mkdir(parents=True)
    (out / "signatures" / "manifest.csv").write_text("an earlier run\n", encoding="utf-8")
    r = cli("signatures", "--groups", groups, "--project", example_copy, "--out", out, "--jobs", 2)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"W4R_KIT_DB: cannot record in the registry {url}: disk quota exceeded")
    assert r.stderr.splitlines()[-1] == "1 problem found; nothing was written."
    assert sorted(p.name for p in (out / "signatures").iterdir()) == ["manifest.csv"]     # no PDF, no temp file
    assert (out / "signatures" / "manifest.csv").read_text(encoding="utf-8") == "an earlier run\n"
    assert reg.packs() == [] and reg.sheets() == []
    with reg.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER refuse")
    r = cli("signatures", "--groups", groups, "--project", example_copy, "--out", out, "--jobs", 2)
    assert r.exit_code == 0, r.output
    assert len(reg.sheets()) == 4 and len(reg.packs()) == 2
    reg.close()


PROBE_MIGRATION = '''"""A later migration that makes SQLite copy the sheets table (scans and online refer to it).

Revision ID: 9001
Revises: {head}
"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sheets", recreate="always") as batch:
        batch.alter_column("file", existing_type=sa.String(500), nullable=True)


def downgrade():
    pass
'''


def test_a_migration_that_copies_a_referenced_table_keeps_every_record(tmp_path, monkeypatch):
    """SQLite's batch mode drops and renames tables: the runner switches foreign keys off
    meanwhile and checks them whole before committing."""
    import shutil
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    reg = Registry.open_url(url)
    _, (a, _b) = record(reg, "esch")
    reg.record_scan(a, "scan.pdf", 1, 4, 2, 2, "read")
    reg.add_online("esch", a, "dang-dinh-bach", 1, "export.csv")
    reg.close()
    later = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "9001_probe.py").write_text(PROBE_MIGRATION.format(head=migrate.head()), encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", later)
    monkeypatch.setattr(migrate, "REVISIONS", (*migrate.REVISIONS, "9001"))
    reg = Registry.open_url(url)
    assert reg.revision() == "9001"
    assert reg.returns()[a].signatures == 4 and reg.online()[0].sheet_id == a and len(reg.sheets()) == 2
    with reg.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    reg.close()


def test_on_sqlite_a_long_read_does_not_hold_up_a_writer(tmp_path):
    """The staff pages read while visitors' packs are recorded: reads are snapshots."""
    import time
    reg = Registry.open_url(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    with reg._reading() as conn:
        assert conn.execute(text("SELECT count(*) FROM sheets")).scalar() == 0
        start = time.monotonic()
        record(reg, "esch")
        assert time.monotonic() - start < 5                     # not the 30 s busy timeout
        assert conn.execute(text("SELECT count(*) FROM sheets")).scalar() == 0     # its snapshot
    assert len(reg.sheets()) == 2
    reg.close()
