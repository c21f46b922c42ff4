"""Sample cases from integrations.yaml, CSV and JSONL: malformed rows are located and skipped, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readiness_support import write_workspace
from tether.readiness.samples import fill, load_cases


def suite(tmp_path: Path, file: str | None, cases: str = "[]", prompt: str = "Score {{ name }}: {{ message }}") -> Path:
    line = f"\n              file: {file}" if file else ""
    write_workspace(
        tmp_path,
        f"""
        - name: app
          title: App
          pattern: direct-api
          samples:
            - name: s
              prompt: "{prompt}"{line}
              cases: {cases}
        """,
    )
    return tmp_path / "integrations.yaml"


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _load(tmp_path: Path) -> tuple[list[tuple[str, dict[str, object]]], list[str]]:
    from tether.workspace import load_workspace

    loaded = load_cases(load_workspace(tmp_path / "integrations.yaml"), 0, 0)
    return [(c.source, c.fields) for c in loaded.cases], [str(p) for p in loaded.problems]


def test_csv_rows_with_the_wrong_field_count_or_bad_quoting_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "leads.csv").write_text(
        "name,message\n"
        "Sam,needs 120 tents\n"
        "Priya,wants a quote,extra\n"
        '"Tom"x,bad quoting\n'
        "\n"
        'Aisha,"two\nlines"\n'
        "Leo\n"
        "Mina,last one\n",
        encoding="utf-8",
    )
    suite(tmp_path, "leads.csv")
    cases, problems = _load(tmp_path)
    assert cases == [
        ("leads.csv:2", {"name": "Sam", "message": "needs 120 tents"}),
        ("leads.csv:6", {"name": "Aisha", "message": "two\nlines"}),
        ("leads.csv:9", {"name": "Mina", "message": "last one"}),
    ]
    assert problems == [
        "leads.csv:3:1: 3 fields where the header has 2; row skipped",
        "leads.csv:4:1: not valid CSV: ',' expected after '\"'; row skipped",
        "leads.csv:8:1: 1 fields where the header has 2; row skipped",
    ]


def test_jsonl_lines_that_are_not_objects_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "leads.jsonl").write_text(
        '{"name": "Sam", "message": "tents"}\n'
        '{"name": "Priya", "message": \n'
        '["not", "an", "object"]\n'
        "\n"
        '{"name": "Leo", "message": {"nested": true}}\n'
        '{"name": "Ann"}\n',
        encoding="utf-8",
    )
    suite(tmp_path, "leads.jsonl")
    cases, problems = _load(tmp_path)
    assert cases == [
        ("leads.jsonl:1", {"name": "Sam", "message": "tents"}),
        ("leads.jsonl:5", {"name": "Leo", "message": {"nested": True}}),
    ]
    assert problems == [
        "leads.jsonl:2:30: not JSON: Expecting value; line skipped",
        "leads.jsonl:3:1: each line is one JSON object of fields; line skipped",
        "leads.jsonl:6:1: no field 'message', which the suite's prompt or assertions use; skipped",
    ]


def test_inline_cases_are_located_in_integrations_yaml(tmp_path: Path) -> None:
    suite(tmp_path, None, cases="[{name: Sam, message: hi}, {name: Priya}]")
    cases, problems = _load(tmp_path)
    assert cases == [("integrations.yaml:10", {"name": "Sam", "message": "hi"})]
    assert problems == [
        "integrations.yaml:10:1: no field 'message', which the suite's prompt or assertions use; skipped"
    ]


def test_a_missing_or_undecodable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    suite(tmp_path, "nowhere.csv", cases="[{name: Sam, message: hi}]")
    cases, problems = _load(tmp_path)
    assert [source for source, _ in cases] == ["integrations.yaml:11"]
    assert problems == [
        "integrations.yaml:10:15: integrations[0].samples[0].file: no sample file at nowhere.csv; no rows read"
    ]
    (tmp_path / "latin.csv").write_bytes(b"name,message\nJos\xe9,hola\n")
    suite(tmp_path, "latin.csv")
    assert _load(tmp_path) == ([], ["latin.csv:2:4: not UTF-8 text; save the file as UTF-8"])


def test_an_empty_csv_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    suite(tmp_path, "empty.csv")
    assert _load(tmp_path) == ([], ["empty.csv:1:1: the file is empty; the first line names the columns"])


def test_fill_replaces_fields_and_nothing_else() -> None:
    assert fill("Hi {{name}}, {{ n }} items {not a field} {{ data }}", {"name": "Sam", "n": 3, "data": {"a": 1}}) == (
        'Hi Sam, 3 items {not a field} {"a": 1}'
    )
    with pytest.raises(KeyError):
        fill("{{ missing }}", {})
