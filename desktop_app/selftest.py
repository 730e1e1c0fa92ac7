"""``compute-atlas --selftest``: prove an installed (or frozen) app works, without a display.

Builds the main window offscreen on the built-in 2026 sample, runs a projection and a small
Monte Carlo, renders a pyqtgraph plot of total spend to a PNG in a temp folder and checks it,
then prints one summary line and returns 0. Each step is named: a failure prints which step
failed and why (with the traceback) and returns 1, so a broken package or a missing library says
where it broke. Settings and recovery files go to a temp folder for the run: the self-test never
touches the user's window layout, recent files or autosaves.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCENARIO = "Baseline"
MC_SAMPLES = 500
PNG_SIZE = (800, 500)
UI_TIMEOUT_S = 20.0


class SelftestError(RuntimeError):
    """A check that did not hold (as opposed to an exception raised by the code under test)."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelftestError(message)


def _isolate(scratch: Path) -> None:
    """Point settings, recovery files and logs at ``scratch`` (before Qt or the UI start)."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(scratch / var.lower())
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(scratch / "settings"))


def _wait(app: Any, condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + UI_TIMEOUT_S
    while not condition():
        if time.monotonic() > end:
            raise SelftestError(f"timed out after {UI_TIMEOUT_S:.0f} s waiting for {what}")
        app.processEvents()
        time.sleep(0.005)


def _main_window(facts: dict[str, Any]) -> Any:
    try:
        from desktop_app.ui.app import create_application
        from desktop_app.ui.main_window import QAtlasMainWindow
    except ImportError as exc:
        raise SelftestError("the UI package does not provide desktop_app.ui.app."
                            "create_application and desktop_app.ui.main_window."
                            f"QAtlasMainWindow ({exc.__class__.__name__}: {exc})") from exc
    app = create_application()
    window = QAtlasMainWindow(autosave_ms=3_600_000)
    window.open_initial([])  # no path: the built-in sample, as a fresh start shows it
    window.show()
    _wait(app, window.isVisible, "the main window to show")
    pixmap = window.grab()  # renders the whole widget tree: a painted window
    _check(not pixmap.isNull() and pixmap.width() > 0, "the main window rendered nothing")
    sites = len(window.session.model.sites)
    _check(sites > 0, "the main window's document has no sites (sample not loaded)")
    facts.update(app=app, window=window, window_px=f"{pixmap.width()}×{pixmap.height()}",
                 window_sites=sites)
    return window


def _close(facts: dict[str, Any]) -> None:
    window, app = facts.get("window"), facts.get("app")
    if window is None:
        return
    window.session.stack.setClean()  # nothing to ask about: the sample was not edited
    window.close()
    from desktop_app.ui.jobs import QJob

    for job in window.findChildren(QJob):  # workers still projecting or saving
        job.wait(5.0)
    app.processEvents()


def _project(facts: dict[str, Any]) -> None:
    import numpy as np

    from desktop_app.core.engine.project import Projector
    from desktop_app.core.sample_model import build_sample_model

    model = build_sample_model()
    projector = Projector(model)
    projection = projector.project(SCENARIO)
    spend = projection.series("total_spend_usd")
    _check(bool(np.all(np.isfinite(spend))) and float(spend.sum()) > 0,
           f"the {SCENARIO} projection's total spend is not positive and finite: {spend}")
    facts.update(model=model, projector=projector, projection=projection,
                 years=np.asarray(projection.period_years, dtype=float), spend=spend)


def _monte_carlo(facts: dict[str, Any]) -> None:
    import numpy as np

    from desktop_app.core.engine.montecarlo import run_monte_carlo

    result = run_monte_carlo(facts["model"], SCENARIO, MC_SAMPLES, seed=1,
                             base=facts["projector"].base)
    p10, p50, p90 = (result.percentile("total_spend_usd", q) for q in (10, 50, 90))
    _check(bool(np.all(np.isfinite(p50))), "Monte Carlo P50 of total spend is not finite")
    _check(bool(np.all(p10 <= p50 + 1e-6) and np.all(p50 <= p90 + 1e-6)),
           "Monte Carlo percentiles are out of order (P10 ≤ P50 ≤ P90)")
    facts.update(samples=int(result.samples.shape[0]), p10=p10, p50=p50, p90=p90)


def _plot_png(facts: dict[str, Any], folder: Path) -> None:
    import pyqtgraph as pg
    import pyqtgraph.exporters
    from PySide6.QtGui import QImage

    years, spend = facts["years"], facts["spend"] / 1e9
    plot = pg.PlotWidget(background="w")
    plot.setLabel("left", "Total spend", units="USD billions")
    band = pg.FillBetweenItem(pg.PlotDataItem(years, facts["p10"] / 1e9),
                              pg.PlotDataItem(years, facts["p90"] / 1e9), brush=(31, 122, 140, 60))
    plot.addItem(band)
    plot.plot(years, spend, pen=pg.mkPen("#1f7a8c", width=2), symbol="o")
    plot.resize(*PNG_SIZE)
    exporter = pyqtgraph.exporters.ImageExporter(plot.plotItem)
    exporter.parameters()["width"] = PNG_SIZE[0]
    path = folder / "total-spend.png"
    exporter.export(str(path))
    size = path.stat().st_size if path.is_file() else 0
    _check(size > 0, f"the exporter wrote no PNG ({path})")
    image = QImage(str(path))
    _check(not image.isNull() and image.width() == PNG_SIZE[0],
           f"{path.name} does not read back as a {PNG_SIZE[0]} px wide image")
    facts.update(png=f"{image.width()}×{image.height()} px, {size:,} bytes")
    plot.close()
    plot.deleteLater()


def run_selftest() -> int:
    """Run every step; 0 when all pass, 1 (and the failing step on stderr) otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    facts: dict[str, Any] = {}
    step = "set up a scratch folder"
    try:
        with tempfile.TemporaryDirectory(prefix="compute-atlas-selftest-") as tmp:
            scratch = Path(tmp)
            step = "start Qt (PySide6) with a scratch settings folder"
            _isolate(scratch)
            step = "build the main window on the built-in sample"
            _main_window(facts)
            step = f"project the sample's {SCENARIO!r} scenario"
            _project(facts)
            step = f"run a {MC_SAMPLES}-sample Monte Carlo of {SCENARIO!r} (seed 1)"
            _monte_carlo(facts)
            step = "render a pyqtgraph plot of total spend to PNG"
            _plot_png(facts, scratch)
            step = "close the main window"
            _close(facts)
    except Exception as exc:
        print(f"selftest FAILED at step '{step}': {exc.__class__.__name__}: {exc}",
              file=sys.stderr)
        if not isinstance(exc, SelftestError) or exc.__cause__ is not None:
            traceback.print_exc(file=sys.stderr)
        return 1
    print(_summary(facts, time.perf_counter() - started), flush=True)
    return 0


def _summary(facts: dict[str, Any], seconds: float) -> str:
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    from desktop_app import __version__

    years, spend = facts["years"], facts["spend"]
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    return (f"selftest OK: compute-atlas {__version__} ({frozen}), Qt {qVersion()} "
            f"{QGuiApplication.platformName()}; main window {facts['window_px']} on the sample "
            f"({facts['window_sites']} sites); {SCENARIO} spend {years[0]:.0f}–{years[-1]:.0f} "
            f"${spend.sum() / 1e9:,.0f}B; Monte Carlo {facts['samples']} samples, "
            f"{years[-1]:.0f} P10/P50/P90 ${facts['p10'][-1] / 1e9:,.0f}/"
            f"{facts['p50'][-1] / 1e9:,.0f}/{facts['p90'][-1] / 1e9:,.0f}B; plot PNG "
            f"{facts['png']}; {seconds:.2f} s")
