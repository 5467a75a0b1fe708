"""The exercise's case files in the reader's language: the sandbox keeps what to say (msgids,
their arguments, names by id), built in English whatever the language; a page says it."""

from __future__ import annotations

import json

from sqlalchemy import select

from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.sandbox import case_words as cw
from pharos.exercise.sandbox.reader import Reader
from pharos.exercise.sandbox.sandbox import Sandbox
from pharos.exercise.words import wording as w
from pharos.i18n import Message, _, ngettext, recording, use_locale
from pharos.store.models import Agency, AuditEntry, CaseNote, RequestReply

from .test_sandbox import KEY, built, drill

# A labour inspector may not override a missing consent: the message offers no override (issue 18)
CONSENT = "The victim has not consented to: %(what)s. Record the victim's consent first."


def test_recording_keeps_the_msgid_and_its_arguments() -> None:
    assert type(_("Declined: %(text)s") % {"text": "no"}) is str  # not recording: plain text
    with use_locale("en"), recording():
        said = _("Declined: %(text)s") % {"text": w.country("EGY")}
        plural = ngettext("%(n)s document", "%(n)s documents", 2) % {"n": 2}
    assert isinstance(said, Message) and said == "Declined: Egypt"
    egypt = {"ref": "state", "id": "EGY", "en": "Egypt"}  # a country's name is kept by its code
    assert cw.data(said) == {"m": "Declined: %(text)s", "a": {"text": egypt}}
    assert cw.data(plural) == {
        "m": "%(n)s document",
        "p": "%(n)s documents",
        "n": 2,
        "a": {"n": 2},
    }


def _reader(s: ExerciseSession, sb: Sandbox) -> Reader:
    with sb.reading(KEY) as db:
        return Reader.of(sb, s.shown(), db)


def test_data_is_said_in_the_reader_s_language(session: ExerciseSession) -> None:
    sb = built(session)
    with use_locale("fr"):
        say = _reader(session, sb)
        egypt = {"ref": "state", "id": "EGY", "en": "Egypt"}
        assert say.render({"m": "Declined: %(text)s", "a": {"text": egypt}}) == (
            "Refusée : Égypte"  # CLDR's French name
        )
        assert say.render(
            {"m": "%(first)s and %(second)s", "a": {"first": "x", "second": "y"}}
        ) == ("x et y")
        assert say.render({"m": "%s of %s", "a": ["x", 2]}) == "x of 2"  # positional arguments
        network = {"ref": "network", "id": "delta-agri", "en": "The Delta network"}
        assert say.render(network) == session.shown().networks[0].name != "The Delta network"
        assert say.render({"join": [{"m": "Declined."}, "typed"], "sep": "; "}) == (
            "Refusée.; typed"
        )
        assert say.render(None) == "" and say.render(3) == "3"
        assert say.text("what a team typed") == "what a team typed"


def test_a_refusal_keeps_what_to_say_not_the_english_words(session: ExerciseSession) -> None:
    # as an exercise created before the rules refused what the case tools refuse
    session.state.consent_checked = False
    session.advance_days(0.2)
    session.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    session.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")
    session.act("esp-labour", "ana", type="open_case", persona="salma")
    session.act("esp-labour", "ana", type="refer", persona="salma", to="competent_authority")
    session.act("esp-police", "jose", type="open_investigation", network="delta-agri")
    sb = built(session)
    with sb.reading(KEY) as db:
        entries = db.execute(
            select(AuditEntry)
            .where(AuditEntry.action == "exercise_refused")
            .order_by(AuditEntry.id)
        ).scalars()
        reasons = [json.loads(e.detail)["reason"] for e in entries]
        note = db.execute(select(CaseNote)).scalar_one().text
    assert reasons[0] == {"m": "no case file of this team concerns this person yet"}
    consents = {
        "m": "%(first)s and %(second)s",
        "a": {
            "first": {"m": "services", "c": "consent"},
            "second": {"m": "disclosure to other organisations", "c": "consent"},
        },
    }
    assert reasons[2] == {"join": [{"m": CONSENT, "a": {"what": consents}}], "sep": "; "}
    name = next(n.name for n in session.scenario.networks if n.id == "delta-agri")
    assert reasons[3] == {
        "m": "no case file of this team concerns the network %(name)s",
        "a": {"name": {"ref": "network", "id": "delta-agri", "en": name}},
    }
    assert note.startswith(
        "Not recorded by the case tools (exercise action refer): The victim has not consented to:"
        " services and disclosure to other organisations."
    )
    with use_locale("fr"):
        say = _reader(session, sb)
        assert say.render(reasons[2]).startswith(
            "La victime n’a pas consenti à : les services et la communication à d’autres "
            "organisations. Enregistrez d’abord le consentement"
        )
        assert say.render(reasons[3]).endswith(session.shown().networks[0].name)
        assert say.text(note).startswith(
            "Non enregistré par les outils de dossier (action d’exercice orientation) : "
            "La victime n’a pas consenti à : les services"
        )


def test_the_sandbox_is_the_same_whatever_the_builder_s_language(
    session: ExerciseSession,
) -> None:
    drill(session)
    english = built(session)
    with use_locale("ar"):
        arabic = built(session)
    assert english.dump_hash() == arabic.dump_hash()
    with english.reading(KEY) as db:
        names = set(db.execute(select(Agency.name)).scalars())
    assert "Spanish National Police (UCRIF) — exercise team" in names
    assert "Social welfare practitioner, Tunisia — simulated by the engine" in names
    assert not [n for n in names if "_" in n]  # no agency kind's code in a name


def test_agencies_accounts_and_replies_in_french(session: ExerciseSession) -> None:
    drill(session)
    session.advance_days(6)  # Egypt's police (simulated) reply
    sb = built(session)
    police = sb.member_of_team("esp-police")
    egypt = sb.member_of_team("egy-police")
    with sb.reading(KEY) as db:
        reply = db.execute(
            select(RequestReply.text).where(RequestReply.agency_id == egypt.agency_id)
        ).scalar_one()
    assert reply.startswith("EGY: request executed under police_information_exchange")
    with use_locale("fr"):
        say = _reader(session, sb)
        shown = session.shown()
        assert say.agency(police.agency_id) == (
            f"{shown.team('esp-police').name} — équipe de l’exercice"
        )
        assert say.agency(egypt.agency_id) == (
            f"{shown.team('egy-police').name} — simulée par le moteur"
        )
        assert say.account("esp-police") == say.agency(police.agency_id)
        assert say.text(reply).startswith(
            "Égypte : demande exécutée via Échange d’informations policières"
        )
    assert shown.team("esp-police").name != session.scenario.team("esp-police").name
