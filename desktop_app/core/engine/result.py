"""Projection results: arrays with labelled axes and units, deterministic or sampled.

Axes are (metric, period, region) for a deterministic projection and (sample, metric, period,
region) for Monte Carlo; ``series``/``percentile`` give region totals when no region is named.
The metrics themselves (``METRICS``) are defined in ``engine.metrics`` and re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from desktop_app.core.engine import statistics
from desktop_app.core.engine.metrics import METRIC_INDEX, METRICS, Metric, metric

__all__ = ["METRICS", "METRIC_INDEX", "NO_BOTTLENECK", "Metric", "MonteCarloResult",
           "Projection", "RunInfo", "metric"]


NO_BOTTLENECK = -1


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
        return statistics.percentiles(self.sample_series(name, region), q)

    def mean(self, name: str, region: str | None = None) -> np.ndarray:
        return statistics.mean(self.sample_series(name, region))

    def standard_error(self, name: str, region: str | None = None) -> np.ndarray:
        """Monte Carlo standard error of the mean: shrinks as 1/√samples."""
        return statistics.standard_error(self.sample_series(name, region))

    def bottleneck_share(self) -> np.ndarray:
        """(kind, period): share of samples in which each supply kind binds."""
        return np.stack([(self.bottleneck == k).mean(axis=0) for k in range(len(self.kinds))])

    def total_samples(self, name: str, first_year: int, last_year: int,
                      region: str | None = None) -> np.ndarray:
        """(sample,) sum of a flow over the periods of ``first_year``..``last_year``."""
        keep = (self.period_years >= first_year) & (self.period_years <= last_year)
        return self.sample_series(name, region)[:, keep].sum(axis=1)
