"""The built-in "2026 buildout" sample: valid, big enough, sourced, and calibrated."""

from __future__ import annotations

import copy
import importlib.util
import re

import pytest

from desktop_app.core.model import Operation, SupplyKind
from desktop_app.core.sample_model import build_sample_model, calibration_table
from desktop_app.core.selectors import parse_selector, resolve
from desktop_app.core.validation import validate

YEARS = range(2024, 2031)
SCENARIOS = ("Baseline", "Packaging constrained to 2027", "Sovereign buildout", "Supply glut")
PACKAGING = "Packaging constrained to 2027"
# validate() checks correlations with the engine's correlation module (imported lazily).
HAVE_ENGINE_CORRELATION = bool(importlib.util.find_spec("desktop_app.core.engine.correlation"))


@pytest.fixture(scope="module")
def model():
    return build_sample_model()


def test_validates_with_zero_problems(model):
    checked = model
    if not HAVE_ENGINE_CORRELATION:  # until the engine lands, validate all but the correlation
        checked = copy.deepcopy(model)
        for s in checked.scenarios:
            s.correlations = []
    assert [str(p) for p in validate(checked)] == []


@pytest.mark.skipif(not HAVE_ENGINE_CORRELATION, reason="engine correlation module not present")
def test_baseline_correlation_is_valid(model):
    assert model.scenario("Baseline").correlations
    assert validate(model) == []


def test_settings(model):
    s = model.settings
    assert (s.title, s.base_year, s.horizon_year, s.currency_year) == (
        "2026 buildout", 2024, 2030, 2025)
    assert s.period == "year" and s.discount_rate == 0.08 and s.mc_samples == 10_000
    assert s.default_facility_capex_usd_per_mw == 11_700_000
    assert 0.15 <= s.supply_share_to_model <= 0.35


def test_counts(model):
    assert len(model.regions) >= 8
    assert len(model.sites) >= 25
    assert len(model.accelerators) >= 8
    for site in model.sites:
        assert model.phases_of(site.name), f"{site.name} has no phase"


def test_supply_lines_of_every_kind_cover_every_year(model):
    kinds = {line.kind for line in model.supply_lines}
    assert kinds == set(SupplyKind)
    for line in model.supply_lines:
        assert sorted(line.capacity_by_year) == list(YEARS), line.name


@pytest.mark.parametrize("collection", ["regions", "accelerators", "sites", "phases",
                                        "supply_lines"])
def test_every_figure_has_a_source_with_a_year(model, collection):
    for row in getattr(model, collection):
        assert row.source.strip(), f"{collection}: {row} has no source"
        assert re.search(r"\b(19|20)\d\d\b", row.source), f"no year in {row.source!r}"


def test_phase_capacity_is_it_mw_converted_from_facility(model):
    abilene = model.phases_of("Stargate Abilene")
    assert abilene[0].capacity_mw == pytest.approx(147 / 1.2, abs=0.1)
    assert "PUE" in abilene[0].source


def test_scenarios_exist_and_inherit_from_baseline(model):
    assert [s.name for s in model.scenarios] == list(SCENARIOS)
    assert model.scenario("Baseline").parent is None
    assert model.scenario("Baseline").uncertainties
    for name in SCENARIOS[1:]:
        assert model.scenario(name).parent == "Baseline"


def test_packaging_scenario_cuts_packaging_capacity_2025_to_2027(model):
    cuts = [
        o for o in model.scenario(PACKAGING).overrides
        if o.field == "capacity_by_year" and o.operation == Operation.MULTIPLY and o.value < 1
        and (o.year_from or 0) <= 2025 and (o.year_to or 9999) >= 2027
    ]
    assert cuts
    for o in cuts:
        lines = resolve(model, parse_selector(o.selector))
        assert lines and all(line.kind == SupplyKind.PACKAGING for line in lines)


def test_calibration_packaging_binds_and_glut_does_not(model):
    constrained = {r["year"]: r for r in calibration_table(model, PACKAGING)}
    binding = [y for y in (2025, 2026, 2027) if constrained[y]["binds"]]
    assert binding
    assert all(constrained[y]["bottleneck"] == "packaging" for y in binding)
    assert not any(r["binds"] for r in calibration_table(model, "Supply glut"))
    assert not any(r["binds"] for r in calibration_table(model, "Baseline"))


def test_each_call_builds_a_fresh_model():
    first, second = build_sample_model(), build_sample_model()
    first.sites[0].pue = 9.9
    first.supply_lines[0].capacity_by_year[2024] = 0
    assert second.sites[0].pue != 9.9
    assert second.supply_lines[0].capacity_by_year[2024] > 0
