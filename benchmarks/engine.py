"""Engine benchmark of the engine issue: figures and ratios on this machine, in one run.

    .venv/bin/python benchmarks/engine.py

(a) deterministic projection of the sample model ("Baseline"): warm ``Projector`` (compiled model
    reused, what a slider drag does) and cold ``project(model, scenario)``; budget ≤ 1 ms median.
(b) the same for a synthetic 10,000-site model (30,000 phases, 6 regions in two priority tiers,
    one region capped, 4 accelerators, packaging/logic/HBM lines that bind, so the allocation
    path runs); budget ≤ 10 ms median.
(c) Monte Carlo of the issue's reference model (``benchmarks/reference_model.py``), 10,000
    samples through the full engine (``run_monte_carlo``); budget ≤ 0.5 s median on one core, peak
    memory ≤ 300 MB (tracemalloc's peak of traced allocations, NumPy's included, and the growth of
    the peak RSS in a fresh subprocess).
(d) the peers — the reference model in idiomatic squigglepy and in plain Python loops — timed in
    the same run, with engine/peer speed ratios (targets ≥ 10× and ≥ 50×) and the P10/P50/P90 of the
    2025–2030 total of each side by side.

The process is pinned to one core and BLAS/OpenMP to one thread before NumPy is imported. Timing
is reported, never asserted (tests check correctness only). Finishes in about a minute.
"""

from __future__ import annotations

import os

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
for _var in THREAD_VARS:
    os.environ[_var] = "1"


def _pin_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this platform)"
    allowed = sorted(os.sched_getaffinity(0))
    core = 0 if 0 in allowed else allowed[0]
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core} (of {len(allowed)} allowed: {allowed})"


PINNING = _pin_one_core()

import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks import reference_model as ref  # noqa: E402
from desktop_app.core.engine.montecarlo import run_monte_carlo  # noqa: E402
from desktop_app.core.engine.project import Projector, project  # noqa: E402
from desktop_app.core.model import (  # noqa: E402
    Accelerator,
    Model,
    Operation,
    Override,
    PeriodKind,
    Phase,
    Region,
    Scenario,
    Settings,
    Site,
    SiteStatus,
    SupplyKind,
    SupplyLine,
)
from desktop_app.core.validation import validate  # noqa: E402

MC_SAMPLES = 10_000
MC_RUNS = 7
MC_SEED = 20_250_101
SQUIGGLE_RUNS = 3
PLAIN_SAMPLES = 1_000
PLAIN_RUNS = 3
BUDGET_SAMPLE_S = 1e-3
BUDGET_SYNTHETIC_S = 10e-3
BUDGET_MC_S = 0.5
BUDGET_MC_MB = 300.0
TARGET_VS_SQUIGGLEPY = 10.0
TARGET_VS_PLAIN = 50.0


# --- Models ---------------------------------------------------------------------------------

def synthetic_model(n_sites: int, phases_per_site: int = 3, seed: int = 7) -> Model:
    """A valid random model of ``n_sites`` sites with a "Baseline" scenario of a few overrides.

    Supply lines are sized from the model's own demand with a year-dependent factor per kind
    (0.8–1.35), so different kinds bind in different years; two regions are served first and one
    is capped, so every branch of the allocator runs. Accelerators live 4–6 years, so retirements
    and their replacements fall inside 2024–2030.
    """
    rng = random.Random(seed)
    settings = Settings(title=f"Synthetic {n_sites} sites", base_year=2024, horizon_year=2030,
                        period=PeriodKind.YEAR, supply_share_to_model=1.0)
    years = range(settings.base_year, settings.horizon_year + 1)
    codes = [f"S{i}" for i in range(1, 7)]
    regions = [Region(code=code, name=f"Synthetic region {code}",
                      electricity_price_usd_per_mwh=rng.uniform(50, 160),
                      electricity_price_change_per_year=rng.uniform(-0.02, 0.03),
                      grid_carbon_kg_per_mwh=rng.uniform(30, 600),
                      default_pue=rng.uniform(1.1, 1.4),
                      facility_cost_multiplier=rng.uniform(0.7, 1.2),
                      allocation_priority=1 if i < 2 else 0)
               for i, code in enumerate(codes)]
    accelerators = [
        Accelerator(name=f"X{i}", vendor="Synthetic", first_year=2022 + i,
                    unit_price_usd=20_000 + 8_000 * i, price_change_per_year=-0.05,
                    power_kw=1.2 + 0.4 * i, pflops_dense=1.0 + i, hbm_gb=80.0 + 64 * i,
                    units_per_packaging_wafer=16.0 - 2 * i, units_per_logic_wafer=30.0 - 3 * i,
                    service_life_years=4.0 + i % 3)
        for i in range(4)]
    statuses = list(SiteStatus)
    sites, phases = [], []
    for i in range(n_sites):
        name = f"Synthetic site {i:05d}"
        sites.append(Site(
            name=name, operator=f"Operator {i % 40}", region=rng.choice(codes),
            status=rng.choice(statuses), accelerator=rng.choice(accelerators).name,
            pue=None if rng.random() < 0.5 else rng.uniform(1.1, 1.5),
            utilisation=rng.uniform(0.6, 0.85), completion_probability=rng.uniform(0.5, 1.0),
            accelerators_per_mw=None if rng.random() < 0.8 else rng.uniform(400, 900)))
        for j in range(phases_per_site):
            phases.append(Phase(
                site=name, name=f"Phase {j + 1}", capacity_mw=rng.uniform(20, 300),
                online_year=rng.randint(settings.base_year, settings.horizon_year),
                online_quarter=rng.randint(1, 4),
                facility_capex_usd_per_mw=None if rng.random() < 0.7 else rng.uniform(8e6, 15e6),
                lead_time_years=rng.choice((1.0, 1.5, 2.0, 3.0))))
    # Size the lines from demand: accelerators per year, converted to each kind's units.
    by_name = {a.name: a for a in accelerators}
    site_of = {s.name: s for s in sites}
    need = {kind: dict.fromkeys(years, 0.0) for kind in SupplyKind}
    for p in phases:
        s = site_of[p.site]
        a = by_name[s.accelerator]
        per_mw = s.accelerators_per_mw or 1000.0 / a.power_kw
        units = p.capacity_mw * s.completion_probability * per_mw
        need[SupplyKind.PACKAGING][p.online_year] += units / a.units_per_packaging_wafer
        need[SupplyKind.LOGIC][p.online_year] += units / a.units_per_logic_wafer
        need[SupplyKind.HBM][p.online_year] += units * a.hbm_gb
    factors = {SupplyKind.PACKAGING: (1.3, 0.85, 0.8, 0.95, 1.2, 1.1, 1.3),
               SupplyKind.LOGIC: (1.35, 1.0, 1.05, 0.85, 1.25, 1.2, 1.3),
               SupplyKind.HBM: (1.3, 1.1, 0.9, 1.0, 0.9, 1.15, 1.3)}
    ai_share, yield_fraction = 0.8, 0.9
    lines = [SupplyLine(name=f"{kind.value} line {k + 1}", owner="Synthetic", kind=kind,
                        capacity_by_year={y: factors[kind][t] * need[kind][y] / 2
                                          / (ai_share * yield_fraction)
                                          for t, y in enumerate(years)},
                        ai_share=ai_share, yield_fraction=yield_fraction)
             for kind in SupplyKind for k in range(2)]
    capped = regions[-1]
    capped.supply_cap_units_per_year = 0.6 * sum(
        p.capacity_mw * 1000.0 / by_name[site_of[p.site].accelerator].power_kw
        for p in phases if site_of[p.site].region == capped.code) / len(years)
    ov = Override
    baseline = Scenario(name="Baseline", description="Synthetic benchmark scenario", overrides=[
        ov("supply_line[kind=packaging]", "capacity_by_year", Operation.MULTIPLY, 0.9, 2025, 2026),
        ov("accelerator:*", "unit_price_usd", Operation.MULTIPLY, 1.1, 2025, 2027),
        ov("region:S2", "electricity_price_usd_per_mwh", Operation.MULTIPLY, 1.2),
        ov("phase[status=announced]", "online_year", Operation.SHIFT_YEARS, 1),
        ov("site[region=S3]", "completion_probability", Operation.MULTIPLY, 0.9),
    ])
    return Model(settings=settings, regions=regions, accelerators=accelerators, sites=sites,
                 phases=phases, supply_lines=lines, scenarios=[baseline])


def sample_model() -> tuple[Model, str]:
    from desktop_app.core.sample_model import build_sample_model

    return build_sample_model(), "desktop_app.core.sample_model.build_sample_model()"


# --- Measuring ------------------------------------------------------------------------------

def repeat(fn: Callable[[], object], runs: int, warmup: int = 1,
           cpu: list[float] | None = None) -> list[float]:
    """Wall-clock seconds of ``runs`` calls; process CPU seconds go to ``cpu`` when given."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return times


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def p95(times: list[float]) -> float:
    return float(np.percentile(times, 95))


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.3f} ms"


def verdict(value: float, budget: float) -> str:
    return "OK" if value <= budget else "OVER"


def budget_line(label: str, value: float, budget: float, unit: str, scale: float) -> str:
    return (f"  BUDGET {label}: {value * scale:.3f} {unit} vs ≤ {budget * scale:g} {unit}"
            f"  → {verdict(value, budget)}")


def deterministic(label: str, model: Model, warm_runs: int, cold_runs: int,
                  budget: float) -> None:
    problems = validate(model)
    print(f"  model: {len(model.sites):,} sites, {len(model.phases):,} phases, "
          f"{len(model.regions)} regions, {len(model.accelerators)} accelerators, "
          f"{len(model.supply_lines)} supply lines, periods "
          f"{model.settings.base_year}–{model.settings.horizon_year} "
          f"({model.settings.period}); validation problems: {len(problems)}")
    projector = Projector(model)
    warm = repeat(lambda: projector.project("Baseline"), warm_runs, warmup=3)
    cold = repeat(lambda: project(model, "Baseline"), cold_runs, warmup=1)
    print(f"  warm Projector.project('Baseline'): median {ms(statistics.median(warm))}, "
          f"p95 {ms(p95(warm))}, min {ms(min(warm))}  ({warm_runs} runs)")
    print(f"  cold project(model, 'Baseline')   : median {ms(statistics.median(cold))}, "
          f"p95 {ms(p95(cold))}, min {ms(min(cold))}  ({cold_runs} runs; includes "
          f"compile_model)")
    print(budget_line(f"{label} warm median", statistics.median(warm), budget, "ms", 1e3))
    print(budget_line(f"{label} cold median", statistics.median(cold), budget, "ms", 1e3)
          + "  (cold: informational, a slider drag is warm)")


RSS_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from benchmarks import reference_model as ref
from desktop_app.core.engine.montecarlo import run_monte_carlo


def status(name):
    for line in open("/proc/self/status"):
        if line.startswith(name + ":"):
            return int(line.split()[1])  # kB
    return -1


def reset_peak():
    try:  # Linux >= 4.0: "5" resets VmHWM (the peak RSS) to the current RSS
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


model = ref.reference_atlas_model()
run_monte_carlo(model, ref.SCENARIO, samples=64, seed=1)  # imports and first-call caches
maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rss_before = status("VmRSS")
was_reset = reset_peak()
hwm_before = status("VmHWM")
start = time.perf_counter()
result = run_monte_carlo(model, ref.SCENARIO, samples={samples}, seed={seed})
elapsed = time.perf_counter() - start
print(json.dumps({{"maxrss_before_kb": maxrss_before,
                  "maxrss_after_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_before_kb": rss_before, "hwm_before_kb": hwm_before,
                  "hwm_after_kb": status("VmHWM"), "hwm_reset": was_reset,
                  "seconds": elapsed}}))
"""


def rss_in_subprocess(samples: int, seed: int) -> dict:
    """Peak-RSS growth of one run in a fresh interpreter.

    Two measures: ``ru_maxrss`` (getrusage) before/after, and ``VmHWM`` from /proc/self/status
    reset to the current RSS just before the run. ru_maxrss is inflated on Linux: exec records the
    *parent's* RSS high-water mark into the child's (signal_struct maxrss survives exec), so its
    "before" can exceed what the child itself ever used and hide the run's growth; that is why
    this runs first thing, while the benchmark process is still small, and why VmHWM is also read.
    """
    code = RSS_CHILD.format(root=str(ROOT), samples=samples, seed=seed)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def ratio_line(peer: str, ratio: float, target: float | None) -> str:
    """``ratio`` = peer time / engine time (above 1: the engine is faster)."""
    how = (f"engine {ratio:.1f}× faster" if ratio >= 1
           else f"engine {1 / ratio:.1f}× SLOWER")
    verdict_text = ("(no target)" if target is None
                    else f"(target ≥ {target:g}× faster) → {'OK' if ratio >= target else 'UNDER'}")
    return f"  RATIO peer/engine time, {peer}: {ratio:.2f} — {how} {verdict_text}"


def totals_line(name: str, per_year: np.ndarray | list, engine_p50: float | None) -> str:
    s = ref.summary(per_year)
    diff = ("" if engine_p50 is None
            else f"  ΔP50 vs engine {100 * (s['p50'] / engine_p50 - 1):+.2f} %")
    return (f"  {name:<28} P10 {s['p10'] / 1e12:6.3f}  P50 {s['p50'] / 1e12:6.3f}  "
            f"P90 {s['p90'] / 1e12:6.3f}  mean {s['mean'] / 1e12:6.3f}  "
            f"({s['samples']:,} samples){diff}")


def timed_runs(peer: Callable[..., object], samples: int, runs: int,
               first_seed: int) -> tuple[list[float], list]:
    """Wall seconds and results of ``runs`` calls of a peer, each with its own seed."""
    times, results = [], []
    for k in range(runs):
        start = time.perf_counter()
        results.append(peer(samples, seed=first_seed + k))
        times.append(time.perf_counter() - start)
    return times, results


def sampling_figures() -> None:
    """Random numbers are the floor of (c): NumPy's own float32 generators against the engine's
    (``distributions.uniform01``, ``standard_normal``, ``_triangular``), same draws count."""
    from desktop_app.core import distributions as dist
    from desktop_app.core.engine.memory import tune_allocator

    tune_allocator()
    chunk = 1024 * ref.N_SITES  # one chunk of one per-site uncertainty, as in the run
    chunks = 10
    count = chunk
    rng = np.random.Generator(np.random.PCG64(MC_SEED))
    f32 = np.float32

    def best(fn: Callable[[], object]) -> float:
        return min(repeat(lambda: [fn() for _ in range(chunks)], 5, warmup=1))

    pairs = [
        ("uniform", lambda: rng.random(count, dtype=f32), lambda: dist.uniform01(rng, count)),
        ("normal", lambda: rng.standard_normal(count, dtype=f32),
         lambda: dist.standard_normal(rng, (count,))),
        ("triangular", lambda: dist._triangular_from_uniform(rng.random(count, dtype=f32),
                                                             0.0, 0.5, 2.0),
         lambda: dist._triangular(rng, (count,), f32, 0.0, 0.5, 2.0)),
    ]
    print(f"  sampling, {chunks} × {chunk:,} float32 draws (chunk-sized, min of 5): NumPy's way "
          "→ the engine's")
    for name, numpy_way, engine_way in pairs:
        before, after = best(numpy_way), best(engine_way)
        print(f"    {name:<10} {before * 1e3:6.1f} ms → {after * 1e3:6.1f} ms  "
              f"({before / after:.1f}×)")


def stage_figures(model: Model) -> None:
    """Where one reference run's time goes, chunk by chunk (min of 5 runs per stage)."""
    from desktop_app.core.engine import kernel, montecarlo
    from desktop_app.core.engine.scenario import apply_values

    plan = montecarlo.plan_run(model, ref.SCENARIO, MC_SAMPLES, MC_SEED)
    best: dict[str, float] = {}
    for _ in range(5):
        spent = dict.fromkeys(("draw", "apply", "derive", "kernel"), 0.0)
        for index in range(plan.chunk_count):
            start, stop = plan.chunk_bounds(index)
            rng = np.random.Generator(np.random.PCG64(plan.seeds[index]))
            t0 = time.perf_counter()
            draws = montecarlo._draw(plan, rng, stop - start, np.float32)
            t1 = time.perf_counter()
            arrays = plan.arrays.copy()
            for u in plan.uncertainties:
                apply_values(arrays, u.selector, u.field, u.operation, draws[u.name],
                             sampled=True)
            t2 = time.perf_counter()
            inputs = kernel.derive(arrays, np.float32)
            t3 = time.perf_counter()
            kernel.run(inputs)
            t4 = time.perf_counter()
            for name, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                spent[name] += seconds
        best = {k: min(best.get(k, np.inf), v) for k, v in spent.items()}
    print(f"  stages of one run ({plan.chunk_count} chunks, min of 5): "
          + ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in best.items())
          + f"; sum {sum(best.values()) * 1e3:.0f} ms")


# --- The run --------------------------------------------------------------------------------

def main() -> None:
    started = time.perf_counter()
    import squigglepy

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor() or "?") \
        if Path("/proc/cpuinfo").exists() else platform.processor()
    print("Compute Atlas engine benchmark")
    print(f"  machine: {cpu}; {os.cpu_count()} logical CPUs; Python {platform.python_version()}, "
          f"NumPy {np.__version__}, squigglepy {squigglepy.__version__}")
    print(f"  one core: {PINNING}; {', '.join(f'{v}=1' for v in THREAD_VARS)} set before "
          "importing NumPy")
    print("  timings vary 15–30 % run to run on these machines; ratios hold better than figures; "
          f"{load()} at start")
    child = rss_in_subprocess(MC_SAMPLES, MC_SEED)  # first, while this process is small

    print("\n(a) deterministic projection, sample model")
    model, source = sample_model()
    print(f"  source: {source}")
    deterministic("(a)", model, warm_runs=1000, cold_runs=300, budget=BUDGET_SAMPLE_S)

    print("\n(b) deterministic projection, synthetic 10,000-site model")
    t0 = time.perf_counter()
    big = synthetic_model(10_000)
    print(f"  (built in {time.perf_counter() - t0:.2f} s)")
    deterministic("(b)", big, warm_runs=40, cold_runs=5, budget=BUDGET_SYNTHETIC_S)
    run = Projector(big).project("Baseline")
    names = run.bottleneck_names()
    print("  allocation check: binding kind per year "
          + ", ".join(f"{y}:{n}" for y, n in zip(run.period_labels, names, strict=True)))
    del big, run

    print(f"\n(c) Monte Carlo, reference model, {MC_SAMPLES:,} samples, full engine "
          "(run_monte_carlo, includes compiling the 500-site model)")
    reference = ref.reference_atlas_model()
    problems = validate(reference)
    print(f"  reference model: {len(reference.sites)} sites, {len(reference.regions)} regions, "
          f"{len(reference.scenarios[0].uncertainties)} uncertainties; validation problems: "
          f"{len(problems)}")
    results = []

    def monte_carlo() -> None:
        results.append(run_monte_carlo(reference, ref.SCENARIO, samples=MC_SAMPLES,
                                       seed=MC_SEED + len(results)))

    mc_cpu: list[float] = []
    mc_times = repeat(monte_carlo, MC_RUNS, warmup=1, cpu=mc_cpu)
    mc = statistics.median(mc_times)
    last = results[-1]
    print(f"  run_monte_carlo: median {mc:.3f} s, min {min(mc_times):.3f} s, max "
          f"{max(mc_times):.3f} s wall ({MC_RUNS} runs after 1 warm-up; chunks of "
          f"{last.info.chunk_samples} samples); process CPU median "
          f"{statistics.median(mc_cpu):.3f} s (wall ≫ CPU means another process shared the core)")
    engine_per_year = last.sample_series("total_spend_usd")[:, :len(ref.YEARS)]
    del results[:-1]
    tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    run_monte_carlo(reference, ref.SCENARIO, samples=MC_SAMPLES, seed=MC_SEED)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_mb = (peak - before) / 2**20
    print(f"  tracemalloc: peak of traced allocations during one run {traced_mb:.1f} MB "
          "(NumPy buffers included; result array "
          f"{last.samples.nbytes / 2**20:.1f} MB of it)")
    maxrss_mb = (child["maxrss_after_kb"] - child["maxrss_before_kb"]) / 1024
    hwm_mb = (child["hwm_after_kb"] - child["rss_before_kb"]) / 1024
    print(f"  fresh subprocess (run at the start, {child['seconds']:.3f} s there): "
          f"getrusage ru_maxrss {child['maxrss_before_kb'] / 1024:.1f} → "
          f"{child['maxrss_after_kb'] / 1024:.1f} MB: +{maxrss_mb:.1f} MB")
    reset = "reset to current RSS before the run" if child["hwm_reset"] else "NOT resettable"
    print(f"  fresh subprocess: /proc VmRSS before {child['rss_before_kb'] / 1024:.1f} MB, "
          f"VmHWM ({reset}) after {child['hwm_after_kb'] / 1024:.1f} MB: "
          f"+{hwm_mb:.1f} MB peak RSS growth")
    print(budget_line("(c) Monte Carlo median", mc, BUDGET_MC_S, "s", 1))
    print(budget_line("(c) peak memory, tracemalloc", traced_mb, BUDGET_MC_MB, "MB", 1))
    print(budget_line("(c) peak memory, RSS growth (VmHWM)", hwm_mb, BUDGET_MC_MB, "MB", 1))
    print(budget_line("(c) peak memory, ru_maxrss growth", maxrss_mb, BUDGET_MC_MB, "MB", 1))

    sampling_figures()
    stage_figures(reference)

    print("\n(d) peers, same reference model, same run")
    sq_times, sq_runs = timed_runs(ref.squigglepy_reference, MC_SAMPLES, SQUIGGLE_RUNS, 100)
    sq = statistics.median(sq_times)
    print(f"  squigglepy, sq.sample(model_fn, n) (idiomatic): median {sq:.3f} s for "
          f"{MC_SAMPLES:,} samples ({SQUIGGLE_RUNS} runs)")
    vec_times, vec_runs = timed_runs(ref.squigglepy_vectorised_reference, MC_SAMPLES,
                                     SQUIGGLE_RUNS, 200)
    vec = statistics.median(vec_times)
    print(f"  squigglepy as RNG + hand-vectorised NumPy f64 (not idiomatic, for reference): "
          f"median {vec:.3f} s ({SQUIGGLE_RUNS} runs)")
    plain_times, plain_runs = timed_runs(ref.plain_python_reference, PLAIN_SAMPLES, PLAIN_RUNS,
                                         300)
    plain_small = statistics.median(plain_times)
    plain = plain_small * MC_SAMPLES / PLAIN_SAMPLES
    print(f"  plain Python loops + random: median {plain_small:.3f} s for {PLAIN_SAMPLES:,} "
          f"samples ({PLAIN_RUNS} runs) → {plain:.2f} s for {MC_SAMPLES:,}, SCALED LINEARLY "
          "(the loop does the same work per sample)")
    ratio_sq, ratio_plain, ratio_vec = sq / mc, plain / mc, vec / mc
    print(ratio_line("squigglepy (idiomatic)", ratio_sq, TARGET_VS_SQUIGGLEPY))
    print(ratio_line("plain Python", ratio_plain, TARGET_VS_PLAIN))
    print(ratio_line("squigglepy-as-RNG + NumPy", ratio_vec, None))
    print("\n  2025–2030 total spend, T USD (the peers should agree within a few %; P50 ≈ 3 T)")
    engine_p50 = ref.summary(engine_per_year)["p50"]
    print(totals_line("engine (run_monte_carlo)", engine_per_year, None))
    print(totals_line("squigglepy (idiomatic)", np.vstack(sq_runs), engine_p50))
    print(totals_line("squigglepy RNG + NumPy", np.vstack(vec_runs), engine_p50))
    print(totals_line("plain Python (pooled runs)", np.vstack(plain_runs), engine_p50))
    print(f"\nwhole benchmark: {time.perf_counter() - started:.1f} s; {load()} at the end")


if __name__ == "__main__":
    main()
