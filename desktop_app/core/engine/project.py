"""Deterministic projection: ``project(model, scenario)`` and a ``Projector`` that keeps the
compiled model between calls (a slider drag re-projects without recompiling the model)."""

from __future__ import annotations

import hashlib

import numpy as np

from desktop_app.core.engine.arrays import KINDS, ModelArrays, compile_model
from desktop_app.core.engine.kernel import derive, run
from desktop_app.core.engine.memory import tune_allocator
from desktop_app.core.engine.result import Projection, RunInfo
from desktop_app.core.engine.scenario import apply_scenario, scenario_chain
from desktop_app.core.model import Model, Override, Scenario

# Bumped whenever the same inputs and seed may give other numbers. 1.1.0: Box–Muller normals
# and Monte Carlo chunks sized by path (draws differ from 1.0.0; projections do not).
ENGINE_VERSION = "1.1.0"


def input_hash(arrays: ModelArrays, extra: str = "") -> str:
    """Hash of every number the kernel will read, plus ``extra`` (e.g. uncertainties)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(ENGINE_VERSION.encode())
    digest.update(repr((arrays.periods, arrays.model.settings.it_capex_timing,
                        arrays.model.settings.replace_retired_accelerators)).encode())
    for entity in sorted(arrays.tables):
        table = arrays.tables[entity]
        digest.update("\0".join(table.keys).encode())
        for name in sorted(table.fields):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(table.fields[name]).tobytes())
    for name in sorted(arrays.settings):
        digest.update(np.asarray(arrays.settings[name], dtype=np.float64).tobytes())
    for index in (arrays.phase_site, arrays.site_region, arrays.site_accelerator,
                  arrays.line_kind):
        digest.update(index.tobytes())
    digest.update(extra.encode())
    return digest.hexdigest()


class Projector:
    """Projects scenarios of one model; call ``invalidate()`` after the model's rows change."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._base: ModelArrays | None = None
        self._base_hash = ""

    def invalidate(self) -> None:
        self._base = None
        self._base_hash = ""

    def sharing_base(self, model: Model) -> Projector:
        """A projector of ``model`` — the same rows with other scenarios (a slider preview of
        ``core.drivers.with_driver_values``) — that reuses this one's compiled base."""
        other = Projector(model)
        other._base, other._base_hash = self.base, self._base_hash
        return other

    def chain_hash(self, chain: list[Scenario]) -> str:
        """Hash of the inputs as base-model hash + the chain's edits (the base hashes once)."""
        if not self._base_hash:
            self._base_hash = input_hash(self.base)
        digest = hashlib.blake2b(self._base_hash.encode(), digest_size=16)
        for scenario in chain:
            digest.update(repr([(o.selector, o.field, str(o.operation), float(o.value),
                                 o.year_from, o.year_to) for o in scenario.overrides]).encode())
        return digest.hexdigest()

    @property
    def base(self) -> ModelArrays:
        if self._base is None:
            self._base = compile_model(self.model)
        return self._base

    def arrays(self, scenario: str | None, extra: list[Override] | None = None) -> ModelArrays:
        """Compiled arrays with the scenario chain (and ``extra`` overrides, e.g. drivers)."""
        chain = scenario_chain(self.model, scenario)
        if extra:
            chain = [*chain, Scenario("(drivers)", overrides=list(extra))]
        return apply_scenario(self.base, chain)

    def project(self, scenario: str | None, extra: list[Override] | None = None) -> Projection:
        chain = scenario_chain(self.model, scenario)
        if extra:
            chain = [*chain, Scenario("(drivers)", overrides=list(extra))]
        arrays = apply_scenario(self.base, chain)
        return projection_of(arrays, scenario or "(model)", self.chain_hash(chain))


def projection_of(arrays: ModelArrays, scenario: str, hashed: str | None = None) -> Projection:
    # Keep freed (T, S, P) temporaries for reuse between projections (a slider drag re-projects
    # many times): without it each is page-faulted in afresh, ~40 % of a 10,000-site projection.
    tune_allocator()
    values, bottleneck, supply, requested = run(derive(arrays, np.float64))
    periods = arrays.periods
    return Projection(
        info=RunInfo(ENGINE_VERSION, hashed or input_hash(arrays), scenario),
        period_labels=periods.labels,
        period_years=periods.years,
        period_length_years=periods.length_years,
        regions=list(arrays.tables["region"].keys),
        kinds=KINDS,
        values=values[0],
        bottleneck=bottleneck[0],
        supply_units=supply[0],
        requested_units=requested[0],
        discount_rate=float(np.mean(arrays.settings["discount_rate"])),
    )


def project(model: Model, scenario: str | None = None,
            extra: list[Override] | None = None) -> Projection:
    """Project ``model`` under ``scenario`` (None: the model as it stands)."""
    return Projector(model).project(scenario, extra)
