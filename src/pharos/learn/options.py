"""What a user chooses when importing, exporting and analysing case data, with the defaults.

Kept apart from the code that does the work (Polars, DuckDB, SciPy, statsmodels) so that the
command line and the pages can offer these choices without loading it (docs/architecture.md,
"A fast command line"). The modules that do the work take their defaults from here.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """Which importer reads a file (``pharos.learn.importing`` detects it from the header)."""

    CTDC = "ctdc"
    HTCDS = "htcds"
    UNODC = "unodc"


class Layout(StrEnum):
    """The two published CTDC layouts (``pharos.learn.ingest.ctdc``)."""

    GLOBAL_K_ANON = "global"  # Format A
    SYNTHETIC = "synthetic"  # Format B


#: Largest file Pharos reads by default (bytes), on the command line and as an upload: 128 MB.
#: The largest published file, CTDC's Global Synthetic Dataset (2021, more than 156,000 victims,
#: one row each), is about 45 MB at the 290 bytes a row of a Format A file (the benchmark's
#: 1,000,000 rows make 277 MB); the limit leaves it room to grow threefold. ``--max-size``
#: reads a larger file from the command line. docs/security.md, "Limits".
DEFAULT_MAX_BYTES = 128 * 1024 * 1024

#: Quasi-identifiers of the CTDC export unless the user states others (CTDC codebook v6 lists
#: demographic and geographic attributes as the quasi-identifying ones).
DEFAULT_QUASI_IDENTIFIERS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
)

#: Largest share of a column's values the k-anonymous export may lose (suppressed, or in a
#: removed row) before it refuses, unless forced (``pharos.learn.anonymity``).
DEFAULT_MAX_LOSS = 0.2

#: Dimensions a user can scan for emerging trends (``pharos.learn.trends``).
TREND_DIMENSIONS = ("exp", "rec", "means", "sector", "citizenship", "route")

#: The focus of the analytics, trends and the ``pharos trends`` command unless one is chosen
#: (``pharos.learn.analytics.Filters``): the same default on the web and on the command line.
DEFAULT_FOCUS = "mediterranean"
FOCUSES = ("mediterranean", "region", "all")


#: Emerging trends (``pharos.learn.trends``), the same for the CLI and the pages. ``ALPHA`` is
#: the family-wise false-alarm rate: the chance that *any* category is flagged on data with no
#: change, after Holm's correction across every category and candidate year tested.
TREND_ALPHA = 0.05
#: Candidate change years: the last ``TREND_RECENT`` years with ``TREND_MIN_HISTORY`` years before.
TREND_RECENT = 6
TREND_MIN_HISTORY = 4
#: Nationalities and routes tested: the ``TREND_TOP`` most frequent.
TREND_TOP = 15

#: Equal protection (``pharos.learn.equity``): the family-wise false-alarm rate over every cell
#: of the monitor (groups x outcomes x share and time, all dimensions), Holm's correction.
EQUITY_ALPHA = 0.05

#: Dimensions of the equal-protection monitor (``pharos.learn.equity``).
EQUITY_DIMENSIONS = ("gender", "age_band", "unaccompanied", "citizenship", "exploitation_type")
