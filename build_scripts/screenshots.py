"""Render the README screenshots: the main window on the sample model at 1440×900, offscreen.

    make screenshots
    (or: QT_QPA_PLATFORM=offscreen .venv/bin/python build_scripts/screenshots.py)

Writes ``docs/screenshot-main.png`` (the sample, a site and its phases selected),
``docs/screenshot-issues.png`` (two invalid values typed in, the issues panel listing them and
the first one's cell selected), and the dashboard on a fresh copy of the sample:

* ``docs/screenshot-dashboard.png``: deterministic, after the packaging-supply lever was set to
  −20 % for 2026 (packaging binds that year), the mouse over 2026 of the spend plot;
* ``docs/screenshot-dashboard-mc.png``: after a 10,000-sample Monte Carlo run (P10–P90 band,
  rank correlations on the tornado, samples/seed/standard error in the status bar);
* ``docs/screenshot-compare.png``: the scenario comparison shown alone, the Scenarios panel
  with the four sample scenarios ticked;
* ``docs/screenshot-tornado.png``: the tornado of 2030 spend shown alone, with the Monte Carlo
  rank correlations, the mouse over its widest bar;
* ``docs/screenshot-sweep.png``: File ▸ Sweep… after a 64-point Latin-hypercube sweep of four
  drivers (200 samples a point) with a threshold on 2026–2030 spend: the scatter coloured by
  the output, the points across the threshold ringed inside the discovered box, the feature
  scores below.

Settings and recovery files go to a throw-away folder so a developer's saved layout never leaks
into the pictures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1440, 900)


def _isolate() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="compute-atlas-shots-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(scratch / var.lower())
    sys.path.insert(0, str(ROOT))


def _settle(app: object, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main() -> int:
    _isolate()
    from desktop_app.ui.app import create_application
    from desktop_app.ui.main_window import QAtlasMainWindow

    app = create_application()
    window = QAtlasMainWindow(autosave_ms=3_600_000)
    window.open_initial([])
    window.resize(*SIZE)
    window.show()
    _settle(app, 1.5)  # chart import, first projection
    site = window.session.model.site("Stargate Abilene") or window.session.model.sites[0]
    window.show_row("site", site)
    _settle(app, 0.3)
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    _save(window, out / "screenshot-main.png")

    type_into(window, "site", site.uid, "utilisation", "150 %")
    phase = window.session.model.phases_of(site.name)[-1]
    type_into(window, "phase", phase.uid, "online_year", "2034")
    window.session.checker.wait()
    _settle(app, 0.6)
    window.docks["issues"].raise_()
    # Show the second problem so the first one's cell keeps its tint and icon (unselected).
    window.show_problem(window.session.problems.problems[1])
    issues = window.issues
    issues.view.setCurrentIndex(issues.model.index(1, 0))
    window.editors["site"].view.clearSelection()
    _settle(app, 0.3)
    _save(window, out / "screenshot-issues.png")
    dashboard_shots(app, window, out)
    sweep_shot(app, window, out)
    window.session.stack.setClean()  # close without the unsaved-changes prompt
    window.close()
    return 0


def dashboard_shots(app: object, window: object, out: Path) -> None:
    """The four dashboard pictures, on a fresh sample (the issues shot left bad values)."""
    window.documents.new_sample(confirm=False)  # type: ignore[attr-defined]
    dashboard = window.dashboard  # type: ignore[attr-defined]
    window.docks["drivers"].raise_()  # type: ignore[attr-defined]
    window.docks["navigator"].raise_()  # type: ignore[attr-defined]
    _settle(app, 0.5)
    dashboard.controller.wait()
    drivers = dashboard.drivers_panel
    for combo in (drivers.year_from, drivers.year_to):
        combo.setCurrentIndex(combo.findData(2026))
    drivers.commit("packaging_change", -20.0)  # as letting go of the slider at −20 % does
    dashboard.controller.wait()
    _settle(app, 0.4)
    spend = dashboard.panels["spend-by-region"]
    hover(app, spend, spend.labels.index("2026"), 40.0)
    _save(window, out / "screenshot-dashboard.png")
    hover(app, None, 0, 0)

    mc = dashboard.monte_carlo
    mc.run()
    while mc.running:
        _settle(app, 0.05)
    _settle(app, 0.3)
    dashboard.controller.wait()
    _settle(app, 0.4)
    _save(window, out / "screenshot-dashboard-mc.png")

    window.docks["scenarios"].raise_()  # type: ignore[attr-defined]
    dashboard.show_alone("scenario-comparison")
    _settle(app, 0.4)
    compare = dashboard.panels["scenario-comparison"]
    hover(app, compare, compare.labels.index("2027"), 100.0)
    _save(window, out / "screenshot-compare.png")
    hover(app, None, 0, 0)

    window.docks["drivers"].raise_()  # type: ignore[attr-defined]
    dashboard.show_alone("tornado")
    _settle(app, 0.4)
    tornado = dashboard.panels["tornado"]
    widest = tornado.tornado.bars[0]
    hover(app, tornado, tornado.scale(widest.high_output) - 0.5, len(tornado.labels) - 1)
    _save(window, out / "screenshot-tornado.png")
    hover(app, None, 0, 0)
    dashboard.show_alone(None)


def sweep_shot(app: object, window: object, out: Path) -> None:
    """The sweep dialog with results and the discovered box (on the fresh sample)."""
    dialog = window.sweep.open()  # type: ignore[attr-defined]
    dialog.resize(1280, 800)
    dialog.set_drivers({"demand_growth": (-10.0, 30.0), "price_change": (-40.0, 40.0),
                        "packaging_change": (-40.0, 40.0), "online_delay": (0.0, 2.0)})
    dialog.points.setValue(64)
    dialog.samples.setValue(200)
    dialog.use_threshold.setChecked(True)
    dialog.threshold.setValue(600.0)  # $B of 2026–2030 spend, P50 of each point
    dialog.run()
    while dialog.running:
        _settle(app, 0.05)
    dialog.view.x_driver.setCurrentIndex(dialog.view.x_driver.findData("demand_growth"))
    dialog.view.y_driver.setCurrentIndex(dialog.view.y_driver.findData("price_change"))
    _settle(app, 0.4)
    _save(dialog, out / "screenshot-sweep.png")
    dialog.close()


def hover(app: object, panel: object, x: float, y: float) -> None:
    """Put the mouse over data point (x, y) of ``panel`` (None: off the plots)."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    if panel is None:
        QTest.mouseMove(QApplication.activeWindow(), QPoint(5, 5))
        _settle(app, 0.1)
        return
    _settle(app, 0.05)
    view = panel.item.getViewBox()  # type: ignore[attr-defined]
    point = panel.plot.mapFromScene(view.mapViewToScene(QPointF(x, y)))  # type: ignore
    viewport = panel.plot.viewport()  # type: ignore[attr-defined]
    QTest.mouseMove(viewport, QPoint(point.x() + 1, point.y() + 1))
    QTest.mouseMove(viewport, QPoint(point.x(), point.y()))
    _settle(app, 0.2)


def type_into(window: object, kind: str, uid: int, field: str, text: str) -> None:
    """Enter a value in a cell through the table model, as typing into it would."""
    editor = window.editors[kind]  # type: ignore[attr-defined]
    editor.select(uid, field)
    index = editor.view.currentIndex()
    editor.model.setData(index, text)


def _save(window: object, path: Path) -> None:
    image = window.grab()  # type: ignore[attr-defined]
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT)} ({image.width()}×{image.height()})")


if __name__ == "__main__":
    sys.exit(main())
