"""The reference Monte Carlo model of the engine issue, written three ways.

1. ``reference_atlas_model()``: a Compute Atlas ``Model`` whose "Reference" scenario carries the
   uncertainties, run through the full engine (``run_monte_carlo``).
2. ``squigglepy_reference(n, seed)``: the same model written idiomatically in squigglepy.
3. ``plain_python_reference(n, seed)``: the same model in plain Python loops and ``random``.

The model (supply unconstrained): 500 sites in 3 regions, each site's planned online year fixed,
spread evenly over 2025–2030 (site ``i`` → ``2025 + i % 6``). Per sample and site: capacity MW ~
lognormal(median 200, σ 0.5); delay years ~ triangular(0, 0.5, 2), online year = planned +
floor(delay); facility capex USD/MW ~ triangular(8e6, 11e6, 15e6); accelerators per MW ~
normal(700, 70) truncated > 0; PUE ~ uniform(1.1, 1.4). Per sample: accelerator price ~
lognormal(median 30,000 USD, σ 0.3). Per sample and region: electricity ~ normal(70, 10) USD/MWh.
Utilisation 0.7. Capex (MW × (facility USD/MW + accelerators/MW × price)) is spent half in each
of the two years before the online year; energy opex (MW × PUE × 8,760 h × 0.7 × price) every year
from the online year on. Output: total spend per year 2025–2030, per sample.

squigglepy and the plain-Python loops are the issue's peers (dev-only dependencies): squigglepy is
imported inside its function so this module imports without it.
"""

from __future__ import annotations

import math
import random

import numpy as np

from desktop_app.core.model import (
    Accelerator,
    Distribution,
    ITCapexTiming,
    Model,
    Operation,
    PeriodKind,
    Phase,
    Region,
    Scenario,
    Settings,
    Site,
    SiteStatus,
    Uncertainty,
)

SCENARIO = "Reference"
N_SITES = 500
REGIONS = ("R1", "R2", "R3")
FIRST_YEAR, LAST_YEAR = 2025, 2030
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
LEAD_YEARS = 2  # capex: half in each of the two years before the online year
UTILISATION = 0.7
HOURS_PER_YEAR = 8760.0

# Planned online year of site i: spread evenly over 2025–2030.
PLANNED_YEAR = np.array([FIRST_YEAR + i % len(YEARS) for i in range(N_SITES)], dtype=np.int64)
# Region of site i: blocks of six consecutive sites, so every region gets every planned year.
SITE_REGION = np.array([(i // len(YEARS)) % len(REGIONS) for i in range(N_SITES)], dtype=np.int64)

# The distributions, in the engine's parameterisation (core.distributions).
CAPACITY_MW = Distribution("lognormal", (200.0, 0.5))  # (median, sigma)
DELAY_YEARS = Distribution("triangular", (0.0, 0.5, 2.0))  # (low, mode, high)
FACILITY_USD_PER_MW = Distribution("triangular", (8e6, 11e6, 15e6))
ACCELERATORS_PER_MW = Distribution("normal", (700.0, 70.0, 0.0))  # (mean, sd, low): > 0
PUE = Distribution("uniform", (1.1, 1.4))
PRICE_USD = Distribution("lognormal", (30_000.0, 0.3))
ELECTRICITY_USD_PER_MWH = Distribution("normal", (70.0, 10.0))


# --- 1. The Compute Atlas model -------------------------------------------------------------

def reference_atlas_model() -> Model:
    """The reference model as a document; its scenario ``"Reference"`` holds the uncertainties.

    The base values (200 MW, 11 M USD/MW, 700 per MW, PUE 1.25, 30,000 USD, 70 USD/MWh) are the
    distributions' centres; every one of them is replaced by a draw in the Monte Carlo run.
    """
    settings = Settings(
        title="Reference model (engine issue)",
        base_year=FIRST_YEAR,
        horizon_year=LAST_YEAR,
        period=PeriodKind.YEAR,
        currency_year=FIRST_YEAR,
        mc_samples=10_000,
        mc_seed=20_250_101,
        it_capex_timing=ITCapexTiming.LEAD_TIME,  # IT capex spent with the facility capex
        replace_retired_accelerators=False,
        hours_per_year=HOURS_PER_YEAR,
    )
    regions = [Region(code=code, name=f"Region {code}", electricity_price_usd_per_mwh=70.0,
                      default_pue=1.25) for code in REGIONS]
    # Long-lived and available before 2025, so nothing retires and no online year is pushed.
    accelerator = Accelerator(name="GPU", vendor="Reference", first_year=2020,
                              unit_price_usd=30_000.0, power_kw=1000.0 / 700.0,
                              service_life_years=20.0)
    sites, phases = [], []
    for i in range(N_SITES):
        name = f"Site {i:03d}"
        sites.append(Site(name=name, region=REGIONS[SITE_REGION[i]],
                          status=SiteStatus.ANNOUNCED, accelerator=accelerator.name, pue=1.25,
                          utilisation=UTILISATION, completion_probability=1.0,
                          accelerators_per_mw=700.0))
        phases.append(Phase(site=name, name="Phase 1", capacity_mw=200.0,
                            online_year=int(PLANNED_YEAR[i]), online_quarter=1,
                            facility_capex_usd_per_mw=11e6, lead_time_years=float(LEAD_YEARS)))
    put = Operation.SET
    uncertainties = [
        Uncertainty("Capacity", "phase:*", "capacity_mw", CAPACITY_MW, put, per_entity=True),
        Uncertainty("Delay", "phase:*", "online_year", DELAY_YEARS, Operation.SHIFT_YEARS,
                    per_entity=True),
        Uncertainty("Facility capex", "phase:*", "facility_capex_usd_per_mw",
                    FACILITY_USD_PER_MW, put, per_entity=True),
        Uncertainty("Accelerators per MW", "site:*", "accelerators_per_mw", ACCELERATORS_PER_MW,
                    put, per_entity=True),
        Uncertainty("PUE", "site:*", "pue", PUE, put, per_entity=True),
        Uncertainty("Accelerator price", "accelerator:*", "unit_price_usd", PRICE_USD, put,
                    per_entity=False),
        Uncertainty("Electricity price", "region:*", "electricity_price_usd_per_mwh",
                    ELECTRICITY_USD_PER_MWH, put, per_entity=True),
    ]
    scenario = Scenario(name=SCENARIO, description="The engine issue's reference Monte Carlo "
                        "model: supply unconstrained, every site uncertain.",
                        uncertainties=uncertainties)
    return Model(settings=settings, regions=regions, accelerators=[accelerator], sites=sites,
                 phases=phases, supply_lines=[], scenarios=[scenario])


def engine_reference(n: int, seed: int) -> np.ndarray:
    """(n, 6) total spend per year 2025–2030 from the full engine (``run_monte_carlo``)."""
    from desktop_app.core.engine.montecarlo import run_monte_carlo

    result = run_monte_carlo(reference_atlas_model(), SCENARIO, samples=n, seed=seed)
    keep = (result.period_years >= FIRST_YEAR) & (result.period_years <= LAST_YEAR)
    return result.sample_series("total_spend_usd")[:, keep]


# --- 2. squigglepy ---------------------------------------------------------------------------

def squigglepy_reference(n: int, seed: int) -> np.ndarray:
    """(n, 6) total spend per year 2025–2030, written idiomatically in squigglepy.

    Which way and why: squigglepy re-draws a distribution every time an expression references it
    (``(x - x) @ 5`` is not zero), and this model uses each site's capacity twice (capex and
    energy) and its online year for both capex and energy; so distribution arithmetic
    (``capacity * (...)`` on ``sq`` objects) would silently decorrelate them. The documented,
    correct idiom is a model function sampled with ``sq.sample(model, n)``: squigglepy calls it
    once per sample. Inside it each distribution is drawn once per sample as a vector over the
    500 sites with ``sq.sample(dist, 500)`` (not ``~dist`` per site, which is ~500× more calls),
    and the per-sample arithmetic is NumPy on those vectors — the fastest correct form of the
    model-function idiom. (``squigglepy_vectorised_reference`` below draws whole
    samples×sites arrays instead; it is squigglepy used as a random-number generator for a
    hand-written NumPy model, shown for comparison.)

    The truncation of accelerators per MW at 0 is squigglepy's ``lclip`` (a clip, not a
    truncation); at 10 sd below the mean the two cannot differ.
    """
    import squigglepy as sq

    sq.set_seed(seed)
    capacity = sq.lognorm(norm_mean=math.log(200.0), norm_sd=0.5)
    delay = sq.triangular(0.0, 0.5, 2.0)
    facility = sq.triangular(8e6, 11e6, 15e6)
    per_mw = sq.norm(mean=700.0, sd=70.0, lclip=0.0)
    pue = sq.uniform(1.1, 1.4)
    price = sq.lognorm(norm_mean=math.log(30_000.0), norm_sd=0.3)
    electricity = sq.norm(mean=70.0, sd=10.0)
    sites, regions = N_SITES, len(REGIONS)
    years = np.array(YEARS)

    def model() -> np.ndarray:
        mw = sq.sample(capacity, sites)
        online = PLANNED_YEAR + np.floor(sq.sample(delay, sites)).astype(np.int64)
        unit_price = sq.sample(price)
        capex = mw * (sq.sample(facility, sites) + sq.sample(per_mw, sites) * unit_price)
        mwh_price = np.asarray(sq.sample(electricity, regions))[SITE_REGION]
        energy = mw * sq.sample(pue, sites) * HOURS_PER_YEAR * UTILISATION * mwh_price
        # (6, 500) masks: building in the two years before online; running from online on.
        building = (years[:, None] >= online - LEAD_YEARS) & (years[:, None] < online)
        running = years[:, None] >= online
        return building @ (capex / LEAD_YEARS) + running @ energy

    return np.asarray(sq.sample(model, n), dtype=np.float64).reshape(n, len(YEARS))


def squigglepy_vectorised_reference(n: int, seed: int) -> np.ndarray:
    """(n, 6) like ``squigglepy_reference`` but every distribution drawn once as (n, 500).

    Not the squigglepy idiom: squigglepy only supplies the random numbers and the model is
    hand-vectorised NumPy (float64, years bucketed with ``np.bincount``). Shown to separate
    squigglepy's per-call overhead from the cost of the arithmetic.
    """
    import squigglepy as sq

    sq.set_seed(seed)
    shape = (n, N_SITES)
    count = n * N_SITES

    def draw(dist: object, size: int = count) -> np.ndarray:
        return np.asarray(sq.sample(dist, size), dtype=np.float64)

    mw = draw(sq.lognorm(norm_mean=math.log(200.0), norm_sd=0.5)).reshape(shape)
    delay = draw(sq.triangular(0.0, 0.5, 2.0)).reshape(shape)
    facility = draw(sq.triangular(8e6, 11e6, 15e6)).reshape(shape)
    per_mw = draw(sq.norm(mean=700.0, sd=70.0, lclip=0.0)).reshape(shape)
    pue = draw(sq.uniform(1.1, 1.4)).reshape(shape)
    price = draw(sq.lognorm(norm_mean=math.log(30_000.0), norm_sd=0.3), n)
    mwh_price = draw(sq.norm(mean=70.0, sd=10.0), n * len(REGIONS)).reshape(n, len(REGIONS))

    online = PLANNED_YEAR + np.floor(delay).astype(np.int64) - FIRST_YEAR  # period index
    half_capex = mw * (facility + per_mw * price[:, None]) / LEAD_YEARS
    energy = mw * pue * (HOURS_PER_YEAR * UTILISATION) * mwh_price[:, SITE_REGION]
    t_count = len(YEARS)
    # Bucket into (sample, period) cells; periods outside 0..5 go to two spill columns.
    width = t_count + 2
    row = np.arange(n)[:, None] * width
    out = np.zeros(n * width)
    for lag in range(1, LEAD_YEARS + 1):
        t = np.clip(online - lag, -1, t_count) + 1
        out += np.bincount((row + t).ravel(), half_capex.ravel(), n * width)
    # Energy runs from the online period to the end: add at the start, cumulate over periods.
    t = np.clip(online, -1, t_count) + 1
    starts = np.bincount((row + t).ravel(), energy.ravel(), n * width).reshape(n, width)
    out = out.reshape(n, width)
    running = np.cumsum(starts, axis=1)
    return out[:, 1:-1] + running[:, 1:-1]


# --- 3. Plain Python -------------------------------------------------------------------------

def _truncated_gauss(rng: random.Random, mean: float, sd: float, low: float) -> float:
    while True:
        x = rng.gauss(mean, sd)
        if x > low:
            return x


def plain_python_reference(n: int, seed: int) -> list[list[float]]:
    """Per sample, the total spend in each year 2025–2030: plain loops and ``random``."""
    rng = random.Random(seed)
    planned = [int(y) for y in PLANNED_YEAR]
    region_of = [int(r) for r in SITE_REGION]
    mu_capacity, mu_price = math.log(200.0), math.log(30_000.0)
    t_count = len(YEARS)
    out = []
    for _ in range(n):
        price = rng.lognormvariate(mu_price, 0.3)
        mwh_price = [rng.gauss(70.0, 10.0) for _ in REGIONS]
        totals = [0.0] * t_count
        for i in range(N_SITES):
            mw = rng.lognormvariate(mu_capacity, 0.5)
            delay = rng.triangular(0.0, 2.0, 0.5)  # random.triangular(low, high, mode)
            facility = rng.triangular(8e6, 15e6, 11e6)
            per_mw = _truncated_gauss(rng, 700.0, 70.0, 0.0)
            pue = rng.uniform(1.1, 1.4)
            online = planned[i] + math.floor(delay) - FIRST_YEAR  # period index
            half_capex = mw * (facility + per_mw * price) / LEAD_YEARS
            for t in range(online - LEAD_YEARS, online):
                if 0 <= t < t_count:
                    totals[t] += half_capex
            energy = mw * pue * HOURS_PER_YEAR * UTILISATION * mwh_price[region_of[i]]
            for t in range(max(0, online), t_count):
                totals[t] += energy
        out.append(totals)
    return out


def summary(per_year: np.ndarray | list[list[float]]) -> dict[str, float]:
    """P10/P50/P90 and mean of the 2025–2030 total (USD) of (samples, years) per-year spend."""
    total = np.asarray(per_year, dtype=np.float64).sum(axis=1)
    p10, p50, p90 = np.percentile(total, [10, 50, 90])
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90), "mean": float(total.mean()),
            "samples": int(total.size)}


def main() -> None:  # pragma: no cover - a quick look: python -m benchmarks.reference_model
    from desktop_app.core.validation import validate

    print("validation problems:", validate(reference_atlas_model()))
    for name, values in (("engine", engine_reference(2000, 1)),
                         ("squigglepy", squigglepy_reference(2000, 2)),
                         ("squigglepy vectorised", squigglepy_vectorised_reference(2000, 3)),
                         ("plain python", plain_python_reference(500, 4))):
        s = summary(values)
        print(f"{name:>22}: P10 {s['p10'] / 1e12:.3f}  P50 {s['p50'] / 1e12:.3f}  "
              f"P90 {s['p90'] / 1e12:.3f}  mean {s['mean'] / 1e12:.3f} T USD "
              f"({s['samples']} samples)")


if __name__ == "__main__":
    main()
