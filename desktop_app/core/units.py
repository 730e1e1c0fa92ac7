"""Field-level input: turn what a strategist types or pastes ("1.2 GW", "$3.4M", "35 %") into a
model value, and model values back into text, without Qt.

The rule is *refuse, never coerce*: text that is not a value of the field (not a number, a unit
of the wrong dimension, NaN, a negative capacity) raises ``InputError`` with a reason the editor
shows beside the cell. Whether a well-formed value makes sense for the model (a PUE below 1, a
year past the horizon, a region that does not exist) is whole-model validation
(``core.validation``): such values are accepted and the issues panel explains them.

Display text is for reading (rounded, thousands separators); ``edit_text`` is lossless, so the
editor and the clipboard round-trip exactly. Which field has which unit is ``core.fields``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from desktop_app.core.model import SiteStatus


class InputError(ValueError):
    """Text that is not a value of the field; ``str(error)`` is the reason shown to the user."""


_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)(.*)$")
_MAGNITUDES = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}
_INF = float("inf")
# Commas only as thousands separators: "1,200" or "12,000,000.5" — "1,5" is not read as 15.
_GROUPED = re.compile(r"^[^\d]*\d{1,3}(?:,\d{3})+(?:\.\d*)?(?!\d)")
_NON_FINITE = {"nan", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"}


def _squash(text: str) -> str:
    """Lower case without spaces, thousands separators or currency signs: one spelling to match."""
    text = text.lower().replace("−", "-")
    for junk in (" ", "\u00a0", "\u202f", ",", "_", "$", "usd"):
        text = text.replace(junk, "")
    return text


class Unit:
    """How one field reads and writes text; subclasses cover numbers, text and choices."""

    label: str = ""
    numeric: bool = False
    optional: bool = False

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def display(self, value: Any) -> str:
        return "" if value is None else str(value)

    def edit_text(self, value: Any) -> str:
        return self.display(value)

    def sort_key(self, value: Any) -> tuple:
        """Orders mixed values safely: numbers, then text, then blanks (never a TypeError).

        Called once per row for every sort of a 30,000-row table, so it avoids ``isinstance``
        with unions and ``math.isfinite`` calls.
        """
        kind = type(value)
        if kind is float:
            return (0, value) if -_INF < value < _INF else (1, str(value))
        if kind is int:
            return (0, value)
        if value is None or value == "":
            return (2, 0)
        return (1, str(getattr(value, "value", value)).casefold())


@dataclass(frozen=True)
class Number(Unit):
    """A quantity stored in ``label`` units; ``scales`` maps other spellings to factors."""

    label: str = ""
    scales: Mapping[str, float] = field(default_factory=dict)
    signed: bool = False  # negative values are meaningful (price changes, priorities)
    integer: bool = False
    optional: bool = False  # blank means "use the default" (stored as None)
    money: bool = False  # "$", k/M/B/T magnitudes, compact display
    magnitudes: bool = False  # k/M/B suffixes on plain counts ("120k")
    percent: bool = False  # stored as a fraction, typed and shown in percent
    grouping: bool = True  # thousands separators in display (not for years)
    blank: str = "default"  # what a None shows
    numeric: bool = True

    def parse(self, text: str) -> Any:
        raw = text.strip()
        if raw == "" or raw.lower() == self.blank:
            if self.optional:
                return None
            raise InputError("a value is required" + self._hint())
        lowered = raw.lower()
        if not self.money and ("$" in raw or "usd" in lowered):
            raise InputError(f"{raw!r} is money, not {self.label or 'a count'}" + self._hint())
        if "," in raw and not _GROUPED.search(raw):
            raise InputError(f"{raw!r}: commas separate thousands (1,200); use a point for "
                             "decimals (1.5)")
        squashed = _squash(raw)
        if squashed.lstrip("+-") in {s.lstrip("+-") for s in _NON_FINITE}:
            raise InputError(f"{raw!r} is not a finite number")
        match = _NUMBER.match(squashed)
        if not match:
            raise InputError(f"{raw!r} is not a number" + self._hint())
        # Decimal arithmetic so that what was typed lands exactly ("70 %" is 0.7, not
        # 0.7000000000000001; "$3.4M" is 3,400,000).
        try:
            scaled = Decimal(match.group(1)) * Decimal(repr(self._factor(match.group(2), raw)))
            value = float(scaled)
        except ArithmeticError:  # decimal.Overflow: "1e9999999"
            raise InputError(f"{raw!r} is too large") from None
        if not math.isfinite(value):
            raise InputError(f"{raw!r} is too large")
        if value < 0 and not self.signed:
            raise InputError(f"cannot be negative (got {raw!r})")
        if self.integer:
            if value != int(value):
                raise InputError(f"must be a whole number (got {raw!r})")
            return int(value)
        return value

    def _factor(self, suffix: str, raw: str) -> float:
        suffix = suffix.strip()
        label = _squash(self.label)
        if self.percent:
            for allowed in ("%", label, "%peryear", "%/year", "%/y", "%pa", ""):
                if suffix == allowed:
                    return 0.01  # exact as Decimal("0.01")
            raise InputError(f"{raw!r} is not a percentage" + self._hint())
        factor = 1.0
        if (self.money or self.magnitudes) and suffix[:2] in _MAGNITUDES:
            factor, suffix = _MAGNITUDES[suffix[:2]], suffix[2:]
        elif (self.money or self.magnitudes) and suffix[:1] in _MAGNITUDES \
                and not any(suffix == _squash(s) for s in self.scales):
            factor, suffix = _MAGNITUDES[suffix[:1]], suffix[1:]
        if suffix in ("", label, "/" + label.lstrip("/")):
            return factor
        for spelling, scale in self.scales.items():
            if suffix == _squash(spelling):
                return factor * scale
        raise InputError(f"{raw!r} is not in {self.label or 'this unit'}" + self._hint())

    def _hint(self) -> str:
        spellings = [self.label, *self.scales] if self.label else list(self.scales)
        if self.percent:
            return " (type a percentage such as 35 or 35 %)"
        if self.money:
            return " (e.g. 30000, $30k, $3.4M, 1.2B)"
        return f" (in {', '.join(s for s in spellings if s)})" if spellings else ""

    def display(self, value: Any) -> str:
        if value is None:
            return self.blank
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)  # an invalid stored value is shown as it is; validation explains
        if not math.isfinite(value):
            return str(value)
        if self.percent:
            return f"{_short(value * 100)} %"
        if self.money:
            return _money(value)
        if self.integer and not float(value).is_integer():
            return _short(value)  # an invalid fractional year; validation explains it
        if self.integer or (isinstance(value, int) and not self.grouping):
            return f"{int(value):,}" if self.grouping else str(int(value))
        if abs(value) >= 1000:
            text = f"{value:,.1f}" if self.grouping else f"{value:.1f}"
            return text.removesuffix(".0")
        return _short(value)

    def edit_text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            return str(value)
        if self.percent:
            return f"{_exact(round(value * 100, 10))} %"
        if self.money:
            compact = _money(value)
            try:
                if self.parse(compact) == value:
                    return compact
            except InputError:
                pass
            return "$" + _exact(value)
        return _exact(value)


def _exact(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _short(value: float) -> str:
    text = f"{value:.4g}"
    if "e" in text:
        return f"{value:,.0f}" if abs(value) >= 1 else text
    return text


def _money(value: float) -> str:
    sign, size = ("-" if value < 0 else ""), abs(value)
    for threshold, letter in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if size >= threshold:
            return f"{sign}${size / threshold:.4g}{letter}"
    if size >= 100 or float(size).is_integer():
        return f"{sign}${size:,.0f}"
    return f"{sign}${size:.2f}"


@dataclass(frozen=True)
class Text(Unit):
    """Free text; keys are ``required`` (a row needs a name). Tabs and line breaks are refused
    because rows travel through the clipboard as tab-separated text."""

    required: bool = False
    label: str = ""

    def parse(self, text: str) -> str:
        value = text.strip()
        if self.required and not value:
            raise InputError("cannot be empty; every row needs a name")
        if "\t" in value or "\n" in value or "\r" in value:
            raise InputError("cannot contain tabs or line breaks")
        return value


@dataclass(frozen=True)
class Reference(Unit):
    """The key of a row of another kind (``target``); whether it exists is for validation."""

    target: str = ""
    optional: bool = False
    none_is_blank: bool = False  # store a blank as None (scenario parent) rather than ""

    def parse(self, text: str) -> str | None:
        value = Text().parse(text)
        if not value:
            if not self.optional:
                raise InputError(f"choose a {self.target.replace('_', ' ')}")
            return None if self.none_is_blank else ""
        return value


@dataclass(frozen=True)
class Choice(Unit):
    """One of a fixed set of values (an ``Enum``); typed as its value or its label."""

    enum: type[Enum] = SiteStatus

    def labels(self) -> list[tuple[str, Any]]:
        return [(self.display(member), member) for member in self.enum]

    def parse(self, text: str) -> Any:
        wanted = _word(text)
        for member in self.enum:
            if wanted in (_word(str(member.value)), _word(self.display(member))):
                return member
        names = ", ".join(self.display(m) for m in self.enum)
        raise InputError(f"{text.strip()!r} is not one of: {names}")

    def display(self, value: Any) -> str:
        if isinstance(value, Enum):
            return str(value.value).replace("_", " ").capitalize()
        return "" if value is None else str(value)

    def edit_text(self, value: Any) -> str:
        return self.display(value)


def _word(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().casefold())


@dataclass(frozen=True)
class Quarter(Unit):
    """A quarter of the year, 1–4, typed as "3" or "Q3"."""

    label: str = "quarter"
    numeric: bool = True

    def parse(self, text: str) -> int:
        raw = text.strip().upper().removeprefix("Q")
        if raw not in ("1", "2", "3", "4"):
            raise InputError(f"{text.strip()!r} is not a quarter (Q1–Q4)")
        return int(raw)

    def display(self, value: Any) -> str:
        return f"Q{value}" if isinstance(value, int) and not isinstance(value, bool) else str(value)

    def labels(self) -> list[tuple[str, Any]]:
        return [(f"Q{q}", q) for q in (1, 2, 3, 4)]


@dataclass(frozen=True)
class YesNo(Unit):
    label: str = ""

    def parse(self, text: str) -> bool:
        word = text.strip().casefold()
        if word in ("yes", "y", "true", "1", "on"):
            return True
        if word in ("no", "n", "false", "0", "off"):
            return False
        raise InputError(f"{text.strip()!r} is not yes or no")

    def display(self, value: Any) -> str:
        return ("Yes" if value else "No") if isinstance(value, bool) else str(value)

    def labels(self) -> list[tuple[str, Any]]:
        return [("Yes", True), ("No", False)]


MW = Number("MW", {"kw": 1e-3, "kilowatt": 1e-3, "megawatt": 1, "gw": 1e3, "gigawatt": 1e3})
KW = Number("kW", {"w": 1e-3, "watt": 1e-3, "mw": 1e3})
USD = Number("USD", money=True)
USD_PER_MW = Number("USD/MW", money=True, optional=True, blank="default")
USD_PER_MWH = Number("USD/MWh", money=True)
SHARE = Number("%", percent=True)
CHANGE = Number("%/yr", percent=True, signed=True)
RATE = Number("%", percent=True, signed=True)
YEAR = Number("year", integer=True, grouping=False)
YEARS = Number("years", {"y": 1, "yr": 1, "yrs": 1, "year": 1, "mo": 1 / 12, "month": 1 / 12,
                         "months": 1 / 12})
PUE = Number("")
PUE_OPTIONAL = Number("", optional=True, blank="default")
MULTIPLIER = Number("×", {"x": 1})
CARBON = Number("kg/MWh", {"gco2/kwh": 1, "g/kwh": 1})
PFLOPS = Number("PFLOP/s", {"pflops": 1, "tflop/s": 1e-3, "tflops": 1e-3, "eflop/s": 1e3})
GB = Number("GB", {"tb": 1e3, "mb": 1e-3})
COUNT = Number("units", magnitudes=True)
COUNT_OPTIONAL = Number("units", magnitudes=True, optional=True, blank="none")
PER_MW = Number("per MW", optional=True, blank="from power")
PRIORITY = Number("", integer=True, signed=True)
HOURS = Number("h", {"hours": 1})
WHOLE = Number("", integer=True, magnitudes=True)
KEY = Text(required=True)
TEXT = Text()
