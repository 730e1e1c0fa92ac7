"""Sweep benchmark of the sweeps issue: in-process versus a 2-worker local Dask cluster.

    .venv/bin/python benchmarks/sweep.py [--points 500] [--samples 1000]

The sweep: the built-in sample model, scenario "Baseline", four drivers (packaging supply
2026–2027, accelerator price, online delay, demand growth) on a seeded Latin hypercube of 500
points, 1,000 Monte Carlo samples per point (one engine chunk each), three outputs and a
threshold. It runs in this process, then on a LocalCluster of 2 worker processes × 1 thread on
loopback; the two results must be bit-identical (checked, printed).

BLAS/OpenMP are limited to one thread in this process and in the workers (set before NumPy is
imported, inherited by the workers), so both sides use one thread per process. Printed:
in-process time, cluster start-up, cluster sweep time, speedup (target ≥ 1.7× on 2 cores),
and the per-chunk overhead of the cluster: worker time not spent in the engine (scheduling,
(de)serialising, moving results, idle tail) per chunk, as a share of the chunk time (target
< 5 %). The engine's wall and CPU time per chunk on each side tell contention apart: when other
processes share the cores, the workers' threads wait off-CPU and the measured speedup reads low,
so the load average is printed first and a projection for idle cores (from CPU times and the
measured overhead) last. Timing is reported, never asserted.
"""

from __future__ import annotations

import os

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
for _var in THREAD_VARS:
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from desktop_app.core.sample_model import build_sample_model  # noqa: E402
from desktop_app.core.sweep.answers import answers  # noqa: E402
from desktop_app.core.sweep.run import SweepResult, open_client, run_sweep  # noqa: E402
from desktop_app.core.sweep.spec import parse_spec  # noqa: E402

WORKERS = 2


def spec_document(points: int, samples: int) -> dict:
    return {
        "format": "compute-atlas-sweep", "version": 1, "name": "benchmark",
        "scenario": "Baseline",
        "drivers": [
            {"id": "packaging_change", "range": [-50, 50], "years": [2026, 2027]},
            {"id": "price_change", "range": [-40, 40]},
            {"id": "online_delay", "range": [0, 2]},
            {"id": "demand_growth", "range": [-10, 30]},
        ],
        "design": {"kind": "latin_hypercube", "points": points},
        "samples": samples, "seed": 2026,
        "outputs": [
            {"name": "spend_2030", "metric": "total_spend_usd", "years": 2030},
            {"name": "spend_2026_2030", "metric": "total_spend_usd", "years": [2026, 2030]},
            {"name": "online_gw_2030", "metric": "online_mw", "years": 2030},
        ],
        "threshold": {"output": "spend_2026_2030", "above": 5.0e11},
    }


def _chunk_ms(result: SweepResult) -> float:
    return 1e3 * result.timing.compute_s / result.timing.units


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    model = build_sample_model()
    spec = parse_spec(spec_document(args.points, args.samples))
    print(f"Sweep benchmark: {spec.points} points × {spec.samples:,} samples of the sample "
          f"model (Baseline, 4 drivers, Latin hypercube), {len(spec.outputs)} outputs")
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, "
          f"{os.cpu_count()} CPUs; BLAS/OpenMP threads = 1 in this process and the workers")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        busy = " — other work is running: the cluster's speedup will read low" \
            if load > 0.5 else ""
        print(f"load average before the run: {load:.2f}{busy}")

    began = time.perf_counter()
    local = run_sweep(model, spec)
    local_s = time.perf_counter() - began
    chunks = local.timing.units
    print(f"\nin-process:        {local_s:7.2f} s   ({chunks} chunks of ≤ "
          f"{local.info.chunk_samples} samples, engine {_chunk_ms(local):.1f} ms per chunk)")

    began = time.perf_counter()
    with open_client(workers=WORKERS) as client:
        startup_s = time.perf_counter() - began
        began = time.perf_counter()
        remote = run_sweep(model, spec, client=client)
        cluster_s = time.perf_counter() - began
        began = time.perf_counter()
    close_s = time.perf_counter() - began
    t = remote.timing
    print(f"{WORKERS}-worker cluster:  {cluster_s:7.2f} s   ({t.tasks} tasks of "
          f"{t.units_per_task} chunks; start-up {startup_s:.2f} s and shut-down {close_s:.2f} s "
          "not included)")
    identical = local.same_numbers(remote)
    print(f"results identical (np.array_equal on every statistic): {identical}")

    speedup = local_s / cluster_s
    with_startup = local_s / (cluster_s + startup_s)
    print(f"\nspeedup:           {speedup:5.2f}×   (target ≥ 1.7×; {with_startup:.2f}× counting "
          "the cluster's start-up)")
    overhead_ms = 1e3 * (WORKERS * t.wall_s - t.compute_s) / chunks
    print(f"per-chunk overhead:{overhead_ms:6.2f} ms = {overhead_ms / _chunk_ms(remote):.1%} of "
          "the chunk time (target < 5 %): worker time outside the engine per chunk —")
    print("                   scheduling, (de)serialising, results back, idle tail; "
          f"setup (plan, scatter) {1e3 * t.setup_s:.0f} ms")
    print(f"engine per chunk:  {_chunk_ms(local):6.1f} ms in-process, {_chunk_ms(remote):.1f} "
          "ms on the workers (wall time)")
    cpu_local, cpu_remote = (1e3 * r.timing.cpu_s / chunks for r in (local, remote))
    print(f"  CPU per chunk:   {cpu_local:6.1f} ms in-process, {cpu_remote:.1f} ms on the "
          "workers (thread CPU time: what the engine itself needs)")
    steal = 1 - t.cpu_s / t.compute_s
    print(f"  off-CPU share of the workers' engine time: {steal:.0%} (time their threads "
          "waited for a core: other processes on this machine)")
    projected = WORKERS * cpu_local / (cpu_remote + overhead_ms)
    print(f"projection for {WORKERS} idle cores: {projected:.2f}× = {WORKERS} × in-process CPU "
          "per chunk / (worker CPU per chunk + per-chunk overhead)")

    found = answers(local)
    print("\nwhich assumptions matter for spend 2026–2030 (P50 across points):")
    for s in found.scores["spend_2026_2030"]:
        print(f"  {s.factor:<18} first-order {s.first_order:5.2f}   Spearman {s.spearman:+.2f}")
    d = found.discovery
    if d is not None and d.stats is not None:
        where = "; ".join(f"{lim.factor} {_span(lim)}" for lim in d.limits) or "everywhere"
        print(f"{d.threshold}: {d.crossing_points} of {d.points} points; box {where} — "
              f"coverage {d.stats.coverage:.0%}, density {d.stats.density:.0%}")
    return 0 if identical else 1


def _span(limit) -> str:
    low = "" if limit.low is None else f"{limit.low:g}"
    high = "" if limit.high is None else f"{limit.high:g}"
    return f"[{low or '…'}, {high or '…'}]"


if __name__ == "__main__":
    sys.exit(main())
