"""The dashboard's queries over the victims table (DuckDB over Parquet).

Every count shown passes the small-cell rule (``pharos.domain.disclosure``): a cell below k is
suppressed (``None``), never shown. Shares within a flag group follow the CTDC codebook (v2024,
section 6): the denominator is the people with at least one recorded value in the group, and
categories are not exclusive, so shares may add up to more than 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pharos.domain.disclosure import DEFAULT_K, check_k, protect
from pharos.domain.geography import region_state_codes
from pharos.learn import codes

#: States with a Mediterranean coastline (geography; ISO3). Used by the "Mediterranean" focus.
MEDITERRANEAN: tuple[str, ...] = (
    "ALB", "BIH", "CYP", "DZA", "EGY", "ESP", "FRA", "GRC", "HRV", "ISR", "ITA",
    "LBN", "LBY", "MAR", "MCO", "MLT", "MNE", "PSE", "SVN", "SYR", "TUN", "TUR",
)  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """What the user chose to look at. ``focus``: ``region`` (the states of the region),
    ``mediterranean`` (coastal states) or ``all``; it keeps a row when the citizenship or the
    country of exploitation is in the focus."""

    year_from: int | None = None
    year_to: int | None = None
    focus: str = "all"
    citizenship: tuple[str, ...] = ()
    exploitation_country: tuple[str, ...] = ()
    gender: str | None = None
    minor: bool | None = None
    sources: tuple[str, ...] = ()

    @property
    def cube_ok(self) -> bool:
        """Whether the pre-aggregated tables can answer (no country lists chosen)."""
        return not self.citizenship and not self.exploitation_country

    def where(self, *, cube: bool = False) -> tuple[str, list[object]]:
        """A SQL condition and its parameters (``cube``: over the pre-aggregated tables)."""
        parts: list[str] = ["TRUE"]
        params: list[object] = []
        if self.year_from is not None:
            parts.append("year >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            parts.append("year <= ?")
            params.append(self.year_to)
        focus = {"region": region_state_codes(), "mediterranean": MEDITERRANEAN}.get(self.focus)
        if focus and cube:
            parts.append("in_region" if self.focus == "region" else "in_mediterranean")
        elif focus:
            parts.append(f"({_in('citizenship', focus)} OR {_in('exploitation_country', focus)})")
        if self.citizenship:
            parts.append(f"citizenship IN ({', '.join('?' * len(self.citizenship))})")
            params += list(self.citizenship)
        if self.exploitation_country:
            marks = ", ".join("?" * len(self.exploitation_country))
            parts.append(f"exploitation_country IN ({marks})")
            params += list(self.exploitation_country)
        if self.gender:
            parts.append("gender = ?")
            params.append(self.gender)
        if self.minor is not None:
            parts.append("minor = ?")
            params.append(self.minor)
        if self.sources:
            parts.append(f"source IN ({', '.join('?' * len(self.sources))})")
            params += list(self.sources)
        return " AND ".join(parts), params


def _in(column: str, values: tuple[str, ...]) -> str:
    """``column IN ('A', 'B')`` for Pharos' own constant codes (ISO3: letters only)."""
    assert all(v.isalpha() for v in values)
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Pre-aggregate the victims table for the dashboard (once per loaded store).

    ``victims_cube`` holds, per year, gender, minor, source, dataset and focus membership, the
    number of victims, of those with information in each flag group, and of each flag;
    ``flows_cube`` the number per citizenship and country of exploitation. The dashboard's
    questions (years, gender and focus filters) are then sums over a few thousand rows instead
    of scans of millions.
    """
    known = ", ".join(
        f"count_if({' OR '.join(f'coalesce({g}_{c}, FALSE)' for c in group_codes)}) AS known_{g}"
        for g, group_codes in codes.FLAG_GROUPS.items()
    )
    flags = ", ".join(f"count_if(coalesce({c}, FALSE)) AS {c}" for c in codes.flag_columns())
    focus = (
        f"({_in('citizenship', region_state_codes())} OR "
        f"{_in('exploitation_country', region_state_codes())}) AS in_region, "
        f"({_in('citizenship', MEDITERRANEAN)} OR "
        f"{_in('exploitation_country', MEDITERRANEAN)}) AS in_mediterranean"
    )
    columns = {r[0] for r in con.execute("DESCRIBE victims").fetchall()}
    # the sources of the trends' test
    dataset = "".join(f"{c}, " for c in ("dataset", "data_source") if c in columns)
    con.execute(
        f"CREATE OR REPLACE TABLE victims_cube AS SELECT year, gender, minor, source, {dataset}"
        f"{focus}, count(*) AS n, {known}, {flags} FROM victims GROUP BY ALL"
    )
    con.execute(
        "CREATE OR REPLACE TABLE flows_cube AS SELECT year, gender, minor, source, "
        f"citizenship, exploitation_country, {focus}, count(*) AS n FROM victims "
        "WHERE citizenship IS NOT NULL AND exploitation_country IS NOT NULL GROUP BY ALL"
    )


def has_cube(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'victims_cube'"
    ).fetchone()
    return bool(row and row[0])


@dataclass
class Table:
    """A chart's data: ``rows`` of (label, count or None if suppressed, share or None)."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]] = field(default_factory=list)
    total: int | None = None
    suppressed: int = 0


def _cell(count: int, k: int) -> int | None:
    return protect(int(count), k).value


def victims_by_year(con: duckdb.DuckDBPyConnection, f: Filters, k: int = DEFAULT_K) -> Table:
    """Victims registered per year."""
    check_k(k)
    if f.cube_ok and has_cube(con):
        where, params = f.where(cube=True)
        sql = f"SELECT year, sum(n) FROM victims_cube WHERE {where} AND year IS NOT NULL"
    else:
        where, params = f.where()
        sql = f"SELECT year, count(*) FROM victims WHERE {where} AND year IS NOT NULL"
    rows = con.execute(f"{sql} GROUP BY year ORDER BY year", params).fetchall()
    table = Table("victims_by_year", ("year", "victims"))
    for year, n in rows:
        value = _cell(n, k)
        table.suppressed += value is None
        table.rows.append((int(year), value))
    return table


def group_shares(
    con: duckdb.DuckDBPyConnection, group: str, f: Filters, k: int = DEFAULT_K
) -> Table:
    """Count and share of each category of a flag group (``exp``, ``sector``, ``means``, ``rel``,
    ``rec``, ``sex``) among the people with information in that group."""
    check_k(k)
    group_codes = codes.FLAG_GROUPS[group]
    cols = [f"{group}_{c}" for c in group_codes]
    if f.cube_ok and has_cube(con):
        where, params = f.where(cube=True)
        sums = ", ".join(f"sum({c})" for c in cols)
        sql = f"SELECT sum(known_{group}), {sums} FROM victims_cube WHERE {where}"
    else:
        where, params = f.where()
        known = " OR ".join(f"coalesce({c}, FALSE)" for c in cols)
        sums = ", ".join(f"count_if(coalesce({c}, FALSE))" for c in cols)
        sql = f"SELECT count_if({known}), {sums} FROM victims WHERE {where}"
    row = con.execute(sql, params).fetchone()
    assert row is not None
    denominator = int(row[0] or 0)
    table = Table(f"{group}_shares", ("category", "victims", "share"))
    table.total = _cell(denominator, k)
    for code, raw in zip(group_codes, row[1:], strict=True):
        n = int(raw or 0)
        value = _cell(n, k)
        table.suppressed += value is None
        share = (n / denominator) if value is not None and denominator else None
        if n or value is None:
            table.rows.append((code, value, share))
    table.rows.sort(key=lambda r: -(r[1] if isinstance(r[1], int) else 0))
    return table


def flows(con: duckdb.DuckDBPyConnection, f: Filters, k: int = DEFAULT_K, top: int = 25) -> Table:
    """Victims from each citizenship to each country of exploitation (largest ``top`` flows
    at or above k; smaller flows are suppressed and counted in ``suppressed``)."""
    check_k(k)
    if f.cube_ok and has_cube(con):
        where, params = f.where(cube=True)
        sql = f"SELECT citizenship, exploitation_country, sum(n) AS n FROM flows_cube WHERE {where}"
    else:
        where, params = f.where()
        sql = (
            f"SELECT citizenship, exploitation_country, count(*) AS n FROM victims WHERE {where} "
            "AND citizenship IS NOT NULL AND exploitation_country IS NOT NULL"
        )
    rows = con.execute(f"{sql} GROUP BY 1, 2 ORDER BY n DESC, 1, 2", params).fetchall()
    table = Table("flows", ("citizenship", "exploitation_country", "victims"))
    for cit, coe, n in rows:
        if _cell(n, k) is None:
            table.suppressed += 1
            continue
        if len(table.rows) < top:
            table.rows.append((cit, coe, int(n)))
    return table


def dashboard(con: duckdb.DuckDBPyConnection, f: Filters, k: int = DEFAULT_K) -> list[Table]:
    """Every table of the analytics page, in display order."""
    return [
        victims_by_year(con, f, k),
        group_shares(con, "exp", f, k),
        group_shares(con, "sector", f, k),
        group_shares(con, "means", f, k),
        group_shares(con, "rel", f, k),
        group_shares(con, "rec", f, k),
        flows(con, f, k),
    ]
