"""Timing helpers shared by the GUI benchmarks (gui.py, live.py): how long the UI thread was
unavailable, and event-loop pumping that keeps the measurements in real time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def verdict(value: float, budget: float) -> str:
    return "OK" if value <= budget else "OVER"


class Heartbeat:
    """Largest gap between 10 ms timer ticks: how long the UI thread was unavailable."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.max_gap = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.max_gap = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        """The largest gap, including one still open: work that outlasted the pump window
        (a 1 s fill) leaves an overdue tick, which this last round of events delivers."""
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.processEvents()
        self.timer.stop()
        return self.max_gap


def pump(app: Any, seconds: float, poll: float = 0.001) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(poll)


def wait_until(app: Any, condition: Callable[[], bool], timeout: float = 30.0,
               poll: float = 0.0005) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(poll)
