"""The published checks of data/reference-figures.md, reproduced through the engine's own inputs.

1. Cluster power: 100,000 H100 × 700 W × 1.82 server factor × PUE 1.1–1.2 gives 140–155 MW;
   xAI Colossus 1 was reported at ~150 MW (within ±15 %).
2. Capex per GW: facility $11.7M/MW of IT plus GB200 NVL72 at $3.4M per 132 kW of IT
   (≈ $25.8M/MW) gives ≈ $37.5B per GW of IT — Epoch's $38B within ±10 %.

The numbers go in as model inputs (accelerator power and price, phase capacity, PUE, facility
capex) and come out of ``project``; nothing is computed beside the engine except the final
facility power = online MW × PUE that the check is stated in.
"""

from __future__ import annotations

import pytest

from desktop_app.core.engine.project import project
from desktop_app.core.model import (
    Accelerator,
    ITCapexTiming,
    Model,
    Phase,
    Region,
    Settings,
    Site,
)
from desktop_app.core.validation import validate

H100_CHIP_KW = 0.700
SERVER_FACTOR = 1.82
H100_ALL_IN_KW = H100_CHIP_KW * SERVER_FACTOR  # 1.274 kW per GPU, server and network share
COLOSSUS_1_MW = 150.0

NVL72_PRICE_USD = 3.4e6
NVL72_KW = 132.0
GPUS_PER_NVL72 = 72
FACILITY_USD_PER_MW = 11.7e6
EPOCH_USD_PER_GW = 38e9


def _one_site_model(accelerator: Accelerator, capacity_mw: float, pue: float,
                    facility_usd_per_mw: float | None = None) -> Model:
    model = Model(
        settings=Settings(base_year=2024, horizon_year=2028, discount_rate=0.0,
                          default_facility_capex_usd_per_mw=FACILITY_USD_PER_MW),
        regions=[Region("US-TN", default_pue=1.3, facility_cost_multiplier=1.0)],
        accelerators=[accelerator],
        sites=[Site("Cluster", region="US-TN", accelerator=accelerator.name, pue=pue,
                    utilisation=1.0, completion_probability=1.0)],
        phases=[Phase("Cluster", "Phase 1", capacity_mw=capacity_mw, online_year=2026,
                      lead_time_years=2.0, facility_capex_usd_per_mw=facility_usd_per_mw)],
    )
    assert [str(p) for p in validate(model)] == []
    return model


@pytest.mark.parametrize("pue", [1.1, 1.2])
def test_cluster_power_of_100k_h100(pue):
    h100 = Accelerator("H100", vendor="Nvidia", first_year=2022, unit_price_usd=30_000,
                       power_kw=H100_ALL_IN_KW, pflops_dense=0.989, hbm_gb=80,
                       service_life_years=6)
    capacity_mw = 100_000 * H100_ALL_IN_KW / 1000  # 127.4 MW of IT
    p = project(_one_site_model(h100, capacity_mw, pue))
    year = p.period_labels.index("2026")
    installed = p.series("accelerators_installed")[year]
    assert installed == pytest.approx(100_000, rel=1e-9)
    online_mw = p.series("online_mw")[year]
    facility_mw = online_mw * pue  # 127.4 × 1.1 = 140.1 MW; × 1.2 = 152.9 MW
    assert 140.0 <= facility_mw <= 155.0
    assert facility_mw == pytest.approx(COLOSSUS_1_MW, rel=0.15)
    # The engine's energy says the same: a year at full utilisation draws the facility power.
    energy_mwh = p.series("energy_twh")[year] * 1e6
    assert energy_mwh / 8760 == pytest.approx(facility_mw, rel=1e-9)


@pytest.mark.parametrize("timing", list(ITCapexTiming))
def test_capex_per_gw_with_gb200_nvl72(timing):
    gb200_share = Accelerator("GB200 (NVL72 share)", vendor="Nvidia", first_year=2024,
                              unit_price_usd=NVL72_PRICE_USD / GPUS_PER_NVL72,
                              power_kw=NVL72_KW / GPUS_PER_NVL72, hbm_gb=192,
                              service_life_years=10)
    model = _one_site_model(gb200_share, 1_000.0, 1.2, facility_usd_per_mw=FACILITY_USD_PER_MW)
    model.settings.it_capex_timing = timing
    p = project(model)
    facility = p.series("facility_capex_usd").sum()
    it = p.series("it_capex_usd").sum()
    # Facility: 1,000 MW × $11.7M = $11.7B.
    assert facility == pytest.approx(11.7e9, rel=1e-9)
    # IT: 1,000 MW / 132 kW per rack × $3.4M = 7,575.8 racks × $3.4M = $25.76B (≈ $25.8M/MW).
    assert it == pytest.approx(1_000_000 / NVL72_KW * NVL72_PRICE_USD, rel=1e-9)
    assert it / 1_000 == pytest.approx(25.8e6, rel=0.01)
    total = facility + it  # ≈ $37.5B
    assert total == pytest.approx(37.5e9, rel=0.01)
    assert total == pytest.approx(EPOCH_USD_PER_GW, rel=0.10)
