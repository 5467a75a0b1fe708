"""The after-action report to hand out (issue 17, item 5): the HTML and the PDF hold the same
sections (read back from both files: the HTML's headings by an HTML parser, the PDF's by
PDFium, as the text drawn in the headings' size), a cover with dates and participants, an
executive summary counted as the tables count, a declined request never counted as a reply that
met its target, names instead of codes, one rounding of a time, and equal protection over every
victim within a team's reach."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pharos.exercise.report import after_action, html, pdf
from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.scoring import score
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.words import wording
from pharos.exercise.words.names import clock_label
from pharos.i18n import use_locale

from .drill import play
from .test_charging import _malta_drill

#: the size the PDF draws a section's heading in (pdf._look's h2)
HEADING_SIZE = 11.5


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "h2":
            self._in = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.headings[-1] += data


def html_headings(page: str) -> list[str]:
    parser = _Headings()
    parser.feed(page)
    return [h.strip() for h in parser.headings]


def pdf_headings_and_text(data: bytes) -> tuple[list[str], str]:
    """The runs of text drawn at the headings' size, in reading order, and all the text."""
    doc = pdfium.PdfDocument(data)
    headings: list[str] = []
    text = []
    for page in doc:
        tp = page.get_textpage()
        text.append(tp.get_text_range())
        run, last_heading = "", False
        for i in range(tp.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i))
            size = pdfium_c.FPDFText_GetFontSize(tp.raw, i)
            heading = abs(size - HEADING_SIZE) < 0.05 and ch not in "\r\n"
            if heading:
                run += ch
            elif last_heading and ch not in "\r\n":
                headings.append(run.strip())
                run = ""
            last_heading = heading if ch not in "\r\n" else last_heading
        if run:
            headings.append(run.strip())
        tp.close()
        page.close()
    doc.close()
    return [h for h in headings if h], "\n".join(text)


@pytest.fixture
def ended(session: ExerciseSession) -> ExerciseSession:
    play(session)
    session.submit(EventKind.ENDED, "director", {})
    return session


def test_the_html_and_the_pdf_have_the_same_sections(ended: ExerciseSession) -> None:
    r = after_action.build(ended.scenario, ended.state, date(2024, 10, 11))
    page = html.render_html(r)
    in_html = html_headings(page)
    in_pdf, text = pdf_headings_and_text(pdf.pdf_bytes(r))
    text = " ".join(text.split())  # cells wrap their lines
    assert in_html == [str(title) for _key, title in after_action.SECTIONS]
    # the defect: the PDF had no participants, summary or teams table
    assert in_pdf == in_html
    # and the same content: the victims' groups and screening, the teams' figures
    karim = next(p for p in r.scores.personas if p.persona == "karim")
    # 3 of the 7 indicators of Karim's truth recorded: 0.43 -> 43 %
    assert karim.screening_correct and karim.screening_recall == 0.43
    assert "correct, 43%" in page and "correct, 43%" in text
    assert "Irregular migrants" in page and "Irregular migrants" in text
    assert "Italian labour inspectorate (Ragusa)" in text


def test_the_sections_are_the_same_in_arabic_and_greek(ended: ExerciseSession) -> None:
    for lang in ("ar", "el"):
        with use_locale(lang):
            r = after_action.build(ended.shown(), ended.state, date(2024, 10, 11))
            page = html.render_html(r)
            headings = html_headings(page)
            assert headings == [str(t) for _k, t in after_action.SECTIONS]
            assert "Participants" not in headings  # translated
            if lang == "el":  # reportlab draws Greek; Arabic is printed by Chromium
                assert pdf_headings_and_text(pdf.pdf_bytes(r))[0] == headings


def test_the_cover_says_when_it_was_held_and_who_took_part(ended: ExerciseSession) -> None:
    ended.submit(
        EventKind.ROLE_ASSIGNED,
        "director",
        {"username": "amal", "role": "role_player", "persona": "karim"},
    )
    events = [
        Event("x", 1, 0, EventKind.CREATED, "s", recorded_at=datetime(2026, 3, 2, 8, tzinfo=UTC)),
        Event("x", 2, 0, EventKind.STARTED, "d", recorded_at=datetime(2026, 3, 3, 9, tzinfo=UTC)),
        Event("x", 3, 9, EventKind.ENDED, "d", recorded_at=datetime(2026, 3, 4, 17, tzinfo=UTC)),
    ]
    held = after_action.held_dates(events)
    assert held == (date(2026, 3, 3), date(2026, 3, 4))  # from the start, not the creation
    r = after_action.build(ended.scenario, ended.state, date(2026, 3, 5), held=held)
    lines = dict(html_cover(r))
    assert lines["Held"] == "2026-03-03 – 2026-03-04"
    # the scenario's day 1 is 7 October 2024; the drill played 2.5 days
    assert lines["In-world dates"] == "2024-10-07 – 2024-10-09"
    assert lines["Report date"] == "2026-03-05"
    page = html.render_html(r)
    assert "amal" in page and "Role player" in page and "Karim A." in page
    assert "Egyptian public prosecution" in page and "simulated" in page


def html_cover(r: after_action.Report) -> list[tuple[str, str]]:
    from pharos.exercise.report.sections import cover_lines

    return cover_lines(r)


def test_a_declined_request_is_not_a_reply_that_met_its_target(session: ExerciseSession) -> None:
    """The issue's defect: a declined request counted as a reply that met its target while the
    networks table counted it as unanswered."""
    session.advance_days(0.2)
    session.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    session.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="TUN",
        instrument="police_information_exchange",
        network="delta-agri",
        question="Who is Mounir Trabelsi?",
    )
    session.advance_days(0.5)
    req = session.state.requests[-1].id
    session.act(
        "tun-police",
        "amira",
        type="answer_cross_border_request",
        request=req,
        answer="We cannot share this",
        decline=True,
    )
    s = score(session.scenario, session.state)
    reply = next(t for t in s.target_results if t["measure"] == "cross_border_reply_days")
    assert reply["value"] <= reply["target"]  # fast, but a refusal
    assert reply["result"] == "declined" and reply["met"] is False
    delta = next(n for n in s.networks if n.network == "delta-agri")
    assert delta.requests_sent == 1 and delta.requests_answered == 0
    tun = next(t for t in s.teams if t.team == "tun-police")
    assert (tun.requests_received, tun.requests_they_answered, tun.requests_they_declined) == (
        1,
        0,
        1,
    )
    r = after_action.build(session.scenario, session.state, date(2024, 10, 11))
    summary = dict(r.summary)
    assert summary["Cross-border requests"] == (
        "sent: 1; answered: 0 (within the target: 0); declined: 1"
    )
    assert any("declined" in f.text for f in r.improvements)
    assert not any("declined" in f.text for f in r.strengths)
    page = html.render_html(r)
    assert '<td class="missed">declined</td>' in page


def test_charging_decisions_name_the_prosecutor_and_the_logged_minute() -> None:
    s = _malta_drill(ask_italy=False)
    s.advance_days(1.5)
    r = after_action.build(s.scenario, s.state)
    row = next(c for c in r.charges if c["state"] == "Malta")
    # the defect: "Decided by" showed a class name
    assert "StandardOperatingProcedure" not in row["by"]
    assert row["by"] == "Public prosecutor, Malta (simulated): standard operating procedure"
    # one rounding: the time is the minute the timeline logged, not days rounded to 0.01
    logged = next(e for e in s.state.timeline if e["what"] == "charges_decided")
    assert row["when"] == clock_label(logged["minute"])
    page = html.render_html(r)
    assert "StandardOperatingProcedure" not in page


def test_equal_protection_covers_every_victim_within_reach(ended: ExerciseSession) -> None:
    """Blessing is within the Italian police's reach from day 1 and never contacted; Karim got
    their full protection. Before, only the victims a team contacted were compared, and the
    police read "yes"."""
    blessing = ended.state.personas["blessing"]
    assert "ita-police" in blessing.known_to and "ita-police" not in blessing.contacted
    police = next(t for t in score(ended.scenario, ended.state).teams if t.team == "ita-police")
    assert police.victims_in_reach == 2
    assert police.equal_protection is False
    assert any(g.startswith("blessing: ") for g in police.protection_gap)


def test_a_finding_under_an_objective_the_scenario_leaves_out_is_named(
    ended: ExerciseSession,
) -> None:
    """A small scenario with one objective: the measured findings of the others (the network
    not disrupted, no financial investigation) showed their codes ("networks_across_borders")
    in the findings and the improvement plan; they are named as the OSCE's aims are."""
    sc = ended.scenario
    small = sc.model_copy(update={"objectives": [sc.objectives[1]]})  # identification only
    r = after_action.build(small, ended.state, date(2024, 10, 11))
    assert {f.objective for f in r.improvements} >= {"networks_across_borders"}
    page = html.render_html(r)
    text = " ".join(pdf_headings_and_text(pdf.pdf_bytes(r))[1].split())
    for code in ("networks_across_borders", "victim_centred_protection"):
        assert code not in page and code not in text
    assert "networks across borders" in page and "networks across borders" in text
    # the scenario's own title where it has the objective
    assert sc.objectives[1].title in page


def test_the_pdf_breaks_no_word_of_a_wide_table(ended: ExerciseSession) -> None:
    """The networks table has ten columns: the PDF broke "Prosecuti|on", "agricultur|al",
    "document|ed" and "Request|s" inside the word; each column is now as wide as its longest
    word (reportlab measures the text in the font it draws it with). Here the words cannot
    all fit on A4 ("The Catania–Valletta–Athens ring" is one word): only the two widest
    columns are narrowed, the network's name and "investigation"."""
    r = after_action.build(ended.scenario, ended.state, date(2024, 10, 11))
    text = " ".join(pdf_headings_and_text(pdf.pdf_bytes(r))[1].split())
    for words in (
        "Prosecution readiness",
        "Requests sent / answered",
        "Median reply (days)",
        "Disrupted",
        "The Delta agricultural labour network",
        "Persons contacted",
        "Identification (days)",
    ):
        assert words in text, words
    for n in r.scores.networks:
        assert wording.element_status(n.elements["act"]) in text


def test_the_cover_names_the_exercise_as_the_setup_wizard_did(ended: ExerciseSession) -> None:
    """The setup wizard names an exercise ("Ragusa drill, March"): the list of exercises
    showed the name, the report only the scenario's title; the cover now gives both."""
    ended.state.setup = {"name": "Ragusa drill, March", "held_from": "2026-03-03"}
    r = after_action.build(ended.scenario, ended.state, date(2026, 3, 5))
    lines = dict(html_cover(r))
    assert lines["Exercise"] == f"Ragusa drill, March ({ended.state.exercise_id})"
    assert lines["Scenario"] == ended.scenario.title
    page = html.render_html(r)
    assert "<h1>Ragusa drill, March</h1>" in page
    text = " ".join(pdf_headings_and_text(pdf.pdf_bytes(r))[1].split())
    assert "Ragusa drill, March" in text and ended.scenario.title in text
    ended.state.setup = {}  # made without the wizard: the scenario's title, no second line
    r = after_action.build(ended.scenario, ended.state, date(2026, 3, 5))
    assert "Scenario" not in dict(html_cover(r)) and r.title == ended.scenario.title
