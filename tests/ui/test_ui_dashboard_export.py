"""Every plot exports to PNG, SVG and CSV — from File ▸ Export Plot and from its context menu —
and the files are valid and hold the engine's numbers."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from dashboard_support import ready
from PySide6.QtGui import QImage

from desktop_app.core.engine.project import Projector
from desktop_app.core.engine.sensitivity import tornado
from desktop_app.ui import actions as A
from desktop_app.ui.dashboard import export
from desktop_app.ui.dashboard.view import PANELS

pytest_plugins = ["ui_fixtures"]
SVG = "{http://www.w3.org/2000/svg}"


def menu_action(window, key: str, fmt: str):
    action = window.action(f"export.{key}.{fmt}")
    plot_menu = window.menu(f"{A.MENU_EXPORT_PLOT}.{key}")
    assert plot_menu.menuAction() in window.dashboard.export_menu.actions()
    assert action in plot_menu.actions(), f"File ▸ Export Plot has no {key} {fmt}"
    return action


def read_csv(path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def column(headers, rows, name) -> np.ndarray:
    at = headers.index(name)
    return np.array([float(r[at]) for r in rows])


@pytest.mark.parametrize("key", [k for k, *_ in PANELS])
def test_file_menu_exports_png_svg_and_csv(qtbot, window, dialog_answers, tmp_path, key):
    ready(qtbot, window)
    for fmt in ("png", "svg", "csv"):
        target = tmp_path / f"{key}.{fmt}"
        dialog_answers.set("get_export_path", str(target))
        menu_action(window, key, fmt).trigger()
        assert target.exists() and target.stat().st_size > 0, fmt
    image = QImage(str(tmp_path / f"{key}.png"))
    assert not image.isNull() and image.width() >= 1200
    root = ET.parse(tmp_path / f"{key}.svg").getroot()
    assert root.tag == f"{SVG}svg"
    assert list(root.iter(f"{SVG}path"))  # pyqtgraph's exporter, as released
    shapes = [e for e in root.iter() if e.tag in (f"{SVG}path", f"{SVG}polyline", f"{SVG}rect")]
    assert len(shapes) > 10
    headers, rows = read_csv(tmp_path / f"{key}.csv")
    assert rows and len(headers) >= 2
    title = dict((k, t) for k, t, *_ in PANELS)[key]
    assert f"Export {title} as" in dialog_answers.asked("get_export_path")[0][1]


def test_csv_numbers_are_the_engines(qtbot, window, dialog_answers, tmp_path):
    dashboard = ready(qtbot, window)
    model = window.session.model
    projection = Projector(model).project("Baseline")
    dashboard.export("spend-by-region", "csv", tmp_path / "spend.csv")
    headers, rows = read_csv(tmp_path / "spend.csv")
    assert [r[0] for r in rows] == projection.period_labels
    for code in projection.regions:
        assert column(headers, rows, f"{code} (USD)") == pytest.approx(
            projection.series("total_spend_usd", code), rel=1e-12)
    assert column(headers, rows, "total (USD)") == pytest.approx(
        projection.series("total_spend_usd"), rel=1e-12)

    dashboard.export("capacity", "csv", tmp_path / "capacity.csv")
    headers, rows = read_csv(tmp_path / "capacity.csv")
    assert column(headers, rows, "online (MW)") == pytest.approx(projection.series("online_mw"))
    assert column(headers, rows, "backlog (accelerators)") == pytest.approx(
        projection.series("backlog"))

    dashboard.export("supply-demand", "csv", tmp_path / "supply.csv")
    headers, rows = read_csv(tmp_path / "supply.csv")
    assert column(headers, rows, "Requested (accelerators)") == pytest.approx(
        projection.requested_units)
    assert column(headers, rows, "Supply (accelerators)") == pytest.approx(
        projection.supply_units)
    assert [r[-1] for r in rows] == projection.bottleneck_names()

    dashboard.export("energy-emissions", "csv", tmp_path / "energy.csv")
    headers, rows = read_csv(tmp_path / "energy.csv")
    assert column(headers, rows, "energy (TWh)") == pytest.approx(projection.series("energy_twh"))
    assert column(headers, rows, "emissions (Mt CO2)") == pytest.approx(
        projection.series("emissions_mt"))

    dashboard.export("scenario-comparison", "csv", tmp_path / "compare.csv")
    headers, rows = read_csv(tmp_path / "compare.csv")
    glut = Projector(model).project("Supply glut")
    assert column(headers, rows, "Supply glut (total_spend_usd, USD)") == pytest.approx(
        glut.series("total_spend_usd"))

    dashboard.export("tornado", "csv", tmp_path / "tornado.csv")
    headers, rows = read_csv(tmp_path / "tornado.csv")
    expected = tornado(model, "Baseline", "total_spend_usd", 2030)
    assert [r[0] for r in rows] == [b.name for b in expected.bars]
    assert column(headers, rows, "output at P90 (USD)") == pytest.approx(
        [b.high_output for b in expected.bars])


def test_context_menu_exports(qtbot, window, dialog_answers, tmp_path):
    dashboard = ready(qtbot, window)
    panel = dashboard.panels["tornado"]
    menu = panel.context_menu()
    target = tmp_path / "t.svg"
    dialog_answers.set("get_export_path", str(target))
    next(a for a in menu.actions() if a.objectName() == "export.svg").trigger()
    assert export.is_valid_svg(target)
    enlarge = next(a for a in menu.actions() if a.objectName() == "enlarge")
    enlarge.trigger()
    assert dashboard.alone == "tornado"
    assert not dashboard.panels["spend-by-region"].isVisible()
    enlarge.trigger()
    assert dashboard.alone is None and dashboard.panels["spend-by-region"].isVisible()


def test_svg_falls_back_to_qt_when_pyqtgraph_fails(qtbot, window, tmp_path, monkeypatch):
    """Qt ≥ 6.11 breaks pyqtgraph 0.14's SVGExporter (platform-notes): the fallback draws."""
    dashboard = ready(qtbot, window)

    def broken(_item, _target):
        raise ValueError("not enough values to unpack (expected 2, got 1)")

    monkeypatch.setattr(export, "_pyqtgraph_svg", broken)
    panel = dashboard.panels["spend-by-region"]
    assert export.svg(panel.item, tmp_path / "fallback.svg") == "qt"
    root = ET.parse(tmp_path / "fallback.svg").getroot()
    shapes = [e for e in root.iter() if e.tag in (f"{SVG}path", f"{SVG}polyline", f"{SVG}rect")]
    assert len(shapes) > 20  # Qt writes bars as rects, lines as polylines
    assert any("2026" in (t.text or "") for t in root.iter(f"{SVG}text"))
    monkeypatch.undo()
    assert export.svg(panel.item, tmp_path / "native.svg") == "pyqtgraph"


def test_a_failed_export_says_why(qtbot, window, dialog_answers, tmp_path):
    ready(qtbot, window)
    dialog_answers.set("get_export_path", str(tmp_path / "missing" / "x.csv"))
    menu_action(window, "capacity", "csv").trigger()
    assert dialog_answers.asked("show_error")
    assert not (tmp_path / "missing").exists()
