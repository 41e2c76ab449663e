"""One group's pack in memory: what the self-service page hands out (SPEC §11).

The same plan and drawing code as `signatures` (batch.plan, batch.with_codes,
batch.draw_pack): the collector's page, every case's signature sheets, the return
form — and, for a visitor who asks for it, each case's case sheet, model letter and
writing paper ahead of its sheets. Nothing here touches the file system.
"""
from __future__ import annotations

import io
import re
import secrets
import zipfile
from dataclasses import dataclass

from . import batch
from .assemble import context, metadata
from .errors import KitError, Problem
from .groups import check_group_name, check_tracking_value
from .layout import case_sheet, letter, letterhead
from .layout.context import Context
from .layout.document import Document
from .layout.overflow import Overflow
from .load import Kit, cannot_draw
from .model import AUDIENCES, Case, Group
from .tracking import SheetIds, slug, tracked_url

MAX_SHEETS = 50             # per case, for one visitor's pack
MAX_PACK_SHEETS = 200       # all cases of one pack together
MAX_CONTACT = 254           # an e-mail address's longest legal length
MAX_ID_SLUG = 30            # of the name's slug in the group id (the rest is the token)
GROUP_TOKEN_LENGTH = 5      # base32 characters that keep two visitors' "Klass 5B" apart
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_B32 = "abcdefghijklmnopqrstuvwxyz234567"


@dataclass(frozen=True)
class Order:
    """What a visitor asks for on the public form, as typed (strings), before checking."""

    name: str = ""
    lang: str = ""
    cases: tuple[str, ...] = ()
    audience: str = ""
    sheets: str = ""
    contact: str = ""
    case_material: bool = True


def check_order(kit: Kit, order: Order) -> tuple[Group | None, list[Problem]]:
    """The visitor's group, or the problems with each field (Problem.field = the form field).

    The messages are the CLI's and the groups file's, so staff and visitors read the same.
    """
    problems: list[Problem] = []

    def add(field: str, message: str) -> None:
        problems.append(Problem("", 0, field, message))

    languages = kit.config.campaign.languages
    lang = order.lang.strip()
    if lang not in languages:
        add("lang", f"language '{lang}' is not one of the campaign languages ({', '.join(languages)})")
    name = " ".join(order.name.split())
    group_id = visitor_group_id(name)
    for message in group_name_problems(name, group_id, kit, lang):
        add("name", message)
    known = {c.id: c for c in kit.cases}
    if not order.cases:
        add("cases", "choose at least one case")
    for case_id in order.cases:
        if case_id not in known:
            add("cases", f"no case '{case_id}'")
        elif lang in languages and case_id in kit.incomplete.get(lang, {}):
            missing = kit.incomplete[lang][case_id]
            add("cases", f"case '{case_id}' has no '{lang}' text for {', '.join(missing)}; "
                         "choose another case or language")
    if len(set(order.cases)) != len(order.cases):
        add("cases", "lists a case twice")
    audience = order.audience.strip() or kit.config.signatures.audience
    if audience not in AUDIENCES:
        add("audience", f"audience '{audience}' must be one of {', '.join(AUDIENCES)}")
    sheets = _whole(order.sheets)
    if sheets is None or not 1 <= sheets <= MAX_SHEETS:
        add("sheets", f"sheets must be a whole number from 1 to {MAX_SHEETS}, not '{order.sheets.strip()}'")
    elif sheets * len(order.cases) > MAX_PACK_SHEETS:
        add("sheets", f"{sheets} sheets for each of {len(order.cases)} cases is more than {MAX_PACK_SHEETS} "
                      "sheets in one pack; ask for fewer, or send a groups file")
    contact = order.contact.strip()
    if contact:
        if len(contact) > MAX_CONTACT or not _EMAIL.match(contact):
            add("contact", f"'{contact[:60]}' is not an e-mail address; write it as name@example.org or leave it empty")
        elif kit.fonts.missing(contact):
            add("contact", cannot_draw(kit.fonts.missing(contact)))
    if problems:
        return None, problems
    group = Group(id=group_id, name=name, lang=lang, sheets=sheets, cases=tuple(order.cases),
                  audience=audience, contact=contact)
    return group, []


def group_name_problems(name: str, group_id: str, kit: Kit, lang: str | None) -> list[str]:
    """The group-name check every route shares (groups.check_group_name); the tracking value
    in the URL is the visitor's group id, so that is what must fit the QR code."""
    messages = check_group_name(name, kit, lang if lang in kit.words else None, tracked_by_name=False)
    if name and not messages:
        messages = check_tracking_value(group_id, kit, "the name")
    return messages + formula_problems(name)


FORMULA_STARTS = ("=", "+", "-", "@")


def formula_problems(name: str) -> list[str]:
    """A name a spreadsheet would run as a formula (=HYPERLINK(…)) is refused where the public
    types it; the registry's exports neutralise such cells from every other route too."""
    if name[:1] in FORMULA_STARTS:
        return [f"starts with '{name[0]}', which spreadsheets read as a formula; start the name with a "
                "letter or a digit"]
    return []


def visitor_group_id(name: str) -> str:
    """A group id for a visitor: the CLI's slug of the name plus a random token, so two
    visitors who both type "Klass 5B" get different sheet ids and tracking values."""
    token = "".join(secrets.choice(_B32) for _ in range(GROUP_TOKEN_LENGTH))
    return f"{slug(name)[:MAX_ID_SLUG].strip('-') or 'group'}-{token}"


def file_name(group: Group) -> str:
    """The download's file name, by the CLI's slug rule (never a path from the form)."""
    return f"{slug(group.name)}-{group.lang}.pdf"


def _whole(value: str) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


def pack_pdf(kit: Kit, group: Group, case_material: bool = True, ids: SheetIds | None = None
             ) -> tuple[bytes, list[batch.ManifestRow], int]:
    """One group's pack as PDF bytes, its manifest rows and its page count.

    `ids`: the sheet ids settled against the registry (registry.issue). Raises KitError
    (a text that does not fit, pointing at the group's field).
    """
    [pack] = batch.plan(kit, [group], None, ids)
    [pack] = batch.with_codes([pack])
    ctx = batch._context(kit, group.lang)
    title = f"{ctx.words.get('outline_signatures')} — {group.name}"
    doc = Document(ctx, metadata(kit, ctx, title))
    extra = _case_material(kit, group) if case_material else None
    try:
        rows = batch.draw_pack(doc, kit, pack, file_name(group), before_sheets=extra)
    except Overflow as exc:       # raised by the case material: the same message as `case`
        raise KitError(Problem("", 0, "name", exc.message)) from None
    return doc.finish(), rows, doc.pages


def _case_material(kit: Kit, group: Group):
    def draw(doc: Document, ctx: Context, case: Case) -> None:
        w = ctx.words
        url = tracked_url(kit.config, case.petition_url, case=case.id, lang=ctx.lang, group=group.id, sheet="case")
        doc.outline(w.get("outline_case_sheet"), 1)
        case_sheet.draw(doc, ctx, case, url)
        doc.outline(w.get("outline_letter"), 1)
        letter.draw(doc, ctx, case, kit.letters[case.id, ctx.lang].paragraphs, None)
        doc.outline(w.get("outline_letterhead"), 1)
        letterhead.draw(doc, ctx, case)
        doc.outline(w.get("outline_signatures"), 1)
    return draw


def packs_zip(kit: Kit, packs: list[batch.Pack]) -> tuple[bytes, list[batch.ManifestRow]]:
    """A zip of one PDF per group (named by its id, as `signatures` names them), manifest.csv and
    manifest.xlsx (as `signatures --xlsx` writes them, formulas made inert in both)."""
    out = io.BytesIO()
    rows: list[batch.ManifestRow] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for pack in batch.with_codes(packs):
            data, pack_rows, _ = batch.pack_pdf(kit, pack)
            zf.writestr(_entry(f"{pack.group.id}.pdf"), data)
            rows += pack_rows
        for fmt in ("csv", "xlsx"):
            zf.writestr(_entry(f"{batch.MANIFEST}.{fmt}"), batch.manifest_bytes(rows, fmt))
    return out.getvalue(), rows


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))   # no clock in the archive
    info.external_attr = 0o644 << 16
    return info


KINDS = ("case-sheet", "letter")


def case_document(kit: Kit, case: Case, lang: str, kind: str) -> bytes:
    """The case sheet or the model letter of one case alone, as in the kit."""
    ctx = context(kit, lang)
    w = ctx.words
    group = w.get("default_group")
    title = f"{case.name} — {w.get('outline_case_sheet' if kind == 'case-sheet' else 'outline_letter')}"
    doc = Document(ctx, metadata(kit, ctx, title))
    if kind == "case-sheet":
        url = tracked_url(kit.config, case.petition_url, case=case.id, lang=lang, group=slug(group), sheet="case")
        case_sheet.draw(doc, ctx, case, url)
    else:
        letter.draw(doc, ctx, case, kit.letters[case.id, lang].paragraphs, None)
    return doc.finish()
