"""Import a generated one-million-row CTDC Format A file; compare with plain pandas.

The reference, measured in the same process, is pandas ``read_csv`` (every column as text)
followed by the same checks Pharos makes: codes of gender, age band, majority status, data
source and countries, 0/1/-99 flags, years, formula-looking cells. Goal: Pharos under 30 s.

    PYTHONPATH=src python benchmarks/learn_import.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from pharos.learn import codes
from pharos.learn.importing import import_file
from pharos.learn.ingest.ctdc import FORMAT_A_COLUMNS
from pharos.learn.store import Store

TERMS = "By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use"


def generate(path: Path, rows: int, seed: int = 20240601) -> None:
    """A Format A file of ``rows`` rows with every quirk: ``-99``, empties, ZZ, lists."""
    rng = np.random.default_rng(seed)

    def pick(values: list[str], p: list[float] | None = None) -> np.ndarray:
        return rng.choice(np.array(values, dtype=object), size=rows, p=p)

    countries = ["IT", "GR", "ES", "MT", "TN", "EG", "DZ", "NG", "LY", "MA", "BD", "ZZ", ""]
    data: dict[str, np.ndarray] = {"_terms": np.full(rows, "", dtype=object)}
    for col in FORMAT_A_COLUMNS:
        if col == "yearOfRegistration":
            data[col] = pick([str(y) for y in range(2002, 2021)] + [""])
        elif col == "Datasource":
            data[col] = pick(["Case Management", "Case management", "Hotline"])
        elif col == "gender":
            data[col] = pick(["Female", "Male", "Transgender/NonConforming", "Unknown", ""])
        elif col == "ageBroad":
            data[col] = pick([*codes.AGE_BANDS, "Unknown", ""])
        elif col.startswith("majority"):
            data[col] = pick(["Adult", "Minor", "Unknown", "-99", ""])
        elif col in ("citizenship", "CountryOfExploitation"):
            data[col] = pick(countries)
        elif col.endswith("Concatenated") or col == "RecruiterRelationship":
            data[col] = pick(["", "Sexual exploitation", "Forced labour;Sexual exploitation"])
        else:
            data[col] = pick(["", "0", "1", "-99"], p=[0.6, 0.25, 0.1, 0.05])
    frame = pl.DataFrame({k: pl.Series(k, v, dtype=pl.String) for k, v in data.items()})
    frame = frame.rename({"_terms": TERMS})
    frame.write_csv(path, separator=";", null_value="")


def pandas_reference(path: Path) -> int:
    """Plain pandas: read everything as text and make the same checks; returns bad rows."""
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    df = df.drop(columns=df.columns[0])
    missing = set(codes.MISSING_TEXT)
    bad = pd.Series(False, index=df.index)
    year = df["yearOfRegistration"]
    years = pd.to_numeric(year.where(~year.str.lower().isin(missing)), errors="coerce")
    bad |= ~year.str.lower().isin(missing) & (years.isna() | (years < 1990) | (years > 2100))
    genders = {"female", "male", "transgender/nonconforming"} | missing
    bad |= ~df["gender"].str.lower().isin(genders)
    bands = {b.lower() for b in codes.AGE_BANDS} | missing
    bad |= ~df["ageBroad"].str.lower().isin(bands)
    for col in ("majorityStatus", "majorityStatusAtExploit", "majorityEntry"):
        bad |= ~df[col].str.lower().isin({"adult", "minor"} | missing)
    bad |= ~df["Datasource"].str.lower().isin({"case management", "hotline"} | missing)
    iso2 = set(codes.iso2_to_iso3()) | set(codes.MISSING_COUNTRY) | {""}
    for col in ("citizenship", "CountryOfExploitation"):
        bad |= ~df[col].isin(iso2)
    flags = [c for c in df.columns if c.startswith(("meansOf", "is", "typeOf", "recruiterRel"))
             and not c.endswith("Concatenated")]  # fmt: skip
    for col in flags:
        bad |= ~df[col].isin({"", "0", "1", "-99"})
    for col in df.columns:
        bad |= df[col].str.match(r"^\s*(?:[=@\t\r]|[+\-](?![0-9.,]+$))")
    return int(bad.sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ctdc_global_1m.csv"
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.0f} MB) "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        t0 = time.perf_counter()
        bad = pandas_reference(path)
        reference = time.perf_counter() - t0
        print(f"pandas read_csv + the same validation: {reference:.2f} s ({bad} bad rows)")
        t0 = time.perf_counter()
        report = import_file(Store(Path(tmp) / "store"), path, max_bytes=2**30)  # above the default
        pharos = time.perf_counter() - t0
        print(f"pharos import (validate, map, write Parquet): {pharos:.2f} s, "
              f"{report.rows_accepted:,} accepted, {report.rows_refused} refused")  # fmt: skip
        print(f"ratio pharos / pandas reference: {pharos / reference:.2f}")
        print(f"goal < 30 s: {'met' if pharos < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
