"""Italian, Greek and Spanish catalogs are complete, and no translation breaks a placeholder.

A reader of Pharos in Rome, Athens or Madrid sees the same pages as one in Paris: for every area
listed below, each message that has a French translation also has an Italian, Greek and Spanish
one. Independently, in every catalog of every language, a translation carries exactly the
placeholders of its English msgid (``%(name)s``, ``%s``, ``{name}``): a missing or misspelt
placeholder makes the page fail (KeyError) or show the wrong figure.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "src" / "pharos" / "locale"

# Areas whose Italian, Greek and Spanish catalogs are complete. A new area joins this list once
# its it/el/es catalogs are complete (every msgid translated in French translated in all three).
COMPLETE_AREAS = (
    "domain",
    "web",
    "casework",
    "estimate",
    "learn",
    "sim",
    "exercise",
    "analysis",
    "analysisweb",
    "exercise_charging",
    "exercise_ui",
    "exercise_translation",
    "cli",
    "exercise_referrals",
    "exercise_cases",
    "instruments",
    "learn_manage",
    "estimate_bootstrap",
    "exercise_studio",
    "screening_cli",
    "notifications",
    "interview_questions",
    "casework_files",
    "counts",
    "analysis_runs",
    "serve",
    "registration",
    "backup",
    "exercise_roster",
    "offline",
    "exercise_report",
    "exercise_rehearsal",
    "exercise_archive",
    "exercise_setup",
    "exercise_review",
    "agency_names",
)
EXTRA_LANGUAGES = ("it", "el", "es")

# %(name)s with any conversion flags (%(ratio).1f, %(value)r), bare %s / %d / %r, and {name}.
# A literal percent written "%%" is not a placeholder, nor is "95% interval" in a message that
# is never %-formatted (a bare placeholder takes no flags here, so "% i" is not one).
_PLACEHOLDER = re.compile(r"%%|%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sdr]|\{[^{}]*\}")


def placeholders(text: str) -> Counter[str]:
    """The placeholders of ``text`` with how many times each occurs (``%%`` left out)."""
    return Counter(p for p in _PLACEHOLDER.findall(text) if p != "%%")


def _read(path: Path) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=path.parent.name)


def _forms(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def _translated(message: Message) -> bool:
    forms = _forms(message.string)
    return bool(forms) and all(forms)


def _areas() -> list[str]:
    return sorted(p.stem for p in (LOCALE / "fr").glob("*.po"))


def test_placeholder_pattern() -> None:
    found = placeholders("%(n)d of %(total)s at %(ratio).1f %% (%s, {year}) 100 %%")
    assert found == Counter(["%(n)d", "%(total)s", "%(ratio).1f", "%s", "{year}"])
    assert placeholders("%(n)d de %(total)s") != placeholders("%(n)d of %(totl)s")


def test_listed_areas_exist_in_french() -> None:
    missing = [a for a in COMPLETE_AREAS if not (LOCALE / "fr" / f"{a}.po").is_file()]
    assert not missing, f"areas listed as complete have no French catalog: {missing}"


@pytest.mark.parametrize("lang", EXTRA_LANGUAGES)
@pytest.mark.parametrize("area", COMPLETE_AREAS)
def test_catalog_is_complete(area: str, lang: str) -> None:
    path = LOCALE / lang / f"{area}.po"
    assert path.is_file(), f"{path.relative_to(LOCALE)} is missing"
    target = {(m.context, str(m.id)): m for m in _read(path) if m.id}
    gaps = []
    for message in _read(LOCALE / "fr" / f"{area}.po"):
        if not message.id or not _translated(message):
            continue
        found = target.get((message.context, str(message.id)))
        if found is None:
            gaps.append(f"missing: {message.id!r}")
        elif not _translated(found):
            gaps.append(f"empty: {message.id!r}")
        elif found.fuzzy:
            gaps.append(f"fuzzy: {message.id!r}")
    assert not gaps, f"{lang}/{area}.po: {len(gaps)} gaps:\n" + "\n".join(gaps[:40])


def _all_catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/*.po"))


@pytest.mark.parametrize("path", _all_catalogs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_placeholders_match(path: Path) -> None:
    catalog = _read(path)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = _forms(message.id)
        forms = [f for f in _forms(message.string) if f]
        if len(ids) == 1:
            expected = placeholders(ids[0])
            wrong += [f"{ids[0]!r} -> {f!r}" for f in forms if placeholders(f) != expected]
            continue
        # A plural form may spell its number out ("درس واحد", one lesson) and so drop a
        # placeholder, but may not bring one the English lacks; the last form (the general
        # plural) carries exactly the placeholders of the English plural.
        allowed = set(placeholders(ids[0])) | set(placeholders(ids[1]))
        wrong += [f"{ids[0]!r} -> {f!r}" for f in forms if not set(placeholders(f)) <= allowed]
        if forms and placeholders(forms[-1]) != placeholders(ids[1]):
            wrong.append(f"{ids[1]!r} -> {forms[-1]!r}")
    where = f"{path.parent.name}/{path.name}"
    assert not wrong, f"{where}: placeholders differ:\n" + "\n".join(wrong[:40])


def test_plural_forms_match_the_language() -> None:
    bad = []
    for path in _all_catalogs():
        catalog = _read(path)
        for message in catalog:
            plural = message.id and isinstance(message.id, tuple) and _translated(message)
            if plural and len(_forms(message.string)) != catalog.num_plurals:
                bad.append(f"{path.parent.name}/{path.name}: {message.id[0]!r}")
    assert not bad, "plural entries without one form per plural of the language:\n" + "\n".join(bad)
