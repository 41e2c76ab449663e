"""Command line: options in, one API call, one summary out.

Heavy imports (reportlab, pypdf) happen inside the commands so `--help` is instant.
Bad input (KitError) prints one line per problem on stderr and exits 1; usage
errors exit 2; anything else is a bug, reported in one line.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer
from typer.core import TyperCommand

from .errors import KitError


def _argument_name(param) -> str:
    name = param.metavar or (param.name or "").upper()
    return name + "..." if param.nargs != 1 and not name.endswith("...") else name


class _Command(TyperCommand):
    """Help that names each argument the way the docs do: `case ID`, not `{ID}` and `ID <str>`."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param) if param.required else f"[{_argument_name(param)}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx, formatter) -> None:
        for title, kind in (("Arguments", "argument"), ("Options", "option")):
            rows = []
            for param in self.get_params(ctx):
                record = param.get_help_record(ctx) if param.param_type_name == kind else None
                if record is not None:
                    rows.append((_argument_name(param), record[1]) if kind == "argument" else record)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


app = typer.Typer(
    name="w4r-kit", add_completion=False, rich_markup_mode=None, no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Build the printable Write for Rights volunteer kit (case sheets, model letters, "
         "writing paper, signature sheets with tracked QR codes) from plain files.")

ProjectOpt = Annotated[Optional[Path], typer.Option(
    "--project", "-p", metavar="DIR", file_okay=False,
    help="The kit project folder (with kit.toml); default: the current folder or the nearest one above it "
         "with a kit.toml.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", metavar="DIR", help="Output folder (default: "
                                                "PROJECT/dist).", file_okay=False)]
PaperOpt = Annotated[Optional[str], typer.Option("--paper", metavar="A4|Letter",
                                                 help="Paper size (default: kit.toml [print] paper).")]
DateOpt = Annotated[Optional[str], typer.Option("--date", metavar="YYYY-MM-DD", help="Print this date on the "
                                                "model letters instead of a blank date line.")]
LangsOpt = Annotated[Optional[list[str]], typer.Option("--lang", "-l", metavar="LANG", help="Language to build; "
                                                       "repeat for several (default: every campaign language).")]
CasesOpt = Annotated[Optional[list[str]], typer.Option("--case", "-c", metavar="ID", help="Only this case; repeat "
                                                       "for several.")]


def _report(problems) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)


def handle_errors(func: Callable) -> Callable:
    """The one error boundary: bad input -> messages + exit 1; a bug -> one line + exit 1."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KitError as exc:
            _report(exc.problems)
            errors = sum(1 for p in exc.problems if not p.warning)
            # validate and list never write, so saying so would only puzzle.
            after = "." if func.__name__ in ("validate", "list_cmd") else "; nothing was written."
            typer.echo(f"{errors} problem{'s' if errors != 1 else ''} found{after}", err=True)
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except BrokenPipeError:          # `w4r-kit list | head`: the reader went away
            sys.stderr.close()
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing was written.", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("W4R_KIT_DEBUG"):
                raise
            typer.echo(f"internal error: {type(exc).__name__}: {exc} "
                       "(set W4R_KIT_DEBUG=1 for the traceback, and please report it)", err=True)
            raise typer.Exit(1) from None
    return wrapper


def _project(project: Path | None, out: Path | None):
    from .project import Project
    return Project.at(project, out) if project is not None else Project.find(Path.cwd(), out)


def _paper(value: str | None) -> str | None:
    if value is None:
        return None
    for paper in ("A4", "Letter"):
        if value.lower() == paper.lower():
            return paper
    raise typer.BadParameter(f"'{value}' is not a paper size; use A4 or Letter", param_hint="--paper")


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; write it as YYYY-MM-DD", param_hint="--date") from None


def _summary(result) -> None:
    for problem in result.warnings:
        typer.echo(str(problem), err=True)
    from .numbers import counted
    for path in result.files:
        typer.echo(f"wrote {path} ({counted(result.pages[path], 'page')})")
    for path in result.removed:
        typer.echo(f"removed {path}: an earlier run wrote it and it is no longer part of the outputs")


def _version(value: bool) -> None:
    if value:
        from . import __version__
        typer.echo(f"w4r-kit {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Show the version and exit.")] = False) -> None:
    """Build the printable Write for Rights volunteer kit from plain files."""


@app.command(cls=_Command)
@handle_errors
def build(
    project: ProjectOpt = None,
    out: OutOpt = None,
    lang: LangsOpt = None,
    case: CasesOpt = None,
    paper: PaperOpt = None,
    date: DateOpt = None,
    sheets: Annotated[int, typer.Option("--sheets", min=0, max=500, metavar="N",
                                        help="Signature sheets per case, 0 to 500.")] = 1,
    allow_incomplete: Annotated[bool, typer.Option("--allow-incomplete", help="Skip cases missing a "
                                                   "translation (with a warning) instead of failing.")] = False,
) -> None:
    """Build one merged kit-LANG.pdf per language.

    Example: w4r-kit build --project my-kit --lang fr --lang lb --paper A4
    """
    from .api import build_kit
    from .assemble import Options
    options = Options(paper=_paper(paper), date=_date(date), sheets=sheets)
    _summary(build_kit(_project(project, out), lang, case, options, allow_incomplete))


@app.command("case", cls=_Command)
@handle_errors
def case_cmd(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="The case id (file name in cases/ without .yaml).")],
    lang: Annotated[str, typer.Option("--lang", "-l", metavar="LANG", help="Language of the sheets.")],
    group: Annotated[Optional[str], typer.Option("--group", "-g", metavar="NAME", help="Group name printed on the "
                                                 "signature sheets and used in their tracking codes.")] = None,
    sheets: Annotated[int, typer.Option("--sheets", "-n", min=0, max=500, metavar="N",
                                        help="Number of signature sheets, 0 to 500.")] = 1,
    project: ProjectOpt = None,
    out: OutOpt = None,
    paper: PaperOpt = None,
    date: DateOpt = None,
) -> None:
    """Write ID-LANG.pdf: one case's sheet, letter, writing paper and signature sheets.

    Example: w4r-kit case dang-dinh-bach --lang lb --group "Klass 5B" --sheets 3
    """
    from .api import build_case
    from .assemble import Options
    options = Options(paper=_paper(paper), date=_date(date), sheets=sheets, group=group)
    _summary(build_case(_project(project, out), case_id, lang, options))


@app.command(cls=_Command)
@handle_errors
def signatures(
    groups: Annotated[Path, typer.Option("--groups", "-g", metavar="FILE", help="CSV or .xlsx file with columns "
                                         "id,name,lang,sheets and optional cases, audience, contact.",
                                         dir_okay=False)],
    case: CasesOpt = None,
    merge: Annotated[bool, typer.Option("--merge", help="One PDF for all groups (a bookmark per group) "
                                        "instead of one per group.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, metavar="N",
                                      help="Render groups in N processes.")] = 1,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Write manifest.xlsx too, for spreadsheets.")] = False,
    ignore_extra_columns: Annotated[bool, typer.Option("--ignore-extra-columns", help="Ignore columns of the "
                                                       "groups file the tool does not use (listed as a "
                                                       "warning) instead of refusing them.")] = False,
    project: ProjectOpt = None,
    out: OutOpt = None,
) -> None:
    """Signature packs for many groups: OUT/signatures/GROUP-ID.pdf and manifest.csv.

    Each pack has a page for whoever collects, the numbered sheets of every case (own QR
    code and sheet id on each) and a return form. manifest.csv has one row per sheet:
    sheet_id, group_id, group_name, case, lang, file, page, url. Packs and manifests an
    earlier run wrote to the folder and this run does not are removed (never other files).

    Example: w4r-kit signatures --groups examples/schools.csv --jobs 2
    """
    from .batch import build_signatures
    p = _project(project, out)
    groups_path = groups if groups.is_absolute() else Path.cwd() / groups
    with _progress() as advance:
        result = build_signatures(p, groups_path, case, merge, jobs, advance, ("csv", "xlsx") if xlsx else ("csv",),
                                  ignore_extra_columns)
    for problem in result.warnings:
        typer.echo(str(problem), err=True)
    pdfs = sum(1 for path in result.files if path.suffix == ".pdf")
    manifests = " and ".join(path.name for path in result.files if path.suffix != ".pdf")
    from .numbers import counted
    typer.echo(f"wrote {counted(pdfs, 'PDF file')} and {manifests} to {p.out / 'signatures'}: "
               f"{counted(result.sheets, 'signature sheet')}, {counted(result.pages, 'page')}")
    for path in result.removed:
        typer.echo(f"removed {path}: an earlier run wrote it and it is no longer part of the outputs")


class _progress:
    """A progress bar on stderr when it is a terminal; silence otherwise."""

    def __init__(self, unit: str = "sheets") -> None:
        self.unit = unit

    def __enter__(self):
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
        self.bar = Progress(self.unit, BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.unit, total=None)
        return lambda n: self.bar.advance(self.task, n)

    def total(self, n: int) -> None:
        if sys.stderr.isatty():
            self.bar.update(self.task, total=n)

    def __exit__(self, *exc) -> None:
        if sys.stderr.isatty():
            self.bar.stop()


@app.command(cls=_Command)
@handle_errors
def poster(
    lang: Annotated[str, typer.Option("--lang", "-l", metavar="LANG", help="Language of the poster.")],
    when: Annotated[Optional[str], typer.Option("--when", metavar="TEXT", help="Date and time of the event, printed as "
                                                "given (default: a line to fill in by hand).")] = None,
    where: Annotated[Optional[str], typer.Option("--where", metavar="TEXT", help="Place of the event (default: lines to "
                                                 "fill in by hand).")] = None,
    paper: Annotated[Optional[str], typer.Option("--paper", metavar="A4|A3|Letter|Tabloid",
                                                 help="Poster size (default: kit.toml [print] paper).")] = None,
    project: ProjectOpt = None,
    out: OutOpt = None,
) -> None:
    """Write poster-LANG.pdf: an event poster with a QR code to [campaign] url.

    Example: w4r-kit poster --lang fr --when "Samedi 7 décembre, 14 h" --where "Bibliothèque, Esch" --paper A3
    """
    from .api import POSTER_PAPERS, build_poster
    chosen = None
    if paper is not None:
        chosen = next((p for p in POSTER_PAPERS if p.lower() == paper.lower()), None)
        if chosen is None:
            raise typer.BadParameter(f"'{paper}' is not a poster paper size; use {', '.join(POSTER_PAPERS)}",
                                     param_hint="--paper")
    _summary(build_poster(_project(project, out), lang, when, where, chosen))


@app.command(cls=_Command)
@handle_errors
def validate(
    project: ProjectOpt = None,
    lang: Annotated[Optional[list[str]], typer.Option("--lang", "-l", metavar="LANG",
                                                      help="Check only this language; repeat for several.")] = None,
    allow_incomplete: Annotated[bool, typer.Option("--allow-incomplete", help="Report missing translations "
                                                   "as warnings.")] = False,
    paper: PaperOpt = None,
) -> None:
    """Check everything a build would use and list every problem as file:line: field: message.

    Example: w4r-kit validate --project my-kit
    """
    from .api import check
    kit = check(_project(project, None), lang, allow_incomplete, _paper(paper))
    _report(kit.warnings)
    from .numbers import counted
    typer.echo(f"ok: {counted(len(kit.cases), 'case')}, {'language' if len(kit.languages) == 1 else 'languages'} "
               f"{', '.join(kit.languages)}" + (f", {counted(len(kit.warnings), 'warning')}" if kit.warnings else ""))


@app.command("list", cls=_Command)
@handle_errors
def list_cmd(project: ProjectOpt = None) -> None:
    """Show a table of cases and, per language, whether each is complete.

    Example: w4r-kit list --project my-kit
    """
    from .cases import load_cases, missing_fields
    from .config import load_config
    from .errors import Problems
    p = _project(project, None)
    problems = Problems(p.root)
    config = load_config(p, problems)
    cases = load_cases(p, problems, languages=config.campaign.languages if config else ())   # even with a broken kit.toml
    if config is None:
        problems.raise_if_errors()
    langs = list(config.campaign.languages)
    rows = [["case", "name", *langs]]
    for case in cases:
        cells = []
        for lang in langs:
            missing = missing_fields(case, lang)
            cells.append("complete" if not missing else "missing " + ", ".join(missing))
        rows.append([case.id, case.name, *cells])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    # The cases that load are listed above; the broken ones are named with their problems.
    broken = sorted({e.file for e in problems.errors if e.file.startswith("cases/")})
    if broken:
        typer.echo(f"not listed, {len(broken)} case file{'s' if len(broken) > 1 else ''} with problems: "
                   f"{', '.join(broken)}", err=True)
    problems.raise_if_errors()


@app.command(cls=_Command)
@handle_errors
def init(directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to create.")]) -> None:
    """Create a new kit project (kit.toml, templates and words for fr, en, lb, one example case).

    Example: w4r-kit init my-kit && w4r-kit build --project my-kit
    """
    from .api import init_project
    files = init_project(directory)
    from .numbers import counted
    typer.echo(f"created {directory} ({counted(len(files), 'file')}); next: w4r-kit build --project {directory}")


@app.command(cls=_Command)
@handle_errors
def serve(
    project: ProjectOpt = None,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, metavar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--render-processes", min=0, max=32, metavar="N", help="Processes that render "
                                         "PDFs (0: the number of cores, at most 4).")] = 0,
    https: Annotated[bool, typer.Option("--https", help="The page is reached over HTTPS (through the section's "
                                        "web server): session cookies are sent over HTTPS only.")] = False,
) -> None:
    """Serve the self-service page: packs for groups, case pages, staff pages (/staff).

    Example: w4r-kit serve --project my-kit --port 8000
    """
    import uvicorn
    from .web.app import create_app
    p = _project(project, None)
    processes = workers or min(os.cpu_count() or 1, 4)
    application = create_app(p, processes=processes, https_only=https)
    typer.echo(f"serving {p.root} on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False,
                timeout_graceful_shutdown=5)


staff_app = typer.Typer(help="Staff accounts of the self-service page's /staff pages.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")


@staff_app.command("add", cls=_Command)
@handle_errors
def staff_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The name to sign in with.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of standard input instead of asking.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Set a new password for an existing "
                                          "account.")] = False,
    project: ProjectOpt = None,
) -> None:
    """Add a staff account (or set a new password); only an argon2 hash of the password is kept.

    Example: w4r-kit staff add alex --project my-kit
    """
    from .registry import Registry, StaffExists
    from .web.staff import account_problems, hash_password
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = account_problems(name, password)
    if problems:
        for message in problems:
            typer.echo(f"staff add: {message}", err=True)
        raise typer.Exit(1)
    registry = Registry.open(_project(project, None))
    try:
        registry.add_staff(name, hash_password(password), replace=replace)
    except StaffExists:
        typer.echo(f"staff add: a staff account '{name}' exists already; add --replace to set a new password",
                   err=True)
        raise typer.Exit(1) from None
    typer.echo(f"staff account '{name}' saved; sign in at /staff")


registry_app = typer.Typer(no_args_is_help=True, help="The registry of every pack and sheet issued and of "
                           "what came back (PROJECT/registry.sqlite, or kit.toml [registry] url, or $W4R_KIT_DB).")
app.add_typer(registry_app, name="registry")


@registry_app.command("export", cls=_Command)
@handle_errors
def registry_export(
    project: ProjectOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", metavar="FILE", help="File to write: .csv (default) or .xlsx "
                                                "(default: PROJECT/dist/registry.csv).", dir_okay=False)] = None,
) -> None:
    """Write everything issued and returned: one row per sheet with its pack and its return.

    A CSV export also writes NAME-counts.csv and NAME-online.csv beside it (hand counts,
    online signatures); an .xlsx export has them as sheets of its own.

    Example: w4r-kit registry export --out registry-2024.xlsx
    """
    from .output import write_all
    from .registry import Registry
    from .registry.export import export
    p = _project(project, None)
    target = out if out is not None else p.out / "registry.csv"
    if target.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter(f"'{target.name}' must end in .csv or .xlsx", param_hint="--out")
    with Registry.open(p) as registry:
        files = export(registry, target.resolve())
        sheets = len(registry.sheets())
    for path in write_all(files):
        typer.echo(f"wrote {path}")
    from .numbers import counted
    typer.echo(f"{counted(sheets, 'sheet')} exported from {registry.url}")


@registry_app.command("info", cls=_Command)
@handle_errors
def registry_info(project: ProjectOpt = None) -> None:
    """Where the registry is, its schema revision and what it holds (upgrading it if it is older).

    Example: w4r-kit registry info --project my-kit
    """
    from .registry import Registry
    with Registry.open(_project(project, None)) as registry:
        typer.echo(f"registry: {registry.url}")
        typer.echo(f"schema revision: {registry.revision()}")
        for table, n in registry.summary().items():
            typer.echo(f"{table}: {n}")


@registry_app.command("upgrade", cls=_Command)
@handle_errors
def registry_upgrade(project: ProjectOpt = None) -> None:
    """Create the registry or bring its schema to this version's (every command does it on open;
    this is for a shared database, before the web instances start).

    Example: W4R_KIT_DB=postgresql://kit@db/w4r w4r-kit registry upgrade
    """
    from .registry import Registry
    with Registry.open(_project(project, None)) as registry:
        before, after = registry.upgrade_report
    if before == after:
        typer.echo(f"{registry.url}: schema at revision {after}, the newest")
    else:
        typer.echo(f"{registry.url}: schema {'upgraded from ' + before if before else 'created at revision'} "
                   f"{'to ' if before else ''}{after}")


# --------------------------------------------------------------------------- returns and results (SPEC §12)

returns_app = typer.Typer(
    name="returns", add_completion=False, rich_markup_mode=None, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Record what comes back: read scanned signature sheets, settle the doubtful ones, add counts.")
app.add_typer(returns_app, name="returns")


@returns_app.command("scan", cls=_Command)
@handle_errors
def returns_scan(
    files: Annotated[list[Path], typer.Argument(metavar="FILE.pdf|DIR...", help="Scans (PDF) or folders of "
                                                "scans, as the office copier wrote them.")],
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, max=64, metavar="N",
                                                help="Read pages in N processes (default: one per "
                                                     "processor, at most 4).")] = None,
    project: ProjectOpt = None,
    out: OutOpt = None,
) -> None:
    """Read every page of the scans: which sheet, how many signatures, each row's yes/no.

    Blank pages and pages that are not signature sheets are recognised; a sheet scanned
    twice counts once; every sheet read is recorded in the registry. Pages that cannot be
    read with confidence go to OUT/returns/review-DATE.pdf, to settle with 'returns set'.

    Example: w4r-kit returns scan scans/ --project my-kit
    """
    from .returns.scan import scan
    p = _project(project, out)
    paths = [f if f.is_absolute() else Path.cwd() / f for f in files]
    progress = _progress("pages")
    with progress as advance:
        result = scan(p, paths, advance, progress.total if advance else None,
                      jobs=jobs or min(4, os.cpu_count() or 1))
    _scan_summary(result)


def _scan_summary(result) -> None:
    from .returns.scan import BLANK, DUPLICATE, MASTER, NOT_A_SHEET, READ, REVIEW
    read = [pg for pg in result.pages if pg.status in (READ, MASTER)]
    yes = sum(pg.consent_yes or 0 for pg in read)
    no = sum(pg.consent_no or 0 for pg in read)
    for pg in result.pages:
        if pg.status in (REVIEW, DUPLICATE, NOT_A_SHEET):
            label = {REVIEW: "to review", DUPLICATE: "scanned twice", NOT_A_SHEET: "not a signature sheet"}[pg.status]
            typer.echo(f"{pg.file} page {pg.page}: {label}: {pg.detail}")
    from .numbers import counted
    others = result.count(NOT_A_SHEET)
    typer.echo(f"read {counted(len(result.pages), 'page')} in {result.seconds:.1f} s ({result.pages_per_second:.1f} "
               f"pages/s): {counted(len(read), 'sheet')} read ({counted(result.signatures, 'signature')}; {yes} yes, "
               f"{no} no), {result.count(REVIEW)} to review, {result.count(BLANK)} blank, {others} "
               f"{'not a signature sheet' if others == 1 else 'not signature sheets'}, "
               f"{result.count(DUPLICATE)} scanned twice")
    if result.review_file:
        typer.echo(f"wrote {result.review_file}: check those pages, then 'w4r-kit returns set SHEET_ID "
                   "--signatures N --yes N --no N' for each")


@returns_app.command("set", cls=_Command)
@handle_errors
def returns_set(
    sheet_id: Annotated[str, typer.Argument(metavar="SHEET_ID", help="The id printed beside the sheet's small code.")],
    signatures: Annotated[int, typer.Option("--signatures", "-s", min=0, max=1000, metavar="N", help="Signatures on the sheet.")],
    yes: Annotated[Optional[int], typer.Option("--yes", min=0, max=1000, metavar="N", help="Rows with 'yes' ticked.")] = None,
    no: Annotated[Optional[int], typer.Option("--no", min=0, max=1000, metavar="N", help="Rows with 'no' ticked.")] = None,
    project: ProjectOpt = None,
) -> None:
    """Settle a sheet by hand (one from the review file): its figures replace what was read.

    Example: w4r-kit returns set k3f9q2a --signatures 12 --yes 7 --no 4
    """
    from .returns.scan import set_sheet
    record = set_sheet(_project(project, None), sheet_id, signatures, yes, no)
    consent = f"; {yes or 0} yes, {no or 0} no" if yes is not None or no is not None else ""
    typer.echo(f"sheet {record.sheet_id} ({record.group_name}, {record.case}, sheet {record.number} / {record.of}): "
               f"{signatures} signature{'s' if signatures != 1 else ''}{consent} recorded")


@returns_app.command("add", cls=_Command)
@handle_errors
def returns_add(
    group: Annotated[Optional[str], typer.Option("--group", "-g", metavar="ID", help="The group id (as on its sheets and "
                                                 "return form).")] = None,
    case: Annotated[Optional[str], typer.Option("--case", "-c", metavar="ID", help="The case the count is for (optional).")] = None,
    letters: Annotated[Optional[int], typer.Option("--letters", min=0, max=1_000_000, metavar="N",
                                                   help="Letters counted.")] = None,
    signatures: Annotated[Optional[int], typer.Option("--signatures", min=0, max=1_000_000, metavar="N",
                                                      help="Signatures counted (e.g. the return form's figure).")] = None,
    members: Annotated[Optional[int], typer.Option("--members", min=1, max=100_000, metavar="N",
                                                   help="The group's size, for a ranking per member.")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from", metavar="FILE", help="A CSV or XLSX file with columns group, "
                                                      "case, letters, signatures, members: many counts at once.",
                                                      dir_okay=False)] = None,
    project: ProjectOpt = None,
) -> None:
    """Record letters and signatures counted by hand, for one group or from a file.

    Nothing is recorded unless every row is right. Counts add up: run it again for a
    second delivery.

    Example: w4r-kit returns add --group groupe-esch --letters 42
    """
    from .returns.counts import record_counts
    if from_file is None and group is None:
        raise typer.BadParameter("give --group ID (with --letters/--signatures) or --from FILE", param_hint="--group")
    if from_file is not None and any(v is not None for v in (group, case, letters, signatures, members)):
        raise typer.BadParameter("--from takes every count from the file; give it alone", param_hint="--from")
    p = _project(project, None)
    source = None if from_file is None else (from_file if from_file.is_absolute() else Path.cwd() / from_file)
    added = record_counts(p, source, group, case, letters, signatures, members)
    typer.echo(added.summary())


@returns_app.command("online", cls=_Command)
@handle_errors
def returns_online(
    export: Annotated[Path, typer.Argument(metavar="EXPORT", help="The petition's export (.csv or .xlsx), one "
                                           "row per online signature.", dir_okay=False)],
    project: ProjectOpt = None,
) -> None:
    """Attribute the online petition's signatures to groups through their tracking codes.

    The code is read from columns named like the [petition] tracking parameters
    (utm_content) or from a column of landing-page URLs. Rows without a known code are
    counted as unattributed. Importing the same export again counts nothing twice.

    Example: w4r-kit returns online petition-export.csv
    """
    from .returns.online import import_online
    p = _project(project, None)
    imported = import_online(p, export if export.is_absolute() else Path.cwd() / export)
    typer.echo(imported.summary())


@app.command("results", cls=_Command)
@handle_errors
def results_cmd(
    lang: Annotated[Optional[list[str]], typer.Option("--lang", "-l", metavar="LANG", help="Language of the results report; "
                                                      "repeat for several (default: every campaign language).")] = None,
    project: ProjectOpt = None,
    out: OutOpt = None,
) -> None:
    """Write OUT/results/: results.csv and .xlsx, results-LANG.pdf and a certificate per group.

    The total and the prize follow [results] in kit.toml; the rule is printed on the results.

    Example: w4r-kit results --lang fr --lang lb
    """
    from .results import build_results
    written = build_results(_project(project, out), lang)
    typer.echo(written.summary())


def run() -> None:  # console script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
