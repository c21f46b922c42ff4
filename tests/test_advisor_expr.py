"""Rule expressions: parse, evaluate, and every problem located at the character at fault."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tether.advisor.expr import ExprError, Facts, holds, parse

FACTS = Facts(
    chosen=frozenset({"dev_none", "complex"}),
    numbers={"monthly_volume": 12000.0},
    recommended=frozenset({"automation-bridge", "native-feature"}),
    primary="native-feature",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dev_none", True),
        ("dev_team", False),
        ("!dev_team", True),
        ("dev_none && complex", True),
        ("dev_none && simple", False),
        ("simple || complex", True),
        ("!(simple || moderate) && dev_none", True),
        ("dev_team || dev_none && simple", False),  # && binds tighter than ||
        ("(dev_team || dev_none) && complex", True),
        ("monthly_volume > 10000", True),
        ("monthly_volume >= 12000 && monthly_volume <= 12000", True),
        ("monthly_volume < 1_000", False),
        ("monthly_volume == 12000", True),
        ("monthly_volume != 12000", False),
        ("systems_touched > 2", False),  # unanswered number: the comparison is false
        ("!(systems_touched > 2)", True),
        ("recommended.automation-bridge && !recommended.custom-app", True),
        ("primary.native-feature", True),
        ("primary.automation-bridge", False),  # recommended beside it, but not the primary
        ("recommended.automation-bridge && !primary.automation-bridge", True),
        ("default", True),
        ("  default  ", True),
        ("!!dev_none", True),
    ],
)
def test_evaluates(text: str, expected: bool) -> None:
    assert holds(text, FACTS) is expected


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("dev_none & complex", 9, "write `&&`"),
        ("dev_none | complex", 9, "write `||`"),
        ("volume = 3", 7, "write `==`"),
        ("(dev_none && complex", 20, "expected `)` to close the `(` at character 1"),
        ("dev_none && ", 12, "expected a choice id"),
        ("volume >", 8, "expected a number after `>`"),
        ("volume > simple", 9, "expected a number"),
        ("", 0, "the rule is empty"),
        ("   ", 0, "the rule is empty"),
        ("10 > volume", 0, "a number must follow a comparison"),
        ("dev_none complex", 9, "expected `&&`, `||` or the end"),
        ("dev_none and complex", 9, "write `&&` instead of `and`"),
        ("not dev_none", 0, "write `!` instead of `not`"),
        ("default && dev_none", 0, "`default` stands alone"),
        ("dev_none )", 9, "expected `&&`, `||` or the end"),
        ("dev_none && $x", 12, "unexpected character '$'"),
        ("(" * 70 + "a" + ")" * 70, 64, "nested deeper than"),
    ],
)
def test_syntax_errors_are_located(text: str, offset: int, fragment: str) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    assert info.value.offset == offset
    assert fragment in info.value.message


def test_a_long_chain_stays_flat() -> None:
    text = " && ".join(["dev_none"] * 150)
    assert holds(text, FACTS)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_.-019 ()!&|<>=\t\n$dx")), max_size=60) | st.text(max_size=40))
def test_the_parser_raises_nothing_but_its_located_error(text: str) -> None:
    try:
        expr = parse(text)
    except ExprError as exc:
        assert 0 <= exc.offset <= len(text)
    else:
        holds(text, FACTS)  # whatever parses evaluates without raising
        assert expr is not None


# A generator of well-formed expressions with a reference value computed alongside.
NAMES = {"dev_none": True, "complex": True, "simple": False, "dev_team": False}


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> tuple[str, bool]:
    if depth > 3 or draw(st.booleans()):
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(NAMES)))
            return name, NAMES[name]
        number = draw(st.integers(0, 20000))
        op = draw(st.sampled_from([">", ">=", "<", "<=", "==", "!="]))
        value = {
            ">": number < 12000,
            ">=": number <= 12000,
            "<": number > 12000,
            "<=": number >= 12000,
            "==": number == 12000,
            "!=": number != 12000,
        }[op]
        return f"monthly_volume {op} {number}", value
    kind = draw(st.sampled_from(["not", "and", "or", "paren"]))
    left, lv = draw(expressions(depth + 1))
    if kind == "not":
        return f"!({left})", not lv
    if kind == "paren":
        return f"({left})", lv
    right, rv = draw(expressions(depth + 1))
    if kind == "and":
        return f"({left}) && ({right})", lv and rv
    return f"({left}) || ({right})", lv or rv


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_well_formed_expressions_evaluate_like_python(case: tuple[str, bool]) -> None:
    text, expected = case
    assert holds(text, FACTS) is expected
