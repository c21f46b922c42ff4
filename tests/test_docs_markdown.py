"""Markdown building blocks: user text can never break the document or its lint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs_support import lint, run_docs
from tether.docs import markdown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("a *bold* claim", "a \\*bold\\* claim"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("pipe | in a cell", "pipe \\| in a cell"),
        ("[a link](http://x)", "\\[a link\\](http://x)"),
        ("snake_case stays, _leading too_", "snake_case stays, \\_leading too\\_"),
        ("`code`", "\\`code\\`"),
        ("two\nlines", "two lines"),
    ],
)
def test_escape(text: str, expected: str) -> None:
    assert markdown.escape(text) == expected


def test_rules_prose_keeps_code_spans() -> None:
    assert markdown.escape_prose("set `budget.monthly_usd` *now*") == "set `budget.monthly_usd` \\*now\\*"


def test_wrap_never_breaks_a_code_span_and_escapes_block_starts() -> None:
    text = "word " * 14 + "`tether probe some-integration --json` and then - 1. # more"
    lines = markdown.wrap(text, first="- ").splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any("`tether probe some-integration --json`" in line for line in lines)
    for line in lines[1:]:
        assert not line.lstrip().startswith(("- ", "1. ", "# "))


def test_a_table_too_wide_for_80_columns_becomes_a_list() -> None:
    narrow = markdown.table(["a", "b"], [["1", "2"]])
    assert narrow == "| a | b |\n| --- | --- |\n| 1 | 2 |"
    wide = markdown.table(["name", "note"], [["x" * 30, "a long note " * 8]])
    assert wide.startswith("- " + "x" * 30 + ": note: a long note")
    assert all(len(line) <= 80 for line in wide.splitlines())


def test_tidy_collapses_blank_lines_outside_fences_only() -> None:
    assert markdown.tidy("# A  \n\n\n\ntext\n```\nx\n\n\ny\n```\n\n\n") == "# A\n\ntext\n```\nx\n\n\ny\n```\n"


HOSTILE = """version: 1
workspace:
  name: "Pipes | and *stars* <b>"
integrations:
  - name: hostile
    title: "A title with | pipes, *stars*, [brackets](x) and <html> that is long enough to wrap past eighty columns"
    description: "- not a list\\n# not a heading\\n1. not ordered ```fence``` ==="
    owner: "<owner@example.com>"
    pattern: direct-api
    lifecycle: production
    trigger: 'a "quoted" trigger | with a pipe and a very long tail of words that goes on'
    source: crm
    ai: {provider: anthropic, model: "claude-sonnet-4-5"}
    destinations: [crm, slack]
    links:
      - {title: "Design [v2]", url: "https://example.com/a b>c"}
    checks:
      - kind: heartbeat
        name: ping
        period: 1h
"""


def test_hostile_user_text_still_lints_clean(tmp_path: Path) -> None:
    (tmp_path / "integrations.yaml").write_text(HOSTILE, encoding="utf-8")
    result = run_docs(tmp_path, db=":memory:")
    assert result.exit_code == 0, result.output
    assert lint(tmp_path / "reports") == []
    document = (tmp_path / "reports/integrations/hostile.md").read_text()
    # The configuration block is the file's text, verbatim: literal inside a code fence. Elsewhere, escaped.
    prose = re.sub(r"^```yaml\n.*?^```$", "", document, flags=re.M | re.S)
    assert "<html>" not in prose
    assert "\\<html\\>" in prose


@pytest.mark.parametrize("seed", range(4))
def test_wrapping_breaks_lines_exactly_where_textwrap_would(seed: int) -> None:
    """`wrap` skips textwrap's regex chunking for speed; the lines must be the same ones."""
    import random
    import textwrap

    from tether.docs.markdown import greedy_lines

    rng = random.Random(seed)
    for _ in range(2000):
        words = ["".join(rng.choice("ab-\x00`é") for _ in range(rng.choice([1, 2, 5, 9, 30, 95]))) for _ in range(40)]
        text = " ".join(words[: rng.randint(0, 40)])
        first = rng.choice(["", "- ", "1. ", "> "])
        indent = rng.choice([" " * len(first), "> ", "", "    "])
        width = rng.choice([8, 20, 40, 80])
        expected = textwrap.wrap(
            text, width, initial_indent=first, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        )
        assert greedy_lines(text, first, indent, width) == expected
