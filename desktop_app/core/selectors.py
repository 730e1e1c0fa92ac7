"""Selectors name what a scenario override or uncertainty applies to, in words a planner reads.

Forms (entity kinds: region, accelerator, site, phase, supply_line, settings)::

    site:Stargate Abilene             one row by its key
    phase:Stargate Abilene/Phase 2    one phase ("<site>/<phase>")
    site[region=IN]                   a group: every site in region IN
    phase[region=IN,status=announced] phases of announced sites in IN
    supply_line[kind=packaging]       every packaging line
    site[accelerator=B200]            every site built on B200
    site:*                            every site
    settings                          the document settings

Selectors are text so that scenario files stay readable and portable between models.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.model import Model

ENTITY_KINDS = ("region", "accelerator", "site", "phase", "supply_line", "settings")

# Conditions each kind understands; phase conditions may name its site's fields.
CONDITIONS: dict[str, tuple[str, ...]] = {
    "region": ("code",),
    "accelerator": ("vendor", "name"),
    "site": ("region", "accelerator", "status", "operator", "name"),
    "phase": ("site", "region", "accelerator", "status", "operator", "name"),
    "supply_line": ("kind", "owner", "region", "name"),
    "settings": (),
}


class SelectorError(ValueError):
    """A selector that cannot be parsed; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Selector:
    entity: str
    key: str | None = None  # one row; None for a group
    conditions: tuple[tuple[str, str], ...] = ()

    @property
    def is_single(self) -> bool:
        return self.key is not None and self.key != "*"

    def __str__(self) -> str:
        if self.entity == "settings":
            return "settings"
        if self.key is not None:
            return f"{self.entity}:{self.key}"
        inner = ",".join(f"{k}={v}" for k, v in self.conditions)
        return f"{self.entity}[{inner}]"


def parse_selector(text: str) -> Selector:
    text = text.strip()
    if text == "settings":
        return Selector("settings")
    colon, bracket = text.find(":"), text.find("[")
    if bracket != -1 and (colon == -1 or bracket < colon) and text.endswith("]"):
        entity, _, inner = text[:-1].partition("[")
        conditions = []
        for part in filter(None, (p.strip() for p in inner.split(","))):
            name, eq, value = part.partition("=")
            if not eq or not name.strip():
                raise SelectorError(f"condition {part!r} in {text!r} is not field=value")
            conditions.append((name.strip(), value.strip()))
        selector = Selector(entity.strip(), None, tuple(conditions))
    elif ":" in text:
        entity, _, key = text.partition(":")
        if not key.strip():
            raise SelectorError(f"selector {text!r} names no row after ':'")
        selector = Selector(entity.strip(), key.strip())
    else:
        raise SelectorError(f"selector {text!r} is neither 'kind:key' nor 'kind[field=value]'")
    if selector.entity not in ENTITY_KINDS:
        kinds = ", ".join(ENTITY_KINDS)
        raise SelectorError(f"selector {text!r}: unknown kind {selector.entity!r} (one of {kinds})")
    for name, _ in selector.conditions:
        if name not in CONDITIONS[selector.entity]:
            allowed = ", ".join(CONDITIONS[selector.entity]) or "none"
            raise SelectorError(f"selector {text!r}: {selector.entity} has no condition {name!r} "
                                f"(allowed: {allowed})")
    return selector


def _attribute(sites: dict[str, object], entity: str, row: object, name: str) -> str:
    if entity == "phase" and name not in ("site", "name"):
        site = sites.get(row.site)  # type: ignore[attr-defined]
        return "" if site is None else str(getattr(site, name))
    return str(getattr(row, name))


def resolve(model: Model, selector: Selector) -> list:
    """The rows a selector picks, in model order (empty when nothing matches)."""
    if selector.entity == "settings":
        return [model.settings]
    rows = model.collection(selector.entity)
    if selector.key == "*":
        return list(rows)
    if selector.key is not None:
        key_field = type(rows[0]).KEY if rows else None
        return [r for r in rows if key_field and str(getattr(r, key_field)) == selector.key]
    # One lookup table per call (the first site of a name wins, as Model.site does): a linear
    # Model.site() per phase made group selectors O(sites × phases) on large models.
    sites: dict[str, object] = {}
    if selector.entity == "phase":
        for s in reversed(model.sites):
            sites[s.name] = s
    return [
        r for r in rows
        if all(_attribute(sites, selector.entity, r, k) == v for k, v in selector.conditions)
    ]
