"""The standard normal distribution on arrays: CDF, inverse CDF and truncation.

NumPy has no ``erf``/``erfinv``, SciPy is not in the runtime, and ``statistics.NormalDist``
takes one Python call per value (and rounds Φ(−9) to 0); truncated normals and correlated draws
need these on whole arrays, accurate far into the tails.
"""

from __future__ import annotations

import math

import numpy as np


def phi(x: float) -> float:
    """Standard normal CDF by ``erfc``, exact far into the lower tail (``NormalDist.cdf`` uses
    ``erf`` and rounds Φ(−9) to 0)."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def normal_mass(a: float, b: float) -> float:
    """Share of a standard normal in [a, b], accurate in either tail."""
    if a > 0:
        a, b = -b, -a
    return phi(b) - phi(a)


# Acklam's rational approximation of the standard normal inverse CDF (relative error < 1.2e-9).
_PPF_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
          1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_PPF_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
          6.680131188771972e+01, -1.328068155288572e+01)
_PPF_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
          -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_PPF_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
          3.754408661907416e+00)
_PPF_SPLIT = 0.02425


def _polynomial(coefficients: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    out = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        out = out * x + c
    return out


def norm_ppf(p: np.ndarray) -> np.ndarray:
    """Standard normal inverse CDF of an array of probabilities in (0, 1), float64.

    Why not ``NormalDist().inv_cdf``: it takes one Python call per value, and truncated normals
    and correlated draws need it on whole arrays (NumPy has no ``erfinv``).
    """
    p = np.asarray(p, dtype=np.float64)
    out = np.empty_like(p)
    lower = p < _PPF_SPLIT
    upper = p > 1 - _PPF_SPLIT
    middle = ~(lower | upper)
    q = p[middle] - 0.5
    r = q * q
    out[middle] = q * _polynomial(_PPF_A, r) / (_polynomial(_PPF_B, r) * r + 1)
    for mask, tail, sign in ((lower, p, 1.0), (upper, 1 - p, -1.0)):
        t = np.sqrt(-2 * np.log(tail[mask]))
        out[mask] = sign * _polynomial(_PPF_C, t) / (_polynomial(_PPF_D, t) * t + 1)
    return out


def norm_cdf(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF of an array, float64 (``math.erfc`` per value: small arrays)."""
    z = np.asarray(z, dtype=np.float64)
    return 0.5 * _erfc(-z / math.sqrt(2))


_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def truncated_standard_ppf(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Inverse CDF of a standard normal truncated to [a, b] at shares ``u``; the upper tail is
    worked in its mirror image, where the CDF does not round to 1."""
    if a > 0:
        return -truncated_standard_ppf(1.0 - np.asarray(u, dtype=np.float64), -b, -a)
    lo, hi = phi(a) if math.isfinite(a) else 0.0, phi(b) if math.isfinite(b) else 1.0
    tiny = np.finfo(np.float64).tiny
    shares = np.clip(lo + np.asarray(u, dtype=np.float64) * (hi - lo), max(lo, tiny),
                     min(hi, 1 - 2**-53))
    return np.clip(norm_ppf(shares), a, b)
