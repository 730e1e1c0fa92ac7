"""File ▸ Sweep…: set up a sweep, run it in a worker, and see which assumptions matter.

``install_sweep(window)`` wires File ▸ Sweep… (ui.actions); it opens one non-modal ``QSweepDialog``
per window. The dialog builds a sweep spec document from its controls and reads it with
``core.sweep.spec.parse_spec`` — the path the CLI's spec files take — then runs ``run_sweep``
in-process in a worker (``ui.jobs.QJob``) with progress and cancel, the way Monte Carlo runs:
the GUI thread only draws. A failed run (out of memory, say) says why and leaves Run enabled.

Results: a scatter of any two swept drivers, each point coloured by its P50 of the output (colour
bar beside it), the points across the threshold ringed and the discovered PRIM box drawn over
them with its coverage, density and mass; the feature scores (first-order index and Spearman's
ρ) as bars; Export… writes CSV, JSON or XLSX through ``core.sweep.io``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.drivers import DRIVERS, Driver
from desktop_app.core.engine.arrays import window_years
from desktop_app.core.engine.result import METRICS, metric
from desktop_app.ui import dialogs, settings
from desktop_app.ui.actions import FILE_SWEEP
from desktop_app.ui.dashboard.base import MUTED
from desktop_app.ui.jobs import QJob, TaskState, describe
from desktop_app.ui.sweep.results import QSweepResults

if TYPE_CHECKING:
    from desktop_app.core.sweep.answers import Answers
    from desktop_app.core.sweep.run import SweepResult
    from desktop_app.ui.window_api import WindowApi
DEFAULT_DRIVERS = ("demand_growth", "price_change", "packaging_change", "online_delay")
DEFAULT_METRIC = "total_spend_usd"
DEFAULT_POINTS = 64
DEFAULT_SAMPLES = 200


def default_range(driver: Driver) -> tuple[float, float]:
    """Half the slider's span, centred on the neutral value (or the span's middle when the
    neutral value is outside it), within the slider's limits."""
    span = driver.maximum - driver.minimum
    centre = driver.neutral if driver.minimum <= driver.neutral <= driver.maximum \
        else (driver.minimum + driver.maximum) / 2
    low = max(driver.minimum, centre - span / 4)
    high = min(driver.maximum, centre + span / 4)
    return low, high


@dataclass(slots=True)
class _Run:
    generation: int
    model_id: int
    started: float


class QSweepDialog(QDialog):
    """The sweep set-up, run controls and results of one window (non-modal)."""

    sig_finished = Signal(object)  # SweepResult
    sig_cancelled = Signal()
    sig_failed = Signal(str)

    def __init__(self, window: WindowApi, scenario: str | None = None) -> None:
        super().__init__(window.widget())
        self.setObjectName("sweep_dialog")
        self.setWindowTitle("Sweep — which assumptions matter")
        self.setModal(False)
        self._window = window
        self._session = window.session
        self._job = QJob(self, "atlas-sweep")
        self._job.sig_progress.connect(lambda share: self.progress.setValue(round(share * 1000)))
        self._job.sig_done.connect(self._on_done)
        self._job.sig_failed.connect(self._on_failed)
        self._run: _Run | None = None  # the current run's inputs (the job has its outcome)
        self.result: SweepResult | None = None
        self.found: Answers | None = None
        self.seconds = 0.0
        self._build(scenario)
        self.resize(1280, 780)

    # --- construction ---------------------------------------------------------------------
    def _build(self, scenario: str | None) -> None:
        model = self._session.model
        s = model.settings
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        setup = QWidget(splitter)
        form = QVBoxLayout(setup)
        form.setContentsMargins(0, 0, 6, 0)

        base = QFormLayout()
        self.scenario = QComboBox(setup)
        names = [x.name for x in model.scenarios]
        self.scenario.addItems(names)
        if scenario in names:
            self.scenario.setCurrentText(scenario)
        base.addRow("&Base scenario:", self.scenario)
        form.addLayout(base)

        self.drivers = QTableWidget(len(DRIVERS), 4, setup)
        self.drivers.setObjectName("sweep.drivers")
        self.drivers.setHorizontalHeaderLabels(["Driver", "Min", "Max", "Unit"])
        self.drivers.verticalHeader().hide()
        self.drivers.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.drivers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.drivers.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.checks: dict[str, QTableWidgetItem] = {}
        self.lows: dict[str, QDoubleSpinBox] = {}
        self.highs: dict[str, QDoubleSpinBox] = {}
        for row, d in enumerate(DRIVERS):
            item = QTableWidgetItem(d.label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if d.id in DEFAULT_DRIVERS
                               else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            self.drivers.setItem(row, 0, item)
            self.checks[d.id] = item
            low, high = default_range(d)
            for column, value, store in ((1, low, self.lows), (2, high, self.highs)):
                spin = QDoubleSpinBox(self.drivers)
                spin.setRange(d.minimum, d.maximum)
                spin.setDecimals(2 if d.step < 1 else 0)
                spin.setSingleStep(d.step)
                spin.setValue(value)
                spin.setFrame(False)
                spin.setAccessibleName(f"{d.label} {'minimum' if column == 1 else 'maximum'}")
                self.drivers.setCellWidget(row, column, spin)
                store[d.id] = spin
            unit = QTableWidgetItem(d.unit)
            unit.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.drivers.setItem(row, 3, unit)
        self.drivers.itemChanged.connect(lambda _item: self._update_enabled())
        rows = self.drivers.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(26, self.lows[DRIVERS[0].id].sizeHint().height()))
        height = self.drivers.horizontalHeader().height() + 4 + sum(
            self.drivers.rowHeight(r) for r in range(len(DRIVERS)))
        self.drivers.setMinimumHeight(height)
        self.drivers.setMaximumHeight(height)
        form.addWidget(self.drivers)

        design = QGroupBox("Design", setup)
        grid = QFormLayout(design)
        self.design = QComboBox(design)
        self.design.addItem("Latin hypercube", "latin_hypercube")
        self.design.addItem("Full grid", "grid")
        self.points = QSpinBox(design)
        self.points.setRange(2, 100_000)
        self.points.setValue(DEFAULT_POINTS)
        self.points_label = QLabel("&Points:", design)
        self.points_label.setBuddy(self.points)
        self.samples = QSpinBox(design)
        self.samples.setRange(10, 1_000_000)
        self.samples.setSingleStep(50)
        self.samples.setValue(min(DEFAULT_SAMPLES, int(s.mc_samples)))
        self.seed = QSpinBox(design)
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(int(s.mc_seed) % 2**31)
        grid.addRow("&Design:", self.design)
        grid.addRow(self.points_label, self.points)
        grid.addRow("&Samples per point:", self.samples)
        grid.addRow("S&eed:", self.seed)
        self.size_note = QLabel(design)
        self.size_note.setStyleSheet(f"color: {MUTED}")
        grid.addRow(self.size_note)
        form.addWidget(design)

        output = QGroupBox("Output", setup)
        out = QFormLayout(output)
        self.metric_combo = QComboBox(output)
        for m in METRICS:
            self.metric_combo.addItem(m.label, m.name)
        self.metric_combo.setCurrentIndex(self.metric_combo.findData(DEFAULT_METRIC))
        years = QHBoxLayout()
        self.year_from, self.year_to = QComboBox(output), QComboBox(output)
        for combo in (self.year_from, self.year_to):
            for y in window_years(s):
                combo.addItem(str(y), y)
        self.year_from.setCurrentIndex(self.year_from.findData(min(s.base_year + 2,
                                                                   s.horizon_year)))
        self.year_to.setCurrentIndex(self.year_to.count() - 1)
        years.addWidget(self.year_from)
        years.addWidget(QLabel("to", output))
        years.addWidget(self.year_to)
        out.addRow("&Metric:", self.metric_combo)
        out.addRow("Years:", years)
        threshold = QHBoxLayout()
        self.use_threshold = QCheckBox("&Threshold: P50", output)
        self.direction = QComboBox(output)
        self.direction.addItem("above", True)
        self.direction.addItem("below", False)
        self.threshold = QDoubleSpinBox(output)
        self.threshold.setRange(-1e9, 1e9)
        self.threshold.setDecimals(1)
        self.threshold.setValue(500.0)
        threshold.addWidget(self.use_threshold)
        threshold.addWidget(self.direction)
        threshold.addWidget(self.threshold, 1)
        out.addRow(threshold)
        form.addWidget(output)

        buttons = QHBoxLayout()
        self.run_button = QPushButton("&Run", setup)
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("&Cancel", setup)
        self.export_button = QPushButton("E&xport…", setup)
        self.close_button = QPushButton("Close", setup)
        for b in (self.run_button, self.cancel_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self.progress = QProgressBar(setup)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.status = QLabel("Set the ranges and press Run.", setup)
        self.status.setWordWrap(True)
        form.addWidget(self.progress)
        form.addWidget(self.status)
        form.addStretch(1)
        form.addLayout(buttons)

        self.view = QSweepResults(splitter)
        splitter.addWidget(setup)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([430, 850])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.close)
        self.design.currentIndexChanged.connect(self._design_changed)
        for widget in (self.points,):
            widget.valueChanged.connect(lambda _v: self._update_enabled())
        self.use_threshold.toggled.connect(lambda _on: self._update_enabled())
        self.metric_combo.currentIndexChanged.connect(lambda _i: self._update_enabled())
        self._update_enabled()

    # --- state ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._job.running

    def chosen_drivers(self) -> list[str]:
        return [d.id for d in DRIVERS if self.checks[d.id].checkState() == Qt.CheckState.Checked]

    def set_drivers(self, ranges: dict[str, tuple[float, float]]) -> None:
        """Sweep exactly these drivers over these ranges (tests, screenshots)."""
        for d in DRIVERS:
            on = d.id in ranges
            self.checks[d.id].setCheckState(Qt.CheckState.Checked if on
                                            else Qt.CheckState.Unchecked)
            if on:
                self.lows[d.id].setValue(ranges[d.id][0])
                self.highs[d.id].setValue(ranges[d.id][1])

    def threshold_scale(self) -> float:
        """Engine units per threshold-box unit: the threshold is typed in $B for money."""
        return 1e9 if metric(self.metric_combo.currentData()).unit == "USD" else 1.0

    def _design_changed(self) -> None:
        grid = self.design.currentData() == "grid"
        self.points_label.setText("&Levels per driver:" if grid else "&Points:")
        self.points.setValue(5 if grid else DEFAULT_POINTS)
        self._update_enabled()

    def _update_enabled(self) -> None:
        running = self.running
        chosen = self.chosen_drivers()
        for w in (self.scenario, self.drivers, self.design, self.points, self.samples,
                  self.seed, self.metric_combo, self.year_from, self.year_to, self.use_threshold):
            w.setEnabled(not running)
        for w in (self.direction, self.threshold):
            w.setEnabled(not running and self.use_threshold.isChecked())
        unit = metric(self.metric_combo.currentData()).unit
        self.threshold.setSuffix(" $B" if unit == "USD" else f" {unit}")
        self.run_button.setEnabled(not running and bool(chosen))
        self.cancel_button.setEnabled(running)
        self.export_button.setEnabled(not running and self.result is not None)
        points = self.points.value() ** len(chosen) if self.design.currentData() == "grid" \
            else self.points.value()
        self.size_note.setText(f"{points:,} points × {self.samples.value():,} samples")

    # --- the spec -------------------------------------------------------------------------
    def spec_document(self) -> dict[str, Any]:
        """The sweep spec the controls describe, as a ``*.sweep.json`` document."""
        from desktop_app.core.sweep.spec import FORMAT, VERSION

        kind = self.design.currentData()
        drivers = []
        for driver_id in self.chosen_drivers():
            item: dict[str, Any] = {"id": driver_id, "range": [self.lows[driver_id].value(),
                                                               self.highs[driver_id].value()]}
            if kind == "grid":
                item["levels"] = self.points.value()
            drivers.append(item)
        first, last = self.year_from.currentData(), self.year_to.currentData()
        name = self.metric_combo.currentData()
        output_name = f"{name}_{first}" + (f"_{last}" if last != first else "")
        doc: dict[str, Any] = {
            "format": FORMAT, "version": VERSION, "name": "sweep from the app",
            "scenario": self.scenario.currentText(), "drivers": drivers,
            "design": {"kind": kind, **({"points": self.points.value()}
                                        if kind == "latin_hypercube" else {})},
            "samples": self.samples.value(), "seed": self.seed.value(),
            "outputs": [{"name": output_name, "metric": name, "years": [first, last]}],
        }
        if self.use_threshold.isChecked():
            side = "above" if self.direction.currentData() else "below"
            doc["threshold"] = {"output": output_name, "statistic": "p50",
                                side: self.threshold.value() * self.threshold_scale()}
        return doc

    def spec(self) -> Any:
        """The controls' spec read as the CLI reads a spec file (``SweepSpecError`` if bad)."""
        from desktop_app.core.sweep.spec import parse_spec

        return parse_spec(self.spec_document(), "the sweep")

    # --- running --------------------------------------------------------------------------
    def run(self) -> None:
        from desktop_app.core.sweep.answers import answers
        from desktop_app.core.sweep.run import run_sweep
        from desktop_app.core.sweep.spec import SweepSpecError

        if self.running:
            return
        try:
            spec = self.spec()
        except SweepSpecError as exc:
            self._say(f"Cannot run: {exc}")
            return
        model = self._session.model
        self._run = _Run(self._session.generation, id(model), time.perf_counter())

        def work(state: TaskState) -> tuple[SweepResult, Answers]:
            result = run_sweep(model, spec, progress=state.set_progress,
                               should_cancel=state.should_cancel)
            return result, answers(result)

        self.progress.setValue(0)
        self._say(f"Running {spec.points:,} points × {spec.samples:,} samples…")
        self._job.start(work)
        self._update_enabled()

    def cancel(self) -> None:
        if not self._job.discard():
            return
        self.progress.setValue(0)
        self._say("Cancelled; nothing was computed.")
        self.sig_cancelled.emit()
        self._update_enabled()

    def wait(self, timeout: float = 30.0) -> None:
        """Join the worker (tests); the result still arrives through the event loop."""
        self._job.wait(timeout)

    def _on_failed(self, error: BaseException) -> None:
        self._update_enabled()
        hint = " Try fewer points or samples." if isinstance(error, MemoryError) else ""
        self._say(f"The sweep failed: {describe(error)}.{hint}")
        self.sig_failed.emit(describe(error))

    def _on_done(self, outcome: tuple[SweepResult, Answers]) -> None:
        run = self._run
        assert run is not None  # set by every start; the job delivers only the current run's
        self._update_enabled()
        if (id(self._session.model), self._session.generation) != (run.model_id,
                                                                    run.generation):
            self._say("The model changed during the sweep; its results were dropped. "
                      "Run again.")
            self.sig_failed.emit("model changed")
            return
        self.result, self.found = outcome
        self.seconds = time.perf_counter() - run.started
        self.progress.setValue(1000)
        r = self.result
        self._say(f"{r.points:,} points × {r.info.samples:,} samples, seed {r.info.seed}, "
                  f"in {self.seconds:.1f} s.")
        self.view.show_result(self.result, self.found)
        self._update_enabled()
        self.sig_finished.emit(r)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def export(self) -> None:
        from desktop_app.core.sweep.io import write_sweep_results

        if self.result is None:
            return
        start = settings.get(settings.LAST_DIRECTORY) or str(Path.home())
        path = dialogs.get_results_export_path(self, str(Path(start) / "sweep.xlsx"))
        if not path:
            return
        try:
            write_sweep_results(self.result, path, self.found)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            dialogs.show_error(self, "Cannot export sweep results",
                               f"{Path(path).name} was not written.\n\n{reason}")
            return
        settings.put(settings.LAST_DIRECTORY, str(Path(path).absolute().parent))
        self._say(f"Wrote {Path(path).name}.")

    # --- closing --------------------------------------------------------------------------
    def closeEvent(self, event: Any) -> None:
        self.cancel()
        super().closeEvent(event)

    def reject(self) -> None:  # Esc closes like the Close button (and cancels a run)
        self.cancel()
        super().reject()


class QSweepCommand(QObject):
    """Opens the window's sweep dialog (one, reused) and cancels its run when the window
    closes, so no sweep outlives the window."""

    def __init__(self, window: WindowApi) -> None:
        super().__init__(window.widget())
        self._window = window
        self.dialog: QSweepDialog | None = None

    def open(self) -> QSweepDialog:
        if self.dialog is None:
            self.dialog = QSweepDialog(self._window, self._window.current_scenario())
            self._window.session.sig_document_replaced.connect(self._document_replaced)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _document_replaced(self, *_args: object) -> None:
        if self.dialog is not None:  # another document: its scenarios, settings, results
            self.dialog.cancel()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def cancel_run(self) -> None:
        """The window is closing (the user has confirmed): stop the sweep in progress."""
        if self.dialog is not None:
            self.dialog.cancel()


def install_sweep(window: WindowApi) -> QSweepCommand:
    """File ▸ Sweep… (its own group above Quit, declared in ``ui.actions``) opens the window's
    sweep dialog."""
    command = QSweepCommand(window)
    window.action(FILE_SWEEP).triggered.connect(lambda _checked=False: command.open())
    return command
