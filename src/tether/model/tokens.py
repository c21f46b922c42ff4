"""Token counts by type: the one shape every part of tether counts model usage in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class TokenCounts:
    """Tokens of each type one call, run or window used; each type is priced on its own."""

    input_tokens: int = 0
    """Uncached input tokens."""
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    # Spelled out rather than looped over TOKEN_TYPES: rollups add these for every sample folded.
    def __add__(self, other: TokenCounts) -> TokenCounts:
        return TokenCounts(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )

    def __mul__(self, times: int) -> TokenCounts:
        return TokenCounts(
            self.input_tokens * times,
            self.output_tokens * times,
            self.cache_read_tokens * times,
            self.cache_write_tokens * times,
        )

    def __bool__(self) -> bool:
        return bool(self.input_tokens or self.output_tokens or self.cache_read_tokens or self.cache_write_tokens)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in TOKEN_TYPES}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TokenCounts:
        """The counts found under their names in a row or a body; missing or null counts are 0."""
        return cls(*(int(values.get(name) or 0) for name in TOKEN_TYPES))


TOKEN_TYPES: tuple[str, ...] = tuple(f.name for f in fields(TokenCounts))
"""The token types, in the order prices, rollups and reports list them."""
