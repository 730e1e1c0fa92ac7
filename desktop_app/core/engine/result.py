"""Projection results: arrays with labelled axes and units, deterministic or sampled.

Axes are (metric, period, region) for a deterministic projection and (sample, metric, period,
region) for Monte Carlo; ``series``/``percentile`` give region totals when no region is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    label: str
    unit: str
    kind: Literal["flow", "stock"]  # flows add up over periods; stocks are levels


METRICS: tuple[Metric, ...] = (
    Metric("planned_mw", "Planned capacity", "MW", "stock"),
    Metric("online_mw", "Online capacity", "MW", "stock"),
    Metric("accelerators_demanded", "Accelerators demanded", "units", "flow"),
    Metric("accelerators_delivered", "Accelerators delivered", "units", "flow"),
    Metric("accelerators_installed", "Accelerators installed", "units", "stock"),
    Metric("installed_pflops", "Installed compute", "PFLOP/s", "stock"),
    Metric("backlog", "Backlog", "units", "stock"),
    Metric("facility_capex_usd", "Facility capex", "USD", "flow"),
    Metric("it_capex_usd", "IT capex", "USD", "flow"),
    Metric("energy_opex_usd", "Energy opex", "USD", "flow"),
    Metric("total_spend_usd", "Total compute spend", "USD", "flow"),
    Metric("energy_twh", "Energy", "TWh", "flow"),
    Metric("emissions_mt", "Emissions", "Mt CO2", "flow"),
)
METRIC_INDEX = {m.name: i for i, m in enumerate(METRICS)}
NO_BOTTLENECK = -1


def metric(name: str) -> Metric:
    try:
        return METRICS[METRIC_INDEX[name]]
    except KeyError:
        known = ", ".join(METRIC_INDEX)
        raise KeyError(f"unknown metric {name!r} (one of {known})") from None


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What makes a number reproducible: engine version, inputs hash, seed and sample count."""

    engine_version: str
    input_hash: str
    scenario: str
    seed: int | None = None
    samples: int = 1
    chunk_samples: int = 0


@dataclass(slots=True)
class Projection:
    """A deterministic projection of one scenario."""

    info: RunInfo
    period_labels: list[str]
    period_years: np.ndarray
    period_length_years: float
    regions: list[str]
    kinds: tuple[str, ...]
    values: np.ndarray  # (metric, period, region)
    bottleneck: np.ndarray  # (period,) kind index or NO_BOTTLENECK
    supply_units: np.ndarray  # (period,) deliverable accelerators (inf: unconstrained)
    requested_units: np.ndarray  # (period,) accelerators requested (new, backlog, refresh)
    discount_rate: float = 0.0

    def series(self, name: str, region: str | None = None) -> np.ndarray:
        values = self.values[METRIC_INDEX[name]]
        return values.sum(axis=-1) if region is None else values[:, self.regions.index(region)]

    def cumulative(self, name: str, region: str | None = None) -> np.ndarray:
        return np.cumsum(self.series(name, region))

    def npv(self, name: str, region: str | None = None) -> float:
        """Net present value at the document's discount rate, to the base year."""
        return float(np.sum(self.series(name, region) * self.discount_factors()))

    def discount_factors(self) -> np.ndarray:
        elapsed = np.arange(len(self.period_labels)) * self.period_length_years
        return (1.0 + self.discount_rate) ** -elapsed

    def bottleneck_names(self) -> list[str]:
        return [self.kinds[k] if k >= 0 else "none" for k in self.bottleneck]


@dataclass(slots=True)
class MonteCarloResult:
    """Samples of every metric, with what is needed to reproduce and to explain them."""

    info: RunInfo
    period_labels: list[str]
    period_years: np.ndarray
    period_length_years: float
    regions: list[str]
    kinds: tuple[str, ...]
    samples: np.ndarray  # (sample, metric, period, region), float32
    bottleneck: np.ndarray  # (sample, period) kind index or NO_BOTTLENECK
    inputs: dict[str, np.ndarray] = field(default_factory=dict)  # uncertainty → (sample,)
    discount_rate: float = 0.0

    def sample_series(self, name: str, region: str | None = None) -> np.ndarray:
        """(sample, period) of one metric, summed over regions unless one is named."""
        values = self.samples[:, METRIC_INDEX[name]]
        if region is None:
            return values.sum(axis=-1, dtype=np.float64)
        return values[:, :, self.regions.index(region)].astype(np.float64)

    def percentile(self, name: str, q: float, region: str | None = None) -> np.ndarray:
        return np.percentile(self.sample_series(name, region), q, axis=0)

    def mean(self, name: str, region: str | None = None) -> np.ndarray:
        return self.sample_series(name, region).mean(axis=0)

    def standard_error(self, name: str, region: str | None = None) -> np.ndarray:
        """Monte Carlo standard error of the mean: shrinks as 1/√samples."""
        values = self.sample_series(name, region)
        if values.shape[0] < 2:
            return np.full(values.shape[1], np.nan)
        return values.std(axis=0, ddof=1) / np.sqrt(values.shape[0])

    def bottleneck_share(self) -> np.ndarray:
        """(kind, period): share of samples in which each supply kind binds."""
        return np.stack([(self.bottleneck == k).mean(axis=0) for k in range(len(self.kinds))])

    def total_samples(self, name: str, first_year: int, last_year: int,
                      region: str | None = None) -> np.ndarray:
        """(sample,) sum of a flow over the periods of ``first_year``..``last_year``."""
        keep = (self.period_years >= first_year) & (self.period_years <= last_year)
        return self.sample_series(name, region)[:, keep].sum(axis=1)
