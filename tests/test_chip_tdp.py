"""The accelerator's chip TDP, end to end: the field added through the field table (the
add-a-field exercise of docs/ARCHITECTURE.md) reaches the editor, validation, the file and its
migration, scenarios, the spreadsheet paste, both kernels and the chip-level MW metric."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_unconstrained import _both
from ui_support import cell, settle, type_into_cell

from desktop_app.core.engine.arrays import compile_model
from desktop_app.core.engine.metrics import METRIC_INDEX
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.project import project
from desktop_app.core.model import (
    Accelerator,
    Distribution,
    Model,
    Operation,
    Override,
    Phase,
    Region,
    Scenario,
    Settings,
    Site,
    SiteStatus,
    Uncertainty,
)
from desktop_app.core.sample_model import build_sample_model
from desktop_app.core.validation import validate
from desktop_app.storage.document import Document, read_model
from desktop_app.storage.migrations import SCHEMA_VERSION

pytest_plugins = ["ui_fixtures"]
FIXTURE_V2 = Path(__file__).parent / "fixtures" / "v2_sample.atlas"


def one_site(tdp_kw: float = 0.7, scenarios: list[Scenario] | None = None) -> Model:
    """100,000 H100 online in the base year: the published Colossus 1 check."""
    h100 = Accelerator(name="H100", power_kw=1.274, chip_tdp_kw=tdp_kw, pflops_dense=0.989,
                       first_year=2023, service_life_years=10)
    mw = 100_000 * 1.274 / 1000
    return Model(
        settings=Settings(base_year=2025, horizon_year=2027),
        regions=[Region(code="US", default_pue=1.2)],
        accelerators=[h100],
        sites=[Site(name="Colossus", region="US", accelerator="H100",
                    status=SiteStatus.OPERATIONAL)],
        phases=[Phase("Colossus", "1", capacity_mw=mw, online_year=2025, lead_time_years=1)],
        scenarios=scenarios or [Scenario("Base")],
    )


def chip_mw(projection, year_index: int = 0) -> float:
    return float(projection.values[METRIC_INDEX["installed_chip_mw"], year_index].sum())


def test_chip_mw_is_installed_units_times_tdp_on_both_kernels() -> None:
    projection = project(one_site(), "Base")
    installed = projection.series("accelerators_installed")[0]
    assert installed == pytest.approx(100_000)
    # 100,000 × 0.7 kW = 70 MW at the chips, against ~127 MW all-in IT.
    assert chip_mw(projection) == pytest.approx(70.0)
    assert projection.series("online_mw")[0] == pytest.approx(127.4)
    # The fast path and the general (supply-constrained) kernel give the same figure.
    (fast, *_), (general, *_) = _both(compile_model(one_site()))
    at = METRIC_INDEX["installed_chip_mw"]
    np.testing.assert_allclose(fast[:, at], general[:, at])
    np.testing.assert_allclose(general[0, at].sum(axis=-1), [70.0, 70.0, 70.0])


def test_a_scenario_override_and_an_uncertainty_move_it() -> None:
    half = Scenario("Half TDP", parent="Base", overrides=[
        Override("accelerator:H100", "chip_tdp_kw", Operation.MULTIPLY, 0.5)])
    drawn = Scenario("Drawn TDP", parent="Base", uncertainties=[
        Uncertainty("tdp", "accelerator:H100", "chip_tdp_kw",
                    Distribution("uniform", (0.5, 1.0)), Operation.SET)])
    model = one_site(scenarios=[Scenario("Base"), half, drawn])
    assert validate(model) == []
    assert chip_mw(project(model, "Half TDP")) == pytest.approx(35.0)
    result = run_monte_carlo(model, "Drawn TDP", samples=400, seed=7)
    values = result.sample_series("installed_chip_mw")[:, 0]
    assert values.min() >= 50.0 - 1e-3 and values.max() <= 100.0 + 1e-3
    # A draw per sample, each giving 100,000 × the drawn TDP.
    np.testing.assert_allclose(values, 100 * result.inputs["tdp"], rtol=1e-5)
    assert np.std(values) > 5
    # The rest of the projection does not depend on the chip's share.
    online = result.sample_series("online_mw")
    assert np.allclose(online, online[0])


def test_validation_refuses_a_tdp_that_is_not_positive() -> None:
    for bad in (0.0, -1.0, float("nan")):
        model = one_site(tdp_kw=bad)
        problems = [p for p in validate(model) if p.field == "chip_tdp_kw"]
        assert problems and problems[0].entity == "accelerator", bad


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_v2_file_opens_with_the_tdp_estimated_from_the_all_in_power(tmp_path: Path) -> None:
    before = digest(FIXTURE_V2)
    model = read_model(FIXTURE_V2)
    assert digest(FIXTURE_V2) == before  # opening an old file never writes it
    sample = build_sample_model()
    assert [a.name for a in model.accelerators] == [a.name for a in sample.accelerators]
    for old, new in zip(model.accelerators, sample.accelerators, strict=True):
        assert old.power_kw == new.power_kw  # every v2 value kept
        assert old.chip_tdp_kw == round(old.power_kw / 1.82, 3)
    assert len(model.sites) == len(sample.sites) and validate(model) == []
    # Saved, it is a current file that reads back the same.
    path = tmp_path / "old.atlas"
    shutil.copyfile(FIXTURE_V2, path)
    with Document.open(path) as doc:
        doc.save()
    import sqlite3

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert [a.chip_tdp_kw for a in read_model(path).accelerators] == \
        [a.chip_tdp_kw for a in model.accelerators]


def test_the_sample_keeps_the_published_tdp() -> None:
    tdp = {a.name: a.chip_tdp_kw for a in build_sample_model().accelerators}
    assert (tdp["H100"], tdp["B200"], tdp["GB200"], tdp["TPU v6e"]) == (0.7, 1.0, 1.2, 0.38)


def test_typed_in_the_accelerator_table_with_units_and_undone(qtbot, window) -> None:
    editor = window.show_editor("accelerator")
    index = cell(editor, "H100", "chip_tdp_kw")
    assert editor.model.headerData(index.column(), QtHorizontal()) == "Chip TDP (kW)"
    type_into_cell(qtbot, editor, index, "650 W")
    h100 = window.session.model.accelerator("H100")
    assert h100.chip_tdp_kw == pytest.approx(0.65)
    assert index.data() == "0.65"
    settle(qtbot, window)
    window.undo_action.trigger()
    assert h100.chip_tdp_kw == 0.7
    line = type_into_cell(qtbot, editor, index, "-3")  # refused in the cell, nothing changes
    assert h100.chip_tdp_kw == 0.7
    qtbot.keyClick(line, Qt.Key.Key_Escape)  # the user gives up: the editor closes
    assert h100.chip_tdp_kw == 0.7


def test_pasted_from_a_spreadsheet_by_its_header(qtbot, window) -> None:
    from PySide6.QtCore import Qt

    QApplication.clipboard().setText("Name\tChip TDP (kW)\nH100\t720 W\nB200\t1.05\n")
    editor = window.show_editor("accelerator")
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    model = window.session.model
    assert model.accelerator("H100").chip_tdp_kw == pytest.approx(0.72)
    assert model.accelerator("B200").chip_tdp_kw == pytest.approx(1.05)
    window.undo_action.trigger()
    assert model.accelerator("H100").chip_tdp_kw == 0.7


def QtHorizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal
