"""What changed between two scenarios, and what it did: the reviewer's question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.engine.metrics import metric
from desktop_app.core.engine.project import Projector
from desktop_app.core.engine.scenario import merged_uncertainties
from desktop_app.core.engine.sensitivity import output_value
from desktop_app.core.model import Correlation, Model, Override, Scenario, Uncertainty


@dataclass(frozen=True, slots=True)
class Change:
    status: str  # "added", "removed", "changed"
    item: str  # "override", "uncertainty", "correlation", "description", "parent"
    key: str
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        sign = {"added": "+", "removed": "-", "changed": "~"}[self.status]
        what = f"{self.item} {self.key}".strip()
        if self.status == "changed":
            return f"{sign} {what}: {self.before} → {self.after}"
        return f"{sign} {what}: {self.after or self.before}"


@dataclass(frozen=True, slots=True)
class OutputDelta:
    label: str
    unit: str
    a: float
    b: float

    @property
    def delta(self) -> float:
        return self.b - self.a


def _override_key(o: Override) -> str:
    years = "" if o.year_from is None and o.year_to is None else \
        f" [{o.year_from or '…'}–{o.year_to or '…'}]"
    return f"{o.selector} {o.field} {o.operation}{years}"


def _override_value(o: Override) -> str:
    return f"{o.value:g}" + (f" ({o.note})" if o.note else "")


def _uncertainty_value(u: Uncertainty) -> str:
    scope = "per entity" if u.per_entity else "shared"
    return f"{u.selector} {u.field} {u.operation} {u.distribution} {scope}"


def _keyed(items: list, key: Callable[[Any], str], value: Callable[[Any], str]
           ) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        k = key(item)
        suffix, n = k, 2
        while suffix in out:  # the same target edited twice: keep both, in order
            suffix, n = f"{k} #{n}", n + 1
        out[suffix] = value(item)
    return out


def _compare(item: str, a: dict[str, str], b: dict[str, str]) -> list[Change]:
    changes = [Change("removed", item, k, before=v) for k, v in a.items() if k not in b]
    changes += [Change("added", item, k, after=v) for k, v in b.items() if k not in a]
    changes += [Change("changed", item, k, a[k], b[k]) for k in a if k in b and a[k] != b[k]]
    return changes


def flatten(model: Model, scenario: Scenario) -> Scenario:
    """The scenario with its inherited overrides and uncertainties spelled out."""
    chain: list[Scenario] = []
    current: Scenario | None = scenario
    while current is not None and current not in chain and len(chain) < 100:
        chain.append(current)
        current = model.scenario(current.parent) if current.parent else None
    chain.reverse()
    uncertainties, correlations = merged_uncertainties(chain)
    overrides = [o for s in chain for o in s.overrides]
    return Scenario(scenario.name, scenario.description, None, overrides, uncertainties,
                    correlations)


def diff_scenarios(a: Scenario, b: Scenario, model: Model | None = None) -> list[Change]:
    """Overrides, uncertainties and correlations that differ from ``a`` to ``b``.

    With ``model``, inherited items count (a child that keeps its parent's uncertainties does
    not "remove" them); the parent link itself is reported when it differs.
    """
    changes = []
    if a.parent != b.parent:
        changes.append(Change("changed", "parent", "", str(a.parent), str(b.parent)))
    if a.description != b.description:
        changes.append(Change("changed", "description", "", a.description, b.description))
    if model is not None:
        a, b = flatten(model, a), flatten(model, b)
    changes += _compare("override", _keyed(a.overrides, _override_key, _override_value),
                        _keyed(b.overrides, _override_key, _override_value))
    changes += _compare("uncertainty", _keyed(a.uncertainties, lambda u: u.name,
                                              _uncertainty_value),
                        _keyed(b.uncertainties, lambda u: u.name, _uncertainty_value))
    changes += _compare("correlation",
                        _keyed(a.correlations, _pair_key, lambda c: f"{c.rank_correlation:g}"),
                        _keyed(b.correlations, _pair_key, lambda c: f"{c.rank_correlation:g}"))
    return changes


def _pair_key(c: Correlation) -> str:
    """A correlation's pair in either order (A~B and B~A are one), as the engine merges them."""
    return "~".join(sorted((c.first, c.second)))


# (metric, over one year or all years up to it, the label when it is not the metric's own);
# units and scales are the metric's report units (``engine.metrics``).
KEY_OUTPUTS = (("total_spend_usd", "year", "Total spend"),
               ("total_spend_usd", "all", "Cumulative spend"),
               ("online_mw", "year", None),
               ("energy_twh", "year", None),
               ("emissions_mt", "year", None))


def output_deltas(model: Model, a: str, b: str, year: int | None = None,
                  projector: Projector | None = None) -> list[OutputDelta]:
    """Key outputs of both scenarios in ``year`` (default: the horizon) and over all years."""
    projector = projector or Projector(model)
    pa, pb = projector.project(a), projector.project(b)
    year = year or model.settings.horizon_year
    first = int(pa.period_years[0])
    out = []
    for name, span, label in KEY_OUTPUTS:
        m = metric(name)
        label = label or m.label
        years = (year, year) if span == "year" else (first, year)
        title = f"{label} {year}" if span == "year" else f"{label} {first}–{year}"
        values = [float(output_value(p.series(name), p.period_years, name, years))
                  / m.report_factor for p in (pa, pb)]
        out.append(OutputDelta(title, m.report_unit, *values))
    return out
