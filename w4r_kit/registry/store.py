"""The registry (SPEC §11, §12): everything a section hands out and gets back, in one database.

`Registry` wraps an SQLAlchemy engine (SQLite by default, PostgreSQL by URL); every method
is one short transaction and returns plain dataclasses. Writes that belong together (a
pack and its sheets; every pack of a run) commit together or not at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from sqlalchemy import (Engine, and_, create_engine, delete, event, func, literal, or_, select)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from ..errors import KitError, Problem, Problems
from ..tracking import SheetIds, sheet_id as hash_sheet_id
from . import migrate
from .schema import ROUTES, counts, online, packs, scans, sheets, staff, staff_sessions

ENV_VAR = "W4R_KIT_DB"
DEFAULT_FILE = "registry.sqlite"
BUSY_TIMEOUT_MS = 30_000        # a writer waits this long for another to finish before giving up
CHUNK = 500                     # values per IN (...): well under every database's parameter limit


class SheetIdClash(Exception):
    """A sheet id was given to another sheet after ours were settled (a concurrent writer): plan again."""

    def __init__(self, sheet_id: str) -> None:
        super().__init__(f"sheet id {sheet_id} is already recorded for another sheet")
        self.sheet_id = sheet_id


class UnknownSheet(LookupError):
    """No sheet with that id was ever issued."""


class StaffExists(ValueError):
    """A staff account of that name exists already."""


@dataclass(frozen=True)
class IssuedSheet:
    """One printed signature sheet, as recorded."""

    sheet_id: str
    case: str
    lang: str
    number: int          # k of "k / n"
    of: int              # n
    url: str             # the tracked URL in its QR code
    file: str            # the PDF it was written to (relative to the output folder where it can be)
    page: int            # 1-based page in that file


@dataclass(frozen=True)
class IssuedPack:
    """One group's pack, as `record_packs` takes it."""

    group_id: str
    group_name: str
    contact: str
    lang: str
    audience: str
    cases: tuple[str, ...]
    sheets: tuple[IssuedSheet, ...]


@dataclass(frozen=True)
class SheetKey:
    """What a sheet id is hashed from (tracking.SheetIds parts), and the form the sheet carries."""

    section: str
    year: int
    group_id: str
    case: str
    lang: str
    number: int
    audience: str

    @property
    def parts(self) -> tuple:
        return (self.section, self.year, self.group_id, self.case, self.lang, self.number)

    @property
    def campaign(self) -> str:
        return campaign_name(self.section, self.year)

    @property
    def identity(self) -> tuple:
        return (self.campaign, self.group_id, self.case, self.lang, self.number, self.audience)


@dataclass(frozen=True)
class SheetRecord:
    sheet_id: str
    pack_id: int
    campaign: str
    route: str
    group_id: str
    group_name: str
    contact: str
    lang: str
    audience: str
    case: str
    number: int
    of: int
    url: str
    file: str
    page: int


@dataclass(frozen=True)
class PackRecord:
    id: int
    route: str
    campaign: str
    issued_at: dt.datetime
    issued_by: str | None
    group_id: str
    group_name: str
    contact: str
    lang: str
    audience: str
    cases: tuple[str, ...]
    sheets: int


@dataclass(frozen=True)
class ReturnRecord:
    """What counts for one returned sheet: staff's latest setting, else its first reading,
    else (status "review") the latest reading still waiting for staff."""

    sheet_id: str
    status: str
    signatures: int | None
    consent_yes: int | None
    consent_no: int | None
    scan_file: str | None
    page: int | None
    detail: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class CountRecord:
    id: int
    group_id: str
    case: str | None
    letters: int
    signatures: int
    source: str
    note: str
    recorded_at: dt.datetime
    campaign: str | None = None          # None: recorded before the registry knew (migration 0004)


@dataclass(frozen=True)
class OnlineRecord:
    id: int
    group_id: str | None
    sheet_id: str | None
    case: str | None
    count: int
    source_file: str
    recorded_at: dt.datetime
    campaign: str | None = None


def of_campaign(column, campaign: str):
    """A counts/online row of `campaign`, or one recorded before rows kept their campaign
    (NULL, migration 0004), which counts as it did."""
    return or_(column == campaign, column.is_(None))


def campaign_name(section: str, year: int) -> str:
    return f"{section}-{year}"


class AssignedIds(SheetIds):
    """tracking.SheetIds with the ids settled against the registry (see `Registry.sheet_ids`)."""

    def __init__(self, assigned: dict[tuple, str]) -> None:
        super().__init__()
        self.assigned = assigned
        self.seen |= set(assigned.values())

    def make(self, *parts: object) -> str:
        sid = self.assigned.get(parts)
        return sid if sid is not None else super().make(*parts)


def database_url(url: str, base: Path | None = None) -> str:
    """The SQLAlchemy URL for a user's URL: postgresql:// uses psycopg 3; a relative SQLite
    path is taken relative to `base` (the project) when given."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if base is not None and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = url[len("sqlite:///"):]
        if path and path != ":memory:" and not path.startswith("file:"):
            return f"sqlite:///{(base / path).resolve()}"
    return url


class Registry:
    """The registry of one project (or of one URL). Thread-safe; one per process is plenty."""

    def __init__(self, engine: Engine, where: Problem) -> None:
        self.engine = engine
        self.where = where            # what to name in a message about this registry
        self.upgrade_report: tuple[str | None, str] | None = None
        """(revision before, after) of the migration run on open."""

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, project, config=None) -> Registry:
        """The project's registry: env W4R_KIT_DB, else kit.toml [registry] url, else
        <project>/registry.sqlite. Created or upgraded to the newest schema on open."""
        env = os.environ.get(ENV_VAR, "").strip()
        if env:
            return cls.open_url(env, Problem("", 0, ENV_VAR, ""))
        if config is None:
            from ..config import load_config
            problems = Problems(project.root)
            config = load_config(project, problems)
            problems.raise_if_errors()
        url = getattr(getattr(config, "registry", None), "url", "") if config else ""
        if url:
            line = config.line("registry", "url")
            return cls.open_url(database_url(url, project.root), Problem("kit.toml", line, "[registry] url", ""))
        path = project.root / DEFAULT_FILE
        return cls.open_url(f"sqlite:///{path}", Problem(DEFAULT_FILE, 0, "", ""))

    @classmethod
    def open_url(cls, url: str, where: Problem | None = None) -> Registry:
        """The registry at an SQLAlchemy URL (postgresql://... uses psycopg 3)."""
        where = where or Problem("", 0, "registry", "")
        url = database_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise _problem(where, f"'{url}' is not a database URL; use sqlite:///path/registry.sqlite or "
                                  "postgresql://user:password@host/dbname") from None
        backend = parsed.get_backend_name()
        shown = parsed.render_as_string(hide_password=True)
        if backend not in ("sqlite", "postgresql"):
            raise _problem(where, f"{shown}: the registry runs on SQLite or PostgreSQL; use sqlite:///... "
                                  "or postgresql://...")
        try:
            if backend == "sqlite":
                engine = _sqlite_engine(parsed)
            else:
                engine = create_engine(parsed, pool_pre_ping=True)
        except (NoSuchModuleError, ImportError) as exc:
            raise _problem(where, f"{shown}: the database driver is missing ({exc}); "
                                  "pip install 'psycopg[binary]'") from None
        except OSError as exc:           # the SQLite file's folder cannot be created
            raise _problem(where, f"cannot open the registry {shown}: {exc.strerror}") from None
        registry = cls(engine, where)
        registry.upgrade_report = registry.upgrade()
        return registry

    def upgrade(self) -> tuple[str | None, str]:
        """Create or migrate the schema to the newest revision; returns (before, after)."""
        try:
            with self.engine.connect() as conn:
                sqlite = conn.dialect.name == "sqlite"
                if sqlite:
                    # SQLite's batch ALTERs copy a table, drop it and rename the copy: foreign
                    # keys are switched off meanwhile (only possible outside a transaction),
                    # then checked whole before the migration commits.
                    conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
                try:
                    with conn.begin():
                        done = migrate.upgrade(conn)
                        if sqlite and done[0] != done[1]:
                            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                            if broken:
                                raise migrate.SchemaError(f"the migration would break {len(broken)} reference(s) "
                                                          f"between tables (first: {tuple(broken[0])}); "
                                                          "nothing was changed")
                    return done
                finally:
                    if sqlite:
                        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
        except migrate.SchemaError as exc:
            raise _problem(self.where, f"{self.url}: {exc}") from None
        except DBAPIError as exc:
            raise _problem(self.where, f"cannot open the registry {self.url}: {_reason(exc)}") from None

    def _reading(self):
        """A connection for reads: on SQLite its transaction is a snapshot that takes no write
        lock (writers go on meanwhile); every write re-checks what it read under the lock."""
        return self.engine.connect().execution_options(registry_reads_only=True)

    @property
    def url(self) -> str:
        """The URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def revision(self) -> str | None:
        with self._reading() as conn:
            return migrate.current(conn)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- issuing -------------------------------------------------------------------------------

    def assign_ids(self, keys: Sequence[SheetKey]) -> list[str]:
        """The id of each sheet in `keys`, in order: the recorded id of a sheet already in the
        registry; else the hash of its key (as tracking.SheetIds makes it), rehashed with a
        counter while the id is taken by another sheet of this run or of the registry."""
        with self._reading() as conn:
            known = self._known(conn, keys)
            out: list[str | None] = [known.get(k.identity) for k in keys]
            seen = set(known.values())
            pending = [(i, 0) for i, sid in enumerate(out) if sid is None]
            while pending:
                candidates = []
                for i, n in pending:
                    sid = hash_sheet_id(*keys[i].parts, *((n,) if n else ()))
                    while sid in seen:
                        n += 1
                        sid = hash_sheet_id(*keys[i].parts, n)
                    seen.add(sid)
                    candidates.append((i, n, sid))
                taken = self._existing(conn, [sid for _, _, sid in candidates])
                pending = []
                for i, n, sid in candidates:
                    if sid in taken:        # recorded for another sheet (ours were looked up above)
                        pending.append((i, n + 1))
                    else:
                        out[i] = sid
        return out  # type: ignore[return-value]

    def sheet_ids(self, keys: Sequence[SheetKey]) -> AssignedIds:
        """A tracking.SheetIds that gives the sheets of `keys` their registry-settled ids."""
        return AssignedIds({k.parts: sid for k, sid in zip(keys, self.assign_ids(keys))})

    def record_pack(self, route: str, campaign: str, group_id: str, group_name: str, contact: str, lang: str,
                    audience: str, cases: Iterable[str], sheets: Iterable[IssuedSheet],
                    issued_by: str | None = None) -> int | None:
        """Record one pack and its sheets in one transaction; returns the pack id.

        Re-issuing sheets already recorded records nothing again (the id of the pack that first
        had them is returned); a pack without sheets is not recorded (None). Raises
        SheetIdClash if an id is recorded for a different sheet.
        """
        pack = IssuedPack(group_id, group_name, contact or "", lang, audience, tuple(cases), tuple(sheets))
        return self.record_packs(route, campaign, [pack], issued_by)[0]

    def record_packs(self, route: str, campaign: str, issued: Sequence[IssuedPack],
                     issued_by: str | None = None) -> list[int | None]:
        """record_pack for many packs, all in one transaction (a run is recorded whole or not at all)."""
        if route not in ROUTES:
            raise ValueError(f"route must be one of {', '.join(ROUTES)}, not {route!r}")
        wanted = {s.sheet_id: (campaign, pack.group_id, s.case, s.lang, s.number, pack.audience)
                  for pack in issued for s in pack.sheets}
        now = _now()
        with self.engine.begin() as conn:
            found = self._identities(conn, list(wanted))
            for sid, (identity, _) in found.items():
                if identity != wanted[sid]:
                    raise SheetIdClash(sid)
            ids: list[int | None] = []
            created: set[int] = set()
            rows = []
            for pack in issued:
                new = [s for s in pack.sheets if s.sheet_id not in found]
                if not new:                       # nothing, or the same pack again: nothing new
                    ids.append(found[pack.sheets[0].sheet_id][1] if pack.sheets else None)
                    continue
                pack_id = conn.execute(packs.insert().values(
                    route=route, campaign=campaign, issued_at=now, issued_by=issued_by, group_id=pack.group_id,
                    group_name=pack.group_name, contact=pack.contact, lang=pack.lang, audience=pack.audience,
                    cases=" ".join(pack.cases)).returning(packs.c.id)).scalar_one()
                ids.append(pack_id)
                created.add(pack_id)
                rows += [dict(sheet_id=s.sheet_id, pack_id=pack_id, campaign=campaign, group_id=pack.group_id,
                              case_id=s.case, lang=s.lang, number=s.number, of=s.of, audience=pack.audience,
                              url=s.url, file=s.file, page=s.page) for s in new]
            if not rows:
                return ids
            # Another process may have recorded some of these since the look-up above: the
            # unique constraints skip them here (RETURNING gives the rows really inserted, and
            # makes SQLAlchemy send many rows per statement), and the check below decides.
            inserted = set(conn.execute(self._insert_ignoring_duplicates(sheets).returning(sheets.c.sheet_id),
                                        rows).scalars())
            skipped = [row["sheet_id"] for row in rows if row["sheet_id"] not in inserted]
            now_there = self._identities(conn, skipped)
            for sid in skipped:
                if sid not in now_there or now_there[sid][0] != wanted[sid]:
                    raise SheetIdClash(sid)       # rolls the whole run back
            mine = {row["pack_id"] for row in rows if row["sheet_id"] in inserted}
            for i, pack in enumerate(issued):
                if ids[i] in created and ids[i] not in mine:
                    # Every new sheet of this pack was recorded by someone else meanwhile.
                    conn.execute(delete(packs).where(packs.c.id == ids[i]))
                    ids[i] = next(now_there[s.sheet_id][1] for s in pack.sheets if s.sheet_id in now_there)
        return ids

    def _insert_ignoring_duplicates(self, table):
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing()

    def _identities(self, conn, sheet_ids: list[str]) -> dict[str, tuple[tuple, int]]:
        """sheet id -> (identity, pack id) of those recorded."""
        c = sheets.c
        out = {}
        for chunk in _chunks(sheet_ids):
            for row in conn.execute(select(c.sheet_id, c.campaign, c.group_id, c.case_id, c.lang, c.number,
                                           c.audience, c.pack_id).where(c.sheet_id.in_(chunk))):
                out[row[0]] = (tuple(row[1:7]), row[7])
        return out

    def _known(self, conn, keys: Sequence[SheetKey]) -> dict[tuple, str]:
        """identity -> recorded sheet id, for the sheets of `keys` already in the registry."""
        c = sheets.c
        wanted = {k.identity for k in keys}
        out = {}
        for campaign in sorted({k.campaign for k in keys}):
            groups = sorted({k.group_id for k in keys if k.campaign == campaign})
            for chunk in _chunks(groups):
                for row in conn.execute(select(c.campaign, c.group_id, c.case_id, c.lang, c.number, c.audience,
                                               c.sheet_id).where(c.campaign == campaign, c.group_id.in_(chunk))):
                    identity = tuple(row[:6])
                    if identity in wanted:
                        out[identity] = row[6]
        return out

    def _existing(self, conn, sheet_ids: list[str]) -> set[str]:
        found = set()
        for chunk in _chunks(sheet_ids):
            found.update(conn.execute(select(sheets.c.sheet_id).where(sheets.c.sheet_id.in_(chunk))).scalars())
        return found

    # -- reading what was issued ---------------------------------------------------------------

    def sheet(self, sheet_id: str) -> SheetRecord | None:
        with self._reading() as conn:
            row = conn.execute(_sheet_query().where(sheets.c.sheet_id == sheet_id)).first()
        return SheetRecord(*row) if row else None

    def sheets(self, pack_id: int | None = None, campaign: str | None = None) -> list[SheetRecord]:
        """Every sheet issued (of one pack, of one campaign), in the order recorded."""
        query = _sheet_query().order_by(sheets.c.id)
        if pack_id is not None:
            query = query.where(sheets.c.pack_id == pack_id)
        if campaign is not None:
            query = query.where(sheets.c.campaign == campaign)
        with self._reading() as conn:
            return [SheetRecord(*row) for row in conn.execute(query)]

    def packs(self, route: str | None = None, group: str | None = None, lang: str | None = None,
              case: str | None = None, limit: int | None = None, offset: int = 0,
              campaign: str | None = None) -> list[PackRecord]:
        """Packs issued, newest first; `group` matches a group id exactly or a part of a name
        (any case); `limit` and `offset` page through them."""
        p = packs.c
        n = (select(func.count()).select_from(sheets).where(sheets.c.pack_id == p.id)
             .correlate(packs).scalar_subquery())
        query = select(p.id, p.route, p.campaign, p.issued_at, p.issued_by, p.group_id, p.group_name, p.contact,
                       p.lang, p.audience, p.cases, n).order_by(p.id.desc())
        if route:
            query = query.where(p.route == route)
        if campaign:
            query = query.where(p.campaign == campaign)
        if group:
            query = query.where(or_(p.group_id == group, p.group_name.icontains(group, autoescape=True)))
        if lang:
            query = query.where(p.lang == lang)
        if case:
            query = query.where((literal(" ") + p.cases + literal(" ")).contains(f" {case} ", autoescape=True))
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self._reading() as conn:
            return [PackRecord(*row[:3], _utc(row[3]), *row[4:10], tuple(row[10].split()), row[11])
                    for row in conn.execute(query)]

    # -- returns (SPEC §12) --------------------------------------------------------------------

    def record_scan(self, sheet_id: str, scan_file: str, page: int, signatures: int | None,
                    consent_yes: int | None, consent_no: int | None, status: str, detail: str = "") -> bool:
        """Record what a scanned page held; False (nothing recorded) when the sheet was already
        read or set, or this very page of this scan file was recorded before."""
        if status not in ("read", "review"):
            raise ValueError(f"status must be 'read' or 'review', not {status!r}")
        with self.engine.begin() as conn:
            self._lock_sheet(conn, sheet_id)
            s = scans.c
            done = conn.execute(select(s.id).where(s.sheet_id == sheet_id, or_(
                s.status.in_(("read", "set")), and_(s.scan_file == scan_file, s.page == page))).limit(1)).first()
            if done:
                return False
            conn.execute(scans.insert().values(sheet_id=sheet_id, scan_file=scan_file, page=page,
                                               signatures=signatures, consent_yes=consent_yes,
                                               consent_no=consent_no, status=status, detail=detail or "",
                                               recorded_at=_now()))
        return True

    def set_sheet(self, sheet_id: str, signatures: int, consent_yes: int | None = None,
                  consent_no: int | None = None, detail: str = "") -> None:
        """Staff's figures for a sheet: they override whatever was read."""
        with self.engine.begin() as conn:
            self._lock_sheet(conn, sheet_id)
            conn.execute(scans.insert().values(sheet_id=sheet_id, scan_file=None, page=None, signatures=signatures,
                                               consent_yes=consent_yes, consent_no=consent_no, status="set",
                                               detail=detail or "", recorded_at=_now()))

    def _lock_sheet(self, conn, sheet_id: str) -> None:
        """The sheet's row, locked (PostgreSQL) so two scans of one sheet at once count once."""
        found = conn.execute(select(sheets.c.id).where(sheets.c.sheet_id == sheet_id).with_for_update()).first()
        if not found:
            raise UnknownSheet(f"no sheet '{sheet_id}' was issued (the registry does not know it)")

    def returns(self, sheet_ids: Iterable[str] | None = None) -> dict[str, ReturnRecord]:
        """sheet id -> what counts for it, for every sheet with a scan or a staff setting."""
        s = scans.c
        query = select(s.sheet_id, s.status, s.signatures, s.consent_yes, s.consent_no, s.scan_file, s.page,
                       s.detail, s.recorded_at).order_by(s.id)
        with self._reading() as conn:
            if sheet_ids is None:
                rows = list(conn.execute(query))
            else:
                rows = [r for chunk in _chunks(list(sheet_ids))
                        for r in conn.execute(query.where(s.sheet_id.in_(chunk)))]
        best: dict[str, ReturnRecord] = {}
        for row in rows:                                   # oldest first
            held = best.get(row.sheet_id)
            if row.status == "set" or held is None or held.status == "review":
                best[row.sheet_id] = ReturnRecord(*row[:8], _utc(row[8]))
        return best

    def add_count(self, group_id: str, case: str | None, letters: int, signatures: int, source: str = "hand",
                  note: str = "", campaign: str | None = None) -> int:
        with self.engine.begin() as conn:
            return conn.execute(counts.insert().values(
                group_id=group_id, case_id=case or None, letters=letters, signatures=signatures, source=source,
                note=note or "", recorded_at=_now(), campaign=campaign).returning(counts.c.id)).scalar_one()

    def counts(self, group_id: str | None = None, campaign: str | None = None) -> list[CountRecord]:
        """Hand counts (of one group; of one campaign, with those recorded before campaigns were kept)."""
        c = counts.c
        query = select(c.id, c.group_id, c.case_id, c.letters, c.signatures, c.source, c.note,
                       c.recorded_at, c.campaign).order_by(c.id)
        if group_id is not None:
            query = query.where(c.group_id == group_id)
        if campaign is not None:
            query = query.where(of_campaign(c.campaign, campaign))
        with self._reading() as conn:
            return [CountRecord(*row[:7], _utc(row[7]), row[8]) for row in conn.execute(query)]

    def add_online(self, group_id: str | None, sheet_id: str | None, case: str | None, count: int,
                   source_file: str, campaign: str | None = None) -> int:
        with self.engine.begin() as conn:
            return conn.execute(online.insert().values(
                group_id=group_id, sheet_id=sheet_id, case_id=case, count=count, source_file=source_file,
                recorded_at=_now(), campaign=campaign).returning(online.c.id)).scalar_one()

    def online(self) -> list[OnlineRecord]:
        o = online.c
        query = select(o.id, o.group_id, o.sheet_id, o.case_id, o.count, o.source_file, o.recorded_at,
                       o.campaign).order_by(o.id)
        with self._reading() as conn:
            return [OnlineRecord(*row[:6], _utc(row[6]), row[7]) for row in conn.execute(query)]

    # -- staff accounts (web) ------------------------------------------------------------------

    def add_staff(self, name: str, password_hash: str, replace: bool = False) -> None:
        """A staff account; with `replace`, a new password for an existing one."""
        with self.engine.begin() as conn:
            exists = conn.execute(select(staff.c.id).where(staff.c.name == name).with_for_update()).first()
            if exists and not replace:
                raise StaffExists(f"a staff account '{name}' exists already")
            if exists:
                conn.execute(staff.update().where(staff.c.name == name).values(password_hash=password_hash))
                # A new password is often a reaction to a leak: every open session of the account ends.
                conn.execute(delete(staff_sessions).where(staff_sessions.c.staff_name == name))
            else:
                conn.execute(staff.insert().values(name=name, password_hash=password_hash, created_at=_now()))

    def staff_hash(self, name: str) -> str | None:
        with self._reading() as conn:
            return conn.execute(select(staff.c.password_hash).where(staff.c.name == name)).scalar_one_or_none()

    def staff_names(self) -> list[str]:
        with self._reading() as conn:
            return list(conn.execute(select(staff.c.name).order_by(staff.c.name)).scalars())

    def start_staff_session(self, name: str, now: dt.datetime | None = None) -> str:
        """A new signed-in session for `name`: the token for the cookie (only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(staff_sessions.insert().values(token_hash=_token_hash(token), staff_name=name,
                                                        created_at=now, last_seen_at=now))
        return token

    def staff_session(self, token: str, idle_seconds: int, now: dt.datetime | None = None) -> str | None:
        """The staff name of a session active in the last `idle_seconds`, else None (an idle
        session is deleted). Activity is written at most once a minute per session (more often
        for short timeouts), so browsing the staff pages does not write on every request."""
        key = _token_hash(token)
        s = staff_sessions.c
        with self._reading() as conn:
            row = conn.execute(select(s.staff_name, s.last_seen_at).where(s.token_hash == key)).first()
        if row is None:
            return None
        now = now or _now()
        idle = (now - _utc(row.last_seen_at)).total_seconds()
        if idle > idle_seconds:
            self.end_staff_session(token)
            return None
        if idle > min(60, idle_seconds / 10):
            with self.engine.begin() as conn:
                conn.execute(staff_sessions.update().where(s.token_hash == key).values(last_seen_at=now))
        return row.staff_name

    def end_staff_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == _token_hash(token)))

    # -- totals --------------------------------------------------------------------------------

    def summary(self) -> dict[str, int]:
        """How many rows each table holds (for `registry info`)."""
        with self._reading() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in (packs, sheets, scans, counts, online, staff)}


def _sheet_query():
    s, p = sheets.c, packs.c
    return select(s.sheet_id, s.pack_id, s.campaign, p.route, s.group_id, p.group_name, p.contact, s.lang,
                  s.audience, s.case_id, s.number, s.of, s.url, s.file, s.page).join_from(sheets, packs)


def _sqlite_engine(url) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:")
    if not memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}} if memory else {}
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # SQLAlchemy, not the sqlite3 module, decides when transactions begin (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not memory:
            cursor.execute("PRAGMA journal_mode = WAL")      # readers never wait for a writer
            # Every commit reaches the disk before a file is written or a download leaves:
            # one fsync per transaction, nothing next to rendering the PDFs.
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        # IMMEDIATE takes the write lock up front, so a read-then-write transaction never
        # fails half-way with "database is locked": writers queue (busy_timeout) instead.
        reads_only = conn.get_execution_options().get("registry_reads_only")
        conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return engine


def _problem(where: Problem, message: str) -> KitError:
    return KitError(Problem(where.file, where.line, where.field, message))


def _reason(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return " ".join(text.split())[:300]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
