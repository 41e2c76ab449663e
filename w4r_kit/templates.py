"""Load stage: the one Jinja environment for model letters, and its lookup order.

Lookup for case C in language L: `L/C.j2` then `L/letter.j2` in the project's
letter_templates/, then the package default. `{% extends "!default/L/letter.j2" %}`
reaches the package default from a project template. Templates run sandboxed
(no access to Python internals) and an undefined variable is an error.
"""
from __future__ import annotations

import os
import posixpath
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import missing

from .cases import nfc
from .errors import Problems, closest
from .model import Case, KitConfig
from .project import Project, link_out
from .strings import DATA
from .yamlload import not_utf8

DEFAULT_PREFIX = "!default"
CONTEXT_NAMES = ("case", "section", "campaign", "lang")     # the variables of `letter_context`


class Named(dict):
    """A mapping of the template context that knows its own name ('case.addressee')."""

    def __init__(self, path: str, items: dict[str, Any]) -> None:
        super().__init__({k: Named(f"{path}.{k}", v) if isinstance(v, dict) and not isinstance(v, Named) else v
                          for k, v in items.items()})
        self.path = path


_noted: ContextVar[list | None] = ContextVar("undefined_names", default=None)


class NotedUndefined(jinja2.Undefined):
    """An undefined name is noted with its template line, and the rendering goes on, so that
    every undefined name of a template is reported in one run (the letter is then refused)."""

    __slots__ = ()

    def _note(self) -> None:
        if self._undefined_exception is not jinja2.UndefinedError:      # unsafe access: refuse now
            super()._fail_with_undefined_error()
        noted = _noted.get()
        if noted is None:
            super()._fail_with_undefined_error()
        obj = self._undefined_obj
        if obj is missing:
            path, known, owner = str(self._undefined_name), CONTEXT_NAMES, None
        else:
            owner = getattr(obj, "path", None)
            known = tuple(obj) if isinstance(obj, dict) else ()
            path = f"{owner}.{self._undefined_name}" if owner else self._undefined_message
        noted.append((path, str(self._undefined_name), known, owner, _template_line()))

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        self._note()
        return self

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return self._fail_with_undefined_error()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _fail_with_undefined_error
    __mod__ = __rmod__ = __pos__ = __neg__ = __call__ = __getitem__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = __pow__ = __rpow__ = _fail_with_undefined_error

    def __str__(self) -> str:
        self._note()
        return ""

    def __iter__(self):
        self._note()
        return iter(())

    def __bool__(self) -> bool:
        self._note()
        return False

    def __len__(self) -> int:
        self._note()
        return 0

    def __int__(self) -> int:
        self._note()
        return 0

    __float__ = __int__


def _template_line() -> tuple[str | None, int]:
    """The template file and line being rendered, from the innermost template frame."""
    frame = sys._getframe(2)
    while frame is not None:
        g = frame.f_globals
        if "debug_info" in g and "__file__" in g and "environment" in g:
            pairs = [tuple(map(int, pair.split("="))) for pair in g["debug_info"].split("&") if pair]
            line = next((tpl for tpl, code in reversed(pairs) if code <= frame.f_lineno), 1)
            return g["__file__"], line
        frame = frame.f_back
    return None, 0


_FR_VOWELS = "aeiouàâäéèêëîïôöùûüœæ"


def french_de(phrase: str) -> str:
    """French "de" before a noun phrase, contracted and elided as French writes it: les X ->
    des X, le X -> du X, la X -> de la X, Oqba -> d’Oqba, Maryia -> de Maryia. Only a lowercase
    article is one (name_in_text: "les Défenseur·e·s …"); "Le Pen" or "La Fontaine" is a name."""
    text = str(phrase).strip()
    if text.startswith("les "):
        return "des " + text[4:]
    if text.startswith("le "):
        return "du " + text[3:]
    low = text.lower()
    # Elided before a vowel, and before a y sounded as one (Yves, not Yasmine).
    if (low[:1] in _FR_VOWELS or (low[:1] == "y" and low[1:2] not in _FR_VOWELS + "y")) \
            and not text.startswith(("la ", "l’", "l'")):
        return "d’" + text
    return "de " + text


class NotUtf8(jinja2.TemplateSyntaxError):
    """A template file that is not UTF-8 text: the same message as any other file gets."""


def _syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    return exc.message if isinstance(exc, NotUtf8) else f"template syntax error: {exc.message}"


class LinkOut(jinja2.TemplateError):
    """A project template that is a symbolic link pointing out of the project."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(reason)
        self.filename, self.reason = filename, reason


class ProjectLoader(jinja2.FileSystemLoader):
    """letter_templates/: a template that is a link pointing out of the project is refused before
    it is read, as photos, logos and fonts are (`ln -s /etc/passwd fr/x.j2` prints nothing); one
    that is not UTF-8 is bad input with its line and byte, not a UnicodeDecodeError from deep
    inside Jinja (also when reached by include/extends)."""

    def __init__(self, project: Project) -> None:
        super().__init__(str(project.templates_dir))
        self.root = project.root

    def get_source(self, environment: jinja2.Environment, template: str):
        filename = posixpath.join(self.searchpath[0], *split_template_path(template))
        if os.path.isfile(filename):
            reason = link_out(self.root, Path(filename))
            if reason:
                raise LinkOut(filename, reason)
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            raw = Path(filename).read_bytes()
            raise NotUtf8(not_utf8(raw, exc)[0], raw[:exc.start].count(b"\n") + 1, template, filename) from None


def environment(project: Project) -> SandboxedEnvironment:
    loader = jinja2.PrefixLoader({
        DEFAULT_PREFIX: jinja2.FileSystemLoader(str(DATA / "letter_templates")),
    }, delimiter="/")
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([loader, ProjectLoader(project)]),
        undefined=NotedUndefined, autoescape=False, auto_reload=False, finalize=_printable,
        keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["de"] = french_de          # {{ case.name_in_text | de }}: "des …", "d’Oqba …", "de Maryia …"
    return env


def _printable(value: Any) -> Any:
    """Refuse to print what would come out as Python's notation ('<built-in method ...>', "['a', 'b']")."""
    if isinstance(value, jinja2.Undefined):
        return value              # printing it raises the undefined or unsafe-access error
    if callable(value):
        raise jinja2.TemplateRuntimeError("prints a function or object, not a text; remove it")
    if isinstance(value, (dict, list, tuple)):
        raise jinja2.TemplateRuntimeError("prints a list or mapping as Python writes it; use e.g. "
                                          "{{ case.addressee.address | join(', ') }}")
    return value


def template_names(case_id: str, lang: str) -> list[str]:
    return [f"{lang}/{case_id}.j2", f"{lang}/letter.j2", f"{DEFAULT_PREFIX}/{lang}/letter.j2"]


def letter_context(config: KitConfig, case: Case, lang: str) -> dict[str, Any]:
    """What a letter template may use: plain strings in the language of the letter."""
    a = case.addressee
    return {
        "lang": lang,
        "case": Named("case", {
            "id": case.id, "name": case.name_in(lang), "name_in_text": case.name_in_text(lang),
            "subject": case.subject, "group": case.subject == "group",
            "pronoun": case.pronoun(lang), "country": case.country.get(lang, ""),
            "theme": case.theme.get(lang, ""), "headline": case.headline.get(lang, ""),
            "ask": case.ask.get(lang, ""),
            "addressee": {"name": a.name, "title": a.title.get(lang, ""),
                          "salutation": a.salutation.get(lang, ""), "address": list(a.address)},
        }),
        "section": Named("section", {"name": config.section.name, "short": config.section.short,
                                     "email": config.section.email, "website": config.section.website}),
        "campaign": Named("campaign", {"year": config.campaign.year, "title": config.campaign.title.get(lang, "")}),
    }


@dataclass(frozen=True)
class Letter:
    paragraphs: list[str]
    template: Path | str
    """The template file it came from (for messages)."""


def check_letter_template(env: SandboxedEnvironment, project: Project, lang: str, problems: Problems) -> None:
    """Every language needs a letter template (its own letter.j2 or the package's)."""
    try:
        env.select_template([f"{lang}/letter.j2", f"{DEFAULT_PREFIX}/{lang}/letter.j2"])
    except jinja2.TemplatesNotFound:
        problems.add(f"no letter template for '{lang}'; add letter_templates/{lang}/letter.j2 "
                     "(copy one from 'w4r-kit init')", project.templates_dir / lang / "letter.j2")
    except LinkOut as exc:
        problems.add(exc.reason, Path(exc.filename))
    except NotUtf8 as exc:       # no letter is rendered in a language no case is complete in yet
        problems.add(exc.message, exc.filename, exc.lineno)
    except jinja2.TemplateSyntaxError:
        pass                     # reported with its line when a letter is rendered


def render_letter(env: SandboxedEnvironment, project: Project, config: KitConfig, case: Case,
                  lang: str, problems: Problems) -> Letter | None:
    """The letter body as paragraphs, or None with a problem naming template file and line.

    A problem in a template shared by many cases is the same problem for each of
    them; it is reported without the case, so it is listed once.
    """
    lang_dir = project.templates_dir / lang
    try:
        template = env.select_template(template_names(case.id, lang))
    except jinja2.TemplatesNotFound:
        problems.add(f"no letter template for '{lang}'; add letter_templates/{lang}/letter.j2 "
                     "(copy one from 'w4r-kit init')", lang_dir / "letter.j2")
        return None
    except LinkOut as exc:
        problems.add(exc.reason, Path(exc.filename))
        return None
    except jinja2.TemplateSyntaxError as exc:
        problems.add(_syntax_message(exc), _template_file(exc.filename, exc.name, lang_dir),
                     exc.lineno, "")
        return None
    file = _template_file(template.filename, template.name, lang_dir)
    noted: list = []
    token = _noted.set(noted)
    try:
        text = template.render(letter_context(config, case, lang))
    except jinja2.TemplateSyntaxError as exc:          # in a template reached by include/extends
        problems.add(_syntax_message(exc), _template_file(exc.filename, exc.name, lang_dir),
                     exc.lineno, "")
        return None
    except LinkOut as exc:                             # a template it includes or extends
        problems.add(exc.reason, Path(exc.filename))
        return None
    except Exception as exc:  # noqa: BLE001 - a template can raise anything (1/0 too); it is bad input
        where, line = _error_location(exc)
        problems.add(_render_message(exc), _template_file(where, None, lang_dir) if where else file, line, "")
        return None
    finally:
        _noted.reset(token)
    for path, name, known, owner, (where, line) in noted:
        problems.add(_undefined_message(path, name, known, owner), _template_file(where, None, lang_dir)
                     if where else file, line, "")
    if noted:
        return None
    paragraphs = [nfc(" ".join(p.split())) for p in text.split("\n\n")]
    return Letter([p for p in paragraphs if p], file)


def _undefined_message(path: str, name: str, known: tuple[str, ...], owner: str | None) -> str:
    match = closest(name, known)
    if match:
        return f"undefined variable '{path}'; did you mean '{owner + '.' if owner else ''}{match}'?"
    if owner:
        return f"undefined variable '{path}'; {owner} has {', '.join(known)}"
    return f"undefined variable '{path}'; templates may use {', '.join(CONTEXT_NAMES)}"


def _render_message(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return (f"no template '{exc.name}' to include or extend; names are relative to letter_templates/ "
                f"(e.g. 'en/part.j2'), or '{DEFAULT_PREFIX}/en/letter.j2' for the package default")
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined variable: {exc.message}; templates may use {', '.join(CONTEXT_NAMES)}"
    if isinstance(exc, SecurityError):
        return f"not allowed in a template: {str(exc).rstrip('.')}; use only the variables {', '.join(CONTEXT_NAMES)}"
    if isinstance(exc, jinja2.TemplateError):
        return f"template error: {exc}"
    return f"template failed: {type(exc).__name__}: {exc}"


def _template_file(filename: str | None, name: str | None, lang_dir: Path) -> Path | str:
    if filename:
        return Path(filename)
    return lang_dir / name if name else lang_dir


def _error_location(exc: BaseException) -> tuple[str | None, int]:
    """The innermost template file and line of a render error, from Jinja's rewritten traceback."""
    tb = exc.__traceback__
    where: tuple[str | None, int] = (None, 0)
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:     # a frame Jinja made for a template line
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where
