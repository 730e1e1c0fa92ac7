"""``compute-atlas sweep PATH --spec SPEC.json [--workers K | --scheduler ADDR] [--out FILE]``.

In-process by default; ``--workers K`` starts a local Dask cluster of K processes on loopback;
``--scheduler tcp://HOST:PORT`` uses an existing cluster. Same spec and seed, same numbers.
Exit codes: 0 ok, 1 the model has problems, 2 usage (bad option, a spec asking for what the
model lacks), 3 cannot open the document or read the spec, 4 the sweep failed, was interrupted
or Dask is missing or unreachable.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from desktop_app.commands.new_validate import open_or_report, output_problem
from desktop_app.commands.progress import ProgressBar
from desktop_app.core.engine import statistics
from desktop_app.core.engine.montecarlo import Cancelled
from desktop_app.core.sweep.answers import Answers, answers
from desktop_app.core.sweep.io import SUFFIXES, write_sweep_results
from desktop_app.core.sweep.run import (
    ClusterUnavailable,
    SweepError,
    SweepResult,
    import_distributed,
    open_client,
    preflight,
    run_sweep,
)
from desktop_app.core.sweep.spec import SweepSpec, SweepSpecError, read_spec
from desktop_app.core.validation import validate
from desktop_app.exit_codes import EXIT_CANNOT_OPEN, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sweep", help="exploratory sweep: drivers × scenarios, which assumptions matter",
        description="Run a sweep spec (JSON) on a document: every point of the design is a "
                    "seeded Monte Carlo run; prints which drivers matter and, with a "
                    "threshold, where it is crossed.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--spec", type=Path, required=True, help="the sweep spec (.sweep.json)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, metavar="K",
                       help="start a local Dask cluster of K worker processes")
    where.add_argument("--scheduler", default=None, metavar="ADDR",
                       help="use the Dask cluster at ADDR (tcp://host:port)")
    parser.add_argument("--out", type=Path, help="write results (.csv, .json or .xlsx)")
    parser.add_argument("--quiet", action="store_true", help="no summary on stdout")


def run(args: argparse.Namespace) -> int:
    problem = output_problem(args.out, SUFFIXES) if args.out is not None else None
    if problem:
        print(f"compute-atlas: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("compute-atlas: --workers must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    try:
        spec = read_spec(args.spec)
    except SweepSpecError as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    model = open_or_report(args.path)
    if model is None:
        return EXIT_CANNOT_OPEN
    problems = validate(model)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{args.path}: {len(problems)} problem(s); fix them before sweeping",
              file=sys.stderr)
        return EXIT_PROBLEMS
    mismatches = preflight(model, spec)
    if mismatches:
        print(f"compute-atlas: {args.spec.name} does not fit {args.path.name}: "
              + "; ".join(mismatches), file=sys.stderr)
        return EXIT_USAGE
    cluster = args.workers is not None or args.scheduler is not None
    began = time.monotonic()
    try:
        if cluster:
            import_distributed()
            with open_client(args.workers, args.scheduler) as client:
                result = _run(model, spec, client, args)
        else:
            result = _run(model, spec, None, args)
    except (KeyboardInterrupt, Cancelled):
        print("\ncompute-atlas: sweep interrupted; tasks cancelled, workers released, nothing "
              "written", file=sys.stderr)
        return EXIT_FAILED
    except (ClusterUnavailable, SweepError) as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # connecting to a scheduler, starting worker processes
        print(f"compute-atlas: the sweep failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    found = answers(result)
    if not args.quiet:
        print_summary(result, found, time.monotonic() - began)
    if args.out is not None:
        try:
            write_sweep_results(result, args.out, found)
        except (OSError, ValueError) as exc:
            print(f"compute-atlas: cannot write {args.out}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        if not args.quiet:
            print(f"wrote {args.out}")
    return EXIT_OK


def _run(model, spec: SweepSpec, client, args: argparse.Namespace) -> SweepResult:
    where = ("in-process" if client is None else
             f"{args.workers} local workers" if args.workers else args.scheduler)
    bar = ProgressBar(f"sweep: {spec.points:,} points × {spec.samples:,} samples ({where})")
    try:
        return run_sweep(model, spec, client=client, progress=bar)
    finally:
        bar.close()


def money(value: float, unit: str) -> str:
    if unit == "USD":
        for scale, word in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
            if abs(value) >= scale:
                return f"{value / scale:,.2f} {word} USD"
        return f"{value:,.0f} USD"
    return f"{value:,.0f} {unit}" if abs(value) >= 1000 else f"{value:,.3g} {unit}"


def print_summary(result: SweepResult, found: Answers, elapsed_s: float, stream=None) -> None:
    out = stream or sys.stdout
    spec = result.spec
    t = result.timing
    design = ("full grid" if spec.design_kind == "grid"
              else f"Latin hypercube of {spec.points_per_scenario}")
    scenarios = ", ".join(spec.scenarios)
    where = "in-process" if t.executor == "in-process" else f"Dask, {t.workers} worker(s)"
    print(f"Sweep {spec.name or '(unnamed)'!r}: {result.points:,} points ({design} on "
          f"{scenarios}) × {spec.samples:,} samples, seed {spec.seed} — {where}, "
          f"{elapsed_s:.1f} s", file=out)
    print(f"(engine {result.info.engine_version}, inputs {result.info.input_hash[:12]}, "
          f"spec {result.info.spec_hash[:12]})", file=out)
    for o in result.outputs:
        p50 = result.statistic(o.name, found.statistic)
        low, mid, high = statistics.percentiles(p50, [0, 50, 100])
        print(f"\n{o.name}: {o.label} — {found.statistic.upper()} across points: "
              f"min {money(low, o.unit)}, median {money(mid, o.unit)}, "
              f"max {money(high, o.unit)}", file=out)
        print("  which assumptions matter (first-order share of variance; Spearman ρ):",
              file=out)
        for s in found.scores[o.name]:
            rho = "   —" if s.spearman is None else f"{s.spearman:+.2f}"
            print(f"    {s.factor:<20} {s.first_order:5.2f}   {rho}", file=out)
    d = found.discovery
    if d is not None:
        print(f"\nScenario discovery: {d.threshold} in {d.crossing_points:,} of {d.points:,} "
              "points", file=out)
        if d.stats is not None:
            box = "; ".join(_limit(lim) for lim in d.limits) or "everywhere in the design"
            print(f"  box: {box}", file=out)
            print(f"  coverage {d.stats.coverage:.0%}, density {d.stats.density:.0%}, "
                  f"mass {d.stats.mass:.0%} ({d.stats.points:,} points)", file=out)
        if d.message:
            print(f"  ({d.message})", file=out)


def _limit(lim) -> str:
    if lim.categories:
        return f"{lim.factor} in {{{', '.join(lim.categories)}}}"
    if lim.low is not None and lim.high is not None:
        return f"{lim.low:g} ≤ {lim.factor} ≤ {lim.high:g}"
    if lim.low is not None:
        return f"{lim.factor} ≥ {lim.low:g}"
    return f"{lim.factor} ≤ {lim.high:g}"
