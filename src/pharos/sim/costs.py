"""What an intervention costs, and what each extra victim protected or conviction costs.

One home for costs, shared by the two reports that compare interventions with a baseline:

- **The input.** An amount a year, zero or more, in one currency the analyst states (at most
  :data:`CURRENCY_MAX` characters, ``EUR`` by default). An experiment declares it per lever
  option (``costs`` and ``currency`` in its YAML, :mod:`pharos.analysis.spec`), a policy costing
  the sum of its options; ``pharos simulate --costs FILE --currency EUR`` and the web run's
  "Costs" field take a YAML mapping of intervention name to amount (:func:`parse_costs`), a
  combination ``a+b`` costing the sum of its parts. Both check an amount with
  :func:`amount_problem`; a wrong entry is refused with its file, line and field.
- **The figures** (:func:`cost_effectiveness`): each intervention's extra cost a year over the
  baseline, its effect on victims protected and persons convicted a year (mean paired difference
  with its 95 % interval, :func:`pharos.sim.summary.paired_effects`) and the cost of each extra
  one, ``cost / effect``, with the range ``cost / high`` to ``cost / low``. A ratio is given only
  where the effect's interval lies above zero: where it includes zero the effect may be none and
  any finite cost per extra victim would mislead (the report says "no clear effect"); where it
  lies below zero the intervention protects fewer, not more.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import yaml

from pharos.i18n import _

#: the longest currency name accepted (ISO 4217 codes are three letters; "EUR 2024" fits)
CURRENCY_MAX = 8
#: the indicators whose extra units an intervention's cost is divided by, and their key
PER = ("protected", "convicted")


class CostsError(ValueError):
    """Costs that cannot be used; ``details`` says what and where (file, line, field)."""

    def __init__(self, details: list[str]) -> None:
        self.details = details
        super().__init__("\n".join(details))


def amount_problem(value: Any) -> str | None:
    """Why ``value`` is not a cost a year (a finite number, zero or more), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _("must be a number, not %(value)s") % {"value": str(value)[:40]}
    if not math.isfinite(float(value)) or value < 0:
        return _("must be zero or more, not %(value)s") % {"value": str(value)[:40]}
    return None


def currency_problem(value: str) -> str | None:
    """Why ``value`` is not a currency name, or None."""
    text = value.strip()
    if not text or len(text) > CURRENCY_MAX or not text.isprintable():
        # CURRENCY_MAX is 8: the message says so in words every language can keep
        return _("the currency must be a short name such as EUR, not %(value)s") % {
            "value": repr(value[:40])
        }
    return None


def parse_costs(text: str, origin: str, names: list[str]) -> dict[str, float]:
    """A YAML mapping of intervention name to its cost a year (``names``: the interventions of
    the run, each a single overlay's name) as name -> amount; raises :class:`CostsError` with
    ``origin:line: field costs.NAME: what is wrong`` for each problem. Empty text: no costs."""
    if not text.strip():
        return {}
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise CostsError(
            [
                _("%(where)s: not YAML: %(problem)s")
                % {"where": origin + line, "problem": getattr(exc, "problem", None) or exc}
            ]
        ) from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        first = node.start_mark.line + 1 if node is not None else 1
        raise CostsError(
            [
                _("%(where)s: the costs must be a mapping, one line per intervention: name: amount")
                % {"where": f"{origin}:{first}"}
            ]
        )
    errors: list[str] = []
    out: dict[str, float] = {}
    for key, _value in node.value:
        name = str(key.value).strip()
        where = f"{origin}:{key.start_mark.line + 1}"
        field = f"costs.{name}"
        if name not in names:
            errors.append(
                _("%(where)s: field %(field)s: %(message)s")
                % {
                    "where": where,
                    "field": field,
                    "message": _("not an intervention of this run (%(known)s)")
                    % {"known": ", ".join(names) or "–"},
                }
            )
            continue
        amount: Any = data.get(key.value)
        problem = amount_problem(amount)
        if problem:
            errors.append(
                _("%(where)s: field %(field)s: %(message)s")
                % {"where": where, "field": field, "message": problem}
            )
            continue
        out[name] = float(amount)
    if errors:
        raise CostsError(errors)
    return out


def intervention_cost(costs: dict[str, float], parts: list[str]) -> float | None:
    """The cost a year of an intervention made of ``parts`` (a combination costs the sum of its
    parts); None when a part has no cost given."""
    if not parts or any(p not in costs for p in parts):
        return None
    return float(sum(costs[p] for p in parts))


def cost_effectiveness(extra: dict[str, float], effects: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per intervention of ``extra`` (name -> extra cost a year over the baseline):
    ``cost``; for each key of ``effects`` (``protected``, ``convicted`` -> a
    :func:`pharos.sim.summary.paired_effects` frame of that outcome a year) the effect and its
    interval (``protected``, ``protected_low``, ``protected_high``), ``protected_clear``
    (1: the interval lies above zero, 0: it includes zero, -1: below zero) and, only where it is
    clear and above zero, the cost of each extra one ``per_protected`` with the range
    ``per_protected_low`` - ``per_protected_high`` (NaN elsewhere). Sorted by the cost per extra
    victim protected, the ones without a ratio last."""
    rows: dict[str, dict[str, float]] = {}
    for name, cost in extra.items():
        row = rows.setdefault(name, {"cost": float(cost)})
        for key, frame in effects.items():
            if name not in frame.index:
                continue
            e: Any = frame.loc[name]
            effect, low, high = float(e["effect"]), float(e["low"]), float(e["high"])
            clear = 1 if low > 0 else (-1 if high < 0 else 0)
            row[key] = effect
            row[f"{key}_low"] = low
            row[f"{key}_high"] = high
            row[f"{key}_clear"] = clear
            ratio = clear == 1 and cost >= 0
            row[f"per_{key}"] = cost / effect if ratio else math.nan
            row[f"per_{key}_low"] = cost / high if ratio else math.nan
            row[f"per_{key}_high"] = cost / low if ratio else math.nan
    frame = pd.DataFrame([{"intervention": k, **v} for k, v in rows.items()])
    if frame.empty:
        return frame
    frame = frame.set_index("intervention")
    if "per_protected" in frame.columns:
        frame = frame.sort_values("per_protected", na_position="last", kind="stable")
    return frame
