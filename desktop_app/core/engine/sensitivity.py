"""Which assumptions matter: a tornado (one input at a time at P10/P90) and rank correlations
of the sampled inputs against an output from a Monte Carlo run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop_app.core import distributions
from desktop_app.core.engine.correlation import rank_correlation
from desktop_app.core.engine.project import Projector, projection_of
from desktop_app.core.engine.result import MonteCarloResult, Projection, metric
from desktop_app.core.engine.scenario import apply_values, merged_uncertainties, scenario_chain
from desktop_app.core.model import Model, Override, Uncertainty


@dataclass(frozen=True, slots=True)
class TornadoBar:
    name: str
    low_input: float  # the input's P10 (or the chosen low quantile)
    high_input: float
    low_output: float  # the output with this input at its low quantile, the rest at median
    high_output: float

    @property
    def swing(self) -> float:
        return abs(self.high_output - self.low_output)


@dataclass(frozen=True, slots=True)
class Tornado:
    metric: str
    years: tuple[int, int]
    region: str | None
    base_output: float  # every uncertainty at its median
    bars: list[TornadoBar]  # largest swing first


def output_value(values_by_period: np.ndarray, period_years: np.ndarray, metric_name: str,
                 years: tuple[int, int]) -> np.ndarray:
    """A flow summed over ``years``; a stock at the last period of ``years``.

    Works on (period,) or (sample, period) arrays (periods on the last axis).
    """
    keep = (period_years >= years[0]) & (period_years <= years[1])
    if not keep.any():
        raise ValueError(f"years {years[0]}–{years[1]} are outside the projection")
    if metric(metric_name).kind == "flow":
        return values_by_period[..., keep].sum(axis=-1)
    return values_by_period[..., np.flatnonzero(keep)[-1]]


def _value(projection: Projection, metric_name: str, years: tuple[int, int],
           region: str | None) -> float:
    series = projection.series(metric_name, region)
    return float(output_value(series, projection.period_years, metric_name, years))


def _at_quantiles(projector: Projector, scenario: str, uncertainties: list[Uncertainty],
                  quantiles: dict[str, float], extra: list[Override] | None) -> Projection:
    arrays = projector.arrays(scenario, extra)
    for u in uncertainties:
        value = distributions.quantile(u.distribution, quantiles[u.name])
        apply_values(arrays, u.selector, u.field, u.operation, value)
    return projection_of(arrays, scenario)


def tornado(model: Model, scenario: str, metric_name: str, years: tuple[int, int] | int,
            region: str | None = None, *, low: float = 0.1, high: float = 0.9,
            projector: Projector | None = None,
            extra: list[Override] | None = None) -> Tornado:
    """Each uncertainty at its ``low``/``high`` quantile with every other one at its median."""
    years = (years, years) if isinstance(years, int) else years
    projector = projector or Projector(model)
    uncertainties, _ = merged_uncertainties(scenario_chain(model, scenario))
    median = {u.name: 0.5 for u in uncertainties}
    base = _value(_at_quantiles(projector, scenario, uncertainties, median, extra),
                  metric_name, years, region)
    bars = []
    for u in uncertainties:
        outputs = []
        for q in (low, high):
            projection = _at_quantiles(projector, scenario, uncertainties, {**median, u.name: q},
                                       extra)
            outputs.append(_value(projection, metric_name, years, region))
        bars.append(TornadoBar(u.name, distributions.quantile(u.distribution, low),
                               distributions.quantile(u.distribution, high), *outputs))
    bars.sort(key=lambda b: b.swing, reverse=True)
    return Tornado(metric_name, years, region, base, bars)


def rank_correlations(result: MonteCarloResult, metric_name: str,
                      years: tuple[int, int] | int,
                      region: str | None = None) -> list[tuple[str, float]]:
    """Spearman's rho of each sampled input against the output, strongest first.

    Inputs drawn per entity are summarised by their mean over the selected rows.
    """
    years = (years, years) if isinstance(years, int) else years
    output = output_value(result.sample_series(metric_name, region), result.period_years,
                          metric_name, years)
    pairs = [(name, rank_correlation(values.astype(np.float64), output))
             for name, values in result.inputs.items()]
    return sorted(pairs, key=lambda p: abs(p[1]), reverse=True)
