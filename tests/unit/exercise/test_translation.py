"""Scenario translations: the files are checked (what and where), the bundled scenario is complete
in French, Arabic, Italian, Greek and Spanish, and the pages' scenario texts follow the reader's
language while the exercise state does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pharos.cli.app import app
from pharos.exercise.report import after_action, html
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.state import Message, state_hash
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.scenario import translation
from pharos.exercise.scenario.loader import ScenarioError, bundled_path, load_scenario
from pharos.exercise.story import describe, inbox
from pharos.i18n import use_locale

from .drill import play

BUNDLED = bundled_path("mediterranean-regional")
HEAD = "format: pharos-exercise-translation/1\nscenario: mediterranean-regional\nlanguage: fr\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the bundled scenario (with its documents), without translations."""
    shutil.copy(BUNDLED, tmp_path / "s.yaml")
    shutil.copytree(BUNDLED.parent / "evidence", tmp_path / "evidence")
    return tmp_path


def _problems(folder: Path, fr: str) -> list[tuple[str, int | None, str, str]]:
    (folder / "s.fr.yaml").write_text(fr, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(folder / "s.yaml")
    return [(Path(p.file).name, p.line, p.field, p.message) for p in exc.value.problems]


def test_the_bundled_scenario_is_complete_in_every_language() -> None:
    """Fails when an English text of the scenario lacks a translation in fr, ar, it, el or es."""
    loaded = load_scenario("mediterranean-regional")
    keys = translation.texts(loaded.scenario)
    assert len(keys) > 150 and "injects.call-ragusa.title" in keys
    assert sorted(loaded.translations) == ["ar", "el", "es", "fr", "it"]
    for lang in ("fr", "ar", "it", "el", "es"):
        done, missing = translation.coverage(loaded.scenario, loaded.translations[lang])
        assert missing == [], (lang, missing)
        assert done == len(keys)
        # translated, not copied: only the names of persons may stay as in English
        same = {k for k in keys if loaded.translations[lang][k] == keys[k]}
        assert all(k.startswith("characters.") and k.endswith(".name") for k in same), same


def test_keys_name_list_items_by_id_and_plain_texts_by_number() -> None:
    keys = translation.texts(load_scenario("mediterranean-regional").scenario)
    assert keys["clock.phases.detection.title"] == "Detection"
    assert keys["teams.ita-labour.name"] == "Italian labour inspectorate (Ragusa)"
    assert keys["characters.karim.ladder.karim-passport.text"].startswith("Salvo has my passport")
    assert keys["characters.salma.cues.2"].startswith("Answers")
    tasks = "objectives.networks_across_borders.capabilities.cross-border-cooperation"
    assert keys[f"{tasks}.title"] == "Cross-border cooperation"
    assert keys[f"{tasks}.critical_tasks.right-instrument.task"].startswith("Send")
    assert "characters.karim.role" not in keys  # a victim has no role: nothing to translate
    assert not any(k.endswith((".id", ".state", ".file", ".age")) for k in keys)


def test_a_translation_file_with_errors_says_what_and_where(folder: Path) -> None:
    problems = _problems(
        folder,
        HEAD
        + "texts:\n"
        + "  title: Exercice\n"  # line 5: fine
        + "  teams.ita-labour.state: ITA\n"  # 6: not a text
        + "  teams.nobody.name: Personne\n"  # 7: unknown id
        + "  injects.call-ragusa.titel: Appel\n"  # 8: unknown field
        + "  characters.karim.cues.9: Regarde\n"  # 9: no such text
        + "  characters.karim.role: victime\n"  # 10: empty in English
        + "  injects.call-ragusa.title: 'Appel de {who}'\n"  # 11: placeholder
        + "  title: Encore\n",  # 12: twice
    )
    assert problems == [
        ("s.fr.yaml", 12, "title", "given twice (first on line 5)"),
        (
            "s.fr.yaml",
            6,
            "teams.ita-labour.state",
            "not a text field: only names, titles and texts are translated",
        ),
        ("s.fr.yaml", 7, "teams.nobody.name", "unknown key: teams has no 'nobody'"),
        (
            "s.fr.yaml",
            8,
            "injects.call-ragusa.titel",
            "unknown key: injects.call-ragusa has no 'titel'",
        ),
        (
            "s.fr.yaml",
            9,
            "characters.karim.cues.9",
            "no such text in the scenario: characters.karim.cues has 3 items",
        ),
        (
            "s.fr.yaml",
            10,
            "characters.karim.role",
            "no such text in the scenario: characters.karim.role is empty",
        ),
        (
            "s.fr.yaml",
            11,
            "injects.call-ragusa.title",
            "placeholders differ: none in English, {who} in the translation",
        ),
    ]


def test_a_placeholder_of_the_english_text_must_stay(folder: Path) -> None:
    text = (folder / "s.yaml").read_text(encoding="utf-8")
    (folder / "s.yaml").write_text(
        text.replace("title: Woman left the reception centre", "title: '%(who)s left the centre'"),
        encoding="utf-8",
    )
    fr = HEAD + "texts:\n  injects.fled-blessing.title: Une femme a quitté le centre\n"
    assert _problems(folder, fr) == [
        (
            "s.fr.yaml",
            5,
            "injects.fled-blessing.title",
            "placeholders differ: %(who)s in English, none in the translation",
        )
    ]
    ok = HEAD + "texts:\n  injects.fled-blessing.title: '%(who)s a quitté le centre'\n"
    (folder / "s.fr.yaml").write_text(ok, encoding="utf-8")
    loaded = load_scenario(folder / "s.yaml")
    assert loaded.localized("fr").injects[8].title == "%(who)s a quitté le centre"


def test_the_header_must_name_the_scenario_and_the_language(folder: Path) -> None:
    fr = "format: pharos-exercise-translation/1\nscenario: other\nlanguage: ar\nextra: 1\n"
    assert _problems(folder, fr + "texts:\n  title: x\n") == [
        ("s.fr.yaml", 2, "scenario", "expected 'mediterranean-regional', found 'other'"),
        ("s.fr.yaml", 3, "language", "expected 'fr', found 'ar'"),
        ("s.fr.yaml", 4, "extra", "unknown field"),
    ]
    assert _problems(folder, HEAD + "texts: [a, b]\n") == [
        ("s.fr.yaml", 4, "texts", "expected a mapping of keys to texts")
    ]
    (folder / "s.fr.yaml").unlink()
    (folder / "s.de.yaml").write_text(HEAD.replace("fr", "de") + "texts: {}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s\.de\.yaml: language: Pharos is not translated"):
        load_scenario(folder / "s.yaml")


def test_validate_reports_per_language_and_refuses_a_broken_translation(folder: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["exercise", "validate", "mediterranean-regional"])
    assert res.exit_code == 0, res.output
    assert "fr (Français) │ 197        │ 0" in res.output
    assert "ar (العربية)  │ 197        │ 0" in res.output
    (folder / "s.fr.yaml").write_text(
        HEAD + "texts:\n  title: Exercice\n  teams.x.name: X\n", encoding="utf-8"
    )
    bad = runner.invoke(app, ["exercise", "validate", str(folder / "s.yaml")])
    assert bad.exit_code == 2
    flat = " ".join(bad.output.split())  # the console wraps long lines
    assert f"{folder / 's.fr.yaml'}:6: teams.x.name: unknown key: teams has no 'x'" in flat
    (folder / "s.fr.yaml").write_text(HEAD + "texts:\n  title: Exercice\n", encoding="utf-8")
    partial = runner.invoke(app, ["exercise", "validate", str(folder / "s.yaml")])
    assert partial.exit_code == 0 and "fr (Français) │ 1          │ 196" in partial.output
    assert "missing in fr: description, objectives." in " ".join(partial.output.split())
    translation_file = runner.invoke(app, ["exercise", "validate", str(folder / "s.fr.yaml")])
    assert translation_file.exit_code == 2
    assert "a translation file: check its scenario 'mediterranean-regional'" in " ".join(
        translation_file.output.split()
    )


def test_each_text_falls_back_to_english(folder: Path) -> None:
    (folder / "s.fr.yaml").write_text(
        HEAD + "texts:\n  teams.ita-police.name: Police italienne (Catane)\n", encoding="utf-8"
    )
    loaded = load_scenario(folder / "s.yaml")
    fr = loaded.localized("fr")
    assert fr.team("ita-police").name == "Police italienne (Catane)"
    assert fr.team("ita-labour").name == "Italian labour inspectorate (Ragusa)"
    assert loaded.localized("ar") is loaded.scenario  # no Arabic file: the scenario as written
    assert fr.model_dump(exclude={"teams"}) == loaded.scenario.model_dump(exclude={"teams"})
    with use_locale("fr"):
        assert loaded.localized().team("ita-police").name == "Police italienne (Catane)"


def test_the_state_and_its_hash_do_not_depend_on_the_language() -> None:
    hashes = set()
    for lang in ("en", "fr", "ar", "el"):
        with use_locale(lang):
            s = ExerciseSession.create(MemoryEventStore(), exercise_id="x", clock=lambda: 0.0)
            s.submit(EventKind.STARTED, "director", {})
            play(s)
            s.advance_days(2)
            inj = s.state.teams["ita-labour"].inbox[0]
            assert inj.title == "Anonymous call about workers sleeping in containers"
            hashes.add(state_hash(s.state))
    assert len(hashes) == 1


def test_inbox_and_sentences_quote_the_scenario_in_the_reader_language(
    session: ExerciseSession,
) -> None:
    play(session)
    st = session.state
    en, msgs = session.scenario, st.teams["ita-labour"].inbox
    call = next(m for m in msgs if m.inject == "call-ragusa")
    with use_locale("fr"):
        fr = session.shown()
        loc = inbox.local(en, fr)
        shown = inbox.shown(call, st.requests, loc)
        assert shown.title == "Appel anonyme signalant des ouvriers qui dorment dans des conteneurs"
        assert shown.sender == "Unité des carabiniers pour la protection du travail (NIL)"
        assert shown.body.startswith("Un correspondant signale une vingtaine d’hommes")
        # a message the engine wrote: the referring team and the person by their shown names
        ref = Message(
            "ref-9",
            5,
            "message",
            "Italian police (Catania)",
            "Referral for identification",
            "Karim A. (karim)",
        )
        assert inbox.shown(ref, [], loc).sender == "Police italienne (Catane)"
        assert inbox.shown(ref, [], loc).title == "Orientation pour identification"
        due = Message(
            "charges-delta-agri-ITA",
            9,
            "message",
            "ITA police",
            "Charging decision due: The Delta agricultural labour network",
            "Members of The Delta agricultural labour network were arrested in ITA. Decide.",
        )
        assert "réseau de main-d’œuvre agricole du Delta" in inbox.shown(due, [], loc).title
        entry = next(e for e in st.timeline if e["what"] == "inject")
        sentence = describe.describe(entry, describe.names(fr, st))
        assert fr.injects[0].title in sentence and en.injects[0].title not in sentence
    with use_locale("ar"):
        ar = session.shown()
        shown = inbox.shown(ref, [], inbox.local(en, ar))
        assert shown.body == "كريم أ. (karim)" and shown.sender == "الشرطة الإيطالية (كاتانيا)"
    for lang, sender, title in (
        ("it", "Polizia di Stato (Catania)", "Chiamata anonima su lavoratori"),
        ("el", "Ιταλική αστυνομία (Κατάνια)", "Ανώνυμο τηλεφώνημα για εργάτες"),
        ("es", "Policía italiana (Catania)", "Llamada anónima sobre trabajadores"),
    ):
        with use_locale(lang):
            loc = inbox.local(en, session.shown())
            assert inbox.shown(ref, [], loc).sender == sender
            assert inbox.shown(call, st.requests, loc).title.startswith(title)
    assert inbox.shown(call, st.requests).title == call.title  # without names: as stored


def test_the_arabic_report_is_right_to_left_with_the_arabic_texts(
    session: ExerciseSession,
) -> None:
    play(session)
    with use_locale("ar"):
        sc = session.shown()
        page = html.render_html(after_action.build(sc, session.state))
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    assert "التمرين الإقليمي المتوسطي: ثلاثة مسارات وسبع دول" in page
    assert "مفتشية العمل الإيطالية (راغوزا)" in page  # a team name in the timeline
    assert "كريم أ." in page
    assert "Italian labour inspectorate" not in page and "Mediterranean regional" not in page
