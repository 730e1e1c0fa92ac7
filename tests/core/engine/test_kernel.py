"""Every formula of the projection on hand-computed one-site / two-site cases.

Each test builds a tiny model whose numbers can be worked out on paper; the arithmetic is in the
comments next to the expected values. Unless a test says otherwise the reference case is:

* years 2025 … 2030 (index 0 … 5), yearly periods, discount rate 0;
* region US: $100/MWh, no price change, 400 kg CO2/MWh, default PUE 1.25, cost multiplier 1;
* accelerator X: $40,000, 2 kW all-in (→ 500 units per MW), 2 PFLOP/s, 100 GB HBM,
  10 units per packaging wafer, 20 per logic wafer, 10-year life, first year 2020;
* site S in US on X, utilisation 0.8, completion probability 1;
* phase S/P1: 100 MW IT online 2027 Q1, lead time 2 years, default facility capex $11.7M/MW;
* no supply lines (unconstrained).

So the phase demands 100 MW × 500/MW = 50,000 accelerators, due in 2027.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from desktop_app.core.engine.project import Projector, project
from desktop_app.core.engine.result import METRICS
from desktop_app.core.model import (
    Accelerator,
    ITCapexTiming,
    Model,
    Operation,
    Override,
    PeriodKind,
    Phase,
    Region,
    Scenario,
    Settings,
    Site,
    SupplyKind,
    SupplyLine,
)
from desktop_app.core.validation import validate

YEARS = list(range(2025, 2031))
REL = 1e-9


def idx(year: int) -> int:
    return year - 2025


def base_model() -> Model:
    return Model(
        settings=Settings(base_year=2025, horizon_year=2030, discount_rate=0.0,
                          default_facility_capex_usd_per_mw=11_700_000.0),
        regions=[Region("US", electricity_price_usd_per_mwh=100.0,
                        electricity_price_change_per_year=0.0, grid_carbon_kg_per_mwh=400.0,
                        default_pue=1.25, facility_cost_multiplier=1.0)],
        accelerators=[Accelerator("X", first_year=2020, unit_price_usd=40_000.0,
                                  price_change_per_year=0.0, power_kw=2.0, pflops_dense=2.0,
                                  hbm_gb=100.0, units_per_packaging_wafer=10.0,
                                  units_per_logic_wafer=20.0, service_life_years=10.0)],
        sites=[Site("S", region="US", accelerator="X", utilisation=0.8,
                    completion_probability=1.0)],
        phases=[Phase("S", "P1", capacity_mw=100.0, online_year=2027, online_quarter=1,
                      lead_time_years=2.0)],
    )


def add_line(model: Model, kind: SupplyKind, capacity: float, name: str | None = None,
             **kw) -> SupplyLine:
    line = SupplyLine(name or f"{kind}-{len(model.supply_lines)}", kind=kind,
                      capacity_by_year={2025: capacity}, **kw)
    model.supply_lines.append(line)
    return line


def add_site(model: Model, name: str, region: str, mw: float, year: int,
             accelerator: str = "X", **kw) -> Site:
    site = Site(name, region=region, accelerator=accelerator, utilisation=0.8, **kw)
    model.sites.append(site)
    model.phases.append(Phase(name, "P1", capacity_mw=mw, online_year=year, lead_time_years=2.0))
    return site


def valid_projection(model: Model, scenario: str | None = None):
    assert [str(p) for p in validate(model)] == []
    return project(model, scenario)


def approx(values, rel: float = REL, tol: float = 1e-6):
    return pytest.approx(list(np.asarray(values, dtype=float)), rel=rel, abs=tol)


# --- Demand --------------------------------------------------------------------------------

def test_demand_units_due_in_online_year():
    p = valid_projection(base_model())
    # 100 MW × 1000 / 2 kW = 50,000 accelerators, all demanded in 2027.
    assert p.series("accelerators_demanded") == approx([0, 0, 50_000, 0, 0, 0])
    assert p.period_labels == [str(y) for y in YEARS]


def test_site_accelerators_per_mw_overrides_power():
    model = base_model()
    model.sites[0].accelerators_per_mw = 400.0  # 100 MW × 400/MW = 40,000
    p = valid_projection(model)
    assert p.series("accelerators_demanded") == approx([0, 0, 40_000, 0, 0, 0])


def test_demand_waits_for_accelerator_first_year():
    model = base_model()
    model.accelerators[0].first_year = 2029  # phase planned 2027, chip only from 2029
    p = valid_projection(model)
    assert p.series("accelerators_demanded") == approx([0, 0, 0, 0, 50_000, 0])
    assert p.series("online_mw") == approx([0, 0, 0, 0, 100, 100])


def test_planned_and_online_mw_and_installed_when_unconstrained():
    p = valid_projection(base_model())
    assert p.series("planned_mw") == approx([0, 0, 100, 100, 100, 100])
    assert p.series("online_mw") == approx([0, 0, 100, 100, 100, 100])
    assert p.series("accelerators_delivered") == approx([0, 0, 50_000, 0, 0, 0])
    assert p.series("accelerators_installed") == approx([0, 0, 50_000] + [50_000] * 3)
    # 50,000 units × 2 PFLOP/s = 100,000 PFLOP/s.
    assert p.series("installed_pflops") == approx([0, 0] + [100_000] * 4)
    assert p.bottleneck_names() == ["none"] * 6
    assert np.all(np.isinf(p.supply_units))


def test_completion_probability_weights_everything():
    model = base_model()
    model.sites[0].completion_probability = 0.5
    model.supply_lines = []
    p = valid_projection(model)
    # Expected MW = 100 × 0.5 = 50 → 25,000 units; facility capex 50 × 11.7M = 585M over 2 yrs.
    assert p.series("planned_mw") == approx([0, 0, 50, 50, 50, 50])
    assert p.series("online_mw") == approx([0, 0, 50, 50, 50, 50])
    assert p.series("accelerators_demanded") == approx([0, 0, 25_000, 0, 0, 0])
    assert p.series("facility_capex_usd") == approx([292.5e6, 292.5e6, 0, 0, 0, 0])
    # Energy 50 MW × 0.8 × 1.25 × 8760 h = 438,000 MWh.
    assert p.series("energy_twh")[idx(2027)] == pytest.approx(0.438, rel=REL)


# --- Facility capex ------------------------------------------------------------------------

def test_facility_capex_default_spread_over_lead_time_before_online():
    p = valid_projection(base_model())
    # 100 MW × $11.7M/MW = $1.17B over 2 years before 2027: $585M in 2025 and 2026.
    assert p.series("facility_capex_usd") == approx([585e6, 585e6, 0, 0, 0, 0])


def test_facility_capex_region_multiplier():
    model = base_model()
    model.regions[0].facility_cost_multiplier = 1.2
    p = valid_projection(model)
    # 100 MW × 11.7M × 1.2 = $1.404B → $702M in each of 2025 and 2026.
    assert p.series("facility_capex_usd") == approx([702e6, 702e6, 0, 0, 0, 0])


def test_facility_capex_phase_override_ignores_region_multiplier():
    model = base_model()
    model.regions[0].facility_cost_multiplier = 1.2
    model.phases[0].facility_capex_usd_per_mw = 10_000_000.0
    p = valid_projection(model)
    # 100 MW × $10M = $1B over 2 years; the region multiplier applies only to the default.
    assert p.series("facility_capex_usd") == approx([500e6, 500e6, 0, 0, 0, 0])


def test_facility_capex_lead_time_rounding():
    model = base_model()
    model.phases[0].online_year = 2028
    model.phases[0].lead_time_years = 3.0
    p = valid_projection(model)
    # 3 periods (2025, 2026, 2027), $1.17B / 3 = $390M each.
    assert p.series("facility_capex_usd") == approx([390e6, 390e6, 390e6, 0, 0, 0])
    model.phases[0].lead_time_years = 0.4  # round(0.4) = 0 → at least one period: 2027
    p = valid_projection(model)
    assert p.series("facility_capex_usd") == approx([0, 0, 1.17e9, 0, 0, 0])
    model.phases[0].lead_time_years = 2.5  # halves round up: 3 periods, not 2 (half to even)
    p = valid_projection(model)
    assert p.series("facility_capex_usd") == approx([390e6, 390e6, 390e6, 0, 0, 0])


# --- IT capex ------------------------------------------------------------------------------

def test_it_capex_at_delivery_with_price_decline():
    model = base_model()
    model.accelerators[0].price_change_per_year = -0.10
    p = valid_projection(model)
    # Price in 2027 = 40,000 × 0.9² = 32,400; × 50,000 units = $1.62B, booked in 2027.
    assert p.series("it_capex_usd") == approx([0, 0, 1.62e9, 0, 0, 0])


def test_it_capex_follows_backlogged_deliveries_at_their_year_price():
    model = base_model()
    model.accelerators[0].price_change_per_year = -0.10
    add_line(model, SupplyKind.PACKAGING, 3_000)  # 3,000 wafers × 10 = 30,000 units/yr
    p = valid_projection(model)
    # 2027: 30,000 × 32,400 = 972M; 2028: 20,000 × 40,000 × 0.9³ (29,160) = 583.2M.
    assert p.series("accelerators_delivered") == approx([0, 0, 30_000, 20_000, 0, 0])
    assert p.series("it_capex_usd") == approx([0, 0, 972e6, 583.2e6, 0, 0])


def test_it_capex_lead_time_timing():
    model = base_model()
    model.accelerators[0].price_change_per_year = -0.10
    model.settings.it_capex_timing = ITCapexTiming.LEAD_TIME
    p = valid_projection(model)
    # Spread with the facility capex over 2025 and 2026, 25,000 units a year at that year's
    # price: 25,000 × 40,000 = $1.0B (2025), 25,000 × 36,000 = $0.9B (2026); nothing at delivery.
    assert p.series("it_capex_usd") == approx([1.0e9, 0.9e9, 0, 0, 0, 0])
    assert p.series("facility_capex_usd") == approx([585e6, 585e6, 0, 0, 0, 0])
    assert p.series("accelerators_delivered") == approx([0, 0, 50_000, 0, 0, 0])


# --- Energy, opex, emissions ---------------------------------------------------------------

def test_energy_opex_and_emissions():
    model = base_model()
    model.regions[0].electricity_price_change_per_year = 0.05
    p = valid_projection(model)
    # 100 MW × 0.8 × PUE 1.25 × 8760 h = 876,000 MWh a year once online (2027 on).
    mwh = 876_000.0
    assert p.series("energy_twh") == approx([0, 0] + [mwh / 1e6] * 4)
    # Price 100 × 1.05^(year − 2025): 2027 → 110.25, 2028 → 115.7625, ...
    prices = [100 * 1.05 ** (y - 2025) for y in YEARS]
    expected_opex = [0, 0] + [mwh * prices[i] for i in range(2, 6)]
    assert p.series("energy_opex_usd") == approx(expected_opex)
    assert p.series("energy_opex_usd")[idx(2027)] == pytest.approx(96_579_000, rel=REL)
    # 876,000 MWh × 400 kg/MWh / 1e9 = 0.3504 Mt CO2.
    assert p.series("emissions_mt") == approx([0, 0] + [0.3504] * 4)
    # Total spend = facility + IT + energy opex.
    total = (p.series("facility_capex_usd") + p.series("it_capex_usd")
             + p.series("energy_opex_usd"))
    assert p.series("total_spend_usd") == approx(total)


def test_site_pue_overrides_region_default():
    model = base_model()
    model.sites[0].pue = 1.1
    p = valid_projection(model)
    # 100 × 0.8 × 1.1 × 8760 = 770,880 MWh.
    assert p.series("energy_twh")[idx(2028)] == pytest.approx(0.77088, rel=REL)


def test_hours_per_year_setting():
    model = base_model()
    model.settings.hours_per_year = 8000.0
    p = valid_projection(model)
    # 100 × 0.8 × 1.25 × 8000 = 800,000 MWh.
    assert p.series("energy_twh")[idx(2028)] == pytest.approx(0.8, rel=REL)


# --- Supply: each kind binding -------------------------------------------------------------

def _ample_lines(model: Model, skip: SupplyKind) -> None:
    ample = {SupplyKind.PACKAGING: 1e6, SupplyKind.LOGIC: 1e6, SupplyKind.HBM: 1e10}
    for kind, cap in ample.items():
        if kind != skip:
            add_line(model, kind, cap)


@pytest.mark.parametrize(("kind", "capacity"), [
    # Each binds at 20,000 accelerators a year:
    (SupplyKind.PACKAGING, 2_000),  # 2,000 wafers × 10 units/wafer
    (SupplyKind.LOGIC, 1_000),  # 1,000 wafers × 20 units/wafer
    (SupplyKind.HBM, 2_000_000),  # 2,000,000 GB / 100 GB per unit
])
def test_each_kind_can_bind_and_backlog_delays_online(kind, capacity):
    model = base_model()
    _ample_lines(model, kind)
    add_line(model, kind, capacity, name="tight")
    p = valid_projection(model)
    # 50,000 wanted in 2027, 20,000 a year deliverable: 20k, 20k, 10k; backlog 30k, 10k, 0.
    assert p.series("accelerators_delivered") == approx([0, 0, 20_000, 20_000, 10_000, 0])
    assert p.series("backlog") == approx([0, 0, 30_000, 10_000, 0, 0])
    assert p.series("accelerators_installed") == approx([0, 0, 20_000, 40_000, 50_000, 50_000])
    # Online MW follows installed units (500 per MW): 40, 80, 100; planned is 100 from 2027.
    assert p.series("online_mw") == approx([0, 0, 40, 80, 100, 100])
    assert p.series("planned_mw") == approx([0, 0, 100, 100, 100, 100])
    assert p.bottleneck_names() == ["none", "none", str(kind), str(kind), "none", "none"]
    # Deliverable accelerators in the periods with requests: 20,000.
    for year in (2027, 2028, 2029):
        assert p.supply_units[idx(year)] == pytest.approx(20_000, rel=REL)
    # Requests: new 50,000 in 2027, then the backlog.
    assert p.requested_units == approx([0, 0, 50_000, 30_000, 10_000, 0])
    # Energy follows online MW (40 MW in 2027): 40 × 0.8 × 1.25 × 8760 = 350,400 MWh.
    assert p.series("energy_twh")[idx(2027)] == pytest.approx(0.3504, rel=REL)
    # Demand counts only new requests, not the backlog re-requested.
    assert p.series("accelerators_demanded") == approx([0, 0, 50_000, 0, 0, 0])


def test_supply_uses_ai_share_yield_and_share_to_model():
    model = base_model()
    model.settings.supply_share_to_model = 0.5
    # 10,000 wafers × 0.8 AI × 0.5 yield × 0.5 to the model = 2,000 wafers → 20,000 units.
    add_line(model, SupplyKind.PACKAGING, 10_000, ai_share=0.8, yield_fraction=0.5)
    p = valid_projection(model)
    assert p.series("accelerators_delivered") == approx([0, 0, 20_000, 20_000, 10_000, 0])
    assert p.bottleneck_names()[idx(2027)] == "packaging"


def test_supply_lines_of_a_kind_add_up_and_follow_capacity_by_year():
    model = base_model()
    add_line(model, SupplyKind.PACKAGING, 1_000)  # 10,000 units a year
    line = add_line(model, SupplyKind.PACKAGING, 0)
    line.capacity_by_year = {2027: 1_000, 2029: 3_000}  # 2028 interpolated: 2,000
    p = valid_projection(model)
    # 2027: (1,000 + 1,000) × 10 = 20,000; 2028: (1,000 + 2,000) × 10 = 30,000 ≥ 30,000 left.
    assert p.series("accelerators_delivered") == approx([0, 0, 20_000, 30_000, 0, 0])
    assert p.supply_units[idx(2028)] == pytest.approx(30_000, rel=REL)


def test_kinds_without_lines_do_not_constrain():
    model = base_model()
    add_line(model, SupplyKind.PACKAGING, 1e6)  # only packaging, and plenty of it
    p = valid_projection(model)
    assert p.series("accelerators_delivered") == approx([0, 0, 50_000, 0, 0, 0])
    assert p.bottleneck_names() == ["none"] * 6
    # Deliverable: 1e6 wafers × 10 = 10,000,000 units in the year with a request.
    assert p.supply_units[idx(2027)] == pytest.approx(1e7, rel=REL)


def test_the_tightest_kind_is_reported():
    model = base_model()
    add_line(model, SupplyKind.PACKAGING, 4_000)  # 40,000 units
    add_line(model, SupplyKind.LOGIC, 1_500)  # 30,000 units
    add_line(model, SupplyKind.HBM, 2_500_000)  # 25,000 units ← binds
    p = valid_projection(model)
    assert p.series("accelerators_delivered")[idx(2027)] == pytest.approx(25_000, rel=REL)
    assert p.bottleneck_names()[idx(2027)] == "hbm"


# --- Allocation ----------------------------------------------------------------------------

def _two_regions(model: Model) -> None:
    model.regions.append(Region("EU", electricity_price_usd_per_mwh=200.0, default_pue=1.25))
    model.regions[0].code = "US"


def test_pro_rata_between_two_sites():
    model = base_model()
    _two_regions(model)
    add_site(model, "T", "EU", 60.0, 2027)  # 60 × 500 = 30,000 units
    add_line(model, SupplyKind.PACKAGING, 4_000)  # 40,000 units for 80,000 wanted → half each
    p = valid_projection(model)
    assert p.series("accelerators_delivered", "US") == approx([0, 0, 25_000, 25_000, 0, 0])
    assert p.series("accelerators_delivered", "EU") == approx([0, 0, 15_000, 15_000, 0, 0])
    assert p.series("online_mw", "US") == approx([0, 0, 50, 100, 100, 100])
    assert p.series("online_mw", "EU") == approx([0, 0, 30, 60, 60, 60])
    assert p.supply_units[idx(2027)] == pytest.approx(40_000, rel=REL)


def test_pro_rata_with_a_request_weighted_mix_of_accelerators():
    model = base_model()
    _two_regions(model)
    model.accelerators.append(Accelerator("Y", first_year=2020, unit_price_usd=10_000,
                                          power_kw=2.0, units_per_packaging_wafer=5.0))
    add_site(model, "T", "EU", 60.0, 2027, accelerator="Y")  # 30,000 Y units = 6,000 wafers
    # X needs 50,000 / 10 = 5,000 wafers; total 11,000; supply 5,500 → every request gets half.
    add_line(model, SupplyKind.PACKAGING, 5_500)
    p = valid_projection(model)
    assert p.series("accelerators_delivered", "US")[idx(2027)] == pytest.approx(25_000, rel=REL)
    assert p.series("accelerators_delivered", "EU")[idx(2027)] == pytest.approx(15_000, rel=REL)
    # Deliverable at this mix: 80,000 × 0.5 = 40,000.
    assert p.supply_units[idx(2027)] == pytest.approx(40_000, rel=REL)
    # IT capex by region at each accelerator's price.
    assert p.series("it_capex_usd", "EU")[idx(2027)] == pytest.approx(15_000 * 10_000, rel=REL)


def test_region_cap_clips_deliveries_and_carries_backlog():
    model = base_model()
    _two_regions(model)
    model.regions[0].supply_cap_units_per_year = 10_000
    add_site(model, "T", "EU", 60.0, 2027)
    p = valid_projection(model)
    # US capped at 10,000 a year: 2027–2030 get 10k each, 10k still waiting in 2030.
    assert p.series("accelerators_delivered", "US") == approx([0, 0] + [10_000] * 4)
    assert p.series("backlog", "US") == approx([0, 0, 40_000, 30_000, 20_000, 10_000])
    assert p.series("online_mw", "US") == approx([0, 0, 20, 40, 60, 80])
    # EU uncapped and supply unconstrained: all 30,000 at once.
    assert p.series("accelerators_delivered", "EU") == approx([0, 0, 30_000, 0, 0, 0])


def test_region_cap_applies_before_supply_sharing():
    model = base_model()
    _two_regions(model)
    model.regions[0].supply_cap_units_per_year = 30_000
    add_site(model, "T", "EU", 60.0, 2027)
    add_line(model, SupplyKind.PACKAGING, 4_000)  # 40,000 units
    p = valid_projection(model)
    # US request clipped 50,000 → 30,000; total 60,000 for 40,000 → 2/3 each: 20,000 + 20,000.
    assert p.series("accelerators_delivered", "US")[idx(2027)] == pytest.approx(20_000, rel=REL)
    assert p.series("accelerators_delivered", "EU")[idx(2027)] == pytest.approx(20_000, rel=REL)


def test_multiplying_an_uncapped_region_cap_keeps_it_uncapped():
    """An uncapped region's cap is infinite; × 0 must not turn it into NaN.

    In a one-region model the engine already treats the result as uncapped; with another,
    capped region present the NaN cap reaches the allocator and every output becomes NaN.
    """
    model = base_model()
    _two_regions(model)
    model.regions[1].supply_cap_units_per_year = 1e6  # EU capped (far above its demand)
    add_site(model, "T", "EU", 60.0, 2027)
    model.scenarios.append(Scenario("x", overrides=[
        Override("region:US", "supply_cap_units_per_year", Operation.MULTIPLY, 0.0)]))
    p = valid_projection(model, "x")
    broken = [m.name for m, v in zip(METRICS, p.values, strict=True) if not np.isfinite(v).all()]
    assert broken == []
    assert p.series("accelerators_delivered", "US") == approx([0, 0, 50_000, 0, 0, 0])
    assert p.series("accelerators_delivered", "EU") == approx([0, 0, 30_000, 0, 0, 0])


def test_priority_tiers_are_served_first():
    model = base_model()
    _two_regions(model)
    model.regions[1].allocation_priority = 1  # EU first
    add_site(model, "T", "EU", 60.0, 2027)  # 30,000 units
    add_line(model, SupplyKind.PACKAGING, 4_000)  # 40,000 units
    p = valid_projection(model)
    # EU takes its 30,000; US gets the 10,000 left (then 40,000 of its backlog in 2028).
    assert p.series("accelerators_delivered", "EU") == approx([0, 0, 30_000, 0, 0, 0])
    assert p.series("accelerators_delivered", "US") == approx([0, 0, 10_000, 40_000, 0, 0])
    assert p.bottleneck_names()[idx(2027)] == "packaging"
    assert p.bottleneck_names()[idx(2028)] == "none"


def test_priority_tier_takes_everything_when_short():
    model = base_model()
    _two_regions(model)
    model.regions[0].allocation_priority = 2  # US first
    add_site(model, "T", "EU", 60.0, 2027)
    add_line(model, SupplyKind.PACKAGING, 2_000)  # 20,000 units < US's 50,000
    p = valid_projection(model)
    assert p.series("accelerators_delivered", "US") == approx([0, 0, 20_000, 20_000, 10_000, 0])
    assert p.series("accelerators_delivered", "EU") == approx([0, 0, 0, 0, 10_000, 20_000])
    assert p.bottleneck_names()[idx(2027)] == "packaging"


def test_deliverable_supply_is_consistent_with_tiered_deliveries():
    """The reported deliverable supply must not be below what the tiers actually received.

    Two accelerators with very different packaging needs: US (priority) uses X, 10 units per
    wafer; EU uses Y, 1 unit per wafer. 1,000 packaging wafers; US wants 50,000 X (5,000 wafers),
    EU wants 30,000 Y (30,000 wafers). Tiers: US gets 1,000 × 10 = 10,000 units, EU nothing.
    """
    model = base_model()
    _two_regions(model)
    model.regions[0].allocation_priority = 1
    model.accelerators.append(Accelerator("Y", first_year=2020, power_kw=2.0,
                                          units_per_packaging_wafer=1.0))
    add_site(model, "T", "EU", 60.0, 2027, accelerator="Y")
    add_line(model, SupplyKind.PACKAGING, 1_000)
    p = valid_projection(model)
    delivered = p.series("accelerators_delivered")[idx(2027)]
    assert delivered == pytest.approx(10_000, rel=REL)
    assert p.series("accelerators_delivered", "EU")[idx(2027)] == pytest.approx(0, abs=1e-6)
    # Supply versus delivered on the dashboard: delivered can never exceed the supply shown.
    assert delivered <= p.supply_units[idx(2027)] * (1 + 1e-9)


# --- Retirements ---------------------------------------------------------------------------

def _short_life(model: Model, replace: bool) -> None:
    model.accelerators[0].service_life_years = 2.0
    model.phases[0].online_year = 2026
    model.settings.replace_retired_accelerators = replace


def test_retirement_without_replacement():
    model = base_model()
    _short_life(model, replace=False)
    p = valid_projection(model)
    # Delivered 2026, life 2 → retire in 2028 and are not replaced.
    assert p.series("accelerators_installed") == approx([0, 50_000, 50_000, 0, 0, 0])
    assert p.series("online_mw") == approx([0, 100, 100, 0, 0, 0])
    assert p.series("planned_mw") == approx([0, 100, 100, 100, 100, 100])
    assert p.series("accelerators_delivered") == approx([0, 50_000, 0, 0, 0, 0])
    assert p.series("energy_twh")[idx(2028)] == pytest.approx(0, abs=1e-12)


def test_retirement_with_replacement():
    model = base_model()
    _short_life(model, replace=True)
    model.accelerators[0].price_change_per_year = -0.10
    p = valid_projection(model)
    # Replaced when they retire: 2028 and again 2030 (2028 + 2).
    assert p.series("accelerators_delivered") == approx([0, 50_000, 0, 50_000, 0, 50_000])
    assert p.series("accelerators_demanded") == approx([0, 50_000, 0, 50_000, 0, 50_000])
    assert p.series("accelerators_installed") == approx([0] + [50_000] * 5)
    assert p.series("online_mw") == approx([0] + [100] * 5)
    # IT capex at each year's price: 36,000 (2026), 29,160 (2028), 23,619.6 (2030).
    assert p.series("it_capex_usd") == approx(
        [0, 50_000 * 36_000, 0, 50_000 * 29_160, 0, 50_000 * 23_619.6])


def test_replacement_competes_for_supply():
    model = base_model()
    _short_life(model, replace=True)
    add_line(model, SupplyKind.PACKAGING, 3_000)  # 30,000 units a year
    p = valid_projection(model)
    # 2026: 30k (backlog 20k); 2027: 20k; 2028: 30k retire → request 30k → 30k;
    # 2029: 20k retire (from 2027) → 20k; 2030: 30k retire (from 2028) → 30k.
    assert p.series("accelerators_delivered") == approx([0, 30_000, 20_000, 30_000, 20_000,
                                                          30_000])
    assert p.series("accelerators_installed") == approx([0, 30_000] + [50_000] * 4)


def _shifted_before_base(years: int, life: float, replace: bool) -> Model:
    """Phase planned 2025 pulled forward ``years`` by a scenario (validation keeps planned
    online years inside the model's range; a negative shift is how a phase predates the base)."""
    model = base_model()
    model.phases[0].online_year = 2025
    model.accelerators[0].first_year = 2010
    model.accelerators[0].service_life_years = life
    model.settings.replace_retired_accelerators = replace
    model.scenarios.append(Scenario("early", overrides=[
        Override("phase:S/P1", "online_year", Operation.SHIFT_YEARS, -years)]))
    return model


def test_phase_online_before_base_year_is_installed_and_retires():
    # Online 2023 (2025 − 2), life 3: installed from the start, retires 2026.
    p = valid_projection(_shifted_before_base(2, 3.0, replace=False), "early")
    assert p.series("accelerators_installed") == approx([50_000, 0, 0, 0, 0, 0])
    assert p.series("planned_mw") == approx([100] * 6)
    assert p.series("accelerators_delivered") == approx([0] * 6)
    assert p.series("facility_capex_usd") == approx([0] * 6)  # spent before the base year
    p = valid_projection(_shifted_before_base(2, 3.0, replace=True), "early")
    # Replaced in 2026, those retire 2029 and are replaced again.
    assert p.series("accelerators_delivered") == approx([0, 50_000, 0, 0, 50_000, 0])
    assert p.series("accelerators_installed") == approx([50_000] * 6)


def test_units_retired_before_the_base_year_are_not_installed():
    """Online 2015 (2025 shifted −10), 5-year life, no replacement: nothing left by 2025."""
    p = valid_projection(_shifted_before_base(10, 5.0, replace=False), "early")
    assert p.series("accelerators_installed") == approx([0] * 6)
    assert p.series("online_mw") == approx([0] * 6)
    assert p.series("energy_twh") == approx([0] * 6)


# --- Quarterly periods ---------------------------------------------------------------------

def _quarterly() -> Model:
    model = base_model()
    model.settings.period = PeriodKind.QUARTER
    model.settings.horizon_year = 2027  # 12 quarters: 2025Q1 … 2027Q4
    model.phases[0].online_year = 2026
    model.phases[0].online_quarter = 3
    model.phases[0].lead_time_years = 1.0
    return model


def test_quarterly_labels_and_online_quarter():
    p = valid_projection(_quarterly())
    assert p.period_labels[:4] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert len(p.period_labels) == 12
    # (2026 + 2/4 − 2025) × 4 = period 6 = "2026Q3".
    start = p.period_labels.index("2026Q3")
    assert start == 6
    assert p.series("planned_mw") == approx([0] * 6 + [100] * 6)
    assert p.series("accelerators_demanded") == approx([0] * 6 + [50_000] + [0] * 5)
    # Facility capex over the 4 quarters before: 2025Q3 … 2026Q2, $1.17B / 4 each.
    assert p.series("facility_capex_usd") == approx([0, 0] + [292.5e6] * 4 + [0] * 6)


def test_quarterly_supply_energy_price_and_caps():
    model = _quarterly()
    model.accelerators[0].price_change_per_year = -0.10
    add_line(model, SupplyKind.PACKAGING, 8_000)  # 8,000 wafers/yr → 2,000/quarter → 20,000 units
    p = valid_projection(model)
    assert p.series("accelerators_delivered") == approx(
        [0] * 6 + [20_000, 20_000, 10_000, 0, 0, 0])
    assert p.series("online_mw") == approx([0] * 6 + [40, 80, 100, 100, 100, 100])
    # A quarter of a year's energy: 40 MW × 0.8 × 1.25 × 8760 / 4 = 87,600 MWh.
    assert p.series("energy_twh")[6] == pytest.approx(0.0876, rel=REL)
    # Price after 6 quarters of −10 %/yr: 40,000 × 0.9^1.5.
    assert p.series("it_capex_usd")[6] == pytest.approx(20_000 * 40_000 * 0.9 ** 1.5, rel=1e-9)
    model.supply_lines = []
    model.regions[0].supply_cap_units_per_year = 40_000  # 10,000 a quarter
    p = valid_projection(model)
    assert p.series("accelerators_delivered") == approx([0] * 6 + [10_000] * 5 + [0])


def test_quarterly_year_range_override_covers_the_four_quarters():
    model = _quarterly()
    add_line(model, SupplyKind.PACKAGING, 8_000)  # 20,000 units a quarter
    model.scenarios.append(Scenario("half-2026", overrides=[
        Override("supply_line:*", "capacity_by_year", Operation.MULTIPLY, 0.5, 2026, 2026)]))
    p = valid_projection(model, "half-2026")
    # 2026 quarters: 10,000 each; 2027 back to 20,000: 10k (Q3), 10k (Q4), 20k, 10k.
    assert p.series("accelerators_delivered") == approx(
        [0] * 6 + [10_000, 10_000, 20_000, 10_000, 0, 0])
    assert list(p.supply_units[6:10]) == pytest.approx([10_000, 10_000, 20_000, 20_000])


def test_quarterly_retirement_and_npv():
    model = _quarterly()
    model.accelerators[0].service_life_years = 1.0  # 4 quarters
    model.settings.replace_retired_accelerators = False
    model.settings.discount_rate = 0.08
    p = valid_projection(model)
    assert p.series("accelerators_installed") == approx([0] * 6 + [50_000] * 4 + [0, 0])
    facility = p.series("facility_capex_usd")
    # Discounted by 1.08^−(t/4): quarters 2..5.
    expected = sum(292.5e6 * 1.08 ** -(t / 4) for t in range(2, 6))
    assert p.npv("facility_capex_usd") == pytest.approx(expected, rel=1e-9)
    assert facility.sum() == pytest.approx(1.17e9, rel=1e-9)


# --- Cumulative and NPV --------------------------------------------------------------------

def test_cumulative_and_npv():
    model = base_model()
    model.settings.discount_rate = 0.08
    model.accelerators[0].price_change_per_year = -0.10
    p = valid_projection(model)
    assert p.cumulative("facility_capex_usd") == approx([585e6, 1.17e9] + [1.17e9] * 4)
    # 585M + 585M / 1.08
    assert p.npv("facility_capex_usd") == pytest.approx(585e6 + 585e6 / 1.08, rel=1e-12)
    # IT capex 1.62B in 2027 discounted two years.
    assert p.npv("it_capex_usd") == pytest.approx(1.62e9 / 1.08 ** 2, rel=1e-12)
    assert p.npv("facility_capex_usd", "US") == pytest.approx(p.npv("facility_capex_usd"))
    assert p.discount_factors() == approx([1.08 ** -t for t in range(6)])
    # A scenario may set the discount rate: 585M + 585M / 1.1.
    model.scenarios.append(Scenario("r", overrides=[
        Override("settings", "discount_rate", Operation.SET, 0.10)]))
    assert valid_projection(model, "r").npv("facility_capex_usd") == pytest.approx(
        585e6 + 585e6 / 1.1, rel=1e-12)


# --- Scenario overrides --------------------------------------------------------------------

def _with_scenarios(model: Model, *scenarios: Scenario) -> Model:
    model.scenarios.extend(scenarios)
    return model


def _demanded_2027(p) -> float:
    return float(p.series("accelerators_demanded").sum())


@pytest.mark.parametrize(("override", "expected_units"), [
    (Override("site:S", "completion_probability", Operation.SET, 0.5), 25_000),
    (Override("phase:S/P1", "capacity_mw", Operation.MULTIPLY, 2.0), 100_000),
    (Override("accelerator:X", "power_kw", Operation.ADD, 2.0), 25_000),  # 4 kW → 250 per MW
    (Override("site:S", "accelerators_per_mw", Operation.MULTIPLY, 0.5), 25_000),  # 500 → 250
])
def test_override_operations(override, expected_units):
    model = _with_scenarios(base_model(), Scenario("s", overrides=[override]))
    p = valid_projection(model, "s")
    assert _demanded_2027(p) == pytest.approx(expected_units, rel=REL)
    base = valid_projection(model)
    assert _demanded_2027(base) == pytest.approx(50_000, rel=REL)


def test_override_multiply_on_a_defaulted_field_uses_the_default():
    model = _with_scenarios(base_model(), Scenario("s", overrides=[
        Override("site:S", "pue", Operation.MULTIPLY, 1.2),  # region default 1.25 → 1.5
        Override("phase:S/P1", "facility_capex_usd_per_mw", Operation.ADD, 300_000),  # 12M
    ]))
    p = valid_projection(model, "s")
    # 100 × 0.8 × 1.5 × 8760 = 1,051,200 MWh.
    assert p.series("energy_twh")[idx(2028)] == pytest.approx(1.0512, rel=REL)
    assert p.series("facility_capex_usd") == approx([600e6, 600e6, 0, 0, 0, 0])


def test_override_shift_years():
    model = _with_scenarios(base_model(), Scenario("s", overrides=[
        Override("phase:S/P1", "online_year", Operation.SHIFT_YEARS, 1)]))
    p = valid_projection(model, "s")
    assert p.series("accelerators_demanded") == approx([0, 0, 0, 50_000, 0, 0])
    assert p.series("planned_mw") == approx([0, 0, 0, 100, 100, 100])
    # Facility capex moves with the phase: 2026 and 2027.
    assert p.series("facility_capex_usd") == approx([0, 585e6, 585e6, 0, 0, 0])


@pytest.mark.parametrize("order", ["set_then_shift", "shift_then_set"])
def test_set_and_shift_compose(order):
    set_ = Override("phase:S/P1", "online_year", Operation.SET, 2026)
    shift = Override("phase:S/P1", "online_year", Operation.SHIFT_YEARS, 2)
    overrides = [set_, shift] if order == "set_then_shift" else [shift, set_]
    model = _with_scenarios(base_model(), Scenario("s", overrides=overrides))
    p = valid_projection(model, "s")
    # Set to 2026 and shifted by 2 years → 2028, in either order.
    assert p.series("accelerators_demanded") == approx([0, 0, 0, 50_000, 0, 0])


def _every_year_demand(model: Model) -> None:
    """One 100-MW phase a year 2025…2030 (50,000 units each) so requests never run dry."""
    model.phases = [Phase("S", f"P{y}", capacity_mw=100.0, online_year=y, lead_time_years=1.0)
                    for y in YEARS]


def test_override_year_range_on_a_time_series():
    model = base_model()
    _every_year_demand(model)
    add_line(model, SupplyKind.PACKAGING, 2_000, name="pk")  # 20,000 units a year
    add_line(model, SupplyKind.LOGIC, 1e6, name="lg")
    _with_scenarios(model, Scenario("tight", overrides=[
        Override("supply_line[kind=packaging]", "capacity_by_year", Operation.MULTIPLY, 0.5,
                 year_from=2025, year_to=2027)]))
    base = valid_projection(model)
    tight = valid_projection(model, "tight")
    assert base.supply_units == approx([20_000] * 6)
    # Halved only in 2025–2027.
    assert tight.supply_units == approx([10_000] * 3 + [20_000] * 3)
    assert tight.series("accelerators_delivered") == approx([10_000] * 3 + [20_000] * 3)
    assert tight.bottleneck_names() == ["packaging"] * 6


def test_override_year_range_on_price_series():
    model = _with_scenarios(base_model(), Scenario("s", overrides=[
        Override("accelerator:X", "unit_price_usd", Operation.MULTIPLY, 1.1, 2027, 2027)]))
    model.phases.append(Phase("S", "P2", capacity_mw=100, online_year=2028))
    p = valid_projection(model, "s")
    # 2027 deliveries at 44,000; 2028 back at 40,000.
    assert p.series("it_capex_usd")[idx(2027)] == pytest.approx(50_000 * 44_000, rel=REL)
    assert p.series("it_capex_usd")[idx(2028)] == pytest.approx(50_000 * 40_000, rel=REL)


def test_override_year_range_filters_phases_by_planned_online_year():
    model = base_model()
    model.phases.append(Phase("S", "P2", capacity_mw=100, online_year=2029, lead_time_years=2))
    _with_scenarios(model, Scenario("later", overrides=[
        Override("phase[site=S]", "capacity_mw", Operation.MULTIPLY, 2.0, year_from=2028)]))
    p = valid_projection(model, "later")
    # P1 (2027) untouched: 50,000; P2 (2029) doubled: 100,000.
    assert p.series("accelerators_demanded") == approx([0, 0, 50_000, 0, 100_000, 0])


def test_group_selectors():
    model = base_model()
    _two_regions(model)
    model.accelerators.append(Accelerator("Y", first_year=2020, unit_price_usd=10_000,
                                          power_kw=2.0))
    add_site(model, "T", "EU", 100.0, 2027, accelerator="Y")
    add_line(model, SupplyKind.PACKAGING, 1e6, name="pk")
    add_line(model, SupplyKind.LOGIC, 1_000, name="lg")  # X: 20/wafer → binds on logic
    _with_scenarios(model, Scenario("g", overrides=[
        Override("site[region=EU]", "utilisation", Operation.SET, 0.5),
        Override("supply_line[kind=packaging]", "capacity_by_year", Operation.MULTIPLY, 0.0),
        Override("accelerator:Y", "unit_price_usd", Operation.MULTIPLY, 2.0),
    ]))
    base = valid_projection(model)
    g = valid_projection(model, "g")
    # Base: 50,000 X (2,500 logic wafers) + 50,000 Y (1,667 at 30/wafer) > 1,000 wafers.
    assert base.bottleneck_names()[idx(2027)] == "logic"
    # Packaging zeroed → nothing at all delivered, packaging binds; logic line untouched.
    assert g.series("accelerators_delivered") == approx([0] * 6)
    assert g.bottleneck_names()[idx(2027)] == "packaging"
    # The edited arrays: utilisation only in EU, only Y's price, only the packaging line.
    arrays = Projector(model).arrays("g")
    assert list(arrays.tables["site"].fields["utilisation"][:, 0]) == [0.8, 0.5]
    assert list(arrays.tables["accelerator"].fields["unit_price_usd"][:, 0]) == [40_000, 20_000]
    assert list(arrays.tables["supply_line"].fields["capacity_by_year"][:, 0]) == [0.0, 1_000]


def test_group_selector_effects_on_outputs():
    model = base_model()
    _two_regions(model)
    model.accelerators.append(Accelerator("Y", first_year=2020, unit_price_usd=10_000,
                                          power_kw=2.0))
    add_site(model, "T", "EU", 100.0, 2027, accelerator="Y")
    _with_scenarios(model, Scenario("g", overrides=[
        Override("site[region=EU]", "utilisation", Operation.SET, 0.4),
        Override("accelerator:Y", "unit_price_usd", Operation.MULTIPLY, 2.0),
    ]))
    p = valid_projection(model, "g")
    # US unchanged: 876,000 MWh; EU at utilisation 0.4: 438,000 MWh.
    assert p.series("energy_twh", "US")[idx(2028)] == pytest.approx(0.876, rel=REL)
    assert p.series("energy_twh", "EU")[idx(2028)] == pytest.approx(0.438, rel=REL)
    # IT capex: US 50,000 × 40,000 = 2B; EU 50,000 × 20,000 = 1B.
    assert p.series("it_capex_usd", "US")[idx(2027)] == pytest.approx(2e9, rel=REL)
    assert p.series("it_capex_usd", "EU")[idx(2027)] == pytest.approx(1e9, rel=REL)


def test_settings_override():
    model = _with_scenarios(base_model(), Scenario("s", overrides=[
        Override("settings", "default_facility_capex_usd_per_mw", Operation.SET, 10e6)]))
    p = valid_projection(model, "s")
    assert p.series("facility_capex_usd") == approx([500e6, 500e6, 0, 0, 0, 0])


def test_inheritance_child_after_parent_and_child_wins():
    parent = Scenario("parent", overrides=[
        Override("phase:S/P1", "capacity_mw", Operation.SET, 200.0),
        Override("site:S", "completion_probability", Operation.SET, 0.5),
    ])
    child = Scenario("child", parent="parent", overrides=[
        Override("phase:S/P1", "capacity_mw", Operation.MULTIPLY, 1.5),  # after SET 200 → 300
        Override("site:S", "completion_probability", Operation.SET, 0.8),  # wins over 0.5
    ])
    grandchild = Scenario("grandchild", parent="child", overrides=[
        Override("phase:S/P1", "capacity_mw", Operation.ADD, 100.0),  # 300 + 100 = 400
    ])
    model = _with_scenarios(base_model(), parent, child, grandchild)
    # Parent: 200 MW × 0.5 = 100 MW → 50,000 units.
    assert _demanded_2027(valid_projection(model, "parent")) == pytest.approx(50_000)
    # Child: 300 MW × 0.8 = 240 MW → 120,000 units (had the child run first: 200 × 0.5).
    assert _demanded_2027(valid_projection(model, "child")) == pytest.approx(120_000)
    # Grandchild: 400 × 0.8 = 320 MW → 160,000 units.
    assert _demanded_2027(valid_projection(model, "grandchild")) == pytest.approx(160_000)


def test_extra_overrides_apply_after_the_scenario():
    model = _with_scenarios(base_model(), Scenario("s", overrides=[
        Override("phase:S/P1", "capacity_mw", Operation.SET, 200.0)]))
    p = project(model, "s", extra=[Override("phase:S/P1", "capacity_mw", Operation.MULTIPLY, 0.5)])
    assert _demanded_2027(p) == pytest.approx(50_000)


def test_projecting_does_not_mutate_the_model():
    model = base_model()
    _every_year_demand(model)
    add_line(model, SupplyKind.PACKAGING, 2_000)
    model.regions[0].supply_cap_units_per_year = 30_000
    _with_scenarios(model, Scenario("a", overrides=[
        Override("supply_line[kind=packaging]", "capacity_by_year", Operation.MULTIPLY, 0.5,
                 2025, 2027),
        Override("phase[site=S]", "online_year", Operation.SHIFT_YEARS, 1),
        Override("phase:S/P2027", "online_year", Operation.SET, 2029),
        Override("site:S", "pue", Operation.MULTIPLY, 1.1),
        Override("region:US", "supply_cap_units_per_year", Operation.SET, 5_000),
        Override("accelerator:X", "unit_price_usd", Operation.MULTIPLY, 0.5),
        Override("settings", "discount_rate", Operation.SET, 0.2),
    ]), Scenario("b", parent="a", overrides=[
        Override("phase:*", "capacity_mw", Operation.MULTIPLY, 3.0)]))
    before = copy.deepcopy(model)
    for scenario in (None, "a", "b", "a"):
        project(model, scenario)
    assert model == before
    assert model.supply_lines[0].capacity_by_year == {2025: 2_000}
    assert [p.online_year for p in model.phases] == YEARS
    # And projecting again gives identical numbers (nothing leaked from the scenario runs).
    assert np.array_equal(project(model).values, project(before).values)


def test_a_document_with_supply_but_no_phases_projects_to_zero() -> None:
    """A new document gets a supply line before any site: nothing is demanded, nothing binds."""
    from desktop_app.core.engine.montecarlo import run_monte_carlo
    from desktop_app.core.model import Distribution, Scenario, SupplyKind, SupplyLine, Uncertainty

    model = Model(Settings(base_year=2025, horizon_year=2030), [Region("R")], [Accelerator("A")],
                  [], [], [SupplyLine("pk", kind=SupplyKind.PACKAGING,
                                      capacity_by_year={2025: 5_000})])
    model.scenarios = [Scenario("mc", uncertainties=[Uncertainty(
        "Supply", "supply_line:*", "capacity_by_year", Distribution("uniform", (0.5, 1.5)))])]
    projection = project(model)
    assert not projection.values.any()
    assert projection.bottleneck_names() == ["none"] * 6
    result = run_monte_carlo(model, "mc", 50, seed=1)
    assert result.samples.shape[0] == 50 and not result.samples.any()


@pytest.mark.parametrize(("base", "horizon"), [(2025, 99_999), (1, 2030), (2025, "2030")])
def test_a_projection_window_validation_refuses_is_refused_at_once(base, horizon) -> None:
    """A horizon of 99999 would build ~100,000 periods (minutes, gigabytes) before anyone saw
    the validation problem; the dashboard shows the engine's refusal instead."""
    model = Model(Settings(base_year=base, horizon_year=horizon), [Region("R")],
                  [Accelerator("A")], [Site("S", region="R", accelerator="A")],
                  [Phase("S", "P", capacity_mw=10.0, online_year=2026)])
    with pytest.raises(ValueError, match="at most 40 years"):
        project(model)


def test_demand_growth_overrides_stop_at_the_projectable_window() -> None:
    from desktop_app.core.drivers import overrides_for

    model = Model(Settings(base_year=2025, horizon_year=4000))
    assert len(overrides_for(model, "demand_growth", 50.0)) == 40
