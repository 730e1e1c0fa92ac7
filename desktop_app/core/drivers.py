"""The main levers a strategist drags, expressed as ordinary scenario overrides.

A driver's overrides carry the note ``driver:<id>`` so that moving the slider again replaces
them instead of stacking, and so that scenario files, diffs and the CLI see exactly what the
slider did — there is no hidden state beside the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from desktop_app.core.engine.arrays import MAX_SPAN_YEARS
from desktop_app.core.model import Model, Operation, Override, Scenario

NOTE_PREFIX = "driver:"


@dataclass(frozen=True, slots=True)
class Driver:
    id: str
    label: str
    unit: str  # how the slider value reads: "%/yr", "%", "years", "USD/MWh"
    minimum: float
    maximum: float
    neutral: float  # the value that adds no override
    step: float

    @property
    def note(self) -> str:
        return f"{NOTE_PREFIX}{self.id}"


DRIVERS: tuple[Driver, ...] = (
    Driver("demand_growth", "Demand growth", "%/yr", -30.0, 50.0, 0.0, 1.0),
    Driver("online_delay", "Online delay", "years", -1.0, 3.0, 0.0, 0.25),
    Driver("packaging_change", "Packaging supply", "%", -60.0, 100.0, 0.0, 1.0),
    Driver("logic_change", "Logic supply", "%", -60.0, 100.0, 0.0, 1.0),
    Driver("hbm_change", "HBM supply", "%", -60.0, 100.0, 0.0, 1.0),
    Driver("price_change", "Accelerator price", "%", -60.0, 100.0, 0.0, 1.0),
    Driver("electricity_change", "Electricity price", "%", -50.0, 150.0, 0.0, 1.0),
    Driver("utilisation", "Utilisation", "%", 20.0, 100.0, 0.0, 1.0),  # 0: as in the model
)
BY_ID = {d.id: d for d in DRIVERS}
_SUPPLY_KIND = {"packaging_change": "packaging", "logic_change": "logic", "hbm_change": "hbm"}


def overrides_for(model: Model, driver_id: str, value: float,
                  years: tuple[int | None, int | None] = (None, None)) -> list[Override]:
    """The overrides that make ``driver_id`` read ``value`` (empty at the neutral value)."""
    driver = BY_ID[driver_id]
    if value == driver.neutral:
        return []
    note = driver.note
    first, last = years
    if driver_id == "demand_growth":
        # Compound growth on the capacity of phases planned after the base year.
        base = model.settings.base_year
        last = min(model.settings.horizon_year, base + MAX_SPAN_YEARS)  # beyond: not projected
        return [Override("phase:*", "capacity_mw", Operation.MULTIPLY,
                         (1 + value / 100) ** (year - base), year, year, note)
                for year in range(base + 1, last + 1)]
    if driver_id == "online_delay":
        return [Override("phase:*", "online_year", Operation.SHIFT_YEARS, value, first, last,
                         note)]
    if driver_id in _SUPPLY_KIND:
        return [Override(f"supply_line[kind={_SUPPLY_KIND[driver_id]}]", "capacity_by_year",
                         Operation.MULTIPLY, 1 + value / 100, first, last, note)]
    if driver_id == "price_change":
        return [Override("accelerator:*", "unit_price_usd", Operation.MULTIPLY,
                         1 + value / 100, first, last, note)]
    if driver_id == "electricity_change":
        return [Override("region:*", "electricity_price_usd_per_mwh", Operation.MULTIPLY,
                         1 + value / 100, first, last, note)]
    if driver_id == "utilisation":
        return [Override("site:*", "utilisation", Operation.SET, value / 100, first, last, note)]
    raise KeyError(driver_id)


def driver_value(scenario: Scenario, driver_id: str) -> float:
    """The slider position the scenario's driver overrides stand for (neutral when none)."""
    driver = BY_ID[driver_id]
    mine = [o for o in scenario.overrides if o.note == driver.note]
    if not mine:
        return driver.neutral
    first = mine[0]
    if driver_id == "demand_growth":
        return round(100 * (first.value - 1), 6)  # the first year's factor is (1 + g)
    if driver_id == "online_delay":
        return first.value
    if driver_id == "utilisation":
        return 100 * first.value
    return round(100 * (first.value - 1), 6)


def with_driver(scenario: Scenario, overrides: list[Override], driver_id: str) -> list[Override]:
    """The scenario's overrides with this driver's replaced by ``overrides`` (same place)."""
    note = BY_ID[driver_id].note
    kept = [o for o in scenario.overrides if o.note != note]
    positions = [i for i, o in enumerate(scenario.overrides) if o.note == note]
    at = positions[0] if positions else len(kept)
    return kept[:at] + overrides + kept[at:]


def with_driver_values(model: Model, scenario_name: str, values: dict[str, float],
                       years: tuple[int | None, int | None] = (None, None)) -> Model:
    """``model`` as it would read with ``scenario_name``'s drivers at ``values`` — a slider's
    preview while it is dragged. The model is not touched: the result shares every row with it
    but holds a changed copy of that one scenario (its other drivers' overrides stay)."""
    scenario = model.scenario(scenario_name)
    if scenario is None or not values:
        return model
    overrides = scenario.overrides
    for driver_id, value in values.items():
        current = replace(scenario, overrides=overrides)
        overrides = with_driver(current, overrides_for(model, driver_id, value, years),
                                driver_id)
    changed = replace(scenario, overrides=overrides)
    return replace(model, scenarios=[changed if s is scenario else s for s in model.scenarios])
