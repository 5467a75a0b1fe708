"""The chart of the estimate across models, as a Plotly figure specification (plain JSON)."""

from __future__ import annotations

import math
from typing import Any

from pharos.estimate.report import HiddenFigure
from pharos.i18n import _

#: Models drawn besides the reasonable ones (best criterion first).
MAX_MODELS = 40


def models_chart(result: HiddenFigure) -> dict[str, Any] | None:
    """Estimated total of each model against its distance from the best criterion.

    None when the estimate is withheld under the small-cell rule (the totals would disclose the
    number seen). The chosen model's interval is drawn as an error bar, the band of reasonable
    models (within delta) shaded.
    """
    if not result.disclosed:
        return None
    crit = result.selection.criterion.value
    best = result.best.criterion(crit)
    fits = result.selection.fits[:MAX_MODELS]
    reasonable = [f for f in fits if f in result.selection.reasonable and f is not result.best]
    others = [f for f in fits if f not in result.selection.reasonable and f is not result.best]

    def trace(items: list[Any], name: str, color: str, size: int) -> dict[str, Any]:
        return {
            "type": "scatter",
            "mode": "markers",
            "name": name,
            "x": [round(f.criterion(crit) - best, 3) for f in items],
            "y": [round(f.total) for f in items],
            "text": [result.label(f) for f in items],
            "hovertemplate": "%{text}<br>Δ=%{x}<br>%{y:,}<extra></extra>",
            "marker": {"color": color, "size": size},
        }

    low, high = result.total_interval
    chosen = trace([result.best], _("Chosen model"), "#b3261e", 13)
    chosen["error_y"] = {
        "type": "data",
        "symmetric": False,
        "array": [round(high - result.total) if math.isfinite(high) else 0],
        "arrayminus": [round(result.total - low)],
        "color": "#b3261e",
    }
    threshold = crit == "threshold"
    criterion_name = "AIC" if threshold else crit.upper()
    band = 0 if threshold else result.selection.delta
    return {
        "data": [
            trace(others, _("Other models"), "#9aa5b1", 8),
            trace(reasonable, _("Reasonable alternatives"), "#1f6fb2", 10),
            chosen,
        ],
        "layout": {
            "xaxis": {
                "title": {
                    "text": _("AIC minus the chosen model's AIC")
                    if threshold
                    else _("Distance from the best model (%(criterion)s)")
                    % {"criterion": criterion_name}
                },
                "zeroline": False,
            },
            "yaxis": {"title": {"text": _("Estimated total")}, "rangemode": "tozero"},
            "shapes": [
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": 0,
                    "x1": band,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "#1f6fb2",
                    "opacity": 0.07,
                    "line": {"width": 0},
                },
                {
                    "type": "line",
                    "xref": "paper",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": result.observed,
                    "y1": result.observed,
                    "line": {"color": "#444", "dash": "dot", "width": 1},
                },
            ],
            "annotations": [
                {
                    "xref": "paper",
                    "yref": "y",
                    "x": 1,
                    "y": result.observed,
                    "xanchor": "right",
                    "yanchor": "bottom",
                    "text": _("people seen"),
                    "showarrow": False,
                }
            ],
            "margin": {"t": 20, "r": 20, "b": 60, "l": 70},
            "legend": {"orientation": "h", "y": -0.2},
            "height": 420,
        },
    }
