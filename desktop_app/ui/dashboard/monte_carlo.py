"""Monte Carlo runs in a worker thread: run, cancel, progress, restart after an edit.

The engine's ``run_monte_carlo`` polls ``should_cancel`` between chunks and reports progress
after each; a ``ui.jobs.QJob`` runs it and hands its ``TaskState`` to those callbacks, so results
and progress arrive on the GUI thread and whatever a cancelled or superseded run still reports
is ignored.

A run that fails (a ``MemoryError`` for too many samples, an invalid model) says why in
``failure`` and stops following edits: retrying the same run on every edit would fail again, and
▶ stays the way to try once more (with fewer samples, say).

A result belongs to the model state and scenario it was computed from (``key``). Once the user
has asked for a run, an edit during the run cancels and restarts it, and an edit after it starts
a new one after a short pause (``RESTART_MS``), so the band and tornado follow the model.
Samples and seed come from the document's settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.edits import Event
from desktop_app.core.engine import statistics
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.result import MonteCarloResult
from desktop_app.core.engine.sensitivity import rank_correlations
from desktop_app.ui.jobs import QJob, TaskState, describe

if TYPE_CHECKING:
    from desktop_app.ui.dashboard.controller import QDashboardController

SPEND = "total_spend_usd"
RESTART_MS = 300  # after an edit, a new run starts once the edits pause this long
RESTART_RUNNING_MS = 120  # an edit during a run cancels it now and restarts it this soon


@dataclass(frozen=True, slots=True)
class Summary:
    """What the dashboard shows of a result, computed in the worker so that its arrival costs
    the GUI thread only drawing: the P10/P50/P90 band and standard error of total spend (of the
    region), and the rank correlations of the inputs with the chosen output."""

    metric: str
    year: int
    region: str | None
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray
    standard_error: float  # of the mean of ``year``'s total spend
    correlations: dict[str, float]


def summarise(result: MonteCarloResult, metric: str, year: int,
              region: str | None) -> Summary:
    spend = result.sample_series(SPEND, region)
    p10, p50, p90 = statistics.percentiles(spend, (10, 50, 90))
    keep = result.period_years == year
    total = spend[:, keep].sum(axis=1)  # the year's spend (its quarters added up)
    se = float(statistics.standard_error(total)) if keep.any() else float("nan")
    try:
        correlations = dict(rank_correlations(result, metric, year, region))
    except (KeyError, ValueError):
        correlations = {}
    return Summary(metric, year, region, p10, p50, p90, se, correlations)


@dataclass(frozen=True, slots=True)
class RunKey:
    """What a result was computed from: the model (identity and generation) and scenario."""

    model_id: int
    generation: int
    scenario: str | None


@dataclass(slots=True)
class _Run:
    """What the current run was started from (its job carries the outcome)."""

    key: RunKey
    samples: int
    seed: int
    started: float


class QMonteCarloController(QObject):
    sig_started = Signal(int, int)  # samples, seed
    sig_progress = Signal(float)  # share done, 0..1
    sig_finished = Signal(object)  # MonteCarloResult
    sig_cancelled = Signal()
    sig_failed = Signal(str)
    sig_changed = Signal()  # running state or result validity changed

    def __init__(self, dashboard: QDashboardController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dashboard = dashboard
        self._session = dashboard.session
        self._job = QJob(self, "atlas-montecarlo")
        self._job.sig_progress.connect(self.sig_progress)
        self._job.sig_done.connect(self._on_done)
        self._job.sig_failed.connect(self._on_failed)
        self._run: _Run | None = None
        self.failure = ""  # why the last run failed, until the next one starts
        self.result: MonteCarloResult | None = None
        self.result_key: RunKey | None = None
        self.summary: Summary | None = None
        self.seconds = 0.0
        self.auto = False  # the user asked for a run: follow edits with new runs
        self._restart = QTimer(self, singleShot=True, interval=RESTART_MS)
        self._restart.timeout.connect(self._restart_now)
        self._session.events.subscribe(self._on_event)
        dashboard.sig_scenario_changed.connect(self._on_inputs_changed)

    # --- state --------------------------------------------------------------------------
    def key(self) -> RunKey:
        return RunKey(id(self._session.model), self._session.generation,
                      self._dashboard.scenario)

    @property
    def running(self) -> bool:
        return self._job.running

    def current(self) -> MonteCarloResult | None:
        """The result if it was computed from the model and scenario shown now."""
        return self.result if self.result_key == self.key() else None

    def summary_for(self, metric: str, year: int, region: str | None) -> Summary | None:
        """The current result's summary for these choices (computed now if they changed)."""
        result = self.current()
        if result is None:
            return None
        s = self.summary
        if s is None or (s.metric, s.year, s.region) != (metric, year, region):
            self.summary = s = summarise(result, metric, year, region)
        return s

    # --- commands -----------------------------------------------------------------------
    def run(self) -> None:
        """Start a run of the current scenario (cancelling one in progress)."""
        self.auto = True
        self._restart.stop()
        self._start()

    def cancel(self) -> None:
        """Stop the run in progress and stop following edits."""
        self.auto = False
        self._restart.stop()
        if self._job.discard():
            self.sig_cancelled.emit()
            self.sig_changed.emit()

    def shutdown(self) -> None:
        """Cancel quietly (the window is closing)."""
        self.auto = False
        self._restart.stop()
        self._job.discard()

    def wait(self, timeout: float = 30.0) -> None:
        """Join the worker (tests); the result still arrives through the event loop."""
        self._job.wait(timeout)

    # --- running ------------------------------------------------------------------------
    def _start(self) -> None:
        self._job.discard()
        self.failure = ""
        scenario = self._dashboard.scenario
        model = self._session.model
        if scenario is None:
            self._fail("Choose a scenario to run Monte Carlo on")
            return
        settings = model.settings
        run = _Run(self.key(), int(settings.mc_samples), int(settings.mc_seed),
                   time.perf_counter())
        self._run = run
        base = self._dashboard.projections.projector
        choice = (self._dashboard.metric, self._dashboard.year, self._dashboard.region)

        def work(state: TaskState) -> tuple[MonteCarloResult, Summary]:
            result = run_monte_carlo(model, scenario, run.samples, run.seed, base=base.base,
                                     progress=state.set_progress,
                                     should_cancel=state.should_cancel)
            return result, summarise(result, *choice)

        self.sig_started.emit(run.samples, run.seed)
        self._job.start(work)
        self.sig_changed.emit()

    def _on_done(self, outcome: tuple[MonteCarloResult, Summary]) -> None:
        run, (result, summary) = self._run, outcome  # the job delivers only the current run's
        assert run is not None
        if run.key != self.key():  # an edit raced the run without restarting it
            self._schedule()
            return
        self.result, self.result_key, self.summary = result, run.key, summary
        self.seconds = time.perf_counter() - run.started
        self.sig_finished.emit(result)
        self.sig_changed.emit()

    def _on_failed(self, error: BaseException) -> None:
        hint = " — try fewer samples (Settings ▸ Monte Carlo samples)" \
            if isinstance(error, MemoryError) else ""
        self._fail(f"Monte Carlo failed: {describe(error)}{hint}")

    def _fail(self, message: str) -> None:
        self.auto = False  # the same run would fail again on every edit: ▶ retries
        self._restart.stop()
        self.failure = message
        self.sig_failed.emit(message)
        self.sig_changed.emit()

    # --- following edits ----------------------------------------------------------------
    def _on_event(self, _event: Event) -> None:
        self._on_inputs_changed()

    def _on_inputs_changed(self) -> None:
        if self._job.discard():  # restart: the running one is stale already
            self._schedule(RESTART_RUNNING_MS)
        elif self.auto:
            self._schedule()
        self.sig_changed.emit()

    def _schedule(self, delay: int = RESTART_MS) -> None:
        self._restart.start(delay)

    def _restart_now(self) -> None:
        if self.auto:
            self._start()
