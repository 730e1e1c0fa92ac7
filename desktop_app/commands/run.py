"""``compute-atlas run``: project one or every scenario, print a summary, write tidy results."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from desktop_app.commands.new_validate import open_or_report, output_problem
from desktop_app.commands.progress import ProgressBar
from desktop_app.core.engine import statistics
from desktop_app.core.engine.metrics import metric
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.project import Projector
from desktop_app.core.engine.result import MonteCarloResult
from desktop_app.core.engine.sensitivity import output_value
from desktop_app.core.fields import MAX_SAMPLES, MAX_SEED
from desktop_app.core.model import Model, PeriodKind
from desktop_app.core.results_io import (
    RESULT_SUFFIXES,
    ScenarioRun,
    scenario_inputs,
    write_results,
)
from desktop_app.core.validation import validate
from desktop_app.exit_codes import EXIT_CANNOT_OPEN, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

# The metrics the summary prints, in their report units (``engine.metrics``).
SUMMARY = ("total_spend_usd", "online_mw", "energy_twh")


def run(args: argparse.Namespace) -> int:
    model = open_or_report(args.path)
    if model is None:
        return EXIT_CANNOT_OPEN
    if args.period:
        model.settings.period = PeriodKind(args.period)
    problems = validate(model)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{args.path}: {len(problems)} problem(s); fix them before running",
              file=sys.stderr)
        return EXIT_PROBLEMS
    names = [s.name for s in model.scenarios] if args.all_scenarios else [args.scenario]
    if not names:
        print(f"compute-atlas: {args.path} has no scenarios to run", file=sys.stderr)
        return EXIT_USAGE
    unknown = [n for n in names if model.scenario(n) is None]
    if unknown:
        known = ", ".join(s.name for s in model.scenarios) or "none"
        print(f"compute-atlas: no scenario {unknown[0]!r} in {args.path} (scenarios: {known})",
              file=sys.stderr)
        return EXIT_USAGE
    samples = model.settings.mc_samples if args.samples is None else args.samples
    usage = _usage_problem(args, samples)
    if usage:
        print(f"compute-atlas: {usage}", file=sys.stderr)
        return EXIT_USAGE
    try:
        runs = [_run_one(model, name, samples, args.seed) for name in names]
    except KeyboardInterrupt:
        print("\ncompute-atlas: interrupted; nothing written", file=sys.stderr)
        return EXIT_FAILED
    except MemoryError:
        print(f"compute-atlas: not enough memory for {samples:,} samples of this model; "
              "run fewer (--samples)", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:  # the engine refused the inputs (e.g. correlations)
        print(f"compute-atlas: cannot run: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        for result in runs:
            print_summary(result)
    if args.out:
        try:
            write_results(runs, args.out, scenario_inputs(model, names))
        except (OSError, ValueError) as exc:
            print(f"compute-atlas: cannot write {args.out}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        if not args.quiet:
            print(f"wrote {args.out}")
    return EXIT_OK


def _usage_problem(args: argparse.Namespace, samples: int) -> str | None:
    """What is wrong with the arguments themselves, before anything runs."""
    if not 0 <= samples <= MAX_SAMPLES:
        return f"--samples must be from 0 to {MAX_SAMPLES:,}"
    if args.seed is not None and not 0 <= args.seed <= MAX_SEED:
        return f"--seed must be a whole number from 0 to {MAX_SEED}"
    return output_problem(args.out, RESULT_SUFFIXES) if args.out is not None else None


def _run_one(model: Model, scenario: str, samples: int, seed: int | None) -> ScenarioRun:
    projector = Projector(model)
    projection = projector.project(scenario)
    monte_carlo = None
    if samples > 0:
        bar = ProgressBar(f"{scenario}: {samples:,} samples")
        try:
            monte_carlo = run_monte_carlo(model, scenario, samples, seed, progress=bar,
                                          base=projector.base)
        finally:
            bar.close()
    return ScenarioRun(projection, monte_carlo)


def print_summary(result: ScenarioRun, stream=None) -> None:
    out = stream or sys.stdout
    p, mc = result.projection, result.monte_carlo
    years = sorted(set(int(y) for y in p.period_years))
    span = (years[0], years[-1])
    print(f"\n== Scenario {p.info.scenario!r}  (engine {p.info.engine_version}, "
          f"inputs {p.info.input_hash[:12]})", file=out)
    for name in SUMMARY:
        m = metric(name)
        stock = m.kind == "stock"  # a level: no total over the years
        title = f"{m.label}, end of year" if stock else m.label
        scale = m.report_factor
        total = "" if stock else f"{years[0]}–{years[-1]}"
        print(f"\n{title} ({m.report_unit})", file=out)
        print(f"{'region':<8}" + "".join(f"{y:>10}" for y in years) + f"{total:>12}", file=out)
        for region in [*p.regions, None]:
            series = p.series(name, region)
            if region is not None and not np.any(series):
                continue
            per_year = [float(output_value(series, p.period_years, name, (y, y))) / scale
                        for y in years]
            cells = "".join(f"{v:>10,.1f}" for v in per_year)
            whole = (f"{float(output_value(series, p.period_years, name, span)) / scale:>12,.1f}"
                     if total else "")
            print(f"{region or 'ALL':<8}{cells}{whole}", file=out)
    print("\nBinding supply constraint: " + ", ".join(
        f"{label} {kind}" for label, kind in zip(p.period_labels, p.bottleneck_names(),
                                                 strict=True)), file=out)
    if mc is not None:
        _print_monte_carlo(mc, span, out)


def _print_monte_carlo(mc: MonteCarloResult, span: tuple[int, int], out) -> None:
    total = mc.total_samples("total_spend_usd", *span) / 1e9
    s = statistics.summarise(total, (10, 50, 90))
    p10, p50, p90 = s.percentiles.values()
    se = float(s.standard_error)
    print(f"Monte Carlo: {mc.info.samples:,} samples, seed {mc.info.seed}: total spend "
          f"{span[0]}–{span[1]} P10 {p10:,.0f}  P50 {p50:,.0f}  P90 {p90:,.0f} USD B "
          f"(mean {float(s.mean):,.0f} ± {se:,.1f} s.e.)", file=out)
    share = mc.bottleneck_share()
    binding = [f"{label} " + "/".join(f"{mc.kinds[k]} {share[k, t]:.1%}"
                                       for k in range(len(mc.kinds)) if share[k, t] > 0)
               for t, label in enumerate(mc.period_labels) if share[:, t].sum() > 0]
    print("Samples in which supply binds: " + (", ".join(binding) or "none"), file=out)


