"""Cross-check of the engine's Monte Carlo semantics against an independent plain-Python model.

The engine issue's reference model (``benchmarks/reference_model.py``) run through the full engine
(``run_monte_carlo``: scenario uncertainties, SHIFT_YEARS delays floored into periods, IT capex
booked with facility capex over the lead time, energy from the online year on) must agree with the
same model written as plain loops over Python's ``random`` (a different generator, so the two share
no draws). Timing is never asserted here; ``benchmarks/engine.py`` reports it.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.validation import validate

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = 4_000
PLAIN_SAMPLES = 2_000  # plain Python costs ~1 ms a sample; the tolerances allow for fewer


def _reference():
    if str(ROOT) not in sys.path:  # benchmarks/ is a folder, not an installed package
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.reference_model")


@pytest.fixture(scope="module")
def ref():
    return _reference()


@pytest.fixture(scope="module")
def engine_per_year(ref) -> np.ndarray:
    result = run_monte_carlo(ref.reference_atlas_model(), ref.SCENARIO, samples=SAMPLES,
                             seed=20_250_101)
    assert result.period_labels == [str(y) for y in ref.YEARS]
    return result.sample_series("total_spend_usd")


@pytest.fixture(scope="module")
def plain_per_year(ref) -> np.ndarray:
    return np.asarray(ref.plain_python_reference(PLAIN_SAMPLES, seed=7), dtype=np.float64)


def test_reference_model_is_valid(ref) -> None:
    model = ref.reference_atlas_model()
    assert validate(model) == []
    assert len(model.sites) == len(model.phases) == 500
    assert len(model.regions) == 3
    assert model.supply_lines == []


def test_engine_total_agrees_with_plain_python(ref, engine_per_year, plain_per_year) -> None:
    engine, plain = ref.summary(engine_per_year), ref.summary(plain_per_year)
    assert engine["samples"] == SAMPLES
    assert engine["p50"] == pytest.approx(plain["p50"], rel=0.03)
    assert engine["mean"] == pytest.approx(plain["mean"], rel=0.03)
    # "With planned years spread evenly the P50 of the 2025–2030 total comes to roughly $3 T".
    assert 2.5e12 <= engine["p50"] <= 3.5e12
    assert 2.5e12 <= plain["p50"] <= 3.5e12


def test_engine_per_year_means_agree_with_plain_python(engine_per_year, plain_per_year) -> None:
    """Year by year, so that compensating errors (capex a year early, energy a year late) show."""
    engine, plain = engine_per_year.mean(axis=0), plain_per_year.mean(axis=0)
    # Monte Carlo error of the difference of the two means, per year; 5 standard errors.
    se = np.sqrt(engine_per_year.var(axis=0) / len(engine_per_year)
                 + plain_per_year.var(axis=0) / len(plain_per_year))
    assert np.all(np.abs(engine - plain) < 5 * se + 1e-3 * plain), (engine, plain, se)


def test_expected_total_matches_closed_form(ref, engine_per_year) -> None:
    """The mean of the total follows from the distributions' means (all inputs independent)."""
    lognormal_mean = lambda median, sigma: median * np.exp(sigma**2 / 2)  # noqa: E731
    mw = lognormal_mean(200.0, 0.5)
    price = lognormal_mean(30_000.0, 0.3)
    capex = mw * ((8e6 + 11e6 + 15e6) / 3 + 700.0 * price)
    energy = mw * 1.25 * 8760.0 * 0.7 * 70.0
    p_slip = 1 / 3  # P(floor(triangular(0, 0.5, 2)) = 1) = (2 − 1)² / (2 × 1.5)
    expected = 0.0
    for planned in ref.PLANNED_YEAR:
        for slip, p in ((0, 1 - p_slip), (1, p_slip)):
            online = int(planned) + slip
            capex_years = sum(1 for y in (online - 2, online - 1) if 2025 <= y <= 2030)
            energy_years = max(0, 2030 - max(online, 2025) + 1)
            expected += p * (capex * capex_years / 2 + energy * energy_years)
    total = engine_per_year.sum(axis=1)
    se = total.std(ddof=1) / np.sqrt(total.size)
    assert abs(total.mean() - expected) < 5 * se, (total.mean(), expected, se)
