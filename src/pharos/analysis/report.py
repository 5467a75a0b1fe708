"""The experiment report: sensitivity bar charts, PRIM boxes and a robustness table, in one HTML
file that opens offline (plotly.js is embedded from the installed plotly package, no CDN).

:func:`analyse` computes the analyses an experiment's declaration asks for; :func:`write_report`
renders them and also writes the tables as CSV next to the report.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from pharos import __version__
from pharos.analysis.designs import DUMMY, design_warnings
from pharos.analysis.discovery import PrimBox, discover
from pharos.analysis.effects import (
    EqualProtection,
    cost_effectiveness,
    effects,
    equal_protection,
)
from pharos.analysis.model import build_model
from pharos.analysis.options import Design
from pharos.analysis.robustness import regret_table
from pharos.analysis.runner import ExperimentResult, model_ref
from pharos.analysis.sensitivity import (
    SensitivityError,
    morris_indices,
    noise_floor,
    sobol_indices,
)
from pharos.domain.geography import country_name
from pharos.i18n import _, current_locale, format_list, gettext, is_rtl, ngettext
from pharos.sim.defaults import assumption_text
from pharos.sim.report import (
    GROUP_LABELS,
    costs_table,
    effects_table,
    equal_protection_html,
    figure_html,
)
from pharos.sim.report import forest_figure as sim_forest_figure
from pharos.sim.report import series_figure as sim_series_figure
from pharos.sim.summary import EQUAL_FALSE_ALARM


@dataclass
class Analysis:
    """Everything the report shows about one experiment."""

    sensitivity: dict[str, pd.DataFrame] = field(default_factory=dict)  # outcome -> indices
    skipped: dict[str, str] = field(default_factory=dict)  # outcome -> why no indices
    box: PrimBox | None = None
    regret: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None  # outcomes per policy (median over scenarios)
    warnings: list[str] = field(default_factory=list)  # designs or results too small to trust
    #: outcome -> the defaults (facts the sources do not establish) its figures rest on
    defaults: dict[str, list[str]] = field(default_factory=dict)
    #: outcome -> each policy's effect against the baseline policy (pharos.analysis.effects)
    effects: dict[str, pd.DataFrame] = field(default_factory=dict)
    by_group: dict[str, pd.DataFrame] = field(default_factory=dict)  # group -> effects
    by_state: dict[str, pd.DataFrame] = field(default_factory=dict)  # state -> effects
    equal: EqualProtection | None = None
    costs: pd.DataFrame | None = None  # cost per extra victim protected / conviction
    #: victims entering protection each year: policy x year -> mean, p10, p90 over scenarios
    series: pd.DataFrame | None = None


def outcome_defaults(result: ExperimentResult) -> dict[str, list[str]]:
    """For each outcome, the defaults of the model its figures rest on."""
    model = build_model(model_ref(result.spec))
    found = model.assumptions()
    out = {}
    for outcome in result.outcomes:
        states = model.outcome_states(outcome)
        texts = [assumption_text(a) for a in found if states is None or a.state in states]
        if texts:
            out[outcome] = texts
    return out


def analyse(result: ExperimentResult) -> Analysis:
    """Sensitivity of every outcome (Sobol or Morris, first policy), PRIM and regret as declared."""
    out = Analysis()
    spec = result.spec
    for outcome in result.outcomes:
        try:
            if spec.design is Design.SOBOL:
                out.sensitivity[outcome] = sobol_indices(result, outcome)
            elif spec.design is Design.MORRIS:
                out.sensitivity[outcome] = morris_indices(result, outcome)
        except SensitivityError as exc:
            out.skipped[outcome] = str(exc)
    out.warnings.extend(design_warnings(spec))
    out.defaults = outcome_defaults(result)
    for outcome, indices in out.sensitivity.items():
        if DUMMY in indices.index and not indices["above_noise"].any():
            out.warnings.append(
                _(
                    "%(outcome)s: no uncertainty's index is clear of the noise floor "
                    "(%(floor).3g); a larger design or more replications are needed"
                )
                % {"outcome": outcome, "floor": noise_floor(indices)}
            )
    if spec.discovery is not None:
        d = spec.discovery
        out.box = discover(result, d.outcome, d.threshold, d.bad_when, d.policy)
        if out.box is not None:
            out.warnings.extend(out.box.warnings())
    if spec.robustness is not None and len(result.design.policies) > 1:
        out.regret = regret_table(result, spec.robustness.outcome, spec.robustness.better)
    if len(result.design.policies) > 1:
        _effects(result, out)
    out.summary = (
        result.runs.groupby("policy", observed=True)[list(result.outcomes)]
        .median()
        .reindex([p.name for p in result.design.policies])
    )
    return out


def _effects(result: ExperimentResult, out: Analysis) -> None:
    """Effects of every policy against the baseline policy, per group and per state, and the
    equal-protection check, for the outcomes the model reports."""
    from pharos.analysis.pharos_model import GROUP_OUTCOMES, STATE_OUTCOMES

    spec = result.spec
    columns = set(result.runs.columns)
    main = spec.robustness.outcome if spec.robustness else result.outcomes[0]
    better = spec.robustness.better if spec.robustness else "higher"
    out.effects[main] = effects(result, main, better)
    if "share_protected" in columns and main != "share_protected":
        out.effects["share_protected"] = effects(result, "share_protected", "higher")
    groups = {o: g for o, g in GROUP_OUTCOMES.items() if o in columns}
    for outcome, group in groups.items():
        out.by_group[group] = effects(result, outcome, "higher")
    for outcome, state in STATE_OUTCOMES.items():
        if outcome in columns and result.runs[outcome].notna().all():
            out.by_state[state] = effects(result, outcome, "higher")
    if groups:
        out.equal = equal_protection(result, groups)
    if spec.costs:
        out.costs = cost_effectiveness(result)
    years = sorted(c for c in columns if c.startswith("protected_year_"))
    base = getattr(build_model(model_ref(spec)), "base", None)
    if base is not None and base.horizon_days % 365:
        # whole years only: the last, partial year (10 days of a 2,200-day horizon) drew a
        # fall to almost nothing at the end of every series
        years = years[: base.horizon_days // 365]
    if years:
        best = list(out.effects[main].index[:3])
        shown = [result.design.policies[0].name, *best]
        rows = []
        for policy in shown:
            frame = result.runs.loc[result.runs["policy"] == policy, years]
            for k, col in enumerate(years):
                v = frame[col].to_numpy(dtype=float)
                rows.append(
                    {
                        "policy": policy,
                        "year": k + 1,
                        "mean": float(np.mean(v)),
                        "p10": float(np.percentile(v, 10)),
                        "p90": float(np.percentile(v, 90)),
                    }
                )
        out.series = pd.DataFrame(rows)


def series_figure(series: pd.DataFrame) -> Markup:
    """Victims entering protection each year, per policy: the mean over the scenarios and a band
    from their 10th to their 90th percentile (the spread of the futures sampled), drawn by the
    simulate report's renderer (:func:`pharos.sim.report.series_figure`)."""
    frame = series.rename(columns={"policy": "variant", "p10": "low", "p90": "high"})
    return Markup(
        sim_series_figure(
            _("Victims entering protection each year"),
            frame,
            _("victims a year"),
            "chart-series-protected",
        )
    )


def forest_figure(title: str, frames: dict[str, pd.DataFrame], axis: str) -> Markup:
    """The forest plot of :func:`pharos.sim.report.forest_figure` (the simulate report's)."""
    return Markup(sim_forest_figure(title, frames, axis))


def _figure_html(fig: go.Figure) -> Markup:
    """The figure's HTML as every report draws it (:func:`pharos.sim.report.figure_html`)."""
    return Markup(figure_html(fig))


def sensitivity_figure(outcome: str, indices: pd.DataFrame) -> Markup:
    """Horizontal bars: first-order and total Sobol indices (or Morris mu*) with 95 % intervals."""
    frame = indices.iloc[::-1]
    fig = go.Figure()
    if "ST" in frame:
        fig.add_bar(
            y=frame.index,
            x=frame["S1"],
            error_x={"array": frame["S1_conf"]},
            orientation="h",
            name=_("first order (S1)"),
        )
        fig.add_bar(
            y=frame.index,
            x=frame["ST"],
            error_x={"array": frame["ST_conf"]},
            orientation="h",
            name=_("total (ST)"),
        )
        title = _("Sobol indices of %(outcome)s") % {"outcome": outcome}
        xaxis = _("share of variance")
    else:
        fig.add_bar(
            y=frame.index,
            x=frame["mu_star"],
            error_x={"array": frame["mu_star_conf"]},
            orientation="h",
            name="mu*",
        )
        title = _("Morris mu* of %(outcome)s") % {"outcome": outcome}
        xaxis = _("mean absolute elementary effect")
    if DUMMY in frame.index:
        floor = noise_floor(indices)
        fig.add_vline(
            x=floor,
            line={"color": "#c0392b", "dash": "dash", "width": 2},
            annotation_text=_("noise floor %(value).3g") % {"value": floor},
            annotation_position="top",
        )
    fig.update_layout(
        title=title,
        barmode="group",
        height=120 + 28 * len(frame),
        xaxis_title=xaxis,
        legend={"orientation": "h", "y": -0.15},
    )
    return _figure_html(fig)


def box_figure(box: PrimBox) -> Markup:
    """Each restricted uncertainty: the box's range as a share of its sampled range (so that
    uncertainties in different units share one axis), with the values written on the bar."""
    fig = go.Figure()
    names = [r.uncertainty for r in box.restrictions]
    span = [max(r.full_high - r.full_low, 1e-300) for r in box.restrictions]
    lo = [(r.low - r.full_low) / w for r, w in zip(box.restrictions, span, strict=True)]
    hi = [(r.high - r.full_low) / w for r, w in zip(box.restrictions, span, strict=True)]
    fig.add_bar(
        y=names,
        x=[1.0] * len(names),
        base=[0.0] * len(names),
        orientation="h",
        marker_color="#d9d9d9",
        name=_("sampled range"),
    )
    fig.add_bar(
        y=names,
        x=[h - lw for lw, h in zip(lo, hi, strict=True)],
        base=lo,
        orientation="h",
        marker_color="#c0392b",
        name=_("box"),
        width=0.5,
        text=[f"{r.low:.4g} – {r.high:.4g}" for r in box.restrictions],
        textposition="inside",
        insidetextanchor="middle",
    )
    fig.update_layout(
        title=_("Conditions under which the outcome is bad (PRIM box)"),
        barmode="overlay",
        height=140 + 40 * len(names),
        xaxis={"range": [0, 1], "tickformat": ".0%", "title": _("share of the sampled range")},
        legend={"orientation": "h", "y": -0.35},
    )
    return _figure_html(fig)


def trajectory_figure(box: PrimBox) -> Markup:
    """PRIM's peeling trajectory: coverage against density, the chosen box marked."""
    t = box.trajectory
    fig = go.Figure()
    fig.add_scatter(
        x=t["coverage"],
        y=t["density"],
        mode="markers+lines",
        marker={
            "color": t["res_dim"],
            "colorscale": "Viridis",
            "showscale": True,
            "colorbar": {"title": {"text": _("restricted")}},
        },
        name=_("peeling trajectory"),
    )
    fig.add_scatter(
        x=[box.coverage],
        y=[box.density],
        mode="markers",
        marker={"size": 16, "symbol": "circle-open", "color": "#c0392b"},
        name=_("chosen box"),
    )
    fig.update_layout(
        title=_("Coverage against density"),
        xaxis_title=_("coverage"),
        yaxis_title=_("density"),
        height=400,
        legend={"orientation": "h", "y": -0.2},
    )
    return _figure_html(fig)


def render_report(result: ExperimentResult, analysis: Analysis) -> str:
    """The report as one self-contained HTML page, in the current language."""
    import plotly.offline

    env = Environment(
        loader=PackageLoader("pharos.analysis", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]  # added by the i18n extension
    env.globals["_"] = gettext
    spec = result.spec
    template = env.get_template("report.html")
    context: dict[str, Any] = {
        "lang": current_locale(),
        "rtl": is_rtl(current_locale()),
        "plotly_js": Markup(plotly.offline.get_plotlyjs()),
        "spec": spec,
        "result": result,
        "analysis": analysis,
        "n_runs": len(result.runs),
        "n_scenarios": len(result.design.scenarios),
        "policies": result.design.policies,
        "sensitivity_figures": {
            k: sensitivity_figure(k, v) for k, v in analysis.sensitivity.items()
        },
        "noise": {
            k: (noise_floor(v), format_list(str(n) for n in v.index[v["above_noise"]]))
            for k, v in analysis.sensitivity.items()
            if DUMMY in v.index
        },
        "forest": {
            k: forest_figure(
                _("Effect of each intervention on %(outcome)s") % {"outcome": k},
                {k: v},
                _("difference from the baseline policy (95% interval)"),
            )
            for k, v in analysis.effects.items()
            if not v.empty
        },
        "forest_groups": forest_figure(
            _("Effect on the share protected, per vulnerable group"),
            {gettext(GROUP_LABELS[g]): v for g, v in analysis.by_group.items()},
            _("difference from the baseline policy (95% interval)"),
        )
        if analysis.by_group
        else None,
        "forest_states": forest_figure(
            _("Effect on the share protected, per state of exploitation"),
            {country_name(c): v for c, v in analysis.by_state.items()},
            _("difference from the baseline policy (95% interval)"),
        )
        if analysis.by_state
        else None,
        "summary_defaults": list(
            dict.fromkeys(
                d
                for c in (analysis.summary.columns if analysis.summary is not None else [])
                for d in analysis.defaults.get(str(c), [])
            )
        ),
        "costs_table": lambda frame: Markup(costs_table(frame, _("Policy"))),
        "series_figure": series_figure(analysis.series)
        if analysis.series is not None and not analysis.series.empty
        else None,
        "effects_table": lambda frame, first: Markup(effects_table(frame, first)),
        "equal_protection_html": lambda flagged: Markup(equal_protection_html(flagged)),
        "equal_false_alarm": EQUAL_FALSE_ALARM,
        "box_figure": box_figure(analysis.box)
        if analysis.box and analysis.box.restrictions
        else None,
        "trajectory_figure": trajectory_figure(analysis.box) if analysis.box else None,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "esc": html.escape,
    }
    return template.render(**context)


def write_report(result: ExperimentResult, folder: Path, analysis: Analysis | None = None) -> Path:
    """Write ``report.html`` and the analysis tables (CSV) into ``folder``; returns the report."""
    analysis = analysis or analyse(result)
    folder.mkdir(parents=True, exist_ok=True)

    def atomic(path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    for outcome, frame in analysis.sensitivity.items():
        atomic(folder / f"sensitivity-{outcome}.csv", frame.to_csv())
    if analysis.regret is not None:
        atomic(folder / "regret.csv", analysis.regret.to_csv())
    if analysis.box is not None:
        rows = pd.DataFrame([r.__dict__ for r in analysis.box.restrictions])
        atomic(folder / "prim-box.csv", rows.to_csv(index=False))
    path = folder / "report.html"
    atomic(path, render_report(result, analysis))
    return path
