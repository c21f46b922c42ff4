"""Counts and articles in English, in one place: `1 integration`, `3 checks`, `an automation-bridge`."""

from __future__ import annotations

import re

_SAYS_YOU = re.compile(r"^(u[bcfgklmprstv][aeiou]|uni(?!n)|eu|one\b|once\b)", re.IGNORECASE)
"""Words that open on a consonant sound though spelled with a vowel: a user, a unit, a one-off."""
_SILENT_H = re.compile(r"^(hour|honest|honou?r|heir)", re.IGNORECASE)
_LETTER_SAYS_VOWEL = set("AEFHILMNORSX")
"""Initialisms read letter by letter: an HTTP check, an SLA, a CRM."""


def plural(count: float, word: str, many: str | None = None) -> str:
    """`1 integration`, `0 integrations`, `2.5 days`; `many` for irregular plurals (1 query, 2 queries)."""
    if count == 1:
        return f"{count:g} {word}"
    return f"{count:g} {many if many is not None else word + 's'}"


def article(word: str) -> str:
    """The word with `a` or `an` before it, by how it is said: `an automation-bridge`, `a direct-api`."""
    if not word:
        return word
    initialism = re.match(r"^[A-Z]{2,}\b", word)
    if initialism:
        vowel = word[0] in _LETTER_SAYS_VOWEL
    elif _SILENT_H.match(word):
        vowel = True
    else:
        vowel = word[0].lower() in "aeiou" and not _SAYS_YOU.match(word)
    return f"{'an' if vowel else 'a'} {word}"
