"""JSON from someone else's hands (scenario files, sweep specs): read it as hostile.

Size limit before reading, UTF-8 only, nesting limit before parsing (a bomb of brackets costs
nothing to write), no NaN/Infinity, no numbers that overflow or take quadratic time to convert,
and validation against a JSON Schema shipped in ``resources/``. Each caller passes its own error
type so its users keep catching what they always caught.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema

from desktop_app.paths import resource_path

MAX_DEPTH = 12


def read_limited(path: str | os.PathLike[str], max_bytes: int, what: str,
                 error: type[Exception]) -> bytes:
    """The file's bytes, refusing files over ``max_bytes`` before reading them."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"{path.name} is {size:,} bytes; {what} are limited to {max_bytes:,}")
        return path.read_bytes()
    except OSError as exc:
        raise error(f"{path.name}: cannot be read ({exc.strerror})") from exc


def loads(data: bytes, name: str, max_bytes: int, error: type[Exception]) -> Any:
    """Parse ``data`` as JSON under the limits above; ``error(message)`` on any refusal."""
    if len(data) > max_bytes:
        raise error(f"{name} is larger than {max_bytes:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{name} is not UTF-8 text (byte {exc.start})") from exc
    if _deepest(text) > MAX_DEPTH:
        raise error(f"{name} nests deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float,
                          parse_int=_bounded_int)
    except (ValueError, RecursionError) as exc:
        raise error(f"{name} is not valid JSON ({exc})") from exc


def _finite_float(token: str) -> float:
    value = float(token)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{token} overflows a number")
    return value


def _bounded_int(token: str) -> int:
    if len(token) > 30:  # int("9" * 10**6) is quadratic; no real input needs 30 digits
        raise ValueError(f"integer {token[:20]}… is too long")
    return int(token)


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number these files may hold")


def _deepest(text: str) -> int:
    """Deepest bracket nesting outside strings, stopping early once past the limit."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif char in "]}":
            depth -= 1
    return deepest


class Schema:
    """A JSON Schema from ``resources/``, compiled on first use."""

    def __init__(self, resource: str) -> None:
        self.resource = resource
        self._validator: jsonschema.Draft202012Validator | None = None

    def document(self) -> dict[str, Any]:
        return json.loads(resource_path(self.resource).read_text(encoding="utf-8"))

    @property
    def validator(self) -> jsonschema.Draft202012Validator:
        if self._validator is None:
            self._validator = jsonschema.Draft202012Validator(self.document())
        return self._validator

    def check(self, document: Any, name: str, label: str, error: type[Exception],
              message: Callable[[jsonschema.ValidationError], str] = lambda e: e.message,
              ) -> None:
        """Raise ``error`` naming up to five schema violations (path: reason)."""
        errors = sorted(self.validator.iter_errors(document), key=lambda e: list(e.path))
        if errors:
            lines = [f"{'/'.join(str(p) for p in e.path) or '(top)'}: {message(e)}"
                     for e in errors[:5]]
            more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
            raise error(f"{name} does not match the {label} schema{more}: " + "; ".join(lines))
