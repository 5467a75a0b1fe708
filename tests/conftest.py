"""Test-wide set-up: numba's cache must not hide a stale compile of the fast path.

numba keys each cached function on its own source file only, so a change to a compiled helper
in another module of :mod:`pharos.sim.batch` would leave the cached kernels that call it stale.
The tests compile into a cache directory named after the contents of every module of the
simulation package (set before numba is imported): any change to them compiles afresh, and
unchanged sources reuse the compiled code across runs.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

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
