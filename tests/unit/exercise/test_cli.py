"""``pharos exercise``: bad input exits 2 and writes nothing; a drill runs, replays and reports."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pharos.cli import app

runner = CliRunner()
DRILL = """
- {event: started}
- {advance_days: 0.2}
- action: {team: ita-labour, type: inspect_site, place: ragusa-greenhouse}
- action: {team: ita-labour, type: interview, persona: karim, approach: trauma_informed,
           interpreter: ar, setting: office, interviewer: Lucia}
- {advance_days: 1}
- {event: ended}
"""


def test_validate_reports_problems_with_exit_code_2(tmp_path: Path):
    bad = tmp_path / "x.yaml"
    bad.write_text("format: pharos-exercise/1\nid: x\n", encoding="utf-8")
    res = runner.invoke(app, ["exercise", "validate", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:1: title" in res.output or "title" in res.output
    ok = runner.invoke(app, ["exercise", "validate", "mediterranean-regional"])
    assert ok.exit_code == 0, ok.output


def test_validate_reports_every_problem_with_its_line(tmp_path: Path):
    """Issue 17: a misspelt indicator passed and the first schema error hid the others."""
    from pharos.exercise.scenario.loader import bundled_path

    text = bundled_path("mediterranean-regional").read_text(encoding="utf-8")
    for old, new in (
        ("state: TUN, agency_kind: law_enforcement", "state: XXX, agency_kind: law_enforcement"),
        ("[dr_nature_of_job, dr_wages, cd_debt_bondage]", "[dr_nature_of_jobb, dr_wages]"),
    ):
        text = text.replace(old, new, 1)
    bad = tmp_path / "x.yaml"
    bad.write_text(text, encoding="utf-8")
    (tmp_path / "evidence").symlink_to(bundled_path("mediterranean-regional").parent / "evidence")
    res = runner.invoke(app, ["exercise", "validate", str(bad)])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()

    def line_of(written: str) -> int:  # the line of the file where the change was written
        return text[: text.index(written)].count("\n") + 1

    assert lines[0].startswith(f"{bad}:{line_of('state: XXX')}: teams[4].state:")
    assert lines[1].startswith(
        f"{bad}:{line_of('dr_nature_of_jobb')}: characters[0].ladder[2].indicators[0]: unknown"
    )
    assert "did you mean dr_nature_of_job" in lines[1]
    assert lines[-1] == "2 problems"


def test_play_status_report_verify(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'p.db'}"
    script = tmp_path / "drill.yaml"
    script.write_text(DRILL, encoding="utf-8")
    res = runner.invoke(app, ["exercise", "play", str(script), "--db", db])
    assert res.exit_code == 0, res.output
    ex_id = res.output.split()[1]
    live_hash = res.output.strip().split()[-1]
    st = runner.invoke(app, ["exercise", "status", ex_id, "--db", db])
    assert st.output.strip().split()[-1] == live_hash
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    rep = runner.invoke(
        app, ["exercise", "report", ex_id, "--db", db, "--html", str(html), "--pdf", str(pdf)]
    )
    assert rep.exit_code == 0, rep.output
    assert "Karim A." in html.read_text(encoding="utf-8")
    assert runner.invoke(app, ["exercise", "verify", ex_id, "--db", db]).exit_code == 0


def test_a_refused_step_exits_2(tmp_path: Path):
    script = tmp_path / "bad.yaml"
    script.write_text(
        "- action: {team: ita-labour, type: identify, persona: karim}\n", encoding="utf-8"
    )
    res = runner.invoke(
        app, ["exercise", "play", str(script), "--db", f"sqlite:///{tmp_path / 'q.db'}"]
    )
    assert res.exit_code == 2
    assert "step 1 refused" in " ".join(res.output.split())
    # nothing was written: the dry run failed before the database was touched
    listing = runner.invoke(app, ["exercise", "list", "--db", f"sqlite:///{tmp_path / 'q.db'}"])
    assert "Mediterranean" not in listing.output


def test_at_day_counts_days_from_1_as_the_pages_do(tmp_path: Path):
    """Issue 17: days were 1-based on the pages ("day 1 02:24") and 0-based in ``--at-day``.
    Now ``--at-day 1`` is the start of day 1 and ``--at-day 1.2`` is day 1 at 04:48, the
    moment the clock label names; day 0 does not exist."""
    db = f"sqlite:///{tmp_path / 'p.db'}"
    script = tmp_path / "drill.yaml"
    script.write_text(DRILL, encoding="utf-8")
    res = runner.invoke(app, ["exercise", "play", str(script), "--db", db])
    ex_id = res.output.split()[1]
    # the inspection is at day 1 04:48 (0.2 days in): not yet at 04:47, done at 04:48
    before = runner.invoke(app, ["exercise", "status", ex_id, "--db", db, "--at-day", "1"])
    assert before.exit_code == 0, before.output
    assert "day 1 00:00" in before.output
    at = runner.invoke(app, ["exercise", "status", ex_id, "--db", db, "--at-day", "1.2"])
    assert "day 1 04:48" in at.output, at.output
    zero = runner.invoke(app, ["exercise", "status", ex_id, "--db", db, "--at-day", "0.5"])
    assert zero.exit_code == 2
