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
a plan is evaluated on those counts (two loops compiled with numba, ``class_counts``). A test
recomputes the whole export in plain Python and requires the same file
(``tests/unit/learn/test_anonymity_reference.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from pharos.domain.disclosure import DEFAULT_K, check_k
from pharos.learn.class_counts import (
    accumulate,
    accumulate_into,
    assess,
    first_codes,
    keys,
    number_dense,
)
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
    _counts: _Counts | None = field(default=None, repr=False, compare=False)

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

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON data (what the report shows; not the counts behind it)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        values = {**data, "quasi_identifiers": tuple(data["quasi_identifiers"]),
                  "sensitive": tuple(data["sensitive"])}  # fmt: skip
        return cls(**values)

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
    row_class: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # row -> D
    values: list[list[str]] = field(default_factory=list)  # values[c][i - 1]: the text of code i


def _encode(
    frame: pl.DataFrame, quasi: list[str], sensitive: list[str], hs: list[Hierarchy]
) -> tuple[_Counts, list[list[str]]]:
    """Count the rows by combination; build each column's level maps."""
    exprs: list[pl.Expr] = []
    values: list[list[str]] = []
    maps: list[list[np.ndarray]] = []
    cards: list[list[int]] = []
    for name, h in zip(quasi, hs, strict=True):
        col = frame.get_column(name).cast(pl.String)
        vals = sorted(col.drop_nulls().unique().to_list())
        values.append(vals)
        exprs.append(
            pl.col(name)
            .cast(pl.String)
            .replace_strict(vals, list(range(1, len(vals) + 1)), default=0, return_dtype=pl.Int64)
            .alias(name)
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
    rows, q = frame.height, len(quasi)
    row_codes = (
        frame.select(exprs).to_numpy().astype(np.int64).reshape(rows, q)
        if q
        else np.zeros((rows, 0), dtype=np.int64)
    )
    radix = [len(v) + 1 for v in values]
    space = float(np.prod(np.array(radix, dtype=float)))
    if space < 2.0**62:
        row_codes = np.ascontiguousarray(row_codes, dtype=np.int64)
        key = keys(row_codes, np.array(radix, dtype=np.int64), -1, _NO_STEP)
        if space <= max(4 * rows, 1024):
            row_class, classes = number_dense(key, int(space))
        else:
            _, row_class = np.unique(key, return_inverse=True)
            row_class = row_class.reshape(-1)
            classes = int(row_class.max()) + 1 if rows else 0
        codes = first_codes(row_codes, row_class, classes, -1, _NO_STEP)
    else:  # more combinations than an int64 numbers: compare the code rows themselves
        codes, row_class = np.unique(row_codes, axis=0, return_inverse=True)
        row_class = row_class.reshape(-1)
        classes = len(codes)
    # int32 halves the memory the search reads; a class's count of a flag is at most its rows
    n = np.zeros(classes, dtype=np.int64)
    flags = np.zeros((classes, len(sensitive)), dtype=np.int32 if rows < 2**31 else np.int64)
    present = (
        frame.select([(pl.col(s) == FLAG).fill_null(False).cast(pl.Int8) for s in sensitive])
        .to_numpy()
        .reshape(rows, len(sensitive))
        if sensitive
        else np.zeros((rows, 0), dtype=np.int8)
    )
    accumulate_into(
        row_class, np.ones(rows, dtype=np.int64), np.ascontiguousarray(present), n, flags
    )
    counts = _Counts(codes.reshape(classes, q), n, flags, maps, cards, row_class, values)
    return counts, values


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
    inverse: np.ndarray  # the class of each row of the table it was grouped from


#: Rows of class tables kept for rolling up the next layer of the lattice (memory bound).
_CACHE_ROWS = 3_000_000


#: ``step`` of a grouping that maps no column
_NO_STEP = np.zeros(1, dtype=np.int64)


def _group(
    codes: np.ndarray,
    cards: list[int],
    n: np.ndarray,
    flags: np.ndarray,
    column: int = -1,
    step: np.ndarray = _NO_STEP,
) -> _Table:
    """Merge the rows of equal codes (``cards``: each column's number of codes); with
    ``column``, that column's codes are first mapped through ``step`` (rolled up one level)."""
    rows, q = codes.shape
    space = 1
    for c in range(q):
        space *= cards[c]
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    key = keys(codes, np.array(cards, dtype=np.int64), column, step)
    if space <= max(4 * rows, 1024):
        inverse, classes = number_dense(key, space)
    else:
        _, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        classes = int(inverse.max()) + 1 if rows else 0
    size, present = accumulate(inverse, classes, n, flags)
    out = first_codes(codes, inverse, classes, column, step)
    return _Table(out, size, present, inverse)


def _violating(size: np.ndarray, present: np.ndarray, k: int) -> np.ndarray:
    absent = size[:, None] - present
    bad: np.ndarray = ((present > 0) & (present < k)) | ((absent > 0) & (absent < k))
    return bad


def _evaluate(
    table: _Table, levels: tuple[int, ...], heights: tuple[int, ...], k: int, max_rows: float
) -> _Evaluation:
    total = int(table.n.sum())
    q, s = table.codes.shape[1], table.flags.shape[1]
    suppressed, removed, sens = assess(table.n, table.flags, k)
    feasible = suppressed <= max_rows
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
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """The least-loss plan that makes ``frame`` k-anonymous over the protected combinations.

    ``progress(done, total)`` is called as the search goes through the plans of
    the lattice (evaluated or skipped)."""
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
    # steps[c][l]: a code at level l of column c -> its code at level l + 1, when the level
    # l + 1 of every value follows from its level l (None when not: the year's two-year range
    # 2014-2015 spans two five-year ranges, so a plan's classes cannot be rolled up from there)
    steps: list[list[np.ndarray | None]] = []
    for c in range(len(quasi)):
        per: list[np.ndarray | None] = []
        for level in range(heights[c]):
            step = np.zeros(counts.cards[c][level], dtype=np.int64)
            step[counts.maps[c][level]] = counts.maps[c][level + 1]
            nested = np.array_equal(step[counts.maps[c][level]], counts.maps[c][level + 1])
            per.append(step if nested else None)
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
    base = _Table(counts.codes, counts.n, counts.flags, np.arange(len(counts.n)))
    previous: dict[tuple[int, ...], _Table] = {}
    current: dict[tuple[int, ...], _Table] = {}
    cached_rows = 0
    layer = -1
    for position, node in enumerate(nodes, start=1):
        if progress is not None:
            progress(position - 1, len(nodes))
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
                if node[c] > 0
                and steps[c][node[c] - 1] is not None
                and (p := (*node[:c], node[c] - 1, *node[c + 1 :])) in previous
            ]
            cards = [counts.cards[c][node[c]] for c in range(q)]
            if sources:
                _, c, p = min(sources)
                parent = previous[p]
                up = steps[c][node[c] - 1]
                assert up is not None
                table = _group(parent.codes, cards, parent.n, parent.flags, c, up)
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
    if progress is not None:
        progress(len(nodes), len(nodes))
    chosen = best_ok or best_any
    result = Plan(k=k, quasi_identifiers=tuple(quasi), sensitive=tuple(sens), max_loss=max_loss)
    result.nodes_total, result.nodes_evaluated, result.rows_in = len(nodes), evaluated, total
    result._counts = counts
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

    The rows keep their order; removed rows are left out. What is written is checked afterwards
    by re-reading the file (``verify_file``), not by this code.
    """
    quasi = list(chosen.quasi_identifiers)
    sens = list(chosen.sensitive)
    k = chosen.k
    counts = chosen._counts
    if counts is None or len(counts.row_class) != frame.height:
        counts, _ = _encode(frame, quasi, sens, [hierarchy(c) for c in quasi])
    node = [chosen.levels.get(c, 0) for c in quasi]
    codes = np.stack(
        [counts.maps[c][node[c]][counts.codes[:, c]] for c in range(len(quasi))], axis=1
    ).reshape(counts.codes.shape)
    cards = [counts.cards[c][node[c]] for c in range(len(quasi))]
    table = _group(codes, cards, counts.n, counts.flags)
    classes = len(table.n)
    row_class = table.inverse[counts.row_class]
    small = table.n < k
    suppressed = int(table.n[small].sum())
    removed = suppressed if suppressed < k else 0
    # the suppressed rows form one more class (every quasi-identifier '*'), numbered last
    size = np.append(np.where(small, 0, table.n), suppressed)
    present = np.vstack([np.where(small[:, None], 0, table.flags), table.flags[small].sum(axis=0)])
    row_class = np.where(small[row_class], classes, row_class) if classes else row_class
    bad = _violating(size, present, k) & (size[:, None] > 0)
    if removed:
        size[classes] = 0
    work = frame
    if frame.height:
        row_small = row_class == classes
        updates: list[pl.Series | pl.Expr] = []
        # a quasi-identifier's text, from each row's code: the value at the plan's level, or
        # '*' in the rows of classes under k (a table lookup, not a pass over the strings)
        for i, (name, level) in enumerate(zip(quasi, node, strict=True)):
            h = hierarchy(name)
            if level >= h.height:
                updates.append(pl.lit(SUPPRESSED, pl.String).alias(name))
                continue
            text = [None, *(h.generalise(v, level) for v in counts.values[i]), SUPPRESSED]
            code = counts.codes[counts.row_class, i]
            code[row_small] = len(text) - 1
            updates.append(pl.Series(name, text, dtype=pl.String).gather(code))
        for j, name in enumerate(sens):
            hit = pl.Series(bad[row_class, j])
            updates.append(
                pl.when(hit).then(pl.lit(SUPPRESSED)).otherwise(pl.col(name)).alias(name)
            )
        if updates:
            work = work.with_columns(updates)
        if removed:
            work = work.filter(~pl.Series(row_small))
    chosen.rows_out = work.height
    chosen.rows_suppressed = suppressed - removed
    cells: dict[str, int] = {}
    for c, level in zip(quasi, node, strict=True):
        cells[c] = work.height if level >= hierarchy(c).height else chosen.rows_suppressed
    for j, s in enumerate(sens):
        cells[s] = int((bad[:, j] * size).sum())
    chosen.cells_suppressed = cells
    return work, chosen


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
class Diversity:
    """Distinct l-diversity of one sensitive field in the written file (Machanavajjhala, Kifer,
    Gehrke & Venkitasubramaniam 2007, "l-diversity: privacy beyond k-anonymity", ACM TKDD 1(1):3):
    the number of distinct values of the field within each class of the quasi-identifiers. A class
    with one value tells a reader that value for everyone in it (a homogeneity attack), however
    large the class. Suppressed cells (``*``) disclose nothing and are not counted; a class whose
    cells are all suppressed is left out. An empty cell (not recorded) is a value."""

    field: str
    smallest: int  # smallest l over the classes (0 when every class is all suppressed)
    classes_below: int  # classes with fewer than the stated l distinct values
    rows_below: int  # the rows in those classes


@dataclass(frozen=True)
class Verification:
    """What an independent re-read of the written file found, per protected combination."""

    combinations: int
    classes: int  # equivalence classes over the quasi-identifiers
    smallest: int  # smallest class over any protected combination (0 for an empty file)
    rows: int
    failures: tuple[tuple[tuple[str, ...], int], ...]  # (combination, classes under k)
    #: each sensitive field's distinct l-diversity, counted against ``l``
    diversity: tuple[Diversity, ...] = ()
    l_target: int = 2


#: How the check numbers a combination of quasi-identifiers before it is confirmed to tell
#: every combination in the file apart (a test replaces it with one that does not).
_CLASS_KEY = "hash({})"


def _quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def verify_file(
    path: Path,
    quasi_identifiers: tuple[str, ...],
    sensitive: tuple[str, ...],
    k: int,
    l_target: int = 2,
) -> Verification:
    """Re-read the written CSV with DuckDB and count the equivalence classes of every protected
    combination (the quasi-identifiers; the quasi-identifiers with each sensitive field).

    Independent of the code that wrote the file: DuckDB's own CSV reader, every cell as text,
    an empty cell (unknown) a value of its own, SQL ``GROUP BY`` over each combination. The
    combination of quasi-identifiers is grouped by its DuckDB ``hash`` once the distinct
    combinations are confirmed to have as many distinct hashes (else each distinct combination
    is numbered and joined back to its rows, nulls matched with ``IS NOT DISTINCT FROM``). Also
    each sensitive field's distinct l-diversity over the classes of the quasi-identifiers
    (:class:`Diversity`), classes counted below ``l_target``.
    """
    import duckdb

    check_k(k)
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")  # only counts are read back
        source = (
            "read_csv(?, all_varchar = true, header = true, delim = ',', quote = '\"', "
            "null_padding = false)"
        )
        described = con.execute(f"DESCRIBE SELECT * FROM {source}", [str(path)]).fetchall()
        columns = [r[0] for r in described]
        protected = list(dict.fromkeys([*quasi_identifiers, *sensitive]))
        absent = [c for c in protected if c not in columns]
        if absent:
            raise KeyError(f"columns not in {path}: {absent}")
        # each row numbered by its combination of quasi-identifiers (equal values, unknown
        # included, share a number); then one GROUP BY per sensitive field
        extra = list(dict.fromkeys(s for s in sensitive if s not in quasi_identifiers))
        listed = ", ".join(_quote(c) for c in protected) or "1 AS __one"
        qis = ", ".join(_quote(c) for c in quasi_identifiers)
        # the number is DuckDB's hash of the combination, used only when it tells every
        # combination in the file apart (checked); else each combination is numbered and joined
        key = _CLASS_KEY.format(qis) if quasi_identifiers else "1"
        con.execute(f"CREATE TABLE g AS SELECT {key} AS __q, {listed} FROM {source}", [str(path)])
        if quasi_identifiers:
            combinations, numbers = con.execute(
                f"SELECT count(*), count(DISTINCT __q) FROM (SELECT DISTINCT __q, {qis} FROM g)"
            ).fetchone() or (0, 0)
            if combinations != numbers:
                con.execute(
                    f"CREATE TABLE ids AS SELECT {qis}, row_number() OVER () AS __id "
                    f"FROM (SELECT DISTINCT {qis} FROM g)"
                )
                on = " AND ".join(
                    f"g.{_quote(c)} IS NOT DISTINCT FROM ids.{_quote(c)}" for c in quasi_identifiers
                )
                kept = ", ".join(["ids.__id AS __q", *(f"g.{_quote(s)}" for s in extra)])
                con.execute(f"CREATE OR REPLACE TABLE g AS SELECT {kept} FROM g JOIN ids ON {on}")
        rows = int(con.execute("SELECT count(*) FROM g").fetchone()[0])  # type: ignore[index]
        combos = [tuple(quasi_identifiers)] + [(*quasi_identifiers, s) for s in extra]
        failures: list[tuple[tuple[str, ...], int]] = []
        smallest = rows
        classes = 0
        diversity = []
        for i, combo in enumerate(combos):
            # the rows counted by class and value of the field (a small table), from which both
            # the classes under k and the distinct values in each class are read
            value = "NULL" if i == 0 else _quote(combo[-1])
            con.execute(
                f"CREATE OR REPLACE TABLE c AS SELECT __q, {value} AS v, count(*) AS n "
                "FROM g GROUP BY ALL"
            )
            count, least, under = con.execute(
                "SELECT count(*), coalesce(min(n), 0), count(*) FILTER (WHERE n < ?) FROM c", [k]
            ).fetchone() or (0, 0, 0)
            if i == 0:
                classes = int(count)
            if rows:
                smallest = min(smallest, int(least))
            if under:
                failures.append((combo, int(under)))
            if i == 0:
                continue
            least, below, below_rows = con.execute(
                "SELECT coalesce(min(l) FILTER (WHERE l > 0), 0), "
                "count(*) FILTER (WHERE l > 0 AND l < ?), "
                "coalesce(sum(n) FILTER (WHERE l > 0 AND l < ?), 0) FROM ("
                "SELECT count(DISTINCT coalesce(v, '')) FILTER "
                f"(WHERE v IS DISTINCT FROM '{SUPPRESSED}') AS l, sum(n) AS n "
                "FROM c GROUP BY __q)",
                [l_target, l_target],
            ).fetchone() or (0, 0, 0)
            diversity.append(Diversity(combo[-1], int(least), int(below), int(below_rows)))
    finally:
        con.close()
    return Verification(
        len(combos), classes, smallest if rows else 0, rows, tuple(failures), tuple(diversity),
        l_target,
    )  # fmt: skip
