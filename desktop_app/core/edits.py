"""Reversible edits of a ``Model`` and the events that tell views what changed, without Qt.

Every change a user makes is one ``Edit``: ``apply`` performs it and remembers what it needs to
``revert`` it exactly (old values, positions, removed rows). The desktop app wraps each edit in a
``QUndoCommand``; scripts and tests can use them directly. Edits find rows by ``uid`` because
keys change under renames and positions change under inserts.

Edits announce what they did through ``ModelEvents`` (a plain listener list), so a table model
can map "rows inserted at 4, 5" to ``beginInsertRows``/``endInsertRows`` without the core
knowing about Qt.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field  # "field" is a domain attribute here
from typing import Any

from desktop_app.core.model import Model, Override, Phase, Scenario, Uncertainty, new_uid
from desktop_app.core.selectors import SelectorError, parse_selector
from desktop_app.core.validation import Problem, validate

SETTINGS_UID = 0  # the settings are one row of kind "settings" with this uid


# --- events ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RowsChanged:
    """Fields of existing rows changed (``fields`` None: any field)."""

    kind: str
    uids: tuple[int, ...]
    fields: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RowsInserted:
    """Rows now sit at ``positions`` (ascending) of the kind's list."""

    kind: str
    positions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RowsRemoved:
    """Rows that sat at ``positions`` (ascending) were removed; ``uids`` in the same order."""

    kind: str
    positions: tuple[int, ...]
    uids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ModelReset:
    """A different model replaced the whole content (open, revert, new)."""


Event = RowsChanged | RowsInserted | RowsRemoved | ModelReset
Listener = Callable[[Event], None]


class ModelEvents:
    """Listeners hear every event in the order edits emit them."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._muted = 0

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add ``listener``; the returned function removes it again."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, event: Event) -> None:
        if self._muted:
            return
        for listener in list(self._listeners):
            listener(event)

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        """No events inside: for trial edits that are reverted before anyone looks."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1


# --- finding rows ---------------------------------------------------------------------------

def key_of(row: Any) -> str:
    """A row's human key (``"<site>/<name>"`` for phases)."""
    return str(getattr(row, type(row).KEY))


def key_field(kind: str) -> str:
    """The field a user edits to rename a row (a phase is renamed through its name)."""
    return "name" if kind == "phase" else {"region": "code"}.get(kind, "name")


def rename_clash(model: Model, kind: str, row: Any, field: str, value: Any) -> str | None:
    """Why setting ``field`` of ``row`` to ``value`` would rename it onto a key another row
    holds now (None: it would not). A rename carries every reference along, so renaming onto
    a taken key merges the two rows' references for good — and a swap done as two renames
    does the same — hence refused, not merely reported."""
    if kind == "settings" or field != key_field(kind) or value == getattr(row, field):
        return None
    if kind == "phase":
        taken = {p.name for p in model.phases if p.site == row.site and p is not row}
        where = f" on site {row.site!r}"
    else:
        taken = {key_of(r) for r in model.collection(kind) if r is not row}
        where = ""
    if value in taken:
        return (f"a {kind.replace('_', ' ')} {value!r} exists already{where}; rename one row "
                "at a time, through a name not in use")
    return None


# While a Batch applies or reverts: kind → uid → position, so 10,000 edits of a fill do not
# each scan 10,000 rows. Every hit is checked against the list (row still there, same uid).
_batch_index: dict[str, dict[int, int]] | None = None


def find_row(model: Model, kind: str, uid: int) -> Any:
    if kind == "settings":
        return model.settings
    rows = model.collection(kind)
    if _batch_index is not None:
        positions = _batch_index.get(kind)
        at = positions.get(uid) if positions is not None else None
        if at is None or at >= len(rows) or rows[at].uid != uid:
            positions = _batch_index[kind] = {r.uid: i for i, r in enumerate(rows)}
            at = positions.get(uid)
        if at is not None:
            return rows[at]
        raise KeyError(f"no {kind} with uid {uid}")
    for row in rows:
        if row.uid == uid:
            return row
    raise KeyError(f"no {kind} with uid {uid}")


def position_of(model: Model, kind: str, uid: int) -> int:
    for i, row in enumerate(model.collection(kind)):
        if row.uid == uid:
            return i
    raise KeyError(f"no {kind} with uid {uid}")


# --- edits ----------------------------------------------------------------------------------

class Edit:
    """One reversible change; ``apply`` then ``revert`` leaves the model exactly as before."""

    def apply(self, model: Model, events: ModelEvents) -> None:
        raise NotImplementedError

    def revert(self, model: Model, events: ModelEvents) -> None:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class _Change:
    """One attribute set by an edit: ``obj.attr`` was ``old``; views hear ``kind``/``uid``."""

    kind: str
    uid: int
    obj: Any
    attr: str
    old: Any


@dataclass
class SetField(Edit):
    """Set one field of one row; renaming a key also renames every reference to it."""

    kind: str
    uid: int
    field: str
    value: Any
    _changes: list[_Change] = dataclass_field(default_factory=list, repr=False)

    def apply(self, model: Model, events: ModelEvents) -> None:
        row = find_row(model, self.kind, self.uid)
        old = getattr(row, self.field)
        self._changes = [_Change(self.kind, self.uid, row, self.field, old)]
        setattr(row, self.field, self.value)
        if self.kind != "settings" and self.field == key_field(self.kind) and old != self.value:
            self._changes += _rename_references(model, self.kind, row, old)
        _announce(events, self._changes)

    def revert(self, model: Model, events: ModelEvents) -> None:
        for change in reversed(self._changes):
            setattr(change.obj, change.attr, change.old)
        _announce(events, self._changes)


def _announce(events: ModelEvents, changes: list[_Change]) -> None:
    by_kind: dict[str, tuple[list[int], set[str]]] = {}
    for change in changes:
        uids, names = by_kind.setdefault(change.kind, ([], set()))
        if change.uid not in uids:
            uids.append(change.uid)
        names.add("overrides" if change.attr == "selector" else change.attr)
    for kind, (uids, names) in by_kind.items():
        events.emit(RowsChanged(kind, tuple(uids), tuple(sorted(names))))


# Which fields of which kinds hold a key of the renamed kind.
_REFERENCES: dict[str, list[tuple[str, str]]] = {
    "region": [("site", "region"), ("supply_line", "region")],
    "accelerator": [("site", "accelerator")],
    "site": [("phase", "site")],
    "scenario": [("scenario", "parent")],
}
# The selector condition that names a key of each kind ("site[region=IN]").
_CONDITION_OF = {"region": "region", "accelerator": "accelerator", "site": "site"}


def _rename_references(model: Model, kind: str, renamed: Any, old: str) -> list[_Change]:
    """Point rows and scenario selectors that named ``old`` at the renamed row's new key."""
    if kind == "phase":
        return _rename_in_selectors(model, "phase", f"{renamed.site}/{old}", renamed.key)
    new = getattr(renamed, key_field(kind))
    changes: list[_Change] = []
    for ref_kind, ref_field in _REFERENCES.get(kind, []):
        for row in model.collection(ref_kind):
            if row is not renamed and getattr(row, ref_field) == old:
                changes.append(_Change(ref_kind, row.uid, row, ref_field, old))
                setattr(row, ref_field, new)
    changes += _rename_in_selectors(model, kind, old, new)
    if kind == "site":
        for phase in model.phases_of(new):
            changes += _rename_in_selectors(model, "phase", f"{old}/{phase.name}", phase.key)
    return changes


def _rename_in_selectors(model: Model, kind: str, old: str, new: str) -> list[_Change]:
    changes: list[_Change] = []
    for scenario in model.scenarios:
        items: list[Override | Uncertainty] = [*scenario.overrides, *scenario.uncertainties]
        for item in items:
            text = _renamed_selector(item.selector, kind, old, new)
            if text is not None:
                changes.append(_Change("scenario", scenario.uid, item, "selector", item.selector))
                item.selector = text
    return changes


def _renamed_selector(text: str, kind: str, old: str, new: str) -> str | None:
    """The selector with ``old`` replaced by ``new``, or None when it does not name ``old``."""
    try:
        selector = parse_selector(text)
    except SelectorError:
        return None
    if selector.entity == kind and selector.key == old:
        return f"{kind}:{new}"
    condition = "code" if (kind, selector.entity) == ("region", "region") else \
        "name" if selector.entity == kind else _CONDITION_OF.get(kind)
    if not any(k == condition and v == old for k, v in selector.conditions):
        return None
    inner = ",".join(f"{k}={new if (k, v) == (condition, old) else v}"
                     for k, v in selector.conditions)
    return f"{selector.entity}[{inner}]"


@dataclass
class InsertRows(Edit):
    """Insert ``rows`` so that each ends at its position (ascending positions)."""

    kind: str
    rows: list[tuple[int, Any]]

    def apply(self, model: Model, events: ModelEvents) -> None:
        items = model.collection(self.kind)
        for position, row in sorted(self.rows, key=lambda pr: pr[0]):
            items.insert(position, row)
        events.emit(RowsInserted(self.kind, tuple(sorted(p for p, _ in self.rows))))

    def revert(self, model: Model, events: ModelEvents) -> None:
        _remove(model, events, self.kind, [row for _, row in self.rows])


def _remove(model: Model, events: ModelEvents, kind: str, rows: Sequence[Any]
            ) -> list[tuple[int, Any]]:
    items = model.collection(kind)
    wanted = {id(r) for r in rows}
    removed = [(i, r) for i, r in enumerate(items) if id(r) in wanted]
    for i, _ in reversed(removed):
        del items[i]
    if removed:
        events.emit(RowsRemoved(kind, tuple(i for i, _ in removed),
                                tuple(r.uid for _, r in removed)))
    return removed


@dataclass
class RemoveRows(Edit):
    """Remove rows by uid; a removed site takes its phases along (and brings them back)."""

    kind: str
    uids: list[int]
    _removed: dict[str, list[tuple[int, Any]]] = dataclass_field(default_factory=dict, repr=False)

    def apply(self, model: Model, events: ModelEvents) -> None:
        uids = set(self.uids)
        rows = [r for r in model.collection(self.kind) if r.uid in uids]
        self._removed = {}
        if self.kind == "site":
            names = {r.name for r in rows}
            kept = {s.name for s in model.sites if s.uid not in uids}
            phases = [p for p in model.phases if p.site in names - kept]
            self._removed["phase"] = _remove(model, events, "phase", phases)
        self._removed[self.kind] = _remove(model, events, self.kind, rows)

    def revert(self, model: Model, events: ModelEvents) -> None:
        for kind in dict.fromkeys((self.kind, "phase")):  # sites before their phases
            rows = self._removed.get(kind)
            if rows:
                InsertRows(kind, rows).apply(model, events)


@dataclass
class Batch(Edit):
    """Several edits as one step (a multi-row edit, a paste): applied in order, reverted back."""

    edits: list[Edit]

    def apply(self, model: Model, events: ModelEvents) -> None:
        with _indexed_rows():
            for edit in self.edits:
                edit.apply(model, events)

    def revert(self, model: Model, events: ModelEvents) -> None:
        with _indexed_rows():
            for edit in reversed(self.edits):
                edit.revert(model, events)


@contextlib.contextmanager
def _indexed_rows() -> Iterator[None]:
    global _batch_index
    outer = _batch_index
    _batch_index = {} if outer is None else outer
    try:
        yield
    finally:
        _batch_index = outer


@dataclass
class PutScenario(Edit):
    """Add ``scenario``, or put it in the place of the scenario of the same name (an import
    that replaces): one step either way. A new name goes at ``position`` (None: the end)."""

    scenario: Scenario
    position: int | None = None
    _replaced: list[tuple[int, Any]] = dataclass_field(default_factory=list, repr=False)

    def apply(self, model: Model, events: ModelEvents) -> None:
        items = model.scenarios
        old = next(((i, s) for i, s in enumerate(items)
                    if s.name == self.scenario.name and s is not self.scenario), None)
        self._replaced = _remove(model, events, "scenario", [old[1]]) if old else []
        at = old[0] if old else len(items) if self.position is None else self.position
        InsertRows("scenario", [(at, self.scenario)]).apply(model, events)

    def revert(self, model: Model, events: ModelEvents) -> None:
        _remove(model, events, "scenario", [self.scenario])
        if self._replaced:
            InsertRows("scenario", self._replaced).apply(model, events)


# --- building rows --------------------------------------------------------------------------

def unique_key(taken: set[str], base: str) -> str:
    """``base``, or ``base 2``, ``base 3``… whichever is free."""
    if base not in taken:
        return base
    n = 2
    while f"{base} {n}" in taken:
        n += 1
    return f"{base} {n}"


def keys(model: Model, kind: str) -> set[str]:
    return {key_of(r) for r in model.collection(kind)}


def copy_row(row: Any) -> Any:
    """A deep copy with fresh uids (a copy is a new row, not the same row twice)."""
    clone = copy.deepcopy(row)
    clone.uid = new_uid()
    for child in (*getattr(clone, "overrides", ()), *getattr(clone, "uncertainties", ())):
        child.uid = new_uid()
    return clone


def duplicate_rows(model: Model, kind: str, uids: Sequence[int]) -> Edit:
    """Copies of the rows, each right after the last selected one, with "(copy)" keys; a
    duplicated site brings copies of its phases."""
    items = model.collection(kind)
    chosen = [r for r in items if r.uid in set(uids)]
    if not chosen:
        return Batch([])
    after = max(items.index(r) for r in chosen) + 1
    taken = keys(model, kind) if kind != "phase" else {p.key for p in model.phases}
    inserts, phase_rows = [], []
    for offset, row in enumerate(chosen):
        clone = copy_row(row)
        name_field = key_field(kind)
        if kind == "phase":
            names = {p.name for p in model.phases if p.site == row.site}
            clone.name = unique_key(names | {k.split("/", 1)[1] for k in taken
                                             if k.startswith(f"{row.site}/")},
                                    f"{row.name} (copy)")
            taken.add(clone.key)
        else:
            setattr(clone, name_field, unique_key(taken, f"{getattr(row, name_field)} (copy)"))
            taken.add(getattr(clone, name_field))
        inserts.append((after + offset, clone))
        if kind == "site":
            for phase in model.phases_of(row.name):
                phase_copy = copy_row(phase)
                phase_copy.site = clone.name
                phase_rows.append(phase_copy)
    edits: list[Edit] = [InsertRows(kind, inserts)]
    if phase_rows:
        start = len(model.phases)
        edits.append(InsertRows("phase", [(start + i, p) for i, p in enumerate(phase_rows)]))
    return Batch(edits)


def phase_position(model: Model, site: str) -> int:
    """Where a new phase of ``site`` goes: after the site's last phase, else at the end."""
    last = None
    for i, phase in enumerate(model.phases):
        if phase.site == site:
            last = i
    return len(model.phases) if last is None else last + 1


def next_phase_name(model: Model, site: str) -> str:
    names = {p.name for p in model.phases_of(site)}
    n = len(names) + 1
    while f"Phase {n}" in names:
        n += 1
    return f"Phase {n}"


def new_phase(model: Model, site: str) -> Phase:
    year = max(model.settings.base_year, min(model.settings.horizon_year, 2027))
    return Phase(site=site, name=next_phase_name(model, site), online_year=year)


_LISTS = {"region": "regions", "accelerator": "accelerators", "site": "sites", "phase": "phases",
          "supply_line": "supply_lines"}


def check_rows(model: Model, kind: str, rows: Sequence[Any]) -> list[Problem]:
    """The validation problems of ``rows`` (already in ``model``), without validating the rest.

    A paste into a 10,000-site model must not validate every site to vet three rows
    (``benchmarks/gui.py`` times the paste):
    the rows are validated in a slim model holding them, the rows sharing their keys (to catch
    duplicates) and what they refer to. Scenarios refer to everything, so they get the full run.
    """
    touched = {key_of(r) for r in rows}
    if kind not in _LISTS:
        return [p for p in validate(model) if p.entity == kind and p.key in touched]
    slim = Model(settings=model.settings, regions=model.regions,
                 accelerators=model.accelerators)
    setattr(slim, _LISTS[kind], [r for r in model.collection(kind) if key_of(r) in touched])
    if kind == "phase":
        wanted = {r.site for r in rows}
        slim.sites = [s for s in model.sites if s.name in wanted]
    return [p for p in validate(slim) if p.entity == kind and p.key in touched]


def set_overrides(scenario: Scenario, overrides: Sequence[Any]) -> Edit:
    """Replace ``scenario``'s override list as one step (a driver slider let go): undo puts
    the previous list back, object for object. Views hear ``RowsChanged(scenario, overrides)``."""
    return SetField("scenario", scenario.uid, "overrides", list(overrides))
