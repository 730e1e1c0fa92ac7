"""The Qt-free parts under the live dashboard: a slider preview leaves the model alone and
projects what letting go will commit; the override list edit undoes exactly; display scales."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from desktop_app.core import edits
from desktop_app.core.drivers import overrides_for, with_driver, with_driver_values
from desktop_app.core.edits import ModelEvents, RowsChanged
from desktop_app.core.engine.project import Projector
from desktop_app.core.sample_model import build_sample_model
from desktop_app.ui.dashboard import scales


@pytest.fixture
def model():
    return build_sample_model()


def test_preview_leaves_the_model_alone_and_equals_the_commit(model):
    scenario = model.scenario("Supply glut")
    before = copy.deepcopy(scenario.overrides)
    preview = with_driver_values(model, "Supply glut", {"price_change": -30.0,
                                                        "packaging_change": -20.0},
                                 (2026, 2027))
    assert scenario.overrides == before and model.scenario("Supply glut") is scenario
    assert preview is not model and preview.sites is model.sites  # rows are shared
    changed = preview.scenario("Supply glut")
    # The lever replaces the scenario's own price override instead of stacking on it.
    price = [o for o in changed.overrides if o.field == "unit_price_usd"]
    assert [o.note for o in price] == ["price war once supply overshoots, assumption (L)",
                                       "driver:price_change"]
    assert with_driver_values(model, "Supply glut", {}) is model

    committed = copy.deepcopy(model)
    target = committed.scenario("Supply glut")
    for driver_id, value in (("price_change", -30.0), ("packaging_change", -20.0)):
        target.overrides = with_driver(
            target, overrides_for(committed, driver_id, value, (2026, 2027)), driver_id)
    projector = Projector(model)
    shown = projector.sharing_base(preview).project("Supply glut")
    assert shown.values == pytest.approx(Projector(committed).project("Supply glut").values)
    assert not np.allclose(shown.values, projector.project("Supply glut").values)


def test_sharing_base_reuses_the_compiled_model(model):
    projector = Projector(model)
    base = projector.base
    other = projector.sharing_base(with_driver_values(model, "Baseline", {"hbm_change": 10}))
    assert other.base is base and other.model is not model


def test_set_overrides_is_one_reversible_step(model):
    events = ModelEvents()
    heard = []
    events.subscribe(heard.append)
    scenario = model.scenario("Baseline")
    old = scenario.overrides
    new = with_driver(scenario, overrides_for(model, "utilisation", 60), "utilisation")
    edit = edits.set_overrides(scenario, new)
    edit.apply(model, events)
    assert scenario.overrides == new and scenario.overrides is not new
    assert heard == [RowsChanged("scenario", (scenario.uid,), ("overrides",))]
    edit.revert(model, events)
    assert scenario.overrides is old


@pytest.mark.parametrize(("values", "unit", "text"), [
    ([4.2e10, 1.38e11], "$B", "$138.0B"),
    ([2e12], "$T", "$2.000T"),
    ([3e8], "$M", "$300.0M"),
])
def test_money_scale_by_magnitude(values, unit, text):
    scale = scales.money(values)
    assert scale.unit == unit and scale.text(max(values)) == text


def test_power_count_and_other_scales():
    assert scales.power([125.0, 16_377.0]).unit == "GW"
    assert scales.power([999.0]).unit == "MW"
    assert scales.power([16_377.0]).text(16_377.0) == "16.38 GW"
    assert scales.count([7.2e6], "units").unit == "M units"
    assert scales.for_unit("TWh", [129.5]).text(129.49) == "129.5 TWh"
    assert scales.for_unit("PFLOP/s", [2e4]).unit == "EFLOP/s"
    assert scales.money([1e9]).text(float("inf")) == "unconstrained"
    assert scales.money([1e9]).text(-2.5e9) == "−$2.500B"


@pytest.mark.parametrize(("value", "nice"), [(0.93, 1.0), (138.2, 150.0), (151.0, 200.0),
                                             (1.0, 1.0), (7.3, 8.0), (2.1e11, 2.5e11)])
def test_nice_ceiling(value, nice):
    assert scales.nice_ceiling(value) == pytest.approx(nice)


def test_nice_ticks():
    assert scales.nice_ticks(0, 150) == [0, 50, 100, 150]
    assert scales.nice_ticks(0, 8) == [0, 2, 4, 6, 8]
    assert scales.nice_ticks(0, 200) == [0, 50, 100, 150, 200]
    assert scales.nice_ticks(27.6, 37.9) == pytest.approx([28, 30, 32, 34, 36])
    assert scales.nice_ticks(0, 1.5) == pytest.approx([0, 0.5, 1.0, 1.5])
