"""Test-wide set-up: numba's cache must not hide a stale compile of the fast path.

numba keys each cached function on its own source file only, so a change to a compiled helper
in another module of :mod:`pharos.sim.batch` would leave the cached kernels that call it stale.
The tests compile into a cache directory named after the contents of every module of the
simulation package (set before numba is imported): any change to them compiles afresh, and
unchanged sources reuse the compiled code across runs.

``domain_data`` gives a test an extra domain data folder (``PHAROS_DOMAIN_DATA``); the exercise
hubs made on PostgreSQL are stopped after each test.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_SIM = Path(__file__).resolve().parents[1] / "src" / "pharos" / "sim"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(_SIM.rglob("*.py")):
        digest.update(path.relative_to(_SIM).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


if "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = str(
        Path(tempfile.gettempdir()) / "pharos-numba-cache" / _fingerprint()
    )


@pytest.fixture()
def domain_data() -> Iterator[Callable[[Path], None]]:
    """Use an extra domain data folder (``PHAROS_DOMAIN_DATA``) for one test: call the fixture
    with the folder; the data read before and after the test is the shipped data."""
    from contextlib import ExitStack

    from pharos.web.testing import extra_domain_data

    with ExitStack() as stack:
        yield lambda folder: stack.enter_context(extra_domain_data(folder))


@pytest.fixture(autouse=True)
def _hubs_on_postgresql() -> Iterator[None]:
    """After each test, stop the exercise hubs made on PostgreSQL: each holds a listening and a
    clock connection (and the clock's lock) for as long as it lives, and the tests' apps are
    never shut down. Later tests make new hubs, which read the exercises back from the log."""
    yield
    service = sys.modules.get("pharos.exercise.runtime.service")
    if service is not None:
        service.Hub.stop_shared()
