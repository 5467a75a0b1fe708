"""The after-action report as one HTML page (Jinja2, ``templates/after_action.html``), in the
current language (right to left for Arabic), and writing a report file whole or not at all."""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pharos.exercise.report.after_action import Report
from pharos.exercise.report.sections import cover_lines, sections
from pharos.exercise.words import wording
from pharos.i18n import current_locale, gettext, is_rtl, ngettext


def _env() -> Environment:
    folder = str(resources.files("pharos.exercise.report").joinpath("templates"))
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    return env


def render_html(report: Report, css_href: str | None = None) -> str:
    """The report as one HTML page: self-contained (styles inline), or linking ``css_href``
    (for the server, whose content security policy forbids inline styles)."""
    lang = current_locale()
    return (
        _env()
        .get_template("after_action.html")
        .render(
            r=report,
            W=wording,
            lang=lang,
            rtl=is_rtl(lang),
            css_href=css_href,
            cover=cover_lines(report),
            sections=sections(report),
        )
    )


def report_css() -> str:
    """The report's stylesheet."""
    return (
        resources.files("pharos.exercise.report")
        .joinpath("templates", "after_action.css")
        .read_text(encoding="utf-8")
    )


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_html(report: Report, path: Path) -> None:
    atomic_write(path, render_html(report).encode("utf-8"))
