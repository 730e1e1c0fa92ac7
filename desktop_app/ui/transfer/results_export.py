"""File ▸ Export ▸ Results…: the projection of one or every scenario, with Monte Carlo
percentiles, written as CSV, JSON or XLSX (chosen by the extension) with the run metadata and
the inputs sheet the command line writes.

A Monte Carlo result the dashboard already holds is reused: ``dashboard.monte_carlo.current()``
(``ui.monte_carlo.QMonteCarloController``) returns one only while it was computed from the model
as it is now, for the scenario the dashboard shows. Otherwise the dialog offers the document's
sample count and the run happens in a worker (``ui.jobs.QJob``) with progress and cancel. The
model is read in the worker; a result that raced an edit is not written. Any failure (out of
memory included) closes the progress dialog and says why, so Export can be tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.engine.montecarlo import Cancelled, run_monte_carlo
from desktop_app.core.engine.project import Projector
from desktop_app.core.engine.result import MonteCarloResult
from desktop_app.core.model import Model
from desktop_app.core.results_io import ScenarioRun, scenario_inputs, write_results
from desktop_app.core.validation import validate
from desktop_app.ui import dialogs
from desktop_app.ui.jobs import QJob, describe
from desktop_app.ui.session import QDocumentSession

ALL_SCENARIOS = "(all scenarios)"
MAX_SAMPLES = 1_000_000
PROGRESS_STEPS = 1000
Progress = Callable[[float], None]


class ExportRefused(ValueError):
    """The model cannot be projected as it is (the message says why)."""


@dataclass(slots=True)
class ExportJob:
    """What to export: scenario names, samples for runs without a reusable Monte Carlo."""

    names: list[str]
    samples: int
    seed: int
    reuse: dict[str, MonteCarloResult] = field(default_factory=dict)


def compute_runs(model: Model, job: ExportJob, progress: Progress,
                 should_cancel: Callable[[], bool]) -> list[ScenarioRun]:
    """Project every scenario of ``job`` (Qt-free; runs in a worker)."""
    problems = validate(model)
    if problems:
        raise ExportRefused(f"The model has {len(problems)} problem"
                            f"{'s' * (len(problems) != 1)}; fix them (see Issues) before "
                            "exporting results.")
    projector = Projector(model)
    runs = []
    for i, name in enumerate(job.names):
        if should_cancel():
            raise Cancelled("export cancelled")
        projection = projector.project(name)
        monte_carlo = job.reuse.get(name)
        if monte_carlo is None and job.samples > 0:
            def share(done: float, i: int = i) -> None:
                progress((i + done) / len(job.names))

            monte_carlo = run_monte_carlo(model, name, job.samples, job.seed, progress=share,
                                          should_cancel=should_cancel, base=projector.base)
        runs.append(ScenarioRun(projection, monte_carlo))
        progress((i + 1) / len(job.names))
    return runs


def reusable(result: MonteCarloResult | None, names: list[str]) -> dict[str, MonteCarloResult]:
    """The dashboard's current Monte Carlo result, by scenario, if it is one of ``names``."""
    if isinstance(result, MonteCarloResult) and result.info.scenario in names:
        return {result.info.scenario: result}
    return {}


class QResultsExportDialog(QDialog):
    """Which scenarios, and how many Monte Carlo samples where none can be reused."""

    def __init__(self, model: Model, current: str | None, reuse: dict[str, MonteCarloResult],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("results_export_dialog")
        self.setWindowTitle("Export Results")
        self._model = model
        self._reuse = reuse
        self.scenario = QComboBox(self)
        for s in model.scenarios:
            self.scenario.addItem(s.name, s.name)
        self.scenario.addItem(ALL_SCENARIOS, None)
        at = self.scenario.findData(current) if current else -1
        self.scenario.setCurrentIndex(max(at, 0))
        self.samples = QSpinBox(self)
        self.samples.setRange(0, MAX_SAMPLES)
        self.samples.setSingleStep(1000)
        self.samples.setGroupSeparatorShown(True)
        self.samples.setSpecialValueText("None (deterministic only)")
        self.samples.setValue(min(max(int(model.settings.mc_samples), 0), MAX_SAMPLES))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button: QPushButton = self.buttons.addButton(
            "&Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        form = QFormLayout()
        form.addRow("&Scenario:", self.scenario)
        form.addRow("Monte Carlo &samples:", self.samples)
        form.addRow("", self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The deterministic projection, with P10/P50/P90, mean and "
                                "standard error from a Monte Carlo run; the file type follows "
                                "the extension (.csv, .json or .xlsx).", wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.scenario.currentIndexChanged.connect(self._update_note)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._update_note()
        self.export_button.setEnabled(bool(model.scenarios))

    def names(self) -> list[str]:
        chosen = self.scenario.currentData()
        return [s.name for s in self._model.scenarios] if chosen is None else [chosen]

    def job(self) -> ExportJob:
        names = self.names()
        reuse = {n: r for n, r in self._reuse.items() if n in names}
        return ExportJob(names, self.samples.value(), int(self._model.settings.mc_seed), reuse)

    def _update_note(self, *_args: object) -> None:
        names = self.names()
        reused = [n for n in names if n in self._reuse]
        self.samples.setEnabled(len(reused) < len(names))
        seed = f"Seed {self._model.settings.mc_seed} (document settings)."
        if not reused:
            self.note.setText(seed)
        elif len(reused) == len(names):
            self.note.setText("The dashboard's Monte Carlo result is reused "
                              f"({self._reuse[names[0]].info.samples:,} samples).")
        else:
            self.note.setText(f"The dashboard's Monte Carlo result is reused for "
                              f"{', '.join(reused)}; the others run with these samples. {seed}")


class QResultsExporter(QObject):
    """Options dialog → file name → projection in a worker (progress, cancel) → file."""

    sig_message = Signal(str)
    sig_finished = Signal(str)  # the path written, or "" when nothing was written

    def __init__(self, window: QWidget, session: QDocumentSession,
                 current_scenario: Callable[[], str | None],
                 start_directory: Callable[[], str],
                 current_monte_carlo: Callable[[], MonteCarloResult | None]) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._current_scenario = current_scenario
        self._start_directory = start_directory
        self._current_monte_carlo = current_monte_carlo
        self.job = QJob(self, "atlas-export-results")
        self.job.sig_progress.connect(self._on_progress)
        self.job.sig_failed.connect(self._failed)
        self.job.sig_cancelled.connect(lambda: self._failed(Cancelled("export cancelled")))
        self._on_result: Callable[[Any], None] = lambda _result: None
        self.job.sig_done.connect(lambda result: self._on_result(result))
        self._path = Path()
        self._writing = False
        self.dialog: QResultsExportDialog | None = None
        self.progress: QProgressDialog | None = None

    def busy(self) -> bool:
        return self.progress is not None

    def start(self) -> None:
        if self.busy():
            self.sig_message.emit("Results are being exported…")
            return
        model = self._session.model
        names = [s.name for s in model.scenarios]
        reuse = reusable(self._current_monte_carlo(), names)
        dialog = QResultsExportDialog(model, self._current_scenario(), reuse, self._window)
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.accepted.connect(lambda: self._on_options(dialog.job()))
        dialog.open()

    def _closed(self, dialog: QResultsExportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _on_options(self, job: ExportJob) -> None:
        stem = job.names[0] if len(job.names) == 1 else self._session.model.settings.title
        suggested = Path(self._start_directory()) / f"{_safe(stem)} results.csv"
        path = dialogs.get_results_export_path(self._window, str(suggested))
        if path:
            self.run(job, Path(path))

    def run(self, job: ExportJob, path: Path) -> None:
        """Project ``job`` in a worker, then write ``path`` (also in a worker)."""
        session, model = self._session, self._session.model
        generation = session.generation
        inputs = scenario_inputs(model, job.names)
        self._path, self._writing = path, False
        self._show_progress(job)

        def computed(runs: list[ScenarioRun]) -> None:
            if generation != session.generation or model is not session.model:
                self._failed(ExportRefused("The model changed while the results were "
                                           "computed; nothing was written. Export again."))
            else:
                self._write(runs, path, inputs)

        self._on_result = computed
        self.job.start(lambda state: compute_runs(model, job, state.set_progress,
                                                  state.should_cancel))

    def _write(self, runs: list[ScenarioRun], path: Path, inputs: list[dict[str, Any]]) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"Writing {path.name}…")
        self._writing = True  # a half-written file cannot be cancelled: the write finishes

        def written(_result: object) -> None:
            self._writing = False
            self._close_progress()
            self.sig_message.emit(f"Exported results to {path.name}")
            self.sig_finished.emit(str(path))

        self._on_result = written
        self.job.start(lambda _state: write_results(runs, path, inputs))

    def _show_progress(self, job: ExportJob) -> None:
        runs_mc = job.samples > 0 and any(n not in job.reuse for n in job.names)
        what = f"{job.samples:,} Monte Carlo samples" if runs_mc else "the projection"
        scope = job.names[0] if len(job.names) == 1 else f"{len(job.names)} scenarios"
        self.progress = QProgressDialog(f"Computing {what} for {scope}…", "Cancel", 0,
                                        PROGRESS_STEPS, self._window)
        self.progress.setObjectName("results_export_progress")
        self.progress.setWindowTitle("Export Results")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self.cancel)
        self.progress.setValue(0)
        self.progress.show()

    def cancel(self) -> None:
        """Stop the run (the worker at its next chunk); nothing is written."""
        if self._writing:
            if self.progress is not None:
                self.progress.setLabelText(f"Writing {self._path.name}… (almost done)")
            return
        self.job.cancel()

    def _on_progress(self, fraction: float) -> None:
        if self.progress is not None:
            self.progress.setValue(round(PROGRESS_STEPS * min(max(fraction, 0.0), 1.0)))

    def _close_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None:
            progress.canceled.disconnect(self.cancel)
            progress.close()
            progress.deleteLater()

    def _failed(self, error: BaseException) -> None:
        self._writing = False
        self._close_progress()
        path = self._path
        if isinstance(error, Cancelled):
            self.sig_message.emit("Export cancelled; nothing was written")
        else:
            reason = str(error) if isinstance(error, OSError | ValueError) else \
                f"{type(error).__name__}: {describe(error)}"
            dialogs.show_error(self._window, "Cannot export results",
                               f"{path.name} was not written.\n\n{reason}")
            self.sig_message.emit(f"Could not export results to {path.name}")
        self.sig_finished.emit("")


def _safe(text: str) -> str:
    safe = "".join(c for c in str(text) if c.isalnum() or c in " -_()").strip()
    return safe or "Untitled"
