"""Distributions of Monte Carlo inputs: checking, vectorised sampling and quantiles.

Sampling draws whole arrays (samples × entities) in float32 where NumPy allows it: random-number
generation is the floor of a Monte Carlo run (platform-notes), and float32 halves it.

Kinds and parameters::

    fixed(value)
    uniform(low, high)
    triangular(low, mode, high)
    normal(mean, sd[, low[, high]])      optional truncation bounds
    lognormal(median, sigma)              sigma of the natural log
    pert(low, mode, high[, lambda=4])
    normal90(p5, p95)                     "X to Y": a 90 % interval, normal
    lognormal90(p5, p95)                  "X to Y": a 90 % interval, lognormal (positive)
"""

from __future__ import annotations

import math
import re
from statistics import NormalDist

import numpy as np

from desktop_app.core.model import Distribution
from desktop_app.core.normal import norm_cdf, norm_ppf  # noqa: F401 (public here too)
from desktop_app.core.normal import normal_mass as _normal_mass
from desktop_app.core.normal import truncated_standard_ppf as _truncated_standard_ppf

Z95 = NormalDist().inv_cdf(0.95)  # 1.6449: half-width of a 90 % interval in sd
PARAM_COUNTS: dict[str, tuple[int, ...]] = {
    "fixed": (1,),
    "uniform": (2,),
    "triangular": (3,),
    "normal": (2, 3, 4),
    "lognormal": (2,),
    "pert": (3, 4),
    "normal90": (2,),
    "lognormal90": (2,),
}
KINDS = tuple(PARAM_COUNTS)


def problems(dist: Distribution) -> list[str]:
    """Every reason the distribution cannot be sampled (empty when it can)."""
    if dist.kind not in PARAM_COUNTS:
        return [f"unknown distribution {dist.kind!r} (one of {', '.join(KINDS)})"]
    p = dist.params
    if len(p) not in PARAM_COUNTS[dist.kind]:
        counts = " or ".join(str(c) for c in PARAM_COUNTS[dist.kind])
        return [f"{dist.kind} takes {counts} parameters, got {len(p)}"]
    if any(not math.isfinite(x) for x in p):
        return [f"{dist.kind} parameters must be finite numbers"]
    out = []
    kind = dist.kind
    if kind == "uniform" and not p[0] < p[1]:
        out.append("uniform needs low < high")
    if kind in ("triangular", "pert") and not (p[0] <= p[1] <= p[2] and p[0] < p[2]):
        out.append(f"{kind} needs low ≤ mode ≤ high and low < high")
    if kind == "pert" and len(p) == 4 and p[3] <= 0:
        out.append("pert lambda must be positive")
    if kind == "normal" and p[1] <= 0:
        out.append("normal needs sd > 0")
    if kind == "normal" and len(p) == 4 and not p[2] < p[3]:
        out.append("normal truncation needs low < high")
    elif kind == "normal" and len(p) > 2 and p[1] > 0:
        high = p[3] if len(p) == 4 else math.inf
        if _normal_mass((p[2] - p[0]) / p[1], (high - p[0]) / p[1]) < 1e-250:
            out.append("the truncation keeps none of the normal that a float can hold (bounds "
                       "over ~34 sd from the mean): widen the bounds or move the mean")
    if kind == "lognormal" and (p[0] <= 0 or p[1] <= 0):
        out.append("lognormal needs median > 0 and sigma > 0")
    if kind in ("normal90", "lognormal90") and not p[0] < p[1]:
        out.append(f"{kind} needs p5 < p95")
    if kind == "lognormal90" and p[0] <= 0:
        out.append("lognormal90 needs positive bounds")
    return out


def canonical(dist: Distribution) -> Distribution:
    """Turn the "X to Y" kinds into the plain normal/lognormal they stand for."""
    if dist.kind == "normal90":
        low, high = dist.params
        return Distribution("normal", ((low + high) / 2, (high - low) / (2 * Z95)))
    if dist.kind == "lognormal90":
        low, high = dist.params
        return Distribution("lognormal", (math.sqrt(low * high), math.log(high / low) / (2 * Z95)))
    return dist


_RANGE = re.compile(r"^\s*([-+0-9.eE_,]+)\s*(?:to|\.\.|–|-)\s*([-+0-9.eE_,]+)\s*$")


def parse_range(text: str) -> Distribution:
    """Parse a strategist's "30000 to 50000" into a 90 % interval distribution.

    Positive bounds give a lognormal (quantities that cannot go negative and whose spread is
    multiplicative: prices, capacities); otherwise a normal.
    """
    match = _RANGE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not 'X to Y'")
    low, high = (float(g.replace(",", "").replace("_", "")) for g in match.groups())
    if not low < high:
        raise ValueError(f"{text!r}: the first number must be below the second")
    kind = "lognormal90" if low > 0 else "normal90"
    return Distribution(kind, (low, high))


def _triangular_from_uniform(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution, in the dtype of ``u`` (quantiles)."""
    width = high - low
    split = (mode - low) / width
    left = low + np.sqrt(u * (width * (mode - low)))
    right = high - np.sqrt((1 - u) * (width * (high - mode)))
    return np.where(u < split, left, right).astype(u.dtype, copy=False)


# Bit generators whose raw outputs are 64 random bits (MT19937's are 32, in 64-bit words).
_RAW_64_BITS = (np.random.PCG64, np.random.PCG64DXSM, np.random.SFC64, np.random.Philox)


def uniform01(rng: np.random.Generator, count: int, dtype: type = np.float32) -> np.ndarray:
    """``count`` uniform draws on [0, 1) in ``dtype``.

    float32 draws take 24 bits each from the halves of the bit generator's raw 64-bit outputs,
    converted as whole arrays — the same 24-bit grid as ``rng.random(dtype=float32)``, which
    makes one C call per 32 bits and costs ~1.9 ns a draw here against ~1.4 ns.
    """
    if np.dtype(dtype) != np.float32 or not isinstance(rng.bit_generator, _RAW_64_BITS):
        return rng.random(count, dtype=dtype)
    bits = rng.bit_generator.random_raw((count + 1) // 2).view(np.uint32)[:count]
    bits >>= 8
    u = bits.astype(np.float32)
    u *= np.float32(2.0**-24)
    return u


def standard_normal(rng: np.random.Generator, shape: tuple[int, ...],
                    dtype: type = np.float32) -> np.ndarray:
    """Standard normal draws of ``shape`` by the Box–Muller transform of uniforms.

    Why not ``rng.standard_normal``: its float32 ziggurat costs ~8.5 ns a draw on these
    machines, no less than float64, while Box–Muller on float32 uniforms with NumPy's SIMD
    log/sqrt/sin/cos costs ~3 ns (``benchmarks/engine.py`` prints both), and random numbers
    are the floor of a Monte Carlo run. The transform is exact in distribution; 24-bit float32
    uniforms bound |z| at 5.77 (a normal goes beyond with probability 8e-9), float64 ones
    at 8.6.
    """
    count = math.prod(shape)
    half = (count + 1) // 2
    u = uniform01(rng, 2 * half, dtype)
    radius, angle = u[:half], u[half:]
    np.subtract(dtype(1), radius, out=radius)  # (0, 1]: log is finite
    np.log(radius, out=radius)
    radius *= dtype(-2)
    np.sqrt(radius, out=radius)
    angle *= dtype(2 * math.pi)
    z: np.ndarray = np.empty(2 * half, dtype=dtype)
    np.cos(angle, out=z[:half])
    np.sin(angle, out=z[half:])
    z[:half] *= radius
    z[half:] *= radius
    return z[:count].reshape(shape)


def _triangular(rng: np.random.Generator, shape: tuple[int, ...], dtype: type, low: float,
                mode: float, high: float) -> np.ndarray:
    """Triangular draws by the inverse CDF, both branches computed and blended by the mask.

    Why not ``np.where`` (``_triangular_from_uniform``): on a random condition it costs ~3 ns an
    element here (branch mispredictions), more than the rest together; ``left·m + right·(1−m)``
    is exact (one term is 0) and branch-free.
    """
    u = uniform01(rng, math.prod(shape), dtype).reshape(shape)
    width = high - low
    mask = (u < dtype((mode - low) / width)).astype(dtype)
    left = u * dtype(width * (mode - low))
    np.sqrt(left, out=left)
    left += dtype(low)
    left *= mask
    right = np.subtract(dtype(1), u, out=u)
    right *= dtype(width * (high - mode))
    np.sqrt(right, out=right)
    np.subtract(dtype(high), right, out=right)
    np.subtract(dtype(1), mask, out=mask)
    right *= mask
    right += left
    return right


def sample(
    dist: Distribution, rng: np.random.Generator, shape: tuple[int, ...],
    dtype: type = np.float32,
) -> np.ndarray:
    """Draw an array of ``shape`` from ``dist``."""
    dist = canonical(dist)
    kind, p = dist.kind, dist.params
    if kind == "fixed":
        return np.full(shape, p[0], dtype=dtype)
    if kind == "uniform":
        u = uniform01(rng, math.prod(shape), dtype).reshape(shape)
        u *= dtype(p[1] - p[0])
        u += dtype(p[0])
        return u
    if kind == "triangular":
        return _triangular(rng, shape, dtype, *p)
    if kind == "lognormal":
        z = standard_normal(rng, shape, dtype)
        z *= dtype(p[1])
        np.exp(z, out=z)
        z *= dtype(p[0])
        return z
    if kind == "normal":
        return _truncated_normal(rng, shape, dtype, *p)
    if kind == "pert":
        low, mode, high = p[:3]
        lam = p[3] if len(p) == 4 else 4.0
        alpha = 1 + lam * (mode - low) / (high - low)
        beta = 1 + lam * (high - mode) / (high - low)
        return (low + rng.beta(alpha, beta, shape) * (high - low)).astype(dtype)
    raise ValueError(f"unknown distribution {kind!r}")


def _truncated_normal(rng: np.random.Generator, shape: tuple[int, ...], dtype: type,
                      mean: float, sd: float, low: float = -math.inf,
                      high: float = math.inf) -> np.ndarray:
    """Rejection while most of the normal lies inside the bounds (cheap, the usual case: a
    positivity bound many sd away); the inverse CDF on the kept share otherwise — rejection
    there would need many rounds, and float32 Box–Muller never reaches beyond 5.77 sd."""
    if math.isinf(low) and math.isinf(high):
        x = standard_normal(rng, shape, dtype)
        x *= dtype(sd)
        x += dtype(mean)
        return x
    a, b = (low - mean) / sd, (high - mean) / sd
    if _normal_mass(a, b) < 0.5:
        u = rng.random(math.prod(shape)).reshape(shape)
        return (mean + sd * _truncated_standard_ppf(u, a, b)).astype(dtype)
    x = standard_normal(rng, shape, dtype)
    x *= dtype(sd)
    x += dtype(mean)
    for _ in range(64):  # redraw the few values outside the bounds
        bad = (x <= low) | (x >= high)
        count = int(np.count_nonzero(bad))
        if not count:
            return x
        x[bad] = mean + sd * standard_normal(rng, (count,), dtype)
    bad = (x <= low) | (x >= high)  # (a chance of 2^-64 per value)
    x[bad] = mean + sd * _truncated_standard_ppf(rng.random(int(np.count_nonzero(bad))), a, b)
    return x


def inverse_cdf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """The values below which shares ``u`` (an array in [0, 1)) of draws fall, float64: how
    correlated draws get each input's own distribution from correlated uniforms."""
    dist = canonical(dist)
    kind, p = dist.kind, dist.params
    u = np.asarray(u, dtype=np.float64)
    if kind == "fixed":
        return np.full(u.shape, p[0])
    if kind == "uniform":
        return p[0] + u * (p[1] - p[0])
    if kind == "triangular":
        return _triangular_from_uniform(u, *p)
    if kind == "lognormal":
        return p[0] * np.exp(p[1] * _truncated_standard_ppf(u, -math.inf, math.inf))
    if kind == "normal":
        mean_, sd = p[0], p[1]
        low = p[2] if len(p) > 2 else -math.inf
        high = p[3] if len(p) > 3 else math.inf
        return mean_ + sd * _truncated_standard_ppf(u, (low - mean_) / sd, (high - mean_) / sd)
    if kind == "pert":
        return _pert_quantile(u, *p)
    raise ValueError(f"unknown distribution {kind!r}")


def from_normal_scores(dist: Distribution, z: np.ndarray) -> np.ndarray:
    """Values of ``dist`` at standard normal scores ``z`` (a Gaussian copula's draws), float64:
    normals and lognormals straight from the score, the rest through the inverse CDF."""
    dist = canonical(dist)
    kind, p = dist.kind, dist.params
    z = np.asarray(z, dtype=np.float64)
    if kind == "normal" and len(p) == 2:
        return p[0] + p[1] * z
    if kind == "lognormal":
        return p[0] * np.exp(p[1] * z)
    return inverse_cdf(dist, norm_cdf(z))


def quantile(dist: Distribution, q: float) -> float:
    """The value below which a share ``q`` of draws fall (used by the tornado)."""
    dist = canonical(dist)
    kind, p = dist.kind, dist.params
    if kind == "lognormal":
        return p[0] * math.exp(p[1] * NormalDist().inv_cdf(q))
    if kind == "normal" and len(p) == 2:
        return NormalDist(p[0], p[1]).inv_cdf(q)
    return float(inverse_cdf(dist, np.array([q]))[0])


def _pert_quantile(q: np.ndarray, low: float, mode: float, high: float,
                   lam: float = 4.0) -> np.ndarray:
    """Numerical inverse of the Beta CDF on a fine grid (no SciPy in the runtime)."""
    alpha = 1 + lam * (mode - low) / (high - low)
    beta = 1 + lam * (high - mode) / (high - low)
    x = np.linspace(0.0, 1.0, 20_001)
    with np.errstate(divide="ignore"):
        log_pdf = (alpha - 1) * np.log(x) + (beta - 1) * np.log1p(-x)
    pdf = np.exp(log_pdf - np.max(log_pdf[np.isfinite(log_pdf)]))
    pdf[~np.isfinite(pdf)] = 0.0
    cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)])
    cdf /= cdf[-1]
    return low + np.interp(q, cdf, x) * (high - low)


def mean(dist: Distribution) -> float:
    """The distribution's expectation (truncation ignored for normal)."""
    dist = canonical(dist)
    kind, p = dist.kind, dist.params
    if kind == "fixed":
        return p[0]
    if kind == "uniform":
        return (p[0] + p[1]) / 2
    if kind == "triangular":
        return sum(p) / 3
    if kind == "lognormal":
        return p[0] * math.exp(p[1] ** 2 / 2)
    if kind == "normal":
        return p[0]
    if kind == "pert":
        lam = p[3] if len(p) == 4 else 4.0
        return (p[0] + lam * p[1] + p[2]) / (lam + 2)
    raise ValueError(f"unknown distribution {kind!r}")
