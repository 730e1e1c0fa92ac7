"""Results out: tidy rows (scenario, region, period, metric, unit, deterministic, mean, p10,
p50, p90, se) as CSV, JSON or XLSX, each carrying the run metadata so that a number in a deck
can be traced back to its engine version, seed, sample count and inputs hash."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.core.engine import statistics
from desktop_app.core.engine.result import METRICS, MonteCarloResult, Projection
from desktop_app.core.engine.scenario import scenario_chain
from desktop_app.core.model import Model

ALL_REGIONS = "ALL"
PERCENTILES = (10, 50, 90)
COLUMNS = ("scenario", "region", "period", "metric", "unit", "deterministic", "mean",
           *(f"p{q}" for q in PERCENTILES), "se")


@dataclass(slots=True)
class ScenarioRun:
    projection: Projection
    monte_carlo: MonteCarloResult | None = None


def tidy_rows(run: ScenarioRun) -> list[dict[str, Any]]:
    """One row per region (and ALL) × period × metric."""
    p, mc = run.projection, run.monte_carlo
    rows = []
    for region in [*p.regions, ALL_REGIONS]:
        name = None if region == ALL_REGIONS else region
        for m in METRICS:
            det = p.series(m.name, name)
            stats = _stats(mc, m.name, name) if mc is not None else None
            for t, label in enumerate(p.period_labels):
                row: dict[str, Any] = {
                    "scenario": p.info.scenario, "region": region, "period": label,
                    "metric": m.name, "unit": m.unit, "deterministic": float(det[t]),
                }
                if stats is not None:
                    for key, values in stats.items():
                        row[key] = float(values[t])
                rows.append(row)
    return rows


def _stats(mc: MonteCarloResult, metric_name: str, region: str | None) -> dict[str, np.ndarray]:
    s = statistics.summarise(mc.sample_series(metric_name, region), PERCENTILES)
    return {"mean": s.mean, **{f"p{q}": v for q, v in s.percentiles.items()},
            "se": s.standard_error}


def metadata(runs: list[ScenarioRun]) -> list[dict[str, Any]]:
    out = []
    for run in runs:
        info = run.monte_carlo.info if run.monte_carlo is not None else run.projection.info
        out.append({**asdict(info), "deterministic_input_hash": run.projection.info.input_hash,
                    "bottleneck_by_period": dict(zip(run.projection.period_labels,
                                                     run.projection.bottleneck_names(),
                                                     strict=True))})
    return out


def scenario_inputs(model: Model, names: list[str]) -> list[dict[str, Any]]:
    """The overrides and uncertainties each run applied (the XLSX/JSON "inputs" sheet)."""
    rows = []
    for name in names:
        for scenario in scenario_chain(model, name):
            for o in scenario.overrides:
                rows.append({"run": name, "from scenario": scenario.name, "type": "override",
                             "selector": o.selector, "field": o.field,
                             "operation": str(o.operation), "value": str(o.value),
                             "years": _years(o.year_from, o.year_to), "note": o.note})
            for u in scenario.uncertainties:
                rows.append({"run": name, "from scenario": scenario.name, "type": "uncertainty",
                             "selector": u.selector, "field": u.field,
                             "operation": str(u.operation), "value": str(u.distribution),
                             "years": "", "note": "per entity" if u.per_entity else "shared"})
    return rows


def _years(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return ""
    return f"{first or ''}–{last or ''}"


RESULT_SUFFIXES = (".csv", ".json", ".xlsx")


def write_results(runs: list[ScenarioRun], path: str | os.PathLike[str],
                  inputs: list[dict[str, Any]] | None = None) -> None:
    """Write by extension: .csv (tidy), .json (rows + metadata), .xlsx (sheet per metric)."""
    path = Path(path)
    suffix = path.suffix.lower()
    rows = [row for run in runs for row in tidy_rows(run)]
    temp = path.with_name(f".{path.name}.writing")
    try:
        if suffix == ".csv":
            _write_csv(rows, temp)
        elif suffix == ".json":
            document = {"format": "compute-atlas-results", "version": 1,
                        "runs": metadata(runs), "inputs": inputs or [],
                        "rows": [{k: _clean(v) for k, v in r.items()} for r in rows]}
            temp.write_text(json.dumps(document, indent=1, allow_nan=False,
                                       default=_finite), encoding="utf-8")
        elif suffix == ".xlsx":
            _write_xlsx(runs, rows, inputs or [], temp)
        else:
            raise ValueError(f"{path.name}: results go to .csv, .json or .xlsx")
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()


def _finite(value: Any) -> Any:
    raise TypeError(f"cannot write {value!r} as JSON")


def _clean(value: Any) -> Any:
    """JSON and spreadsheets have no infinity or NaN: write them as empty."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    columns = [c for c in COLUMNS if any(c in r for r in rows[:1])]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _write_xlsx(runs: list[ScenarioRun], rows: list[dict[str, Any]],
                inputs: list[dict[str, Any]], path: Path) -> None:
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise ValueError("writing .xlsx needs openpyxl (pip install openpyxl)") from exc
    book = Workbook()
    meta = book.worksheets[0]  # a new workbook's one (and active) sheet
    meta.title = "run"
    meta.append(["scenario", "engine_version", "input_hash", "seed", "samples",
                 "chunk_samples", "bottleneck by period"])
    for m in metadata(runs):
        meta.append([m["scenario"], m["engine_version"], m["input_hash"], m["seed"],
                     m["samples"], m["chunk_samples"],
                     ", ".join(f"{k}: {v}" for k, v in m["bottleneck_by_period"].items())])
    columns = [c for c in COLUMNS if any(c in r for r in rows[:1])]
    for metric in METRICS:
        sheet = book.create_sheet(metric.name[:31])
        sheet.append([*columns[:3], *columns[4:]])
        for row in rows:
            if row["metric"] == metric.name:
                sheet.append([_clean(row.get(c)) for c in columns if c != "metric"])
    if inputs:
        sheet = book.create_sheet("inputs")
        keys = list(inputs[0])
        sheet.append(keys)
        for item in inputs:
            sheet.append([_clean(item.get(k)) for k in keys])
    book.save(path)
