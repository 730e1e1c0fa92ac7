"""A terminal progress bar that appears only for runs longer than a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, delay_s: float = 1.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.delay_s = delay_s
        self.started = time.monotonic()
        self.shown = False
        self.enabled = self.stream.isatty()

    def __call__(self, fraction: float) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        if elapsed < self.delay_s and fraction < 1.0:
            return
        width = 30
        filled = round(width * fraction)
        eta = elapsed / fraction - elapsed if fraction > 0 else 0.0
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{fraction:6.1%}  eta {eta:4.1f} s")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
