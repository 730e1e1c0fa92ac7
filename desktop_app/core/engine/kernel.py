"""The projection kernel (DESIGN §3): demand, supply, allocation, money and energy per period.

Every per-phase array is ``(samples, phases)`` where ``samples`` is 1 for a deterministic run;
the only Python loop is over periods, because a period's backlog feeds the next one. Phases are
aggregated into regions by one matrix product with a phase→region membership matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop_app.core.engine import unconstrained
from desktop_app.core.engine.arrays import KINDS, ModelArrays
from desktop_app.core.engine.result import METRIC_INDEX, METRICS, NO_BOTTLENECK
from desktop_app.core.engine.scenario import effective

FAST_PATH = True  # tests switch it off to hold the bucketed path equal to the general one

# Order of the per-phase quantities aggregated by region in one matrix product.
_PHASE_QUANTITIES = ("planned_mw", "online_mw", "accelerators_demanded",
                     "accelerators_delivered", "accelerators_installed", "installed_pflops",
                     "backlog", "facility_capex_usd", "it_capex_usd", "energy_mwh")


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
    pflops_by_accelerator: np.ndarray  # (S|1, A)
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
    _pflops_per_unit: np.ndarray | None = None

    @property
    def sample_count(self) -> int:
        """Samples any input carries (1: deterministic): every per-sample field counts, so a
        run whose only uncertainty is, say, the lead time still has one row per draw."""
        leading = (self.expected_mw, self.demand_units, self.online_period, self.lead_periods,
                   self.facility_capex_usd, self.pflops_by_accelerator,
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

    @property
    def pflops_per_unit(self) -> np.ndarray:
        """(S|1, P) dense PFLOPS of one accelerator of each phase."""
        if self._pflops_per_unit is None:
            self._pflops_per_unit = np.take(self.pflops_by_accelerator,
                                            self.accelerator_of_phase, axis=1)
        return self._pflops_per_unit


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
    supply = _supply(arrays, dt).astype(dtype)
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
    first = (_per_sample(acc["first_year"], 1)[:, pa] - periods.base_year).astype(dtype)
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
        pflops_by_accelerator=cast(_per_sample(acc["pflops_dense"], 1)),
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
    membership = np.zeros((len(ps), n_regions), dtype=dtype)
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


def _caster(dtype: type):
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


def fast_path_bytes(arrays: ModelArrays, uncertainties: list) -> int | None:
    """Bytes per sample the unconstrained fast path needs when every sample of a Monte Carlo run
    of ``arrays`` takes it, so its chunks can be sized for it; None when some sample may not.

    Every sample takes it when the scenario's own inputs qualify and no uncertainty can change
    that: draws are constant in time, and multiplying or adding to an uncapped region leaves it
    uncapped, so only setting a region cap could.
    """
    if not FAST_PATH or any(u.field == "supply_cap_units_per_year" and u.operation == "set"
                            for u in uncertainties):
        return None
    inputs = derive(arrays)
    return unconstrained.bytes_per_sample(inputs) if unconstrained.applies(inputs) else None


def run(inp: KernelInputs) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Project; returns values (S, metric, T, R), bottleneck (S, T), supply and requests (S, T)."""
    samples = inp.sample_count
    if FAST_PATH and unconstrained.applies(inp):
        return unconstrained.run(inp, samples)
    n_phases = inp.demand_units.shape[1]
    t_count = inp.n_periods
    dtype = inp.dtype
    demand = np.broadcast_to(inp.demand_units, (samples, n_phases))
    online = np.broadcast_to(inp.online_period, (samples, n_phases))

    delivered = np.zeros((t_count, samples, n_phases), dtype=dtype)
    backlog = np.zeros_like(delivered)
    requested = np.zeros_like(delivered)
    initial, retired = _initial_fleet(inp, demand, online, samples)
    bottleneck = np.full((samples, t_count), NO_BOTTLENECK, dtype=np.int8)
    deliverable = np.full((samples, t_count), np.inf)
    total_request = np.zeros((samples, t_count))
    allocate = _Allocator(inp, samples)
    lives = [(life, np.flatnonzero(inp.life_periods == life))  # lives are ≥ 1: no sort needed
             for life in np.flatnonzero(np.bincount(inp.life_periods))]

    waiting = np.zeros((samples, n_phases), dtype=dtype)
    for t in range(t_count):
        request = np.where(online == t, demand, 0.0).astype(dtype, copy=False)
        request += waiting
        if inp.replace_retired:
            request += retired[t]
        requested[t] = request
        got, bottleneck[:, t], deliverable[:, t] = allocate(request, t)
        delivered[t] = got
        waiting = request - got
        backlog[t] = waiting
        total_request[:, t] = request.sum(axis=1)
        for life, phases in lives:
            if t + life < t_count:
                retired[t + life][:, phases] += got[:, phases]
    values = _aggregate(inp, demand, online, initial, delivered, backlog, requested, retired,
                        samples)
    return values, bottleneck, deliverable, total_request


def _initial_fleet(inp: KernelInputs, demand: np.ndarray, online: np.ndarray,
                   samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Units installed before the base period, and their retirements (T, S, P) in the window.

    Without replacement a cohort whose life ended before the base is gone; with replacement
    the fleet has been renewed every ``life`` periods, so its next renewal falls in
    ``0 .. life - 1``.
    """
    retired = np.zeros((inp.n_periods, samples, demand.shape[1]), dtype=inp.dtype)
    before = online < 0
    life = inp.life_periods[None, :]
    if inp.replace_retired:
        when = online + life * -(online // life)
    else:
        when = online + life
        before = before & (when >= 0)
    initial = np.where(before, demand, 0.0)
    if before.any():
        for t in range(inp.n_periods):
            retired[t] += np.where(before & (when == t), demand, 0.0)
    return initial, retired


class _Allocator:
    """Shares each period's supply across phases: region caps, then priority tiers pro rata."""

    def __init__(self, inp: KernelInputs, samples: int) -> None:
        self.inp = inp
        self.capped = bool(np.isfinite(inp.cap_units).any())
        self.constrained = bool(np.isfinite(inp.supply).any())
        tiers = sorted(set(inp.priority.tolist()), reverse=True)
        self.tiers = [np.flatnonzero(inp.priority[inp.region_of_phase] == p) for p in tiers]
        self.samples = samples
        # One sample, one set of uses, phases sorted by region: a tier is a set of regions, so
        # the kind needs of every region are one ``reduceat`` and a tier's are a sum of those;
        # a tier's delivery is the request times its tier's fraction (same arithmetic).
        self.by_region = (samples == 1 and inp.use_per_unit.shape[0] == 1 and len(self.tiers) > 1
                          and inp.region_starts is not None)
        if self.by_region:
            tier_index = {p: i for i, p in enumerate(tiers)}
            tier_of_region = np.array([tier_index[p] for p in
                                       inp.priority[inp.regions_present].tolist()], np.intp)
            self.tier_regions = [tier_of_region == i for i in range(len(tiers))]
            self.tier_of_region = tier_of_region
            self.region_counts = np.diff(np.append(inp.region_starts, len(inp.region_of_phase)))
            self.tier_use = []
        else:
            self.tier_use = [np.ascontiguousarray(inp.use_per_unit[:, :, tier])
                             for tier in self.tiers]

    def __call__(self, request: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        inp = self.inp
        none = np.full(self.samples, NO_BOTTLENECK, dtype=np.int8)
        if self.capped:
            by_region = _by_region(inp, request)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                share = np.where(by_region > 0, np.minimum(1.0, inp.cap_units[:, :, t] / by_region),
                                 1.0)
            request = request * share[:, inp.region_of_phase]
        if not self.constrained:
            return request, none, np.full(self.samples, np.inf)
        if self.by_region:
            return self._tiers_one_sample(request, t)
        supply = np.broadcast_to(inp.supply[:, :, t], (self.samples, len(KINDS))).copy()
        total = request.sum(axis=1)
        need_all = np.einsum("sp,skp->sk", request, inp.use_per_unit)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratios = np.where(need_all > 0, supply / need_all, np.inf)
            ratio_all = ratios.min(axis=1)
            deliverable = np.where(total > 0, total * ratio_all, np.inf)
        if len(self.tiers) == 1:
            fraction = np.minimum(1.0, ratio_all)
            binding = np.where(ratio_all < 1.0, ratios.argmin(axis=1),
                               NO_BOTTLENECK).astype(np.int8)
            return request * fraction[:, None].astype(request.dtype), binding, deliverable
        got = np.zeros_like(request)
        binding = none.copy()
        # highest priority first; each takes what the last one left
        for tier, use in zip(self.tiers, self.tier_use, strict=True):
            want = request[:, tier]
            need = np.einsum("sp,skp->sk", want, use)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                ratio = np.where(need > 0, supply / need, np.inf)
            fraction = np.minimum(1.0, ratio.min(axis=1))
            short = ratio.min(axis=1) < 1.0
            binding = np.where(short & (binding == NO_BOTTLENECK),
                               ratio.argmin(axis=1), binding).astype(np.int8)
            got[:, tier] = want * fraction[:, None]
            supply = np.maximum(supply - need * fraction[:, None], 0.0)
        # What was delivered plus what the leftover could still make at the overall mix
        # (a priority tier on a wafer-light chip gets more units than the mix average).
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            left = np.where(need_all > 0, supply / need_all, np.inf).min(axis=1)
            deliverable = np.where(total > 0, got.sum(axis=1) + total * left, np.inf)
        return got.astype(request.dtype, copy=False), binding, deliverable

    def _tiers_one_sample(self, request: np.ndarray,
                          t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``__call__`` past the caps for one sample and several tiers (same arithmetic)."""
        inp = self.inp
        supply = inp.supply[0, :, t].copy()
        total = request.sum(axis=1)
        per_region = np.add.reduceat(inp.use_per_unit[0] * request, inp.region_starts, axis=1)
        need_all = per_region.sum(axis=1)  # (K,)
        fractions = np.empty(len(self.tiers), dtype=supply.dtype)
        binding = NO_BOTTLENECK
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for i, regions in enumerate(self.tier_regions):
                need = per_region[:, regions].sum(axis=1)
                ratio = np.where(need > 0, supply / need, np.inf)
                low = ratio.min()
                fraction = np.minimum(1.0, low)
                if low < 1.0 and binding == NO_BOTTLENECK:
                    binding = int(ratio.argmin())
                fractions[i] = fraction
                supply = np.maximum(supply - need * fraction, 0.0)
            per_phase = np.repeat(fractions[self.tier_of_region], self.region_counts)
            got = request * per_phase.astype(request.dtype, copy=False)
            left = np.where(need_all > 0, supply / need_all, np.inf).min()
            deliverable = np.where(total > 0, got.sum(axis=1) + total * left, np.inf)
        return (got, np.array([binding], dtype=np.int8), deliverable)


def _by_region(inp: KernelInputs, per_phase: np.ndarray) -> np.ndarray:
    """(N, P) → (N, R) sums by region: contiguous runs of region-sorted phases, else a product
    with the membership matrix."""
    if inp.region_starts is None:
        return per_phase @ inp.membership
    sums = np.add.reduceat(per_phase, inp.region_starts, axis=1)
    n_regions = inp.membership.shape[1]
    if len(inp.regions_present) == n_regions:
        return sums
    out = np.zeros((per_phase.shape[0], n_regions), dtype=sums.dtype)
    out[:, inp.regions_present] = sums
    return out


def _aggregate(inp: KernelInputs, demand: np.ndarray, online: np.ndarray, initial: np.ndarray,
               delivered: np.ndarray, backlog: np.ndarray, requested: np.ndarray,
               retired: np.ndarray, samples: int) -> np.ndarray:
    """Per-phase series → (S, metric, T, R).

    Each quantity goes to regions (one matrix product) as soon as it is computed, in the kernel's
    dtype, through one reused (T, S, P) scratch buffer: no (T, S, Q, P) stack, no float64 copy.
    """
    t_count = inp.n_periods
    dtype = inp.dtype
    index = {name: i for i, name in enumerate(_PHASE_QUANTITIES)}
    q = np.empty((t_count, samples, len(_PHASE_QUANTITIES), inp.membership.shape[1]), dtype)

    def put(name: str, per_phase: np.ndarray) -> None:
        # One (T·S, P) × (P, R) product: a stacked (T, S, P) @ (P, R) runs T small ones.
        flat = np.ascontiguousarray(per_phase).reshape(t_count * samples, per_phase.shape[-1])
        q[:, :, index[name]] = _by_region(inp, flat).reshape(t_count, samples, -1)

    t_axis = np.arange(t_count).reshape(-1, 1, 1)
    installed = np.subtract(delivered, retired)
    for t in range(1, t_count):  # np.cumsum(axis=0) is ~25× slower on a 6-long leading axis
        installed[t] += installed[t - 1]
    installed += initial.astype(dtype, copy=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        mw_per_unit = np.where(inp.demand_units > 0, inp.expected_mw / inp.demand_units,
                               0).astype(dtype, copy=False)
    put("accelerators_installed", installed)
    put("accelerators_delivered", delivered)
    put("backlog", backlog)
    scratch = np.empty_like(delivered)
    put("installed_pflops", np.multiply(installed, inp.pflops_per_unit, out=scratch))
    put("online_mw", np.multiply(installed, mw_per_unit, out=scratch))
    put("energy_mwh", np.multiply(scratch, inp.energy_mwh_per_mw, out=scratch))
    np.copyto(scratch, requested)  # demanded = requested − backlog carried in
    scratch[1:] -= backlog[:-1]
    put("accelerators_demanded", scratch)
    put("planned_mw", np.multiply(online[None] <= t_axis, inp.expected_mw[None], out=scratch))
    start = online - inp.lead_periods
    building = (t_axis >= start[None]) & (t_axis < online[None])
    lead = inp.lead_periods.astype(dtype)
    put("facility_capex_usd",
        np.multiply(building, (inp.facility_capex_usd / lead)[None], out=scratch))
    if inp.it_capex_with_facility:
        # Bought with the building (backlog deliveries are prepaid); replacements when due.
        np.multiply(building, (demand / lead)[None], out=scratch)
        scratch *= inp.price_usd
        if inp.replace_retired:
            scratch += retired * inp.price_usd
    else:
        np.multiply(delivered, inp.price_usd, out=scratch)
    put("it_capex_usd", scratch)
    return _region_metrics(inp, np.moveaxis(q, 0, 2), samples)  # (S, Q, T, R)


def _region_metrics(inp: KernelInputs, q: np.ndarray, samples: int) -> np.ndarray:
    index = {name: i for i, name in enumerate(_PHASE_QUANTITIES)}
    out = np.zeros((samples, len(METRICS), *q.shape[2:]), dtype=inp.dtype)
    for name in _PHASE_QUANTITIES[:-1]:
        out[:, METRIC_INDEX[name]] = q[:, index[name]]
    energy_mwh = q[:, index["energy_mwh"]]
    electricity = np.moveaxis(inp.electricity_usd_per_mwh, -1, 1)  # (S|1, T, R)
    carbon = np.moveaxis(inp.carbon_kg_per_mwh, -1, 1)
    out[:, METRIC_INDEX["energy_opex_usd"]] = energy_mwh * electricity
    out[:, METRIC_INDEX["energy_twh"]] = energy_mwh / 1e6
    out[:, METRIC_INDEX["emissions_mt"]] = energy_mwh * carbon / 1e9
    out[:, METRIC_INDEX["total_spend_usd"]] = (
        out[:, METRIC_INDEX["facility_capex_usd"]] + out[:, METRIC_INDEX["it_capex_usd"]]
        + out[:, METRIC_INDEX["energy_opex_usd"]])
    return out
