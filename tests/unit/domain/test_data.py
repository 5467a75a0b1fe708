"""The shipped data files read the same through libyaml as through PyYAML's own parser, and a
syntax error in an extra data folder still names the file and line."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
import yaml

from pharos.domain import datafiles
from pharos.domain.datafiles import SAFE_LOADER, DataFileError, load_data_file

SHIPPED = [
    (package, name)
    for package in ("pharos.domain", "pharos.coordinate")
    for name in sorted(
        p.name
        for p in resources.files(package).joinpath("data").iterdir()
        if p.name.endswith(".yaml")
    )
]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(datafiles.ENV, raising=False)
    datafiles.reset()
    yield
    datafiles.reset()


def test_every_shipped_data_file_is_checked() -> None:
    names = {name for _package, name in SHIPPED}
    assert {"indicators.yaml", "countries.yaml", "powers.yaml", "demo.yaml"} <= names


@pytest.mark.parametrize(("package", "name"), SHIPPED)
def test_the_fast_parser_builds_the_same_data_as_the_pure_python_one(
    package: str, name: str
) -> None:
    text = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
    assert load_data_file(name, package) == yaml.load(text, Loader=yaml.SafeLoader)


def test_the_fast_parser_is_used_when_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml")
    assert SAFE_LOADER is yaml.CSafeLoader


def test_a_syntax_error_in_an_extra_file_names_the_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "places.yaml").write_text("places:\n  - id: x\n    name: [unclosed\n")
    monkeypatch.setenv(datafiles.ENV, str(tmp_path))
    datafiles.reset()
    with pytest.raises(DataFileError, match=r"places\.yaml:\d+: not valid YAML"):
        load_data_file("places.yaml")
