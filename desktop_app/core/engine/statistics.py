"""Statistics of Monte Carlo samples over the samples axis (axis 0): percentiles, mean and the
standard error of the mean — the one definition that results, results files, the CLI, sweeps
and the dashboard share, so a P90 or a standard error reads the same wherever it is shown.

Percentiles are NumPy's default (``method="linear"``, type 7 of Hyndman & Fan, as R and Excel's
PERCENTILE.INC); the standard error uses the sample standard deviation (``ddof=1``) and is NaN
below two samples, where it is not defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_PERCENTILES = (10.0, 50.0, 90.0)


def percentiles(samples: np.ndarray, qs: Sequence[float] | float) -> np.ndarray:
    """The ``qs`` percentiles (0–100) over axis 0: shape ``(len(qs), *rest)``, or ``rest`` for
    one ``q``."""
    return np.percentile(samples, qs, axis=0)


def mean(samples: np.ndarray) -> np.ndarray:
    return np.mean(samples, axis=0)


def standard_error(samples: np.ndarray) -> np.ndarray:
    """Standard error of the mean over axis 0: shrinks as 1/√samples."""
    samples = np.asarray(samples)
    n = samples.shape[0]
    if n < 2:
        return np.full(samples.shape[1:], np.nan)
    return samples.std(axis=0, ddof=1) / np.sqrt(n)


@dataclass(frozen=True, slots=True)
class Summary:
    """Mean, percentiles (keyed by q) and standard error of samples, each of shape ``rest``."""

    mean: np.ndarray
    percentiles: dict[float, np.ndarray]
    standard_error: np.ndarray


def summarise(samples: np.ndarray,
              qs: Sequence[float] = DEFAULT_PERCENTILES) -> Summary:
    values = percentiles(samples, list(qs))
    return Summary(mean(samples), dict(zip(qs, values, strict=True)), standard_error(samples))
