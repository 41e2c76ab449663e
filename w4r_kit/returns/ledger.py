"""The registry side of returns and results: reads what was issued and what came back for
this campaign (SQLAlchemy Core on `registry.schema`), and records hand counts and online
signatures, each batch in one transaction (all of a file or nothing).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..model import KitConfig
from ..registry import Registry, campaign_name
from ..registry.schema import counts, online, packs, sheets
from ..registry.store import of_campaign
from ..results import HandCount, Issued, Ledger, Online, Scanned

CHUNK = 500            # ids per IN (...) query: well under every database's parameter limit


@dataclass(frozen=True)
class IssuedSheet:
    sheet_id: str
    group_id: str
    case: str
    url: str


def _campaign(config: KitConfig) -> str:
    return campaign_name(config.section.short, config.campaign.year)


def issued_groups(reg: Registry, config: KitConfig) -> dict[str, str]:
    """casefolded group id -> group id, for every group issued sheets in this campaign."""
    query = select(sheets.c.group_id).where(sheets.c.campaign == _campaign(config)).distinct()
    with reg.engine.connect() as conn:
        return {gid.casefold(): gid for gid in conn.execute(query).scalars()}


def issued_sheets(reg: Registry, config: KitConfig) -> list[IssuedSheet]:
    s = sheets.c
    query = select(s.sheet_id, s.group_id, s.case_id, s.url).where(s.campaign == _campaign(config)).order_by(s.id)
    with reg.engine.connect() as conn:
        return [IssuedSheet(*row) for row in conn.execute(query)]


def has_count_source(reg: Registry, config: KitConfig, source: str) -> bool:
    """Were counts from `source` recorded for this campaign before?"""
    c = counts.c
    query = select(c.id).where(c.source == source, of_campaign(c.campaign, _campaign(config)))
    with reg.engine.connect() as conn:
        return conn.execute(query.limit(1)).first() is not None


def add_counts(reg: Registry, config: KitConfig, found: list[HandCount], source: str) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    with reg.engine.begin() as conn:
        conn.execute(counts.insert(), [
            {"group_id": c.group_id, "case_id": c.case, "letters": c.letters, "signatures": c.signatures,
             "members": c.members, "source": source, "note": "", "recorded_at": now,
             "campaign": _campaign(config)} for c in found])


def known_row_keys(reg: Registry, keys: list[str]) -> set[str]:
    """Which of these online rows (fingerprints) were imported before."""
    found: set[str] = set()
    with reg.engine.connect() as conn:
        for i in range(0, len(keys), CHUNK):
            found.update(conn.execute(select(online.c.row_key).where(online.c.row_key.in_(keys[i:i + CHUNK])))
                         .scalars())
    return found


def add_online_rows(reg: Registry, config: KitConfig, rows, source_file: str) -> None:
    """One registry row per online signature, with its fingerprint (unique: never counted twice)."""
    now = dt.datetime.now(dt.timezone.utc)
    with reg.engine.begin() as conn:
        for i in range(0, len(rows), CHUNK):
            conn.execute(online.insert(), [
                {"group_id": r.group_id, "sheet_id": r.sheet_id, "case_id": r.case, "count": 1,
                 "source_file": source_file, "row_key": r.fingerprint, "recorded_at": now,
                 "campaign": _campaign(config)} for r in rows[i:i + CHUNK]])


def read_ledger(reg: Registry, config: KitConfig) -> Ledger:
    """Everything of this campaign the results are computed from."""
    from .scan import MASTER_SOURCE
    campaign = _campaign(config)
    s, p = sheets.c, packs.c
    issued_q = (select(s.sheet_id, s.group_id, p.group_name, s.lang, s.case_id, s.audience)
                .select_from(sheets.join(packs, s.pack_id == p.id)).where(s.campaign == campaign).order_by(s.id))
    with reg.engine.connect() as conn:
        issued = [Issued(*row) for row in conn.execute(issued_q)]
        groups = {i.group_id for i in issued}
        # Counts and online rows of this campaign; those recorded before the registry kept their
        # campaign (NULL) count, as they did, for the campaign that issued sheets to their group.
        c = counts.c
        rows = list(conn.execute(select(c.group_id, c.case_id, c.letters, c.signatures, c.members, c.source)
                                 .where(of_campaign(c.campaign, campaign)).order_by(c.id)))
        hand = [HandCount(row.group_id, row.case_id, row.letters, row.signatures, row.members)
                for row in rows if row.group_id in groups]
        # Photocopied master sheets read from scans: no group, counted per case.
        masters = [HandCount("", row.case_id, row.letters, row.signatures)
                   for row in rows if not row.group_id and row.source == MASTER_SOURCE]
        o = online.c
        own_sheets = {i.sheet_id for i in issued}
        web = [Online(row.group_id, row.sheet_id, row.case_id, row.count)
               for row in conn.execute(select(o.group_id, o.sheet_id, o.case_id, o.count)
                                       .where(of_campaign(o.campaign, campaign)).order_by(o.id))
               if row.group_id is None or row.group_id in groups or row.sheet_id in own_sheets]
    returned = reg.returns([i.sheet_id for i in issued])
    scanned = [Scanned(r.sheet_id, r.signatures or 0, r.consent_yes or 0, r.status) for r in returned.values()]
    return Ledger(issued, scanned, hand, web, masters)
