"""Sites in bulk from CSV: map columns, parse units, preview every row's problems, apply all or
nothing. One CSV row is one phase; site columns repeat on each of a site's rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from desktop_app.core import fields as field_table
from desktop_app.core.fields import CSV_FIELDS, Field
from desktop_app.core.model import Model, Phase, Site
from desktop_app.core.units import InputError
from desktop_app.core.validation import validate

MAX_BYTES = 20 * 2**20
MAX_ROWS = 200_000
# Import targets: one CSV row is one phase, so the target names are the site's fields and the
# phase's, renamed where they would clash (the phase's name is "phase", its source
# "phase_source"). Which fields, their header words and labels: ``core.fields``.
SITE_FIELDS = tuple(f.csv for f in CSV_FIELDS if f.entity == "site")
PHASE_FIELDS = tuple(f.csv for f in CSV_FIELDS if f.entity == "phase")
TARGETS = SITE_FIELDS + PHASE_FIELDS
REQUIRED = tuple(f.csv for f in CSV_FIELDS if f.required_in_csv)
FIELD_OF: dict[str, Field] = {f.csv: f for f in CSV_FIELDS}
# Header words that mean each target (compared after lower-casing and dropping punctuation).
SYNONYMS: dict[str, tuple[str, ...]] = {f.csv: f.synonyms for f in CSV_FIELDS}
LABELS: dict[str, str] = {f.csv: f.csv_label for f in CSV_FIELDS}


class SiteImportError(ValueError):
    """The CSV cannot be read at all (encoding, size, no header)."""


def _norm(header: str) -> str:
    text = re.sub(r"\(.*?\)", " ", header.lower())  # "Capacity (MW)" → "capacity"
    text = re.sub(r"[_\-/.:]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def detect_mapping(headers: list[str]) -> dict[str, str]:
    """Column header → target field, for the headers that say what they hold."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        norm = _norm(header)
        for target, words in SYNONYMS.items():
            if target not in used and (norm in words or norm == target.replace("_", " ")):
                mapping[header] = target
                used.add(target)
                break
    return mapping


@dataclass(slots=True)
class RowPreview:
    line: int  # 1-based line in the file (the header is line 1)
    site: str
    phase: str
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


@dataclass(slots=True)
class SitePreview:
    headers: list[str]
    mapping: dict[str, str]
    rows: list[RowPreview]
    sites: list[Site]
    phases: list[Phase]
    problems: list[str]  # file-level (missing required columns, …)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.problems for r in self.rows)

    def text(self, limit: int = 50) -> str:
        lines = [f"{len(self.rows)} row(s) → {len(self.sites)} site(s), "
                 f"{len(self.phases)} phase(s)", "columns: " + ", ".join(
                     f"{h} → {self.mapping.get(h, '(ignored)')}" for h in self.headers)]
        lines += [f"  problem: {p}" for p in self.problems]
        shown = 0
        for row in self.rows:
            for column, message in row.problems:
                if shown < limit:
                    lines.append(f"  line {row.line} ({row.site}/{row.phase}), {column}: "
                                 f"{message}")
                shown += 1
        if shown > limit:
            lines.append(f"  … and {shown - limit} more")
        return "\n".join(lines)


def read_csv_text(path: str | Path) -> str:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SiteImportError(f"{path.name} is {size:,} bytes; the limit is {MAX_BYTES:,}")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SiteImportError(f"{path.name} is not UTF-8 text (byte {exc.start}); save it "
                              "from the spreadsheet as 'CSV UTF-8'") from exc


class _CsvReader(Protocol):
    """What ``csv.reader`` returns (its class is private to ``_csv``)."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def _reader(text: str) -> _CsvReader:
    """A reader in the file's dialect (comma, semicolon or tab, sniffed from its start)."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows as the file holds them, each with the row number
    ``preview`` reports (``RowPreview.line``): what a preview table shows before mapping."""
    reader = _reader(text)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise SiteImportError(f"line {reader.line_num}: not readable as CSV ({exc})") from exc
    if not rows:
        raise SiteImportError("the file is empty (no header row)")
    body = [(n, raw) for n, raw in enumerate(rows[1:], start=2) if any(c.strip() for c in raw)]
    return [h.strip() for h in rows[0]], body[:MAX_ROWS]


def preview(model: Model, text: str, mapping: dict[str, str] | None = None) -> SitePreview:
    """Parse every row against ``model`` without changing it.

    ``mapping`` (column header → target field, ``""`` to ignore the column) takes precedence
    over the headers' automatic mapping."""
    reader = _reader(text)
    try:
        return _preview(model, reader, mapping)
    except csv.Error as exc:
        raise SiteImportError(f"line {reader.line_num}: not readable as CSV ({exc})") from exc


def _preview(model: Model, reader: _CsvReader, mapping: dict[str, str] | None) -> SitePreview:
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SiteImportError("the file is empty (no header row)") from None
    chosen = dict(detect_mapping(headers))
    if mapping:
        unknown = [t for t in mapping.values() if t and t not in TARGETS]
        if unknown:
            raise SiteImportError(f"unknown target field(s) {', '.join(unknown)}; one of "
                                  f"{', '.join(TARGETS)}")
        chosen = {h: t for h, t in chosen.items()
                  if h not in mapping and t not in mapping.values()}
        chosen.update({h: t for h, t in mapping.items() if t})
    result = SitePreview(headers, chosen, [], [], [], [])
    missing = [t for t in REQUIRED if t not in chosen.values()]
    if missing:
        result.problems.append(f"no column for {', '.join(missing)} (map one with --mapping)")
        return result
    _rows(model, reader, headers, chosen, result)
    _check_against_model(model, result)
    return result


def _rows(model: Model, reader: _CsvReader, headers: list[str], mapping: dict[str, str],
          result: SitePreview) -> None:
    sites: dict[str, Site] = {}
    counts: dict[str, int] = {}
    column_of = {t: h for h, t in mapping.items()}
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(result.rows) >= MAX_ROWS:
            result.problems.append(f"more than {MAX_ROWS:,} rows")
            return
        cells = dict(zip(headers, raw, strict=False))
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for target, header in column_of.items():
            text = (cells.get(header) or "").strip()
            if not text:
                if target in REQUIRED:
                    problems.append((header, "is empty; this column is required"))
                continue  # blank optional cell: the model's default
            try:
                values[target] = FIELD_OF[target].unit.parse(text)
            except InputError as exc:
                problems.append((header, str(exc)))
        site_name = str(values.get("name") or "")
        counts[site_name] = counts.get(site_name, 0) + 1
        phase_name = str(values.get("phase") or f"Phase {counts[site_name]}")
        row = RowPreview(number, site_name, phase_name, problems)
        result.rows.append(row)
        # Rows with problems still build (with defaults for the refused cells) so that the
        # whole-model check below can report the rest of their problems in the same preview.
        site_values = {f: values[f] for f in SITE_FIELDS if f in values and values[f] != ""}
        site = sites.get(site_name)
        if site is None:
            site = Site(**{**site_values, "name": site_name})
            sites[site_name] = site
            result.sites.append(site)
        else:
            for f, v in site_values.items():
                if f != "name" and getattr(site, f) != v:
                    row.problems.append((column_of[f], f"differs from this site's first row "
                                         f"({getattr(site, f)!r})"))
        phase: dict[str, Any] = {"site": site_name, "name": phase_name}
        for target in PHASE_FIELDS:
            if target != "phase" and target in values and values[target] not in ("", None):
                phase[FIELD_OF[target].name] = values[target]
        result.phases.append(Phase(**phase))
    existing = {s.name for s in model.sites}
    for row in result.rows:
        if row.site in existing:
            row.problems.append((column_of["name"], f"site {row.site!r} is already in the "
                                 "model (import adds new sites only)"))


def _check_against_model(model: Model, result: SitePreview) -> None:
    """Whole-model validation of the candidate, mapped back to CSV lines."""
    if result.problems:
        return
    candidate = Model(model.settings, model.regions, model.accelerators,
                      [*model.sites, *result.sites], [*model.phases, *result.phases],
                      model.supply_lines, [])
    line_of_site: dict[str, RowPreview] = {}
    line_of_phase: dict[str, RowPreview] = {}
    for row in result.rows:
        line_of_site.setdefault(row.site, row)
        line_of_phase[f"{row.site}/{row.phase}"] = row
    for problem in validate(candidate):
        hit = (line_of_site.get(problem.key) if problem.entity == "site"
               else line_of_phase.get(problem.key) if problem.entity == "phase" else None)
        if hit is not None:
            target = field_table.field(problem.entity, problem.field)
            wanted = target.csv if target is not None and target.csv else problem.field
            column = next((h for h, t in result.mapping.items() if t == wanted), None)
            if column is None and problem.field == "name":
                # A phase name the import generated ("Phase 2"): its key comes from the site
                # name, the one column of the key the file has.
                column = next((h for h, t in result.mapping.items() if t == "name"), None)
            hit.problems.append((column or problem.field, problem.message))


def apply(model: Model, result: SitePreview) -> None:
    """Add the previewed sites and phases; refuses (changing nothing) if any row has a problem."""
    if not result.ok:
        raise SiteImportError("the CSV has problems; nothing was imported")
    model.sites.extend(result.sites)
    model.phases.extend(result.phases)
