"""The bucketed fast path for unconstrained models equals the general period-by-period kernel.

Both paths run on the same compiled inputs; shifting phases before the base year (negative
shift_years) exercises fleets installed before the window, renewals and retirements.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_kernel_properties import models

from desktop_app.core.engine import kernel, unconstrained
from desktop_app.core.engine.arrays import compile_model
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.scenario import apply_values


def _both(arrays, dtype=np.float64):
    """The fast path (whether or not it would be chosen as cheaper) and the general kernel."""
    inputs = kernel.derive(arrays, dtype)
    assert unconstrained.eligible(inputs)
    fast = unconstrained.run(inputs, inputs.sample_count)
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
    from desktop_app.core.sample_model import build_sample_model

    inputs = kernel.derive(compile_model(build_sample_model()))
    assert not unconstrained.applies(inputs)


def test_monte_carlo_agrees_between_paths() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[3] / "benchmarks"))
    from reference_model import reference_atlas_model

    model = reference_atlas_model()
    fast = run_monte_carlo(model, "Reference", 300, 5)
    chunk = fast.info.chunk_samples
    assert chunk > 128  # sized for the fast path: no periods axis
    kernel.FAST_PATH = False
    try:
        general = run_monte_carlo(model, "Reference", 300, 5, chunk_samples=chunk)
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

    sys.path.insert(0, str(Path(__file__).parents[3] / "benchmarks"))
    from reference_model import reference_atlas_model

    from desktop_app.core.engine.montecarlo import chunk_size, plan_run
    from desktop_app.core.model import Distribution, Operation, Uncertainty

    model = reference_atlas_model()
    phases, periods = len(model.phases), 6
    fast_bytes = kernel.fast_path_bytes(compile_model(model), model.scenarios[0].uncertainties)
    assert fast_bytes is not None and fast_bytes < phases * periods * 12 * 4
    fast = chunk_size(phases, periods, fast_bytes)
    assert plan_run(model, "Reference").chunk_samples == fast > chunk_size(phases, periods)
    model.scenarios[0].uncertainties.append(Uncertainty(
        "Cap", "region:*", "supply_cap_units_per_year", Distribution("uniform", (1e5, 1e6)),
        Operation.SET, per_entity=True))
    assert kernel.fast_path_bytes(compile_model(model), model.scenarios[0].uncertainties) is None
    assert plan_run(model, "Reference").chunk_samples == chunk_size(phases, periods) < fast
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


def test_no_accelerators_per_mw_means_no_online_capacity_on_both_paths() -> None:
    """A scenario may set accelerators per MW to 0: the general kernel brings capacity online
    with its accelerators, so none comes online and nothing draws power — the fast path too."""
    from desktop_app.core.engine.result import METRIC_INDEX
    from desktop_app.core.model import Accelerator, Model, Phase, Region, Settings, Site

    model = Model(Settings(base_year=2025, horizon_year=2030), [Region("R")],
                  [Accelerator("A", power_kw=1.0)], [Site("S", region="R", accelerator="A")],
                  [Phase("S", "P", capacity_mw=100.0, online_year=2026)])
    arrays = compile_model(model)
    apply_values(arrays, "site:*", "accelerators_per_mw", "set", 0.0)
    (fast, *_), (general, *_) = _both(arrays)
    np.testing.assert_allclose(fast, general)
    assert fast[0, METRIC_INDEX["planned_mw"]].sum() > 0
    assert fast[0, METRIC_INDEX["online_mw"]].sum() == 0
    assert fast[0, METRIC_INDEX["energy_twh"]].sum() == 0


def _many_groups_model():
    """40 phases in 20 regions with four lead times, quarters to 2050: ~40 groups × 122 buckets
    outweigh 40 phases × 104 periods."""
    from desktop_app.core.model import (
        Accelerator,
        Distribution,
        Model,
        Operation,
        PeriodKind,
        Phase,
        Region,
        Scenario,
        Settings,
        Site,
        Uncertainty,
    )

    model = Model(Settings(base_year=2025, horizon_year=2050, period=PeriodKind.QUARTER),
                  [Region(f"R{i}") for i in range(20)], [Accelerator("A", service_life_years=5)],
                  [Site(f"S{i}", region=f"R{i % 20}", accelerator="A") for i in range(40)],
                  [Phase(f"S{i}", "P", capacity_mw=100.0, online_year=2025 + i % 26,
                         lead_time_years=1 + i % 4) for i in range(40)])
    model.scenarios = [Scenario("MC", uncertainties=[Uncertainty(
        "Capacity", "phase:*", "capacity_mw", Distribution("uniform", (0.5, 1.5)),
        Operation.MULTIPLY, per_entity=True)])]
    return model


def test_the_fast_path_is_taken_only_where_its_buckets_are_the_smaller_work() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[3] / "benchmarks"))
    from reference_model import reference_atlas_model

    from desktop_app.core.engine.montecarlo import chunk_size, plan_run

    reference = kernel.derive(compile_model(reference_atlas_model()))
    assert unconstrained.eligible(reference) and unconstrained.cheaper(reference)
    model = _many_groups_model()
    crowded = kernel.derive(compile_model(model))
    assert unconstrained.eligible(crowded) and not unconstrained.cheaper(crowded)
    assert not unconstrained.applies(crowded)
    # ... so its Monte Carlo is chunked for the general kernel, which it takes.
    assert plan_run(model, "MC").chunk_samples == chunk_size(40, crowded.n_periods)


@pytest.mark.parametrize("shape", ["reference", "many groups", "sample"])
def test_a_chunk_stays_within_a_few_times_its_memory_target(shape: str) -> None:
    """Chunks are sized from an estimate of each path's bytes per sample; the real peak of one
    chunk (tracemalloc: NumPy's buffers included) must stay near the target whatever the
    model's shape — a chunk sized for the wrong path once took 5 GB."""
    import sys
    import tracemalloc
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[3] / "benchmarks"))
    from reference_model import reference_atlas_model

    from desktop_app.core.engine.montecarlo import CHUNK_BYTES, plan_run, run_chunk
    from desktop_app.core.sample_model import build_sample_model

    if shape == "reference":
        model, scenario = reference_atlas_model(), "Reference"
    elif shape == "many groups":
        model, scenario = _many_groups_model(), "MC"
    else:
        model, scenario = build_sample_model(), "Baseline"
    plan = plan_run(model, scenario, samples=20_000, seed=1)
    run_chunk(plan, 0)  # first-call caches
    tracemalloc.start()
    try:
        run_chunk(plan, 1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert plan.chunk_samples >= 16
    assert peak <= 3 * CHUNK_BYTES, f"{peak / 2**20:.0f} MiB for {plan.chunk_samples} samples"
