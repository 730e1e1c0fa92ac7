"""The projection when nothing constrains supply (no supply lines, no region caps).

Then every request is delivered in the period it is made, so a phase contributes a step at its
online period and, shifted by its accelerator's life, at each retirement or renewal. Phases that
share a region, an accelerator and (when it is not drawn per sample) a lead time are alike in
everything but their amounts, so the fast path sums four amounts per phase — MW, accelerators,
MW × energy intensity, facility capex — into (sample, period, group) buckets with
``np.bincount``, and derives the rest on those small arrays: retirements and renewals are the
buckets shifted by the group's life, building spend is a window of ``lead`` buckets after the
period, prices and PFLOPS are per group. This replaces the general kernel's period loop and its
(period, sample, phase) arrays; the Monte Carlo of the engine issue's reference model is of this
kind. Results equal the general kernel's (a property test holds them equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from desktop_app.core.engine.inputs import KernelInputs
from desktop_app.core.engine.metrics import METRICS, derive_metrics
from desktop_app.core.engine.result import NO_BOTTLENECK


def eligible(inp: KernelInputs) -> bool:
    """The fast path gives the general kernel's numbers when supply is unconstrained and the
    energy intensity is constant in time."""
    energy = inp.energy_mwh_per_mw
    constant = energy.shape[0] == 1 or energy.strides[0] == 0 or bool(
        np.all(energy == energy[:1]))
    return (constant and not np.isfinite(inp.supply).any()
            and not np.isfinite(inp.cap_units).any())


def cheaper(inp: KernelInputs) -> bool:
    """Whether the buckets are small next to the general kernel's (period, phase) arrays.

    The fast path makes ~10 passes over (sample, phase) and ~30 over float64 (sample, bucket,
    group); the general kernel ~25 over (sample, period, phase). With many groups and long
    horizons (quarters, long leads) the buckets outgrow the phases and the fast path loses (many
    groups over long quarterly horizons), while few groups over many phases win
    (``benchmarks/engine.py`` measures both). Taken when buckets × groups ≤ periods × phases / 3.
    """
    groups = _groups(inp)
    n_phases = inp.demand_units.shape[1]
    return (_span(inp, groups) + 2) * groups.count * 3 <= inp.n_periods * n_phases


def applies(inp: KernelInputs) -> bool:
    return eligible(inp) and cheaper(inp)


@dataclass(slots=True)
class _Groups:
    """Phases pooled by region, accelerator (price, PFLOPS, life) and a lead time shared by all
    samples; ``lead`` is None when lead times are drawn per sample (then it is no group key)."""

    of_phase: np.ndarray  # (P,) group of each phase
    region: np.ndarray  # (G,)
    accelerator: np.ndarray  # (G,)
    life: np.ndarray  # (G,) periods
    lead: np.ndarray | None  # (G,) periods
    bucket_bases: dict = field(default_factory=dict)  # (samples, span) → _Buckets.base

    @property
    def count(self) -> int:
        return len(self.region)


_groups_cache: list = []  # [(key, _Groups)]: the last grouping, reused by the next chunk


def _groups(inp: KernelInputs) -> _Groups:
    """The grouping of ``inp``'s phases; Monte Carlo chunks share it (same index arrays, same
    leads and lives), so the last one is reused when those match."""
    region = inp.region_of_phase
    accelerator = inp.accelerator_of_phase
    lead = inp.lead_periods
    life = inp.life_periods
    shared_lead = lead.shape[0] == 1
    leads = lead.tobytes() if shared_lead else None
    for key, groups in _groups_cache:
        if key[0] is region and key[1] is accelerator and key[2] == leads \
                and key[3] == life.tobytes():
            return groups
    key = region * (int(accelerator.max(initial=0)) + 1) + accelerator
    if shared_lead:
        key = key * (int(lead.max(initial=1)) + 1) + lead[0]
    _, first, of_phase = np.unique(key, return_index=True, return_inverse=True)
    groups = _Groups(of_phase.reshape(-1), region[first], accelerator[first], life[first],
                     lead[0][first] if shared_lead else None)
    _groups_cache[:] = [((region, accelerator, leads, life.tobytes()), groups)]
    return groups


def _span(inp: KernelInputs, groups: _Groups) -> int:
    """Periods the buckets cover: the window, and the longest lead after it (building spend
    inside the window for phases online after it)."""
    lead = int(groups.lead.max(initial=0)) if groups.lead is not None else 0
    return inp.n_periods + lead


def bytes_per_sample(inp: KernelInputs) -> int:
    """What one sample costs this path, for sizing Monte Carlo chunks: like the general
    kernel's estimate, ~12 four-byte arrays per phase, plus ~24 float64 (bucket, group) arrays
    and the (metric, period, region) results. The buckets matter when groups are many and
    periods long (quarters, long leads): they can outweigh the phases."""
    groups = _groups(inp)
    n_phases = inp.demand_units.shape[1]
    n_regions = inp.membership.shape[1]
    buckets = (_span(inp, groups) + 2) * groups.count
    results = inp.n_periods * n_regions * len(METRICS)
    return n_phases * 12 * 4 + buckets * 24 * 8 + results * 4 * 2


class _Buckets:
    """(sample, bucket, group) sums: bucket 0 is before the base period, bucket ``t + 1`` is
    period ``t`` for ``t < span``, the last bucket is everything later."""

    def __init__(self, samples: int, groups: _Groups, span: int) -> None:
        self.span = span
        self.groups = groups.count
        self.shape = (samples, span + 2, groups.count)
        self.size = samples * (span + 2) * groups.count
        base = groups.bucket_bases.get((samples, span))
        if base is None:
            sample = np.arange(samples, dtype=np.intp)[:, None] * ((span + 2) * groups.count)
            base = sample + groups.of_phase[None, :]  # (S, P)
            base.flags.writeable = False
            groups.bucket_bases[(samples, span)] = base
        self.base = base

    def index(self, period: np.ndarray) -> np.ndarray:
        bucket = period + 1
        np.clip(bucket, 0, self.span + 1, out=bucket)
        bucket *= self.groups
        bucket += self.base
        return bucket

    def add(self, index: np.ndarray, weights: np.ndarray) -> np.ndarray:
        index, weights = np.broadcast_arrays(index, weights)
        sums = np.bincount(index.ravel(), weights.ravel(), minlength=self.size)
        return sums.reshape(self.shape)


def _shift(steps: np.ndarray, by: np.ndarray) -> np.ndarray:
    """``steps`` (S, B, G) moved ``by[g]`` buckets later per group; what passes the end goes."""
    out = np.zeros_like(steps)
    n_buckets = steps.shape[1]
    for k in np.unique(by).tolist():
        if k < n_buckets:
            cols = np.flatnonzero(by == k)
            out[:, k:, cols] = steps[:, :n_buckets - k, cols]
    return out


def _window(steps: np.ndarray, lead: np.ndarray, t_count: int) -> np.ndarray:
    """(S, T, G): for period ``t``, the sum of ``steps`` in periods ``t + 1 … t + lead[g]``
    divided by ``lead[g]`` — what phases coming online in those periods spend on building."""
    out = np.zeros((steps.shape[0], t_count, steps.shape[2]))
    for k in np.unique(lead).tolist():
        cols = np.flatnonzero(lead == k)
        part = out[:, :, cols]
        for step in range(1, k + 1):
            part += steps[:, 1 + step:1 + step + t_count, cols]
        out[:, :, cols] = part / k
    return out


def _flow(b: np.ndarray, t_count: int) -> np.ndarray:
    return b[:, 1:t_count + 1]


def _stock(b: np.ndarray, t_count: int) -> np.ndarray:
    return np.cumsum(b[:, :t_count + 1], axis=1)[:, 1:]


def run(inp: KernelInputs, samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Same contract as ``kernel.run`` for an unconstrained model."""
    t_count = inp.n_periods
    n_phases = inp.demand_units.shape[1]
    full = (samples, n_phases)
    groups = _groups(inp)
    span = _span(inp, groups)
    buckets = _Buckets(samples, groups, span)
    demand = inp.demand_units
    mw = inp.expected_mw
    online = np.broadcast_to(inp.online_period, full)
    at_online = buckets.index(online)
    energy = inp.energy_mwh_per_mw[0]
    replace = inp.replace_retired

    # A fleet installed before the base is there from the start, unless (without renewal) its
    # life ended before the base; its first renewal/retirement falls at ``first_end``.
    before = online < 0
    any_before = bool(before.any())
    units, mw_present = demand, mw
    if not demand.all():  # online MW comes with accelerators: none per MW, none online
        mw_present = np.where(demand > 0, mw, 0.0)
    first_end = present = None
    if any_before:
        life = inp.life_periods[None, :]
        first_end = online + life * -(online // life) if replace else online + life
        if not replace:
            present = ~before | (first_end >= 0)
            units = np.where(present, demand, 0.0)
            mw_present = np.where(present, mw_present, 0.0)
    planned_steps = buckets.add(at_online, mw)
    online_steps = planned_steps if mw_present is mw else buckets.add(at_online, mw_present)
    unit_steps = buckets.add(at_online, units)
    energy_steps = buckets.add(at_online, mw_present * energy)

    # Retirements (without replacement) or renewals (with) of phases online in the window are
    # their online steps moved by the life; those of a fleet from before the base are counted
    # at their first end (one more bincount, only when there is such a fleet).
    def from_window(steps: np.ndarray) -> np.ndarray:
        inside = steps.copy()
        inside[:, 0] = 0.0
        return inside

    def first_ends(weights: np.ndarray) -> np.ndarray:
        if not any_before or first_end is None:  # first_end is set whenever any_before
            return np.zeros(buckets.shape)
        at_end = buckets.index(np.where(before, first_end, span))
        return buckets.add(at_end, np.where(before, weights, 0.0))

    life = groups.life
    renewals = None
    if replace:
        due = _shift(from_window(unit_steps), life) + first_ends(units)
        renewals = due.copy()
        while due.any():  # and every life after that, inside the window
            due = _shift(due, life)
            renewals += due
        delivered_steps = from_window(unit_steps) + renewals
        installed_steps = unit_steps
    else:
        delivered_steps = from_window(unit_steps)
        installed_steps = unit_steps - _shift(from_window(unit_steps), life) - first_ends(units)
        online_steps = online_steps - _shift(from_window(online_steps), life) \
            - first_ends(mw_present)
        energy_steps = energy_steps - _shift(from_window(energy_steps), life) \
            - first_ends(mw_present * energy)

    price = np.moveaxis(inp.price_by_accelerator[:, :, groups.accelerator], 0, 1)
    installed = _stock(installed_steps, t_count)
    delivered = _flow(delivered_steps, t_count)
    facility, building_units = _building(inp, buckets, groups, online, at_online, unit_steps,
                                         t_count)
    if inp.it_capex_with_facility:
        # Bought with the building (backlog deliveries are prepaid); replacements when due.
        bought = building_units if renewals is None else building_units + _flow(renewals,
                                                                                t_count)
    else:
        bought = delivered
    q = {
        "planned_mw": _stock(planned_steps, t_count),
        "online_mw": _stock(online_steps, t_count),
        "accelerators_demanded": delivered,
        "accelerators_delivered": delivered,
        "accelerators_installed": installed,
        **{quantity: installed * per_unit[:, None, groups.accelerator]
           for quantity, per_unit in inp.per_unit_by_accelerator.items()},
        "facility_capex_usd": facility,
        "it_capex_usd": bought * price,
        "energy_mwh": _stock(energy_steps, t_count),
    }
    values = _metrics(inp, q, groups, samples, t_count)
    bottleneck = np.full((samples, t_count), NO_BOTTLENECK, dtype=np.int8)
    requested = delivered.sum(axis=-1)
    return values, bottleneck, np.full((samples, t_count), np.inf), requested


def _building(inp: KernelInputs, buckets: _Buckets, groups: _Groups, online: np.ndarray,
              at_online: np.ndarray, unit_steps: np.ndarray,
              t_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Facility capex and accelerators bought with the building, spread evenly over the lead
    periods before each phase's online period; both (S, T, G)."""
    capex = inp.facility_capex_usd
    if groups.lead is not None:  # one lead per group: a window over the online buckets
        # Fleets before the base (bucket 0) are built before the window: no building spend.
        return (_window(buckets.add(at_online, capex), groups.lead, t_count),
                _window(unit_steps, groups.lead, t_count))
    # Leads drawn per sample: +amount per period where building starts, −amount at online.
    lead = inp.lead_periods
    at_start = buckets.index(online - lead)
    demand = inp.demand_units
    facility, units = (_stock(buckets.add(at_start, amount) - buckets.add(at_online, amount),
                              t_count)
                       for amount in (capex / lead, demand / lead))
    return facility, units


def _metrics(inp: KernelInputs, q: dict[str, np.ndarray], groups: _Groups, samples: int,
             t_count: int) -> np.ndarray:
    """(S, T, G) quantities → (S, metric, T, R) in the kernel's dtype: the groups are summed
    into regions in one product, then ``metrics.derive_metrics`` does the rest."""
    n_regions = inp.membership.shape[1]
    names = list(q)
    stacked = np.stack([np.broadcast_to(q[name], (samples, t_count, groups.count))
                        for name in names], axis=1)  # (S, Q, T, G)
    if groups.count == n_regions and np.array_equal(groups.region, np.arange(n_regions)):
        by_region = stacked  # one group per region, in region order
    else:
        to_region = np.zeros((groups.count, n_regions))
        to_region[np.arange(groups.count), groups.region] = 1.0
        by_region = stacked @ to_region
    quantities = {name: by_region[:, i] for i, name in enumerate(names)}
    quantities["backlog"] = np.zeros((1, 1, 1))  # every request is delivered when it is made
    return derive_metrics(quantities, inp.electricity_usd_per_mwh, inp.carbon_kg_per_mwh,
                          samples, inp.dtype)
