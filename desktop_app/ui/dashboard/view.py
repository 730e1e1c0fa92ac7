"""The dashboard: pickers and Monte Carlo controls over a grid of six live plots.

The plots are built after the window's first paint (importing pyqtgraph is slow enough that the
first paint should not wait for it; ``benchmarks/gui.py`` times the cold start). Every
projection the controller publishes is fed to them with ``setData``/``setOpts``; Monte Carlo
results add the P10–P90 band and rank correlations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.edits import Event, ModelReset
from desktop_app.core.engine.arrays import window_years
from desktop_app.core.engine.result import METRICS, MonteCarloResult
from desktop_app.ui import dialogs, settings
from desktop_app.ui.dashboard.controller import Outcome, QDashboardController, TornadoOutcome
from desktop_app.ui.dashboard.drivers_panel import QDriversPanel
from desktop_app.ui.dashboard.monte_carlo import QMonteCarloController
from desktop_app.ui.dashboard.panels import FORMATS, PANELS, TITLES
from desktop_app.ui.dashboard.scales import money
from desktop_app.ui.dashboard.scenario_diff_view import QScenarioDiffView
from desktop_app.ui.dashboard.scenario_manager import QScenarioManager
from desktop_app.ui.session import QDocumentSession

__all__ = ["PANELS", "QDashboard"]

ALL_REGIONS = "All regions"


class QDashboard(QWidget):
    sig_drawn = Signal()  # a projection is on the plots (benchmarks and tests wait for it)
    sig_message = Signal(str)  # for the status bar

    def __init__(self, session: QDocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.session = session
        self.controller = QDashboardController(session, self)
        self.monte_carlo = QMonteCarloController(self.controller, self)
        # The panels that steer it; the window docks them (and tabs the diff view).
        self.drivers_panel = QDriversPanel(session, self.controller)
        self.scenario_manager = QScenarioManager(session, self.controller)
        self.diff_view = QScenarioDiffView(session, self.controller)
        self.panels: dict[str, Any] = {}
        self.export_menu: QMenu | None = None  # File ▸ Export Plot, once installed
        self.alone: str | None = None
        self._build_scheduled = False
        self._build_toolbar()
        self.banner = QLabel(self)
        self.banner.setObjectName("dashboard.banner")
        self.banner.setStyleSheet("color: #6b7785; padding: 0 4px;")
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setMinimumHeight(18)
        self.banner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        self.placeholder = QLabel("Loading charts…", alignment=Qt.AlignmentFlag.AlignCenter)
        self.grid.addWidget(self.placeholder, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 2)
        layout.setSpacing(3)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.banner)
        layout.addLayout(self.grid, 1)
        self.status = QLabel(self)  # the Monte Carlo summary; the window puts it in its status bar
        self.status.setObjectName("dashboard.mc_status")
        self.status.setMinimumWidth(120)  # below its text's width: never widens the window
        self._connect()
        self._fill_scenarios()
        self._fill_regions()
        self._fill_years()

    # --- construction -------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self.scenario = QComboBox(self)
        self.scenario.setObjectName("dashboard.scenario")
        self.scenario.setMinimumContentsLength(14)
        self.scenario.setToolTip("The scenario the plots show and the drivers edit")
        self.metric = QComboBox(self)
        self.metric.setObjectName("dashboard.metric")
        self.metric.setToolTip("The output compared across scenarios and explained by the "
                               "tornado")
        for m in METRICS:
            self.metric.addItem(m.label, m.name)
            self.metric.setItemData(self.metric.count() - 1, f"{m.label} ({m.unit}, {m.kind})",
                                    Qt.ItemDataRole.ToolTipRole)
        self.metric.setCurrentIndex(self.metric.findData(self.controller.metric))
        self.region = QComboBox(self)
        self.region.setObjectName("dashboard.region")
        self.region.setToolTip("Show one region (supply is global and always shown whole)")
        self.year = QComboBox(self)
        self.year.setObjectName("dashboard.year")
        self.year.setToolTip("The year of the tornado and of the Monte Carlo standard error")
        self.run_button = QPushButton("▶ Monte Carlo", self)
        self.run_button.setToolTip("Sample every uncertainty of the scenario in the background "
                                   "(samples and seed: Settings); the band and tornado follow")
        self.run_button.setObjectName("dashboard.run_mc")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("dashboard.cancel_mc")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("dashboard.mc_progress")
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(120)
        self.progress.setFormat("Monte Carlo %p%")
        self.progress.setVisible(False)
        for combo in (self.scenario, self.metric, self.region, self.year):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.metric.setMinimumContentsLength(15)
        self.region.setMinimumContentsLength(6)
        self.year.setMinimumContentsLength(4)
        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(6)
        for text, widget in (("Scenario:", self.scenario), ("Metric:", self.metric),
                             ("Region:", self.region), ("Year:", self.year)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            self.toolbar.addWidget(label)
            self.toolbar.addWidget(widget)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.progress)
        self.toolbar.addWidget(self.run_button)
        self.toolbar.addWidget(self.cancel_button)

    def _connect(self) -> None:
        c, mc = self.controller, self.monte_carlo
        self.scenario.currentIndexChanged.connect(
            lambda _i: c.set_scenario(self.scenario.currentData()))
        self.metric.currentIndexChanged.connect(
            lambda _i: c.set_options(metric=self.metric.currentData()))
        self.region.currentIndexChanged.connect(
            lambda _i: c.set_options(region=self.region.currentData()))
        self.year.currentIndexChanged.connect(
            lambda _i: c.set_options(year=self.year.currentData()))
        c.sig_scenario_changed.connect(self._fill_scenarios)
        c.sig_projected.connect(self._on_projected)
        c.sig_tornado.connect(self._on_tornado)
        c.sig_previewing.connect(lambda _on: self._update_banner())
        self.run_button.clicked.connect(mc.run)
        self.cancel_button.clicked.connect(mc.cancel)
        mc.sig_started.connect(self._on_mc_started)
        mc.sig_progress.connect(lambda share: self.progress.setValue(int(share * 1000)))
        mc.sig_finished.connect(self._on_mc_finished)
        mc.sig_cancelled.connect(lambda: self.sig_message.emit("Monte Carlo run cancelled"))
        mc.sig_failed.connect(self.sig_message)
        mc.sig_changed.connect(self._on_mc_changed)
        self.session.events.subscribe(self._on_event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._build_scheduled:
            self._build_scheduled = True
            QTimer.singleShot(0, self.build_plots)

    @property
    def ready(self) -> bool:
        return bool(self.panels)

    def build_plots(self) -> None:
        """Import pyqtgraph and make the six plots (once)."""
        if self.panels:
            return
        from desktop_app.ui.dashboard.base import configure_pyqtgraph

        configure_pyqtgraph()
        from desktop_app.ui.dashboard.capacity import QCapacityPanel
        from desktop_app.ui.dashboard.compare import QComparePanel
        from desktop_app.ui.dashboard.energy import QEnergyPanel
        from desktop_app.ui.dashboard.spend import QSpendPanel
        from desktop_app.ui.dashboard.supply import QSupplyPanel
        from desktop_app.ui.dashboard.tornado import QTornadoPanel

        classes = (QSpendPanel, QCapacityPanel, QSupplyPanel, QComparePanel, QTornadoPanel,
                   QEnergyPanel)
        self.grid.removeWidget(self.placeholder)
        self.placeholder.deleteLater()
        for cls, (key, _title, row, column) in zip(classes, PANELS, strict=True):
            panel = cls(self)
            panel.sig_enlarge.connect(lambda p: self.show_alone(
                None if self.alone == p.key else p.key))
            panel.sig_export.connect(lambda p, fmt: self.export_dialog(p.key, fmt))
            panel.sig_hover.connect(self._on_hover)
            self.panels[key] = panel
            self.grid.addWidget(panel, row, column)
        for column, stretch in enumerate((4, 4, 3)):  # legends and tornado names need room
            self.grid.setColumnStretch(column, stretch)
        for row in range(2):
            self.grid.setRowStretch(row, 1)
        self.controller.request()
        if self.controller.latest_tornado is not None:
            self._on_tornado(self.controller.latest_tornado)

    # --- for other parts of the window -------------------------------------------------
    def current_scenario(self) -> str | None:
        """The scenario the dashboard shows and the drivers edit."""
        return self.controller.scenario

    def monte_carlo_result(self, scenario: str) -> MonteCarloResult | None:
        """The last Monte Carlo result of ``scenario`` if it matches the model as it is (no
        slider preview in flight); File ▸ Export ▸ Results reuses it."""
        result = self.monte_carlo.current()
        if result is None or self.controller.previews or result.info.scenario != scenario:
            return None
        return result

    # --- pickers ------------------------------------------------------------------------
    def _fill_scenarios(self) -> None:
        names = [s.name for s in self.session.model.scenarios]
        current = self.controller.scenario
        self.scenario.blockSignals(True)
        self.scenario.clear()
        for name in names:
            self.scenario.addItem(name, name)
        if not names:
            self.scenario.addItem("(the model as entered)", None)
        self.scenario.setCurrentIndex(max(0, self.scenario.findData(current)))
        self.scenario.setEnabled(bool(names))
        self.scenario.blockSignals(False)
        self.run_button.setEnabled(bool(names))
        self._update_banner()

    def _fill_regions(self) -> None:
        current = self.controller.region
        self.region.blockSignals(True)
        self.region.clear()
        self.region.addItem(ALL_REGIONS, None)
        for r in self.session.model.regions:
            self.region.addItem(r.code, r.code)
            self.region.setItemData(self.region.count() - 1, r.name or r.code,
                                    Qt.ItemDataRole.ToolTipRole)
        at = self.region.findData(current) if current is not None else 0
        self.region.setCurrentIndex(max(0, at))
        self.region.blockSignals(False)
        if at < 0:
            self.controller.set_options(region=None)

    def _fill_years(self) -> None:
        s = self.session.model.settings
        current = self.controller.year
        self.year.blockSignals(True)
        self.year.clear()
        for y in window_years(s):
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(current)))
        self.year.blockSignals(False)

    def _on_event(self, event: Event) -> None:
        kind = getattr(event, "kind", None)
        if isinstance(event, ModelReset) or kind == "region":
            self._fill_regions()
        if isinstance(event, ModelReset) or kind == "settings":
            self._fill_years()

    # --- showing results ----------------------------------------------------------------
    def _on_projected(self, outcome: Outcome) -> None:
        self._update_banner(outcome)
        if not self.panels or outcome.projection is None:
            return
        c = self.controller
        p = outcome.projection
        region = c.region if c.region in p.regions else None
        band = None if outcome.request.previewing else self._band(region)
        self.panels["spend-by-region"].update_data(p, region, band)
        self.panels["capacity"].update_data(p, region)
        self.panels["supply-demand"].update_data(p)
        self.panels["energy-emissions"].update_data(p, region)
        compared = {n: outcome.comparisons[n] for n in outcome.request.compare
                    if n in outcome.comparisons}
        if outcome.request.scenario is None and not self.session.model.scenarios:
            compared = {"the model as entered": p}  # nothing to compare it with yet
        self.panels["scenario-comparison"].update_data(compared, outcome.request.scenario,
                                                       c.metric, region)
        self.sig_drawn.emit()

    def _summary(self) -> Any:
        c = self.controller
        return self.monte_carlo.summary_for(c.metric, c.year, c.region)

    def _band(self, region: str | None) -> Any:
        from desktop_app.ui.dashboard.spend import Band

        result, summary = self.monte_carlo.current(), self._summary()
        if result is None or summary is None or summary.region != region:
            return None
        return Band(summary.p10, summary.p50, summary.p90, result.info.samples)

    def _on_tornado(self, outcome: TornadoOutcome) -> None:
        if not self.panels:
            return
        note = f"No tornado: {outcome.error}" if outcome.error else ""
        if outcome.request.scenario is None:
            note = "needs a scenario"
        self.panels["tornado"].update_data(outcome.tornado, self._correlations(outcome), note)

    def _correlations(self, outcome: TornadoOutcome) -> dict[str, float]:
        result = self.monte_carlo.current()
        r = outcome.request
        if result is None or r.scenario != result.info.scenario or outcome.tornado is None:
            return {}
        summary = self.monte_carlo.summary_for(r.metric, r.year, r.region)
        return summary.correlations if summary is not None else {}

    def _on_hover(self, text: str) -> None:
        """The banner line doubles as the read-out of the plot under the cursor."""
        if text:
            self.banner.setText(text)
        else:
            self._update_banner()

    def _update_banner(self, outcome: Outcome | None = None) -> None:
        outcome = outcome or self.controller.latest
        c = self.controller
        name = c.scenario or "the model as entered"
        if outcome is not None and outcome.projection is None and outcome.error:
            problems = len(self.session.problems)
            why = f"the model has {problems} problem{'s' * (problems != 1)} (see Issues)" \
                if problems else outcome.error
            text = f"<b style='color:#c0392b'>No projection</b>: {why}"
        elif c.previews:
            from desktop_app.core.drivers import BY_ID

            moving = ", ".join(f"{BY_ID[d].label} {v:+g} {BY_ID[d].unit}"
                               for d, v in c.previews.items())
            text = f"<b>{name}</b> · previewing {moving} — let go to apply (one undo step)"
        else:
            text = f"<b>{name}</b> · deterministic projection"
            if self.monte_carlo.current() is not None:
                text += " with the Monte Carlo P10–P90 band"
        self.banner.setText(text)

    # --- Monte Carlo --------------------------------------------------------------------
    def _on_mc_started(self, samples: int, seed: int) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.status.setText(f"Monte Carlo: running {samples:,} samples · seed {seed}…")

    def _on_mc_finished(self, result: MonteCarloResult) -> None:
        self.status.setText(self.mc_summary(result))
        self.controller.request()  # the band
        if self.controller.latest_tornado is not None:
            self._on_tornado(self.controller.latest_tornado)

    def _on_mc_changed(self) -> None:
        mc = self.monte_carlo
        running = mc.running
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        current = mc.current()
        if not running and mc.failure:
            self.status.setText(mc.failure)  # until ▶ starts another run
        elif not running and current is None and mc.result is not None:
            self.status.setText("Monte Carlo: out of date (the model changed)" if not mc.auto
                                else "Monte Carlo: waiting for edits to pause…")
        elif not running and current is not None:
            self.status.setText(self.mc_summary(current))
        if not running and current is None and not mc.auto:
            self.controller.request()  # drop a stale band
        self._update_banner()

    def mc_summary(self, result: MonteCarloResult) -> str:
        c = self.controller
        year = c.year
        summary = self._summary()
        value = summary.standard_error if summary is not None else float("nan")
        where = f"{c.region} " if c.region else ""
        scale = money(value)
        return (f"Monte Carlo: {result.info.samples:,} samples · seed {result.info.seed} · "
                f"s.e. of {year} {where}spend ±{scale.text(value, 2)} · "
                f"{self.monte_carlo.seconds:.1f} s")

    # --- layout and export --------------------------------------------------------------
    def show_alone(self, key: str | None) -> None:
        """Show one plot over the whole dashboard (None: all six)."""
        self.build_plots()
        self.alone = key
        for k, panel in self.panels.items():
            panel.setVisible(key is None or k == key)
            row, column = next((r, c) for kk, _t, r, c in PANELS if kk == k)
            self.grid.removeWidget(panel)
            if key is None:
                self.grid.addWidget(panel, row, column)
            elif k == key:
                self.grid.addWidget(panel, 0, 0, 2, 3)

    def export(self, key: str, fmt: str, path: str | Path) -> None:
        self.build_plots()
        panel = self.panels[key]
        getattr(panel, f"export_{fmt}")(path)

    def export_dialog(self, key: str, fmt: str) -> None:
        """Ask where, then write plot ``key`` as ``fmt`` (png, svg or csv)."""
        self.build_plots()
        folder = settings.get(settings.LAST_DIRECTORY) or str(Path.home())
        title = TITLES[key]
        path = dialogs.get_export_path(self, f"Export {title} as {FORMATS[fmt][0]}",
                                       str(Path(folder) / f"{key}.{fmt}"), FORMATS[fmt][1])
        if not path:
            return
        if not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        try:
            self.export(key, fmt, path)
        except (OSError, ValueError, RuntimeError) as exc:
            dialogs.show_error(self, "Export failed", f"Could not write {path}:\n{exc}")
            return
        settings.put(settings.LAST_DIRECTORY, str(Path(path).parent))
        self.sig_message.emit(f"Exported {title} to {path}")
