"""A case file as PDF (issue 18, item 8), drawn from the case as its reader sees it.

The file is laid out once as sections of paragraphs and tables (:class:`Section`), then drawn
by reportlab, the PDF library Pharos already uses for the after-action report (A4, DejaVu Sans
when the system has it). reportlab does not shape Arabic script: a file in a right-to-left
language, or holding Arabic script (a victim's name written in Arabic), is printed from HTML by
Chromium when it is installed (:func:`html_to_pdf`), as the after-action report is.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from pharos.coordinate import vocabulary as v
from pharos.domain import vocabulary as dv
from pharos.domain.geography import region_states
from pharos.domain.vocabulary_labels import label
from pharos.i18n import _, current_locale, format_list, is_rtl

logger = logging.getLogger(__name__)
CHROMIUM = Path("/usr/bin/chromium")
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
#: Arabic script (the blocks reportlab cannot shape)
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def pdf_fonts() -> tuple[str, str]:
    """The regular and bold fonts of Pharos' PDF files: DejaVu Sans (Latin, Greek) when the
    system has it, else reportlab's Helvetica."""
    if _DEJAVU.is_file() and _DEJAVU_BOLD.is_file():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(_DEJAVU)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(_DEJAVU_BOLD)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def html_to_pdf(html: str, chromium: Path = CHROMIUM) -> bytes:
    """``html`` printed to PDF by headless Chromium (shapes every script, lays out right to
    left); no network, nothing kept."""
    with tempfile.TemporaryDirectory() as d:
        page = Path(d) / "page.html"
        pdf = Path(d) / "page.pdf"
        # a lone surrogate (JSON allows "\ud800") has no UTF-8: replaced, never a failure
        page.write_bytes(html.encode("utf-8", errors="replace"))
        subprocess.run(
            [
                str(chromium),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--print-to-pdf={pdf}",
                "--no-pdf-header-footer",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return pdf.read_bytes()


@dataclass
class Section:
    """One part of the file: a heading, lines of text, and a table (header and rows)."""

    title: str
    lines: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _enum_label(enum: Any, value: str) -> str:
    try:
        return label(enum(value))
    except ValueError:
        return value


def _labels(enum: Any, values: Sequence[str]) -> str:
    return format_list([_enum_label(enum, x) for x in values])


def sections(case: Mapping[str, Any], exported_by: str, at: datetime) -> list[Section]:
    """The case file's sections, in the reader's language."""
    states = {c.iso3: c.name for c in region_states()}
    views = {
        "full": _("full"),
        "held": _("as held until the case moved"),
        "pseudonymised": _("pseudonymised"),
        "none": _("without the victim's identity"),
    }
    status = {str(k): str(x) for k, x in v.CASE_STATUS_LABELS.items()}
    head = Section(
        _("Case"),
        lines=[
            _("Exported by %(user)s on %(at)s; identity: %(view)s.")
            % {"user": exported_by, "at": _text(at), "view": views.get(case["identity_view"], "")},
            _(
                "Confidential: personal data of a possible victim of trafficking. Keep it only "
                "as long as the hand-over needs it."
            ),
        ],
        header=[_("Field"), _("Value")],
        rows=[
            [_("Reference"), case["reference"]],
            [_("Title"), case["title"]],
            [_("State"), states.get(case["state"], case["state"])],
            [_("Case status"), status.get(case["status"], case["status"])],
            [_("Owner"), case["owner_agency"]["name"] or ""],
            [_("Opened"), _text(case["created_at"])],
            [_("Updated"), _text(case["updated_at"])],
            [_("Type of exploitation"), _labels(dv.ExploitationType, case["exploitation_types"])],
            [_("Recruitment"), _labels(dv.RecruitmentMethod, case["recruitment_methods"])],
            [_("Means of control"), _labels(dv.MethodOfControl, case["methods_of_control"])],
            [_("Summary"), case["summary"]],
            [_("Closure reason"), case["closure_reason"]],
        ],
    )
    roles = {str(k): str(x) for k, x in v.PERSON_ROLE_LABELS.items()}
    persons = Section(
        _("Persons"),
        header=[_("Name"), _("Role"), _("Gender"), _("Born"), _("Citizenship"), _("Identity no.")],
        rows=[
            [
                p.get("name") or "",
                roles.get(p["role"], p["role"]),
                _enum_label(dv.Gender, p["gender"]),
                _text(p.get("birthdate") or p.get("birth_year")),
                p.get("citizenship") or "",
                p.get("identity_number") or "",
            ]
            for p in case["persons"]
        ],
    )
    events = {str(k): str(x) for k, x in v.EVENT_LABELS.items()}
    timeline = Section(
        _("Trafficking timeline"),
        header=[_("Date"), _("Type"), _("Place"), _("Country"), _("Description")],
        rows=[
            [
                _text(e["date"]),
                events.get(e["type"], e["type"]),
                e["place"],
                e["country"],
                e["description"],
            ]
            for e in case["events"]
        ],
    )
    yes, no = _("yes"), _("no")
    consents = Section(
        _("Consent"),
        header=[
            _("Recorded"),
            _("Informed"),
            _("Services"),
            _("Other organisations"),
            _("Across borders"),
            _("Note"),
        ],
        rows=[
            [
                _text(c["recorded_at"]),
                yes if c["informed"] else no,
                yes if c["consent_for_services"] else no,
                yes if c["disclosure_other_orgs"] else no,
                yes if c["disclosure_cross_border"] else no,
                c["note"] + (f" ({c['override_reason']})" if c["override_reason"] else ""),
            ]
            for c in case["consents"]
        ],
    )
    plans = {str(k): str(x) for k, x in v.SUPPORT_PLAN_LABELS.items()}
    support = Section(
        _("Support plans"),
        header=[_("Type"), _("Objectives"), _("Action plan"), _("Planned end")],
        rows=[
            [
                plans.get(s["type"], s["type"]),
                s["objectives"],
                s["action_plan"],
                _text(s["planned_end"]),
            ]
            for s in case["support_plans"]
        ],
    )
    periods = Section(
        _("Recovery and reflection period"),
        header=[_("From"), _("Until"), _("Days"), _("Basis")],
        rows=[
            [_text(r["starts_on"]), _text(r["ends_on"]), _text(r["days"]), _text(r["basis"])]
            for r in case["reflection_periods"]
        ],
    )
    ref_status = {str(k): str(x) for k, x in v.REFERRAL_STATUS_LABELS.items()}
    referrals = Section(
        _("Referrals and transfers"),
        header=[_("Sent"), _("From"), _("To"), _("Status"), _("Arrangements")],
        rows=[
            [
                _text(r["created_at"]),
                r["from_agency"] or "",
                r["to_agency"] or "",
                ref_status.get(r["status"], r["status"]),
                r["details"],
            ]
            for r in case["referrals"]
        ],
    )
    req_status = {str(k): str(x) for k, x in v.REQUEST_STATUS_LABELS.items()}
    requests = Section(
        _("Cross-border requests"),
        header=[_("Sent"), _("From"), _("To"), _("Subject"), _("Status"), _("Replies")],
        rows=[
            [
                _text(r["sent_at"]),
                r["sender_agency"] or "",
                r["receiver_agency"] or "",
                f"{r['subject']}\n{r['body']}",
                req_status.get(r["status"], r["status"]),
                "\n".join(
                    f"{_text(x['created_at'])} {x['agency']}: {x['text']}" for x in r["replies"]
                ),
            ]
            for r in case["requests"]
        ],
    )
    notes = Section(
        _("Case notes"),
        header=[_("Written"), _("By"), _("Note")],
        rows=[[_text(n["created_at"]), n["author"] or "", n["text"]] for n in case["notes"]],
    )
    files = Section(
        _("Attached files"),
        header=[_("File"), _("Type"), _("Size (bytes)"), _("Added"), "SHA-256"],
        rows=[
            [a["filename"], a["media_type"], _text(a["size"]), _text(a["created_at"]), a["sha256"]]
            for a in case.get("attachments", [])
        ],
    )
    return [head, persons, timeline, consents, support, periods, referrals, requests, notes, files]


def _needs_chromium(parts: Sequence[Section]) -> bool:
    if is_rtl():
        return True
    texts = [s.title for s in parts] + [x for s in parts for x in s.lines]
    texts += [c for s in parts for row in s.rows for c in row]
    return any(_ARABIC.search(t) for t in texts)


def _widths(s: Section, total: float = 18 * cm) -> list[float]:
    """Column widths after what the columns hold: a word of the header or a short word of a
    cell (a status: 'مقبولة', 'Accepted') is never broken, long texts get the room."""
    weights = []
    for i, h in enumerate(s.header):
        words = h.split() + [w for r in s.rows if i < len(r) for w in r[i].split()]
        longest_word = min(max((len(w) for w in words), default=1), 15)
        cells = [len(r[i]) for r in s.rows if i < len(r)]
        typical = sum(cells) / len(cells) if cells else 0
        weights.append(max(longest_word + 3, min(typical, 40.0)))
    return [total * w / sum(weights) for w in weights]


def _reportlab(parts: Sequence[Section], title: str, tables: bool = True) -> bytes:
    """The file drawn by reportlab; with ``tables`` False each row is a paragraph of "heading:
    value" lines (a table row taller than a page cannot be drawn: reportlab does not split
    one row, and raises ``LayoutError``)."""
    font, bold = pdf_fonts()
    ss = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=ss["Heading1"], fontName=bold, fontSize=15)
    h2 = ParagraphStyle("h2", parent=ss["Heading2"], fontName=bold, fontSize=11.5, spaceBefore=10)
    body = ParagraphStyle("body", parent=ss["BodyText"], fontName=font, fontSize=8.5, leading=11)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9)
    head = ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    out: list[Flowable] = [para(title, h1)]
    for s in parts:
        out.append(para(s.title, h2))
        out += [para(line, body) for line in s.lines]
        if not s.header:
            continue
        if not s.rows:
            out.append(para("—", body))
            continue
        if not tables:
            for r in s.rows:
                text = "\n".join(f"{h}: {c}" for h, c in zip(s.header, r, strict=False))
                out.append(para(text, body))
            continue
        data = [[para(h, head) for h in s.header]] + [[para(c, cell) for c in r] for r in s.rows]
        t = Table(data, colWidths=_widths(s), repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d2de")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        out.append(t)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=title,
        invariant=1,
    )
    doc.build(out)
    return buf.getvalue()


def html(parts: Sequence[Section], title: str) -> str:
    """The file as a self-contained HTML page (no script, no outside resource)."""
    lang = current_locale()
    direction = "rtl" if is_rtl() else "ltr"
    body = [f"<h1>{escape(title)}</h1>"]
    for s in parts:
        body.append(f"<h2>{escape(s.title)}</h2>")
        body += [f"<p>{escape(line)}</p>" for line in s.lines]
        if not s.header:
            continue
        if not s.rows:
            body.append("<p>—</p>")
            continue
        head = "".join(f"<th>{escape(h)}</th>" for h in s.header)
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in s.rows
        )
        # the columns as reportlab draws them (a short status is not broken inside a word
        # while a long text takes the room): Chromium's own layout gave 'Status' one letter
        widths = _widths(s)
        cols = "".join(f'<col style="width:{100 * w / sum(widths):.1f}%">' for w in widths)
        body.append(
            f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    style = (
        "@page{size:A4;margin:1.5cm}body{font-family:'DejaVu Sans',sans-serif;font-size:9pt}"
        "h1{font-size:15pt}h2{font-size:11.5pt;margin-top:12pt}"
        "table{border-collapse:collapse;width:100%;table-layout:fixed}"
        "th,td{border:0.4pt solid #c9d2de;padding:2pt 4pt;vertical-align:top;"
        "white-space:pre-wrap;text-align:start;overflow-wrap:anywhere}"
        "th{background:#eef3f8}"
    )
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def render(case: Mapping[str, Any], exported_by: str, at: datetime) -> bytes:
    """The case file as PDF bytes (reportlab; Chromium for Arabic script, when installed)."""
    parts = sections(case, exported_by, at)
    title = _("Case file %(reference)s") % {"reference": case["reference"]}
    if _needs_chromium(parts) and CHROMIUM.exists():
        try:
            return html_to_pdf(html(parts, title))
        except (OSError, subprocess.SubprocessError):
            logger.exception("Chromium could not print the case file; drawn by reportlab")
    try:
        return _reportlab(parts, title)
    except LayoutError:  # a cell taller than a page (a very long note): rows as paragraphs
        return _reportlab(parts, title, tables=False)
