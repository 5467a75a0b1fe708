"""Pseudonyms across borders are keyed by the server's secret."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from pharos.coordinate.pseudonyms import pseudonym
from pharos.web.settings import Settings

KEY = b"k" * 32


def test_pseudonym_is_stable_for_the_same_person_and_secret() -> None:
    first = pseudonym(KEY, "ITA-2026-0001", 7)
    assert first == pseudonym(KEY, "ITA-2026-0001", 7)
    assert first.startswith("P-") and len(first) == 10
    assert pseudonym(KEY, "ITA-2026-0001", 8) != first


def test_another_secret_gives_another_pseudonym() -> None:
    assert pseudonym(KEY, "ITA-2026-0001", 7) != pseudonym(b"x" * 32, "ITA-2026-0001", 7)


def test_pseudonym_cannot_be_recomputed_from_the_reference_alone() -> None:
    got = pseudonym(KEY, "ITA-2026-0001", 7)
    # the former, unkeyed scheme and an HMAC under an empty key do not give it
    unkeyed = "P-" + hashlib.sha256(b"ITA-2026-0001:7").hexdigest()[:8].upper()
    assert got != unkeyed
    with pytest.raises(ValueError):
        pseudonym(b"", "ITA-2026-0001", 7)


def test_secret_from_settings_wins_and_must_be_long(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path, secret_key="s" * 40).secret() == b"s" * 40
    assert not (tmp_path / "secret_key").exists()
    with pytest.raises(ValueError, match="32"):
        Settings(data_dir=tmp_path, secret_key="short").secret()


def test_secret_is_generated_once_in_the_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    first = Settings(data_dir=folder).secret()
    assert len(first) == 64
    assert Settings(data_dir=folder).secret() == first  # kept across restarts
    assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "other").secret() != first
    assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no temporary file left
