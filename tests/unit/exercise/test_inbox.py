"""The messages the exercise writes itself (engine replies, charging decisions, referrals) are
stored in English and shown in the reader's language; injects stay as the scenario wrote them."""

from __future__ import annotations

from pharos.exercise.rules.state import Message
from pharos.exercise.runtime import views
from pharos.exercise.story.inbox import shown
from pharos.i18n import use_locale

from . import drill
from .test_agencies import _session
from .test_charging import _italy_arrests, _malta_drill

ENGLISH = ("contact point", "Reply to", "Suspects charged", "executed under", "Charging decision")


def test_an_engine_reply_and_its_charging_decision_in_french() -> None:
    s = _malta_drill(ask_italy=True)
    s.advance_days(1.1)
    inbox = s.state.teams["mlt-police"].inbox
    reply = next(m for m in inbox if m.id.startswith("reply-"))
    charged = next(m for m in inbox if m.title.startswith("Suspects charged"))
    with use_locale("fr"):
        r = shown(reply, s.state.requests)
        assert r.title == f"Réponse à {reply.id.removeprefix('reply-')}"
        assert r.sender == "point de contact (Italie)"
        n = len(reply.evidence)
        assert n > 1  # the plural; the singular is "1 document joint."
        assert r.body == (
            "Italie : demande exécutée via Échange d’informations policières ; "
            f"{n} documents joints."
        )
        c = shown(charged, s.state.requests)
        assert c.title == (
            "Poursuites engagées contre les suspects : The Catania–Valletta–Athens ring"
        )
        assert c.sender == "parquet (Malte)" and c.body == "Malte: preuves suffisantes"
        page = views.player(s, "mlt-police")
        for m in page["inbox"]:
            assert not any(x in f"{m['title']} {m['sender']} {m['body']}" for x in ENGLISH), m


def test_a_played_prosecutor_reads_its_charging_item_in_arabic() -> None:
    s = _session(played=("ita-prosecutor",))
    _italy_arrests(s)
    item = next(m for m in s.state.teams["ita-prosecutor"].inbox if m.id.startswith("charges-"))
    with use_locale("ar"):
        t = shown(item, s.state.requests)
    assert t.title == "حان موعد قرار الاتهام: The Delta agricultural labour network"
    assert "إيطاليا" in t.body and "Members of" not in t.body


def test_referrals_in_spanish_and_injects_as_written(session) -> None:
    drill.play(session)
    st = session.state
    ngo = next(m for m in st.teams["ita-ngo"].inbox if m.id.startswith("ref-"))
    police = next(m for m in st.teams["ita-police"].inbox if m.id.startswith("ref-"))
    inject = next(m for m in st.teams["ita-police"].inbox if m.inject is not None)
    with use_locale("es"):
        assert shown(ngo, st.requests).title == "Derivación para asistencia"
        assert shown(ngo, st.requests).body == "Karim A. (karim): centro de acogida"
        assert shown(police, st.requests).title == "Derivación para identificación"
        same = shown(inject, st.requests)
        assert (same.title, same.sender, same.body) == (inject.title, inject.sender, inject.body)
    odd = Message("ref-9", 0, "message", "Someone", "Something else", "text")
    assert shown(odd, []) == (shown(odd, [])) and shown(odd, []).title == "Something else"
