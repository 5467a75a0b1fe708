"""The HTML report of a simulation: opens offline, plotly.js written next to it.

Figures (Plotly): the distribution of days from the start of exploitation to formal
identification, a Sankey diagram of victim outcomes, cross-border request latency between
states (a heatmap, and the requests an intervention changes), and outcomes by vulnerable
group; then the table of differences between each overlay and the baseline with 95 % intervals
on common random numbers.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from pharos.i18n import _

PLOTLY_FILE = "plotly.min.js"
_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a50021")


def titled_html(fig: go.Figure, **to_html: object) -> str:
    """``fig`` as an HTML fragment, its title a paragraph above the chart: plotly draws a title
    on one line, which a phone (390 px wide) cut off; the page's text wraps. ``to_html`` goes to
    ``Figure.to_html`` (never the full page, never plotly.js)."""
    title = fig.layout.title.text
    if title:
        fig.update_layout(title_text="", margin_t=10)
    # a legend at the right takes half a phone's width from the chart: above it, wrapping
    if fig.layout.legend.orientation is None:
        fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    # nor do axis titles wrap: long ones are set on two lines
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        text = axis.title.text
        if text and len(text) > 36 and "<br>" not in text:
            cut = text.rfind(" ", 0, len(text) // 2 + 6)
            if cut > 0:
                axis.title.text = text[:cut] + "<br>" + text[cut + 1 :]
    plot = fig.to_html(full_html=False, include_plotlyjs=False, **to_html)
    if not title:
        return str(plot)
    return f'<p class="figure-title">{html.escape(str(title))}</p>{plot}'


def _days_figure(hists: dict[str, pd.DataFrame]) -> go.Figure:
    fig = go.Figure()
    for k, (variant, h) in enumerate(hists.items()):
        g = h.groupby("bin_start_days")["victims"].sum()
        share = g / g.sum() if g.sum() else g
        fig.add_scatter(
            x=[int(b) for b in share.index],
            y=share.to_numpy(),
            name=variant,
            mode="lines",
            line={"shape": "hv", "color": _COLOURS[k % len(_COLOURS)], "width": 2},
        )
    fig.update_layout(
        title=_("Days from the start of exploitation to formal identification"),
        xaxis_title=_("days (30-day bins; the last bin holds everything longer)"),
        yaxis_title=_("share of identified victims"),
        xaxis_range=[0, 1200],
    )
    return fig


def _sankey_figure(outcomes: pd.DataFrame) -> go.Figure:
    t = outcomes[outcomes["group"] == "all"].groupby("metric")["value"].sum()

    def g(name: str) -> float:
        return float(t.get(name, 0.0))

    detected = g("detected")
    identified = g("identified")
    protected = g("protected")
    lost_before = g("lost") - g("lost_awaiting_protection")
    labels = [
        _("Recruited"),
        _("Prevented before departure"),
        _("Escaped without help"),
        _("Still exploited at the end"),
        _("Detected or rescued"),
        _("Lost before identification"),
        _("Detected, not yet identified"),
        _("Formally identified"),
        _("Lost waiting for protection"),
        _("Protected"),
        _("Identified, not protected"),
        _("Returned home"),
        _("Stayed (included)"),
        _("Still in protection"),
        _("Re-trafficked"),
    ]
    links = [
        (0, 1, g("prevented")),
        (0, 2, g("escaped_unassisted")),
        (0, 3, g("still_exploited")),
        (0, 4, detected),
        (4, 5, lost_before),
        (4, 6, max(detected - identified - lost_before, 0.0)),
        (4, 7, identified),
        (7, 8, g("lost_awaiting_protection")),
        (7, 9, protected),
        (7, 10, max(identified - protected - g("lost_awaiting_protection"), 0.0)),
        (9, 11, g("returned")),
        (9, 12, g("included")),
        (9, 13, max(protected - g("returned") - g("included"), 0.0)),
        (5, 14, g("retrafficked")),
    ]
    links = [lk for lk in links if lk[2] > 0]
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 18, "thickness": 16},
            link={
                "source": [s for s, _d, _v in links],
                "target": [d for _s, d, _v in links],
                "value": [v for _s, _d, v in links],
            },
        )
    )
    fig.update_layout(title=_("What happens to victims (baseline, all replications)"))
    return fig


def _latency_heatmap(requests: pd.DataFrame) -> go.Figure:
    g = requests.groupby(["sender", "receiver"])[["requests", "latency_days_sum"]].sum()
    mean = (g["latency_days_sum"] / g["requests"]).unstack("receiver")
    fig = go.Figure(
        go.Heatmap(
            z=mean.to_numpy(),
            x=list(mean.columns),
            y=list(mean.index),
            colorscale="Blues",
            colorbar={"title": _("days")},
            text=[["" if pd.isna(v) else f"{v:.0f}" for v in row] for row in mean.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{y} → %{x}: %{z:.0f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=_("Cross-border request latency between states (baseline, mean days)"),
        xaxis_title=_("receiving state"),
        yaxis_title=_("requesting state"),
        height=460,
    )
    return fig


def _latency_figure(summaries: dict[str, pd.DataFrame]) -> go.Figure:
    """Pairs and instruments whose latency an intervention changes by more than 10 %."""
    sel = {
        name: s[
            (s["dimension"] == "request") & (s["indicator"] == "request_latency_days")
        ].set_index("level")
        for name, s in summaries.items()
    }
    base = next(iter(sel.values()))
    others = list(sel.values())[1:]
    candidates = sorted({lvl for other in others for lvl in other.index} | set(base.index))

    def changed(lvl: str) -> bool:
        for other in others:
            if lvl not in other.index:
                continue
            if lvl not in base.index:  # an instrument only the intervention makes available
                return True
            ratio = float(other["mean"][lvl]) / float(base["mean"][lvl])
            if abs(ratio - 1.0) > 0.10:
                return True
        return False

    levels = [lvl for lvl in candidates if changed(lvl)]
    fig = go.Figure()
    for k, (variant, r) in enumerate(sel.items()):
        r = r.reindex(levels)
        fig.add_bar(
            x=levels,
            y=r["mean"],
            name=variant,
            marker_color=_COLOURS[k % len(_COLOURS)],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (r["ci_high"] - r["mean"]).fillna(0).to_numpy(),
                "arrayminus": (r["mean"] - r["ci_low"]).fillna(0).to_numpy(),
            },
        )
    fig.update_layout(
        barmode="group",
        title=_("Requests whose latency an intervention changes by more than 10%"),
        yaxis_title=_("mean days to reply (95% interval)"),
        height=480,
    )
    return fig


def _group_figure(summary: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    g = summary[summary["dimension"] == "group"]
    names = {
        "share_identified": _("identified"),
        "share_protected": _("protected"),
        "share_lost": _("lost (of the detected)"),
    }
    for k, (ind, label) in enumerate(names.items()):
        r = g[g["indicator"] == ind].sort_values("level")
        fig.add_bar(
            x=r["level"],
            y=r["mean"],
            name=label,
            marker_color=_COLOURS[k],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (r["ci_high"] - r["mean"]).fillna(0).to_numpy(),
                "arrayminus": (r["mean"] - r["ci_low"]).fillna(0).to_numpy(),
            },
        )
    fig.update_layout(
        barmode="group",
        title=_("Outcomes by vulnerable group (baseline)"),
        yaxis_title=_("share of victims (95% interval)"),
    )
    return fig


def _table(diffs: dict[str, pd.DataFrame]) -> str:
    keep = (
        "share_identified",
        "days_to_identification",
        "share_protected",
        "share_lost",
        "prosecuted",
        "convicted",
        "networks_disrupted",
    )
    head = "".join(
        f"<th>{html.escape(h)}</th>"
        for h in (
            _("Intervention"),
            _("Indicator"),
            _("Baseline"),
            _("With the intervention"),
            _("Difference"),
            _("95% interval"),
        )
    )
    rows = []
    for variant, d in diffs.items():
        sel = d[(d["dimension"] == "total") & d["indicator"].isin(keep)]
        for _i, r in sel.iterrows():
            rows.append(
                "<tr>"
                f"<td>{html.escape(variant)}</td><td>{html.escape(str(r['indicator']))}</td>"
                f"<td>{r['baseline']:.3f}</td><td>{r['overlay']:.3f}</td>"
                f"<td>{r['difference']:+.3f}</td>"
                f"<td>[{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]</td></tr>"
            )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def write_report(
    folder: Path,
    title: str,
    outcomes: pd.DataFrame,
    hists: dict[str, pd.DataFrame],
    summaries: dict[str, pd.DataFrame],
    diffs: dict[str, pd.DataFrame],
    requests: pd.DataFrame | None = None,
) -> Path:
    """Write ``report.html`` and ``plotly.min.js`` into ``folder``; returns the report path."""
    (folder / PLOTLY_FILE).write_text(get_plotlyjs(), encoding="utf-8")
    baseline = next(iter(summaries.values()))
    figures = [_days_figure(hists), _sankey_figure(outcomes)]
    if requests is not None and not requests.empty:
        figures.append(_latency_heatmap(requests))
    if len(summaries) > 1:
        figures.append(_latency_figure(summaries))
    figures.append(_group_figure(baseline))
    parts = [titled_html(f, div_id=f"figure-{i}") for i, f in enumerate(figures)]
    body = "\n".join(f'<section class="figure">{p}</section>' for p in parts)
    table = _table(diffs) if diffs else ""
    heading = _("Interventions against the baseline (common random numbers)")
    intro = _(
        "Simulated outcomes of the regional model; every figure is a mean over the "
        "replications, with 95% intervals where shown."
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<script src="{PLOTLY_FILE}"></script>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
h1 {{ font-size: 1.6rem; }} section.figure {{ margin: 1.5rem 0; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }}
th:first-child, td:first-child, td:nth-child(2) {{ text-align: left; }}
.figure-title {{ font-weight: 600; margin: 1rem 0 .2rem; overflow-wrap: anywhere; }}
@media (max-width: 600px) {{ body {{ margin: 1rem .6rem; }}
  table {{ display: block; overflow-x: auto; max-width: 100%; }} }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(intro)}</p>
{body}
<h2>{html.escape(heading)}</h2>
{table}
</body></html>
"""
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
