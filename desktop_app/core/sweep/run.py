"""Running a sweep: the engine's chunks for every point, in-process or on a Dask cluster.

The unit of work is one engine chunk of one point: unit ``u`` is point ``u // C``, chunk
``u % C`` (``C`` chunks per point). A point's Monte Carlo is exactly
``plan_run(model, scenario, samples, seed=point seed, extra=driver overrides, chunk_samples=
the sweep's chunk size)`` followed by ``run_chunk(plan, c)`` for each chunk, so a point's
numbers are those of ``run_monte_carlo`` with the same seed, overrides and chunk size. Each
unit is reduced where it runs to the chosen outputs per sample (a few floats per sample, never
the full sample arrays), and the client assembles units by index and computes the per-point
statistics itself. Results therefore depend only on the model, the spec and its seed — not on
the executor, the batching of units into tasks, the order in which they finish, or a worker
dying and its tasks running again.

Executors: in-process (the default, no extra dependency) runs the units in order in this
process; with a ``distributed.Client`` the model is scattered once to every worker
(``broadcast=True``) and batches of consecutive units become Dask tasks. ``progress`` and
``should_cancel`` work as in ``run_monte_carlo`` (a Qt worker can drive either).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from desktop_app import __version__
from desktop_app.core.drivers import overrides_for
from desktop_app.core.engine import statistics, unconstrained
from desktop_app.core.engine.arrays import ModelArrays, compile_model
from desktop_app.core.engine.kernel import derive
from desktop_app.core.engine.memory import tune_allocator
from desktop_app.core.engine.montecarlo import (
    Cancelled,
    RunPlan,
    chunk_size,
    general_bytes_per_sample,
    plan_run,
    run_chunk,
    uncertainties_text,
)
from desktop_app.core.engine.project import ENGINE_VERSION, input_hash
from desktop_app.core.engine.result import METRIC_INDEX
from desktop_app.core.engine.scenario import scenario_chain
from desktop_app.core.engine.sensitivity import output_value
from desktop_app.core.model import Model, Override
from desktop_app.core.sweep.spec import (
    Design,
    OutputSpec,
    SweepSpec,
    SweepSpecError,
    check_against,
    percentile_name,
)

# A ``distributed.Client``. Dask is an optional extra, imported by name only when a cluster is
# used (``import_distributed``): an import statement here, even under TYPE_CHECKING, would make
# PyInstaller bundle Dask into the standalone build.
Client = Any

Progress = Callable[[float], None]
CancelCheck = Callable[[], bool]
TASKS_PER_WORKER = 16  # enough tasks to balance the load and show progress…
MAX_UNITS_PER_TASK = 16  # …and small enough ones (~0.5 s of engine work for the sample model)
POLL_S = 0.02  # how often the client looks for results and for a cancel
CLUSTER_HINT = "pip install 'compute-atlas[cluster]'"
__all__ = ["Cancelled", "ClusterUnavailable", "SweepError", "SweepResult", "open_client",
           "run_sweep"]


class SweepError(RuntimeError):
    """The sweep cannot run (workers unfit, a task failed); the message says why."""


class ClusterUnavailable(SweepError):
    """Dask is not installed, or the cluster cannot be started or reached."""


@dataclass(frozen=True, slots=True)
class SweepInfo:
    """What makes the numbers reproducible (the same in every executor)."""

    engine_version: str
    input_hash: str  # the compiled model
    spec_hash: str
    seed: int
    samples: int
    points: int
    chunk_samples: int
    chunks_per_point: int


@dataclass(slots=True)
class SweepTiming:
    """How the sweep ran: not part of the results (they are the same however it ran)."""

    executor: str = "in-process"
    workers: int = 1
    tasks: int = 0
    units: int = 0
    units_per_task: int = 1
    setup_s: float = 0.0  # planning and scattering the model
    wall_s: float = 0.0  # first unit submitted to last result assembled
    compute_s: float = 0.0  # engine time summed over units, measured where they ran
    cpu_s: float = 0.0  # the CPU time of the threads that ran them (what a busy machine steals
    #                     shows as compute_s above cpu_s)


@dataclass(slots=True)
class SweepResult:
    spec: SweepSpec
    design: Design
    info: SweepInfo
    statistics: dict[str, np.ndarray]  # "mean", "p10", … → (points, outputs) float64
    se: np.ndarray  # (points, outputs): standard error of each point's mean
    exceedance: np.ndarray | None  # (points,): share of samples across the threshold
    samples: np.ndarray | None = None  # (points, samples, outputs) when kept
    timing: SweepTiming = field(default_factory=SweepTiming, compare=False)

    @property
    def outputs(self) -> tuple[OutputSpec, ...]:
        return self.spec.outputs

    @property
    def points(self) -> int:
        return self.design.points

    def statistic(self, output: str, statistic: str = "p50") -> np.ndarray:
        """(points,) one statistic ("mean", "p10", …) of one output."""
        names = [o.name for o in self.outputs]
        if output not in names:
            raise KeyError(f"no output {output!r} (outputs: {', '.join(names)})")
        if statistic not in self.statistics:
            raise KeyError(f"statistic {statistic!r} not computed (one of "
                           f"{', '.join(self.statistics)})")
        return self.statistics[statistic][:, names.index(output)]

    def crossed(self) -> np.ndarray | None:
        """(points,) whether each point's threshold statistic is across the threshold."""
        t = self.spec.threshold
        if t is None:
            return None
        return t.crossed(self.statistic(t.output, t.statistic))

    def overrides(self, model: Model, point: int) -> list[Override]:
        """The driver overrides of ``point`` (to rerun it with ``run_monte_carlo``)."""
        return point_overrides(model, self.spec, self.design, point)

    def same_numbers(self, other: SweepResult) -> bool:
        """Bit-identical results (every statistic, exceedance, kept samples), info equal."""
        def equal(a: np.ndarray | None, b: np.ndarray | None) -> bool:
            return (a is None and b is None) or (a is not None and b is not None
                                                 and np.array_equal(a, b))
        return (self.info == other.info and self.statistics.keys() == other.statistics.keys()
                and all(np.array_equal(v, other.statistics[k])
                        for k, v in self.statistics.items())
                and equal(self.se, other.se) and equal(self.exceedance, other.exceedance)
                and equal(self.samples, other.samples)
                and np.array_equal(self.design.values, other.design.values)
                and np.array_equal(self.design.seeds, other.design.seeds))


def sweep_chunk_size(base: ModelArrays) -> int:
    """One chunk size for every point (units are chunks of points), sized for the larger of
    the two paths' bytes per sample: a driver or scenario may constrain some points and not
    others. With supply lines no point can take the fast path."""
    n_phases, n_periods = len(base.tables["phase"].keys), base.periods.count
    inputs = derive(base)
    general = general_bytes_per_sample(n_phases, n_periods)
    fast = 0 if np.isfinite(inputs.supply).any() else unconstrained.bytes_per_sample(inputs)
    return chunk_size(n_phases, n_periods, max(general, fast))


def scenarios_text(model: Model, names: tuple[str, ...] | list[str]) -> str:
    """Everything the swept scenarios (and their ancestors) change, for the inputs hash: the
    compiled model alone would give one hash to sweeps whose scenarios differ."""
    parts = []
    for name in names:
        for s in scenario_chain(model, name):
            parts.append(repr((
                s.name, s.parent,
                [(o.selector, o.field, str(o.operation), o.value, o.year_from, o.year_to)
                 for o in s.overrides],
                uncertainties_text(s.uncertainties, s.correlations))))
    return "\n".join(parts)


def point_overrides(model: Model, spec: SweepSpec, design: Design, point: int) -> list[Override]:
    extra: list[Override] = []
    for j, axis in enumerate(spec.drivers):
        extra += overrides_for(model, axis.id, float(design.values[point, j]), axis.years)
    return extra


# --- the work (runs where the executor puts it) ----------------------------------------------

class SweepContext:
    """Everything a unit needs, sent to each worker once. Caches the compiled model there."""

    def __init__(self, model: Model, spec: SweepSpec, design: Design, chunks_per_point: int,
                 chunk_samples: int, period_years: np.ndarray, regions: list[str]) -> None:
        self.model = model
        self.spec = spec
        self.design = design
        self.chunks_per_point = chunks_per_point
        self.chunk_samples = chunk_samples
        self.period_years = period_years
        self.reduction = [(METRIC_INDEX[o.metric], None if o.region is None
                           else regions.index(o.region), o.metric, o.years)
                          for o in spec.outputs]
        self._base: ModelArrays | None = None
        self._plan: tuple[int, RunPlan] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_base"] = state["_plan"] = None  # rebuilt where it lands
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def base(self) -> ModelArrays:
        if self._base is None:  # first unit in this process
            tune_allocator()
            self._base = compile_model(self.model)
        return self._base

    def plan(self, point: int) -> RunPlan:
        if self._plan is None or self._plan[0] != point:
            scenario = self.design.scenarios[int(self.design.scenario_index[point])]
            extra = point_overrides(self.model, self.spec, self.design, point)
            plan = plan_run(self.model, scenario, self.spec.samples,
                            int(self.design.seeds[point]), extra=extra, base=self.base,
                            chunk_samples=self.chunk_samples)
            self._plan = (point, plan)
        return self._plan[1]

    def unit(self, index: int) -> np.ndarray:
        """(chunk samples, outputs) float64: the chosen outputs of one chunk of one point."""
        point, chunk = divmod(index, self.chunks_per_point)
        values, _, _ = run_chunk(self.plan(point), chunk)
        return reduce_outputs(values, self.period_years, self.reduction)


def reduce_outputs(values: np.ndarray, period_years: np.ndarray,
                   reduction: list[tuple[int, int | None, str, tuple[int, int]]]) -> np.ndarray:
    """The outputs per sample from a chunk's (samples, metric, period, region) values.

    The same arithmetic as ``MonteCarloResult.sample_series`` and ``output_value``, so a point
    equals ``run_monte_carlo`` with its seed and overrides, bit for bit.
    """
    out = np.empty((values.shape[0], len(reduction)), dtype=np.float64)
    for k, (m, region, name, years) in enumerate(reduction):
        by_metric = values[:, m]
        series = (by_metric.sum(axis=-1, dtype=np.float64) if region is None
                  else by_metric[:, :, region].astype(np.float64))
        out[:, k] = output_value(series, period_years, name, years)
    return out


def compute_units(context: SweepContext, start: int, stop: int
                  ) -> tuple[list[np.ndarray], float, float]:
    """A Dask task: units ``start`` … ``stop - 1``, the seconds and the CPU seconds taken."""
    began, cpu = time.perf_counter(), time.thread_time()
    results = [context.unit(u) for u in range(start, stop)]
    return results, time.perf_counter() - began, time.thread_time() - cpu


def worker_versions() -> dict[str, str]:
    """What must match between client and workers for bit-identical numbers."""
    return {"compute-atlas": __version__, "engine": ENGINE_VERSION, "numpy": np.__version__,
            "python": ".".join(map(str, sys.version_info[:2]))}


# --- assembly (always on the client) ---------------------------------------------------------

class _Collector:
    """Gathers units by index; reduces a point to its statistics once all its chunks are in."""

    def __init__(self, spec: SweepSpec, design: Design, chunks_per_point: int,
                 chunk_samples: int, keep_samples: bool) -> None:
        self.spec = spec
        self.chunks_per_point = chunks_per_point
        self.chunk_samples = chunk_samples
        n, k = design.points, len(spec.outputs)
        self.statistics = {name: np.empty((n, k)) for name in spec.statistics}
        self.se = np.empty((n, k))
        self.exceedance = np.empty(n) if spec.threshold is not None else None
        self.threshold_output = ([o.name for o in spec.outputs].index(spec.threshold.output)
                                 if spec.threshold is not None else -1)
        self.samples = np.empty((n, spec.samples, k)) if keep_samples else None
        self.pending: dict[int, tuple[np.ndarray, int]] = {}
        self.done_units = 0
        self.total_units = n * chunks_per_point

    def add(self, unit: int, values: np.ndarray) -> None:
        point, chunk = divmod(unit, self.chunks_per_point)
        buffer, filled = self.pending.get(point, (None, 0))
        if buffer is None:
            buffer = (self.samples[point] if self.samples is not None
                      else np.empty((self.spec.samples, len(self.spec.outputs))))
        start = chunk * self.chunk_samples
        buffer[start:start + values.shape[0]] = values
        filled += 1
        self.done_units += 1
        if filled == self.chunks_per_point:
            self.pending.pop(point, None)
            self._reduce(point, buffer)
        else:
            self.pending[point] = (buffer, filled)

    def _reduce(self, point: int, values: np.ndarray) -> None:
        s = statistics.summarise(values, self.spec.percentiles)
        self.statistics["mean"][point] = s.mean
        for q, row in s.percentiles.items():
            self.statistics[percentile_name(q)][point] = row
        self.se[point] = s.standard_error
        t = self.spec.threshold
        if self.exceedance is not None and t is not None:  # exceedance is kept iff a threshold
            self.exceedance[point] = t.crossed(values[:, self.threshold_output]).mean()

    @property
    def fraction(self) -> float:
        return self.done_units / self.total_units


def run_sweep(model: Model, spec: SweepSpec, *, client: Client | None = None,
              progress: Progress | None = None, should_cancel: CancelCheck | None = None,
              keep_samples: bool = False, units_per_task: int | None = None) -> SweepResult:
    """Run ``spec`` on ``model``: in this process, or on ``client``'s Dask cluster.

    ``progress`` gets the share of units done (0..1) as results come in; ``should_cancel`` is
    polled between units (in-process) or every few ms (Dask) and makes the sweep cancel its
    tasks and raise ``Cancelled``. ``keep_samples`` keeps every point's per-sample outputs.
    Raises ``SweepSpecError`` when the spec asks for what the model lacks.
    """
    began = time.perf_counter()
    tune_allocator()
    base = compile_model(model)
    problems = preflight(model, spec, base)
    if problems:
        raise SweepSpecError("; ".join(problems))
    design = spec.design()
    chunk = sweep_chunk_size(base)
    probe = plan_run(model, spec.scenarios[0], spec.samples, spec.seed, base=base,
                     chunk_samples=chunk)
    info = SweepInfo(ENGINE_VERSION, input_hash(base, scenarios_text(model, spec.scenarios)),
                     spec.digest(), spec.seed, spec.samples, design.points,
                     probe.chunk_samples, probe.chunk_count)
    context = SweepContext(model, spec, design, probe.chunk_count, probe.chunk_samples,
                           base.periods.years, list(base.tables["region"].keys))
    context._base = base
    collector = _Collector(spec, design, probe.chunk_count, probe.chunk_samples, keep_samples)
    timing = SweepTiming(units=collector.total_units)
    if client is None:
        timing.setup_s = time.perf_counter() - began
        _run_in_process(context, collector, timing, progress, should_cancel)
    else:
        _run_on_dask(client, context, collector, timing, progress, should_cancel,
                     units_per_task, began)
    return SweepResult(spec, design, info, collector.statistics, collector.se,
                       collector.exceedance, collector.samples, timing)


def preflight(model: Model, spec: SweepSpec, base: ModelArrays | None = None) -> list[str]:
    """What the spec asks of the model that the model lacks (before starting any cluster)."""
    base = base if base is not None else compile_model(model)
    return check_against(spec, model, base.periods.years, list(base.tables["region"].keys))


def _run_in_process(context: SweepContext, collector: _Collector, timing: SweepTiming,
                    progress: Progress | None, should_cancel: CancelCheck | None) -> None:
    started = time.perf_counter()
    timing.tasks = timing.units
    for unit in range(collector.total_units):
        if should_cancel is not None and should_cancel():
            raise Cancelled("sweep cancelled")
        at, cpu = time.perf_counter(), time.thread_time()
        values = context.unit(unit)
        timing.compute_s += time.perf_counter() - at
        timing.cpu_s += time.thread_time() - cpu
        collector.add(unit, values)
        if progress is not None:
            progress(collector.fraction)
    timing.wall_s = time.perf_counter() - started


def _run_on_dask(client: Client, context: SweepContext, collector: _Collector,
                 timing: SweepTiming, progress: Progress | None,
                 should_cancel: CancelCheck | None, units_per_task: int | None,
                 began: float) -> None:
    as_completed = import_distributed().as_completed
    problems = check_workers(client)
    if problems:
        raise SweepError("; ".join(problems))
    workers = max(1, sum(client.nthreads().values()))
    total = collector.total_units
    per_task = units_per_task or min(MAX_UNITS_PER_TASK,
                                     max(1, -(-total // (workers * TASKS_PER_WORKER))))
    timing.executor, timing.workers, timing.units_per_task = "dask", workers, per_task
    token = uuid.uuid4().hex[:12]
    shared = client.scatter(context, broadcast=True, hash=False)
    futures = {}
    try:
        for i, start in enumerate(range(0, total, per_task)):
            future = client.submit(compute_units, shared, start, min(total, start + per_task),
                                   key=f"atlas-sweep-{token}-{i}", pure=False)
            futures[future] = start
        timing.tasks = len(futures)
        started = time.perf_counter()
        timing.setup_s = started - began
        arrived = as_completed(futures, loop=client.loop, with_results=True, raise_errors=False)
        while not arrived.is_empty():
            if should_cancel is not None and should_cancel():
                raise Cancelled("sweep cancelled")
            batch = arrived.next_batch(block=False)
            if not batch:
                time.sleep(POLL_S)
                continue
            for future, outcome in sorted(batch, key=lambda item: futures[item[0]]):
                if _failed(outcome):
                    error = outcome[1] if isinstance(outcome, tuple) else outcome
                    raise SweepError(f"a sweep task failed ({future.status}): "
                                     f"{type(error).__name__}: {error}") from error
                # A result in hand counts even if its worker has died since and the key now
                # reads "lost" (checking ``future.status`` here raised on a valid result).
                results, seconds, cpu_seconds = outcome
                timing.compute_s += seconds
                timing.cpu_s += cpu_seconds
                for offset, values in enumerate(results):
                    collector.add(futures[future] + offset, values)
                future.release()
            if progress is not None:
                progress(collector.fraction)
        timing.wall_s = time.perf_counter() - started
    finally:
        leftover = [f for f in futures if not f.done()]
        if leftover:
            with contextlib.suppress(Exception):
                client.cancel(leftover, force=True)
        with contextlib.suppress(Exception):
            client.cancel([shared], force=True)


def check_workers(client: Client) -> list[str]:
    """Problems that would stop the workers from giving this machine's numbers, bit for bit."""
    try:
        found = client.run(worker_versions)
    except Exception as exc:  # the workers cannot import desktop_app, or they are gone
        return [f"the Dask workers cannot run Compute Atlas tasks ({type(exc).__name__}: "
                f"{exc}); install compute-atlas {__version__} on them"]
    if not found:
        return ["the Dask cluster has no workers"]
    mine = worker_versions()
    problems = []
    for address, theirs in sorted(found.items()):
        differ = [f"{k} {theirs.get(k)} (here {v})" for k, v in mine.items()
                  if theirs.get(k) != v]
        if differ:
            problems.append(f"worker {address} runs " + ", ".join(differ)
                            + ": results would not be bit-identical")
    return problems


# --- clusters --------------------------------------------------------------------------------

def import_distributed() -> Any:
    """The ``distributed`` module, or ``ClusterUnavailable`` saying how to get it.

    Imported by name at run time, so that a frozen build does not pull Dask in.
    """
    try:
        return importlib.import_module("distributed")
    except ImportError as exc:
        if getattr(sys, "frozen", False):
            raise ClusterUnavailable("this build of Compute Atlas runs sweeps in-process only; "
                                     "for --workers/--scheduler install it with Python: "
                                     f"{CLUSTER_HINT}") from exc
        raise ClusterUnavailable("running sweeps on Dask needs the cluster extra, which is not "
                                 f"installed: {CLUSTER_HINT}") from exc


def _failed(outcome: object) -> bool:
    """Whether ``as_completed(..., raise_errors=False)`` handed back a failure: an exception
    (a cancelled task) or the ``(type, exception, traceback)`` of one that raised."""
    if isinstance(outcome, BaseException):
        return True
    return (isinstance(outcome, tuple) and len(outcome) == 3 and isinstance(outcome[0], type)
            and issubclass(outcome[0], BaseException))


@contextlib.contextmanager
def open_client(workers: int | None = None, scheduler: str | None = None, *,
                timeout_s: float = 20.0) -> Iterator[Client]:
    """A Dask client: ``workers`` local worker processes on loopback, or the cluster at
    ``scheduler`` (``tcp://host:port``). Closes what it started on exit."""
    distributed = import_distributed()
    if (workers is None) == (scheduler is None):
        raise ValueError("give either workers or scheduler")
    cluster = None
    try:
        if scheduler is not None:
            try:
                client = distributed.Client(scheduler, timeout=timeout_s, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise ClusterUnavailable(f"cannot reach the Dask scheduler at {scheduler} "
                                         f"({exc})") from exc
        else:
            assert workers is not None  # exactly one of workers and scheduler, checked above
            if workers < 1:
                raise ValueError("workers must be at least 1")
            with _sigint_ignored_in_children():
                cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
            client = distributed.Client(cluster, set_as_default=False)
    except BaseException:
        if cluster is not None:
            cluster.close()
        raise
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


@contextlib.contextmanager
def _sigint_ignored_in_children() -> Iterator[None]:
    """Start worker processes with Ctrl-C ignored: the terminal sends SIGINT to the whole
    process group, and the client, not each worker, decides how a sweep stops (it cancels the
    tasks and closes the cluster). Python keeps an inherited SIG_IGN for SIGINT."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
