"""The import's size limit follows the real files (issue 14, finding 11; docs/security.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pharos.learn.ingest.report import ImportRefused, check_size


def test_case_data_imports_refuse_a_file_far_below_a_gibibyte(tmp_path: Path) -> None:
    """Imports accepted files up to 1 GiB; the limit now follows the real files (128 MB)."""
    path = tmp_path / "big.csv"
    with path.open("wb") as fp:
        fp.truncate(200 * 2**20)  # sparse: nothing is really written
    with pytest.raises(ImportRefused, match="200 MB, more than the limit of 128 MB"):
        check_size(path)
