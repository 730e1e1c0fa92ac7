"""Sampling draws what each distribution says: quantiles, means, bounds, dtype and shape.

Sample quantiles of 200,000 draws are compared with ``distributions.quantile`` (the tornado's
inverse CDF) within a few standard errors of a sample quantile, so a wrong scale, a wrong branch of
the triangular inverse or a broken normal generator fails.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from desktop_app.core import distributions
from desktop_app.core.model import Distribution

DRAWS = 200_000
QS = (0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98)

CASES = [
    Distribution("uniform", (1.1, 1.4)),
    Distribution("triangular", (0.0, 0.5, 2.0)),
    Distribution("triangular", (8e6, 15e6, 15e6)),  # mode at the top
    Distribution("triangular", (-2.0, -2.0, 1.0)),  # mode at the bottom
    Distribution("normal", (700.0, 70.0)),
    Distribution("normal", (700.0, 70.0, 650.0)),  # truncated below
    Distribution("normal", (0.0, 1.0, -0.5, 1.5)),  # truncated both sides
    Distribution("lognormal", (200.0, 0.5)),
    Distribution("lognormal90", (20_000.0, 45_000.0)),
    Distribution("normal90", (-3.0, 5.0)),
    Distribution("pert", (1.0, 2.0, 6.0)),
]


def _quantile_tolerance(dist: Distribution, q: float) -> float:
    """Six standard errors of the sample quantile, sqrt(q(1-q)/n)/pdf, from a finite difference."""
    h = 1e-3
    density = 2 * h / (distributions.quantile(dist, q + h) - distributions.quantile(dist, q - h))
    return 6 * math.sqrt(q * (1 - q) / DRAWS) / density


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dist", CASES, ids=lambda d: f"{d.kind}{d.params}")
def test_sample_quantiles_match_the_inverse_cdf(dist: Distribution, dtype: type) -> None:
    rng = np.random.Generator(np.random.PCG64(12345))
    draws = distributions.sample(dist, rng, (400, DRAWS // 400), dtype)
    assert draws.shape == (400, DRAWS // 400) and draws.dtype == dtype
    assert np.isfinite(draws).all()
    values = draws.astype(np.float64).ravel()
    for q in QS:
        expected = distributions.quantile(dist, q)
        got = float(np.quantile(values, q))
        assert abs(got - expected) <= _quantile_tolerance(dist, q) + 1e-6 * abs(expected), (
            f"{dist}: P{q * 100:g} drawn {got}, inverse CDF {expected}")


@pytest.mark.parametrize("dist", [d for d in CASES if d.kind != "normal" or len(d.params) == 2],
                         ids=lambda d: f"{d.kind}{d.params}")
def test_sample_mean_matches_the_distribution_mean(dist: Distribution) -> None:
    rng = np.random.Generator(np.random.PCG64(7))
    values = distributions.sample(dist, rng, (DRAWS,), np.float64)
    sd = float(values.std())
    assert abs(float(values.mean()) - distributions.mean(dist)) <= 6 * sd / math.sqrt(DRAWS)


def test_truncated_normal_respects_its_bounds() -> None:
    rng = np.random.Generator(np.random.PCG64(3))
    values = distributions.sample(Distribution("normal", (0.0, 1.0, -0.2, 0.3)), rng, (50_000,))
    assert values.min() > -0.2 and values.max() < 0.3


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standard_normal_moments_tails_and_independence_of_the_pair(dtype: type) -> None:
    """Box–Muller gives its normals in (cos, sin) pairs: both halves are standard normal and
    uncorrelated with each other; odd counts and any shape work."""
    rng = np.random.Generator(np.random.PCG64(11))
    odd = distributions.standard_normal(rng, (101, 99), dtype)
    assert odd.shape == (101, 99) and odd.dtype == dtype and np.isfinite(odd).all()
    z = distributions.standard_normal(rng, (1000, 999), dtype).astype(np.float64)
    flat = z.ravel()  # an even count: the first half pairs element by element with the second
    assert abs(flat.mean()) < 6 / math.sqrt(flat.size)
    assert abs(flat.var() - 1) < 6 * math.sqrt(2 / flat.size)
    assert abs(np.mean(flat**4) - 3) < 0.05  # kurtosis of a normal
    half = flat.size // 2
    assert abs(np.corrcoef(flat[:half], flat[half:2 * half])[0, 1]) < 6 / math.sqrt(half)
    beyond = np.mean(np.abs(flat) > 3)
    assert abs(beyond - 2 * (1 - NormalDist().cdf(3))) < 6 * math.sqrt(0.0027 / flat.size)


def test_same_generator_state_gives_the_same_draws() -> None:
    dist = Distribution("lognormal", (200.0, 0.5))
    first = distributions.sample(dist, np.random.Generator(np.random.PCG64(5)), (64, 10))
    again = distributions.sample(dist, np.random.Generator(np.random.PCG64(5)), (64, 10))
    other = distributions.sample(dist, np.random.Generator(np.random.PCG64(6)), (64, 10))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.SFC64, np.random.MT19937])
def test_float32_uniforms_cover_zero_to_one_whatever_the_bit_generator(bit_generator) -> None:
    rng = np.random.Generator(bit_generator(9))
    for count in (0, 1, 7):
        assert distributions.uniform01(rng, count).shape == (count,)
    u = distributions.uniform01(rng, 100_001).astype(np.float64)
    assert u.min() >= 0 and u.max() < 1
    assert np.mean(u == 0) < 1e-4  # 32-bit raw words read as 64 would make half of them 0
    assert abs(u.mean() - 0.5) < 6 * math.sqrt(1 / 12 / u.size)
    assert np.array_equal(distributions.uniform01(np.random.Generator(np.random.PCG64(4)), 9),
                          np.random.Generator(np.random.PCG64(4)).random(9, dtype=np.float32))
