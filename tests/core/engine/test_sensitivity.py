"""Tornado and rank correlations: the dominant assumption must come out on top."""

from __future__ import annotations

import pytest

from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.project import project
from desktop_app.core.engine.sensitivity import rank_correlations, tornado
from desktop_app.core.model import (
    Accelerator,
    Distribution,
    Model,
    Operation,
    Phase,
    Region,
    Scenario,
    Site,
    Uncertainty,
)


def _model() -> Model:
    m = Model()
    m.regions.append(Region("US", electricity_price_usd_per_mwh=80.0))
    m.accelerators.append(Accelerator("X", unit_price_usd=30_000.0, power_kw=1.0))
    m.sites.append(Site("A", region="US", accelerator="X"))
    m.phases.append(Phase("A", "P1", capacity_mw=100.0, online_year=2027))
    m.scenarios.append(Scenario("Base", uncertainties=[
        # IT capex (100,000 units × $30k = $3B) dwarfs energy: price must dominate.
        Uncertainty("price", "accelerator:X", "unit_price_usd",
                    Distribution("uniform", (0.5, 1.5))),
        Uncertainty("electricity", "region:US", "electricity_price_usd_per_mwh",
                    Distribution("uniform", (0.9, 1.1))),
        Uncertainty("inert", "region:US", "grid_carbon_kg_per_mwh",
                    Distribution("uniform", (0.5, 1.5))),
    ]))
    return m


def test_tornado_orders_bars_by_swing_and_uses_p10_p90() -> None:
    m = _model()
    t = tornado(m, "Base", "total_spend_usd", (2025, 2030))
    assert [b.name for b in t.bars] == ["price", "electricity", "inert"]
    price = t.bars[0]
    assert price.low_input == pytest.approx(0.6) and price.high_input == pytest.approx(1.4)
    # IT capex is linear in price: the swing is 0.8 × $3B exactly.
    assert price.high_output - price.low_output == pytest.approx(0.8 * 3e9, rel=1e-9)
    assert t.bars[2].swing == 0.0
    assert price.low_output < t.base_output < price.high_output


def test_tornado_base_is_the_median_projection() -> None:
    m = _model()
    t = tornado(m, "Base", "total_spend_usd", 2027)
    plain = project(m, "Base").series("total_spend_usd")
    # Every median is 1.0 (a multiplier), so the base equals the unperturbed projection.
    assert t.base_output == pytest.approx(plain[2027 - 2025])


def test_rank_correlations_find_the_driver() -> None:
    result = run_monte_carlo(_model(), "Base", 2_000, 3)
    ranked = rank_correlations(result, "total_spend_usd", (2025, 2030))
    assert ranked[0][0] == "price" and ranked[0][1] > 0.9
    assert abs(dict(ranked)["inert"]) < 0.1


def test_shift_uncertainty_moves_spend_later() -> None:
    m = _model()
    m.scenarios[0].uncertainties = [Uncertainty(
        "delay", "phase:*", "online_year", Distribution("uniform", (0.0, 2.99)),
        Operation.SHIFT_YEARS)]
    t = tornado(m, "Base", "it_capex_usd", 2027)
    bar = t.bars[0]
    assert bar.low_output == pytest.approx(3e9)  # P10 delay 0.3 y: still delivered in 2027
    assert bar.high_output == 0.0  # P90 delay 2.7 y: delivered in 2029
