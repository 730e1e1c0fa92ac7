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
    Distribution("normal", (0.0, 1.0, 2.0, 3.0)),  # mostly outside: the inverse CDF
    Distribution("normal", (0.0, 1.0, 5.0, 6.0)),  # beyond float32 Box–Muller's reach
    Distribution("normal", (10.0, 2.0, -10.0, -8.0)),  # far in the lower tail
    Distribution("normal", (0.0, 1.0, 4.0)),  # one-sided, far in the upper tail
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


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))  # NormalDist.cdf rounds Φ(−9) to 0


def _truncated_reference(q: float, a: float, b: float) -> float:
    """Inverse CDF of a standard normal truncated to [a, b] (NormalDist.inv_cdf, mirrored in
    the upper tail)."""
    if a > 0:
        return -_truncated_reference(1 - q, -b, -a)
    lo, hi = _phi(a), _phi(b) if math.isfinite(b) else 1.0
    return NormalDist().inv_cdf(lo + q * (hi - lo))


@pytest.mark.parametrize(("a", "b"), [(2, 3), (5, 6), (9, 10), (-10, -9), (4, math.inf),
                                      (-math.inf, -7), (-0.5, 1.5)])
def test_truncated_normal_quantiles_match_the_exact_inverse(a: float, b: float) -> None:
    dist = Distribution("normal", (3.0, 2.0, 3.0 + 2 * a, 3.0 + 2 * b) if math.isfinite(b)
                        else (3.0, 2.0, 3.0 + 2 * a))
    if not math.isfinite(a):
        dist = Distribution("normal", (3.0, 2.0, -1e300, 3.0 + 2 * b))
    for q in (0.001, 0.1, 0.5, 0.9, 0.999):
        expected = 3.0 + 2 * _truncated_reference(q, max(a, -1e299), b)
        assert distributions.quantile(dist, q) == pytest.approx(expected, rel=1e-7, abs=1e-7)


@pytest.mark.parametrize(("a", "b"), [(2, 3), (5, 6), (9, 10), (-10, -9)])
def test_truncated_normal_draws_have_the_exact_mean_and_stay_inside(a: float, b: float) -> None:
    """Mean of N(0, 1) truncated to [a, b]: (φ(a) − φ(b)) / (Φ(b) − Φ(a)) — an independent check
    of the sampler (it once piled 61–100 % of such draws on the lower bound)."""
    nd = NormalDist()
    mass = (_phi(b) - _phi(a)) if a <= 0 else (_phi(-a) - _phi(-b))
    exact = (nd.pdf(a) - nd.pdf(b)) / mass
    rng = np.random.Generator(np.random.PCG64(21))
    for dtype in (np.float32, np.float64):
        x = distributions.sample(Distribution("normal", (0.0, 1.0, a, b)), rng, (100_000,),
                                 dtype).astype(np.float64)
        assert x.min() >= a and x.max() <= b
        assert np.mean(x == a) < 1e-3
        assert abs(x.mean() - exact) < 6 * x.std() / math.sqrt(x.size) + 1e-6


def test_norm_ppf_matches_the_exact_inverse_into_both_tails() -> None:
    nd = NormalDist()
    p = np.concatenate([10.0 ** -np.arange(1, 300, 7.0), np.linspace(0.001, 0.999, 101),
                        1 - 10.0 ** -np.arange(1, 16, 1.0)])
    exact = np.array([nd.inv_cdf(x) for x in p])
    np.testing.assert_allclose(distributions.norm_ppf(p), exact, rtol=2e-9, atol=1e-12)
    z = np.linspace(-5, 5, 21)
    np.testing.assert_allclose(distributions.norm_cdf(z), [nd.cdf(x) for x in z], rtol=1e-9)
    tails = 10.0 ** -np.arange(2, 300, 9.0)  # round trip far into the lower tail: a 1e-9
    np.testing.assert_allclose(distributions.norm_cdf(distributions.norm_ppf(tails)), tails,
                               rtol=3e-6)  # relative error in z is ~|z|² × 1e-9 in p


def test_a_truncation_that_keeps_almost_nothing_is_a_problem() -> None:
    assert distributions.problems(Distribution("normal", (0.0, 1.0, 9.0, 10.0))) == []
    assert distributions.problems(Distribution("normal", (0.0, 1.0, 40.0, 41.0)))
    assert distributions.problems(Distribution("normal", (0.0, 1.0, 40.0)))
