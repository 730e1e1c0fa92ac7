"""The projection kernel: demand, supply, allocation, money and energy per period.

Every per-phase array is ``(samples, phases)`` where ``samples`` is 1 for a deterministic run;
the only Python loop is over periods, because a period's backlog feeds the next one. Phases are
aggregated into regions by one matrix product with a phase→region membership matrix.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from desktop_app.core.engine import unconstrained
from desktop_app.core.engine.arrays import KINDS, ModelArrays
from desktop_app.core.engine.inputs import KernelInputs, derive
from desktop_app.core.engine.metrics import PER_UNIT_STOCKS, QUANTITIES, derive_metrics
from desktop_app.core.engine.result import NO_BOTTLENECK

__all__ = ["FAST_PATH", "KernelInputs", "derive", "fast_path_bytes", "run"]

FAST_PATH = True  # tests switch it off to hold the bucketed path equal to the general one


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

    delivered: np.ndarray = np.zeros((t_count, samples, n_phases), dtype=dtype)
    backlog = np.zeros_like(delivered)
    requested = np.zeros_like(delivered)
    initial, retired = _initial_fleet(inp, demand, online, samples)
    bottleneck = np.full((samples, t_count), NO_BOTTLENECK, dtype=np.int8)
    deliverable = np.full((samples, t_count), np.inf)
    total_request = np.zeros((samples, t_count))
    allocate = _Allocator(inp, samples)
    lives = [(life, np.flatnonzero(inp.life_periods == life))  # lives are ≥ 1: no sort needed
             for life in np.flatnonzero(np.bincount(inp.life_periods))]

    waiting: np.ndarray = np.zeros((samples, n_phases), dtype=dtype)
    for t in range(t_count):
        request: np.ndarray = np.where(online == t, demand, 0.0).astype(dtype, copy=False)
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
    retired: np.ndarray = np.zeros((inp.n_periods, samples, demand.shape[1]), dtype=inp.dtype)
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
            # cast: by_region checked region_starts is not None, through an attribute mypy
            # does not follow.
            starts = cast(np.ndarray, inp.region_starts)
            self.region_counts = np.diff(np.append(starts, len(inp.region_of_phase)))
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
        # cast: only called when self.by_region, which checked region_starts is not None.
        starts = cast(np.ndarray, inp.region_starts)
        per_region = np.add.reduceat(inp.use_per_unit[0] * request, starts, axis=1)
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
    if inp.region_starts is None or inp.regions_present is None:  # set together
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
    """Per-phase series → (S, metric, T, R), through ``metrics.derive_metrics``.

    Each quantity of ``metrics.QUANTITIES`` goes to regions (one matrix product) as soon as it
    is computed, in the kernel's dtype, through one reused (T, S, P) scratch buffer: no
    (T, S, Q, P) stack, no float64 copy.
    """
    t_count = inp.n_periods
    dtype = inp.dtype
    index = {name: i for i, name in enumerate(QUANTITIES)}
    q: np.ndarray = np.empty((t_count, samples, len(QUANTITIES), inp.membership.shape[1]), dtype)
    computed: list[str] = []

    def put(name: str, per_phase: np.ndarray) -> None:
        # One (T·S, P) × (P, R) product: a stacked (T, S, P) @ (P, R) runs T small ones.
        flat = np.ascontiguousarray(per_phase).reshape(t_count * samples, per_phase.shape[-1])
        q[:, :, index[name]] = _by_region(inp, flat).reshape(t_count, samples, -1)
        computed.append(name)

    t_axis = np.arange(t_count).reshape(-1, 1, 1)
    installed = np.subtract(delivered, retired)
    for t in range(1, t_count):  # np.cumsum(axis=0) is ~25× slower on a 6-long leading axis
        installed[t] += installed[t - 1]
    installed += initial.astype(dtype, copy=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        mw_per_unit: np.ndarray = np.where(inp.demand_units > 0,
                                           inp.expected_mw / inp.demand_units,
                                           0).astype(dtype, copy=False)
    put("accelerators_installed", installed)
    put("accelerators_delivered", delivered)
    put("backlog", backlog)
    scratch = np.empty_like(delivered)
    for quantity in PER_UNIT_STOCKS:
        put(quantity, np.multiply(installed, inp.per_unit_of_phase(quantity), out=scratch))
    put("online_mw", np.multiply(installed, mw_per_unit, out=scratch))
    put("energy_mwh", np.multiply(scratch, inp.energy_mwh_per_mw, out=scratch))
    np.copyto(scratch, requested)  # demanded = requested − backlog carried in
    scratch[1:] -= backlog[:-1]
    put("accelerators_demanded", scratch)
    put("planned_mw", np.multiply(online[None] <= t_axis, inp.expected_mw[None], out=scratch))
    start = online - inp.lead_periods
    building = (t_axis >= start[None]) & (t_axis < online[None])
    lead: np.ndarray = inp.lead_periods.astype(dtype)
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
    by_region = np.moveaxis(q, 0, 2)  # (S, Q, T, R)
    return derive_metrics({name: by_region[:, index[name]] for name in computed},
                          inp.electricity_usd_per_mwh, inp.carbon_kg_per_mwh, samples, dtype)
