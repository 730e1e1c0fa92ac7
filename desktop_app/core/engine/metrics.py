"""The output metrics, each defined once: name, label, unit, flow or stock, how it is shown and
how it is derived from the kernels' per-period quantities.

Both kernels compute the same per-period, per-region ``QUANTITIES`` and hand them to
``derive_metrics``, which builds the (sample, metric, period, region) array in ``METRICS``
order; no kernel knows which metric comes from which quantity, or how energy is priced. A
metric is either one of the quantities (``quantity``) or a function of the quantities, the
metrics derived before it and the per-period prices (``derive``), as an EMA Workbench outcome
carries its own ``function``. Results files, the CLI, scenario diffs and the dashboard read the
labels, units and display scales from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

ScaleFamily = Literal["money", "power", "count", "compute", "fixed"]


@dataclass(frozen=True, slots=True)
class Metric:
    """One output metric.

    ``scale`` names the family of display units chosen by magnitude (``money``: $M/$B/$T,
    ``power``: MW/GW, ``count``: k/M units, ``compute``: PFLOP/s or EFLOP/s, ``fixed``: the
    unit as it is); ``report`` is the fixed factor and unit of text reports (the CLI summary,
    scenario diffs), where columns must not change unit from row to row.
    """

    name: str
    label: str
    unit: str
    kind: Literal["flow", "stock"]  # flows add up over periods; stocks are levels
    scale: ScaleFamily = "fixed"
    report: tuple[float, str] | None = None  # (engine value / factor, unit); None: (1, unit)
    quantity: str | None = None  # the per-period quantity it is
    derive: Callable[[Derivation], np.ndarray] | None = None
    # A stock of installed accelerators weighted per unit by an accelerator field (× factor):
    # both kernels compute such a quantity the same way, from this entry alone.
    per_unit: tuple[str, float] | None = None

    def __post_init__(self) -> None:
        if (self.quantity is None) == (self.derive is None):
            raise ValueError(f"metric {self.name!r}: give exactly one of quantity and derive")
        if self.per_unit is not None and self.quantity != self.name:
            raise ValueError(f"metric {self.name!r}: a per-unit stock is its own quantity")

    @property
    def report_factor(self) -> float:
        return 1.0 if self.report is None else self.report[0]

    @property
    def report_unit(self) -> str:
        return self.unit if self.report is None else self.report[1]


class Derivation:
    """What a ``Metric.derive`` function reads: the kernels' quantities (S, T, R), the metrics
    derived so far (in the result's dtype, as the results show them) and the per-period prices
    (S|1, T, R)."""

    __slots__ = ("_done", "_index", "_out", "_quantities", "carbon_kg_per_mwh",
                 "electricity_usd_per_mwh")

    def __init__(self, quantities: Mapping[str, np.ndarray], out: np.ndarray,
                 index: Mapping[str, int], electricity_usd_per_mwh: np.ndarray,
                 carbon_kg_per_mwh: np.ndarray) -> None:
        self._quantities = quantities
        self._out = out
        self._index = index
        self._done: set[str] = set()  # the metrics already in ``out``
        self.electricity_usd_per_mwh = electricity_usd_per_mwh
        self.carbon_kg_per_mwh = carbon_kg_per_mwh

    def quantity(self, name: str) -> np.ndarray:
        return self._quantities[name]

    def metric(self, name: str) -> np.ndarray:
        if name not in self._done:
            raise ValueError(f"metric {name!r} is read before it is derived; derive it earlier "
                             "in METRICS")
        return self._out[:, self._index[name]]


def _energy_opex(d: Derivation) -> np.ndarray:
    return d.quantity("energy_mwh") * d.electricity_usd_per_mwh


def _energy_twh(d: Derivation) -> np.ndarray:
    return d.quantity("energy_mwh") / 1e6


def _emissions(d: Derivation) -> np.ndarray:
    return d.quantity("energy_mwh") * d.carbon_kg_per_mwh / 1e9  # kg → Mt


def _total_spend(d: Derivation) -> np.ndarray:
    return (d.metric("facility_capex_usd") + d.metric("it_capex_usd")
            + d.metric("energy_opex_usd"))


_BILLIONS = (1e9, "USD B")

METRICS: tuple[Metric, ...] = (
    Metric("planned_mw", "Planned capacity", "MW", "stock", "power", (1e3, "GW"),
           quantity="planned_mw"),
    Metric("online_mw", "Online capacity", "MW", "stock", "power", (1e3, "GW"),
           quantity="online_mw"),
    Metric("accelerators_demanded", "Accelerators demanded", "units", "flow", "count",
           quantity="accelerators_demanded"),
    Metric("accelerators_delivered", "Accelerators delivered", "units", "flow", "count",
           quantity="accelerators_delivered"),
    Metric("accelerators_installed", "Accelerators installed", "units", "stock", "count",
           quantity="accelerators_installed"),
    Metric("installed_pflops", "Installed compute", "PFLOP/s", "stock", "compute",
           quantity="installed_pflops", per_unit=("pflops_dense", 1.0)),
    Metric("installed_chip_mw", "Chip power (TDP)", "MW", "stock", "power", (1e3, "GW"),
           quantity="installed_chip_mw", per_unit=("chip_tdp_kw", 1e-3)),
    Metric("backlog", "Backlog", "units", "stock", "count", quantity="backlog"),
    Metric("facility_capex_usd", "Facility capex", "USD", "flow", "money", _BILLIONS,
           quantity="facility_capex_usd"),
    Metric("it_capex_usd", "IT capex", "USD", "flow", "money", _BILLIONS,
           quantity="it_capex_usd"),
    Metric("energy_opex_usd", "Energy opex", "USD", "flow", "money", _BILLIONS,
           derive=_energy_opex),
    Metric("total_spend_usd", "Total compute spend", "USD", "flow", "money", _BILLIONS,
           derive=_total_spend),
    Metric("energy_twh", "Energy", "TWh", "flow", derive=_energy_twh),
    Metric("emissions_mt", "Emissions", "Mt CO2", "flow", derive=_emissions),
)
METRIC_INDEX = {m.name: i for i, m in enumerate(METRICS)}

# The per-period, per-region quantities both kernels compute: those metrics are, and the ones
# derivations read. Energy is a quantity, not a metric: the metrics are its cost, TWh and CO2.
QUANTITIES: tuple[str, ...] = (*(m.quantity for m in METRICS if m.quantity is not None),
                               "energy_mwh")


# Quantity → (accelerator field, factor) for the per-unit stocks, in table order.
PER_UNIT_STOCKS: dict[str, tuple[str, float]] = {
    m.name: m.per_unit for m in METRICS if m.per_unit is not None}


def metric(name: str) -> Metric:
    try:
        return METRICS[METRIC_INDEX[name]]
    except KeyError:
        known = ", ".join(METRIC_INDEX)
        raise KeyError(f"unknown metric {name!r} (one of {known})") from None


def derive_metrics(quantities: Mapping[str, np.ndarray], electricity_usd_per_mwh: np.ndarray,
                   carbon_kg_per_mwh: np.ndarray, samples: int, dtype: type,
                   metrics: tuple[Metric, ...] = METRICS) -> np.ndarray:
    """(S, metric, T, R) in ``dtype`` from ``quantities`` (each (S|1, T, R), any float dtype)
    and the per-period prices (S|1, R, T), as the kernel's inputs hold them.

    The metrics that are quantities are copied first, then the derived ones in table order;
    derivations compute in the quantities' dtype and are stored in ``dtype``, and one that
    reads another metric reads the stored value. A quantity the kernel did not compute is an
    error, never a metric left empty.
    """
    plan = _plan(metrics)
    missing = [name for _, _, name in plan.taken if name not in quantities]
    if missing:
        raise ValueError(f"the kernel did not compute {', '.join(missing)}")
    n_regions, t_count = electricity_usd_per_mwh.shape[-2:]
    out: np.ndarray = np.empty((samples, len(metrics), t_count, n_regions), dtype=dtype)
    d = Derivation(quantities, out, plan.index, np.moveaxis(electricity_usd_per_mwh, -1, 1),
                   np.moveaxis(carbon_kg_per_mwh, -1, 1))
    for i, name, quantity in plan.taken:
        out[:, i] = quantities[quantity]
        d._done.add(name)
    for i, name, derive in plan.derived:
        out[:, i] = derive(d)
        d._done.add(name)
    return out


@dataclass(frozen=True, slots=True)
class _Plan:
    table: tuple[Metric, ...]
    index: dict[str, int]
    taken: list[tuple[int, str, str]]  # (position, metric, quantity)
    derived: list[tuple[int, str, Callable[[Derivation], np.ndarray]]]


_plans: list[_Plan] = []  # the last table's plan: every projection derives the same table


def _plan(metrics: tuple[Metric, ...]) -> _Plan:
    """The table sorted once into what is copied and what is derived (a projection of the
    sample model takes well under a millisecond; re-reading the table each time showed)."""
    if _plans and _plans[0].table is metrics:
        return _plans[0]
    plan = _Plan(metrics, {m.name: i for i, m in enumerate(metrics)},
                 [(i, m.name, m.quantity) for i, m in enumerate(metrics)
                  if m.quantity is not None],
                 [(i, m.name, m.derive) for i, m in enumerate(metrics) if m.derive is not None])
    _plans[:] = [plan]
    return plan
