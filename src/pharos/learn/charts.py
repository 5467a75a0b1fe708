"""Plotly figures (as JSON for plotly.js) and CSV downloads for the learn pages."""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass

import plotly.graph_objects as go

from pharos.i18n import _, is_rtl, ngettext
from pharos.learn.analytics import Table
from pharos.learn.equity import GroupResult
from pharos.learn.ingest.report import neutralise_formula
from pharos.learn.labels import GROUP_TITLES, country_label, label
from pharos.learn.trends import Trend

FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Naskh Arabic', sans-serif"
COLOURS = ["#0b5394", "#38761d", "#b45f06", "#741b47", "#134f5c", "#7f6000", "#990000"]


@dataclass
class Chart:
    """One chart of a page: its id, title, the figure as JSON and a note on suppression."""

    id: str
    title: str
    figure: str
    empty: bool
    note: str = ""
    csv_url: str = ""


def _layout(fig: go.Figure, title: str, *, x: str = "", y: str = "", height: int = 360) -> None:
    fig.update_layout(
        title={
            "text": title,
            "x": 0.98 if is_rtl() else 0.02,
            "xanchor": "right" if is_rtl() else "left",
        },
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 60, "r": 30, "t": 50, "b": 50},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=COLOURS,
        showlegend=False,
    )
    fig.update_xaxes(title_text=x, gridcolor="#e6e6e6", automargin=True)
    fig.update_yaxes(title_text=y, gridcolor="#e6e6e6", automargin=True)


def _note(table: Table) -> str:
    if not table.suppressed:
        return ""
    return ngettext(
        "%(n)d cell with fewer than k people is not shown.",
        "%(n)d cells with fewer than k people are not shown.",
        table.suppressed,
    ) % {"n": table.suppressed}


def years_chart(table: Table) -> Chart:
    years = [r[0] for r in table.rows if r[1] is not None]
    counts = [r[1] for r in table.rows if r[1] is not None]
    fig = go.Figure(go.Bar(x=years, y=counts, marker_color=COLOURS[0],
                           hovertemplate="%{x}: %{y}<extra></extra>"))  # fmt: skip
    title = _("Victims registered per year")
    _layout(fig, title, x=_("Year of registration"), y=_("Victims"))
    return Chart(table.name, title, str(fig.to_json()), not counts, _note(table))


def shares_chart(table: Table, group: str) -> Chart:
    rows = [r for r in table.rows if isinstance(r[2], float)]
    rows.sort(key=lambda r: r[2])  # type: ignore[arg-type,return-value]
    names = [label(group, r[0]) for r in rows]
    shares = [round(100 * r[2], 1) for r in rows]  # type: ignore[operator]
    fig = go.Figure(
        go.Bar(
            x=shares,
            y=names,
            orientation="h",
            marker_color=COLOURS[1],
            text=[f"{s:.0f} %" for s in shares],
            textposition="auto",
            customdata=[r[1] for r in rows],
            hovertemplate="%{y}: %{x:.1f} % (%{customdata})<extra></extra>",
        )
    )
    title = str(GROUP_TITLES[group])
    total = table.total
    axis = _("Share of victims with this information (%%)<br>n = %(n)s") % {
        "n": total if total is not None else "<k"
    }
    _layout(fig, title, x=axis, height=max(260, 40 + 34 * len(rows)))
    fig.update_xaxes(range=[0, 100])
    if is_rtl():
        # labels on the right; plotly's automargin does not widen a right-hand y axis enough
        widest = max((len(n) for n in names), default=10)
        fig.update_xaxes(range=[100, 0])
        fig.update_yaxes(side="right", automargin=False)
        fig.update_layout(margin={"l": 30, "r": min(320, 12 + 7 * widest)})
    return Chart(table.name, title, str(fig.to_json()), not rows, _note(table))


def flows_chart(table: Table) -> Chart:
    origins = sorted({str(r[0]) for r in table.rows})
    targets = sorted({str(r[1]) for r in table.rows})
    nodes = [country_label(c) for c in origins] + [country_label(c) for c in targets]
    index_o = {c: i for i, c in enumerate(origins)}
    index_t = {c: len(origins) + i for i, c in enumerate(targets)}
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 14, "thickness": 16, "color": COLOURS[4]},
            link={
                "source": [index_o[str(r[0])] for r in table.rows],
                "target": [index_t[str(r[1])] for r in table.rows],
                "value": [r[2] for r in table.rows],
                "color": "rgba(11, 83, 148, 0.25)",
            },
        )
    )
    title = _("From citizenship (left) to country of exploitation (right)")
    _layout(fig, title, height=460)
    return Chart(table.name, title, str(fig.to_json()), not table.rows, _note(table))


def trend_chart(trend: Trend, index: int) -> Chart:
    shares = [100 * c / t if t else None for c, t in zip(trend.counts, trend.totals, strict=True)]
    colours = [COLOURS[6] if y >= trend.since else COLOURS[0] for y in trend.years]
    fig = go.Figure(go.Bar(x=list(trend.years), y=shares, marker_color=colours,
                           name=_("Share of victims (%)"),
                           hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))  # fmt: skip
    if trend.expected:
        expected = [None if e is None else 100 * e for e in trend.expected]
        fig.add_trace(go.Scatter(x=list(trend.years), y=expected, mode="lines",
                                 name=_("What its history predicts"),
                                 line={"color": "#333", "dash": "dash", "width": 2},
                                 hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))  # fmt: skip
    title = trend.label()
    _layout(fig, title, x=_("Year of registration"), y=_("Share of victims (%)"), height=300)
    if trend.expected:
        # the legend above the plot, on the side away from the title
        side = {"x": 0.0, "xanchor": "left"} if is_rtl() else {"x": 1.0, "xanchor": "right"}
        fig.update_layout(
            showlegend=True,
            margin={"t": 70},
            legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", **side},
        )
    return Chart(f"trend-{index}", title, str(fig.to_json()), False)


def equity_chart(
    results: list[GroupResult], outcome: str, title: str, names: dict[str, str]
) -> Chart:
    """One outcome's shares by group as horizontal bars (long names stay readable), in the
    table's order from the top, with 95 % intervals; only the flagged groups in red."""
    shown = [r for r in results if not r.suppressed and not r.shares[outcome].suppressed]
    shown.reverse()  # plotly draws the first category at the bottom
    labels = [names.get(r.group, r.group) for r in shown]
    x = [100 * (r.shares[outcome].share or 0) for r in shown]
    up = [100 * ((r.shares[outcome].high or 0) - (r.shares[outcome].share or 0)) for r in shown]
    down = [100 * ((r.shares[outcome].share or 0) - (r.shares[outcome].low or 0)) for r in shown]
    colours = [COLOURS[6] if r.shares[outcome].worse else COLOURS[0] for r in shown]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=labels,
            orientation="h",
            marker_color=colours,
            error_x={"type": "data", "array": up, "arrayminus": down, "visible": True,
                     "color": "#555"},
            text=[f"{v:.0f} %" + (" ▼" if r.shares[outcome].worse else "")
                  for v, r in zip(x, shown, strict=True)],
            textposition="inside",
            insidetextanchor="start",
            hovertemplate="%{y}: %{x:.0f} %<extra></extra>",
        )
    )  # fmt: skip
    _layout(fig, title, x=_("Share of cases (%)"), height=max(220, 90 + 28 * len(shown)))
    fig.update_xaxes(range=[0, 100])
    fig.update_yaxes(automargin=True)
    if is_rtl():
        widest = max((len(n) for n in labels), default=10)
        fig.update_xaxes(range=[100, 0])
        fig.update_yaxes(side="right", automargin=False)
        fig.update_layout(margin={"l": 30, "r": min(320, 12 + 7 * widest)})
    return Chart(f"equity-{outcome}", title, str(fig.to_json()), not shown)


def rows_csv(columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    """Rows as CSV text (formula-safe); None is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else neutralise_formula(str(v)) for v in row])
    return out.getvalue()


def equity_csv(results: list[GroupResult]) -> str:
    """The equal-protection table as CSV: suppressed cells are empty."""
    columns: tuple[str, ...] = ("dimension", "group", "cases")
    for o in ("identified", "referred", "protected"):
        columns += (f"{o}_share", f"{o}_low", f"{o}_high", f"{o}_worse", f"{o}_mean_days",
                    f"{o}_days_low", f"{o}_days_high", f"{o}_slower")  # fmt: skip
    rows: list[tuple[object, ...]] = []
    for r in results:
        row: tuple[object, ...] = (r.dimension, r.group, r.cases)
        for o in ("identified", "referred", "protected"):
            s = r.shares.get(o)
            d = r.durations.get(o)
            row += (s.share, s.low, s.high, s.worse) if s and not s.suppressed else (None,) * 4
            row += (d.mean_days, d.low, d.high, d.slower) if d and not d.suppressed else (None,) * 4
        rows.append(row)
    return rows_csv(columns, rows)


def trends_csv(trends: list[Trend]) -> str:
    """Every tested category: dimension, category, change year, ratio, adjusted and raw p, the
    dispersion used, and the same test with the sources pooled (when there are several)."""
    return rows_csv(
        ("dimension", "category", "since", "ratio", "p_value_adjusted", "rising", "significant",
         "p_value_unadjusted", "dispersion", "pooled_since", "pooled_ratio",
         "pooled_p_value_adjusted", "source_mix_only"),
        [
            (t.dimension, t.category, t.since, round(t.ratio, 4), t.p_value, t.rising,
             t.significant, t.p_raw, round(t.dispersion, 4), t.pooled_since,
             None if t.pooled_ratio is None else round(t.pooled_ratio, 4), t.pooled_p,
             t.mix_only)
            for t in trends
        ],
    )  # fmt: skip


def table_csv(table: Table) -> str:
    """A chart's data as CSV text (formula-safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise_formula(str(v)) for v in row])
    return out.getvalue()


def mark_origin(chart: Chart, banner: str) -> Chart:
    """Name a non-real origin in the chart's title (page caption and the figure itself)."""
    if not banner:
        return chart
    chart.title = f"{chart.title} — {banner}"
    figure = json.loads(chart.figure)
    title = figure.setdefault("layout", {}).setdefault("title", {})
    title["text"] = f"{title.get('text', '')}<br><sub>{html.escape(banner)}</sub>"
    margin = figure["layout"].setdefault("margin", {})
    margin["t"] = max(int(margin.get("t", 50)), 80)  # room for the second line
    chart.figure = json.dumps(figure)
    return chart


def csv_with_origin(text: str, banner: str) -> str:
    """CSV text preceded by a ``#`` line naming a non-real origin (unchanged for real data)."""
    if not banner:
        return text
    return rows_csv((f"# {banner}",), []) + text
