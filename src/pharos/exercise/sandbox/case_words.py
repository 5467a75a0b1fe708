"""Words of an exercise's case files: what the sandbox keeps is language-independent, the pages
say it in the reader's language.

The sandbox (``pharos.exercise.sandbox.database``) is built in English by a background thread, and
the same log must give the same sandbox in any language. So what the projector writes there as text
(a refusal of the case tools, the notes, the referral details and reasons, a request's subject, a
reply) is kept also as **data**: the msgid and its arguments, the scenario's names by id (a team, a
network, a person, a line of a person's story), codes (a state, an instrument, an action, a
referral's destination). A refusal's data is stored in its ``exercise_refused`` audit entry; the
data of a text written into a record is kept by the projector, by the English text (:class:`Words`),
rebuilt with the sandbox from the log. A page reads it through a :class:`Reader`, which also names
the sandbox's agencies and accounts by id.

Data: a string (as written; a name of the scenario or of an agency in it is translated), a
number, ``{"m": msgid, "a": arguments, "c": context, "p": plural, "n": count}``,
``{"ref": kind, "id": id, "en": English}`` or ``{"join": [data, ...], "sep": separator}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.words import wording as w
from pharos.i18n import Message, _, gettext, ngettext, pgettext
from pharos.store.models import Agency, User

if TYPE_CHECKING:
    from pharos.exercise.sandbox.database import Sandbox


class Text(str):
    """English text that knows its data (a name by id, a joined list)."""

    data: Any

    def __new__(cls, english: str, data: Any) -> Text:
        self = super().__new__(cls, english)
        self.data = data
        return self

    def __str__(self) -> str:
        return self


def ref(kind: str, id_: str, english: str) -> Text:
    """A name or a code of ``kind`` (see :meth:`Reader.name`), written ``english`` in English."""
    return Text(english, {"ref": kind, "id": id_, "en": english})


def joined(parts: Iterable[str], sep: str) -> Text:
    items = list(parts)
    return Text(sep.join(items), {"join": [data(p) for p in items], "sep": sep})


def said_as(english: str, said: str) -> Text:
    """``english`` (a text of the exercise's state, kept as written) with the data of ``said``,
    the same thing as the exercise's pages say it."""
    return Text(english, data(said))


def data(value: object) -> Any:
    """What to keep of ``value`` (a text written in :func:`pharos.i18n.recording`)."""
    if isinstance(value, Text):
        return value.data
    if isinstance(value, w.CountryName):
        return {"ref": "state", "id": value.code, "en": str.__str__(value)}
    if isinstance(value, Message):
        out: dict[str, Any] = {"m": value.msgid}
        if value.context is not None:
            out["c"] = value.context
        if value.plural is not None:
            out["p"], out["n"] = value.plural, value.n
        if isinstance(value.args, Mapping):
            out["a"] = {str(k): data(v) for k, v in value.args.items()}
        elif isinstance(value.args, tuple):
            out["a"] = [data(v) for v in value.args]
        elif value.args is not None:
            out["a"] = [data(value.args)]
        return out
    if value is None or isinstance(value, bool | int | float):
        return value
    return str.__str__(str(value))


def agency_name(sc: ExerciseScenario, state: str, kind: str, team: str | None, played: bool) -> str:
    """A sandbox agency's name in the current language (``sc`` as the reader reads it): the
    team's, else the kind of body and its state; and who acts for it."""
    if team is not None:
        name = sc.team(team).name
    else:
        name = _("%(kind)s, %(state)s") % {"kind": w.agency_kind(kind), "state": w.country(state)}
    if played:
        return _("%(name)s — exercise team") % {"name": name}
    return _("%(name)s — simulated by the engine") % {"name": name}


def step(code: object) -> str:
    """A step the case tools refused: an exercise action, or one of the steps the projector
    takes for it (the consent it records, an answer to a referral, a lapse, a shelter
    decision)."""
    steps = {
        "consent": _("consent recorded"),
        "respond": w.action_type("answer_referral"),
        "referral_lapsed": _("lapsed referral withdrawn"),
        "shelter": _("shelter decision"),
    }
    return steps[str(code)] if str(code) in steps else w.action_type(code)


class Words:
    """The data of the texts the projector wrote into the sandbox's records, by English text."""

    def __init__(self) -> None:
        self._by_text: dict[str, Any] = {}

    def keep(self, text: str) -> str:
        """Remember ``text``'s data (if it has any: a :class:`Message` or a :class:`Text`);
        gives ``text`` back, to be written."""
        if isinstance(text, Message | Text):
            self._by_text[str.__str__(text)] = data(text)
        return text

    def get(self, text: str) -> Any:
        return self._by_text.get(text)


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
