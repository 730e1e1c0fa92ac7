"""Which assumptions matter: feature scores over a sweep's points, and scenario discovery.

* **Feature scores** of one output (a per-point statistic, the median by default) against each
  factor — the swept drivers, plus the base scenario when there are several: Spearman's rank
  correlation (average ranks for ties, so grid levels count fairly) and a first-order,
  variance-based index estimated by binning, ``Var(E[Y | X_i]) / Var(Y)``: the share of the
  output's variance across points that the factor explains on its own. Points are grouped by
  the factor's distinct values when there are few (a grid, a scenario), otherwise into
  equal-count bins; the index is corrected for the spread that bins of pure noise would show
  (as adjusted R² is), so an irrelevant factor scores about zero.
* **Scenario discovery** (PRIM, Friedman & Fisher 1999, as in the EMA Workbench): a box — a
  range per driver, a subset of scenarios — in which the threshold is crossed. Peeling removes a
  small share of the points from one side of one factor at a time, the peel that raises the
  box's density most per point removed, down to a minimum box size; of the boxes on that
  trajectory whose density reaches the wanted level, the one with the best coverage × density
  is chosen; pasting then widens it while its density holds. *Coverage*: share of all
  crossing points that fall in the box; *density*: share of the box's points that cross;
  *mass*: share of all points in the box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from desktop_app.core.sweep.run import SweepResult
from desktop_app.core.sweep.spec import DiscoverySettings

SCENARIO = "scenario"
MAX_BINS = 20


@dataclass(frozen=True, slots=True)
class FeatureScore:
    factor: str
    spearman: float | None  # None for a categorical factor (the base scenario)
    first_order: float  # bias-corrected share of variance explained alone, 0..1
    groups: int  # distinct values or bins used for ``first_order``


@dataclass(frozen=True, slots=True)
class Factors:
    """The sweep's factors as columns: drivers (numeric), then the scenario (categorical)."""

    names: tuple[str, ...]
    values: np.ndarray  # (points, factors) float64; a categorical column holds codes
    categorical: frozenset[int]
    categories: dict[int, tuple[str, ...]] = field(default_factory=dict)  # code → label


def factors_of(result: SweepResult) -> Factors:
    design = result.design
    names = list(design.drivers)
    columns = [design.values]
    categorical: set[int] = set()
    categories: dict[int, tuple[str, ...]] = {}
    if len(design.scenarios) > 1:
        categorical.add(len(names))
        categories[len(names)] = design.scenarios
        names.append(SCENARIO)
        columns.append(design.scenario_index[:, None].astype(np.float64))
    return Factors(tuple(names), np.hstack(columns), frozenset(categorical), categories)


def average_ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size, dtype=np.float64)
    ranks[order] = np.arange(x.size, dtype=np.float64)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return 0.0
    return float(np.corrcoef(average_ranks(x), average_ranks(y))[0, 1])


def first_order_index(x: np.ndarray, y: np.ndarray, *, categorical: bool = False
                      ) -> tuple[float, int]:
    """Bias-corrected correlation ratio of ``y`` on ``x`` grouped into bins, and the bin count."""
    n = y.size
    distinct = np.unique(x)
    # A grid axis repeats each level: group by level. A Latin hypercube's values are all
    # distinct: bin them (one group per value would leave nothing within groups).
    if categorical or (distinct.size <= MAX_BINS and 2 * distinct.size <= n):
        groups = np.searchsorted(distinct, x)
    else:
        bins = max(2, min(MAX_BINS, math.isqrt(n)))
        groups = np.minimum((average_ranks(x) * bins / n).astype(np.int64), bins - 1)
    _, groups = np.unique(groups, return_inverse=True)
    g = int(groups.max()) + 1
    total = float(np.sum((y - y.mean()) ** 2))
    if g < 2 or n <= g or total == 0.0:
        return 0.0, g
    counts = np.bincount(groups, minlength=g)
    means = np.bincount(groups, weights=y, minlength=g) / counts
    between = float(np.sum(counts * (means - y.mean()) ** 2))
    within = total - between
    # adjusted like R²: 1 − (within / (n − g)) / (total / (n − 1))
    adjusted = 1.0 - (within / (n - g)) / (total / (n - 1))
    return float(min(1.0, max(0.0, adjusted))), g


def feature_scores_of(factors: Factors, y: np.ndarray) -> list[FeatureScore]:
    """Scores of every factor against ``y`` (points,), most explanatory first."""
    scores = []
    for j, name in enumerate(factors.names):
        x = factors.values[:, j]
        is_cat = j in factors.categorical
        index, groups = first_order_index(x, y, categorical=is_cat)
        scores.append(FeatureScore(name, None if is_cat else spearman(x, y), index, groups))
    return sorted(scores, key=lambda s: (-s.first_order, -abs(s.spearman or 0.0), s.factor))


def feature_scores(result: SweepResult, output: str,
                   statistic: str = "p50") -> list[FeatureScore]:
    return feature_scores_of(factors_of(result), result.statistic(output, statistic))


# --- PRIM ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Box:
    """Numeric limits (inclusive) per factor and allowed codes per categorical factor."""

    lower: np.ndarray
    upper: np.ndarray
    allowed: dict[int, frozenset[int]]

    def contains(self, x: np.ndarray) -> np.ndarray:
        inside = np.all((x >= self.lower) & (x <= self.upper), axis=1)
        for j, codes in self.allowed.items():
            inside &= np.isin(x[:, j], list(codes))
        return inside


@dataclass(frozen=True, slots=True)
class BoxStats:
    coverage: float
    density: float
    mass: float
    points: int


@dataclass(frozen=True, slots=True)
class Limit:
    """A restricted factor of the discovered box."""

    factor: str
    low: float | None = None  # numeric: inclusive limits (data values at the box's edge)
    high: float | None = None
    categories: tuple[str, ...] = ()  # categorical: the allowed values


@dataclass(frozen=True, slots=True)
class Discovery:
    threshold: str
    crossing_points: int
    points: int
    limits: list[Limit]  # restricted factors only; an empty list is "everywhere"
    stats: BoxStats | None  # None when no point crosses
    trajectory: list[BoxStats]  # the peeling trajectory, whole space first
    chosen_step: int  # index into ``trajectory`` of the box before pasting
    message: str = ""


def prim(factors: Factors, y: np.ndarray, settings: DiscoverySettings | None = None,
         threshold: str = "") -> Discovery:
    """PRIM box of the points where ``y`` (bool, per point) holds."""
    settings = settings or DiscoverySettings()
    x = factors.values
    y = np.asarray(y, dtype=bool)
    n = x.shape[0]
    hits = int(y.sum())
    if hits == 0:
        return Discovery(threshold, 0, n, [], None, [], 0,
                         "no point crosses the threshold")
    whole = Box(x.min(axis=0), x.max(axis=0),
                {j: frozenset(np.unique(x[:, j]).astype(int).tolist())
                 for j in factors.categorical})
    yf = y.astype(np.float64)

    def stats(inside: np.ndarray) -> BoxStats:
        m = int(inside.sum())
        covered = float(yf[inside].sum())
        return BoxStats(covered / hits, covered / m if m else 0.0, m / n, m)

    boxes, trajectory = [whole], [stats(np.ones(n, dtype=bool))]
    box = whole
    while True:
        peeled = _peel(x, yf, box, factors.categorical, settings, n)
        if peeled is None:
            break
        box = peeled
        boxes.append(box)
        trajectory.append(stats(box.contains(x)))
    wanted = [i for i, s in enumerate(trajectory) if s.density >= settings.min_density]
    if wanted:  # the best coverage × density trade-off among the dense enough boxes
        chosen = max(wanted, key=lambda i: (trajectory[i].coverage * trajectory[i].density,
                                            trajectory[i].mass))
    else:
        chosen = max(range(len(trajectory)), key=lambda i: (trajectory[i].density, -i))
    final = _paste(x, yf, boxes[chosen], factors.categorical, whole)
    return Discovery(threshold, hits, n, _limits(final, whole, factors), stats(final.contains(x)),
                     trajectory, chosen,
                     "" if wanted else f"no box reaches density {settings.min_density:.0%}; "
                                       "the densest is shown")


def _peel(x: np.ndarray, y: np.ndarray, box: Box, categorical: frozenset[int],
          settings: DiscoverySettings, n: int) -> Box | None:
    inside = box.contains(x)
    m = int(inside.sum())
    mean = y[inside].mean()
    if mean >= 1.0 or m / n <= settings.min_mass:
        return None
    best: tuple[float, int, Box] | None = None
    for j in range(x.shape[1]):
        xj = x[inside, j]
        for candidate in _peels(xj, j, box, categorical, settings.peel_alpha):
            keep = candidate.contains(x)
            kept = int(keep.sum())
            if kept == m or kept / n < settings.min_mass or kept == 0:
                continue
            gain = (y[keep].mean() - mean) / ((m - kept) / n)  # EMA's "lenient1" objective
            if best is None or (gain, kept) > (best[0], best[1]):
                best = (gain, kept, candidate)
    if best is None or best[0] < 0:
        return None
    return best[2]


def _peels(xj: np.ndarray, j: int, box: Box, categorical: frozenset[int],
           alpha: float) -> list[Box]:
    out = []
    if j in categorical:
        present = sorted(set(np.unique(xj).astype(int).tolist()))
        if len(present) > 1:
            for code in present:
                allowed = {**box.allowed, j: frozenset(c for c in present if c != code)}
                out.append(Box(box.lower, box.upper, allowed))
        return out
    low_cut = np.quantile(xj, alpha)
    kept = xj[xj >= low_cut] if np.any(xj < low_cut) else xj[xj > xj.min()]  # ties: next value
    if kept.size:
        lower = box.lower.copy()
        lower[j] = kept.min()
        out.append(Box(lower, box.upper, box.allowed))
    high_cut = np.quantile(xj, 1.0 - alpha)
    kept = xj[xj <= high_cut] if np.any(xj > high_cut) else xj[xj < xj.max()]
    if kept.size:
        upper = box.upper.copy()
        upper[j] = kept.max()
        out.append(Box(box.lower, upper, box.allowed))
    return out


def _paste(x: np.ndarray, y: np.ndarray, box: Box, categorical: frozenset[int],
           whole: Box) -> Box:
    """Widen the box while its density holds: on each side of each factor, the furthest
    extension whose density is still at least the box's; the best of those, repeatedly."""
    while True:
        inside = box.contains(x)
        m, hits = int(inside.sum()), float(y[inside].sum())
        mean = hits / m if m else 0.0
        best: tuple[float, int, Box] | None = None
        for j in range(x.shape[1]):
            for candidate, added, added_hits in _pastes(x, y, j, box, categorical, whole,
                                                         mean, m, hits):
                new_mean = (hits + added_hits) / (m + added)
                if best is None or (new_mean, added) > (best[0], best[1]):
                    best = (new_mean, added, candidate)
        if best is None or best[0] < mean:
            return box
        box = best[2]


def _pastes(x: np.ndarray, y: np.ndarray, j: int, box: Box, categorical: frozenset[int],
            whole: Box, mean: float, m: int, hits: float) -> list[tuple[Box, int, float]]:
    lower, upper = box.lower.copy(), box.upper.copy()
    lower[j], upper[j] = whole.lower[j], whole.upper[j]
    near = Box(lower, upper, {k: v for k, v in box.allowed.items() if k != j}).contains(x)
    out = []
    if j in categorical:
        for code in sorted(whole.allowed[j] - box.allowed.get(j, whole.allowed[j])):
            add = near & (x[:, j] == code)
            if add.any():
                out.append((Box(box.lower, box.upper, {**box.allowed,
                                                        j: box.allowed[j] | {code}}),
                            int(add.sum()), float(y[add].sum())))
        return out
    for side in (-1, 1):
        outside = near & (x[:, j] < box.lower[j] if side < 0 else x[:, j] > box.upper[j])
        if not outside.any():
            continue
        values, ys = x[outside, j], y[outside]
        order = np.argsort(-values if side < 0 else values, kind="stable")
        values, ys = values[order], ys[order]  # nearest the box first
        counts = np.arange(1, values.size + 1)
        cum = np.cumsum(ys)
        whole_ties = np.append(values[1:] != values[:-1], True)  # a bound takes all its ties
        ok = whole_ties & ((hits + cum) / (m + counts) >= mean)
        if not ok.any():
            continue
        k = int(np.flatnonzero(ok)[-1])
        bound = (box.lower if side < 0 else box.upper).copy()
        bound[j] = values[k]
        widened = Box(bound, box.upper, box.allowed) if side < 0 else \
            Box(box.lower, bound, box.allowed)
        out.append((widened, k + 1, float(cum[k])))
    return out


def _limits(box: Box, whole: Box, factors: Factors) -> list[Limit]:
    out = []
    for j, name in enumerate(factors.names):
        if j in factors.categorical:
            allowed = box.allowed.get(j, whole.allowed[j])
            if allowed != whole.allowed[j]:
                labels = factors.categories.get(j, ())
                out.append(Limit(name, categories=tuple(
                    labels[c] if c < len(labels) else str(c) for c in sorted(allowed))))
            continue
        low = float(box.lower[j]) if box.lower[j] > whole.lower[j] else None
        high = float(box.upper[j]) if box.upper[j] < whole.upper[j] else None
        if low is not None or high is not None:
            out.append(Limit(name, low, high))
    return out


def discover(result: SweepResult) -> Discovery | None:
    """Scenario discovery for the spec's threshold (None when the spec has none)."""
    crossed = result.crossed()
    t = result.spec.threshold
    if crossed is None or t is None:  # crossed() is None iff there is no threshold
        return None
    text = t.text(result.spec.output(t.output).unit)
    return prim(factors_of(result), crossed, result.spec.discovery, text)


@dataclass(frozen=True, slots=True)
class Answers:
    statistic: str
    scores: dict[str, list[FeatureScore]]  # output name → scores
    discovery: Discovery | None


def answers(result: SweepResult, statistic: str = "p50") -> Answers:
    """Feature scores of every output (on ``statistic``, the median unless not computed) and
    scenario discovery for the threshold."""
    if statistic not in result.statistics:
        statistic = "mean"
    return Answers(statistic, {o.name: feature_scores(result, o.name, statistic)
                               for o in result.outputs}, discover(result))
