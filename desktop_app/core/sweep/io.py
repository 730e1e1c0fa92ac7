"""Sweep results out: per-point rows, feature scores and the discovered box as CSV, JSON or XLSX.

Like ``results_io``: written by extension, atomically (a temp file renamed over the target),
with the run metadata (engine version, inputs hash, spec hash, seed, samples) so a number can be
traced back. How the sweep ran (in-process or on which cluster, how long) is not written: the
file is the same whichever executor produced it.

* CSV: tidy rows, one per point × output — point, scenario, each driver's value, the point's
  Monte Carlo seed, output, metric, unit, region, years, mean, the percentiles, se, and for the
  threshold's output the share of samples across it and whether the point crosses.
* JSON: the same rows plus run metadata, the spec, the feature scores and scenario discovery.
* XLSX: a ``run`` sheet, one sheet per output (a row per point), ``feature scores``,
  ``discovery`` and ``spec``.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app import __version__
from desktop_app.core.sweep.answers import Answers, Discovery, answers
from desktop_app.core.sweep.run import SweepResult
from desktop_app.core.sweep.spec import OutputSpec, percentile_name, to_document

SUFFIXES = (".csv", ".json", ".xlsx")


def _years(o: OutputSpec) -> str:
    return str(o.years[0]) if o.years[0] == o.years[1] else f"{o.years[0]}-{o.years[1]}"


def point_columns(result: SweepResult) -> list[str]:
    return ["point", "scenario", *result.design.drivers, "seed"]


def stat_columns(result: SweepResult) -> list[str]:
    return ["mean", *(percentile_name(q) for q in result.spec.percentiles), "se"]


def point_cells(result: SweepResult, point: int) -> dict[str, Any]:
    d = result.design
    cells: dict[str, Any] = {"point": point,
                             "scenario": d.scenarios[int(d.scenario_index[point])]}
    for j, driver in enumerate(d.drivers):
        cells[driver] = float(d.values[point, j])
    cells["seed"] = int(d.seeds[point])
    return cells


def tidy_rows(result: SweepResult) -> list[dict[str, Any]]:
    """One row per point × output."""
    threshold = result.spec.threshold
    crossed = result.crossed()
    rows = []
    for p in range(result.points):
        base = point_cells(result, p)
        for k, o in enumerate(result.outputs):
            row = {**base, "output": o.name, "metric": o.metric, "unit": o.unit,
                   "region": o.region or "ALL", "years": _years(o)}
            for name in result.statistics:
                row[name] = float(result.statistics[name][p, k])
            row["se"] = float(result.se[p, k])
            if threshold is not None and o.name == threshold.output \
                    and result.exceedance is not None and crossed is not None:  # both iff threshold
                row["exceedance"] = float(result.exceedance[p])
                row["crossed"] = bool(crossed[p])
            rows.append(row)
    return rows


def columns(result: SweepResult) -> list[str]:
    out = [*point_columns(result), "output", "metric", "unit", "region", "years",
           *stat_columns(result)]
    if result.spec.threshold is not None:
        out += ["exceedance", "crossed"]
    return out


def run_metadata(result: SweepResult) -> dict[str, Any]:
    i = result.info
    return {"engine_version": i.engine_version, "compute_atlas": __version__,
            "input_hash": i.input_hash, "spec_hash": i.spec_hash, "seed": i.seed,
            "samples": i.samples, "points": i.points, "chunk_samples": i.chunk_samples,
            "chunks_per_point": i.chunks_per_point, "seeding": result.spec.seeding,
            "name": result.spec.name}


def answers_document(found: Answers) -> dict[str, Any]:
    return {
        "statistic": found.statistic,
        "feature_scores": {name: [{"factor": s.factor, "first_order": s.first_order,
                                   "spearman": s.spearman, "groups": s.groups}
                                  for s in scores]
                           for name, scores in found.scores.items()},
        "discovery": discovery_document(found.discovery),
    }


def discovery_document(d: Discovery | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "threshold": d.threshold, "crossing_points": d.crossing_points, "points": d.points,
        "box": [{"factor": lim.factor, "low": lim.low, "high": lim.high,
                 "categories": list(lim.categories)} for lim in d.limits],
        "coverage": d.stats.coverage if d.stats else None,
        "density": d.stats.density if d.stats else None,
        "mass": d.stats.mass if d.stats else None,
        "box_points": d.stats.points if d.stats else 0,
        "message": d.message, "chosen_step": d.chosen_step,
        "trajectory": [{"coverage": s.coverage, "density": s.density, "mass": s.mass,
                        "points": s.points} for s in d.trajectory],
    }


def write_sweep_results(result: SweepResult, path: str | os.PathLike[str],
                        found: Answers | None = None) -> None:
    """Write by extension: .csv (tidy rows), .json (everything), .xlsx (sheets)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path.name}: sweep results go to .csv, .json or .xlsx")
    found = found or answers(result)
    rows = tidy_rows(result)
    temp = path.with_name(f".{path.name}.writing")
    try:
        if suffix == ".csv":
            with temp.open("w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=columns(result), extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
        elif suffix == ".json":
            document = {"format": "compute-atlas-sweep-results", "version": 1,
                        "run": run_metadata(result), "spec": to_document(result.spec),
                        "drivers": [{"id": a.id, "label": a.label, "unit": a.unit,
                                     "years": list(a.years)} for a in result.spec.drivers],
                        "outputs": [{"name": o.name, "label": o.label, "metric": o.metric,
                                     "unit": o.unit, "years": list(o.years),
                                     "region": o.region} for o in result.outputs],
                        **answers_document(found),
                        "rows": [{k: _clean(v) for k, v in r.items()} for r in rows]}
            temp.write_text(json.dumps(_cleaned(document), indent=1, allow_nan=False,
                                       ensure_ascii=False), encoding="utf-8")
        else:
            _write_xlsx(result, found, temp)
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()


def _clean(value: Any) -> Any:
    """JSON and spreadsheets have no infinity or NaN: write them as empty."""
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    return value


def _cleaned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v) for v in value]
    return _clean(value)


def _sheet_name(name: str, taken: set[str]) -> str:
    base = name[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _write_xlsx(result: SweepResult, found: Answers, path: Path) -> None:
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise ValueError("writing .xlsx needs openpyxl (pip install openpyxl)") from exc
    book = Workbook()
    taken = {"run", "feature scores", "discovery", "spec"}
    meta = book.worksheets[0]  # a new workbook's one (and active) sheet
    meta.title = "run"
    for key, value in run_metadata(result).items():
        meta.append([key, value])
    t = result.spec.threshold
    crossed = result.crossed()
    stats = stat_columns(result)
    for k, o in enumerate(result.outputs):
        sheet = book.create_sheet(_sheet_name(o.name, taken))
        sheet.append([f"{o.label} ({o.unit})"])
        extra = ["exceedance", "crossed"] if t is not None and t.output == o.name else []
        sheet.append([*point_columns(result), *stats, *extra])
        for p in range(result.points):
            cells = list(point_cells(result, p).values())
            values = [float(result.statistics[s][p, k]) for s in stats[:-1]]
            values.append(float(result.se[p, k]))
            if extra and result.exceedance is not None and crossed is not None:  # both iff t
                values += [float(result.exceedance[p]), bool(crossed[p])]
            sheet.append([_clean(v) for v in (*cells, *values)])
    scores = book.create_sheet("feature scores")
    scores.append(["output", "factor", f"first-order index ({found.statistic})",
                   "Spearman rank correlation", "groups"])
    for name, rows in found.scores.items():
        for s in rows:
            scores.append([name, s.factor, _clean(s.first_order), _clean(s.spearman), s.groups])
    sheet = book.create_sheet("discovery")
    d = found.discovery
    if d is None:
        sheet.append(["no threshold in the spec"])
    else:
        sheet.append(["threshold", d.threshold])
        sheet.append(["crossing points", d.crossing_points, "of", d.points])
        if d.stats is not None:
            sheet.append(["coverage", d.stats.coverage])
            sheet.append(["density", d.stats.density])
            sheet.append(["mass", d.stats.mass])
        if d.message:
            sheet.append(["note", d.message])
        sheet.append([])
        sheet.append(["factor", "low", "high", "categories"])
        for lim in d.limits:
            sheet.append([lim.factor, lim.low, lim.high, ", ".join(lim.categories)])
        sheet.append([])
        sheet.append(["peeling step", "coverage", "density", "mass", "points", "chosen"])
        for i, step in enumerate(d.trajectory):
            sheet.append([i, step.coverage, step.density, step.mass, step.points,
                          i == d.chosen_step])
    spec = book.create_sheet("spec")
    for line in json.dumps(to_document(result.spec), indent=2).splitlines():
        spec.append([line])
    book.save(path)
