"""The after-action report as PDF, drawn with reportlab (tables and findings, A4).

Uses the DejaVu Sans font when the system has it (Latin, Greek), else reportlab's bundled Vera.
reportlab does not shape Arabic script: for an Arabic report use the HTML, or
``pdf_via_chromium`` which prints the HTML with Chromium.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from pharos.coordinate.case_file_pdf import html_to_pdf, pdf_fonts
from pharos.exercise.report.after_action import Finding, Report
from pharos.exercise.report.html import atomic_write, render_html
from pharos.exercise.words import wording
from pharos.i18n import _, is_rtl


def _fonts() -> tuple[str, str]:
    return pdf_fonts()


def _table(
    header: list[str],
    rows: list[list[object]],
    font: str,
    bold: str,
    widths: list[float] | None = None,
) -> Table:
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9)
    head = ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9)
    data = [[Paragraph(escape(h), head) for h in header]]
    data += [[Paragraph(escape("" if v is None else str(v)), cell) for v in row] for row in rows]
    if len(data) == 1:
        data.append([Paragraph("—", cell)] + [Paragraph("", cell)] * (len(header) - 1))
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d2de")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


@dataclass(frozen=True)
class _Look:
    """The fonts and paragraph styles of the report."""

    font: str
    bold: str
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle

    def table(
        self, header: list[str], rows: list[list[object]], widths: list[float] | None = None
    ) -> Table:
        return _table(header, rows, self.font, self.bold, widths)

    def section(self, title: str, *flowables: Flowable) -> list[Flowable]:
        return [Paragraph(escape(title), self.h2), *flowables]


def _look() -> _Look:
    font, bold = _fonts()
    ss = getSampleStyleSheet()
    return _Look(
        font,
        bold,
        h1=ParagraphStyle("h1", parent=ss["Heading1"], fontName=bold, fontSize=15),
        h2=ParagraphStyle(
            "h2", parent=ss["Heading2"], fontName=bold, fontSize=11.5, spaceBefore=10
        ),
        body=ParagraphStyle("body", parent=ss["BodyText"], fontName=font, fontSize=8.5, leading=11),
    )


def _scores(r: Report, look: _Look) -> list[Flowable]:
    return look.section(
        _("Scores against the procedure's targets"),
        look.table(
            [_("Measure"), _("Subject"), _("Measured (days)"), _("Target (days)"), _("Result")],
            [
                [
                    wording.measure(t["measure"]),
                    r.names.person(t["subject"]),
                    t["value"],
                    t["target"],
                    _("met") if t["met"] else _("missed"),
                ]
                for t in r.scores.target_results
            ],
        ),
    )


def _victims(r: Report, look: _Look) -> list[Flowable]:
    return look.section(
        _("Victims"),
        look.table(
            [
                _("Person"),
                _("First contact (days)"),
                _("Identification (days)"),
                _("Referral (days)"),
                _("Protection (days)"),
                _("Retained"),
                _("Protection"),
            ],
            [
                [
                    p.name,
                    p.first_contact_days,
                    p.identification_days,
                    p.referral_days,
                    p.protection_days,
                    _("yes") if p.retained else _("lost"),
                    ", ".join(wording.protection(m) for m in p.protection),
                ]
                for p in r.scores.personas
            ],
        ),
    )


def _networks(r: Report, look: _Look) -> list[Flowable]:
    return look.section(
        _("Networks and prosecution readiness"),
        look.table(
            [
                _("Network"),
                _("Act"),
                _("Means"),
                _("Purpose"),
                _("Financial investigation"),
                _("Requests sent / answered"),
                _("Disrupted"),
                _("Prosecution readiness"),
            ],
            [
                [
                    n.name,
                    wording.element_status(n.elements["act"]),
                    wording.element_status(n.elements["means"]),
                    wording.element_status(n.elements["purpose"]),
                    _("yes") if n.financial_investigation else _("no"),
                    f"{n.requests_sent} / {n.requests_answered}",
                    _("yes") if n.disrupted else _("no"),
                    f"{n.prosecution_readiness}/100",
                ]
                for n in r.scores.networks
            ],
        ),
    )


def _charges(r: Report, look: _Look) -> list[Flowable]:
    return look.section(
        _("Charging decisions"),
        look.table(
            [_("Network"), _("State"), _("Decision"), _("Decided by"), _("When"), _("Reason")],
            [
                [c["network"], c["state"], c["label"], c["by"], c["when"], c["reason"]]
                for c in r.charges
            ],
        ),
    )


def _ratings(r: Report, look: _Look) -> list[Flowable]:
    return look.section(
        _("Observers' ratings"),
        look.table(
            [_("Objective"), _("Team"), _("Ratings"), _("Mean (1-5)"), _("Notes")],
            [
                [
                    r.objectives.get(x["objective"], x["objective"]),
                    x["team"],
                    x["n"],
                    x["mean"],
                    " / ".join(x["notes"]),
                ]
                for x in r.ratings
            ],
        ),
    )


def _findings(title: str, findings: list[Finding], look: _Look) -> list[Flowable]:
    items = [Paragraph("• " + escape(f.text), look.body) for f in findings]
    return look.section(title, *(items or [Paragraph("—", look.body)]))


def _plan(r: Report, look: _Look) -> list[Flowable]:
    return look.section(
        _("Improvement plan"),
        look.table(
            [_("Corrective action"), _("Owner agency"), _("Due"), _("Objective")],
            [
                [a.action, a.owner, a.due.isoformat(), r.objectives.get(a.objective, a.objective)]
                for a in r.plan
            ],
            [8.5 * cm, 4 * cm, 2.2 * cm, 3.3 * cm],
        ),
    )


def _timeline(r: Report, look: _Look) -> list[Flowable]:
    return look.section(
        _("Timeline"),
        look.table(
            [_("Exercise time"), _("Team"), _("What happened")],
            [[e["when"], e["team"], e["text"]] for e in r.timeline],
            [2.6 * cm, 4.5 * cm, 10.9 * cm],
        ),
    )


def pdf_bytes(r: Report) -> bytes:
    """The report as PDF bytes: its title, then one section after another."""
    look = _look()
    out: list[Flowable] = [
        Paragraph(escape(_("After-action report and improvement plan")), look.h1),
        Paragraph(
            escape(f"{r.title} · {r.exercise_id} · {wording.choice(r.status)} · {r.ended_day}"),
            look.body,
        ),
        *_scores(r, look),
        *_victims(r, look),
        *_networks(r, look),
        *_charges(r, look),
        *_ratings(r, look),
        *_findings(_("Strengths"), r.strengths, look),
        *_findings(_("Areas for improvement"), r.improvements, look),
        *_plan(r, look),
        *_timeline(r, look),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=r.title,
        invariant=1,
    )
    doc.build(out)
    return buf.getvalue()


def pdf_via_chromium(r: Report, chromium: str = "/usr/bin/chromium") -> bytes:
    """The HTML report printed to PDF by Chromium (shapes Arabic and lays out right to left)."""
    return html_to_pdf(render_html(r), Path(chromium))


def write_pdf(report: Report, path: Path) -> None:
    """PDF by reportlab; for right-to-left languages by Chromium's print when installed."""
    if is_rtl() and Path("/usr/bin/chromium").exists():
        atomic_write(path, pdf_via_chromium(report))
    else:
        atomic_write(path, pdf_bytes(report))
