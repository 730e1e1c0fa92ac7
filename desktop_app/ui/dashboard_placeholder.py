"""A home for the dashboard and the drivers panel until their issue fills it: a live bar chart
of total compute spend by year from the deterministic projection, so the window shows the
model's answer from the start.

pyqtgraph is imported after the window's first paint (it costs ~0.3 s of start-up), and the
projection runs in a worker, debounced, after edits; a result that raced an edit is dropped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core.edits import Event, ModelReset
from desktop_app.core.engine.project import Projector
from desktop_app.ui.background import QBackground
from desktop_app.ui.session import QDocumentSession

REPROJECT_DELAY_MS = 300
AS_ENTERED = "(model as entered)"


class QDashboardPlaceholder(QWidget):
    sig_drawn = Signal()  # a projection is on screen (benchmarks wait for the first one)

    def __init__(self, session: QDocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._background = QBackground(self)
        self._running = False
        self._plot: Any = None
        self._bars: Any = None
        self.title = QLabel("<b>Total compute spend by year</b> (deterministic projection)")
        self.scenario = QComboBox(self)
        self.scenario.setMinimumContentsLength(22)
        self.scenario.setToolTip("Scenario to project")
        self.scenario.currentIndexChanged.connect(lambda _i: self.schedule())
        self.summary = QLabel(self)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel("The full dashboard (spend by region with P10–P90 bands, capacity, "
                           "supply versus demand, tornado) arrives with the projection view.")
        self.note.setStyleSheet("color: #6b7785;")
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(QLabel("Scenario:"))
        top.addWidget(self.scenario)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(top)
        self.placeholder = QLabel("Loading chart…", alignment=Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.placeholder, 1)
        self._layout.addWidget(self.summary)
        self._layout.addWidget(self.note)
        self._timer = QTimer(self, singleShot=True, interval=REPROJECT_DELAY_MS)
        self._timer.timeout.connect(self.project)
        session.events.subscribe(self._on_event)
        self._fill_scenarios()
        self._plot_scheduled = False

    def paintEvent(self, event: QPaintEvent) -> None:
        """The chart is built once the window has painted: importing pyqtgraph costs ~0.4 s
        that the first paint should not wait for."""
        super().paintEvent(event)
        if not self._plot_scheduled:
            self._plot_scheduled = True
            QTimer.singleShot(0, self._build_plot)

    def _build_plot(self) -> None:
        import pyqtgraph as pg  # deferred: keeps it out of the time to first paint

        pg.setConfigOptions(antialias=True, background="w", foreground="#34495e")
        self._plot = pg.PlotWidget(self)
        self._plot.setMenuEnabled(False)
        self._plot.showGrid(y=True, alpha=0.25)
        self._plot.setLabel("left", "USD billions")
        self._plot.setMouseEnabled(x=False, y=False)
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.6, brush="#1f7a8c", pen=None)
        self._plot.addItem(self._bars)
        self._layout.replaceWidget(self.placeholder, self._plot)
        self.placeholder.deleteLater()
        self.project()

    def schedule(self) -> None:
        self._timer.start()

    def project(self) -> None:
        """Project the chosen scenario in a worker; publish if no edit raced it."""
        if self._plot is None:
            return
        if self._running:
            self._timer.start()
            return
        session, model = self._session, self._session.model
        scenario = self.scenario.currentData()
        generation = session.generation
        self._running = True

        def done(result: Any, error: BaseException | None) -> None:
            self._running = False
            if generation != session.generation or model is not session.model:
                self.schedule()
            elif error is not None:
                self._show_error(error)
            else:
                self._show(result)

        self._background.run(lambda: Projector(model).project(scenario), done, "atlas-project")

    def _show(self, projection: Any) -> None:
        years = np.asarray(projection.period_years, dtype=float)
        spend = projection.series("total_spend_usd") / 1e9
        if len(years) and len(set(years.tolist())) < len(years):  # quarters: one bar per year
            unique = np.unique(years)
            spend = np.array([spend[years == y].sum() for y in unique])
            years = unique
        self._bars.setOpts(x=years, height=spend, width=0.6)
        self._plot.getAxis("bottom").setTicks([[(y, f"{y:.0f}") for y in years]])
        self._plot.enableAutoRange()
        total = float(spend.sum())
        label = self.scenario.currentText()
        first, last = (int(years[0]), int(years[-1])) if len(years) else (0, 0)
        self.summary.setText(f"{label}: ${total:,.0f}B spent {first}–{last}; "
                             f"peak ${float(spend.max(initial=0)):,.0f}B a year.")
        self.sig_drawn.emit()

    def _show_error(self, error: BaseException) -> None:
        if self._bars is not None:
            self._bars.setOpts(x=[], height=[])
        problems = len(self._session.problems)
        why = f"{problems} problem{'s' * (problems != 1)} (see Issues)" if problems \
            else str(error)
        self.summary.setText(f"No projection: the model has {why}." if problems
                             else f"No projection: {why}")

    def _fill_scenarios(self) -> None:
        current = self.scenario.currentData()
        names = [s.name for s in self._session.model.scenarios]
        self.scenario.blockSignals(True)
        self.scenario.clear()
        for name in names:
            self.scenario.addItem(name, name)
        self.scenario.addItem(AS_ENTERED, None)
        at = self.scenario.findData(current) if current in names else 0
        self.scenario.setCurrentIndex(max(at, 0))
        self.scenario.blockSignals(False)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ModelReset) or getattr(event, "kind", "") == "scenario":
            self._fill_scenarios()
        self.schedule()


class QDriversPlaceholder(QLabel):
    """Where the drivers panel (sliders writing scenario overrides) will live."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setMargin(10)
        self.setStyleSheet("color: #6b7785;")
        self.setText("<b>Drivers</b><p>Sliders for the main levers — demand growth, delay, "
                     "supply growth, accelerator price change, electricity price, utilisation "
                     "— arrive with the projection view. Each will write a scenario override "
                     "and re-project live.</p>")
