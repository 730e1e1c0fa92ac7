"""Monte Carlo: reproducible, chunked, converging, correlated, cancellable, compact.

The reference model: one 100-MW phase online 2027 in region US (lead time 2 years, $11.7M/MW, so
deterministic facility capex is $585M in each of 2025 and 2026), and a second 50-MW site in EU.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest

from desktop_app.core.engine.correlation import rank_correlation
from desktop_app.core.engine.montecarlo import (
    Assembler,
    Cancelled,
    plan_run,
    run_chunk,
    run_monte_carlo,
)
from desktop_app.core.engine.project import ENGINE_VERSION, project
from desktop_app.core.model import (
    Accelerator,
    Correlation,
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
from desktop_app.core.validation import validate

CAPACITY = Uncertainty("Capacity", "phase:*", "capacity_mw", Distribution("normal", (1.0, 0.1)))
PRICE = Uncertainty("Price", "accelerator:*", "unit_price_usd",
                    Distribution("lognormal", (1.0, 0.2)))
ELECTRICITY = Uncertainty("Electricity", "region:*", "electricity_price_usd_per_mwh",
                          Distribution("uniform", (0.8, 1.2)))
SUPPLY = Uncertainty("Supply", "supply_line[kind=packaging]", "capacity_by_year",
                     Distribution("pert", (0.6, 1.0, 1.3)))


def make_model(*uncertainties: Uncertainty, correlations: list[Correlation] | None = None
               ) -> Model:
    model = Model(
        settings=Settings(base_year=2025, horizon_year=2030, discount_rate=0.05),
        regions=[Region("US", electricity_price_usd_per_mwh=100.0, default_pue=1.25),
                 Region("EU", electricity_price_usd_per_mwh=200.0, default_pue=1.2)],
        accelerators=[Accelerator("X", first_year=2020, unit_price_usd=40_000.0, power_kw=2.0,
                                  units_per_packaging_wafer=10.0, service_life_years=10.0)],
        sites=[Site("S", region="US", accelerator="X", utilisation=0.8),
               Site("T", region="EU", accelerator="X", utilisation=0.7)],
        phases=[Phase("S", "P1", capacity_mw=100.0, online_year=2027, lead_time_years=2.0),
                Phase("T", "P1", capacity_mw=50.0, online_year=2027, lead_time_years=2.0)],
        supply_lines=[SupplyLine("pk", kind=SupplyKind.PACKAGING, capacity_by_year={2025: 5_000})],
        scenarios=[Scenario("mc", uncertainties=list(uncertainties),
                            correlations=list(correlations or []))],
    )
    assert [str(p) for p in validate(model)] == []
    return model


def test_same_seed_gives_bit_identical_samples():
    model = make_model(CAPACITY, PRICE, SUPPLY)
    first = run_monte_carlo(model, "mc", 3_000, seed=42)
    second = run_monte_carlo(model, "mc", 3_000, seed=42)
    assert first.samples.dtype == np.float32
    assert first.samples.tobytes() == second.samples.tobytes()
    assert np.array_equal(first.bottleneck, second.bottleneck)
    for name in first.inputs:
        assert first.inputs[name].tobytes() == second.inputs[name].tobytes()


def test_different_seed_gives_different_samples():
    model = make_model(CAPACITY, PRICE, SUPPLY)
    first = run_monte_carlo(model, "mc", 1_000, seed=1)
    second = run_monte_carlo(model, "mc", 1_000, seed=2)
    assert not np.array_equal(first.samples, second.samples)
    assert not np.array_equal(first.inputs["Price"], second.inputs["Price"])


def test_chunks_are_independent_of_the_sample_count():
    model = make_model(CAPACITY, PRICE, SUPPLY)
    small = run_monte_carlo(model, "mc", 5_000, seed=7)
    large = run_monte_carlo(model, "mc", 9_000, seed=7)
    chunk = small.info.chunk_samples
    assert chunk == large.info.chunk_samples
    assert 0 < chunk < 5_000, "the test needs more than one chunk"
    assert np.array_equal(small.samples[:chunk], large.samples[:chunk])
    assert np.array_equal(small.inputs["Price"][:chunk], large.inputs["Price"][:chunk])
    # The second chunk differs in size, so only its seed is shared; the run as a whole differs.
    assert not np.array_equal(small.samples[chunk:], large.samples[chunk:5_000])


def test_chunks_assembled_in_any_order_give_the_same_run():
    model = make_model(CAPACITY, PRICE, SUPPLY)
    plan = plan_run(model, "mc", 10_000, seed=3)
    assert plan.chunk_count >= 3
    assembler = Assembler(plan)
    for index in reversed(range(plan.chunk_count)):
        assembler.add(index, run_chunk(plan, index))
    shuffled = assembler.result()
    in_order = run_monte_carlo(model, "mc", 10_000, seed=3)
    assert np.array_equal(shuffled.samples, in_order.samples)
    assert np.array_equal(shuffled.bottleneck, in_order.bottleneck)


def test_without_uncertainties_every_sample_is_the_deterministic_projection():
    model = make_model()
    result = run_monte_carlo(model, "mc", 100, seed=1)
    deterministic = project(model, "mc")
    for name in ("facility_capex_usd", "it_capex_usd", "energy_opex_usd", "online_mw",
                 "accelerators_delivered", "backlog"):
        det = deterministic.series(name)
        assert np.allclose(result.sample_series(name), det[None, :], rtol=1e-5,
                           atol=1e-6 * max(1.0, float(np.abs(det).max())))
    assert np.array_equal(result.bottleneck[0], deterministic.bottleneck)


def test_mean_converges_to_the_deterministic_value_of_a_linear_output():
    model = make_model(CAPACITY)
    result = run_monte_carlo(model, "mc", 20_000, seed=11)
    deterministic = project(model, "mc").series("facility_capex_usd")
    assert deterministic[0] == pytest.approx(585e6 + 292.5e6)  # US 585M + EU 50 × 11.7M / 2
    mean = result.mean("facility_capex_usd")
    error = result.standard_error("facility_capex_usd")
    for t in (0, 1):
        assert error[t] > 0
        assert abs(mean[t] - deterministic[t]) < 4 * error[t]
    # The capacity draws themselves: mean 1, sd 0.1.
    draws = result.inputs["Capacity"].astype(np.float64)
    assert abs(draws.mean() - 1.0) < 4 * 0.1 / np.sqrt(draws.size)
    assert draws.std() == pytest.approx(0.1, rel=0.03)


def test_standard_error_shrinks_as_one_over_root_n():
    model = make_model(CAPACITY, PRICE)
    small = run_monte_carlo(model, "mc", 1_000, seed=5)
    large = run_monte_carlo(model, "mc", 16_000, seed=5)
    for name in ("facility_capex_usd", "it_capex_usd"):
        t = 0 if name == "facility_capex_usd" else 2
        ratio = small.standard_error(name)[t] / large.standard_error(name)[t]
        assert 3.0 < ratio < 5.3, (name, ratio)  # √16 = 4


def test_percentiles_are_ordered():
    model = make_model(CAPACITY, PRICE, ELECTRICITY, SUPPLY)
    result = run_monte_carlo(model, "mc", 4_000, seed=9)
    for name in ("facility_capex_usd", "it_capex_usd", "energy_opex_usd", "online_mw",
                 "accelerators_delivered", "total_spend_usd"):
        p10, p50, p90 = (result.percentile(name, q) for q in (10, 50, 90))
        assert np.all(p10 <= p50) and np.all(p50 <= p90), name
        for region in ("US", "EU"):
            lo, hi = result.percentile(name, 10, region), result.percentile(name, 90, region)
            assert np.all(lo <= hi)
    # A real spread where inputs are uncertain.
    assert result.percentile("it_capex_usd", 90)[2] > result.percentile("it_capex_usd", 10)[2]


def test_progress_rises_monotonically_to_one():
    model = make_model(CAPACITY)
    seen: list[float] = []
    run_monte_carlo(model, "mc", 10_000, seed=1, progress=seen.append)
    assert len(seen) >= 3
    assert all(b > a for a, b in itertools.pairwise(seen))
    assert all(0 < x <= 1 for x in seen)
    assert seen[-1] == pytest.approx(1.0)


def test_should_cancel_raises_cancelled():
    model = make_model(CAPACITY)
    calls: list[int] = []
    seen: list[float] = []

    def cancel_after_first_chunk() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        run_monte_carlo(model, "mc", 10_000, seed=1, progress=seen.append,
                        should_cancel=cancel_after_first_chunk)
    assert len(seen) == 1 and seen[0] < 1.0
    with pytest.raises(Cancelled):
        run_monte_carlo(model, "mc", 100, seed=1, should_cancel=lambda: True)


@pytest.mark.parametrize("chunk", [16, 1024])
def test_correlated_inputs_reach_the_target_at_any_chunk_size_and_keep_their_marginals(chunk):
    """A Gaussian copula: exact in distribution whatever the chunking (Iman–Conover per
    16-sample chunk reached 0.41 for 0.5). Marginals are each input's own: sample quantiles
    match the inverse CDF, for a lognormal, a triangular and a PERT."""
    from desktop_app.core import distributions

    target = 0.7
    triangular = Uncertainty("Carbon", "region:*", "grid_carbon_kg_per_mwh",
                             Distribution("triangular", (0.5, 0.8, 1.5)))
    pert = Uncertainty("Capex", "settings", "default_facility_capex_usd_per_mw",
                       Distribution("pert", (0.8, 1.0, 1.6)))
    correlated = make_model(PRICE, ELECTRICITY, triangular, pert, correlations=[
        Correlation("Price", "Electricity", target), Correlation("Carbon", "Capex", -0.4),
        Correlation("Price", "Capex", 0.3)])
    a = run_monte_carlo(correlated, "mc", 20_000, seed=123, chunk_samples=chunk)
    for first, second, wanted in (("Price", "Electricity", target), ("Carbon", "Capex", -0.4),
                                  ("Price", "Capex", 0.3), ("Electricity", "Carbon", 0.0)):
        rho = rank_correlation(a.inputs[first], a.inputs[second])
        assert abs(rho - wanted) < 0.03, (first, second, rho)  # s.e. ≈ 0.007 here
    for u in (PRICE, ELECTRICITY, triangular, pert):
        values = a.inputs[u.name].astype(np.float64)
        for q in (0.05, 0.25, 0.5, 0.75, 0.95):
            expected = distributions.quantile(u.distribution, q)
            assert abs(np.quantile(values, q) - expected) < 0.01 * abs(expected), (u.name, q)
    # ... and the correlation reaches the outputs the inputs drive: IT capex (price, 2027) and
    # energy opex (electricity, 2027).
    it_capex = a.sample_series("it_capex_usd")[:, 2]
    opex = a.sample_series("energy_opex_usd")[:, 2]
    assert rank_correlation(it_capex, opex) > 0.6
    independent = run_monte_carlo(make_model(PRICE, ELECTRICITY), "mc", 5_000, seed=123)
    assert abs(rank_correlation(independent.inputs["Price"],
                                independent.inputs["Electricity"])) < 0.05


def test_a_child_that_redefines_a_correlated_input_per_entity_is_a_problem_not_a_crash():
    from desktop_app.core.engine.correlation import CorrelationError

    model = make_model(PRICE, ELECTRICITY,
                       correlations=[Correlation("Price", "Electricity", 0.5)])
    per_region = Uncertainty("Electricity", "region:*", "electricity_price_usd_per_mwh",
                             Distribution("uniform", (0.8, 1.2)), per_entity=True)
    model.scenarios.append(Scenario("child", parent="mc", uncertainties=[per_region]))
    problems = [str(p) for p in validate(model)]
    assert any("child" in p and "drawn per entity" in p for p in problems), problems
    with pytest.raises(CorrelationError, match="shared"):
        run_monte_carlo(model, "child", 100, seed=1)


def test_a_child_may_correlate_what_it_inherits_but_not_contradict_it():
    model = make_model(PRICE, ELECTRICITY, CAPACITY,
                       correlations=[Correlation("Price", "Electricity", 0.6),
                                     Correlation("Price", "Capacity", 0.6)])
    model.scenarios.append(Scenario("agrees", parent="mc",
                                    correlations=[Correlation("Electricity", "Capacity", 0.7)]))
    assert validate(model) == []
    result = run_monte_carlo(model, "agrees", 4_000, seed=2)
    assert abs(rank_correlation(result.inputs["Electricity"], result.inputs["Capacity"])
               - 0.7) < 0.05
    model.scenarios.append(Scenario("contradicts", parent="mc",
                                    correlations=[Correlation("Electricity", "Capacity", -0.9)]))
    problems = [str(p) for p in validate(model)]
    assert any("contradicts" in p and "contradict each other" in p for p in problems), problems


def test_negative_correlation():
    model = make_model(PRICE, ELECTRICITY,
                       correlations=[Correlation("Price", "Electricity", -0.5)])
    result = run_monte_carlo(model, "mc", 5_000, seed=4)
    assert abs(rank_correlation(result.inputs["Price"], result.inputs["Electricity"]) + 0.5) < 0.05


def test_per_entity_draws_differ_across_sites():
    per_site = Uncertainty("Capacity", "phase:*", "capacity_mw",
                           Distribution("triangular", (0.7, 1.0, 1.15)), per_entity=True)
    shared = Uncertainty("Capacity", "phase:*", "capacity_mw",
                         Distribution("triangular", (0.7, 1.0, 1.15)))
    a = run_monte_carlo(make_model(per_site), "mc", 4_000, seed=8)
    b = run_monte_carlo(make_model(shared), "mc", 4_000, seed=8)
    # Facility capex in 2025: US 100 MW × 11.7M / 2 × draw_S; EU 50 MW × 11.7M / 2 × draw_T.
    us_a, eu_a = (a.sample_series("facility_capex_usd", r)[:, 0] / base
                  for r, base in (("US", 585e6), ("EU", 292.5e6)))
    us_b, eu_b = (b.sample_series("facility_capex_usd", r)[:, 0] / base
                  for r, base in (("US", 585e6), ("EU", 292.5e6)))
    # Independent draws per site: different values, nearly uncorrelated.
    assert np.mean(np.abs(us_a - eu_a) > 1e-4) > 0.95
    assert abs(np.corrcoef(us_a, eu_a)[0, 1]) < 0.1
    # One shared draw: both sites scale together.
    assert np.allclose(us_b, eu_b, rtol=1e-5)
    # Same marginal either way (triangular mean (0.7 + 1 + 1.15) / 3 = 0.95).
    for x in (us_a, eu_a, us_b):
        assert x.mean() == pytest.approx(0.95, abs=0.01)
    # The recorded input of a per-entity uncertainty is the mean over its rows.
    assert np.allclose(a.inputs["Capacity"], (us_a + eu_a) / 2, rtol=1e-5)


def test_child_uncertainty_replaces_parent_of_the_same_name():
    model = make_model(CAPACITY)
    model.scenarios.append(Scenario("child", parent="mc", uncertainties=[
        Uncertainty("Capacity", "phase:*", "capacity_mw", Distribution("fixed", (2.0,))),
        PRICE]))
    result = run_monte_carlo(model, "child", 500, seed=1)
    assert set(result.inputs) == {"Capacity", "Price"}
    assert np.all(result.inputs["Capacity"] == 2.0)
    assert np.allclose(result.sample_series("facility_capex_usd")[:, 0], 2 * 877.5e6, rtol=1e-6)


def test_run_info_records_the_run_and_hashes_the_inputs():
    model = make_model(CAPACITY, PRICE)
    result = run_monte_carlo(model, "mc", 1_000, seed=99)
    info = result.info
    assert (info.engine_version, info.seed, info.samples, info.scenario) == (
        ENGINE_VERSION, 99, 1_000, "mc")
    assert info.chunk_samples >= 1
    # Nothing changed: same hash (also for a copy of the model and another seed).
    assert run_monte_carlo(model, "mc", 1_000, seed=99).info.input_hash == info.input_hash
    assert run_monte_carlo(copy.deepcopy(model), "mc", 200, seed=5).info.input_hash \
        == info.input_hash
    # An input changed: a different hash.
    changed = copy.deepcopy(model)
    changed.phases[0].capacity_mw = 101.0
    assert run_monte_carlo(changed, "mc", 1_000, seed=99).info.input_hash != info.input_hash
    # An uncertainty changed: a different hash.
    wider = copy.deepcopy(model)
    wider.scenario("mc").uncertainties[0] = Uncertainty(
        "Capacity", "phase:*", "capacity_mw", Distribution("normal", (1.0, 0.2)))
    assert run_monte_carlo(wider, "mc", 1_000, seed=99).info.input_hash != info.input_hash
    # A scenario override changed: a different hash.
    overridden = copy.deepcopy(model)
    overridden.scenario("mc").overrides.append(
        Override("region:US", "default_pue", Operation.SET, 1.4))
    assert run_monte_carlo(overridden, "mc", 1_000, seed=99).info.input_hash != info.input_hash


def _thirty_sites() -> Model:
    regions = [Region(code, electricity_price_usd_per_mwh=60.0 + 10 * i)
               for i, code in enumerate(("US", "EU", "IN", "AE", "JP"))]
    accelerators = [Accelerator(name, first_year=2020, power_kw=kw, unit_price_usd=price)
                    for name, kw, price in (("H", 1.3, 30_000), ("B", 1.9, 40_000),
                                            ("R", 2.5, 50_000))]
    sites, phases = [], []
    for i in range(30):
        sites.append(Site(f"Site {i}", region=regions[i % 5].code,
                          accelerator=accelerators[i % 3].name, utilisation=0.7,
                          completion_probability=0.6 + 0.01 * i))
        phases.append(Phase(f"Site {i}", "P1", capacity_mw=50.0 + 10 * i,
                            online_year=2025 + i % 6))
    return Model(
        settings=Settings(base_year=2025, horizon_year=2030),
        regions=regions, accelerators=accelerators, sites=sites, phases=phases,
        supply_lines=[SupplyLine("pk", kind=SupplyKind.PACKAGING,
                                 capacity_by_year={2025: 20_000, 2030: 80_000})],
        scenarios=[Scenario("mc", uncertainties=[
            Uncertainty("Capacity", "phase:*", "capacity_mw",
                        Distribution("triangular", (0.7, 1.0, 1.15)), per_entity=True),
            Uncertainty("Delay", "phase:*", "online_year",
                        Distribution("triangular", (0.0, 0.5, 2.0)), Operation.SHIFT_YEARS,
                        per_entity=True),
            PRICE, SUPPLY])],
    )


def test_memory_of_a_large_run():
    model = _thirty_sites()
    assert [str(p) for p in validate(model)] == []
    result = run_monte_carlo(model, "mc", 100_000, seed=1)
    assert result.samples.dtype == np.float32
    assert result.samples.shape == (100_000, result.samples.shape[1], 6, 5)
    assert result.samples.nbytes < 1e9
    assert result.bottleneck.nbytes <= 100_000 * 6
    assert all(v.dtype == np.float32 and v.shape == (100_000,) for v in result.inputs.values())
    assert np.all(np.isfinite(result.samples))


def test_the_latest_correlation_of_a_pair_wins_whatever_its_order():
    """Grandparent (Price, Electricity) 0.5, parent (Electricity, Price) 0.1, child (Price,
    Electricity) 0.9: the child's holds (keyed by the ordered pair, the parent's used to)."""
    model = make_model(PRICE, ELECTRICITY,
                       correlations=[Correlation("Price", "Electricity", 0.5)])
    model.scenarios += [
        Scenario("parent", parent="mc", correlations=[Correlation("Electricity", "Price", 0.1)]),
        Scenario("child", parent="parent", correlations=[Correlation("Price", "Electricity", 0.9)])]
    assert validate(model) == []
    for name, wanted in (("parent", 0.1), ("child", 0.9)):
        result = run_monte_carlo(model, name, 4_000, seed=3)
        assert abs(rank_correlation(result.inputs["Price"], result.inputs["Electricity"])
                   - wanted) < 0.05


@pytest.mark.parametrize(("pairs", "message"), [
    ([("Price", "Electricity", 0.5), ("Electricity", "Price", -0.5)], "more than once"),
    ([("Price", "Electricity", 0.5), ("Price", "Electricity", 0.2)], "more than once"),
    ([("Price", "Price", -0.9)], "with itself"),
])
def test_a_pair_twice_or_a_self_correlation_is_a_problem(pairs, message):
    from desktop_app.core.engine.correlation import CorrelationError

    model = make_model(PRICE, ELECTRICITY)
    model.scenarios[0].correlations = [Correlation(a, b, r) for a, b, r in pairs]
    problems = [str(p) for p in validate(model)]
    assert any(message in p for p in problems), problems
    if message == "with itself":
        with pytest.raises(CorrelationError, match="itself"):
            run_monte_carlo(model, "mc", 50, seed=1)
