"""Drivers are plain overrides: they move the projection and round-trip their slider value."""

from __future__ import annotations

import pytest

from desktop_app.core.drivers import DRIVERS, driver_value, overrides_for, with_driver
from desktop_app.core.engine.project import Projector
from desktop_app.core.sample_model import build_sample_model
from desktop_app.core.validation import validate


@pytest.fixture(scope="module")
def model():
    return build_sample_model()


@pytest.mark.parametrize("driver", DRIVERS, ids=lambda d: d.id)
def test_each_driver_is_valid_round_trips_and_moves_an_output(model, driver) -> None:
    value = driver.minimum  # cuts bind supply; a rise in an unconstrained line moves nothing
    scenario = model.scenario("Baseline")
    extra = overrides_for(model, driver.id, value)
    assert extra and all(o.note == driver.note for o in extra)
    trial = type(scenario)(**{**{f: getattr(scenario, f) for f in
                                 ("name", "description", "parent", "uncertainties",
                                  "correlations")},
                              "overrides": with_driver(scenario, extra, driver.id)})
    assert driver_value(trial, driver.id) == pytest.approx(value)
    model.scenarios.append(type(scenario)("trial", overrides=trial.overrides))
    try:
        assert validate(model) == []
    finally:
        model.scenarios.pop()
    projector = Projector(model)
    base = projector.project("Baseline").values
    moved = projector.project("Baseline", extra).values
    assert (moved != base).any(), f"{driver.id} changed nothing"


def test_neutral_value_adds_nothing_and_replacing_does_not_stack(model) -> None:
    assert overrides_for(model, "price_change", 0.0) == []
    scenario = model.scenario("Supply glut")
    once = with_driver(scenario, overrides_for(model, "price_change", -20), "price_change")
    scenario_once = type(scenario)("x", overrides=once)
    twice = with_driver(scenario_once, overrides_for(model, "price_change", -30),
                        "price_change")
    assert len(twice) == len(once)
    assert driver_value(type(scenario)("y", overrides=twice), "price_change") == -30


def test_packaging_cut_makes_packaging_bind(model) -> None:
    projector = Projector(model)
    cut = overrides_for(model, "packaging_change", -40, (2026, 2027))
    p = projector.project("Baseline", cut)
    names = dict(zip(p.period_labels, p.bottleneck_names(), strict=True))
    assert names["2026"] == "packaging" and names["2028"] == "none"
