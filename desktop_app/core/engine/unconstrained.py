"""The projection when nothing constrains supply (no supply lines, no region caps).

Then every request is delivered in the period it is made, so each phase contributes a step at
its online period (and at each renewal). Summing those steps into (sample, period, region)
buckets with ``np.bincount`` and a running sum over periods replaces the general kernel's
period loop and its (period, sample, phase) arrays — the Monte Carlo of the engine issue's
reference model is of this kind. Results equal the general kernel's (a test holds them equal).
"""

from __future__ import annotations

import numpy as np

from desktop_app.core.engine.result import METRIC_INDEX, METRICS, NO_BOTTLENECK


def applies(inp: object) -> bool:
    """The fast path needs unconstrained supply and an energy intensity constant in time."""
    energy = inp.energy_mwh_per_mw  # type: ignore[attr-defined]
    constant = energy.shape[0] == 1 or energy.strides[0] == 0 or bool(
        np.all(energy == energy[:1]))
    return (constant and not np.isfinite(inp.supply).any()  # type: ignore[attr-defined]
            and not np.isfinite(inp.cap_units).any())  # type: ignore[attr-defined]


class _Buckets:
    """(sample, bucket, region) sums; bucket 0 is before the base, T + 1 after the horizon."""

    def __init__(self, samples: int, n_phases: int, t_count: int, region: np.ndarray,
                 n_regions: int) -> None:
        self.shape = (samples, t_count + 2, n_regions)
        self.size = samples * (t_count + 2) * n_regions
        self.t_count = t_count
        sample = np.arange(samples, dtype=np.intp)[:, None] * ((t_count + 2) * n_regions)
        self.base = sample + region[None, :]  # (S, P)
        self.n_regions = n_regions

    def index(self, period: np.ndarray) -> np.ndarray:
        bucket = np.clip(period + 1, 0, self.t_count + 1)
        return self.base + bucket * self.n_regions

    def add(self, index: np.ndarray, weights: np.ndarray) -> np.ndarray:
        index, weights = np.broadcast_arrays(index, weights)
        sums = np.bincount(index.ravel(), weights.ravel(), minlength=self.size)
        return sums.reshape(self.shape)


def _flow(b: np.ndarray) -> np.ndarray:
    return b[:, 1:-1]


def _stock(b: np.ndarray) -> np.ndarray:
    return np.cumsum(b[:, :-1], axis=1)[:, 1:]


def _price_at(price: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Unit price (T, S|1, P) of each phase's accelerator in ``period`` (S, P), clipped."""
    t_count, price_samples, n_phases = price.shape
    flat = np.clip(period, 0, t_count - 1) * (price_samples * n_phases)
    if price_samples > 1:
        flat += np.arange(period.shape[0] * n_phases).reshape(period.shape)
    else:
        flat += np.arange(n_phases)
    return np.take(price.reshape(-1), flat)  # ``price`` is C-contiguous: reshape is a view


def run(inp: object, samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Same contract as ``kernel.run`` for an unconstrained model."""
    t_count = inp.n_periods  # type: ignore[attr-defined]
    n_regions = inp.membership.shape[1]  # type: ignore[attr-defined]
    n_phases = inp.demand_units.shape[1]  # type: ignore[attr-defined]
    full = (samples, n_phases)
    demand = np.broadcast_to(inp.demand_units, full)  # type: ignore[attr-defined]
    mw = np.broadcast_to(inp.expected_mw, full)  # type: ignore[attr-defined]
    online = np.broadcast_to(inp.online_period, full)  # type: ignore[attr-defined]
    life = inp.life_periods[None, :]  # type: ignore[attr-defined]
    buckets = _Buckets(samples, n_phases, t_count, inp.region_of_phase,  # type: ignore
                       n_regions)
    at_online = buckets.index(online)
    energy = inp.energy_mwh_per_mw[0]  # type: ignore[attr-defined]
    pflops = inp.pflops_per_unit  # type: ignore[attr-defined]
    replace = inp.replace_retired  # type: ignore[attr-defined]

    before = online < 0
    # A fleet installed before the base is there from the start, unless (without renewal) its
    # life ended before the base; its first renewal/retirement falls at ``first_end``.
    first_end = online + life * -(online // life) if replace else online + life
    present = ~before | (first_end >= 0) if not replace else np.ones(full, dtype=bool)
    units = np.where(present, demand, 0.0)
    q: dict[str, np.ndarray] = {
        "planned_mw": _stock(buckets.add(at_online, mw)),
    }
    installed_steps = buckets.add(at_online, units)
    online_steps = buckets.add(at_online, np.where(present, mw, 0.0))
    energy_steps = buckets.add(at_online, np.where(present, mw * energy, 0.0))
    pflops_steps = buckets.add(at_online, units * pflops)
    delivered = buckets.add(at_online, np.where(before, 0.0, demand))
    price = inp.price_usd  # type: ignore[attr-defined]
    if inp.it_capex_with_facility:  # type: ignore[attr-defined]
        it_capex = np.zeros(buckets.shape)
    else:
        it_capex = buckets.add(at_online, np.where(before, 0.0, demand * _price_at(price,
                                                                                  online)))
    # Renewals (with replacement) or retirements (without) inside the window.
    end = np.where(before, first_end, online + life)
    while True:
        inside = (end >= 0) & (end < t_count) & present
        if not inside.any():
            break
        at_end = buckets.index(np.where(inside, end, t_count))
        if replace:
            delivered += buckets.add(at_end, np.where(inside, demand, 0.0))
            it_capex += buckets.add(at_end, np.where(inside, demand * _price_at(price, end),
                                                     0.0))
            end = end + life
        else:
            installed_steps -= buckets.add(at_end, np.where(inside, demand, 0.0))
            online_steps -= buckets.add(at_end, np.where(inside, mw, 0.0))
            energy_steps -= buckets.add(at_end, np.where(inside, mw * energy, 0.0))
            pflops_steps -= buckets.add(at_end, np.where(inside, demand * pflops, 0.0))
            break
    q["accelerators_installed"] = _stock(installed_steps)
    q["online_mw"] = _stock(online_steps)
    q["installed_pflops"] = _stock(pflops_steps)
    q["energy_mwh"] = _stock(energy_steps)
    q["accelerators_delivered"] = _flow(delivered)
    q["accelerators_demanded"] = q["accelerators_delivered"]
    q["backlog"] = np.zeros_like(q["planned_mw"])
    _building_costs(inp, buckets, demand, online, price, it_capex, q)
    values = _metrics(inp, q, samples)
    bottleneck = np.full((samples, t_count), NO_BOTTLENECK, dtype=np.int8)
    requested = q["accelerators_delivered"].sum(axis=-1)
    return values, bottleneck, np.full((samples, t_count), np.inf), requested


def _building_costs(inp: object, buckets: _Buckets, demand: np.ndarray, online: np.ndarray,
                    price: np.ndarray, it_capex: np.ndarray, q: dict[str, np.ndarray]) -> None:
    """Facility capex (and IT capex booked with it) spread over the lead periods."""
    lead = np.broadcast_to(inp.lead_periods, online.shape)  # type: ignore[attr-defined]
    facility_per_period = inp.facility_capex_usd / inp.lead_periods  # type: ignore
    units_per_period = demand / lead
    facility = np.zeros(buckets.shape)
    with_facility = inp.it_capex_with_facility  # type: ignore[attr-defined]
    for step in range(int(lead.max(initial=1))):
        period = online - lead + step
        building = (step < lead) & (period >= 0) & (period < buckets.t_count)
        if not building.any():
            continue
        at = buckets.index(np.where(building, period, buckets.t_count))
        facility += buckets.add(at, np.where(building, facility_per_period, 0.0))
        if with_facility:
            it_capex += buckets.add(at, np.where(building, units_per_period
                                                 * _price_at(price, period), 0.0))
    q["facility_capex_usd"] = _flow(facility)
    q["it_capex_usd"] = _flow(it_capex)


def _metrics(inp: object, q: dict[str, np.ndarray], samples: int) -> np.ndarray:
    """(S, T, R) quantities → (S, metric, T, R) in the kernel's dtype."""
    dtype = inp.dtype  # type: ignore[attr-defined]
    shape = q["planned_mw"].shape
    out = np.zeros((samples, len(METRICS), *shape[1:]), dtype=dtype)
    for name, values in q.items():
        if name != "energy_mwh":
            out[:, METRIC_INDEX[name]] = values
    energy_mwh = q["energy_mwh"]
    electricity = np.moveaxis(inp.electricity_usd_per_mwh, -1, 1)  # type: ignore[attr-defined]
    carbon = np.moveaxis(inp.carbon_kg_per_mwh, -1, 1)  # type: ignore[attr-defined]
    out[:, METRIC_INDEX["energy_opex_usd"]] = energy_mwh * electricity
    out[:, METRIC_INDEX["energy_twh"]] = energy_mwh / 1e6
    out[:, METRIC_INDEX["emissions_mt"]] = energy_mwh * carbon / 1e9
    out[:, METRIC_INDEX["total_spend_usd"]] = (
        out[:, METRIC_INDEX["facility_capex_usd"]] + out[:, METRIC_INDEX["it_capex_usd"]]
        + out[:, METRIC_INDEX["energy_opex_usd"]])
    return out
