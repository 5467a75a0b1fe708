"""The HTML report of a simulation: opens offline, plotly.js written next to it.

Figures (Plotly): the distribution of days from the start of exploitation to formal
identification, a Sankey diagram of victim outcomes, cross-border request latency between
states (a heatmap, and the requests an intervention changes), and outcomes by vulnerable
group; then the table of differences between each overlay and the baseline with 95 % intervals
on common random numbers.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from pharos.domain.geography import country_name
from pharos.i18n import N_, _, current_locale, format_list, gettext, is_rtl
from pharos.sim.costs import cost_effectiveness
from pharos.sim.summary import EQUAL_FALSE_ALARM, unequal_protection, variant_effects, yearly

PLOTLY_FILE = "plotly.min.js"
#: the vulnerable groups whose share protected the reports compare (equal protection)
GROUP_LABELS = {
    "women": N_("women"),
    "men": N_("men"),
    "girls": N_("girls"),
    "boys": N_("boys"),
}
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


def figure_html(fig: go.Figure, div_id: str | None = None) -> str:
    """A chart as every report draws it (the simulate and the experiment reports): a white
    template, small margins, the page's font, its title above it as text that wraps
    (:func:`titled_html`). ``div_id``: the chart's element id (plotly draws a random one
    otherwise, and the simulate report must be the same bytes for the same seed)."""
    fig.update_layout(
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": "system-ui, sans-serif", "size": 13},
    )
    return titled_html(fig, div_id=div_id) if div_id else titled_html(fig)


def forest_figure(
    title: str, frames: dict[str, pd.DataFrame], axis: str, div_id: str | None = None
) -> str:
    """A forest plot: each intervention's effect against the baseline with its 95 % interval,
    one colour per series (an outcome, a group or a state), a line at no effect. ``frames``
    are :func:`pharos.sim.summary.paired_effects` tables; the first one's order (most helpful
    first) is the plot's, top down."""
    fig = go.Figure()
    order = list(next(iter(frames.values())).index)[::-1]
    k = len(frames)
    step = 0.8 / k if k > 1 else 0.0  # the series of one intervention side by side on its row
    for j, (label, frame) in enumerate(frames.items()):
        f = frame.reindex(order)
        fig.add_scatter(
            x=f["effect"],
            y=[i + (j - (k - 1) / 2) * step for i in range(len(order))],
            mode="markers",
            name=label,
            marker={"size": 9},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": f["high"] - f["effect"],
                "arrayminus": f["effect"] - f["low"],
            },
            text=order,
            customdata=np.column_stack([f["relative"] * 100, f["low"], f["high"]]),
            hovertemplate="%{text}: %{x:.4g} [%{customdata[1]:.4g}, %{customdata[2]:.4g}]"
            " (%{customdata[0]:+.1f} %)<extra>" + label + "</extra>",
        )
    fig.add_vline(x=0, line={"color": "#56616d", "width": 1})
    names = [_wrap(name) for name in order]
    lines = max((n.count("<br>") + 1 for n in names), default=1)
    fig.update_yaxes(tickvals=list(range(len(order))), ticktext=names, automargin=True)
    fig.update_layout(
        title=title,
        height=140 + max(34 + 10 * min(k, 7), 16 * lines + 12) * len(order),
        xaxis_title=axis,
        # above the chart: below it, a legend ran into the axis title on a phone
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return figure_html(fig, div_id)


def _wrap(name: str, width: int = 22) -> str:
    """A long intervention name on lines of at most about ``width`` characters, broken after a
    "-", "+", "," or "_" (the names are slugs: "labour-inspector-indicator-training+...");
    on one line they took most of a phone's width from the chart."""
    pieces = re.findall(r"[^-+,_ ]*(?:[-+,_ ]+|$)", name)
    lines = [""]
    for piece in (p for p in pieces if p):
        if lines[-1] and len(lines[-1]) + len(piece.rstrip()) > width:
            lines.append("")
        lines[-1] += piece
    return "<br>".join(line.strip() for line in lines)


def effects_table(frame: pd.DataFrame, first: str) -> str:
    """The table under a forest plot: each intervention's effect, its 95 % interval, the
    relative change and whether the interval excludes no effect (``first``: the first
    column's heading)."""
    num = ' class="num"'
    head = "".join(
        f"<th{'' if i in (0, 4) else num}>{html.escape(h)}</th>"
        for i, h in enumerate(
            (
                first,
                _("Effect"),
                _("95% interval"),
                _("Relative change"),
                _("Interval excludes no effect"),
            )
        )
    )
    rows = []
    for name, r in frame.iterrows():
        sure = r["low"] > 0 or r["high"] < 0
        rows.append(
            f"<tr><td>{html.escape(str(name))}</td>"
            f'<td class="num">{r["effect"]:+.4g}</td>'
            f'<td class="num">{r["low"]:.4g} – {r["high"]:.4g}</td>'
            f'<td class="num">{100 * r["relative"]:+.1f} %</td>'
            f"<td>{html.escape(_('yes') if sure else _('no'))}</td></tr>"
        )
    return (
        f'<table class="effects-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def equal_protection_html(flagged: dict[str, tuple[list[str], list[str]]]) -> str:
    """The equal-protection check's verdict: each flagged intervention with the groups it helps
    and harms, or that none is flagged."""
    if not flagged:
        return f"<p>{html.escape(_('No intervention helps one group and harms another.'))}</p>"

    def listing(groups: list[str]) -> str:
        return format_list(gettext(GROUP_LABELS.get(g) or g) for g in groups)

    items = "".join(
        f"<li><b>{html.escape(policy)}</b>: "
        + html.escape(
            _("helps %(helped)s and harms %(harmed)s")
            % {"helped": listing(helped), "harmed": listing(harmed)}
        )
        + "</li>"
        for policy, (helped, harmed) in flagged.items()
    )
    return f'<ul class="flags">{items}</ul>'


def series_figure(
    title: str,
    series: pd.DataFrame,
    yaxis: str,
    div_id: str | None = None,
    warmup_years: float = 0.0,
) -> str:
    """A time series with uncertainty bands, as both reports draw it: ``series`` has one row per
    variant (the baseline first) and year (1, 2, ...), with ``mean``, ``low`` and ``high`` (the
    band; the caller says which interval it is, beside the chart). Each variant is a line and
    its band in one colour, the baseline grey; the years of the model's warm-up
    (``warmup_years``) are shaded."""
    fig = go.Figure()
    for k, (variant, f) in enumerate(series.groupby("variant", sort=False)):
        # the baseline grey; the interventions from the second colour on (the first, dark
        # blue, was hard to tell from the grey)
        colour = "#56616d" if k == 0 else _COLOURS[1 + (k - 1) % (len(_COLOURS) - 1)]
        x = [int(y) for y in f["year"]]
        # the band: a light fill, its edges dotted in the variant's colour, so that where
        # bands overlap (their fills mix) each one's extent can still be followed
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        fig.add_scatter(
            x=x + x[::-1],
            y=list(f["high"]) + list(f["low"])[::-1],
            fill="toself",
            fillcolor=f"rgba({red},{green},{blue},0.12)",
            line={"width": 1, "dash": "dot", "color": colour},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=str(variant),
            name=str(variant),
        )
        fig.add_scatter(
            x=x,
            y=f["mean"],
            mode="lines+markers",
            # a long name (a combination) on several lines: on one, a phone cut it
            name=_wrap(str(variant), 30),
            legendgroup=str(variant),
            line={"color": colour, "width": 2},
            marker={"size": 6},
            customdata=np.column_stack([f["low"], f["high"]]),
            hovertemplate="%{y:.4g} [%{customdata[0]:.4g}, %{customdata[1]:.4g}]<extra>"
            + html.escape(str(variant))
            + "</extra>",
        )
    if warmup_years > 0:
        fig.add_vrect(
            x0=0.5,
            x1=warmup_years + 0.5,
            fillcolor="#d9d9d9",
            opacity=0.35,
            line_width=0,
            annotation_text=_("warm-up"),
            annotation_position="top left",
        )
    fig.update_layout(title=title, height=400, xaxis_title=_("year of the simulation"),
                      yaxis_title=yaxis)  # fmt: skip
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")  # counts: a bar from zero, not a magnified wiggle
    return figure_html(fig, div_id)


def _money(value: float) -> str:
    """An amount in whole units."""
    return f"{value:,.0f}"


def _per_cell(row: pd.Series, key: str) -> str:
    """The cost of each extra one (``key``: protected, convicted) with its range, or why there
    is none: the effect's interval includes zero, or lies below it."""
    clear = row.get(f"{key}_clear")
    if clear is None or clear != clear:  # no effect computed for it
        return "–"
    if clear == 0:
        return html.escape(_("no clear effect"))
    if clear < 0:
        return html.escape(_("fewer than the baseline"))
    if row["cost"] < 0:
        return html.escape(_("costs less and achieves more"))
    return (
        f"{_money(row[f'per_{key}'])} "
        f"({_money(row[f'per_{key}_low'])} – {_money(row[f'per_{key}_high'])})"
    )


def costs_table(frame: pd.DataFrame, first: str) -> str:
    """The cost table of both reports (:func:`pharos.sim.costs.cost_effectiveness`): each
    intervention's extra cost a year, its extra victims protected and persons convicted a year
    with their 95 % intervals, and the cost of each extra one with its range, or "no clear
    effect" where the effect's interval includes zero (``first``: the first column's heading)."""
    num = ' class="num"'
    headings = [
        first,
        _("Extra cost a year"),
        _("Extra victims protected a year"),
        _("Cost per extra victim protected"),
        _("Extra convictions a year"),
        _("Cost per extra conviction"),
    ]
    head = "".join(f"<th{num if i else ''}>{html.escape(h)}</th>" for i, h in enumerate(headings))
    rows = []
    for name, r in frame.iterrows():
        cells = [f"<td>{html.escape(str(name))}</td>", f'<td class="num">{_money(r["cost"])}</td>']
        for key in ("protected", "convicted"):
            if key in r and r[key] == r[key]:
                cells.append(
                    f'<td class="num">{r[key]:+.1f} '
                    f"({r[f'{key}_low']:.1f} – {r[f'{key}_high']:.1f})</td>"
                )
            else:
                cells.append('<td class="num">–</td>')
            cells.append(f'<td class="num">{_per_cell(r, key)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="costs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


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


#: the outcomes the simulate report ranks the interventions by: indicator -> (what it
#: measures, which direction is better)
HEADLINE: dict[str, tuple[str, str]] = {
    "share_protected": (N_("share of victims protected"), "higher"),
    "share_identified": (N_("share of victims formally identified"), "higher"),
    "days_to_identification": (N_("days from exploitation to formal identification"), "lower"),
    "prosecuted": (N_("persons prosecuted a year"), "higher"),
    "convicted": (N_("persons convicted a year"), "higher"),
    "days_to_charge": (N_("days from opening a case to charging"), "lower"),
}


def _effects_section(indicators: dict[str, pd.DataFrame]) -> str:
    """Which intervention helps most, by how much, how sure: a forest plot and a table per
    headline outcome, the share protected per vulnerable group with the equal-protection check,
    and per state of exploitation (the experiment report's renderers)."""
    base, *rest = indicators.values()
    others = dict(zip(list(indicators)[1:], rest, strict=True))
    axis = _("difference from the baseline (95% interval)")
    parts = [
        f"<h2>{html.escape(_('Which intervention helps most, by how much, how sure'))}</h2>",
        '<p class="note">'
        + html.escape(
            _(
                "Each intervention is compared with the baseline replication by replication, on "
                "the same random numbers. The effect is the mean difference over the "
                "replications, with its 95% interval (Student's t over the replications: it "
                "covers the simulation's noise, not what is uncertain about the model's inputs, "
                "which pharos experiment explores); the relative change is the effect over the "
                "baseline's mean. Sorted from the most helpful."
            )
        )
        + "</p>",
    ]
    for indicator, (label, better) in HEADLINE.items():
        frame = variant_effects(base, others, ("total", "all", indicator), better)
        if frame.empty or frame["effect"].isna().all():
            continue
        title = _("Effect of each intervention: %(outcome)s") % {"outcome": gettext(label)}
        parts.append(f'<div class="forest" id="forest-{indicator}">')
        parts.append(forest_figure(title, {gettext(label): frame}, axis, f"chart-{indicator}"))
        parts.append(effects_table(frame, _("Intervention")))
        parts.append("</div>")
    groups = {
        g: variant_effects(base, others, ("group", g, "share_protected"))
        for g in GROUP_LABELS
        if ((base["dimension"] == "group") & (base["level"] == g)).any()
    }
    groups = {g: f for g, f in groups.items() if not f["effect"].isna().all()}
    if groups:
        parts.append(f"<h3>{html.escape(_('Per vulnerable group'))}</h3>")
        parts.append('<div class="forest" id="forest-groups">')
        parts.append(
            forest_figure(
                _("Effect on the share protected, per vulnerable group"),
                {gettext(GROUP_LABELS[g]): f for g, f in groups.items()},
                axis,
                "chart-groups",
            )
        )
        parts.append("</div>")
        table = pd.DataFrame({g: f["effect"] for g, f in groups.items()}).reindex(list(others))
        p_values = pd.DataFrame({g: f["p_value"] for g, f in groups.items()}).reindex(list(others))
        level, flagged = unequal_protection(table, p_values)
        parts.append(f"<h3>{html.escape(_('Equal protection'))}</h3>")
        parts.append(
            '<p class="note">'
            + html.escape(
                _(
                    "An intervention is flagged when it raises the share protected of one group "
                    "and lowers another's, each change significant by a two-sided t-test over "
                    "the replications at level %(level)s (5%% divided by the number of tests, "
                    "%(m)d: Bonferroni). With no effect in any group, the chance of any flag is at "
                    "most 5%%; on data with no effect it was %(rate)s."
                )
                % {"level": f"{level:.2g}", "m": table.size, "rate": EQUAL_FALSE_ALARM}
            )
            + "</p>"
        )
        parts.append(f'<div id="equal-protection">{equal_protection_html(flagged)}</div>')
    states = sorted(set(base.loc[base["dimension"] == "state", "level"]))
    by_state = {c: variant_effects(base, others, ("state", c, "share_protected")) for c in states}
    by_state = {c: f for c, f in by_state.items() if not f["effect"].isna().all()}
    if by_state:
        parts.append(f"<h3>{html.escape(_('Per state of exploitation'))}</h3>")
        parts.append('<div class="forest" id="forest-states">')
        parts.append(
            forest_figure(
                _("Effect on the share protected, per state of exploitation"),
                {country_name(c): f for c, f in by_state.items()},
                axis,
                "chart-states",
            )
        )
        parts.append("</div>")
    return "\n".join(parts)


#: the counts a year the simulate report draws over the horizon: annual metric -> its label
SERIES: dict[str, str] = {
    "protected": N_("victims entering protection a year"),
    "identified": N_("victims formally identified a year"),
    "prosecuted": N_("persons prosecuted a year"),
    "convicted": N_("persons convicted a year"),
}


def _series_section(annual: dict[str, pd.DataFrame], horizon_days: int, warmup_days: int) -> str:
    """Each count of :data:`SERIES` over the simulated years, the baseline and each
    intervention, with the 95 % interval of the mean over the replications as a band."""
    years = max(horizon_days // 365, 1)  # whole years: a last partial year would look like a fall
    reps = sorted({int(r) for a in annual.values() for r in a["replication"].unique()})
    parts = [
        f"<h2>{html.escape(_('Over time'))}</h2>",
        '<p class="note">'
        + html.escape(
            _(
                "Each count in each simulated year: the line is the mean over the replications, "
                "the band its 95%% interval (Student's t over the replications: the "
                "simulation's noise, not what is uncertain about the model's inputs). The shaded "
                "years are the model's warm-up, which the other figures leave out."
            )
            % {}  # "95%%" -> "95%"
        )
        + "</p>",
    ]
    for metric, label in SERIES.items():
        frames = [yearly(a, metric, years, reps).assign(variant=name) for name, a in annual.items()]
        series = pd.concat(frames, ignore_index=True)
        if not series["mean"].any():
            continue
        parts.append(f'<div class="series" id="series-{metric}">')
        parts.append(
            series_figure(
                _("Over time: %(outcome)s") % {"outcome": gettext(label)},
                series,
                gettext(label),
                f"chart-series-{metric}",
                warmup_days / 365.0,
            )
        )
        parts.append("</div>")
    return "\n".join(parts)


def _costs_section(
    indicators: dict[str, pd.DataFrame],
    costs: dict[str, float],
    currency: str,
    missing: list[str],
) -> str:
    """Cost per intervention: its cost a year (``costs``, the interventions with a cost given;
    ``missing`` those without), the extra victims protected and persons convicted a year, and the
    cost of each extra one (:func:`pharos.sim.costs.cost_effectiveness`)."""
    base, *rest = indicators.values()
    others = {n: f for n, f in zip(list(indicators)[1:], rest, strict=True) if n in costs}
    per = {
        "protected": variant_effects(base, others, ("total", "all", "protected_per_year")),
        "convicted": variant_effects(base, others, ("total", "all", "convicted")),
    }
    frame = cost_effectiveness({n: costs[n] for n in others}, per)
    parts = [
        f"<h2>{html.escape(_('Cost per intervention'))}</h2>",
        '<p class="note">'
        + html.escape(
            _(
                "Cost a year of each intervention over the baseline (%(currency)s, as given "
                "with the run; a combination costs the sum of its parts), the extra victims "
                "protected and persons convicted a year (95%% interval over the replications) "
                "and what each extra one costs, with the range the interval gives. Where the "
                "interval includes no effect there is no ratio: any figure would mislead."
            )
            % {"currency": currency}
        )
        + "</p>",
    ]
    if not frame.empty:
        parts.append(f'<div id="costs">{costs_table(frame, _("Intervention"))}</div>')
    if missing:
        parts.append(
            '<p class="note">'
            + html.escape(_("No cost given for %(names)s.") % {"names": format_list(missing)})
            + "</p>"
        )
    return "\n".join(parts)


def write_report(
    folder: Path,
    title: str,
    outcomes: pd.DataFrame,
    hists: dict[str, pd.DataFrame],
    summaries: dict[str, pd.DataFrame],
    indicators: dict[str, pd.DataFrame],
    requests: pd.DataFrame | None = None,
    defaults: list[str] | None = None,
    annual: dict[str, pd.DataFrame] | None = None,
    span: tuple[int, int] = (0, 0),
    costs: dict[str, float] | None = None,
    currency: str = "EUR",
) -> Path:
    """Write ``report.html`` and ``plotly.min.js`` into ``folder``; returns the report path.
    ``indicators``: each variant's indicators per replication, the baseline first (the effects
    of the interventions are their paired differences). ``defaults``: the facts the figures
    rest on that the sources do not establish (:mod:`pharos.sim.defaults`), stated at the top:
    every figure of the report is regional and rests on all of them. ``annual``: each
    variant's annual table, drawn over time (``span``: the horizon and the warm-up in days).
    ``costs``: each intervention's cost a year, where given (``currency``): the cost table."""
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
    effects = _effects_section(indicators) if len(indicators) > 1 else ""
    if costs is not None and len(indicators) > 1:
        missing = [n for n in list(indicators)[1:] if n not in costs]
        effects += "\n" + _costs_section(indicators, costs, currency, missing)
    if annual:
        effects += "\n" + _series_section(annual, *span)
    rests_on = (
        '<div class="default-note" role="note"><b>'
        + html.escape(_("Rests on a default:"))
        + "</b><ul>"
        + "".join(f"<li>{html.escape(d)}</li>" for d in defaults)
        + "</ul></div>"
        if defaults
        else ""
    )
    intro = _(
        "Simulated outcomes of the regional model; every figure is a mean over the "
        "replications, with 95% intervals where shown."
    )
    page = f"""<!DOCTYPE html>
<html lang="{current_locale()}" dir="{"rtl" if is_rtl() else "ltr"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<script src="{PLOTLY_FILE}"></script>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
h1 {{ font-size: 1.6rem; }} section.figure {{ margin: 1.5rem 0; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: start; }}
td.num, th.num {{ text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.note {{ color: #56616d; font-size: .9rem; }} .flags li {{ color: #8e1b10; }}
table.effects-table {{ margin: .4rem 0 1.4rem; }}
table.costs th {{ white-space: normal; }} table.costs td:first-child {{ min-width: 9rem; }}
/* the charts and the figures are drawn left to right in every language (in a right-to-left
   page plotly's labels were mirrored off the chart, and "-0.5 %" read "% 0.5-") */
.plotly-graph-div, #js-plotly-tester {{ direction: ltr; }}
td.num {{ direction: ltr; unicode-bidi: isolate; }}
.default-note {{ background: #fdf1f0; border-inline-start: 4px solid #c0392b;
  padding: .3rem .8rem; margin: .4rem 0 1rem; font-size: .9rem; }}
.default-note ul {{ margin: .2rem 0; padding-inline-start: 1.2rem; }}
.figure-title {{ font-weight: 600; margin: 1rem 0 .2rem; overflow-wrap: anywhere; }}
@media (max-width: 600px) {{ body {{ margin: 1rem .6rem; }}
  table {{ display: block; overflow-x: auto; max-width: 100%; }} }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(intro)}</p>
{rests_on}
<section class="effects">{effects}</section>
{body}
</body></html>
"""
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
