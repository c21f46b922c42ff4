"""Gatus's condition grammar, extended with AI placeholders.

    [STATUS] == 200            [RESPONSE_TIME] < 300          [BODY].status == UP
    len([BODY].data) > 0       has([BODY].error) == false     [BODY].data[0].id == any(1, 2)
    [BODY].name == pat(lead-*) [TOKENS_OUT] <= 400            [ERROR_TYPE] != overloaded_error

Operators: == != < <= > >=. `any(...)` and `pat(...)` (a glob where `*` is any text) go on the
right of == or !=. AI placeholders read the response where it carries them: [TOKENS_IN],
[TOKENS_OUT] (Anthropic `usage.input_tokens`/`output_tokens` or OpenAI `prompt_tokens`/
`completion_tokens`), [MODEL], [ERROR_TYPE] (`error.type`) and [COST_USD] (tokens priced).
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tether.errors import did_you_mean

PLACEHOLDERS = ("STATUS", "RESPONSE_TIME", "BODY", "TOKENS_IN", "TOKENS_OUT", "COST_USD", "MODEL", "ERROR_TYPE")
OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
_PLACEHOLDER = re.compile(r"^\[(?P<name>[A-Za-z_]+)\](?P<path>.*)$")
_PATH_PART = re.compile(r"\.(?P<key>[A-Za-z0-9_\-]+)|\[(?P<index>\d+)\]")


class ConditionError(ValueError):
    """A condition that does not parse; the message says what to write instead."""


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Operand:
    """A placeholder with an optional JSON path, wrapped in len()/has(), or a literal."""

    placeholder: str | None = None
    path: tuple[str | int, ...] = ()
    func: str | None = None
    literal: str | None = None


@dataclass(frozen=True)
class Condition:
    text: str
    left: Operand
    op: str
    right: Operand | None = None
    any_of: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass
class Observation:
    """What a response showed, for conditions to read. `json` is parsed on first use."""

    status: int | None = None
    response_time_ms: float | None = None
    body: bytes = b""
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost_usd: float | None = None
    model: str | None = None
    error_type: str | None = None
    _json: Any = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    def json(self) -> Any:
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.body)
            except ValueError:
                self._json = MISSING
        return self._json


def _split_operator(text: str) -> tuple[str, str, str]:
    depth = 0
    quote = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            quote = not quote
        elif not quote and c in "[(":
            depth += 1
        elif not quote and c in "])":
            depth -= 1
            if depth < 0:
                raise ConditionError(f"unbalanced {c!r} in {text!r}")
        elif not quote and depth == 0:
            for op in OPERATORS:
                if text.startswith(op, i):
                    return text[:i].strip(), op, text[i + len(op) :].strip()
        i += 1
    if depth != 0:
        raise ConditionError(f"unbalanced brackets in {text!r}")
    raise ConditionError(f"no operator in {text!r}; write e.g. `[STATUS] == 200` (operators: {' '.join(OPERATORS)})")


def _placeholder(text: str) -> Operand:
    match = _PLACEHOLDER.match(text)
    if not match:
        raise ConditionError(f"{text!r} is not a placeholder such as [BODY].status")
    name = match.group("name").upper()
    if name not in PLACEHOLDERS:
        hint = did_you_mean(name, PLACEHOLDERS)
        raise ConditionError(f"unknown placeholder [{match.group('name')}]{hint}; known: {', '.join(PLACEHOLDERS)}")
    rest = match.group("path")
    path: list[str | int] = []
    pos = 0
    while pos < len(rest):
        part = _PATH_PART.match(rest, pos)
        if not part:
            raise ConditionError(f"bad JSON path {rest!r} after [{name}]; write e.g. [BODY].data[0].id")
        path.append(int(part.group("index")) if part.group("index") is not None else part.group("key"))
        pos = part.end()
    if path and name != "BODY":
        raise ConditionError(f"only [BODY] takes a JSON path, not [{name}]")
    return Operand(placeholder=name, path=tuple(path))


def _operand(text: str, side: str) -> Operand:
    if not text:
        raise ConditionError(f"nothing on the {side} of the operator")
    for func in ("len", "has"):
        if text.lower().startswith(f"{func}(") and text.endswith(")"):
            inner = _placeholder(text[len(func) + 1 : -1].strip())
            return Operand(placeholder=inner.placeholder, path=inner.path, func=func)
    if text.startswith("["):
        return _placeholder(text)
    if text.lower().startswith(("any(", "pat(")):
        raise ConditionError(f"{text[:3]}() goes on the right of == or !=")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return Operand(literal=text)


@lru_cache(maxsize=4096)
def parse_condition(text: str) -> Condition:
    """Parse one condition; ConditionError says what is wrong."""
    left_text, op, right_text = _split_operator(text.strip())
    left = _operand(left_text, "left")
    lowered = right_text.lower()
    if lowered.startswith(("any(", "pat(")) and right_text.endswith(")"):
        if op not in ("==", "!="):
            raise ConditionError(f"{right_text[:3]}() works with == or !=, not {op}")
        inner = right_text[4:-1]
        if lowered.startswith("any("):
            items = tuple(item.strip().strip('"') for item in inner.split(","))
            if not all(items):
                raise ConditionError(f"any() needs a comma-separated list of values, got {right_text!r}")
            return Condition(text=text, left=left, op=op, any_of=items)
        if not inner:
            raise ConditionError("pat() needs a pattern, e.g. pat(*ok*)")
        return Condition(text=text, left=left, op=op, pattern=inner)
    right = _operand(right_text, "right")
    if left.literal is not None and right.literal is not None:
        raise ConditionError(f"{text!r} compares two constants; one side must be a placeholder such as [STATUS]")
    return Condition(text=text, left=left, op=op, right=right)


def _step(value: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return value[part] if isinstance(value, list) and part < len(value) else MISSING
    return value[part] if isinstance(value, dict) and part in value else MISSING


def _resolve(operand: Operand, seen: Observation) -> Any:
    if operand.literal is not None:
        return operand.literal
    name = operand.placeholder
    value: Any
    if name == "BODY":
        if operand.path or operand.func:
            value = seen.json()
            for part in operand.path:
                value = _step(value, part)
                if value is MISSING:
                    break
            if value is MISSING and not operand.path and operand.func == "len":
                value = seen.body.decode("utf-8", errors="replace")
        else:
            value = seen.body.decode("utf-8", errors="replace")
    else:
        value = {
            "STATUS": seen.status,
            "RESPONSE_TIME": None if seen.response_time_ms is None else round(seen.response_time_ms),
            "TOKENS_IN": seen.tokens_in,
            "TOKENS_OUT": seen.tokens_out,
            "COST_USD": seen.cost_usd,
            "MODEL": seen.model,
            "ERROR_TYPE": seen.error_type,
        }[name or ""]
        if value is None:
            value = MISSING
    if operand.func == "has":
        return value is not MISSING
    if operand.func == "len":
        return len(value) if isinstance(value, list | dict | str) else MISSING
    return value


def show(value: Any) -> str:
    if value is MISSING:
        return "(missing)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is MISSING:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _equal(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return False
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na == nb
    return show(a) == show(b)


def evaluate(condition: Condition, seen: Observation) -> tuple[bool, str]:
    """(whether it holds, the left-hand value as shown to the user)."""
    left = _resolve(condition.left, seen)
    negate = condition.op == "!="
    if condition.any_of is not None:
        return (any(_equal(left, item) for item in condition.any_of) != negate), show(left)
    if condition.pattern is not None:
        matched = left is not MISSING and fnmatch.fnmatchcase(show(left), condition.pattern)
        return matched != negate, show(left)
    assert condition.right is not None
    right = _resolve(condition.right, seen)
    if condition.op in ("==", "!="):
        return _equal(left, right) != negate, show(left)
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return False, show(left)
    ok = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[condition.op]
    return ok, show(left)
