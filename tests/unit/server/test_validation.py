"""Form and API validation: every error names its field and says why."""

from __future__ import annotations

import pytest

from pharos.coordinate.validation import Fields, ValidationFailed
from pharos.domain.vocabulary import Gender
from pharos.i18n import use_locale


def test_errors_name_every_bad_field() -> None:
    f = Fields({"title": "", "gender": "robot", "birthdate": "02/04/1998", "stage": "9"})
    f.text("title", required=True)
    f.choice("gender", Gender)
    f.date("birthdate")
    f.integer("stage", minimum=1, maximum=5)
    with pytest.raises(ValidationFailed) as exc:
        f.check()
    assert set(exc.value.errors) == {"title", "gender", "birthdate", "stage"}
    assert "YYYY-MM-DD" in exc.value.errors["birthdate"]
    assert "1" in exc.value.errors["stage"] and "5" in exc.value.errors["stage"]


def test_messages_are_translated() -> None:
    with use_locale("fr"):
        f = Fields({})
        f.text("title", required=True)
        assert f.errors["title"] == "Ce champ est obligatoire."


def test_good_values_pass() -> None:
    f = Fields({"title": " Case ", "gender": "feminine", "ok": "on", "many": ["male"]})
    assert f.text("title", required=True) == "Case"
    assert f.choice("gender", Gender) is Gender.FEMININE
    assert f.boolean("ok")
    f.check()
