"""Sweep specifications (``*.sweep.json``): read safely, validate, and lay out the design.

A spec is treated like a scenario file on the way in (size and nesting limits, JSON only,
validated against the shipped JSON Schema ``resources/sweep.schema.json``), then checked for what
a schema cannot say (a range inside the driver's limits, a threshold naming a known output).
Checks that need the model — scenario names, regions, years — happen in ``check_against``.

The design is a pure function of the spec: a full grid (first driver slowest) or a Latin
hypercube of N points drawn from the design seed; with several base scenarios the same design is
run on each, scenario slowest.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np

from desktop_app.core import untrusted_json
from desktop_app.core.drivers import BY_ID, DRIVERS
from desktop_app.core.engine.result import METRIC_INDEX, metric
from desktop_app.core.model import Model

FORMAT = "compute-atlas-sweep"
VERSION = 1
MAX_BYTES = 1 * 2**20
MAX_POINTS = 100_000  # points of the whole sweep (design points × base scenarios)
MAX_TOTAL_SAMPLES = 2 * 10**9  # points × samples: ~20 core-hours on the sample model
DEFAULT_SAMPLES = 200
DEFAULT_LHS_POINTS = 64
SUFFIX = ".sweep.json"
STATISTICS = ("mean",)  # besides the percentiles the spec lists ("p10", "p50", …)


class SweepSpecError(ValueError):
    """The spec cannot be used; the message says why in one or a few lines."""


@dataclass(frozen=True, slots=True)
class DriverAxis:
    """One swept driver: its range, grid levels or explicit values, and the years it covers."""

    id: str
    low: float
    high: float
    levels: int | None = None
    values: tuple[float, ...] | None = None
    years: tuple[int | None, int | None] = (None, None)

    @property
    def label(self) -> str:
        return BY_ID[self.id].label

    @property
    def unit(self) -> str:
        return BY_ID[self.id].unit

    def grid(self) -> np.ndarray:
        if self.values is not None:
            return np.array(self.values, dtype=np.float64)
        return np.linspace(self.low, self.high, self.levels or 2)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map stratified draws in [0, 1) to the driver's values (discrete when ``values``)."""
        if self.values is not None:
            index = np.minimum((u * len(self.values)).astype(np.int64), len(self.values) - 1)
            return np.array(self.values, dtype=np.float64)[index]
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """An output of interest: a metric over years (flows summed, stocks at the last year)."""

    name: str
    metric: str
    years: tuple[int, int]
    region: str | None = None

    @property
    def unit(self) -> str:
        return metric(self.metric).unit

    @property
    def label(self) -> str:
        years = (str(self.years[0]) if self.years[0] == self.years[1]
                 else f"{self.years[0]}–{self.years[1]}")
        where = f", {self.region}" if self.region else ""
        return f"{metric(self.metric).label} {years}{where}"


@dataclass(frozen=True, slots=True)
class Threshold:
    output: str
    value: float
    above: bool = True
    statistic: str = "p50"

    def crossed(self, values: np.ndarray) -> np.ndarray:
        return values > self.value if self.above else values < self.value

    def text(self, unit: str = "") -> str:
        sign = ">" if self.above else "<"
        return f"{self.output} {self.statistic.upper()} {sign} {self.value:,.6g} {unit}".strip()


@dataclass(frozen=True, slots=True)
class DiscoverySettings:
    """PRIM: share peeled per step, smallest box (share of points), wanted density."""

    peel_alpha: float = 0.05
    min_mass: float = 0.05
    min_density: float = 0.8


@dataclass(frozen=True, slots=True)
class Design:
    """The sweep's points: base scenario, driver values and Monte Carlo seed of each."""

    scenarios: tuple[str, ...]
    drivers: tuple[str, ...]
    scenario_index: np.ndarray  # (points,) index into ``scenarios``
    values: np.ndarray  # (points, drivers) float64, in the drivers' slider units
    seeds: np.ndarray  # (points,) uint64

    @property
    def points(self) -> int:
        return int(self.values.shape[0])


@dataclass(frozen=True, slots=True)
class SweepSpec:
    scenarios: tuple[str, ...]
    drivers: tuple[DriverAxis, ...]
    outputs: tuple[OutputSpec, ...]
    design_kind: str = "latin_hypercube"
    design_points: int = DEFAULT_LHS_POINTS  # Latin hypercube: points per base scenario
    design_seed: int | None = None
    samples: int = DEFAULT_SAMPLES
    seed: int = 0
    seeding: str = "independent"
    percentiles: tuple[float, ...] = (10.0, 50.0, 90.0)
    threshold: Threshold | None = None
    discovery: DiscoverySettings = field(default_factory=DiscoverySettings)
    name: str = ""
    description: str = ""

    @property
    def points_per_scenario(self) -> int:
        if self.design_kind == "grid":
            return math.prod(len(d.grid()) for d in self.drivers)
        return self.design_points

    @property
    def points(self) -> int:
        return self.points_per_scenario * len(self.scenarios)

    @property
    def statistics(self) -> tuple[str, ...]:
        return (*STATISTICS, *(percentile_name(q) for q in self.percentiles))

    def output(self, name: str) -> OutputSpec:
        for o in self.outputs:
            if o.name == name:
                return o
        raise KeyError(f"no output {name!r} (outputs: {', '.join(o.name for o in self.outputs)})")

    def digest(self) -> str:
        """A hash of the spec in its canonical form (two spellings of one spec hash alike)."""
        text = json.dumps(to_document(self), sort_keys=True, separators=(",", ":"))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def design(self) -> Design:
        if self.design_kind == "grid":
            grids = [d.grid() for d in self.drivers]
            block = np.array(list(itertools.product(*grids)), dtype=np.float64)
            block = block.reshape(-1, len(self.drivers))
        else:
            seed = self.seed if self.design_seed is None else self.design_seed
            block = latin_hypercube(self.design_points, self.drivers,
                                    np.random.default_rng(seed))
        n_s = len(self.scenarios)
        values = np.tile(block, (n_s, 1))
        scenario_index = np.repeat(np.arange(n_s), block.shape[0])
        seeds = point_seeds(self.seed, values.shape[0], common=self.seeding == "common")
        return Design(self.scenarios, tuple(d.id for d in self.drivers), scenario_index,
                      values, seeds)


def percentile_name(q: float) -> str:
    return f"p{q:.10g}"


def point_seeds(seed: int, points: int, *, common: bool = False) -> np.ndarray:
    """Each point's Monte Carlo seed: the sweep seed's ``i``-th spawned child (or the seed).

    ``SeedSequence(seed, spawn_key=(i,))`` is what ``SeedSequence(seed).spawn(n)[i]`` returns;
    its first 64 bits of state make the integer seed ``plan_run`` takes.
    """
    if common:
        return np.full(points, seed, dtype=np.uint64)
    return np.array([np.random.SeedSequence(seed, spawn_key=(i,)).generate_state(1, np.uint64)[0]
                     for i in range(points)], dtype=np.uint64)


def latin_hypercube(n: int, drivers: tuple[DriverAxis, ...],
                    rng: np.random.Generator) -> np.ndarray:
    """(n, drivers): each driver's range cut into n equal strata, one point in each, shuffled."""
    out = np.empty((n, len(drivers)), dtype=np.float64)
    for j, driver in enumerate(drivers):
        u = (rng.permutation(n) + rng.random(n)) / n
        out[:, j] = driver.from_unit(u)
    return out


# --- reading ---------------------------------------------------------------------------------

SCHEMA = untrusted_json.Schema("sweep.schema.json")


def schema() -> dict[str, Any]:
    return SCHEMA.document()


def read_spec(path: str | os.PathLike[str]) -> SweepSpec:
    """Parse and validate a sweep spec file; never changes anything on disk."""
    data = untrusted_json.read_limited(path, MAX_BYTES, "sweep specs", SweepSpecError)
    return parse_spec(data, Path(path).name)


def parse_spec(data: bytes | str | dict[str, Any], name: str = "sweep spec") -> SweepSpec:
    """A spec from JSON bytes/text or an already-parsed document (the GUI builds dicts)."""
    if isinstance(data, dict):
        document = data
    else:
        if isinstance(data, str):
            data = data.encode("utf-8")
        document = untrusted_json.loads(data, name, MAX_BYTES, SweepSpecError)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SweepSpecError(f"{name} is not a Compute Atlas sweep spec "
                             f"(expected \"format\": \"{FORMAT}\")")
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise SweepSpecError(f"{name} has format version {version}; this Compute Atlas reads "
                             f"up to {VERSION}")
    SCHEMA.check(document, name, "sweep", SweepSpecError, _message)
    problems: list[str] = []
    spec = _build(document, problems)
    if problems:
        raise SweepSpecError(f"{name}: " + "; ".join(problems))
    return spec


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "oneOf" and not error.path:
        return "give either \"scenario\" or \"scenarios\""
    if error.validator == "oneOf" and list(error.path)[:1] == ["threshold"]:
        return "give either \"above\" or \"below\""
    return error.message


def _build(doc: dict[str, Any], problems: list[str]) -> SweepSpec:
    scenarios = tuple(doc["scenarios"]) if "scenarios" in doc else (doc["scenario"],)
    design = doc.get("design", {"kind": "latin_hypercube"})
    kind = design["kind"]
    drivers = []
    seen: set[str] = set()
    for i, d in enumerate(doc["drivers"]):
        where = f"drivers/{i} ({d['id']})"
        if d["id"] in seen:
            problems.append(f"{where}: the driver is listed twice")
        seen.add(d["id"])
        drivers.append(_driver(d, kind, where, problems))
    outputs = []
    names: set[str] = set()
    for i, o in enumerate(doc["outputs"]):
        years = (o["years"], o["years"]) if isinstance(o["years"], int) else tuple(o["years"])
        if o["metric"] not in METRIC_INDEX:
            problems.append(f"outputs/{i}: unknown metric {o['metric']!r} (one of "
                            f"{', '.join(METRIC_INDEX)})")
        if years[0] > years[1]:
            problems.append(f"outputs/{i}: years run backwards ({years[0]} > {years[1]})")
        region = o.get("region")
        default = f"{o['metric']}_{years[0]}" + (f"_{years[1]}" if years[1] != years[0] else "")
        if region:
            default += "_" + "".join(c if c.isalnum() else "_" for c in region)
        name = o.get("name", default)
        if name in names:
            problems.append(f"outputs/{i}: a second output named {name!r}")
        names.add(name)
        outputs.append(OutputSpec(name, o["metric"], years, region))
    percentiles = tuple(float(q) for q in doc.get("percentiles", (10, 50, 90)))
    for name, count in Counter(percentile_name(q) for q in percentiles).items():
        if count > 1:
            problems.append(f"percentiles: {name} is asked for more than once")
    threshold = None
    if "threshold" in doc:
        t = doc["threshold"]
        statistic = t.get("statistic", "p50")
        known = ("mean", *(percentile_name(q) for q in percentiles))
        if t["output"] not in names:
            problems.append(f"threshold: no output named {t['output']!r} (outputs: "
                            f"{', '.join(sorted(names))})")
        if statistic not in known:
            problems.append(f"threshold: statistic {statistic!r} is not computed (one of "
                            f"{', '.join(known)}; add the percentile to \"percentiles\")")
        above = "above" in t
        threshold = Threshold(t["output"], float(t["above"] if above else t["below"]), above,
                              statistic)
    spec = SweepSpec(
        scenarios=scenarios, drivers=tuple(drivers), outputs=tuple(outputs), design_kind=kind,
        design_points=int(design.get("points", DEFAULT_LHS_POINTS)),
        design_seed=design.get("seed"), samples=int(doc.get("samples", DEFAULT_SAMPLES)),
        seed=int(doc.get("seed", 0)), seeding=doc.get("seeding", "independent"),
        percentiles=percentiles, threshold=threshold,
        discovery=DiscoverySettings(**doc.get("discovery", {})),
        name=doc.get("name", ""), description=doc.get("description", ""))
    if kind == "grid" and "points" in design:
        problems.append("design: \"points\" is for a Latin hypercube; a grid has the product "
                        "of the drivers' levels")
    if not problems:
        total = spec.points
        if total > MAX_POINTS:
            problems.append(f"the sweep has {total:,} points; the limit is {MAX_POINTS:,}")
        elif total * spec.samples > MAX_TOTAL_SAMPLES:
            problems.append(f"{total:,} points × {spec.samples:,} samples is more than "
                            f"{MAX_TOTAL_SAMPLES:,} samples in all")
    return spec


def _driver(d: dict[str, Any], kind: str, where: str, problems: list[str]) -> DriverAxis:
    driver = BY_ID[d["id"]]
    values = tuple(float(v) for v in d["values"]) if "values" in d else None
    years = tuple(d.get("years") or (None, None))
    if years[0] is not None and years[1] is not None and years[0] > years[1]:
        problems.append(f"{where}: years run backwards ({years[0]} > {years[1]})")
    limits = f"{driver.minimum:g} to {driver.maximum:g} {driver.unit}"
    if values is not None:
        if "range" in d or "levels" in d:
            problems.append(f"{where}: give \"values\" or \"range\" (with \"levels\" for a "
                            "grid), not both")
        if len(set(values)) != len(values):
            problems.append(f"{where}: a value is listed twice")
        outside = [v for v in values if not driver.minimum <= v <= driver.maximum]
        if outside:
            problems.append(f"{where}: {outside[0]:g} is outside the driver's {limits}")
        low, high = min(values), max(values)
        return DriverAxis(d["id"], low, high, None, values, years)
    if "range" not in d:
        problems.append(f"{where}: needs \"range\" [low, high] or \"values\"")
        return DriverAxis(d["id"], driver.minimum, driver.maximum, 2, None, years)
    low, high = (float(v) for v in d["range"])
    if not low < high:
        problems.append(f"{where}: the range must run from low to high ({low:g} ≥ {high:g})")
    if low < driver.minimum or high > driver.maximum:
        problems.append(f"{where}: range {low:g}..{high:g} is outside the driver's {limits}")
    levels = d.get("levels")
    if kind == "grid" and levels is None:
        problems.append(f"{where}: a grid needs \"levels\" (or \"values\") for each driver")
    if kind == "latin_hypercube" and levels is not None:
        problems.append(f"{where}: \"levels\" is for a grid; a Latin hypercube spreads "
                        "\"points\" over the range")
    return DriverAxis(d["id"], low, high, levels, None, years)


def check_against(spec: SweepSpec, model: Model, period_years: np.ndarray,
                  regions: list[str]) -> list[str]:
    """What the spec asks of the model that the model does not have (empty when all is fine)."""
    problems = []
    known = [s.name for s in model.scenarios]
    for name in spec.scenarios:
        if model.scenario(name) is None:
            problems.append(f"no scenario {name!r} in the model (scenarios: "
                            f"{', '.join(known) or 'none'})")
    first, last = int(period_years.min()), int(period_years.max())
    for o in spec.outputs:
        if o.years[0] < first or o.years[1] > last:
            problems.append(f"output {o.name}: years {o.years[0]}–{o.years[1]} are outside "
                            f"the projection ({first}–{last})")
        if o.region is not None and o.region not in regions:
            problems.append(f"output {o.name}: no region {o.region!r} (regions: "
                            f"{', '.join(regions)})")
    return problems


def to_document(spec: SweepSpec) -> dict[str, Any]:
    """The spec as a JSON document (what ``parse_spec`` reads back to an equal spec)."""
    drivers = []
    for d in spec.drivers:
        item: dict[str, Any] = {"id": d.id}
        if d.values is not None:
            item["values"] = list(d.values)
        else:
            item["range"] = [d.low, d.high]
            if d.levels is not None:
                item["levels"] = d.levels
        if d.years != (None, None):
            item["years"] = list(d.years)
        drivers.append(item)
    design: dict[str, Any] = {"kind": spec.design_kind}
    if spec.design_kind == "latin_hypercube":
        design["points"] = spec.design_points
        if spec.design_seed is not None:
            design["seed"] = spec.design_seed
    doc: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        **({"name": spec.name} if spec.name else {}),
        **({"description": spec.description} if spec.description else {}),
        **({"scenario": spec.scenarios[0]} if len(spec.scenarios) == 1
           else {"scenarios": list(spec.scenarios)}),
        "drivers": drivers, "design": design, "samples": spec.samples, "seed": spec.seed,
        "seeding": spec.seeding, "percentiles": list(spec.percentiles),
        "outputs": [{"name": o.name, "metric": o.metric, "years": list(o.years),
                     **({"region": o.region} if o.region else {})} for o in spec.outputs],
    }
    if spec.threshold is not None:
        t = spec.threshold
        doc["threshold"] = {"output": t.output, ("above" if t.above else "below"): t.value,
                            "statistic": t.statistic}
    doc["discovery"] = {"peel_alpha": spec.discovery.peel_alpha,
                        "min_mass": spec.discovery.min_mass,
                        "min_density": spec.discovery.min_density}
    return doc


def driver_ids() -> tuple[str, ...]:
    return tuple(d.id for d in DRIVERS)
