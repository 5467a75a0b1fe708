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
from typing import Any

from pharos.exercise.rules.actions.catalogue import label
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.words import wording as w
from pharos.i18n import Message, _


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
        "respond": label("answer_referral"),
        "referral_lapsed": _("lapsed referral withdrawn"),
        "shelter": _("shelter decision"),
    }
    return steps[str(code)] if str(code) in steps else label(code)


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
