"""Suggestions for an answer the model refused: the slug of a title, the pattern a system belongs to."""

from __future__ import annotations

import difflib
import re

from tether.model.common import Pattern
from tether.model.systems import SystemCatalogue, SystemKind

# The pattern a team means when it names a system where a pattern was asked.
PATTERN_OF_KIND = {
    SystemKind.MIDDLEWARE: Pattern.AUTOMATION_BRIDGE,
    SystemKind.AI_API: Pattern.DIRECT_API,
    SystemKind.BUSINESS_APP: Pattern.NATIVE_FEATURE,
    SystemKind.VECTOR_DB: Pattern.CUSTOM_APP,
    SystemKind.FRAMEWORK: Pattern.CUSTOM_APP,
}


def slug(text: str) -> str:
    """`Lead Intake` -> `lead-intake`: lower case, runs of anything else one dash, at most 63 characters."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].rstrip("-")


def free_slug(text: str, taken: set[str]) -> str:
    """The slug of `text`, numbered past the names already taken."""
    base = slug(text) or "integration"
    if base not in taken:
        return base
    n = 2
    while f"{base[:60]}-{n}" in taken:
        n += 1
    return f"{base[:60]}-{n}"


def pattern_hint(answer: str, catalogue: SystemCatalogue) -> tuple[str | None, str | None]:
    """For an answer that is no pattern: why, when it names a system (else None), and the pattern it
    most likely meant."""
    system = catalogue.resolve(answer.strip())
    if system is not None and system.kind in PATTERN_OF_KIND:
        pattern = str(PATTERN_OF_KIND[system.kind])
        return f"{answer} is a system; the pattern is {pattern}", pattern
    close = difflib.get_close_matches(slug(answer), [str(p) for p in Pattern], n=1, cutoff=0.5)
    return None, close[0] if close else None
