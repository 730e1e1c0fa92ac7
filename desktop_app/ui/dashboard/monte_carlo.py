"""Monte Carlo runs in a worker thread: run, cancel, progress, restart after an edit.

The engine's ``run_monte_carlo`` polls ``should_cancel`` between chunks and reports progress
after each; this controller turns them into a ``threading.Event`` and queued signals, so results
and progress arrive on the GUI thread. Each run has an id: whatever a cancelled or superseded
run still reports is ignored.

A result belongs to the model state and scenario it was computed from (``key``). Once the user
has asked for a run, an edit during the run cancels and restarts it, and an edit after it starts
a new one after a short pause (``RESTART_MS``), so the band and tornado follow the model.
Samples and seed come from the document's settings.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.edits import Event
from desktop_app.core.engine import statistics
from desktop_app.core.engine.montecarlo import Cancelled, run_monte_carlo
from desktop_app.core.engine.result import MonteCarloResult
from desktop_app.core.engine.sensitivity import rank_correlations
from desktop_app.ui.background import QBackground

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
    id: int
    key: RunKey
    samples: int
    seed: int
    cancel: threading.Event
    started: float


class QMonteCarloController(QObject):
    sig_started = Signal(int, int)  # samples, seed
    sig_progress = Signal(float)  # share done, 0..1
    sig_finished = Signal(object)  # MonteCarloResult
    sig_cancelled = Signal()
    sig_failed = Signal(str)
    sig_changed = Signal()  # running state or result validity changed
    _sig_worker_progress = Signal(int, float)  # run id, share (emitted from the worker)

    def __init__(self, dashboard: QDashboardController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dashboard = dashboard
        self._session = dashboard.session
        self._background = QBackground(self)
        self._run: _Run | None = None
        self._next_id = 0
        self.result: MonteCarloResult | None = None
        self.result_key: RunKey | None = None
        self.summary: Summary | None = None
        self.seconds = 0.0
        self.auto = False  # the user asked for a run: follow edits with new runs
        self._restart = QTimer(self, singleShot=True, interval=RESTART_MS)
        self._restart.timeout.connect(self._restart_now)
        self._sig_worker_progress.connect(self._on_progress)
        self._session.events.subscribe(self._on_event)
        dashboard.sig_scenario_changed.connect(self._on_inputs_changed)

    # --- state --------------------------------------------------------------------------
    def key(self) -> RunKey:
        return RunKey(id(self._session.model), self._session.generation,
                      self._dashboard.scenario)

    @property
    def running(self) -> bool:
        return self._run is not None

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
        if self._run is not None:
            self._run.cancel.set()
            self._run = None
            self.sig_cancelled.emit()
            self.sig_changed.emit()

    def shutdown(self) -> None:
        """Cancel quietly (the window is closing)."""
        self.auto = False
        self._restart.stop()
        if self._run is not None:
            self._run.cancel.set()
            self._run = None

    def wait(self, timeout: float = 30.0) -> None:
        """Join the worker (tests); the result still arrives through the event loop."""
        self._background.wait(timeout)

    # --- running ------------------------------------------------------------------------
    def _start(self) -> None:
        if self._run is not None:
            self._run.cancel.set()
        scenario = self._dashboard.scenario
        model = self._session.model
        if scenario is None:
            self._run = None
            self.sig_failed.emit("Choose a scenario to run Monte Carlo on")
            self.sig_changed.emit()
            return
        settings = model.settings
        self._next_id += 1
        run = _Run(self._next_id, self.key(), int(settings.mc_samples), int(settings.mc_seed),
                   threading.Event(), time.perf_counter())
        self._run = run
        base = self._dashboard.projections.projector
        choice = (self._dashboard.metric, self._dashboard.year, self._dashboard.region)

        def work() -> tuple[MonteCarloResult, Summary]:
            result = run_monte_carlo(
                model, scenario, run.samples, run.seed, base=base.base,
                progress=lambda share: self._sig_worker_progress.emit(run.id, share),
                should_cancel=run.cancel.is_set)
            return result, summarise(result, *choice)

        def done(outcome: tuple[MonteCarloResult, Summary] | None,
                 error: BaseException | None) -> None:
            result, summary = outcome if outcome is not None else (None, None)
            self._on_done(run, result, summary, error)

        self.sig_started.emit(run.samples, run.seed)
        self.sig_changed.emit()
        self._background.run(work, done, "atlas-montecarlo")

    def _on_progress(self, run_id: int, share: float) -> None:
        if self._run is not None and self._run.id == run_id:
            self.sig_progress.emit(share)

    def _on_done(self, run: _Run, result: MonteCarloResult | None, summary: Summary | None,
                 error: BaseException | None) -> None:
        if self._run is None or self._run.id != run.id:
            return  # cancelled or superseded: whatever it produced is stale
        self._run = None
        if isinstance(error, Cancelled):
            return
        if error is not None or result is None:
            self.sig_failed.emit(f"Monte Carlo failed: {error}")
            self.sig_changed.emit()
            return
        if run.key != self.key():  # an edit raced the run without restarting it
            self._schedule()
            return
        self.result, self.result_key, self.summary = result, run.key, summary
        self.seconds = time.perf_counter() - run.started
        self.sig_finished.emit(result)
        self.sig_changed.emit()

    # --- following edits ----------------------------------------------------------------
    def _on_event(self, _event: Event) -> None:
        self._on_inputs_changed()

    def _on_inputs_changed(self) -> None:
        if self._run is not None:
            self._run.cancel.set()  # restart: the running one is stale already
            self._run = None
            self._schedule(RESTART_RUNNING_MS)
        elif self.auto:
            self._schedule()
        self.sig_changed.emit()

    def _schedule(self, delay: int = RESTART_MS) -> None:
        self._restart.start(delay)

    def _restart_now(self) -> None:
        if self.auto:
            self._start()
