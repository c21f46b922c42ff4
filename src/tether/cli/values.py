"""What an option's value may be, read the way integrations.yaml reads it, refused in words a user can act on.

Durations take the units the YAML takes (one parser: `model.common.parse_duration`), and a bare
number stays seconds. Ports and counts are range-checked here rather than by typer, whose
messages name no fix. typer hands an option's default through its parser too, so each parser
takes a number as it is.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

PORT_MAX = 65535


def duration(at_least: float = 0.0) -> Callable[[str | float], float]:
    """`2.5s`, `250ms`, `1m`, `1h` or a number of seconds, as seconds, no shorter than `at_least`."""

    def parse(text: str | float) -> float:
        from tether.model.common import format_duration, parse_duration

        try:
            seconds = float(parse_duration(text.strip() if isinstance(text, str) else text))
        except ValueError:
            raise typer.BadParameter(
                f"{text!r} is not a duration; write seconds (2.5) or 2.5s, 250ms, 1m, 1h"
            ) from None
        if seconds < at_least:
            raise typer.BadParameter(f"{text} is too short; use {format_duration(at_least)} or more")
        return seconds

    return parse


def port(text: str | int) -> int:
    """A TCP port, 0 to 65535 (0: any free one)."""
    number = _whole(text, "a port", "8080")
    if not 0 <= number <= PORT_MAX:
        raise typer.BadParameter(f"{text} is not a port; use 1 to {PORT_MAX}, or 0 for any free one")
    return number


def count(minimum: int, maximum: int | None = None) -> Callable[[str | int], int]:
    """A whole number from `minimum` (to `maximum`)."""

    def parse(text: str | int) -> int:
        number = _whole(text, "a count", str(minimum))
        if number < minimum or (maximum is not None and number > maximum):
            span = f"from {minimum} to {maximum}" if maximum is not None else f"of {minimum} or more"
            raise typer.BadParameter(f"{text} is out of range; use a whole number {span}")
        return number

    return parse


def amount(text: str | float) -> float:
    """A sum of money in USD, 0 or more (`120`, `99.50`)."""
    if isinstance(text, int | float):
        return float(text)
    try:
        number = float(text.strip().replace("_", "").removeprefix("$"))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an amount; write USD such as 120 or 99.50") from None
    if not number >= 0 or number == float("inf"):
        raise typer.BadParameter(f"{text} is out of range; use an amount of 0 or more")
    return number


def _whole(text: str | int, what: str, example: str) -> int:
    if isinstance(text, int):  # typer hands the default through the parser too
        return text
    try:
        return int(text.strip().replace("_", ""))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not {what}; write a whole number such as {example}") from None
