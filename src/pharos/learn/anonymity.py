"""k-anonymity that keeps the data useful: generalise first, suppress what is left.

**What is protected.** Every combination of the quasi-identifiers, and every combination of the
quasi-identifiers with any *one* sensitive field (the means of control, types of exploitation,
sectors and recruiter relations of the CTDC layout), is shared by at least k rows of the written
file, or by none. So is any query on a subset of one of these combinations: "women aged 18-20
with debt bondage" returns no fewer than k rows. CTDC's codebook v6 promised that "queries to
the global dataset cannot return fewer than 10 results" (k = 11) and its 2024 codebook
(Appendix I) k-anonymity "for all combinations of attributes, not just the subset of attributes
labelled in advance as quasi-identifiers". Pharos protects the quasi-identifiers with each
sensitive field; combinations of two or more sensitive fields are not protected.

**How.** Full-domain generalisation over a lattice, as ARX and sdcMicro do: a *plan* gives each
quasi-identifier a level of its hierarchy (``pharos.learn.hierarchies``), the same for every
row. Under a plan, the rows of a class smaller than k have all their quasi-identifiers
suppressed (written ``*``); if those rows together are fewer than k they are removed. Then, in
each class, a sensitive field whose ``1`` or empty rows number 1 to k-1 is suppressed for the
whole class. Unknown stays empty; suppressed is ``*``.

**Which plan.** The one with the least *information loss*: the share of cells of the protected
columns lost, where a quasi-identifier cell at level l of a hierarchy of height h loses l/h, a
suppressed or removed cell loses 1, and a sensitive cell loses 1 when suppressed (Sweeney's
precision metric, extended with suppression). Plans where some column loses (suppressed or
removed) more than the stated share are passed over when another plan is within it. The search
visits plans by their generalisation loss, a lower bound of their loss that grows along the
lattice, and stops when that bound reaches the best loss found (branch and bound); a plan whose
suppressed rows exceed the stated share is infeasible, and so is every plan below it (fewer
levels everywhere), which is never evaluated (the monotonicity pruning of Flash and OLA). The
result is the optimum of the stated measure over the lattice.

Evaluating a plan never touches the rows: they are first counted by distinct combination of
the quasi-identifiers (with, per combination, the number of ``1`` of each sensitive field), and
a plan is evaluated on those counts with NumPy.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pharos.domain.disclosure import DEFAULT_K, check_k
from pharos.learn.hierarchies import SUPPRESSED, Hierarchy, hierarchy
from pharos.learn.options import DEFAULT_MAX_LOSS

#: A sensitive field's value that counts as "present" (the CTDC synthetic layout's flags).
FLAG = "1"


class AnonymityError(ValueError):
    """The data cannot be protected as asked."""


@dataclass(frozen=True)
class ColumnLoss:
    """One column of the report: its generalisation level and the share of values lost."""

    column: str
    quasi: bool  # a quasi-identifier (else a sensitive field)
    level: int
    height: int
    cells_suppressed: int
    lost_share: float  # suppressed or in a removed row
    over_limit: bool

    @property
    def generalisation(self) -> str:
        """The level's name in the current language (a sensitive field is kept or suppressed
        class by class, never generalised)."""
        return str(hierarchy(self.column).names[self.level]) if self.quasi else "-"


@dataclass
class Plan:
    """The chosen generalisation and what it costs, column by column."""

    k: int
    quasi_identifiers: tuple[str, ...]
    sensitive: tuple[str, ...]
    max_loss: float
    levels: dict[str, int] = field(default_factory=dict)
    heights: dict[str, int] = field(default_factory=dict)
    loss: float = 0.0
    rows_in: int = 0
    rows_out: int = 0
    rows_suppressed: int = 0  # rows written with every quasi-identifier suppressed
    cells_suppressed: dict[str, int] = field(default_factory=dict)  # per column, kept rows
    nodes_total: int = 0
    nodes_evaluated: int = 0

    @property
    def rows_removed(self) -> int:
        return self.rows_in - self.rows_out

    def lost_share(self, column: str) -> float:
        """Share of the input rows whose ``column`` is not in the file (``*`` or row removed)."""
        if not self.rows_in:
            return 0.0
        return (self.cells_suppressed.get(column, 0) + self.rows_removed) / self.rows_in

    def columns(self) -> list[ColumnLoss]:
        """What each protected column keeps, quasi-identifiers first (the CLI's and the page's
        report)."""
        out = []
        for c in [*self.quasi_identifiers, *self.sensitive]:
            quasi = c in self.quasi_identifiers
            level = self.levels.get(c, 0) if quasi else 0
            out.append(
                ColumnLoss(
                    column=c,
                    quasi=quasi,
                    level=level,
                    height=hierarchy(c).height if quasi else 0,
                    cells_suppressed=self.cells_suppressed.get(c, 0),
                    lost_share=self.lost_share(c),
                    over_limit=c in self.over_limit,
                )
            )
        return out

    @property
    def over_limit(self) -> list[str]:
        """Columns that lose more than ``max_loss``."""
        columns = [*self.quasi_identifiers, *self.sensitive]
        return [c for c in columns if self.lost_share(c) > self.max_loss + 1e-12]


@dataclass
class _Counts:
    """The rows counted by distinct combination of quasi-identifier codes."""

    codes: np.ndarray  # (D, q) int64, level-0 codes, 0 = unknown
    n: np.ndarray  # (D,) rows
    flags: np.ndarray  # (D, s) rows with the sensitive field present
    maps: list[list[np.ndarray]]  # maps[c][l]: level-0 code -> code at level l
    cards: list[list[int]]


def _encode(
    frame: pl.DataFrame, quasi: list[str], sensitive: list[str], hs: list[Hierarchy]
) -> tuple[_Counts, list[list[str]]]:
    """Count the rows by combination; build each column's level maps."""
    exprs: list[pl.Expr] = []
    values: list[list[str]] = []
    maps: list[list[np.ndarray]] = []
    cards: list[list[int]] = []
    for c, h in zip(quasi, hs, strict=True):
        col = frame.get_column(c).cast(pl.String)
        vals = sorted(col.drop_nulls().unique().to_list())
        values.append(vals)
        exprs.append(
            pl.col(c)
            .cast(pl.String)
            .replace_strict(vals, list(range(1, len(vals) + 1)), default=0, return_dtype=pl.Int64)
            .alias(c)
        )
        per_level: list[np.ndarray] = []
        per_card: list[int] = []
        for level in range(h.height + 1):
            if level == h.height:
                m = np.zeros(len(vals) + 1, dtype=np.int64)
            else:
                gen = [h.generalise(v, level) for v in vals]
                ids = {g: i + 1 for i, g in enumerate(dict.fromkeys(gen))}
                m = np.array([0, *(ids[g] for g in gen)], dtype=np.int64)
            per_level.append(m)
            per_card.append(int(m.max()) + 1)
        maps.append(per_level)
        cards.append(per_card)
    flag_exprs = [
        (pl.col(s) == FLAG).fill_null(False).cast(pl.Int64).sum().alias(s) for s in sensitive
    ]
    if quasi:
        grouped = (
            frame.lazy()
            .select([*exprs, *[pl.col(s) for s in sensitive]])
            .group_by(quasi)
            .agg([pl.len().alias("__n"), *flag_exprs])
            .collect()
        )
        codes = (
            grouped.select(quasi).to_numpy().astype(np.int64).reshape(grouped.height, len(quasi))
        )
    else:
        grouped = frame.select([pl.len().alias("__n"), *flag_exprs])
        codes = np.zeros((grouped.height, 0), dtype=np.int64)
    n = grouped.get_column("__n").to_numpy().astype(np.int64)
    flags = (
        grouped.select(sensitive).to_numpy().astype(np.int64)
        if sensitive
        else np.zeros((grouped.height, 0), dtype=np.int64)
    )
    if frame.height == 0:
        codes = codes[:0]
        n = n[:0]
        flags = flags[:0]
    return _Counts(codes, n, flags, maps, cards), values


@dataclass
class _Evaluation:
    loss: float
    feasible: bool
    rows_suppressed: int
    rows_removed: int
    sensitive_cells: np.ndarray  # per sensitive field, cells suppressed in kept rows


@dataclass
class _Table:
    """The classes of one plan: codes at the plan's levels, rows, sensitive fields present."""

    codes: np.ndarray  # (C, q) int64
    n: np.ndarray  # (C,) int64
    flags: np.ndarray  # (C, s) int64


#: Rows of class tables kept for rolling up the next layer of the lattice (memory bound).
_CACHE_ROWS = 3_000_000


def _group(codes: np.ndarray, cards: list[int], n: np.ndarray, flags: np.ndarray) -> _Table:
    """Merge the rows of equal codes (``cards``: each column's number of codes)."""
    rows, q = codes.shape
    s = flags.shape[1]
    key = np.zeros(rows, dtype=np.int64)
    space = 1
    for c in range(q):
        key = key * cards[c] + codes[:, c]
        space *= cards[c]
    if space <= max(4 * rows, 1024):
        used = np.bincount(key, minlength=space) > 0
        position = np.cumsum(used) - 1
        inverse = position[key]
        classes = int(used.sum())
    else:
        _, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        classes = int(inverse.max()) + 1 if rows else 0
    size = np.bincount(inverse, weights=n, minlength=classes).astype(np.int64)
    if s:
        index = (inverse[:, None] * s + np.arange(s)).reshape(-1)
        present = np.bincount(index, weights=flags.reshape(-1), minlength=classes * s)
        present = present.astype(np.int64).reshape(classes, s)
    else:
        present = np.zeros((classes, 0), dtype=np.int64)
    out = np.zeros((classes, q), dtype=np.int64)
    out[inverse] = codes
    return _Table(out, size, present)


def _violating(size: np.ndarray, present: np.ndarray, k: int) -> np.ndarray:
    absent = size[:, None] - present
    bad: np.ndarray = ((present > 0) & (present < k)) | ((absent > 0) & (absent < k))
    return bad


def _evaluate(
    table: _Table, levels: tuple[int, ...], heights: tuple[int, ...], k: int, max_rows: float
) -> _Evaluation:
    size, present = table.n, table.flags
    total = int(size.sum())
    q, s = table.codes.shape[1], present.shape[1]
    small = size < k
    suppressed = int(size[small].sum())
    feasible = suppressed <= max_rows
    kept_size, kept_present = size[~small], present[~small]
    removed = 0
    if suppressed >= k:
        kept_size = np.append(kept_size, suppressed)
        kept_present = np.vstack([kept_present, present[small].sum(axis=0)])
    else:
        removed = suppressed
    sens = (_violating(kept_size, kept_present, k) * kept_size[:, None]).sum(axis=0)
    general = sum(level / h for level, h in zip(levels, heights, strict=True))
    lost = (total - suppressed) * general + suppressed * q + float(sens.sum()) + removed * s
    cells = total * (q + s)
    return _Evaluation(
        lost / cells if cells else 0.0, feasible, suppressed - removed, removed, sens
    )


def plan(
    frame: pl.DataFrame,
    quasi_identifiers: tuple[str, ...],
    sensitive: tuple[str, ...] = (),
    k: int = DEFAULT_K,
    max_loss: float = DEFAULT_MAX_LOSS,
) -> Plan:
    """The least-loss plan that makes ``frame`` k-anonymous over the protected combinations."""
    check_k(k)
    if not 0 <= max_loss <= 1:
        raise AnonymityError(f"the largest share lost must be between 0 and 1, got {max_loss}")
    quasi = list(quasi_identifiers)
    sens = [c for c in sensitive if c not in quasi]
    missing = [c for c in [*quasi, *sens] if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the data: {missing}")
    hs = [hierarchy(c) for c in quasi]
    heights = tuple(h.height for h in hs)
    counts, _ = _encode(frame, quasi, sens, hs)
    # steps[c][l]: a code at level l of column c -> its code at level l + 1
    steps: list[list[np.ndarray]] = []
    for c in range(len(quasi)):
        per: list[np.ndarray] = []
        for level in range(heights[c]):
            step = np.zeros(counts.cards[c][level], dtype=np.int64)
            step[counts.maps[c][level]] = counts.maps[c][level + 1]
            per.append(step)
        steps.append(per)
    total = frame.height
    q, s = len(quasi), len(sens)
    nodes = sorted(itertools.product(*(range(h + 1) for h in heights)), key=lambda n: (sum(n), n))
    bound = {n: sum(level / h for level, h in zip(n, heights, strict=True)) / max(q + s, 1)
             for n in nodes}  # fmt: skip
    best_ok: tuple[float, tuple[int, ...], _Evaluation] | None = None
    best_any: tuple[float, tuple[int, ...], _Evaluation] | None = None
    evaluated = 0
    max_rows = max_loss * total
    base = _Table(counts.codes, counts.n, counts.flags)
    previous: dict[tuple[int, ...], _Table] = {}
    current: dict[tuple[int, ...], _Table] = {}
    cached_rows = 0
    layer = -1
    for node in nodes:
        if sum(node) != layer:
            layer, previous, current, cached_rows = sum(node), current, {}, 0
        if best_ok is not None and bound[node] >= best_ok[0] - 1e-12:
            continue  # neither this plan nor any above it can do better
        if not any(node):
            table = base
        else:
            sources = [
                (previous[p].n.size, c, p)
                for c in range(q)
                if node[c] > 0 and (p := (*node[:c], node[c] - 1, *node[c + 1 :])) in previous
            ]
            cards = [counts.cards[c][node[c]] for c in range(q)]
            if sources:
                _, c, p = min(sources)
                parent = previous[p]
                codes = parent.codes.copy()
                codes[:, c] = steps[c][node[c] - 1][codes[:, c]]
                table = _group(codes, cards, parent.n, parent.flags)
            else:
                codes = np.stack(
                    [counts.maps[c][node[c]][base.codes[:, c]] for c in range(q)], axis=1
                ).reshape(base.codes.shape)
                table = _group(codes, cards, base.n, base.flags)
        if cached_rows + table.n.size <= _CACHE_ROWS:
            current[node] = table
            cached_rows += table.n.size
        ev = _evaluate(table, node, heights, k, max_rows)
        evaluated += 1
        candidate = (ev.loss, node, ev)
        if best_any is None or ev.loss < best_any[0] - 1e-12:
            best_any = candidate
        within = ev.feasible and _within(ev, node, heights, total, max_loss)
        if within and (best_ok is None or ev.loss < best_ok[0] - 1e-12):
            best_ok = candidate
    chosen = best_ok or best_any
    result = Plan(k=k, quasi_identifiers=tuple(quasi), sensitive=tuple(sens), max_loss=max_loss)
    result.nodes_total, result.nodes_evaluated, result.rows_in = len(nodes), evaluated, total
    if chosen is None:
        result.rows_out = total
        return result
    result.loss = chosen[0]
    for name, h, level in zip(quasi, hs, chosen[1], strict=True):
        result.levels[name], result.heights[name] = level, h.height
    return result


def _within(
    ev: _Evaluation, node: tuple[int, ...], heights: tuple[int, ...], total: int, max_loss: float
) -> bool:
    if not total:
        return True
    limit = max_loss * total + 1e-9
    lost_rows = ev.rows_suppressed + ev.rows_removed
    if any(level == h for level, h in zip(node, heights, strict=True)) and total > limit:
        return False
    if lost_rows > limit:
        return False
    return bool(((ev.sensitive_cells + ev.rows_removed) <= limit).all())


def apply(frame: pl.DataFrame, chosen: Plan) -> tuple[pl.DataFrame, Plan]:
    """``frame`` generalised and suppressed as ``chosen`` says; the plan's counts filled in.

    Works on the rows themselves (Polars), independently of the counts the search used: the
    file is what this returns, and the counts in the plan are counted on it.
    """
    quasi = list(chosen.quasi_identifiers)
    k = chosen.k
    work = frame
    for c in quasi:
        h = hierarchy(c)
        level = chosen.levels.get(c, 0)
        col = pl.col(c).cast(pl.String)
        if level >= h.height:
            work = work.with_columns(pl.lit(SUPPRESSED, pl.String).alias(c))
        elif level > 0:
            vals = work.get_column(c).cast(pl.String).drop_nulls().unique().to_list()
            gen = [h.generalise(v, level) for v in vals]
            work = work.with_columns(col.replace_strict(vals, gen, default=None).alias(c))
    cells = dict.fromkeys([*quasi, *chosen.sensitive], 0)
    cls = "__class"
    if quasi:
        work = _with_class(work, quasi, cls)
        small = work.select(pl.len().over(cls) < k).to_series()
        n_small = int(small.sum())
        if n_small:
            work = work.with_columns(
                [
                    pl.when(pl.Series(small)).then(pl.lit(SUPPRESSED)).otherwise(pl.col(c)).alias(c)
                    for c in quasi
                ]
            )
            work = _with_class(work.drop(cls), quasi, cls)
        kept = work.filter(pl.len().over(cls) >= k)
        chosen.rows_suppressed = n_small - (work.height - kept.height)
        work = kept
        for c in quasi:
            top = chosen.levels.get(c, 0) >= hierarchy(c).height
            cells[c] = work.height if top else chosen.rows_suppressed
    else:
        work = work.with_columns(pl.lit(0).alias(cls))
        if work.height < k:
            work = work.head(0)
    if chosen.sensitive:
        sums = work.group_by(cls).agg(
            pl.len().alias("__n"),
            *[
                (pl.col(s) == FLAG).fill_null(False).cast(pl.Int64).sum().alias(f"__p{i}")
                for i, s in enumerate(chosen.sensitive)
            ],
        )
        n = pl.col("__n")
        bad = []
        for i in range(len(chosen.sensitive)):
            p = pl.col(f"__p{i}")
            bad.append((((p > 0) & (p < k)) | (((n - p) > 0) & ((n - p) < k))).alias(f"__b{i}"))
        sums = sums.select(pl.col(cls), *bad)
        work = work.join(sums, on=cls, how="left", maintain_order="left")
        counts = work.select([pl.col(f"__b{i}").sum() for i in range(len(chosen.sensitive))])
        for i, s in enumerate(chosen.sensitive):
            cells[s] = int(counts.item(0, i))
        work = work.with_columns(
            [
                pl.when(pl.col(f"__b{i}")).then(pl.lit(SUPPRESSED)).otherwise(pl.col(s)).alias(s)
                for i, s in enumerate(chosen.sensitive)
            ]
        ).drop([f"__b{i}" for i in range(len(chosen.sensitive))])
    work = work.drop(cls)
    chosen.rows_out = work.height
    chosen.cells_suppressed = cells
    return work, chosen


def _with_class(frame: pl.DataFrame, quasi: list[str], name: str) -> pl.DataFrame:
    """``frame`` with a column ``name`` numbering its equivalence classes (unknown = a value)."""
    keys = frame.select(quasi).unique().with_row_index(name)
    return frame.join(keys, on=quasi, how="left", nulls_equal=True, maintain_order="left")


def k_anonymise(
    frame: pl.DataFrame,
    quasi_identifiers: tuple[str, ...],
    k: int = DEFAULT_K,
    sensitive: tuple[str, ...] = (),
    max_loss: float = DEFAULT_MAX_LOSS,
) -> tuple[pl.DataFrame, Plan]:
    """``frame`` made k-anonymous by the least-loss plan (see the module's docstring)."""
    chosen = plan(frame, quasi_identifiers, sensitive, k, max_loss)
    return apply(frame, chosen)


@dataclass(frozen=True)
class Verification:
    """What an independent re-read of the written file found, per protected combination."""

    combinations: int
    classes: int  # equivalence classes over the quasi-identifiers
    smallest: int  # smallest class over any protected combination (0 for an empty file)
    rows: int
    failures: tuple[tuple[tuple[str, ...], int], ...]  # (combination, classes under k)


def verify_file(
    path: Path, quasi_identifiers: tuple[str, ...], sensitive: tuple[str, ...], k: int
) -> Verification:
    """Re-read the written CSV with DuckDB and count the equivalence classes of every protected
    combination (the quasi-identifiers; the quasi-identifiers with each sensitive field).

    Independent of the code that wrote the file: DuckDB's own CSV reader, every cell as text,
    an empty cell (unknown) a value of its own, SQL ``GROUP BY``.
    """
    import duckdb

    check_k(k)
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE f AS SELECT * FROM read_csv(?, all_varchar = true, header = true, "
            "delim = ',', quote = '\"')",
            [str(path)],
        )
        columns = [r[0] for r in con.execute("DESCRIBE f").fetchall()]
        absent = [c for c in [*quasi_identifiers, *sensitive] if c not in columns]
        if absent:
            raise KeyError(f"columns not in {path}: {absent}")
        rows = int(con.execute("SELECT count(*) FROM f").fetchone()[0])  # type: ignore[index]
        combos = [tuple(quasi_identifiers)] + [(*quasi_identifiers, s) for s in sensitive]
        failures: list[tuple[tuple[str, ...], int]] = []
        smallest = rows
        classes = 0
        for i, combo in enumerate(combos):
            if not combo:
                sizes = [rows] if rows else []
            else:
                cols = ", ".join('"' + c.replace('"', '""') + '"' for c in combo)
                sizes = [
                    int(r[0])
                    for r in con.execute(f"SELECT count(*) FROM f GROUP BY {cols}").fetchall()
                ]
            if i == 0:
                classes = len(sizes)
            if sizes:
                smallest = min(smallest, min(sizes))
            under = sum(1 for n in sizes if n < k)
            if under:
                failures.append((combo, under))
    finally:
        con.close()
    return Verification(len(combos), classes, smallest if rows else 0, rows, tuple(failures))
