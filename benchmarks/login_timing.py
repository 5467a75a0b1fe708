"""How long a refused sign-in takes for a real account and for an unknown name (issue 14,
finding 4): the ratio unknown / known should be close to 1, so that timing does not tell which
accounts exist. Real argon2id hashing (PHAROS_FAST_HASHING unset), a fresh SQLite database
with the demo, ``accounts.authenticate`` called directly; each name a fresh address and a high
free-failure count, so that throttling never answers (throttled answers skip the hash for
everyone alike).

    PYTHONPATH=src .venv/bin/python benchmarks/login_timing.py --runs 15
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.pop("PHAROS_FAST_HASHING", None)
    from sqlalchemy.orm import Session

    from pharos.coordinate import accounts
    from pharos.coordinate.setup import prepare_database
    from pharos.store.db import make_engine

    throttle = accounts.Throttle(account_free=10_000, address_free=10_000)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'timing.db'}")
        prepare_database(engine, demo=True)
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for i in range(args.runs):
            for label, name in (("known", "it.social"), ("unknown", "it.nobody")):
                with Session(engine) as s:
                    start = time.perf_counter()
                    with contextlib.suppress(accounts.LoginRefused):
                        accounts.authenticate(s, name, "wrong password", f"10.0.{i}.1", throttle)
                    times[label].append(time.perf_counter() - start)
                    s.commit()
        engine.dispose()
    known, unknown = (statistics.median(times[k]) for k in ("known", "unknown"))
    print(f"known account, wrong password: median {known * 1000:.1f} ms")
    print(f"unknown name:                  median {unknown * 1000:.1f} ms")
    print(f"ratio unknown / known:         {unknown / known:.2f}")


if __name__ == "__main__":
    main()
