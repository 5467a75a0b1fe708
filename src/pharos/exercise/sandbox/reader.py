"""The texts and names of an exercise's case files as the reader reads them.

The sandbox keeps its texts in English with their data (``pharos.exercise.sandbox.case_words``);
a page says them again in the reader's language through a :class:`Reader`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.exercise.sandbox.case_words import Words, agency_name, step
from pharos.exercise.sandbox.sandbox import Sandbox
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.words import wording as w
from pharos.i18n import gettext, ngettext, pgettext
from pharos.store.models import Agency, User


class Reader:
    """The sandbox's texts and names as the reader reads them (in the current language)."""

    @classmethod
    def of(cls, sandbox: Sandbox, shown: ExerciseScenario, db: Session) -> Reader:
        """For a page reading ``sandbox`` through ``db``; ``shown``: the scenario in the
        reader's language (``ExerciseSession.shown``)."""
        agencies = {a_id: name for a_id, name in db.execute(select(Agency.id, Agency.name))}
        accounts = {u: a_id for u, a_id in db.execute(select(User.username, User.agency_id))}
        return cls(sandbox, shown, agencies, accounts)

    def __init__(
        self,
        sandbox: Sandbox,
        shown: ExerciseScenario,
        agencies: Mapping[int, str],
        accounts: Mapping[str, int],
    ) -> None:
        """``agencies``: the sandbox's agency names (English) by id; ``accounts``: the agency
        of each sandbox account, by user name."""
        self.sb = sandbox
        self.sc = shown
        self.words: Words = sandbox.projector.words
        self._agencies = {
            m.agency_id: agency_name(shown, m.state, m.kind, m.team, m.played)
            for m in sandbox.members
        }
        self._accounts = dict(accounts)
        base = sandbox.scenario
        # names written in English in the sandbox (a case's title, an argument of a message)
        self._names: dict[str, str] = {}
        for a, b in zip(base.characters, shown.characters, strict=True):
            self._names[a.name] = b.name
        for t, u in zip(base.teams, shown.teams, strict=True):
            self._names[t.name] = u.name
        for n, o in zip(base.networks, shown.networks, strict=True):
            self._names[n.name] = o.name
        for i, english in agencies.items():
            self._names[english] = self.agency(i, english)

    def agency(self, agency_id: int | None, default: str = "") -> str:
        return self._agencies.get(agency_id or 0, default)

    def account(self, username: str | None) -> str:
        """A sandbox account (one per agency) by its agency's name."""
        if username is None:
            return ""
        aid = self._accounts.get(username)
        return self.agency(aid, username) if aid is not None else username

    def name(self, kind: str, id_: str, english: str = "") -> str:
        sc = self.sc
        if kind == "team":
            return next((t.name for t in sc.teams if t.id == id_), english)
        if kind == "network":
            return next((n.name for n in sc.networks if n.id == id_), english)
        if kind == "character":
            return next((c.name for c in sc.characters if c.id == id_), english)
        if kind == "disclosure":
            persona, _sep, line = id_.partition("/")
            c = next((c for c in sc.characters if c.id == persona), None)
            return next((d.text for d in c.ladder if d.id == line), english) if c else english
        words = {"state": w.country, "choice": w.choice, "action": step}
        return words[kind](id_) if kind in words else english or id_

    def text(self, text: str | None) -> str:
        """A text of the sandbox: said again from its data if the projector wrote it, a name
        translated, anything else (what a team typed) as written."""
        if not text:
            return text or ""
        found = self.words.get(text)
        if found is not None:
            return self.render(found)
        return self._names.get(text, text)

    def render(self, d: Any) -> str:
        """Data (see the module) in the current language."""
        if isinstance(d, str):
            return self.text(d)
        if not isinstance(d, dict):
            return "" if d is None else str(d)
        if "ref" in d:
            return self.name(str(d["ref"]), str(d.get("id", "")), str(d.get("en", "")))
        if "join" in d:
            return str(d.get("sep", "")).join(self.render(x) for x in d["join"])
        msgid = str(d.get("m", ""))
        if "p" in d:
            said = ngettext(msgid, str(d["p"]), int(d.get("n") or 0))
        elif "c" in d:
            said = pgettext(str(d["c"]), msgid)
        else:
            said = gettext(msgid)
        args = d.get("a")
        if args is None:
            return said
        shown: Any = (
            {k: v if isinstance(v, int | float) else self.render(v) for k, v in args.items()}
            if isinstance(args, dict)
            else tuple(v if isinstance(v, int | float) else self.render(v) for v in args)
        )
        return str(said % shown)  # the catalogs' placeholders are the msgid's (a test checks)
