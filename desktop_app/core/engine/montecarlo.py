"""Vectorised Monte Carlo: the samples axis is an array axis, chunks the unit of work.

A run is a list of independent chunks; chunk ``i`` draws from ``SeedSequence(seed).spawn(n)[i]``
and writes samples ``i·size … (i+1)·size``, so the same seed gives the same numbers however the
chunks are scheduled (one process, a pool, a Dask cluster). The chunk size depends only on the
model's shape and on whether every sample takes the unconstrained fast path, which keeps memory
bounded (a chunk's temporaries stay around 50 MB); a caller can fix it (sweeps do).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from desktop_app.core import distributions
from desktop_app.core.engine.arrays import KINDS, ModelArrays, compile_model
from desktop_app.core.engine.correlation import (
    CorrelationError,
    correlated_scores,
    target_matrix,
)
from desktop_app.core.engine.kernel import derive, fast_path_bytes, run
from desktop_app.core.engine.memory import tune_allocator
from desktop_app.core.engine.project import ENGINE_VERSION, input_hash
from desktop_app.core.engine.result import METRICS, MonteCarloResult, RunInfo
from desktop_app.core.engine.scenario import (
    apply_scenario,
    apply_values,
    merged_uncertainties,
    scenario_chain,
)
from desktop_app.core.model import Correlation, Model, Override, Scenario, Uncertainty

Progress = Callable[[float], None]
CancelCheck = Callable[[], bool]
CHUNK_BYTES = 24 * 2**20


class Cancelled(Exception):
    """The caller asked the run to stop; no partial result is returned."""


@dataclass(slots=True)
class RunPlan:
    """Everything a chunk needs; picklable, so chunks can run in other processes."""

    arrays: ModelArrays
    uncertainties: list[Uncertainty]
    correlations: list[Correlation]
    samples: int
    seed: int
    chunk_samples: int
    scenario: str
    dtype: str = "float32"
    seeds: list[np.random.SeedSequence] = field(default_factory=list)

    @property
    def chunk_count(self) -> int:
        return math.ceil(self.samples / self.chunk_samples)

    def chunk_bounds(self, index: int) -> tuple[int, int]:
        start = index * self.chunk_samples
        return start, min(self.samples, start + self.chunk_samples)


def general_bytes_per_sample(n_phases: int, n_periods: int) -> int:
    """The general kernel's estimate: ~12 float32 (period × phase) arrays per sample."""
    return n_phases * n_periods * 12 * 4


def chunk_size(n_phases: int, n_periods: int, bytes_per_sample: int | None = None) -> int:
    """Samples per chunk: a power of two keeping a chunk's temporaries near ``CHUNK_BYTES``.

    The general kernel holds ~12 (chunk × periods × phases) float32 arrays (the default
    estimate); a run whose every sample takes the unconstrained fast path passes that path's
    own bytes per sample (``kernel.fast_path_bytes``), which has no periods axis on its
    per-phase arrays, so its chunks hold more samples: fewer, larger NumPy calls.
    """
    per_sample = (bytes_per_sample if bytes_per_sample is not None
                  else general_bytes_per_sample(n_phases, n_periods))
    size = max(16, min(4096, CHUNK_BYTES // max(1, per_sample)))
    return 1 << int(math.log2(size))


def plan_run(model: Model, scenario: str, samples: int | None = None, seed: int | None = None,
             extra: list[Override] | None = None, base: ModelArrays | None = None,
             chunk_samples: int | None = None) -> RunPlan:
    """The run's arrays, uncertainties and chunking. ``chunk_samples`` (default: sized by
    ``chunk_size`` for the path every sample will take) fixes the chunking, and with the seed
    the numbers: a sweep gives all its points one chunk size."""
    chain = scenario_chain(model, scenario)
    if extra:
        chain = [*chain, Scenario("(drivers)", overrides=list(extra))]
    arrays = apply_scenario(base if base is not None else compile_model(model), chain)
    uncertainties, correlations = merged_uncertainties(chain)
    samples = int(samples if samples is not None else model.settings.mc_samples)
    seed = int(seed if seed is not None else model.settings.mc_seed)
    if samples < 1:
        raise ValueError("the number of samples must be at least 1")
    if chunk_samples is None:
        chunk_samples = chunk_size(len(arrays.tables["phase"].keys), arrays.periods.count,
                                   fast_path_bytes(arrays, uncertainties))
    elif chunk_samples < 1:
        raise ValueError("a chunk must hold at least one sample")
    plan = RunPlan(arrays, uncertainties, correlations, samples, seed, int(chunk_samples),
                   scenario)
    plan.seeds = np.random.SeedSequence(seed).spawn(plan.chunk_count)
    return plan


def run_chunk(plan: RunPlan, index: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Samples ``chunk_bounds(index)``: values (n, metric, T, R), bottleneck (n, T), inputs."""
    start, stop = plan.chunk_bounds(index)
    n = stop - start
    rng = np.random.Generator(np.random.PCG64(plan.seeds[index]))
    dtype = np.dtype(plan.dtype).type
    draws = _draw(plan, rng, n, dtype)
    arrays = plan.arrays.copy()
    inputs: dict[str, np.ndarray] = {}
    for u in plan.uncertainties:
        values = draws[u.name]
        apply_values(arrays, u.selector, u.field, u.operation, values, sampled=True)
        inputs[u.name] = values if values.ndim == 1 else values.mean(axis=1)
    values, bottleneck, _, _ = run(derive(arrays, dtype))
    if values.shape[0] != n:  # no uncertainty touched the kernel: replicate the one path
        values = np.broadcast_to(values, (n, *values.shape[1:]))
        bottleneck = np.broadcast_to(bottleneck, (n, *bottleneck.shape[1:]))
    return values, bottleneck, inputs


def _draw(plan: RunPlan, rng: np.random.Generator, n: int,
          dtype: type) -> dict[str, np.ndarray]:
    names, spearman = target_matrix(plan.correlations)
    draws: dict[str, np.ndarray] = {}
    for u in plan.uncertainties:
        if u.name in names:
            continue
        rows = plan.arrays.rows(u.selector).size if u.per_entity else 0
        shape = (n, rows) if u.per_entity else (n,)
        draws[u.name] = distributions.sample(u.distribution, rng, shape, dtype)
    if names:
        by_name = {u.name: u for u in plan.uncertainties}
        for name in names:
            if name not in by_name or by_name[name].per_entity:
                raise CorrelationError(f"correlated uncertainty {name!r} must exist and be "
                                       "shared (drawn once per sample)")
        scores = correlated_scores(rng, n, spearman)
        for j, name in enumerate(names):
            draws[name] = distributions.from_normal_scores(
                by_name[name].distribution, scores[:, j]).astype(dtype)
    return draws


class Assembler:
    """Collects chunk results into the run's arrays; chunks may arrive in any order."""

    def __init__(self, plan: RunPlan) -> None:
        periods = plan.arrays.periods
        n_regions = len(plan.arrays.tables["region"].keys)
        self.plan = plan
        self.samples = np.empty((plan.samples, len(METRICS), periods.count, n_regions),
                                np.float32)
        self.bottleneck = np.empty((plan.samples, periods.count), np.int8)
        self.inputs = {u.name: np.empty(plan.samples, np.float32) for u in plan.uncertainties}

    def add(self, index: int, chunk: tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]) -> None:
        values, binding, drawn = chunk
        start, stop = self.plan.chunk_bounds(index)
        self.samples[start:stop] = values
        self.bottleneck[start:stop] = binding
        for name, v in drawn.items():
            self.inputs[name][start:stop] = v

    def result(self) -> MonteCarloResult:
        return _result(self.plan, self.samples, self.bottleneck, self.inputs)


def uncertainties_text(uncertainties: list[Uncertainty],
                       correlations: list[Correlation]) -> str:
    """The uncertainties and correlations as text for an inputs hash (the overrides are in the
    arrays that are hashed with it)."""
    return repr([(u.name, u.selector, u.field, str(u.distribution), str(u.operation),
                  u.per_entity) for u in uncertainties]
                + [(c.first, c.second, c.rank_correlation) for c in correlations])


def _result(plan: RunPlan, samples: np.ndarray, bottleneck: np.ndarray,
            inputs: dict[str, np.ndarray]) -> MonteCarloResult:
    arrays = plan.arrays
    periods = arrays.periods
    spec = uncertainties_text(plan.uncertainties, plan.correlations)
    info = RunInfo(ENGINE_VERSION, input_hash(arrays, spec), plan.scenario, plan.seed,
                   plan.samples, plan.chunk_samples)
    return MonteCarloResult(
        info=info, period_labels=periods.labels, period_years=periods.years,
        period_length_years=periods.length_years, regions=list(arrays.tables["region"].keys),
        kinds=KINDS, samples=samples, bottleneck=bottleneck, inputs=inputs,
        discount_rate=float(np.mean(arrays.settings["discount_rate"])),
    )


def run_monte_carlo(model: Model, scenario: str, samples: int | None = None,
                    seed: int | None = None, *, progress: Progress | None = None,
                    should_cancel: CancelCheck | None = None,
                    extra: list[Override] | None = None,
                    base: ModelArrays | None = None,
                    chunk_samples: int | None = None) -> MonteCarloResult:
    """Monte Carlo of ``scenario``: ``samples`` draws of every uncertainty, seeded.

    ``progress`` gets the share done (0..1) after each chunk; ``should_cancel`` is polled
    between chunks and makes the run raise ``Cancelled``.
    """
    tune_allocator()
    plan = plan_run(model, scenario, samples, seed, extra, base, chunk_samples)
    assembler = Assembler(plan)
    for index in range(plan.chunk_count):
        if should_cancel is not None and should_cancel():
            raise Cancelled("Monte Carlo run cancelled")
        assembler.add(index, run_chunk(plan, index))
        if progress is not None:
            progress(plan.chunk_bounds(index)[1] / plan.samples)
    return assembler.result()
