"""The built-in "2026 buildout" sample projected by the engine: every scenario tells its story."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.project import Projector
from desktop_app.core.sample_model import build_sample_model

PACKAGING = "Packaging constrained to 2027"


@pytest.fixture(scope="module")
def model():
    return build_sample_model()


@pytest.fixture(scope="module")
def projections(model):
    projector = Projector(model)
    return {s.name: projector.project(s.name) for s in model.scenarios}


def test_every_scenario_projects_with_finite_outputs(model, projections):
    assert set(projections) == {s.name for s in model.scenarios}
    for name, p in projections.items():
        assert np.all(np.isfinite(p.values)), name
        assert np.all(np.isfinite(p.requested_units)), name
        assert p.series("online_mw")[-1] > 0, name
        assert np.all(p.series("online_mw") <= p.series("planned_mw") + 1e-6), name


def test_packaging_constrained_binds_on_packaging_and_delivers_less(projections):
    baseline, tight = projections["Baseline"], projections[PACKAGING]
    years = list(tight.period_years)
    window = [years.index(y) for y in (2025, 2026, 2027)]
    names = tight.bottleneck_names()
    assert any(names[i] == "packaging" for i in window), names
    by_2027 = years.index(2027)
    assert (tight.cumulative("accelerators_delivered")[by_2027]
            < baseline.cumulative("accelerators_delivered")[by_2027])
    assert (tight.series("online_mw")[by_2027 - 1] <= baseline.series("online_mw")[by_2027 - 1])


def test_supply_glut_has_no_bottleneck(projections):
    assert projections["Supply glut"].bottleneck_names() == \
        ["none"] * len(projections["Supply glut"].period_labels)


def test_baseline_monte_carlo_runs(model):
    result = run_monte_carlo(model, "Baseline", 2_000, seed=model.settings.mc_seed)
    assert result.samples.shape[0] == 2_000
    assert result.samples.dtype == np.float32
    assert np.all(np.isfinite(result.samples))
    p10 = result.percentile("total_spend_usd", 10)
    p90 = result.percentile("total_spend_usd", 90)
    assert np.all(p10 <= p90) and np.any(p10 < p90)
    assert set(result.inputs) == {u.name for u in model.scenario("Baseline").uncertainties}
