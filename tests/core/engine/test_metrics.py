"""The metric table (engine/metrics.py) and the statistics helper (engine/statistics.py).

Every metric of the table comes out of both kernels with equal values and obeys its definition;
a metric without a derivation, or whose quantity no kernel computes, is an error rather than a
silent column of zeros; the statistics are NumPy's linear percentiles and the ddof=1 standard
error of the mean, wherever they are read.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_kernel_properties import models
from test_unconstrained import _both

from desktop_app.core.engine import kernel, metrics, statistics
from desktop_app.core.engine.arrays import compile_model
from desktop_app.core.engine.metrics import METRIC_INDEX, METRICS, QUANTITIES, Metric
from desktop_app.core.engine.scenario import apply_values

# Each metric from the quantities q and the prices (electricity, carbon), written out by hand:
# a metric added to the table without a line here fails test_every_metric_has_its_formula.
FORMULAS = {
    "planned_mw": lambda q, e, c: q["planned_mw"],
    "online_mw": lambda q, e, c: q["online_mw"],
    "accelerators_demanded": lambda q, e, c: q["accelerators_demanded"],
    "accelerators_delivered": lambda q, e, c: q["accelerators_delivered"],
    "accelerators_installed": lambda q, e, c: q["accelerators_installed"],
    "installed_pflops": lambda q, e, c: q["installed_pflops"],
    "installed_chip_mw": lambda q, e, c: q["installed_chip_mw"],
    "backlog": lambda q, e, c: q["backlog"],
    "facility_capex_usd": lambda q, e, c: q["facility_capex_usd"],
    "it_capex_usd": lambda q, e, c: q["it_capex_usd"],
    "energy_opex_usd": lambda q, e, c: q["energy_mwh"] * e,
    "total_spend_usd": lambda q, e, c: (q["facility_capex_usd"] + q["it_capex_usd"]
                                        + q["energy_mwh"] * e),
    "energy_twh": lambda q, e, c: q["energy_mwh"] / 1e6,
    "emissions_mt": lambda q, e, c: q["energy_mwh"] * c / 1e9,
}


def test_the_names_and_order_results_files_depend_on() -> None:
    assert [m.name for m in METRICS] == [
        "planned_mw", "online_mw", "accelerators_demanded", "accelerators_delivered",
        "accelerators_installed", "installed_pflops", "installed_chip_mw", "backlog",
        "facility_capex_usd",
        "it_capex_usd", "energy_opex_usd", "total_spend_usd", "energy_twh", "emissions_mt"]
    assert {m.name: i for i, m in enumerate(METRICS)} == METRIC_INDEX
    assert "energy_mwh" in QUANTITIES and "energy_mwh" not in METRIC_INDEX


def test_every_metric_has_its_formula() -> None:
    assert set(FORMULAS) == set(METRIC_INDEX)


def test_a_metric_needs_exactly_one_derivation() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Metric("water_m3", "Water", "m3", "flow")
    with pytest.raises(ValueError, match="exactly one"):
        Metric("water_m3", "Water", "m3", "flow", quantity="water_m3",
               derive=lambda d: d.quantity("water_m3"))


def _random_quantities(rng: np.random.Generator, s: int = 3, t: int = 4, r: int = 2):
    q = {name: rng.uniform(0, 1e6, (s, t, r)) for name in QUANTITIES}
    electricity = rng.uniform(20, 300, (s, r, t))
    carbon = rng.uniform(0, 900, (s, r, t))
    return q, electricity, carbon


def test_derive_metrics_follows_every_formula() -> None:
    q, electricity, carbon = _random_quantities(np.random.default_rng(1))
    out = metrics.derive_metrics(q, electricity, carbon, 3, np.float64)
    e, c = np.moveaxis(electricity, -1, 1), np.moveaxis(carbon, -1, 1)
    assert out.shape == (3, len(METRICS), 4, 2)
    for name, formula in FORMULAS.items():
        np.testing.assert_allclose(out[:, METRIC_INDEX[name]], formula(q, e, c), rtol=1e-12,
                                   err_msg=name)


def test_a_quantity_no_kernel_computed_is_an_error() -> None:
    q, electricity, carbon = _random_quantities(np.random.default_rng(2))
    del q["it_capex_usd"]
    with pytest.raises(ValueError, match="did not compute it_capex_usd"):
        metrics.derive_metrics(q, electricity, carbon, 3, np.float64)
    table = (*METRICS, Metric("water_m3", "Water", "m3", "flow", quantity="water_m3"))
    q, electricity, carbon = _random_quantities(np.random.default_rng(2))
    with pytest.raises(ValueError, match="did not compute water_m3"):
        metrics.derive_metrics(q, electricity, carbon, 3, np.float64, table)


def test_a_derivation_cannot_read_a_metric_derived_after_it() -> None:
    early = Metric("spend_share", "Share", "1", "flow",
                   derive=lambda d: d.metric("total_spend_usd") * 0)
    table = (early, *METRICS)
    q, electricity, carbon = _random_quantities(np.random.default_rng(3))
    with pytest.raises(ValueError, match="before it is derived"):
        metrics.derive_metrics(q, electricity, carbon, 3, np.float64, table)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(models(uncapped=True), st.floats(-9, 3))
def test_both_kernels_give_every_metric_by_its_definition(model, shift: float) -> None:
    model.supply_lines = []
    arrays = compile_model(model)
    apply_values(arrays, "phase:*", "online_year", "shift_years", shift)
    (fast, *_), (general, *_) = _both(arrays)
    inputs = kernel.derive(arrays, np.float64)
    electricity = np.moveaxis(inputs.electricity_usd_per_mwh, -1, 1)
    carbon = np.moveaxis(inputs.carbon_kg_per_mwh, -1, 1)
    for values in (fast, general):
        assert values.shape[1] == len(METRICS)
        assert np.isfinite(values).all()
        scale = max(1.0, float(np.abs(values).max()))
        by_name = {m.name: values[:, i] for i, m in enumerate(METRICS)}
        energy_mwh = by_name["energy_twh"] * 1e6
        np.testing.assert_allclose(by_name["energy_opex_usd"], energy_mwh * electricity,
                                   rtol=1e-9, atol=1e-9 * scale)
        np.testing.assert_allclose(by_name["emissions_mt"], energy_mwh * carbon / 1e9,
                                   rtol=1e-9, atol=1e-9 * scale)
        np.testing.assert_allclose(by_name["total_spend_usd"],
                                   by_name["facility_capex_usd"] + by_name["it_capex_usd"]
                                   + by_name["energy_opex_usd"], rtol=1e-9, atol=1e-9 * scale)
    for i, m in enumerate(METRICS):
        scale = max(1.0, float(np.abs(general[:, i]).max()))
        np.testing.assert_allclose(fast[:, i], general[:, i], rtol=1e-9, atol=1e-9 * scale,
                                   err_msg=m.name)


def test_report_units_and_scales_come_from_the_table() -> None:
    from desktop_app.commands.run import SUMMARY
    from desktop_app.core.sample_model import build_sample_model
    from desktop_app.core.scenario_diff import KEY_OUTPUTS, output_deltas
    from desktop_app.ui.dashboard import scales

    assert all(name in METRIC_INDEX for name in SUMMARY)
    model = build_sample_model()
    deltas = output_deltas(model, "Baseline", "Supply glut")
    units = [metrics.metric(name).report_unit for name, _, _ in KEY_OUTPUTS]
    assert [d.unit for d in deltas] == units == ["USD B", "USD B", "GW", "TWh", "Mt CO2"]
    for m in METRICS:  # one family of display units per engine unit
        for values in ([1.0], [5e3], [5e9], [5e12]):
            assert scales.for_metric(m, values) == scales.for_unit(m.unit, values)
    assert scales.for_metric("total_spend_usd", [2e9]).unit == "$B"
    assert scales.for_metric("online_mw", [2e3]).unit == "GW"
    assert scales.for_metric("installed_pflops", [2e4]).unit == "EFLOP/s"
    assert scales.for_metric("emissions_mt", [2e4]).unit == "Mt CO2"


# --- statistics --------------------------------------------------------------------------------

def test_statistics_by_hand() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    s = statistics.summarise(x)
    assert [float(s.percentiles[q]) for q in (10, 50, 90)] == pytest.approx([1.3, 2.5, 3.7])
    assert float(s.mean) == 2.5
    # sample sd of 1..4 is sqrt(5/3); over sqrt(4) samples
    assert float(s.standard_error) == pytest.approx(np.sqrt(5 / 3) / 2)


def test_statistics_agree_with_numpy_over_the_samples_axis() -> None:
    x = np.random.default_rng(4).lognormal(size=(501, 3, 7))
    qs = (2.5, 10, 50, 90, 97.5)
    s = statistics.summarise(x, qs)
    for q in qs:
        np.testing.assert_array_equal(s.percentiles[q], np.percentile(x, q, axis=0))
        np.testing.assert_array_equal(statistics.percentiles(x, q), np.percentile(x, q, axis=0))
    np.testing.assert_array_equal(s.mean, x.mean(axis=0))
    np.testing.assert_allclose(s.standard_error, x.std(axis=0, ddof=1) / np.sqrt(501))


def test_standard_error_is_undefined_below_two_samples() -> None:
    assert np.isnan(statistics.standard_error(np.ones((1, 3)))).all()
    assert statistics.standard_error(np.ones((1, 3))).shape == (3,)
    assert np.isnan(float(statistics.standard_error(np.ones(1))))


def test_results_and_files_read_the_same_statistics() -> None:
    from desktop_app.core.engine.montecarlo import run_monte_carlo
    from desktop_app.core.engine.project import Projector
    from desktop_app.core.results_io import ScenarioRun, tidy_rows
    from desktop_app.core.sample_model import build_sample_model

    model = build_sample_model()
    mc = run_monte_carlo(model, "Baseline", 64, 11)
    series = mc.sample_series("total_spend_usd")
    np.testing.assert_array_equal(mc.percentile("total_spend_usd", 90),
                                  np.percentile(series, 90, axis=0))
    np.testing.assert_array_equal(mc.standard_error("total_spend_usd"),
                                  statistics.standard_error(series))
    rows = [r for r in tidy_rows(ScenarioRun(Projector(model).project("Baseline"), mc))
            if r["metric"] == "total_spend_usd" and r["region"] == "ALL"]
    s = statistics.summarise(series)
    assert [r["p90"] for r in rows] == s.percentiles[90].tolist()
    assert [r["se"] for r in rows] == s.standard_error.tolist()
