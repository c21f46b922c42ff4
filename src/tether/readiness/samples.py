"""A sample suite's cases: inline in integrations.yaml, or rows of a CSV or JSONL file of real inputs.

A malformed row (a CSV row with the wrong number of fields, a JSONL line that is not an
object, a case missing a field the prompt uses) is reported as FILE:LINE:COL and skipped; it
never stops the other cases. Templates fill `{{ field }}` from the case, nothing more: no
expressions, so a sample file can never run code.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from tether.errors import InputError, Problem, display_path
from tether.model.assertions import Contains, Equals, IContains, LlmRubric
from tether.model.integration import SampleSuite
from tether.workspace.loader import Workspace
from tether.workspace.validate import format_path, read_text

FIELD = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*\}\}")
TEMPLATED = (Equals, Contains, IContains, LlmRubric)
"""Assertions whose `value` may name case fields, e.g. `equals: "{{ expected }}"`."""


@dataclass(frozen=True)
class Case:
    position: int
    """1-based, in the order the suite lists them (inline cases first, then the file's rows)."""
    source: str
    """FILE:LINE where the case was written."""
    fields: dict[str, Any]


@dataclass
class Cases:
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


def fill(template: str, fields: dict[str, Any]) -> str:
    """`{{ name }}` replaced by the case's field; KeyError (the field's name) when the case lacks it."""
    return FIELD.sub(lambda m: as_text(fields[m.group(1)]), template)


def needed_fields(suite: SampleSuite) -> list[str]:
    texts = [suite.prompt, suite.system or "", *(a.value for a in suite.assertions if isinstance(a, TEMPLATED))]
    names: list[str] = []
    for text in texts:
        names.extend(n for n in FIELD.findall(text) if n not in names)
    return names


def _csv_rows(text: str, file: str, out: Cases) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        out.problems.append(Problem(file, 1, 1, "the file is empty; the first line names the columns"))
        return rows
    except csv.Error as exc:
        out.problems.append(Problem(file, 1, 1, f"the header is not valid CSV: {exc}"))
        return rows
    names = [h.strip() for h in header]
    if len(set(names)) != len(names) or "" in names:
        out.problems.append(Problem(file, 1, 1, "column names must be unique and not empty"))
        return rows
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.problems.append(Problem(file, start, 1, f"not valid CSV: {exc}; row skipped"))
            continue
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            out.problems.append(
                Problem(file, start, 1, f"{len(row)} fields where the header has {len(names)}; row skipped")
            )
            continue
        rows.append((start, dict(zip(names, row, strict=True))))
    return rows


def _jsonl_rows(text: str, file: str, out: Cases) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            out.problems.append(Problem(file, number, exc.colno, f"not JSON: {exc.msg}; line skipped"))
            continue
        if not isinstance(value, dict):
            out.problems.append(Problem(file, number, 1, "each line is one JSON object of fields; line skipped"))
            continue
        rows.append((number, value))
    return rows


def load_cases(ws: Workspace, integration_index: int, suite_index: int) -> Cases:
    """Every usable case of one suite, and a located problem for each row that is not."""
    suite = ws.integrations[integration_index].samples[suite_index]
    base = ("integrations", integration_index, "samples", suite_index)
    shown = display_path(ws.path)
    out = Cases()
    written: list[tuple[str, int, dict[str, Any]]] = []
    for j, case in enumerate(suite.cases):
        line, _ = ws.located.where((*base, "cases", j))
        written.append((shown, line, case))
    if suite.file is not None:
        path = ws.root / suite.file
        file = display_path(path)
        if not path.is_file():
            line, col = ws.located.where((*base, "file"))
            out.problems.append(
                Problem(shown, line, col, f"{format_path((*base, 'file'))}: no sample file at {file}; no rows read")
            )
        else:
            try:
                text = read_text(path, file)
            except InputError as exc:
                out.problems.extend(exc.problems)
            else:
                reader = _csv_rows if suite.file.lower().endswith(".csv") else _jsonl_rows
                written.extend((file, line, row) for line, row in reader(text, file, out))
    needed = needed_fields(suite)
    for file, line, fields in written:
        missing = [name for name in needed if name not in fields]
        if missing:
            out.problems.append(
                Problem(file, line, 1, f"no field {missing[0]!r}, which the suite's prompt or assertions use; skipped")
            )
            continue
        out.cases.append(Case(len(out.cases) + 1, f"{file}:{line}", fields))
    return out
