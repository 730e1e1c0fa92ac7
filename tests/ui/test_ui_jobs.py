"""``ui.jobs``: the latest request wins, cancel stops at the next progress point, partial results
arrive in order, every failure (MemoryError included) arrives as a signal, and no worker thread
outlives its job."""

from __future__ import annotations

import threading

import pytest

from desktop_app.ui.jobs import Cancelled, QJob, QLatestJob, Task, TaskState, describe

TIMEOUT = 5000


def workers(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name and t.is_alive()]


@pytest.fixture
def job(qtbot):
    job = QJob(name="test-job")
    yield job
    job.discard()
    job.wait(5)
    assert not job.busy() and workers("test-job") == []  # no thread left running


def blocked(gate: threading.Event, value: object):
    """Work that waits for ``gate`` before returning ``value``."""
    def work(_state: TaskState) -> object:
        assert gate.wait(5), "the test never opened the gate"
        return value
    return work


def test_result_arrives_on_the_gui_thread_then_finished(qtbot, job):
    seen: list[str] = []
    job.sig_done.connect(lambda result: seen.append(
        f"done {result} on {threading.current_thread() is threading.main_thread()}"))
    job.sig_finished.connect(lambda: seen.append("finished"))
    with qtbot.waitSignal(job.sig_finished, timeout=TIMEOUT):
        job.start(lambda _state: 42)
    assert seen == ["done 42 on True", "finished"]
    assert not job.running


@pytest.mark.parametrize("error", [ValueError("bad input"), MemoryError()])
def test_an_error_arrives_as_a_signal_and_the_job_is_free_again(qtbot, job, error):
    def fail(_state: TaskState) -> None:
        big = bytearray(1024)  # noqa: F841 (a local the traceback would keep alive)
        raise error

    done: list[object] = []
    errors: list[BaseException] = []
    job.sig_done.connect(done.append)
    job.sig_failed.connect(errors.append)
    with qtbot.waitSignals([job.sig_failed, job.sig_finished], timeout=TIMEOUT,
                           order="strict"):
        job.start(fail)
    (failed,) = errors
    assert failed is error and done == [] and not job.running
    assert failed.__traceback__ is None and "fail" in failed.traceback_text  # frames let go
    assert describe(failed) == ("bad input" if isinstance(error, ValueError)
                                else "not enough memory")
    with qtbot.waitSignal(job.sig_done, timeout=TIMEOUT) as again:  # the next run works
        job.start(lambda _state: "fine")
    assert again.args == ["fine"]


def test_cancel_stops_the_worker_at_its_next_progress_point(qtbot, job):
    step, reported = threading.Event(), threading.Event()
    steps: list[int] = []

    def work(state: TaskState) -> str:
        for i in range(1000):
            steps.append(i)
            state.set_progress(i / 1000)
            reported.set()
            assert step.wait(5)
            step.clear()
        return "all done"

    done: list[object] = []
    job.sig_done.connect(done.append)
    with qtbot.waitSignal(job.sig_progress, timeout=TIMEOUT):
        job.start(work)
    with qtbot.waitSignals([job.sig_cancelled, job.sig_finished], timeout=TIMEOUT,
                           order="strict"):
        assert job.cancel()  # the controls get the job back now, not when the worker notices
    assert not job.running and not job.cancel()
    step.set()  # the worker takes one more step and raises Cancelled at its progress point
    job.wait(5)
    assert not job.busy() and len(steps) == 2
    qtbot.wait(20)
    assert done == []


def test_the_engine_callbacks_fit_and_cancelled_work_reports_cancelled(qtbot, job):
    def work(state: TaskState) -> None:
        state.cancel()  # as if the engine had polled should_cancel and stopped
        assert state.should_cancel()
        raise Cancelled("stopped")

    with qtbot.waitSignals([job.sig_cancelled, job.sig_finished], timeout=TIMEOUT,
                           order="strict"):
        job.start(work)


def test_partial_results_arrive_in_order(qtbot, job):
    def work(state: TaskState) -> int:
        for chunk in range(5):
            state.set_partial_result(chunk)
            state.set_progress((chunk + 1) / 5)
        return 5

    partial: list[int] = []
    progress: list[float] = []
    job.sig_partial.connect(partial.append)
    job.sig_progress.connect(progress.append)
    with qtbot.waitSignal(job.sig_done, timeout=TIMEOUT):
        job.start(work)
    assert partial == [0, 1, 2, 3, 4] and progress == [0.2, 0.4, 0.6, 0.8, 1.0]


def test_a_superseded_run_reports_nothing(qtbot, job):
    gate = threading.Event()
    results: list[object] = []
    job.sig_done.connect(results.append)
    job.start(blocked(gate, "old"))
    with qtbot.waitSignal(job.sig_done, timeout=TIMEOUT):
        job.start(lambda _state: "new")
    gate.set()
    job.wait(5)
    qtbot.wait(20)
    assert results == ["new"]


def test_inline_runs_now_with_the_same_signals(qtbot, job):
    seen: list[object] = []
    job.sig_done.connect(seen.append)
    job.sig_failed.connect(seen.append)
    job.start(lambda _state: "now", inline=True)
    assert seen == ["now"] and not job.busy()
    job.start(lambda _state: 1 / 0, inline=True)
    assert isinstance(seen[-1], ZeroDivisionError) and not job.running


@pytest.mark.parametrize("keep_superseded", [False, True])
def test_latest_request_wins(qtbot, keep_superseded):
    live = QLatestJob(name="test-latest", keep_superseded=keep_superseded)
    gate = threading.Event()
    captured: list[str] = []
    delivered: list[tuple[str, str]] = []
    live.sig_done.connect(lambda tag, result: delivered.append((tag, result)))

    def request(tag: str, gated: bool = False):
        def capture() -> Task:
            captured.append(tag)  # captured when it starts, not when it is asked for
            return Task(tag, blocked(gate, tag) if gated else (lambda _state: tag))
        return capture

    live.submit(request("A", gated=True))
    live.submit(request("B"))
    live.submit(request("C"))
    assert live.running and live.pending()
    with qtbot.waitSignal(live.sig_done, timeout=TIMEOUT,
                          check_params_cb=lambda tag, _result: tag == "C"):
        gate.set()
    assert captured == ["A", "C"]  # B was replaced before it ever ran
    # A finished while C waited: a live view may show it (older, never after a newer one)
    assert delivered == ([("A", "A"), ("C", "C")] if keep_superseded else [("C", "C")])
    assert not live.pending()
    live.wait(5)
    assert workers("test-latest") == []


def test_latest_job_failure_is_a_signal_and_the_next_request_runs(qtbot):
    live = QLatestJob(name="test-latest")

    def boom(_state: TaskState) -> None:
        raise MemoryError

    with qtbot.waitSignal(live.sig_failed, timeout=TIMEOUT) as failed:
        live.submit(lambda: Task("first", boom))
    assert failed.args[0] == "first" and isinstance(failed.args[1], MemoryError)
    with qtbot.waitSignal(live.sig_done, timeout=TIMEOUT) as done:
        live.submit(lambda: Task("second", lambda _state: "ok"))
    assert done.args == ["second", "ok"]
    live.wait(5)


class _Document:
    """The least a problem checker needs (``problems.CheckedDocument``): no session, no Qt."""

    def __init__(self, model) -> None:
        from desktop_app.core.edits import ModelEvents

        self.model, self.generation, self.events = model, 0, ModelEvents()

    def edit(self) -> None:
        from desktop_app.core.edits import ModelReset

        self.generation += 1
        self.events.emit(ModelReset())


def test_the_problem_checker_in_a_worker_drops_a_result_an_edit_raced(qtbot, monkeypatch):
    from desktop_app.core.sample_model import build_sample_model
    from desktop_app.ui import problems

    monkeypatch.setattr(problems, "INLINE_ROWS", 0)  # every check goes to the worker
    gate, calls = threading.Event(), []
    real = problems.validate

    def slow_validate(model):
        if model is not document.model:  # another test's checker still finishing: not ours
            return real(model)
        calls.append(len(calls))
        if len(calls) == 1:
            assert gate.wait(5)
            return []  # what the stale run finds: must never be published
        return real(model)

    monkeypatch.setattr(problems, "validate", slow_validate)
    document = _Document(build_sample_model())
    document.model.sites[0].utilisation = 1.5  # one problem, found only by the second run
    checker = problems.QProblemChecker(document)
    published: list[int] = []
    checker.sig_changed.connect(lambda: published.append(len(checker.index)))
    checker.check()
    assert checker.pending()
    document.edit()  # while the first run is in the worker
    gate.set()
    qtbot.waitUntil(lambda: not checker.pending(), timeout=TIMEOUT)
    assert published and all(n >= 1 for n in published) and len(checker.index) >= 1
    assert len(calls) == 2
