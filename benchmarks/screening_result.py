"""The screening result page (issue 20, performance: "the web result page's p95 under 150 ms").

A fresh database with the demo, the web application in this process (Starlette's test client,
no network), signed in as the Italian labour inspector. ``--screenings`` screenings are recorded
through the form with seeded random indicators (observed, ruled out, explored dimensions), then
each result page ``/screenings/{id}`` is read ``--repeat`` times in all, in English and Arabic.

Reference, measured in the same process and client: a static file (``/static/exercise.css``),
which costs the application's middleware (session, CSRF, security headers) and nothing else.

    PYTHONPATH=src python benchmarks/screening_result.py [--repeat 300] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("PHAROS_FAST_HASHING", "1")

from pharos.domain.indicators import Dimension, delphi_indicators
from pharos.web.testing import fresh_database, make_app, signed_in_client


def p95(samples: list[float]) -> float:
    return float(np.percentile(samples, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--screenings", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--database-url", help="PostgreSQL (emptied first); default: SQLite")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'pharos.db'}"
        fresh_database(url).dispose()
        app = make_app(url)
        client = signed_in_client(app, "it.labour")
        ids = sorted(delphi_indicators())
        created: list[int] = []
        posts: list[float] = []
        for n in range(args.screenings):
            data = {"person_label": f"Worker {n}", "age": str(rng.randint(15, 60))}
            for ind in rng.sample(ids, rng.randint(1, 10)):
                data[f"ind_{ind}"] = rng.choice(["present", "present", "ruled_out"])
            for d in Dimension:
                if rng.random() < 0.5:
                    data[f"explored_{d.value}"] = "1"
            t0 = time.perf_counter()
            r = client.post("/screenings", data=data)
            posts.append(time.perf_counter() - t0)
            assert r.status_code == 303, (r.status_code, r.text[:300])
            m = re.match(r"/screenings/(\d+)", r.headers["location"])
            assert m
            created.append(int(m.group(1)))
        for _ in range(20):  # warm-up: templates compiled, catalogs loaded
            client.get(f"/screenings/{created[0]}")
            client.get("/static/exercise.css")
        reference: list[float] = []
        pages: dict[str, list[float]] = {"en": [], "ar": []}
        for i in range(args.repeat):
            t0 = time.perf_counter()
            r = client.get("/static/exercise.css")
            reference.append(time.perf_counter() - t0)
            assert r.status_code == 200
            lang = "ar" if i % 2 else "en"
            sid = created[i % len(created)]
            t0 = time.perf_counter()
            r = client.get(f"/screenings/{sid}", headers={"Accept-Language": lang})
            pages[lang].append(time.perf_counter() - t0)
            assert r.status_code == 200 and 'id="presumption"' in r.text
        ref = p95(reference)
        load = os.getloadavg()[0]
        print(f"database: {url.split(':', 1)[0]}; load average {load:.1f}")
        print(f"reference (static file): p95 {ref * 1000:.1f} ms")
        for lang, samples in pages.items():
            q = p95(samples)
            print(
                f"result page ({lang}): p95 {q * 1000:.1f} ms, median"
                f" {statistics.median(samples) * 1000:.1f} ms, ratio to reference {q / ref:.1f}"
            )
        print(f"recording a screening (form POST): p95 {p95(posts) * 1000:.1f} ms")
        worst = max(p95(s) for s in pages.values())
        print(f"goal p95 < 150 ms: {'met' if worst < 0.150 else 'NOT met'}")


if __name__ == "__main__":
    main()
