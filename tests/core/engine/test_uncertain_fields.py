"""Any input drawn alone: each Monte Carlo sample is the deterministic projection with that input
set to its draw.

For every field an uncertainty may target, on a model whose supply binds (the general kernel) and
on the same model without supply lines (the unconstrained fast path). It catches a draw that the
kernel drops, pools across samples or applies to the wrong rows — e.g. a run whose only
uncertainty is the lead time must still have one row per draw.
"""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core.engine.arrays import targetable
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.project import project
from desktop_app.core.engine.result import METRICS
from desktop_app.core.model import (
    Accelerator,
    Distribution,
    Model,
    Operation,
    Override,
    Phase,
    Region,
    Scenario,
    Settings,
    Site,
    SupplyKind,
    SupplyLine,
    Uncertainty,
)
from desktop_app.core.validation import FIXED_UNDER_UNCERTAINTY, validate

SAMPLES = 6
ENTITY_SELECTOR = {"region": "region:*", "accelerator": "accelerator:*", "site": "site:*",
                   "phase": "phase:*", "supply_line": "supply_line:*", "settings": "settings"}
# Fields whose model value is 0 or "none": an added draw, or a set one, makes them matter.
ADDED = {"electricity_price_change_per_year", "price_change_per_year"}
SET = {"supply_cap_units_per_year": (20_000.0, 60_000.0)}


def _model(constrained: bool) -> Model:
    model = Model(
        settings=Settings(base_year=2025, horizon_year=2030, discount_rate=0.05),
        regions=[Region("US", electricity_price_usd_per_mwh=100.0, grid_carbon_kg_per_mwh=400.0),
                 Region("EU", electricity_price_usd_per_mwh=200.0, grid_carbon_kg_per_mwh=250.0,
                        default_pue=1.3)],
        accelerators=[
            Accelerator("X", first_year=2020, unit_price_usd=40_000.0, power_kw=2.0,
                        pflops_dense=2.0, hbm_gb=192.0, units_per_packaging_wafer=10.0,
                        units_per_logic_wafer=20.0, service_life_years=4.0),
            Accelerator("Y", first_year=2020, unit_price_usd=25_000.0, power_kw=1.2,
                        pflops_dense=1.0, hbm_gb=96.0, units_per_packaging_wafer=16.0,
                        units_per_logic_wafer=30.0, service_life_years=5.0)],
        sites=[Site("S", region="US", accelerator="X", utilisation=0.8, pue=1.2,
                    completion_probability=0.9),
               Site("T", region="EU", accelerator="Y", utilisation=0.7,
                    accelerators_per_mw=600.0)],
        phases=[Phase("S", "P1", capacity_mw=100.0, online_year=2026, lead_time_years=2.0,
                      facility_capex_usd_per_mw=11e6),
                Phase("S", "P2", capacity_mw=80.0, online_year=2028, lead_time_years=1.5),
                Phase("T", "P1", capacity_mw=50.0, online_year=2027, lead_time_years=3.0)],
        supply_lines=[SupplyLine("pk", kind=SupplyKind.PACKAGING,
                                 capacity_by_year=dict.fromkeys(range(2025, 2031), 4_000.0))]
        if constrained else [],
    )
    assert validate(model) == []
    return model


# Inputs that cannot matter on a path, whose draws must change nothing: the constrained model
# has only a packaging line (logic and HBM never bind), the unconstrained one no line at all.
INERT = {
    "general kernel": {"units_per_logic_wafer", "hbm_gb"},
    "fast path": {"units_per_packaging_wafer", "units_per_logic_wafer", "hbm_gb",
                  "supply_share_to_model", "discount_rate"},
}
INERT["general kernel"].add("discount_rate")  # NPV only: per-period values cannot move


def _cases() -> list[tuple[str, str, str]]:
    """(entity, field, path); supply lines exist only where supply constrains."""
    return [(entity, name, path) for path in INERT for entity in ENTITY_SELECTOR
            for name in targetable(entity) if name not in FIXED_UNDER_UNCERTAINTY
            and not (path == "fast path" and entity == "supply_line")]


def _uncertainty(entity: str, name: str) -> Uncertainty:
    selector = ENTITY_SELECTOR[entity]
    if name == "online_year":
        return Uncertainty("U", selector, name, Distribution("uniform", (-1.6, 1.6)),
                           Operation.SHIFT_YEARS)
    if name in ADDED:
        return Uncertainty("U", selector, name, Distribution("uniform", (-0.1, 0.1)),
                           Operation.ADD)
    if name in SET:
        return Uncertainty("U", selector, name, Distribution("uniform", SET[name]), Operation.SET)
    return Uncertainty("U", selector, name, Distribution("uniform", (0.7, 1.3)),
                       Operation.MULTIPLY)


def test_every_targetable_field_is_covered() -> None:
    fields = {(entity, name) for entity, name, _ in _cases()}
    assert len(fields) >= 25 and ("phase", "lead_time_years") in fields
    assert {path for _, _, path in _cases()} == set(INERT)


@pytest.mark.parametrize(("entity", "name", "path"), _cases(), ids=lambda x: str(x))
def test_a_field_drawn_alone_gives_each_sample_its_own_projection(entity: str, name: str,
                                                                   path: str) -> None:
    model = _model(constrained=path == "general kernel")
    uncertainty = _uncertainty(entity, name)
    model.scenarios = [Scenario("mc", uncertainties=[uncertainty])]
    assert validate(model) == []
    result = run_monte_carlo(model, "mc", SAMPLES, seed=3)
    draws = result.inputs["U"].astype(np.float64)
    assert len(set(draws.tolist())) == SAMPLES
    per_sample = []
    for i in range(SAMPLES):
        override = Override(uncertainty.selector, name, uncertainty.operation, float(draws[i]))
        expected = project(model, "mc", extra=[override]).values  # (metric, period, region)
        got = result.samples[i].astype(np.float64)
        for m, metric in enumerate(METRICS):
            scale = max(1.0, float(np.abs(expected[m]).max()))
            np.testing.assert_allclose(got[m], expected[m], rtol=2e-4, atol=2e-4 * scale,
                                       err_msg=f"sample {i}, {metric.name}")
        per_sample.append(expected)
    changed = any(not np.allclose(per_sample[0], other) for other in per_sample[1:])
    if name in INERT[path]:
        assert not changed, f"drawing {entity}.{name} changed the {path}'s results"
    else:
        assert changed, f"drawing {entity}.{name} changed nothing: the case tests nothing"
