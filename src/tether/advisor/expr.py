"""Rule expressions of the lens: a small, safe language parsed by hand (no eval, no exec).

    expr    := or
    or      := and ("||" and)*
    and     := unary ("&&" unary)*
    unary   := "!" unary | atom
    atom    := "(" or ")" | NAME [CMP NUMBER]
    CMP     := ">" | ">=" | "<" | "<=" | "==" | "!="

A NAME alone is a choice id (true when chosen), `recommended.<pattern>` (true when the
recommendation includes that pattern) or `primary.<pattern>` (true when that pattern is the
primary); `NAME CMP NUMBER` compares a number answer.
The whole expression `default` is always true: the last rule of a risk list.
Every problem is an ExprError with the offset of the exact character at fault.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

MAX_LENGTH = 2000
MAX_DEPTH = 64
DEFAULT = "default"
RECOMMENDED = "recommended."
PRIMARY = "primary."
PATTERN_PREFIXES = (RECOMMENDED, PRIMARY)
"""Names about the recommendation rather than an answer: usable only once there is one."""


class ExprError(Exception):
    """A rule expression that cannot be parsed; `offset` is 0-based within the expression."""

    def __init__(self, message: str, offset: int) -> None:
        self.message = message
        self.offset = offset
        super().__init__(f"{message} (at character {offset + 1})")


@dataclass(frozen=True)
class Name:
    name: str
    offset: int


@dataclass(frozen=True)
class Compare:
    name: str
    op: str
    number: float
    offset: int


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Default:
    offset: int = 0


Expr = Name | Compare | Not | And | Or | Default


@dataclass(frozen=True)
class Token:
    kind: str  # NAME, NUMBER, OP, LPAREN, RPAREN, END
    text: str
    offset: int


_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<NUMBER>\d[\d_]*(?:\.\d+)?)"
    r"|(?P<NAME>[A-Za-z_][A-Za-z0-9_.\-]*)"
    r"|(?P<OP>&&|\|\||>=|<=|==|!=|>|<|!)"
    r"|(?P<LPAREN>\()"
    r"|(?P<RPAREN>\))"
)

_HINTS = {
    "&": "write `&&` for 'and'",
    "|": "write `||` for 'or'",
    "=": "write `==` to compare",
}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            char = text[pos]
            hint = _HINTS.get(char)
            raise ExprError(f"unexpected character {char!r}" + (f"; {hint}" if hint else ""), pos)
        kind = match.lastgroup or "space"
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("END", "", len(text)))
    return tokens


_COMPARISONS = (">", ">=", "<", "<=", "==", "!=")


@dataclass
class _Parser:
    tokens: list[Token]
    pos: int = 0
    depth: int = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Expr:
        expr = self.or_()
        if self.token.text in ("and", "or"):
            symbol = "&&" if self.token.text == "and" else "||"
            raise ExprError(f"write `{symbol}` instead of `{self.token.text}`", self.token.offset)
        if self.token.kind != "END":
            raise ExprError(f"expected `&&`, `||` or the end, found {self._shown(self.token)}", self.token.offset)
        return expr

    def or_(self) -> Expr:
        # n-ary, so a long chain of `||` stays one level deep.
        operands = [self.and_()]
        while self.token.text == "||":
            self.take()
            operands.append(self.and_())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_(self) -> Expr:
        operands = [self.unary()]
        while self.token.text == "&&":
            self.take()
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def unary(self) -> Expr:
        if self.token.text == "!":
            return Not(self._nested(self.unary, self.take()))
        return self.atom()

    def _nested(self, parse: Callable[[], Expr], opener: Token) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"nested deeper than {MAX_DEPTH} levels", opener.offset)
        try:
            return parse()
        finally:
            self.depth -= 1

    def atom(self) -> Expr:
        token = self.token
        if token.kind == "LPAREN":
            self.take()
            inner = self._nested(self.or_, token)
            if self.token.kind != "RPAREN":
                raise ExprError(
                    f"expected `)` to close the `(` at character {token.offset + 1}, found {self._shown(self.token)}",
                    self.token.offset,
                )
            self.take()
            return inner
        if token.kind == "NAME":
            self.take()
            if token.text == DEFAULT:
                raise ExprError("`default` stands alone as the whole rule; it cannot be combined", token.offset)
            if token.text in ("and", "or", "not"):
                symbol = {"and": "&&", "or": "||", "not": "!"}[token.text]
                raise ExprError(f"write `{symbol}` instead of `{token.text}`", token.offset)
            if self.token.kind == "OP" and self.token.text in _COMPARISONS:
                op = self.take()
                number = self.token
                if number.kind != "NUMBER":
                    raise ExprError(f"expected a number after `{op.text}`, found {self._shown(number)}", number.offset)
                self.take()
                value = float(number.text.replace("_", ""))
                if not math.isfinite(value):
                    raise ExprError("the number is too large", number.offset)
                return Compare(token.text, op.text, value, token.offset)
            return Name(token.text, token.offset)
        if token.kind == "NUMBER":
            raise ExprError("a number must follow a comparison, as in `monthly_volume > 10000`", token.offset)
        raise ExprError(f"expected a choice id, `!` or `(`, found {self._shown(token)}", token.offset)

    @staticmethod
    def _shown(token: Token) -> str:
        return "the end of the rule" if token.kind == "END" else f"`{token.text}`"


@lru_cache(maxsize=4096)
def parse(text: str) -> Expr:
    """Parse a rule expression; ExprError (located) on any problem, nothing else."""
    if not isinstance(text, str):
        raise ExprError("a rule is a string", 0)
    if len(text) > MAX_LENGTH:
        raise ExprError(f"a rule is at most {MAX_LENGTH} characters", MAX_LENGTH)
    if text.strip() == DEFAULT:
        return Default(text.index(DEFAULT))
    tokens = tokenize(text)
    if tokens[0].kind == "END":
        raise ExprError("the rule is empty; write a condition such as `dev_none && complex`, or `default`", 0)
    return _Parser(tokens).parse()


@dataclass(frozen=True)
class Facts:
    """What an expression is evaluated against: chosen choice ids, number answers, the recommendation."""

    chosen: frozenset[str] = frozenset()
    numbers: dict[str, float] = field(default_factory=dict)
    recommended: frozenset[str] = frozenset()
    primary: str | None = None

    def name(self, name: str) -> bool:
        if name.startswith(RECOMMENDED):
            return name.removeprefix(RECOMMENDED) in self.recommended
        if name.startswith(PRIMARY):
            return name.removeprefix(PRIMARY) == self.primary
        return name in self.chosen


def _compare(value: float, op: str, number: float) -> bool:
    if op == ">":
        return value > number
    if op == ">=":
        return value >= number
    if op == "<":
        return value < number
    if op == "<=":
        return value <= number
    if op == "==":
        return value == number
    return value != number


def evaluate(expr: Expr, facts: Facts) -> bool:
    """Whether the expression holds. An unanswered number makes its comparison false."""
    if isinstance(expr, Default):
        return True
    if isinstance(expr, Name):
        return facts.name(expr.name)
    if isinstance(expr, Compare):
        value = facts.numbers.get(expr.name)
        return value is not None and _compare(value, expr.op, expr.number)
    if isinstance(expr, Not):
        return not evaluate(expr.operand, facts)
    if isinstance(expr, And):
        return all(evaluate(operand, facts) for operand in expr.operands)
    return any(evaluate(operand, facts) for operand in expr.operands)


def atoms(expr: Expr) -> Iterator[Name | Compare]:
    """Every name and comparison in the expression, left to right."""
    if isinstance(expr, Name | Compare):
        yield expr
    elif isinstance(expr, Not):
        yield from atoms(expr.operand)
    elif isinstance(expr, And | Or):
        for operand in expr.operands:
            yield from atoms(operand)


def holds(text: str, facts: Facts) -> bool:
    return evaluate(parse(text), facts)
