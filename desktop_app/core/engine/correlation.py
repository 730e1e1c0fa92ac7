"""Rank correlation between Monte Carlo inputs by the Iman–Conover method.

Iman–Conover reorders independent draws so their rank correlation matches a target while every
marginal stays exactly as drawn, so it needs no inverse CDFs and works for any distribution.
It runs per chunk of samples, so it is deterministic given the chunk's seed.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from desktop_app.core.model import Scenario


def target_matrix(scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """Names of the correlated uncertainties and their target rank-correlation matrix."""
    names: list[str] = []
    for corr in scenario.correlations:
        for name in (corr.first, corr.second):
            if name not in names:
                names.append(name)
    matrix = np.eye(len(names))
    for corr in scenario.correlations:
        i, j = names.index(corr.first), names.index(corr.second)
        matrix[i, j] = matrix[j, i] = corr.rank_correlation
    return names, matrix


def _van_der_waerden(n: int) -> np.ndarray:
    inv = NormalDist().inv_cdf
    return np.array([inv(k / (n + 1)) for k in range(1, n + 1)])


def iman_conover(draws: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column of ``draws`` (n × k) so ranks correlate as ``target`` (k × k)."""
    n, k = draws.shape
    if k < 2 or n < 3:
        return draws
    scores = _van_der_waerden(n)
    base = np.column_stack([rng.permutation(scores) for _ in range(k)])
    actual = np.corrcoef(base, rowvar=False)
    try:
        wanted = np.linalg.cholesky(target)
        have = np.linalg.cholesky(actual)
    except np.linalg.LinAlgError:
        return draws
    shaped = base @ np.linalg.inv(have).T @ wanted.T
    out = np.empty_like(draws)
    for j in range(k):
        ranks = np.argsort(np.argsort(shaped[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(draws[:, j], kind="stable")[ranks]
    return out


def rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho (ties broken by order, fine for continuous draws)."""
    if x.size < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return 0.0
    rx = np.argsort(np.argsort(x, kind="stable"), kind="stable").astype(np.float64)
    ry = np.argsort(np.argsort(y, kind="stable"), kind="stable").astype(np.float64)
    return float(np.corrcoef(rx, ry)[0, 1])
