"""The kernel's inputs: per-phase, per-region and per-kind arrays derived from
(scenario-edited, possibly sampled) model arrays, in the kernel's dtype.

Phases are taken in region order when supply or caps constrain (regional sums become one
``np.add.reduceat``); index lookups that samples and scenarios share are cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from desktop_app.core.engine.arrays import KINDS, ModelArrays
from desktop_app.core.engine.metrics import PER_UNIT_STOCKS
from desktop_app.core.engine.scenario import effective


@dataclass(slots=True)
class KernelInputs:
    dtype: type
    n_periods: int
    period_years: float  # length of a period in years
    expected_mw: np.ndarray  # (S|1, P) capacity × completion probability
    demand_units: np.ndarray  # (S|1, P) accelerators the phase needs
    online_period: np.ndarray  # (S|1, P) int, may be < 0 (before base) or ≥ n_periods
    lead_periods: np.ndarray  # (S|1, P) int ≥ 1
    life_periods: np.ndarray  # (P,) int ≥ 1
    facility_capex_usd: np.ndarray  # (S|1, P) whole phase
    energy_mwh_per_mw: np.ndarray  # (T, S|1, P) per period online
    # Per-unit weights of the per-unit stocks (installed PFLOP/s, …): quantity → (S|1, A).
    per_unit_by_accelerator: dict[str, np.ndarray]
    price_by_accelerator: np.ndarray  # (T, S|1, A) unit price
    electricity_usd_per_mwh: np.ndarray  # (S|1, R, T)
    carbon_kg_per_mwh: np.ndarray  # (S|1, R, T)
    supply: np.ndarray  # (S|1, K, T) units of each kind per period; inf: no lines of that kind
    use_per_unit: np.ndarray  # (S|1, K, P) kind units one accelerator of the phase consumes
    cap_units: np.ndarray  # (S|1, R, T) per period; inf: uncapped
    priority: np.ndarray  # (R,)
    region_of_phase: np.ndarray  # (P,)
    accelerator_of_phase: np.ndarray  # (P,)
    membership: np.ndarray  # (P, R) one-hot
    it_capex_with_facility: bool
    replace_retired: bool
    # Phases come sorted by region (stable): the regions that have phases and where each one's
    # phases start, for ``np.add.reduceat``; None: reduce with ``membership``.
    regions_present: np.ndarray | None = None
    region_starts: np.ndarray | None = None
    _price_usd: np.ndarray | None = None
    _per_unit_of_phase: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def sample_count(self) -> int:
        """Samples any input carries (1: deterministic): every per-sample field counts, so a
        run whose only uncertainty is, say, the lead time still has one row per draw."""
        leading = (self.expected_mw, self.demand_units, self.online_period, self.lead_periods,
                   self.facility_capex_usd, *self.per_unit_by_accelerator.values(),
                   self.electricity_usd_per_mwh, self.carbon_kg_per_mwh, self.supply,
                   self.use_per_unit, self.cap_units)
        return max(max(a.shape[0] for a in leading), self.energy_mwh_per_mw.shape[1],
                   self.price_by_accelerator.shape[1])

    @property
    def price_usd(self) -> np.ndarray:
        """(T, S|1, P) unit price of each phase's accelerator (gathered when first needed: the
        fast path works per accelerator and never needs it)."""
        if self._price_usd is None:
            self._price_usd = np.take(self.price_by_accelerator, self.accelerator_of_phase,
                                      axis=2)
        return self._price_usd

    def per_unit_of_phase(self, quantity: str) -> np.ndarray:
        """(S|1, P) the weight of one accelerator of each phase in a per-unit stock (gathered
        when first needed: the fast path works per accelerator)."""
        found = self._per_unit_of_phase.get(quantity)
        if found is None:
            found = np.take(self.per_unit_by_accelerator[quantity], self.accelerator_of_phase,
                            axis=1)
            self._per_unit_of_phase[quantity] = found
        return found


def _weight(per_unit: np.ndarray, factor: float) -> np.ndarray:
    return per_unit if factor == 1.0 else per_unit * factor


def _per_sample(a: np.ndarray, base_ndim: int) -> np.ndarray:
    """Give a field without a samples axis a leading axis of 1."""
    return a[None, ...] if a.ndim == base_ndim else a


def _setting(arrays: ModelArrays, name: str, ndim: int) -> np.ndarray:
    """A setting as (S|1, 1, ...) so it broadcasts against per-sample arrays."""
    value = np.asarray(arrays.settings[name], dtype=np.float64).reshape(-1)
    return value.reshape((-1,) + (1,) * ndim)


def _round_half_up(x: np.ndarray) -> np.ndarray:
    """5.5 years → 6 periods and 4.5 → 5 (``np.rint`` rounds halves to even)."""
    return np.floor(x + 0.5)


def _growth(change: np.ndarray, period_years: float) -> np.ndarray:
    """Compound factor of a per-period rate series; the first period is the base (factor 1)."""
    step = (1.0 + change) ** period_years
    step[..., 0] = 1.0
    return np.cumprod(step, axis=-1)


def derive(arrays: ModelArrays, dtype: type = np.float64) -> KernelInputs:
    """Per-phase, per-region and per-kind inputs of the kernel from (edited) arrays."""
    periods = arrays.periods
    dt = periods.length_years
    t_count = periods.count
    region = arrays.tables["region"].fields
    acc = arrays.tables["accelerator"].fields
    site = arrays.tables["site"].fields
    phase = arrays.tables["phase"].fields
    supply: np.ndarray = _supply(arrays, dt).astype(dtype)
    # inf × 0 (a multiplied "uncapped") is NaN: read it as uncapped again.
    cap_units = _caster(dtype)(np.nan_to_num(
        _per_sample(region["supply_cap_units_per_year"], 2), nan=np.inf, posinf=np.inf) * dt)
    # When supply or caps constrain, phases are taken in region order (only regional sums
    # leave the kernel), so a sum by region is a contiguous ``reduceat``; ``order`` picks them
    # from the phase table. Unconstrained, the fast path buckets phases by region in any order,
    # and sorting every sampled array would be wasted.
    constrained = bool(np.isfinite(supply).any() or np.isfinite(cap_units).any())
    ps, order, pr, pa, membership, present, starts = _phase_indices(arrays, dtype,
                                                                    by_region=constrained)

    def by_order(a: np.ndarray) -> np.ndarray:
        return a if order is None else np.take(a, order, axis=-1)

    def of_site(a: np.ndarray) -> np.ndarray:
        """A per-site field (last axis) for each phase, in the kernel's dtype."""
        a = a.astype(dtype, copy=False)
        return a if ps is None else np.take(a, ps, axis=-1)

    # Per-(sample, phase) arrays stay in the kernel's dtype: float32 in Monte Carlo.
    expected_mw = (_per_sample(by_order(phase["capacity_mw"]), 1).astype(dtype, copy=False)
                   * of_site(_per_sample(site["completion_probability"], 1)))
    per_mw = of_site(_per_sample(effective(arrays, "site", "accelerators_per_mw"), 1))
    capex_per_mw = _per_sample(by_order(effective(arrays, "phase",
                                                  "facility_capex_usd_per_mw")), 1)
    # Online period, relative to the base year (small numbers: float32 resolves them to ~1e-6
    # of a year). The epsilon keeps a whole number computed a hair low on its own period.
    start = (by_order(phase["online_year"]) - periods.base_year
             + (by_order(phase["online_quarter"]) - 1) / 4)
    start = (_per_sample(start, 1).astype(dtype, copy=False)
             + _per_sample(by_order(phase["shift_years"]), 1).astype(dtype, copy=False))
    first: np.ndarray = (_per_sample(acc["first_year"], 1)[:, pa] - periods.base_year).astype(dtype)
    start = np.maximum(start, first, out=start if start.shape == np.broadcast_shapes(
        start.shape, first.shape) else None)
    if periods.per_year != 1:
        start *= dtype(periods.per_year)
    start += dtype(1e-9 if np.dtype(dtype) == np.float64 else 1e-5)
    online_period = np.floor(start, out=start).astype(np.intp)
    lead = np.maximum(1, _round_half_up(_per_sample(by_order(phase["lead_time_years"]), 1)
                                        * periods.per_year))
    life = np.maximum(1, _round_half_up(acc["service_life_years"] * periods.per_year))
    life = life.astype(np.intp)

    # Built directly in (T, S|1, P) and in the kernel's dtype: no float64 (S, P, T) temporaries.
    hours = _setting(arrays, "hours_per_year", 1)  # (S|1, 1)
    pue = of_site(_per_sample(effective(arrays, "site", "pue"), 1)) * (hours * dt).astype(dtype)
    util_site = np.moveaxis(_per_sample(site["utilisation"], 2), -1, 0)
    # The same every period (drawn utilisation is: draws are constant in time, and the edit
    # leaves a broadcast view): one (S|1, P) array broadcast over periods, not (T, S, P).
    if util_site.strides[0] == 0 or np.all(util_site == util_site[:1]):
        energy = of_site(util_site[:1]) * pue
        energy = np.broadcast_to(energy, (t_count, *energy.shape[1:]))
    else:
        energy = of_site(util_site) * pue[None]

    price = _per_sample(acc["unit_price_usd"], 2) * _growth(
        _per_sample(acc["price_change_per_year"], 2), dt)
    electricity = _per_sample(region["electricity_price_usd_per_mwh"], 2) * _growth(
        _per_sample(region["electricity_price_change_per_year"], 2), dt)

    use = np.stack(np.broadcast_arrays(1.0 / _per_sample(acc["units_per_packaging_wafer"], 1),
                                       1.0 / _per_sample(acc["units_per_logic_wafer"], 1),
                                       _per_sample(acc["hbm_gb"], 1)), axis=1)  # (S|1, K, A)
    n_regions = len(arrays.tables["region"].keys)
    cast = _caster(dtype)
    return KernelInputs(
        dtype=dtype, n_periods=t_count, period_years=dt,
        expected_mw=cast(expected_mw),
        demand_units=cast(expected_mw * per_mw),
        online_period=online_period,
        lead_periods=lead.astype(np.intp),
        life_periods=life[pa],
        facility_capex_usd=cast(expected_mw * capex_per_mw.astype(dtype, copy=False)),
        energy_mwh_per_mw=energy,
        per_unit_by_accelerator={
            quantity: cast(_weight(_per_sample(acc[name], 1), factor))
            for quantity, (name, factor) in PER_UNIT_STOCKS.items()},
        # Contiguous (T, S|1, A): gathers by phase on a moved axis are ~10× slower.
        price_by_accelerator=np.ascontiguousarray(np.moveaxis(price.astype(dtype), -1, 0)),
        electricity_usd_per_mwh=cast(electricity),
        carbon_kg_per_mwh=cast(_per_sample(region["grid_carbon_kg_per_mwh"], 2)),
        supply=supply,
        use_per_unit=np.take(use.astype(dtype), pa, axis=2),
        cap_units=cap_units,
        priority=region["allocation_priority"].reshape(-1)[:n_regions].astype(np.intp),
        region_of_phase=pr,
        accelerator_of_phase=pa,
        membership=membership,
        it_capex_with_facility=arrays.model.settings.it_capex_timing == "lead_time",
        replace_retired=bool(arrays.model.settings.replace_retired_accelerators),
        regions_present=present,
        region_starts=starts,
    )


_phase_index_cache: list = []  # [(key, result)], most recent last
_PHASE_INDEX_CACHE_SIZE = 4  # deterministic and Monte Carlo runs of a document or two


def _phase_indices(arrays: ModelArrays, dtype: type, by_region: bool = True) -> tuple:
    """The kernel's phase order and, in it, each phase's site, region and accelerator, the
    (P, R) one-hot membership, and the regions present with where their phases start
    (``order``, ``present`` and ``starts`` are None unless ``by_region``; the sites are None
    when phase ``i`` is on site ``i``).

    They depend only on the compiled index arrays, which scenarios and samples share (never
    edit), so results are reused while those very arrays (identity) come back.
    """
    ps: np.ndarray | None  # None below when phase i is on site i
    ps, sr, sa = arrays.phase_site, arrays.site_region, arrays.site_accelerator
    n_regions = len(arrays.tables["region"].keys)
    for key, result in reversed(_phase_index_cache):
        if key[0] is ps and key[1] is sr and key[2] is sa and key[3:] == (dtype, n_regions,
                                                                            by_region):
            return result
    pr = sr[ps]
    order = present = starts = None
    if by_region and len(ps) and pr.min() >= 0:
        order = np.argsort(pr, kind="stable")
        ps, pr = ps[order], pr[order]
        present = np.flatnonzero(np.bincount(pr, minlength=n_regions))
        starts = np.searchsorted(pr, present)
    pa = sa[ps]
    membership: np.ndarray = np.zeros((len(ps), n_regions), dtype=dtype)
    membership[np.arange(len(ps)), pr] = 1.0
    if len(ps) == len(sr) and np.array_equal(ps, np.arange(len(ps))):
        ps = None  # phase i is on site i (one phase per site): nothing to gather
    for a in (ps, order, pr, pa, membership, present, starts):
        if a is not None:
            a.flags.writeable = False
    result = (ps, order, pr, pa, membership, present, starts)
    key = (arrays.phase_site, sr, sa, dtype, n_regions, by_region)
    _phase_index_cache[:] = [*_phase_index_cache[-(_PHASE_INDEX_CACHE_SIZE - 1):],
                             (key, result)]
    return result


def _caster(dtype: type) -> Callable[[np.ndarray], np.ndarray]:
    def cast(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a, dtype=dtype)
    return cast


def _supply(arrays: ModelArrays, dt: float) -> np.ndarray:
    """(S|1, K, T) units of each kind the modelled sites can get per period."""
    lines = arrays.tables["supply_line"].fields
    usable = (_per_sample(lines["capacity_by_year"], 2) * _per_sample(lines["ai_share"], 2)
              * _per_sample(lines["yield_fraction"], 2))
    share = _setting(arrays, "supply_share_to_model", 2)
    kinds = np.zeros((len(arrays.line_kind), len(KINDS)))
    kinds[np.arange(len(arrays.line_kind)), arrays.line_kind] = 1.0
    per_kind = np.einsum("slt,lk->skt", usable, kinds) * share * dt
    has_lines = kinds.sum(axis=0) > 0
    return np.where(has_lines[None, :, None], per_kind, np.inf)
