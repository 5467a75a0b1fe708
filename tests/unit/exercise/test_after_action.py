"""The after-action report shows the measured times, findings and an improvement plan."""

from __future__ import annotations

from datetime import date

from pharos.exercise.report import after_action, html, pdf
from pharos.exercise.rules.events import EventKind
from pharos.i18n import use_locale

from .drill import play


def test_report_measures_and_plans(session, tmp_path):
    play(session)
    session.submit(
        EventKind.CORRECTIVE_ACTION,
        "director",
        {
            "action": "Agree a liaison desk with Tunisia",
            "owner": "ita-police",
            "due_days": 90,
            "objective": "networks_across_borders",
        },
    )
    session.submit(EventKind.ENDED, "director", {})
    r = after_action.build(session.scenario, session.state, date(2024, 10, 11))
    karim = next(p for p in r.scores.personas if p.persona == "karim")
    # contacted at the inspection, identified by the police 0.3 days later
    assert karim.first_contact_days == 0.0
    assert karim.identification_days == 0.3
    assert karim.referral_days == 0.3
    assert karim.screening_correct is True
    assert karim.retained
    delta = next(n for n in r.scores.networks if n.network == "delta-agri")
    assert (
        delta.requests_sent == 1 and delta.requests_answered == 1 and delta.median_reply_days == 1.0
    )
    assert any(
        t["measure"] == "cross_border_reply_days" and t["met"] for t in r.scores.target_results
    )
    assert any(a.owner == "Italian police (Catania)" and a.due == date(2025, 1, 9) for a in r.plan)
    assert any(row["mean"] == 5 for row in r.ratings)
    page = html.render_html(r)
    assert "0.3" in page and "Improvement plan" in page and "Karim A." in page
    pdf.write_pdf(r, tmp_path / "aar.pdf")
    assert (tmp_path / "aar.pdf").read_bytes().startswith(b"%PDF")


def test_report_in_arabic_is_right_to_left(session):
    play(session)
    r = after_action.build(session.scenario, session.state, date(2024, 10, 11))
    with use_locale("ar"):
        page = html.render_html(r)
    assert 'dir="rtl"' in page


def test_the_timeline_names_people_as_the_participants_table_does(session):
    """The report's timeline said "Exercise started by director" (the account's user name) while
    its participants table named the same person (seen in the director's story, issue 17: names
    instead of codes). Given the accounts' names, the timeline uses them; a team stays a team."""
    play(session)
    session.submit(EventKind.ENDED, "director", {})
    people = [{"username": "director", "name": "Maria Rossi", "agency": "", "role": "", "of": ""}]
    r = after_action.build(session.scenario, session.state, date(2024, 10, 11), people=people)
    texts = [e["text"] for e in r.timeline]
    assert "Exercise started by Maria Rossi" in texts
    assert not [t for t in texts if t.endswith(" by director")]
    plain = after_action.build(session.scenario, session.state, date(2024, 10, 11))
    assert "Exercise started by director" in [e["text"] for e in plain.timeline]
