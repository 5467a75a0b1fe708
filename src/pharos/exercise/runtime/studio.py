"""The scenario studio's store: scenarios written in the browser, each a list of saved versions.

A studio scenario is named by a key (``scenario_version.scenario_key``) and has numbered
versions; each version points at its text in ``scenario_text`` (the one home of scenario texts,
``pharos.exercise.runtime.store``), which an exercise started from that version runs on too.
A version is saved only when the validator (``pharos.exercise.scenario.loader.check_source``)
finds no problem in it, so every version can start an exercise.

Functions other parts use (the setup wizard chooses a scenario with them):

- :meth:`Studio.versions` lists the saved versions (newest first), of one scenario or of all;
- :meth:`Studio.loaded` gives a version's scenario, loaded from its text, and
  :func:`origin` the words that say where an exercise's scenario came from;
- :meth:`Studio.start` creates an exercise on a version.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.exc import IntegrityError

from pharos.exercise.runtime.service import Hub
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import read_text, store_text
from pharos.exercise.scenario.loader import (
    BUNDLED,
    LoadedScenario,
    Problem,
    bundled_path,
    check_source,
)
from pharos.exercise.scenario.source import ScenarioSource, document_key, read_source
from pharos.i18n import _
from pharos.store.models.exercise import ScenarioVersion

scenario_version: Table = ScenarioVersion.metadata.tables[ScenarioVersion.__tablename__]

#: Files the studio lets an author add or change besides the scenario: documents (Markdown)
#: and translations (YAML), named relative to the scenario file.
EDITABLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]{0,120}\.(md|yaml)$")


@dataclass(frozen=True)
class Version:
    key: str
    number: int
    title: str
    sha256: str
    author: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class Template:
    """A scenario shipped with Pharos, to start a studio scenario from."""

    name: str
    title: str


class StudioRefused(ValueError):
    """A version that cannot be saved: ``problems`` (the validator's) or a ``message``."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def templates() -> list[Template]:
    """The bundled exercise scenarios (not their translation files)."""
    folder = resources.files(BUNDLED).joinpath("scenarios")
    names = sorted(
        e.name.removesuffix(".yaml")
        for e in folder.iterdir()
        if e.name.endswith(".yaml") and "." not in e.name.removesuffix(".yaml")
    )
    out = []
    for name in names:
        loaded = _template(name)
        if loaded is not None:
            out.append(Template(name, loaded.localized().title))
    return out


@cache
def _template(name: str) -> LoadedScenario | None:
    return check_source(template_source(name))[0]


def template_source(name: str) -> ScenarioSource:
    """A bundled scenario's text (its file, translations and documents), as the studio keeps
    it (named relative to the scenario file, not by the folder it was read from)."""
    src = read_source(bundled_path(name))
    return ScenarioSource(src.name, src.files)


def origin(v: Version) -> str:
    """Where an exercise's scenario came from, in ``exercise_run.scenario``."""
    return f"studio:{v.key}@{v.number}"


def _version(r: object) -> Version:
    return Version(
        r.scenario_key,  # type: ignore[attr-defined]
        r.number,  # type: ignore[attr-defined]
        r.title,  # type: ignore[attr-defined]
        r.sha256,  # type: ignore[attr-defined]
        r.author,  # type: ignore[attr-defined]
        r.note,  # type: ignore[attr-defined]
        r.created_at,  # type: ignore[attr-defined]
    )


class Studio:
    """The studio's scenarios in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- reading ------------------------------------------------------------------------------
    def versions(self, key: str | None = None) -> list[Version]:
        """Saved versions, newest first: of scenario ``key``, or of every scenario."""
        q = select(scenario_version)
        if key is not None:
            q = q.where(scenario_version.c.scenario_key == key)
        q = q.order_by(scenario_version.c.created_at.desc(), scenario_version.c.number.desc())
        with self.engine.connect() as conn:
            return [_version(r) for r in conn.execute(q).all()]

    def scenarios(self) -> list[Version]:
        """The latest version of each studio scenario, most recently saved first."""
        latest: dict[str, Version] = {}
        for v in self.versions():
            if v.key not in latest or v.number > latest[v.key].number:
                latest[v.key] = v
        return sorted(latest.values(), key=lambda v: v.created_at, reverse=True)

    def version(self, key: str, number: int | None = None) -> Version:
        """Version ``number`` of scenario ``key`` (the latest when None); ``KeyError``."""
        found = [v for v in self.versions(key) if number is None or v.number == number]
        if not found:
            raise KeyError(key)
        return max(found, key=lambda v: v.number)

    def source(self, v: Version) -> ScenarioSource:
        with self.engine.connect() as conn:
            return read_text(conn, v.sha256)

    def loaded(self, v: Version) -> LoadedScenario:
        """The scenario of version ``v``, loaded from its text (saved versions are valid)."""
        loaded, problems = check_source(self.source(v))
        if loaded is None:  # the validator has grown stricter since it was saved
            raise StudioRefused(str(problems[0]) if problems else "", problems)
        return loaded

    # -- writing ------------------------------------------------------------------------------
    def create(self, source: ScenarioSource, author: str, note: str) -> Version:
        """A new studio scenario whose first version is ``source``."""
        return self._save(uuid.uuid4().hex[:12], 1, source, author, note)

    def save(self, key: str, base: int, author: str, note: str, file: str, text: str) -> Version:
        """A new version of scenario ``key``: version ``base`` with ``file`` (the scenario file,
        a document or a translation) now ``text``; a document or translation given no text is
        removed (a template's translations, when its scenario is cut down). Refused
        (``StudioRefused``) if another version was saved since ``base``, the file's name is not
        one the studio writes, or the validator finds a problem."""
        latest = self.version(key)
        if latest.number != base:
            raise StudioRefused(
                _(
                    "Version %(n)s was saved meanwhile (by %(who)s): open it, then make your "
                    "change again."
                )
                % {"n": latest.number, "who": latest.author}
            )
        src = self.source(latest)
        if file != src.name and (document_key(file) != file or not EDITABLE.match(file)):
            raise StudioRefused(
                _("A document or translation is named like evidence/statement.md or %(t)s.")
                % {"t": f"{src.stem}.fr.yaml"}
            )
        if ".." in file.split("/"):
            raise StudioRefused(_("A file of the scenario stays in its folder."))
        changed = src.with_file(file, text)  # a document or translation with no text: removed
        if changed.sha256 == src.sha256:
            raise StudioRefused(_("Nothing changed since version %(n)s.") % {"n": base})
        return self._save(key, base + 1, changed, author, note)

    def replace(self, key: str, source: ScenarioSource, author: str, note: str) -> Version:
        """A new version of ``key`` that is ``source`` (an imported file)."""
        latest = self.version(key)
        return self._save(key, latest.number + 1, source, author, note)

    def _save(
        self, key: str, number: int, source: ScenarioSource, author: str, note: str
    ) -> Version:
        loaded, problems = check_source(source)
        if loaded is None:
            raise StudioRefused(_("The scenario has problems; nothing was saved."), problems)
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                sha = store_text(conn, source)
                conn.execute(
                    insert(scenario_version).values(
                        scenario_key=key,
                        number=number,
                        title=loaded.scenario.title,
                        sha256=sha,
                        author=author,
                        note=note.strip(),
                        created_at=now,
                    )
                )
        except IntegrityError as exc:  # the same number saved by someone else meanwhile
            raise StudioRefused(
                _("Another version was saved meanwhile: open it, then make your change again.")
            ) from exc
        return Version(key, number, loaded.scenario.title, sha, author, note.strip(), now)

    # -- exercises ----------------------------------------------------------------------------
    def start(
        self, hub: Hub, v: Version, director: str, seed: int | None = None
    ) -> ExerciseSession:
        """A new exercise on version ``v`` (its text, shared), directed by ``director``."""
        return hub.create(self.loaded(v), seed=seed, director=director, origin=origin(v))
