"""Display units chosen by magnitude: $M/$B/$T, MW/GW, k/M units, PFLOP/s or EFLOP/s.

Plots keep the engine's numbers (USD, MW, units) for read-outs and CSV, and divide by a
``Scale`` for drawing; the axis label names the scale. Which family of units a metric is shown
in is the metric's ``scale`` (``core.engine.metrics``). No Qt here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from desktop_app.core.engine.metrics import METRICS, Metric, metric


@dataclass(frozen=True, slots=True)
class Scale:
    factor: float  # engine value / factor = drawn value
    unit: str  # what the axis says: "$B", "GW", "M units"
    prefix: str = ""  # written before the number ("$")
    suffix: str = ""  # written after it ("B", " GW")

    def __call__(self, values: np.ndarray | list | float) -> np.ndarray:
        return np.asarray(values, dtype=float) / self.factor

    def text(self, value: float, digits: int = 4) -> str:
        """``value`` (engine units) as the axis reads it, e.g. ``$129B`` or ``16.4 GW``."""
        if value is None or not math.isfinite(value):
            return "—" if value is None or math.isnan(value) else "unconstrained"
        shown = value / self.factor
        sign = "−" if shown < 0 else ""
        return f"{sign}{self.prefix}{_significant(abs(shown), digits)}{self.suffix}"


def _significant(value: float, digits: int) -> str:
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(value)))
    return f"{value:,.{decimals}f}"


def _peak(values: np.ndarray | float | list) -> float:
    array = np.abs(np.asarray(values, dtype=float))
    array = array[np.isfinite(array)]
    return float(array.max()) if array.size else 0.0


def money(values: np.ndarray | float | list) -> Scale:
    """USD as $T from a trillion up, $B from a billion, else $M."""
    peak = _peak(values)
    if peak >= 1e12:
        return Scale(1e12, "$T", "$", "T")
    if peak >= 1e9:
        return Scale(1e9, "$B", "$", "B")
    return Scale(1e6, "$M", "$", "M")


def power(values_mw: np.ndarray | float | list) -> Scale:
    """MW, or GW from 1,000 MW up."""
    return Scale(1e3, "GW", "", " GW") if _peak(values_mw) >= 1e3 else Scale(1.0, "MW", "", " MW")


def count(values: np.ndarray | float | list, noun: str = "units") -> Scale:
    peak = _peak(values)
    if peak >= 1e6:
        return Scale(1e6, f"M {noun}", "", f"M {noun}")
    if peak >= 1e3:
        return Scale(1e3, f"k {noun}", "", f"k {noun}")
    return Scale(1.0, noun, "", f" {noun}")


def compute(values: np.ndarray | float | list) -> Scale:
    if _peak(values) >= 1e3:
        return Scale(1e3, "EFLOP/s", "", " EFLOP/s")
    return Scale(1.0, "PFLOP/s", "", " PFLOP/s")


def for_metric(m: Metric | str, values: np.ndarray | float | list) -> Scale:
    """The scale of metric ``m`` (or its name) for ``values``."""
    m = metric(m) if isinstance(m, str) else m
    return _FAMILIES[m.scale](values) if m.scale != "fixed" else _fixed(m.unit)


def for_unit(unit: str, values: np.ndarray | float | list) -> Scale:
    """The scale of an engine unit for ``values``: that of the metrics in ``unit``."""
    family = _FAMILY_OF_UNIT.get(unit, "fixed")
    return _FAMILIES[family](values) if family != "fixed" else _fixed(unit)


def _fixed(unit: str) -> Scale:
    return Scale(1.0, unit, "", f" {unit}")


_FAMILIES = {"money": money, "power": power, "count": count, "compute": compute}
_FAMILY_OF_UNIT = {m.unit: m.scale for m in METRICS}


NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ at or above ``value`` (> 0):
    an axis top that does not move while a dragged value changes a little."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power10 = 10.0 ** math.floor(math.log10(value))
    return next(n * power10 for n in NICE if n * power10 >= value * (1 - 1e-12))


def nice_ticks(bottom: float, top: float, count: int = 4) -> list[float]:
    """At least ``count`` round values (1, 2 or 5 × 10ⁿ apart) from ``bottom`` to ``top``,
    as few as that allows."""
    span = top - bottom
    if not math.isfinite(span) or span <= 0:
        return [bottom]
    power10 = 10.0 ** math.floor(math.log10(span))
    steps = [n * power10 * scale for scale in (1.0, 0.1, 0.01) for n in (5.0, 2.0, 1.0)]
    for step in steps:  # largest first
        ticks = _ticks(bottom, top, step)
        if len(ticks) >= count:
            return ticks
    return _ticks(bottom, top, steps[-1])


def _ticks(bottom: float, top: float, step: float) -> list[float]:
    first = math.ceil(bottom / step - 1e-9)
    last = math.floor(top / step + 1e-9)
    return [round(i * step, 12) for i in range(first, last + 1)]
