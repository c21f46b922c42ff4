"""The condition grammar as a table: what each condition makes of a response, and what is refused."""

from __future__ import annotations

import json
import re

import pytest

from tether.checks.conditions import ConditionError, Observation, evaluate, parse_condition
from tether.errors import InputError
from tether.workspace import load_workspace

BODY = {
    "status": "UP",
    "data": [{"id": 7, "name": "lead-7"}, {"id": 9, "name": "lead-9"}],
    "count": 2,
    "ok": True,
    "error": None,
    "usage": {"input_tokens": 12, "output_tokens": 30},
}
SEEN = Observation(
    status=200,
    response_time_ms=123.4,
    body=json.dumps(BODY).encode(),
    tokens_in=12,
    tokens_out=30,
    cost_usd=0.0002,
    model="claude-haiku-4-5",
    error_type=None,
)

CASES = [
    ("[STATUS] == 200", True),
    ("[STATUS] != 200", False),
    ("[STATUS] < 300", True),
    ("[STATUS] >= 500", False),
    ("[STATUS] == any(200, 201)", True),
    ("[STATUS] == any(500, 503)", False),
    ("[RESPONSE_TIME] < 200", True),
    ("[RESPONSE_TIME] <= 100", False),
    ("[BODY].status == UP", True),
    ('[BODY].status == "UP"', True),
    ("[BODY].status == DOWN", False),
    ("[BODY].data[0].id == 7", True),
    ("[BODY].data[1].name == pat(lead-*)", True),
    ("[BODY].data[1].name != pat(lead-*)", False),
    ("[BODY].data[5].id == 7", False),
    ("[BODY].count > 1", True),
    ("[BODY].count > 2", False),
    ("[BODY].ok == true", True),
    ("[BODY].error == null", True),
    ("len([BODY].data) == 2", True),
    ("len([BODY].data) > 2", False),
    ("len([BODY].status) == 2", True),
    ("has([BODY].data) == true", True),
    ("has([BODY].missing) == false", True),
    ("has([BODY].missing) == true", False),
    ("[BODY] == pat(*lead-9*)", True),
    ("[BODY].status < 5", False),
    ("[TOKENS_IN] == 12", True),
    ("[TOKENS_OUT] <= 20", False),
    ("[COST_USD] < 0.001", True),
    ("[MODEL] == pat(claude-haiku-*)", True),
    ("[ERROR_TYPE] == overloaded_error", False),
    ("[ERROR_TYPE] != overloaded_error", True),
    ("200 == [STATUS]", True),
]


@pytest.mark.parametrize(("text", "holds"), CASES)
def test_condition(text: str, holds: bool) -> None:
    assert evaluate(parse_condition(text), SEEN)[0] is holds


def test_missing_values_show_as_missing() -> None:
    ok, actual = evaluate(parse_condition("[BODY].nope == 1"), SEEN)
    assert (ok, actual) == (False, "(missing)")


def test_body_path_on_a_body_that_is_not_json() -> None:
    seen = Observation(status=200, body=b"<html>")
    assert evaluate(parse_condition("[BODY].status == UP"), seen) == (False, "(missing)")
    assert evaluate(parse_condition("[BODY] == pat(<html*)"), seen)[0] is True


MALFORMED = [
    ("[STATUS] 200", "no operator"),
    ("[STATU] == 200", "unknown placeholder [STATU] (did you mean 'STATUS'?)"),
    ("[STATUS].code == 200", "only [BODY] takes a JSON path"),
    ("[BODY].data[x] == 1", "bad JSON path"),
    ("[STATUS] ==", "nothing on the right"),
    ("== 200", "nothing on the left"),
    ("[STATUS] < any(1, 2)", "any() works with == or !="),
    ("any(1) == [STATUS]", "goes on the right"),
    ("[STATUS] == pat()", "pat() needs a pattern"),
    ("len([BODY].data == 1", "unbalanced"),
    ("1 == 1", "compares two constants"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_malformed_condition(text: str, message: str) -> None:
    with pytest.raises(ConditionError, match=re.escape(message)):
        parse_condition(text)


WORKSPACE = """\
version: 1
workspace:
  name: t
integrations:
  - name: app
    title: App
    pattern: custom-app
    checks:
      - kind: http
        name: health
        url: http://127.0.0.1:1/health
        conditions:
          - "[STATUS] == 200"
          - "[BODY].status = UP"
"""


def test_a_malformed_condition_is_a_located_load_error() -> None:
    with pytest.raises(InputError) as caught:
        load_workspace(text=WORKSPACE)
    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (14, 13)
    assert problem.message.startswith("integrations[0].checks[0].conditions[1]: no operator in '[BODY].status = UP'")
