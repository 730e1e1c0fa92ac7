"""Scenario files (``*.scenario.json``): write, read safely, upgrade old versions.

A scenario file is handed between planners whose models differ, so it names entities by their
human keys and is treated as hostile on the way in: size and nesting limits, JSON only (no code
is ever evaluated), validation against the shipped JSON Schema before anything is built.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from desktop_app import __version__
from desktop_app.core import untrusted_json
from desktop_app.core.model import (
    Correlation,
    Distribution,
    Operation,
    Override,
    Scenario,
    Uncertainty,
)
from desktop_app.core.untrusted_json import Schema

FORMAT = "compute-atlas-scenario"
VERSION = 2
MAX_BYTES = 5 * 2**20
SUFFIX = ".scenario.json"


class ScenarioFileError(ValueError):
    """The file cannot be read as a scenario; the message says why in one or a few lines."""


SCHEMA = Schema("scenario.schema.json")


def schema() -> dict[str, Any]:
    return SCHEMA.document()


def scenario_to_dict(scenario: Scenario, provenance: dict[str, str] | None = None
                     ) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": scenario.name,
        "description": scenario.description,
        "parent": scenario.parent,
        "overrides": [_override(o) for o in scenario.overrides],
        "uncertainties": [{
            "name": u.name, "selector": u.selector, "field": u.field,
            "distribution": {"kind": u.distribution.kind,
                             "params": [float(p) for p in u.distribution.params]},
            "operation": str(u.operation), "per_entity": bool(u.per_entity),
        } for u in scenario.uncertainties],
        "correlations": [{"first": c.first, "second": c.second,
                          "rank_correlation": float(c.rank_correlation)}
                         for c in scenario.correlations],
    }
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "scenario": body}
    if provenance is not None:
        out["provenance"] = provenance
    return out


def _override(o: Override) -> dict[str, Any]:
    item: dict[str, Any] = {"selector": o.selector, "field": o.field,
                            "operation": str(o.operation), "value": float(o.value)}
    if o.year_from is not None or o.year_to is not None:
        item["years"] = [o.year_from, o.year_to]
    if o.note:
        item["note"] = o.note
    return item


def provenance_for(source_model: str, author: str | None = None) -> dict[str, str]:
    return {
        "author": author or os.environ.get("USER", "") or "unknown",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source_model": source_model,
        "compute_atlas": __version__,
    }


def write_scenario_file(scenario: Scenario, path: str | os.PathLike[str],
                        provenance: dict[str, str] | None = None) -> None:
    """Write atomically (a temp file renamed over the target)."""
    path = Path(path)
    document = scenario_to_dict(scenario, provenance)
    SCHEMA.validator.validate(document)  # never hand a colleague a file we would refuse
    temp = path.with_name(f".{path.name}.writing")
    try:
        temp.write_text(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
                        + "\n", encoding="utf-8")
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()


def read_scenario_file(path: str | os.PathLike[str]) -> tuple[Scenario, dict[str, str]]:
    """Parse, upgrade and validate a scenario file; never changes anything on disk."""
    data = untrusted_json.read_limited(path, MAX_BYTES, "scenario files", ScenarioFileError)
    return parse_scenario(data, Path(path).name)


def parse_scenario(data: bytes, name: str = "scenario") -> tuple[Scenario, dict[str, str]]:
    document = upgrade(untrusted_json.loads(data, name, MAX_BYTES, ScenarioFileError), name)
    SCHEMA.check(document, name, "scenario", ScenarioFileError)
    return _scenario(document["scenario"]), document.get("provenance", {})


def upgrade(document: Any, name: str = "scenario") -> Any:
    """Bring an older format version up to ``VERSION`` (version 1: flat, year_from/year_to)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ScenarioFileError(f"{name} is not a Compute Atlas scenario file "
                                f"(expected \"format\": \"{FORMAT}\")")
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise ScenarioFileError(f"{name} has format version {version}; this Compute Atlas "
                                f"reads up to {VERSION}")
    if version == 1:
        document = _v1_to_v2(document)
    return document


def _v1_to_v2(old: dict[str, Any]) -> dict[str, Any]:
    """v1 kept the scenario at the top level, years as year_from/year_to, distributions flat."""
    def override(o: Any) -> Any:
        if not isinstance(o, dict):
            return o
        o = dict(o)
        first, last = o.pop("year_from", None), o.pop("year_to", None)
        if first is not None or last is not None:
            o["years"] = [first, last]
        return o

    def uncertainty(u: Any) -> Any:
        if not isinstance(u, dict):
            return u
        u = dict(u)
        if isinstance(u.get("distribution"), str):
            u["distribution"] = {"kind": u["distribution"], "params": u.pop("params", [])}
        return u

    body = {k: v for k, v in old.items() if k not in ("format", "version")}
    if isinstance(body.get("overrides"), list):
        body["overrides"] = [override(o) for o in body["overrides"]]
    if isinstance(body.get("uncertainties"), list):
        body["uncertainties"] = [uncertainty(u) for u in body["uncertainties"]]
    return {"format": FORMAT, "version": VERSION, "scenario": body}


def _scenario(body: dict[str, Any]) -> Scenario:
    overrides = []
    for o in body.get("overrides", []):
        first, last = (o.get("years") or [None, None])
        overrides.append(Override(o["selector"], o["field"], Operation(o["operation"]),
                                  float(o["value"]), first, last, o.get("note", "")))
    uncertainties = [Uncertainty(
        u["name"], u["selector"], u["field"],
        Distribution(u["distribution"]["kind"],
                     tuple(float(p) for p in u["distribution"]["params"])),
        Operation(u.get("operation", "multiply")), bool(u.get("per_entity", False)),
    ) for u in body.get("uncertainties", [])]
    correlations = [Correlation(c["first"], c["second"], float(c["rank_correlation"]))
                    for c in body.get("correlations", [])]
    return Scenario(body["name"], body.get("description", ""), body.get("parent"),
                    overrides, uncertainties, correlations)
