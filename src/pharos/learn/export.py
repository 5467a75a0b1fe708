"""Exports: a k-anonymous CTDC-format file for publication, an HTCDS file for exchange.

The CTDC export uses the Global Synthetic Dataset layout (27 columns, codebook v2, Feb 2024):
ISO3 countries, flags ``1`` or empty. Pharos anonymises it over the stated quasi-identifiers,
writes it to a temporary name, re-reads the temporary file to verify it satisfies k, and only
then renames it into place. Every text cell is made safe for spreadsheets (a leading ``'`` before
``=``, ``+``, ``-``, ``@``): an export never carries a formula.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pharos.domain.disclosure import DEFAULT_K, check_k
from pharos.i18n import _, format_list, ngettext
from pharos.learn import codes
from pharos.learn.anonymity import (
    AnonymityError,
    Diversity,
    Plan,
    Verification,
    apply,
    plan,
    verify_file,
)
from pharos.learn.ingest.ctdc import FORMAT_B_COLUMNS
from pharos.learn.ingest.report import neutralise_formula
from pharos.learn.options import DEFAULT_MAX_LOSS, DEFAULT_QUASI_IDENTIFIERS
from pharos.learn.schema import HTCDS_KEPT_FIELDS

ATTRIBUTION = (
    "Source: Counter-Trafficking Data Collaborative (CTDC) where rows come from CTDC; "
    "https://www.ctdatacollaborative.org/terms-use"
)

_GENDER_OUT = {
    "feminine": "Woman",
    "masculine": "Man",
    "transgender_feminine": "Trans/Transgender/NonConforming",
    "transgender_masculine": "Trans/Transgender/NonConforming",
    codes.TRANS_OR_NON_CONFORMING: "Trans/Transgender/NonConforming",
}
_B_FLAG_SOURCE: dict[str, str] = {
    "meansDebtBondageEarnings": "means_debt_bondage_earnings",
    "meansThreats": "means_threats",
    "meansAbusePsyPhySex": "means_abuse_psy_phy_sex",
    "meansFalsePromises": "means_false_promises",
    "meansDrugsAlcohol": "means_drugs_alcohol",
    "meansDenyBasicNeeds": "means_deny_basic_needs",
    "meansExcessiveWorkHours": "means_excessive_work_hours",
    "meansWithholdDocs": "means_withhold_docs",
    "isForcedLabour": "exp_forced_labour",
    "isSexualExploit": "exp_sexual_exploitation",
    "typeOfLabourAgriculture": "sector_agriculture",
    "typeOfLabourConstruction": "sector_construction",
    "typeOfLabourDomesticWork": "sector_domestic_work",
    "typeOfLabourHospitality": "sector_hospitality",
    "typeOfSexProstitution": "sex_prostitution",
    "typeOfSexPornography": "sex_pornography",
    "recruiterRelationIntimatePartner": "rel_intimate_partner",
    "recruiterRelationFriend": "rel_friend",
    "recruiterRelationFamily": "rel_family",
    "recruiterRelationOther": "rel_other",
}
_PROFILE = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
)
_OTHER_EXPLOITATION = [
    f"exp_{c}" for c in codes.EXPLOITATION if c not in ("forced_labour", "sexual_exploitation")
]


class ExportError(ValueError):
    """The export could not be written as asked; nothing was written."""


class ExportRefused(ExportError):
    """Some column would lose more than the stated share; ``plan`` says which and how much."""

    def __init__(self, message: str, plan: Plan) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass
class ExportReport:
    path: Path
    rows: int
    plan: Plan | None = None
    verification: Verification | None = None


def report_to_json(report: ExportReport) -> dict[str, Any]:
    """A CTDC export's report as JSON data (kept with a background export, docs/learn.md)."""
    check = report.verification
    return {
        "path": str(report.path),
        "rows": report.rows,
        "plan": report.plan.to_json() if report.plan is not None else None,
        "verification": None if check is None else {
            "combinations": check.combinations, "classes": check.classes,
            "smallest": check.smallest, "rows": check.rows,
            "failures": [[list(c), n] for c, n in check.failures],
            "diversity": [[d.field, d.smallest, d.classes_below, d.rows_below]
                          for d in check.diversity],
            "l_target": check.l_target,
        },
    }  # fmt: skip


def report_from_json(data: dict[str, Any]) -> ExportReport:
    check = data.get("verification")
    return ExportReport(
        Path(data["path"]),
        int(data["rows"]),
        Plan.from_json(data["plan"]) if data.get("plan") else None,
        None if check is None else Verification(
            check["combinations"], check["classes"], check["smallest"], check["rows"],
            tuple((tuple(c), n) for c, n in check["failures"]),
            tuple(Diversity(*d) for d in check.get("diversity", [])),
            int(check.get("l_target", 2)),
        ),
    )  # fmt: skip


#: Sensitive fields of the CTDC export: every flag of the synthetic layout (means of control,
#: types of exploitation, sectors, forms of sexual exploitation, recruiter relations).
SENSITIVE_FIELDS: tuple[str, ...] = tuple(c for c in FORMAT_B_COLUMNS if c not in _PROFILE)


def to_ctdc_frame(victims: pl.DataFrame) -> pl.DataFrame:
    """Victims rows in the CTDC synthetic layout, every value as text (empty = NULL)."""

    def flag(expr: pl.Expr) -> pl.Expr:
        return pl.when(expr.fill_null(False)).then(pl.lit("1")).otherwise(None)

    exprs: list[pl.Expr] = [
        pl.col("year").cast(pl.String).alias("yearOfRegistration"),
        pl.col("gender").replace_strict(_GENDER_OUT, default=None).alias("gender"),
        pl.col("age_band").alias("ageBroad"),
        pl.col("citizenship").alias("citizenship"),
        pl.col("exploitation_country").alias("CountryOfExploitation"),
        pl.col("traffick_months").alias("traffickMonths"),
        flag(pl.any_horizontal([pl.col(c).fill_null(False) for c in _OTHER_EXPLOITATION])).alias(
            "isOtherExploit"
        ),
    ]
    exprs += [flag(pl.col(src)).alias(name) for name, src in _B_FLAG_SOURCE.items()]
    return victims.select(exprs).select(list(FORMAT_B_COLUMNS))


def _write_atomic(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fp:
        writer = csv.writer(fp, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else neutralise_formula(str(v)) for v in row])
    return Path(tmp)


#: A cell that a spreadsheet may read as a formula starts with one of these (after spaces).
_RISKY = r"^ *[=+\-@\t\r]"


def _formula_safe(column: str) -> pl.Expr:
    """``neutralise_formula`` as a Polars expression (a test checks they agree)."""
    col = pl.col(column).cast(pl.String)
    risky = col.str.contains(_RISKY) & ~col.str.contains(r"^ *[+-](\d+\.?\d*|\.\d+)$")
    return pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(column)


def _write_frame_atomic(path: Path, frame: pl.DataFrame) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    # only the columns with a cell that may be risky are rewritten (one pattern looked for in
    # each column; the rewrite is the same for the others, which it leaves as they are)
    text = frame.select(pl.all().cast(pl.String))
    risky = (
        text.select(pl.all().str.contains(_RISKY).any()).row(0)
        if frame.height
        else (False,) * frame.width
    )
    text.with_columns(
        [_formula_safe(c) for c, hit in zip(frame.columns, risky, strict=True) if hit]
    ).write_csv(tmp, line_terminator="\n", null_value="")
    return Path(tmp)


def export_ctdc(
    victims: pl.DataFrame,
    path: Path,
    *,
    k: int = DEFAULT_K,
    quasi_identifiers: tuple[str, ...] = DEFAULT_QUASI_IDENTIFIERS,
    sensitive: tuple[str, ...] | None = None,
    max_loss: float = DEFAULT_MAX_LOSS,
    force: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    l_diversity: int | None = None,
) -> ExportReport:
    """Write a k-anonymous CTDC-layout CSV; verify it; rename into place. Returns the report.

    ``progress(stage, done, total)`` follows the work: ``"search"`` through the plans of the
    generalisation lattice, then ``"write"`` and ``"verify"`` (0 of 1, then 1 of 1).

    The verification reports each sensitive field's distinct l-diversity. With ``l_diversity``
    stated, a file in which some class of the quasi-identifiers has fewer distinct values of a
    sensitive field than that is refused (``ExportRefused``, nothing kept) unless ``force``.

    Refuses (``ExportRefused``, nothing written) when the chosen plan loses more than
    ``max_loss`` of some column's cells, unless ``force``. The written file is re-read with
    DuckDB (``anonymity.verify_file``) before it is renamed into place.
    """
    check_k(k)
    unknown = [q for q in quasi_identifiers if q not in FORMAT_B_COLUMNS]
    if sensitive is not None:
        unknown += [s for s in sensitive if s not in FORMAT_B_COLUMNS]
    if unknown:
        raise ExportError(
            _("not a column of the CTDC export: %(columns)s") % {"columns": ", ".join(unknown)}
        )
    if len(set(quasi_identifiers)) != len(quasi_identifiers):
        raise ExportError(_("a quasi-identifier is named twice"))
    chosen_sensitive = SENSITIVE_FIELDS if sensitive is None else sensitive
    sens = tuple(s for s in chosen_sensitive if s not in quasi_identifiers)
    frame = to_ctdc_frame(victims)

    def step(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    try:
        chosen = plan(
            frame, tuple(quasi_identifiers), sens, k, max_loss,
            progress=lambda done, total: step("search", done, total),
        )  # fmt: skip
    except AnonymityError as exc:
        raise ExportError(str(exc)) from exc
    safe, chosen = apply(frame, chosen)
    if chosen.over_limit and not force:
        raise ExportRefused(
            _(
                "refused: %(columns)s would lose more than %(share)s of their values; "
                "nothing was written (raise the limit, lower k, or force the export)"
            )
            % {
                "columns": ", ".join(chosen.over_limit),
                "share": f"{chosen.max_loss:.0%}",
            },
            chosen,
        )
    step("write", 0, 1)
    tmp = _write_frame_atomic(Path(path), safe)
    try:
        step("verify", 0, 1)
        target = 2 if l_diversity is None else l_diversity
        check = verify_file(tmp, chosen.quasi_identifiers, chosen.sensitive, k, target)
        if check.failures or check.rows != safe.height:
            rare = sum(n for _c, n in check.failures)
            raise ExportError(
                _("combinations rarer than k = %(k)d in the written file: %(n)s; nothing was kept")
                % {
                    "n": ngettext("%(n)s combination", "%(n)s combinations", rare) % {"n": rare},
                    "k": k,
                }
            )
        below = [d.field for d in check.diversity if d.classes_below]
        if l_diversity is not None and below and not force:
            raise ExportRefused(
                _(
                    "refused: in %(fields)s some classes of the quasi-identifiers have fewer "
                    "distinct values than l = %(l)d; nothing was written (generalise more with a "
                    "larger k, protect fewer fields, or force the export)"
                )
                % {"fields": format_list(below), "l": l_diversity},
                chosen,
            )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    step("verify", 1, 1)
    return ExportReport(Path(path), safe.height, chosen, check)


def export_htcds(cases: pl.DataFrame, path: Path) -> ExportReport:
    """Write the stored HTCDS case fields (coded, no direct identifiers) as an HTCDS CSV."""
    columns = list(HTCDS_KEPT_FIELDS)
    frame = cases.select(
        [
            pl.col(c).cast(pl.String) if c in cases.columns else pl.lit(None, pl.String).alias(c)
            for c in columns
        ]
    )
    tmp = _write_atomic(Path(path), columns, frame.iter_rows())
    os.replace(tmp, path)
    return ExportReport(Path(path), frame.height)
