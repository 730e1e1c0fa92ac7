"""The bucketed fast path for unconstrained models equals the general period-by-period kernel.

Both paths run on the same compiled inputs; shifting phases before the base year (negative
shift_years) exercises fleets installed before the window, renewals and retirements.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_properties import models

from desktop_app.core.engine import kernel, unconstrained
from desktop_app.core.engine.arrays import compile_model
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.scenario import apply_values


def _both(arrays, dtype=np.float64):
    inputs = kernel.derive(arrays, dtype)
    assert unconstrained.applies(inputs)
    fast = kernel.run(inputs)
    kernel.FAST_PATH = False
    try:
        general = kernel.run(inputs)
    finally:
        kernel.FAST_PATH = True
    return fast, general


@settings(max_examples=80, deadline=None, derandomize=True)
@given(models(uncapped=True), st.floats(-9, 3))
def test_fast_path_equals_general_kernel(model, shift: float) -> None:
    model.supply_lines = []
    arrays = compile_model(model)
    apply_values(arrays, "phase:*", "online_year", "shift_years", shift)
    (fast, _, _, fast_requested), (general, bottleneck, _, requested) = _both(arrays)
    scale = max(1.0, float(np.abs(general).max()))
    np.testing.assert_allclose(fast, general, rtol=1e-9, atol=1e-9 * scale)
    np.testing.assert_allclose(fast_requested, requested, rtol=1e-9,
                               atol=1e-9 * max(1.0, float(np.abs(requested).max())))
    assert (bottleneck == -1).all()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(models(uncapped=True), st.floats(-9, 3), st.integers(0, 2**32 - 1))
def test_fast_path_equals_general_kernel_with_inputs_drawn_per_sample(model, shift: float,
                                                                       seed: int) -> None:
    """Online years, lead times, prices and PFLOPS differing by sample: leads drawn per sample
    are no group key (building spend goes through start/end buckets instead of a window)."""
    model.supply_lines = []
    arrays = compile_model(model)
    rng = np.random.default_rng(seed)
    n, phases, accelerators = 3, len(model.phases), len(model.accelerators)
    apply_values(arrays, "phase:*", "online_year", "shift_years",
                 shift + rng.uniform(-3, 3, (n, phases)), sampled=True)
    apply_values(arrays, "phase:*", "lead_time_years", "multiply",
                 rng.uniform(0.2, 2.5, (n, phases)), sampled=True)
    apply_values(arrays, "accelerator:*", "unit_price_usd", "multiply",
                 rng.uniform(0.5, 2.0, (n, accelerators)), sampled=True)
    apply_values(arrays, "accelerator:*", "pflops_dense", "multiply",
                 rng.uniform(0.5, 2.0, (n, accelerators)), sampled=True)
    assert unconstrained._groups(kernel.derive(arrays)).lead is None
    (fast, _, _, fast_requested), (general, _, _, requested) = _both(arrays)
    assert fast.shape[0] == n
    scale = max(1.0, float(np.abs(general).max()))
    np.testing.assert_allclose(fast, general, rtol=1e-9, atol=1e-9 * scale)
    np.testing.assert_allclose(fast_requested, requested, rtol=1e-9,
                               atol=1e-9 * max(1.0, float(np.abs(requested).max())))


def test_general_kernel_is_used_when_supply_or_caps_constrain() -> None:
    from desktop_app.core.sample import build_sample_model

    inputs = kernel.derive(compile_model(build_sample_model()))
    assert not unconstrained.applies(inputs)


def test_monte_carlo_agrees_between_paths() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from reference_model import reference_atlas_model

    model = reference_atlas_model()
    fast = run_monte_carlo(model, "Reference", 300, 5)
    assert fast.info.chunk_samples == 1024  # sized for the fast path: no periods axis
    kernel.FAST_PATH = False
    try:
        general = run_monte_carlo(model, "Reference", 300, 5, chunk_samples=1024)
    finally:
        kernel.FAST_PATH = True
    np.testing.assert_allclose(fast.samples, general.samples, rtol=2e-5,
                               atol=2e-5 * float(np.abs(general.samples).max()))
    assert fast.info.input_hash == general.info.input_hash


def test_chunks_are_sized_for_the_path_every_sample_takes() -> None:
    """Setting a region cap by draw could constrain a sample, so such a run is chunked for the
    general kernel; the fast path's chunks hold ``periods`` times more samples."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from reference_model import reference_atlas_model

    from desktop_app.core.engine.montecarlo import chunk_size, plan_run
    from desktop_app.core.model import Distribution, Operation, Uncertainty

    model = reference_atlas_model()
    phases, periods = len(model.phases), 6
    assert plan_run(model, "Reference").chunk_samples == chunk_size(phases, periods, fast=True)
    model.scenarios[0].uncertainties.append(Uncertainty(
        "Cap", "region:*", "supply_cap_units_per_year", Distribution("uniform", (1e5, 1e6)),
        Operation.SET, per_entity=True))
    plan = plan_run(model, "Reference")
    assert plan.chunk_samples == chunk_size(phases, periods) < chunk_size(phases, periods, True)
    assert plan_run(model, "Reference", chunk_samples=100).chunk_samples == 100


@pytest.mark.parametrize("replace", [True, False])
def test_fleet_before_the_base_renews_or_retires(replace: bool) -> None:
    from desktop_app.core.model import Accelerator, Model, Phase, Region, Settings, Site

    model = Model(Settings(base_year=2025, horizon_year=2030,
                           replace_retired_accelerators=replace),
                  [Region("R")], [Accelerator("A", power_kw=1.0, service_life_years=4,
                                               first_year=2015)],
                  [Site("S", region="R", accelerator="A")],
                  [Phase("S", "P", capacity_mw=10.0, online_year=2025)])
    arrays = compile_model(model)
    apply_values(arrays, "phase:*", "online_year", "shift_years", -2.0)  # online 2023
    (fast, *_), (general, *_) = _both(arrays)
    np.testing.assert_allclose(fast, general)
    installed = fast[0, 4].sum(axis=-1)  # accelerators_installed by year
    if replace:
        assert (installed == 10_000).all()  # renewed in 2027
    else:
        assert list(installed) == [10_000, 10_000, 0, 0, 0, 0]  # retired in 2027
