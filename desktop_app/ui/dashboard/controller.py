"""The dashboard's live state: which scenario, which outputs, what a slider is previewing — and
the projections that follow every change of it.

Requests are throttled: the first change after a quiet spell projects on the next event-loop
turn; changes that arrive within ``INTERVAL_MS`` of a projection wait for the end of that
interval and coalesce into one projection of the latest state (the latest request wins).

A small model (the sample projects in about a millisecond) is projected on the GUI thread. A
big one goes to a worker (``ui.jobs.QLatestJob``); while it runs, further requests wait and only
the newest is captured when it ends, and a result that raced an edit of the model is dropped and
projected again. A finished result of an older slider position is still shown (it is a true
projection of the committed model plus that preview) and the newest request follows it; results
arrive in the order requested, so an older one never replaces a newer one.

The tornado (one projection per uncertainty and quantile) always runs in a worker, throttled
more loosely. A failed run (even out of memory) is published as an outcome with its error, so
the view says why and the next request projects again.

Scenarios are tracked by uid, so renaming one keeps it current and compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.drivers import with_driver_values
from desktop_app.core.edits import Event, ModelReset
from desktop_app.core.engine.project import Projector
from desktop_app.core.engine.result import Projection
from desktop_app.core.engine.scenario import scenario_chain
from desktop_app.core.engine.sensitivity import Tornado, tornado
from desktop_app.core.model import Model, Scenario
from desktop_app.ui.jobs import QLatestJob, Task, describe
from desktop_app.ui.session import QDocumentSession

INTERVAL_MS = 40  # slider bursts coalesce into at most one projection per interval
TORNADO_INTERVAL_MS = 150
INLINE_ROWS = 3000  # sites + phases below which projecting on the GUI thread takes ~1 ms
CACHE_SIZE = 32


@dataclass(frozen=True, slots=True)
class Request:
    """An immutable snapshot of what to project, captured on the GUI thread."""

    serial: int
    generation: int
    document_model: Model  # the session's model when captured (identity: a reset drops it)
    model: Model  # the same, or a preview copy with a slider's overrides in the scenario
    scenario: str | None
    compare: tuple[str, ...]
    previewing: bool


@dataclass(slots=True)
class Outcome:
    request: Request
    projection: Projection | None = None
    comparisons: dict[str, Projection] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class TornadoRequest:
    serial: int
    generation: int
    document_model: Model
    model: Model
    scenario: str | None
    metric: str
    year: int
    region: str | None


@dataclass(slots=True)
class TornadoOutcome:
    request: TornadoRequest
    tornado: Tornado | None = None
    error: str = ""


class ProjectionCache:
    """The projector of one compiled model and its projections by input hash."""

    def __init__(self, model: Model) -> None:
        self.projector = Projector(model)
        self.cache: dict[str, Projection] = {}

    def projector_for(self, model: Model) -> Projector:
        return self.projector if model is self.projector.model else \
            self.projector.sharing_base(model)

    def project(self, model: Model, scenario: str | None) -> Projection:
        projector = self.projector_for(model)
        key = projector.chain_hash(scenario_chain(model, scenario))
        hit = self.cache.get(key)
        if hit is None:
            hit = projector.project(scenario)
            if len(self.cache) >= CACHE_SIZE:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def run(self, request: Request) -> Outcome:
        started = time.perf_counter()
        outcome = Outcome(request)
        try:
            outcome.projection = self.project(request.model, request.scenario)
            for name in request.compare:
                outcome.comparisons[name] = outcome.projection if name == request.scenario \
                    else self.project(request.model, name)
        except Exception as exc:  # an invalid model: shown, never raised
            outcome.projection, outcome.comparisons = None, {}
            outcome.error = str(exc) or exc.__class__.__name__
        outcome.seconds = time.perf_counter() - started
        return outcome

    def tornado(self, request: TornadoRequest) -> TornadoOutcome:
        outcome = TornadoOutcome(request)
        if request.scenario is None:
            return outcome
        try:
            outcome.tornado = tornado(request.model, request.scenario, request.metric,
                                      request.year, request.region,
                                      projector=self.projector_for(request.model))
        except Exception as exc:  # shown in the tornado's note
            outcome.error = str(exc) or exc.__class__.__name__
        return outcome


class QDashboardController(QObject):
    """Owns the projector, the coalescing and the current choices of the dashboard."""

    sig_projected = Signal(object)  # Outcome, on the GUI thread
    sig_tornado = Signal(object)  # TornadoOutcome
    sig_scenario_changed = Signal()  # the current scenario (or the list of them) changed
    sig_compare_changed = Signal()
    sig_options_changed = Signal()  # metric, region or year
    sig_previewing = Signal(bool)  # a slider preview started or ended

    def __init__(self, session: QDocumentSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.projections = ProjectionCache(session.model)
        self.metric = "total_spend_usd"
        self.region: str | None = None
        self._year: int | None = None
        self.previews: dict[str, float] = {}
        self.preview_years: tuple[int | None, int | None] = (None, None)
        self.latest: Outcome | None = None
        self.latest_tornado: TornadoOutcome | None = None
        self._scenario_uid: int | None = None
        self._compare_uids: list[int] = []
        self._serial = 0
        self._dirty = False
        self._last_run = -1e9
        self._projection = QLatestJob(self, "atlas-project", keep_superseded=True)
        self._projection.sig_done.connect(self._on_projected)
        self._projection.sig_failed.connect(
            lambda request, error: self._on_projected(request, Outcome(
                request, error=describe(error))))
        self._tornado = QLatestJob(self, "atlas-tornado")
        self._tornado_again = False  # asked for while one ran: once it ends, after a pause
        self._tornado.job.sig_finished.connect(self._on_tornado_finished)
        self._tornado.sig_done.connect(self._on_tornado)
        self._tornado.sig_failed.connect(
            lambda request, error: self._on_tornado(request, TornadoOutcome(
                request, error=describe(error))))
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._run)
        self._tornado_timer = QTimer(self, singleShot=True, interval=TORNADO_INTERVAL_MS)
        self._tornado_timer.timeout.connect(self._run_tornado)
        self.tornado_enabled = True
        session.events.subscribe(self._on_event)
        self._reset_choices()

    # --- choices ------------------------------------------------------------------------
    @property
    def scenario(self) -> str | None:
        found = self.scenario_row()
        return found.name if found is not None else None

    def scenario_row(self) -> Scenario | None:
        """The chosen scenario's row (``scenario`` is its name; elsewhere in the UI
        ``current_scenario()`` is a name too)."""
        return next((s for s in self.session.model.scenarios if s.uid == self._scenario_uid),
                    None)

    def set_scenario(self, name: str | None) -> None:
        row = self.session.model.scenario(name) if name is not None else None
        uid = row.uid if row is not None else None
        if uid == self._scenario_uid:
            return
        self._scenario_uid = uid
        self.previews.clear()
        self.sig_scenario_changed.emit()
        self.request()

    @property
    def compare(self) -> list[str]:
        by_uid = {s.uid: s.name for s in self.session.model.scenarios}
        return [by_uid[u] for u in self._compare_uids if u in by_uid]

    def set_compare(self, names: list[str]) -> None:
        uids = [s.uid for s in self.session.model.scenarios if s.name in set(names)]
        if uids == self._compare_uids:
            return
        self._compare_uids = uids
        self.sig_compare_changed.emit()
        self.request()

    @property
    def year(self) -> int:
        settings = self.session.model.settings
        if self._year is None or not settings.base_year <= self._year <= settings.horizon_year:
            return settings.horizon_year
        return self._year

    def set_options(self, *, metric: str | None = None, region: str | bool | None = False,
                    year: int | bool | None = False) -> None:
        """Change the metric, region (None: all) or year (None: the horizon); False keeps."""
        if metric is not None:
            self.metric = metric
        if region is not False:
            self.region = region  # type: ignore[assignment]
        if year is not False:
            self._year = year  # type: ignore[assignment]
        self.sig_options_changed.emit()
        self.request()

    def _reset_choices(self) -> None:
        scenarios = self.session.model.scenarios
        self._scenario_uid = scenarios[0].uid if scenarios else None
        self._compare_uids = [s.uid for s in scenarios]
        self.previews.clear()
        if self.region is not None and self.session.model.region(self.region) is None:
            self.region = None

    # --- slider previews ----------------------------------------------------------------
    def preview(self, driver_id: str, value: float,
                years: tuple[int | None, int | None] = (None, None)) -> None:
        """Project as if the current scenario's driver read ``value`` (nothing is edited)."""
        started = not self.previews
        self.previews[driver_id] = value
        self.preview_years = years
        if started:
            self.sig_previewing.emit(True)
        self.request()

    def end_preview(self, driver_id: str | None = None) -> None:
        if driver_id is None:
            self.previews.clear()
        else:
            self.previews.pop(driver_id, None)
        if not self.previews:
            self.sig_previewing.emit(False)
        self.request()

    def model_view(self) -> Model:
        """The model as the plots should show it: the document plus any slider preview."""
        model, name = self.session.model, self.scenario
        if self.previews and name is not None:
            return with_driver_values(model, name, self.previews, self.preview_years)
        return model

    # --- projecting ---------------------------------------------------------------------
    def request(self) -> None:
        """Ask for a projection of the current state (coalesced, latest wins)."""
        self._dirty = True
        if self.tornado_enabled:
            self._tornado_timer.start()
        if self._timer.isActive():
            return
        wait = self._last_run + INTERVAL_MS / 1000 - time.perf_counter()
        self._timer.start(max(0, int(wait * 1000 + 0.999)))

    def flush(self) -> None:
        """Project now if a request is waiting (tests, screenshots)."""
        if self._timer.isActive():
            self._timer.stop()
            self._run()

    def pending(self) -> bool:
        return self._timer.isActive() or self._projection.pending() or self._dirty

    def inline(self) -> bool:
        model = self.session.model
        return len(model.sites) + len(model.phases) < INLINE_ROWS

    def _capture(self) -> Request:
        self._serial += 1
        name = self.scenario
        compare = tuple(self.compare)
        return Request(self._serial, self.session.generation, self.session.model,
                       self.model_view(), name, compare, bool(self.previews))

    def _run(self) -> None:
        if not self._dirty:
            return
        if self._projection.running:
            return  # its completion runs the latest request
        self._dirty = False
        self._last_run = time.perf_counter()
        self._projection.submit(self._projection_task)

    def _projection_task(self) -> Task:
        request, engine = self._capture(), self.projections
        return Task(request, lambda _state: engine.run(request), inline=self.inline())

    def _on_projected(self, request: Request, outcome: Outcome) -> None:
        if self._current(request):
            self._publish(outcome)
        else:
            self._dirty = True  # raced an edit: project the model as it is now
        if self._dirty:
            self.request()

    def _current(self, request: Request | TornadoRequest) -> bool:
        return request.generation == self.session.generation \
            and request.document_model is self.session.model

    def _publish(self, outcome: Outcome) -> None:
        self.latest = outcome
        self.sig_projected.emit(outcome)

    # --- tornado ------------------------------------------------------------------------
    def _run_tornado(self) -> None:
        if self._tornado.running:
            # Not queued straight behind the running one: a tornado is a projection per
            # uncertainty and quantile, and back-to-back runs would compete with a slider drag
            # for the interpreter. Wait for the edits to pause again once it ends.
            self._tornado_again = True
            return
        self._tornado_again = False
        self._tornado.submit(self._tornado_task)

    def _on_tornado_finished(self) -> None:
        if self._tornado_again:
            self._tornado_again = False
            self._tornado_timer.start()

    def _tornado_task(self) -> Task:
        self._serial += 1
        request = TornadoRequest(self._serial, self.session.generation, self.session.model,
                                 self.model_view(), self.scenario, self.metric, self.year,
                                 self.region)
        engine = self.projections
        return Task(request, lambda _state: engine.tornado(request))

    def _on_tornado(self, request: TornadoRequest, outcome: TornadoOutcome) -> None:
        if self._current(request):
            self.latest_tornado = outcome
            self.sig_tornado.emit(outcome)
        else:
            self._tornado_timer.start()  # raced an edit: again, once the edits pause

    def wait(self, timeout: float = 10.0) -> None:
        """Block until every queued projection and tornado is published (tests)."""
        from PySide6.QtCore import QCoreApplication

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.flush()
            if self._tornado_timer.isActive():
                self._tornado_timer.stop()
                self._run_tornado()
            if not (self._projection.pending() or self._tornado.pending() or self._dirty
                    or self._tornado_timer.isActive()):
                return
            self._projection.wait(0.05)
            self._tornado.wait(0.05)
            QCoreApplication.processEvents()

    # --- the document -------------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        kind = getattr(event, "kind", None)
        if isinstance(event, ModelReset) or kind != "scenario":
            self.projections = ProjectionCache(self.session.model)  # rows changed: compile again
        if isinstance(event, ModelReset):
            self._reset_choices()
            self.sig_scenario_changed.emit()
            self.sig_compare_changed.emit()
        elif kind == "scenario":
            self._on_scenarios_changed()
        self.request()

    def _on_scenarios_changed(self) -> None:
        scenarios = self.session.model.scenarios
        uids = {s.uid for s in scenarios}
        if self._scenario_uid not in uids:
            self._scenario_uid = scenarios[0].uid if scenarios else None
            self.previews.clear()
        self._compare_uids = [u for u in self._compare_uids if u in uids]
        self.sig_scenario_changed.emit()
        self.sig_compare_changed.emit()
