"""Exports of case work (issue 18, item 8): a case list to CSV and a case file to PDF.

What an export holds is what its reader sees on the pages, no more: the case list's titles and
victims' names only in the cases whose victims' identity the reader sees
(``permissions.identity_view``), the case file built from the same view as the case page
(``case_view.case_detail``). Exporting needs ``case:export`` (journalists never), and every
export is written to the audit trail in the transaction that produces it.

CSV cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, OWASP "CSV Injection") are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate import audit, queries
from pharos.coordinate.case_file_pdf import render
from pharos.coordinate.case_view import case_detail
from pharos.coordinate.cases import (
    CaseFilter,
    case_ref,
    held_until,
    matching_cases,
    ordered,
    views_of,
)
from pharos.coordinate.permissions import IdentityView, Principal, require, sees_identity
from pharos.coordinate.vocabulary import CASE_STATUS_LABELS, PersonRole
from pharos.i18n import _
from pharos.store.models import Case, Person

#: first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell that no spreadsheet runs: a leading formula character is
    escaped with an apostrophe (the cell then shows as text)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """``rows`` as CSV text (every cell through :func:`safe_cell`), with a byte order mark so
    that spreadsheets read Arabic and Greek names as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def _victim_names(session: Session, p: Principal, case: Case, view: IdentityView) -> str:
    """The names of the case's victims as ``p`` may see them: all in the full view; in the
    view of a state the case moved away from, those recorded until it moved; else none."""
    if view is IdentityView.FULL:
        cut = None
    elif view is IdentityView.HELD:
        cut = held_until(session, p, case)
    else:
        return ""
    persons = session.execute(
        select(Person)
        .where(Person.case_id == case.id, Person.role == PersonRole.VICTIM.value)
        .order_by(Person.id)
    ).scalars()
    names = [
        " ".join(x for x in (v.first_name, v.second_name) if x)
        for v in persons
        if cut is None or (v.created_at is not None and v.created_at <= cut)
    ]
    return "; ".join(n for n in names if n)


def case_list_rows(session: Session, p: Principal, f: CaseFilter) -> Iterator[list[object]]:
    """The header and one row per case ``p`` may export that matches ``f`` (every page)."""
    yield [
        _("Reference"),
        _("State"),
        _("Case status"),
        _("Opened"),
        _("Updated"),
        _("Owner"),
        _("Type of exploitation"),
        _("Title"),
        _("Victims"),
    ]
    found = list(session.execute(ordered(matching_cases(p, f, "export"), f)).scalars())
    agencies = queries.agency_names(session, {c.owner_agency_id for c in found})
    statuses = {s.value: str(label) for s, label in CASE_STATUS_LABELS.items()}
    views = views_of(session, p, found)
    for c in found:
        view = views[c.id]
        yield [
            c.reference,
            c.state,
            statuses.get(c.status, c.status),
            c.created_at.date().isoformat(),
            c.updated_at.date().isoformat(),
            agencies.get(c.owner_agency_id, ""),
            " ".join(c.exploitation_types or []),
            c.title if sees_identity(view) else "",
            _victim_names(session, p, c, view),
        ]


def case_list_csv(session: Session, p: Principal, f: CaseFilter) -> str:
    """The cases ``p`` may export that match ``f`` as CSV; the export is audited with the
    filter and the number of cases."""
    require(p, "case", "export")
    rows = list(case_list_rows(session, p, f))
    wanted = {k: v for k, v in asdict(f).items() if v not in ("", None, False) and k != "page"}
    audit.record(
        session, p, "export", "case_list", detail={"cases": len(rows) - 1, "filter": wanted}
    )
    return csv_text(rows)


def case_file_name(case: Case) -> str:
    """The download name of a case's file (its reference: letters, digits and hyphens)."""
    return f"{case.reference}.pdf"


def case_file_pdf(
    session: Session,
    p: Principal,
    case: Case,
    today: date,
    warn_days: int = 7,
    *,
    now: datetime | None = None,
) -> bytes:
    """The case as ``p`` sees it, as a PDF file for a court or a shelter; audited (with the
    reader's identity view and the file's SHA-256, so that a file handed over can be matched
    to its export)."""
    require(p, "case", "export", case_ref(session, case))
    detail = case_detail(session, p, case, today, warn_days)
    data = render(detail, p.username, now or datetime.now().astimezone())
    audit.record(
        session,
        p,
        "export",
        "case_file",
        case.id,
        case_id=case.id,
        detail={
            "identity_view": detail["identity_view"],
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return data
