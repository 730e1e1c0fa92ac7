"""Scenario application on compiled arrays: inheritance, overrides and sampled values.

An edit replaces the touched field's array (copy on write), so the compiled base model stays
shared between scenarios, slider drags and Monte Carlo chunks.
"""

from __future__ import annotations

import numpy as np

from desktop_app.core import fields
from desktop_app.core.engine.arrays import ModelArrays, is_time_series
from desktop_app.core.model import (
    Correlation,
    Model,
    Operation,
    Override,
    Scenario,
    Uncertainty,
)

# Fields whose missing value (NaN) means "the default"; multiply/add act on the effective value.
DEFAULTED = fields.DEFAULTED


class ScenarioError(ValueError):
    """The scenario cannot be applied (unknown name, inheritance cycle)."""


def scenario_chain(model: Model, name: str | None) -> list[Scenario]:
    """The scenario and its ancestors, root first (a child applies its parent's edits first)."""
    if name is None:
        return []
    chain: list[Scenario] = []
    current = model.scenario(name)
    if current is None:
        known = ", ".join(s.name for s in model.scenarios) or "none"
        raise ScenarioError(f"no scenario named {name!r} (scenarios: {known})")
    while current is not None:
        if current in chain:
            raise ScenarioError(f"scenario {name!r} inherits from itself")
        chain.append(current)
        current = model.scenario(current.parent) if current.parent else None
    return chain[::-1]


def merged_uncertainties(chain: list[Scenario]) -> tuple[list[Uncertainty], list[Correlation]]:
    """A child's uncertainty replaces its parent's of the same name, and its correlation of a
    pair (in either order) the parent's; the rest accumulate."""
    by_name: dict[str, Uncertainty] = {}
    correlations: dict[frozenset[str], Correlation] = {}
    for scenario in chain:
        for u in scenario.uncertainties:
            by_name[u.name] = u
        for c in scenario.correlations:
            correlations[frozenset((c.first, c.second))] = c
    return list(by_name.values()), list(correlations.values())


def apply_scenario(arrays: ModelArrays, chain: list[Scenario]) -> ModelArrays:
    """A copy of ``arrays`` with every override of the chain applied in order."""
    out = arrays.copy()
    for scenario in chain:
        for override in scenario.overrides:
            apply_override(out, override)
    return out


def apply_override(arrays: ModelArrays, o: Override) -> None:
    value = np.float64(o.value)
    apply_values(arrays, o.selector, o.field, o.operation, value, o.year_from, o.year_to)


def apply_values(arrays: ModelArrays, selector: str, field: str, operation: str,
                 values: np.ndarray | float, year_from: int | None = None,
                 year_to: int | None = None, *, sampled: bool = False) -> None:
    """Apply ``operation`` with ``values`` to ``field`` of the rows ``selector`` picks.

    ``values`` is a scalar (override), ``(samples,)`` (one draw shared by the rows) or
    ``(samples, rows)`` (a draw per row) when ``sampled``.
    """
    entity = selector.split(":", 1)[0].split("[", 1)[0].strip()
    if entity == "settings":
        current = np.asarray(arrays.settings[field], dtype=np.float64)
        arrays.settings[field] = _operate(operation, current, np.asarray(values))
        return
    table = arrays.tables[entity]
    rows = arrays.rows(selector)
    if entity == "phase" and (year_from is not None or year_to is not None):
        years = table.fields["online_year"]
        years = years if years.ndim == 1 else years[0]
        keep = (years[rows] >= (year_from or -np.inf)) & (years[rows] <= (year_to or np.inf))
        rows = rows[keep]
    if rows.size == 0:
        return
    target = "shift_years" if operation == Operation.SHIFT_YEARS else field
    if operation == Operation.SHIFT_YEARS:
        operation = Operation.ADD
    current = table.fields[target]
    if (entity, target) in DEFAULTED and operation in (Operation.MULTIPLY, Operation.ADD):
        current = effective(arrays, entity, target)
    series = is_time_series(entity, target)
    base_ndim = 2 if series else 1
    n_rows = len(table.keys)

    chosen = np.zeros(n_rows, dtype=bool)
    chosen[rows] = True
    if series:
        chosen = chosen[:, None] & arrays.periods.mask(year_from, year_to)[None, :]
    if sampled:
        # Keep the draws' dtype (float32 in Monte Carlo): a float64 upcast doubles the work.
        values = np.asarray(values)
        current = current.astype(values.dtype, copy=False)
        samples = values.shape[0]
        if values.ndim == 2 and rows.size < n_rows:  # a draw per selected row → all rows
            full = np.zeros((samples, n_rows), dtype=values.dtype)
            full[:, rows] = values
            values = full
        elif values.ndim == 1:
            values = values.reshape(samples, 1)
        if series:
            values = values[:, :, None]
        if current.ndim == base_ndim:
            current = current[None, ...]
    else:
        values = np.asarray(values, dtype=np.float64)
    updated = _operate(operation, current, values)
    if chosen.all():  # every row and period: no blend needed
        shape = np.broadcast_shapes(updated.shape, current.shape)
        table.fields[target] = np.broadcast_to(updated, shape) if updated.shape != shape \
            else updated
    else:
        table.fields[target] = np.where(chosen, updated, current)


def _operate(operation: str, current: np.ndarray, value: np.ndarray) -> np.ndarray:
    if operation == Operation.SET:
        return np.broadcast_to(value, np.broadcast_shapes(current.shape, value.shape))
    if operation == Operation.MULTIPLY:
        with np.errstate(invalid="ignore"):  # inf × 0 (an uncapped cap × 0) reads as uncapped
            return current * value
    if operation == Operation.ADD:
        return current + value
    raise ScenarioError(f"unknown operation {operation!r}")


def effective(arrays: ModelArrays, entity: str, field: str) -> np.ndarray:
    """A defaulted field with its defaults filled in (region PUE, 1000/kW, default capex)."""
    values = arrays.tables[entity].fields[field]
    if entity == "site" and field == "pue":
        default = arrays.tables["region"].fields["default_pue"][..., arrays.site_region]
    elif entity == "site" and field == "accelerators_per_mw":
        power_kw = arrays.tables["accelerator"].fields["power_kw"][..., arrays.site_accelerator]
        default = 1000.0 / power_kw
    elif entity == "phase" and field == "facility_capex_usd_per_mw":
        multiplier = arrays.tables["region"].fields["facility_cost_multiplier"]
        phase_region = arrays.site_region[arrays.phase_site]
        capex = np.asarray(arrays.settings["default_facility_capex_usd_per_mw"])
        capex = capex.reshape(capex.shape + (1,) * (capex.ndim > 0))
        default = capex * multiplier[..., phase_region]
    else:
        return values
    if not np.isnan(np.sum(values)):  # one pass; Monte Carlo draws replace every default
        return values
    return np.where(np.isnan(values), default, values)
