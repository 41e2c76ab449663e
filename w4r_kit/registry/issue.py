"""The one code path by which `case`, `signatures` and the web record what they hand out.

Sheet ids are settled against the registry before anything is drawn (a sheet already
recorded keeps its id; an id the registry gives to another sheet is skipped), the pack
is rendered and staged, then recorded, and only then are the files put in place. If a
concurrent writer takes an id in between, the unique constraint refuses ours
(SheetIdClash) and the whole attempt runs again with freshly settled ids.
"""
from __future__ import annotations

import getpass
from typing import Callable, Sequence, TypeVar

from sqlalchemy.exc import DBAPIError

from ..errors import KitError, Problem
from ..tracking import SheetIds
from .store import IssuedPack, IssuedSheet, Registry, SheetIdClash, SheetKey, campaign_name

ATTEMPTS = 5
R = TypeVar("R")


def issue(registry: Registry | None, keys: Sequence[SheetKey], attempt: Callable[[SheetIds], R]) -> R:
    """Run `attempt(ids)` (render, stage, record, commit) with the ids of `keys` settled
    against `registry`; again with new ids if a concurrent writer took one meanwhile."""
    if registry is None or not keys:
        return attempt(SheetIds())
    where = registry.where
    for _ in range(ATTEMPTS):
        try:
            return attempt(registry.sheet_ids(keys))
        except SheetIdClash:
            continue
        except DBAPIError as exc:        # the database went away, is full, refuses...: nothing was written
            reason = " ".join(str(exc.orig if exc.orig is not None else exc).split())[:300]
            raise KitError(Problem(where.file, where.line, where.field,
                                   f"cannot record in the registry {registry.url}: {reason}")) from None
    raise KitError(Problem(where.file, where.line, where.field,
                           f"{registry.url}: sheet ids kept being taken by other writers ({ATTEMPTS} tries); "
                           "run again"))


def login_name() -> str | None:
    """Who ran a CLI command, for the registry's "issued by"."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment: record none
        return None


# -- what each route issues, as the registry records it --------------------------------------

def case_keys(kit, case, lang: str, group_id: str, n: int) -> list[SheetKey]:
    """The sheets of `w4r-kit case ID --group NAME --sheets n`."""
    cfg = kit.config
    return [SheetKey(cfg.section.short, cfg.campaign.year, group_id, case.id, lang, k, cfg.signatures.audience)
            for k in range(1, n + 1)]


def record_case(registry: Registry, kit, case, lang: str, group_name: str, n: int, ids: SheetIds, file: str,
                pages: int, route: str = "cli-case", issued_by: str | None = None) -> int | None:
    """Record a `case --group` pack: its signature sheets are the last `n` pages of `file`."""
    from ..assemble import sheet_labels
    from ..tracking import slug
    cfg = kit.config
    labels = sheet_labels(kit, case, lang, group_name, n, ids)    # the same ids as drawn: `ids` is settled
    sheets = [IssuedSheet(label.sheet_id, case.id, lang, label.k, label.n, label.url, file, pages - n + label.k)
              for label in labels]
    return registry.record_pack(route, campaign_name(cfg.section.short, cfg.campaign.year), slug(group_name),
                                group_name, "", lang, cfg.signatures.audience, [case.id], sheets, issued_by)


def pack_keys(kit, packs) -> list[SheetKey]:
    """The sheets of planned signature packs (batch.Pack: a group and its labels per case)."""
    cfg = kit.config
    return [SheetKey(cfg.section.short, cfg.campaign.year, pack.group.id, case_id, pack.group.lang, label.k,
                     pack.group.audience)
            for pack in packs for case_id, labels in pack.labels.items() for label in labels]


def record_packs(registry: Registry, kit, packs, rows, route: str, folder: str = "",
                 issued_by: str | None = None) -> list[int | None]:
    """Record rendered signature packs (batch.Pack) with their manifest rows, in one transaction.

    `folder`: prefixed to each row's file ("signatures/"), so files read from the output folder.
    """
    cfg = kit.config
    label_of = {label.sheet_id: label for pack in packs for labels in pack.labels.values() for label in labels}
    by_group: dict[str, list[IssuedSheet]] = {}
    for row in rows:
        label = label_of[row.sheet_id]
        by_group.setdefault(row.group_id, []).append(
            IssuedSheet(row.sheet_id, row.case, row.lang, label.k, label.n, row.url, folder + row.file, row.page))
    issued = [IssuedPack(p.group.id, p.group.name, p.group.contact, p.group.lang, p.group.audience,
                         tuple(c.id for c in p.cases), tuple(by_group.get(p.group.id, ())))
              for p in packs]
    return registry.record_packs(route, campaign_name(cfg.section.short, cfg.campaign.year), issued, issued_by)
