"""The outputs of ``pharos simulate`` as a simulated dataset of the analytics store.

``pharos simulate`` writes, per variant (``baseline`` and one folder per overlay), the tidy table
``outcomes`` (replication, state, route, exploitation type, vulnerable group, metric, value; see
docs/model.md). It holds counts (victims, identified, protected, ...) and the *sums* of days from
the start of exploitation to identification and to protection, per cell. This module expands the
cells of the four groups that partition the victims (women, men, girls, boys) into one row per
simulated victim:

* ``case_outcomes`` (the equal-protection monitor): gender, minor, exploitation type, identified
  and protected; the days are the cell's mean (its sum divided by its count), so every group's
  mean days equals the simulation's own; the spread *within* a cell is not in the outputs, so
  intervals on days are narrower than a per-victim table would give. The model has no separate
  referral step, citizenship, age band or calendar year: those columns stay empty.
* ``victims`` (the analytics pages and trends), from the table ``annual`` when present: one row
  per *identified* victim (as in CTDC, whose records are identified victims) with the year
  (``first_year`` + the simulated year), gender (``identified_female``), country of exploitation
  (the state) and the exploitation-type flag. Without ``annual``, the victims of ``outcomes``
  without a year.

Replications are pooled. The dataset is marked ``simulation`` with the scenario, variant
(overlay) and seed; the store never mixes it with real data unless it is asked for by id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pharos.domain.vocabulary import Gender
from pharos.i18n import _
from pharos.learn import codes
from pharos.learn.ingest.report import ImportRefused
from pharos.learn.schema import conform
from pharos.learn.store import Store

#: The groups of ``outcomes`` that partition the victims: (gender, minor).
PARTITION: dict[str, tuple[str, bool]] = {
    "women": (Gender.FEMININE.value, False),
    "men": (Gender.MASCULINE.value, False),
    "girls": (Gender.FEMININE.value, True),
    "boys": (Gender.MASCULINE.value, True),
}
COLUMNS = ("replication", "state", "route", "exploitation", "group", "metric", "value")
METRICS = (
    "victims",
    "identified",
    "protected",
    "days_to_identification_sum",
    "days_to_protection_sum",
)


@dataclass
class SimulationImport:
    """What was read from one variant folder and what was stored."""

    folder: Path
    scenario: str
    variant: str
    seed: int | None
    first_year: int | None
    replications: int
    victims: int
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    digest: str = ""
    dataset: str | None = None

    @property
    def details(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "overlay": None if self.variant == "baseline" else self.variant,
            "seed": self.seed,
            "first_year": self.first_year,
            "replications": self.replications,
            "folder": str(self.folder),
        }


def _outcomes_file(folder: Path) -> Path | None:
    for name in ("outcomes.parquet", "outcomes.csv"):
        if (folder / name).is_file():
            return folder / name
    return None


def variant_folders(path: Path) -> list[Path]:
    """The variant folders of a ``pharos simulate`` output (or ``path`` itself if it is one)."""
    path = Path(path)
    if not path.is_dir():
        raise ImportRefused(
            _("%(path)s is not a folder written by pharos simulate") % {"path": path}
        )
    if _outcomes_file(path) is not None:
        return [path]
    found = sorted(p for p in path.iterdir() if p.is_dir() and _outcomes_file(p) is not None)
    if not found:
        raise ImportRefused(
            _(
                "%(path)s is not a folder written by pharos simulate: no outcomes.parquet or "
                "outcomes.csv in it or in its variant folders"
            )
            % {"path": path}
        )
    return found


def _scenario_name(folder: Path) -> str:
    for report in (folder / "report.html", folder.parent / "report.html"):
        if report.is_file():
            head = report.read_text(encoding="utf-8", errors="replace")[:4000]
            if m := re.search(r"<title>([^<]+)</title>", head):
                return m.group(1).strip()
    return folder.parent.name if folder.name == "baseline" else folder.name


def _read_outcomes(path: Path, columns: tuple[str, ...] = COLUMNS) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path)
    except Exception as exc:
        raise ImportRefused(
            _("%(file)s cannot be read: %(error)s") % {"file": path, "error": type(exc).__name__}
        ) from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ImportRefused(
            _("%(file)s is not a pharos simulate outcomes table: missing columns %(cols)s")
            % {"file": path, "cols": ", ".join(missing)}
        )
    return frame


def expand(outcomes: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """One row per simulated victim (``case_outcomes`` and ``victims`` tables)."""
    cells = (
        outcomes.filter(pl.col("group").is_in(list(PARTITION)) & pl.col("metric").is_in(METRICS))
        .pivot(
            on="metric",
            index=["replication", "state", "route", "exploitation", "group"],
            values="value",
            aggregate_function="sum",
        )
        .fill_null(0)
    )
    for metric in METRICS:
        if metric not in cells.columns:
            cells = cells.with_columns(pl.lit(0.0).alias(metric))
    bad = cells.filter(
        (pl.col("identified") > pl.col("victims"))
        | (pl.col("protected") > pl.col("victims"))
        | (pl.col("victims") < 0)
    )
    if bad.height:
        row = bad.row(0, named=True)
        raise ImportRefused(
            _(
                "The outcomes table is inconsistent: in replication %(rep)s, %(state)s, "
                "%(group)s, more identified or protected victims than victims"
            )
            % {"rep": row["replication"], "state": row["state"], "group": row["group"]}
        )
    rows: list[dict[str, Any]] = []
    for cell in cells.iter_rows(named=True):
        gender, minor = PARTITION[cell["group"]]
        n, ident, prot = int(cell["victims"]), int(cell["identified"]), int(cell["protected"])
        mean_ident = cell["days_to_identification_sum"] / ident if ident else None
        mean_prot = cell["days_to_protection_sum"] / prot if prot else None
        exploitation = cell["exploitation"] if cell["exploitation"] in codes.EXPLOITATION else None
        for i in range(n):
            rows.append(
                {
                    "source": "simulation",
                    "gender": gender,
                    "minor": minor,
                    "exploitation_type": exploitation,
                    "exploitation_country": cell["state"],
                    "identified": i < ident,
                    "protected": i < prot,
                    "days_to_identification": mean_ident if i < ident else None,
                    "days_to_protection": mean_prot if i < prot else None,
                }
            )
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    if frame.is_empty():
        return {}
    victims = frame.with_columns(
        *[
            (pl.col("exploitation_type") == code).fill_null(False).alias(f"exp_{code}")
            for code in codes.EXPLOITATION
        ]
    )
    return {
        "case_outcomes": conform(frame, "case_outcomes"),
        "victims": conform(victims, "victims"),
    }


ANNUAL_COLUMNS = ("replication", "state", "route", "exploitation", "year", "metric", "value")


def identified_by_year(annual: pl.DataFrame, first_year: int) -> pl.DataFrame:
    """One ``victims`` row per identified simulated victim; years counted from ``first_year``."""
    cells = (
        annual.filter(pl.col("metric").is_in(["identified", "identified_female"]))
        .pivot(
            on="metric",
            index=["replication", "state", "route", "exploitation", "year"],
            values="value",
            aggregate_function="sum",
        )
        .fill_null(0)
    )
    if "identified" not in cells.columns:
        return conform(pl.DataFrame({"source": []}, schema={"source": pl.String}), "victims")
    if "identified_female" not in cells.columns:
        cells = cells.with_columns(pl.lit(0.0).alias("identified_female"))
    rows: list[dict[str, Any]] = []
    for cell in cells.iter_rows(named=True):
        n, female = int(cell["identified"]), int(cell["identified_female"])
        if female > n or n < 0:
            raise ImportRefused(
                _("The annual table is inconsistent: more identified women than identified victims")
            )
        exploitation = cell["exploitation"] if cell["exploitation"] in codes.EXPLOITATION else None
        for i in range(n):
            row: dict[str, Any] = {
                "source": "simulation",
                "year": first_year + int(cell["year"]),
                "gender": Gender.FEMININE.value if i < female else Gender.MASCULINE.value,
                "exploitation_country": cell["state"],
            }
            for code in codes.EXPLOITATION:
                row[f"exp_{code}"] = code == exploitation
            rows.append(row)
    if not rows:
        return conform(pl.DataFrame({"source": []}, schema={"source": pl.String}), "victims")
    return conform(pl.DataFrame(rows, infer_schema_length=None), "victims")


def _annual_file(folder: Path) -> Path | None:
    for name in ("annual.parquet", "annual.csv"):
        if (folder / name).is_file():
            return folder / name
    return None


def read_simulation(
    path: Path, seed: int | None = None, first_year: int | None = None
) -> list[SimulationImport]:
    """Read and check every variant under ``path``; raises ``ImportRefused``, writes nothing.

    ``first_year``: the calendar year given to simulated year 0 (default: the current year).
    """
    from datetime import UTC, datetime

    first_year = datetime.now(UTC).year if first_year is None else first_year
    found: list[SimulationImport] = []
    for folder in variant_folders(path):
        source = _outcomes_file(folder)
        assert source is not None
        outcomes = _read_outcomes(source)
        tables = expand(outcomes)
        if not tables:
            raise ImportRefused(
                _("%(file)s holds no simulated victims; nothing was stored") % {"file": source}
            )
        annual_path = _annual_file(folder)
        if annual_path is not None:
            annual = _read_outcomes(annual_path, ANNUAL_COLUMNS)
            tables["victims"] = identified_by_year(annual, first_year)
        h = hashlib.sha256(source.read_bytes())
        h.update(b"simulation:" + folder.name.encode())
        found.append(
            SimulationImport(
                folder=folder,
                scenario=_scenario_name(folder),
                variant=folder.name,
                seed=seed,
                first_year=first_year if annual_path is not None else None,
                replications=outcomes.get_column("replication").n_unique(),
                victims=tables["case_outcomes"].height,
                tables=tables,
                digest=h.hexdigest(),
            )
        )
    return found


def import_simulation(
    store: Store, path: Path, seed: int | None = None, first_year: int | None = None
) -> list[SimulationImport]:
    """Add every variant of a ``pharos simulate`` output to ``store``, all or nothing."""
    found = read_simulation(path, seed, first_year)
    for item in found:
        if existing := store.find_digest(item.digest):
            raise ImportRefused(
                _("%(file)s was already imported (dataset %(id)s); nothing was changed")
                % {"file": item.folder, "id": existing}
            )
    written: list[str] = []
    try:
        for item in found:
            item.dataset = store.add(
                kind="simulation",
                file=f"{item.scenario}/{item.variant}",
                digest=item.digest,
                tables=item.tables,
                origin="simulation",
                details=item.details,
            )
            written.append(item.dataset)
    except BaseException:
        for dataset in written:
            store.remove(dataset)
        raise
    return found
